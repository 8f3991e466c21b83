//! Text cut at its line feeds, as `str::split('\n')` cuts it (a text ending in `\n` gives a
//! last, empty line), with `memchr`'s vectorized search: the rendered YAML that the
//! document scanner and `indent` go through is mostly short lines, where the standard
//! library's search costs more per line.

/// The lines of `text`, without their `\n`; the same items as `text.split('\n')`.
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |newline| {
            let end = newline.unwrap_or(text.len());
            // a `\n` is a whole character: both ends are character boundaries
            let line = &text[start..end];
            start = end + 1;
            line
        })
}

#[cfg(test)]
mod tests {
    use super::split_lines;

    proptest::proptest! {
        #[test]
        fn the_same_lines_as_split(text in "(a|é|\n| |\r){0,40}") {
            let ours: Vec<&str> = split_lines(&text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn edges() {
        for text in ["", "\n", "a", "a\n", "\n\na\nb", "a\n\n"] {
            assert_eq!(
                split_lines(text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }
}
