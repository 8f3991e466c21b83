//! Text cut at its line feeds, as `str::split('\n')` cuts it (a text ending in `\n` gives a
//! last, empty line), with `memchr`'s vectorized search: the rendered YAML that the
//! document scanner and `indent` go through is mostly short lines, where the standard
//! library's search costs more per line. Also where lines start, by YAML's line breaks (the
//! values reader's positions).

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

/// Where each line of `text` after the first starts: after a `\n`, or after a `\r` not
/// followed by `\n` (YAML's line breaks: `\r\n`, `\n` and a lone `\r`).
pub(crate) fn line_starts_after_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(move |&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::{line_starts_after_breaks, split_lines};

    #[test]
    fn line_starts_follow_every_kind_of_break() {
        let starts: Vec<usize> = line_starts_after_breaks("a\r\n\r\nb\rc\n").collect();
        assert_eq!(starts, [3, 5, 7, 9]);
        assert_eq!(line_starts_after_breaks("abc").count(), 0);
    }

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
