//! A fast, conservative reading of a rendered document: a line scanner for the block YAML the
//! templates write (mappings, sequences, one-line quoted and plain scalars, `[]`/`{}` and flow
//! sequences of quoted strings, `|`/`>` block scalars), without building a tree.
//!
//! It only ever says "this is certainly a valid YAML mapping whose `apiVersion`, `kind` and
//! `metadata.name` are these strings" ([`identify`] returns `Some`); on anything outside that
//! subset, however valid (non-ASCII text, escapes, anchors, multi-line plain scalars, a key that
//! might repeat, ...) it returns `None` and the caller parses the document with the full YAML
//! parser, which gives the answer and, for a broken document, its exact error. So the check of
//! every rendered document stays, and errors are the full parser's; the scanner is sound, not
//! complete (a test compares both on every golden render and on mutated documents).

use std::collections::HashSet;

/// `(kind, metadata.name)` of `content` when the scanner is sure the document is a valid YAML
/// mapping with string `apiVersion`, `kind` and `metadata.name`; `None` when unsure.
pub(super) fn identify(content: &str) -> Option<(&str, &str)> {
    // printable ASCII, tabs and line feeds only: no control character, no `\r`, no BOM, ...
    // (one pass without branches: the compiler makes it wide)
    let printable = content.bytes().fold(true, |ok, b| {
        ok & ((b == b'\n') | (b == b'\t') | ((0x20..0x7f).contains(&b)))
    });
    if !printable {
        return None;
    }
    let mut scan = Scan::for_text(content);
    for line in crate::lines::split_lines(content) {
        scan.line(line)?;
    }
    match (scan.api_version, scan.kind, scan.name) {
        (Some(_), Some(kind), Some(name)) => Some((kind, name)),
        _ => None,
    }
}

/// An open collection: its indentation and, for a mapping, its id in the key set.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Map { indent: usize, id: usize },
    Seq { indent: usize },
}

impl Frame {
    fn indent(self) -> usize {
        match self {
            Frame::Map { indent, .. } | Frame::Seq { indent } => indent,
        }
    }
}

/// What the last line leaves open.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    /// Nothing: the next line continues an open collection.
    Nothing,
    /// `key:` (at this indentation) with no value on its line: a nested node (deeper, or a
    /// sequence at the key's indentation) or null.
    Key { indent: usize, metadata: bool },
    /// `-` with no value on its line: a nested node (deeper) or null.
    Item { indent: usize },
    /// A block scalar whose parent is at `parent`; `content` is the indentation of its first
    /// line with text, `blank` the most spaces of the blank lines before it.
    Block {
        parent: usize,
        content: Option<usize>,
        blank: usize,
    },
}

#[derive(Debug)]
struct Scan<'a> {
    frames: Vec<Frame>,
    open: Open,
    /// `(mapping id, key)` of every key seen.
    keys: HashSet<(usize, &'a str), foldhash::fast::RandomState>,
    next_id: usize,
    /// The id of the mapping under the top-level `metadata` key.
    metadata: Option<usize>,
    started: bool,
    api_version: Option<&'a str>,
    kind: Option<&'a str>,
    name: Option<&'a str>,
}

impl Scan<'_> {
    /// A scanner for `content`: its key set sized for one key in 24 bytes (the seed values'
    /// Deployment has one in 31, its Secret one in 25), so that it seldom grows.
    fn for_text(content: &str) -> Self {
        Scan {
            frames: Vec::with_capacity(16),
            open: Open::Nothing,
            keys: HashSet::with_capacity_and_hasher(
                (content.len() / 24).max(16),
                Default::default(),
            ),
            next_id: 0,
            metadata: None,
            started: false,
            api_version: None,
            kind: None,
            name: None,
        }
    }
}

impl<'a> Scan<'a> {
    fn line(&mut self, line: &'a str) -> Option<()> {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line[indent..];
        let blank = rest.is_empty();
        if let Open::Block {
            parent,
            content,
            blank: most,
        } = self.open
        {
            match content {
                None if blank => {
                    self.open = Open::Block {
                        parent,
                        content,
                        blank: most.max(indent),
                    };
                    return Some(());
                }
                None if indent > parent => {
                    if most > indent || rest.starts_with('\t') {
                        return None;
                    }
                    self.open = Open::Block {
                        parent,
                        content: Some(indent),
                        blank: most,
                    };
                    return Some(());
                }
                Some(at) if blank || indent >= at => return Some(()),
                _ if indent > parent => return None,
                _ => self.open = Open::Nothing,
            }
        }
        if blank {
            return Some(());
        }
        if rest.starts_with('#') {
            return Some(()); // a comment line
        }
        if rest.starts_with('\t') {
            return None;
        }
        if !self.started {
            // the document is a mapping at column 0
            if indent != 0 {
                return None;
            }
            self.started = true;
            return self.map_line(indent, rest);
        }
        let item = is_item(rest);
        match self.open {
            Open::Key {
                indent: k,
                metadata,
            } if indent > k || (indent == k && item) => {
                self.open = Open::Nothing;
                return if item {
                    self.frames.push(Frame::Seq { indent });
                    self.item_line(indent, rest)
                } else if let Some((key, value)) = split_key(rest) {
                    let id = self.new_map(indent);
                    if metadata {
                        self.metadata = Some(id);
                    }
                    self.entry(indent, key, value)
                } else {
                    // a scalar on its own line: nothing may follow deeper
                    scalar(rest).map(|_| ())
                };
            }
            Open::Item { indent: k } if indent > k => {
                self.open = Open::Nothing;
                return if item {
                    None // a sequence in a sequence: left to the parser
                } else if let Some((key, value)) = split_key(rest) {
                    self.new_map(indent);
                    self.entry(indent, key, value)
                } else {
                    scalar(rest).map(|_| ())
                };
            }
            _ => self.open = Open::Nothing,
        }
        while self.frames.last().is_some_and(|f| f.indent() > indent) {
            self.frames.pop();
        }
        // a sequence at its key's indentation ends at the next key of that mapping
        if !item {
            if let Some(Frame::Seq { indent: at }) = self.frames.last() {
                if *at == indent && self.frames.len() >= 2 {
                    self.frames.pop();
                }
            }
        }
        match self.frames.last().copied() {
            Some(Frame::Seq { indent: at }) if at == indent && item => self.item_line(indent, rest),
            Some(Frame::Map { indent: at, id }) if at == indent && !item => {
                let (key, value) = split_key(rest)?;
                self.key(id, key)?;
                self.entry_in(indent, id, key, value)
            }
            _ => None,
        }
    }

    fn new_map(&mut self, indent: usize) -> usize {
        let id = self.next_id;
        self.next_id += 1;
        self.frames.push(Frame::Map { indent, id });
        id
    }

    /// The first line of the document: `key: value` of the top-level mapping.
    fn map_line(&mut self, indent: usize, rest: &'a str) -> Option<()> {
        let (key, value) = split_key(rest)?;
        self.new_map(indent);
        self.entry(indent, key, value)
    }

    /// `key: value` as the first entry of the mapping just opened.
    fn entry(&mut self, indent: usize, key: &'a str, value: &'a str) -> Option<()> {
        let Some(Frame::Map { id, .. }) = self.frames.last().copied() else {
            return None;
        };
        self.key(id, key)?;
        self.entry_in(indent, id, key, value)
    }

    fn key(&mut self, id: usize, key: &'a str) -> Option<()> {
        self.keys.insert((id, key)).then_some(())
    }

    fn entry_in(&mut self, indent: usize, id: usize, key: &'a str, value: &'a str) -> Option<()> {
        let value = value.trim_end_matches(' ');
        if value.is_empty() {
            self.open = Open::Key {
                indent,
                metadata: id == 0 && key == "metadata",
            };
            return Some(());
        }
        if is_block_header(value) {
            self.open = Open::Block {
                parent: indent,
                content: None,
                blank: 0,
            };
            return Some(());
        }
        let text = scalar(value)?;
        if id == 0 {
            match key {
                "apiVersion" => self.api_version = Some(text.as_string()?),
                "kind" => self.kind = Some(text.as_string()?),
                _ => {}
            }
        } else if Some(id) == self.metadata && key == "name" {
            self.name = Some(text.as_string()?);
        }
        Some(())
    }

    /// `- ...`: an item of the sequence at `indent`.
    fn item_line(&mut self, indent: usize, rest: &'a str) -> Option<()> {
        let after = &rest[1..];
        let spaces = after.bytes().take_while(|&b| b == b' ').count();
        let value = after[spaces..].trim_end_matches(' ');
        if value.is_empty() {
            self.open = Open::Item { indent };
            return Some(());
        }
        if is_item(value) {
            return None;
        }
        if is_block_header(value) {
            self.open = Open::Block {
                parent: indent,
                content: None,
                blank: 0,
            };
            return Some(());
        }
        if let Some((key, value)) = split_key(value) {
            let column = indent + 1 + spaces;
            self.new_map(column);
            return self.entry(column, key, value);
        }
        scalar(value).map(|_| ())
    }
}

/// `- x` or `-` alone.
fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

fn is_block_header(value: &str) -> bool {
    matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+")
}

/// `key: value` (value possibly empty) with a plain key that is certainly a string, or a
/// double-quoted key without escapes.
fn split_key(rest: &str) -> Option<(&str, &str)> {
    let (key, after) = if let Some(inner) = rest.strip_prefix('"') {
        let end = inner.find(['"', '\\'])?;
        if inner.as_bytes()[end] != b'"' {
            return None;
        }
        (&inner[..end], &inner[end + 1..])
    } else {
        let end = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-')))
            .unwrap_or(rest.len());
        let key = &rest[..end];
        // not empty, not a number, a boolean or null (those are not string keys)
        let first = key.bytes().next()?;
        if !first.is_ascii_alphabetic() || is_special_word(key) {
            return None;
        }
        (key, &rest[end..])
    };
    let value = after.strip_prefix(':')?;
    if value.is_empty() {
        return Some((key, value));
    }
    value.strip_prefix(' ').map(|v| (key, v))
}

/// Words YAML may read as a boolean or null (YAML 1.1 and 1.2, any case) or a special float.
fn is_special_word(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
    ];
    // the longest word has five letters
    word.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A one-line scalar value.
enum Scalar<'a> {
    /// Certainly this string.
    Str(&'a str),
    /// Valid, but not certainly a string (a plain scalar that may be a number, a flow
    /// collection, a string with escapes).
    Other,
}

impl<'a> Scalar<'a> {
    fn as_string(&self) -> Option<&'a str> {
        match self {
            Scalar::Str(s) => Some(s),
            Scalar::Other => None,
        }
    }
}

/// `value` (trailing spaces trimmed) when it is certainly one valid scalar or flow collection
/// of the accepted forms.
fn scalar(value: &str) -> Option<Scalar<'_>> {
    let value = value.trim_end_matches(' ');
    let first = value.bytes().next()?;
    match first {
        b'"' => {
            let (text, rest) = double_quoted(value)?;
            rest.is_empty().then_some(text)
        }
        b'\'' => {
            let (text, rest) = single_quoted(value)?;
            rest.is_empty().then_some(text)
        }
        b'[' => flow_sequence(value).then_some(Scalar::Other),
        b'{' => (value == "{}").then_some(Scalar::Other),
        _ => plain(value),
    }
}

/// A double-quoted scalar at the start of `value` and what follows it.
fn double_quoted(value: &str) -> Option<(Scalar<'_>, &str)> {
    let bytes = value.as_bytes();
    let mut i = 1;
    let mut escaped = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let text = if escaped {
                    Scalar::Other
                } else {
                    Scalar::Str(&value[1..i])
                };
                return Some((text, &value[i + 1..]));
            }
            b'\\' => {
                escaped = true;
                match bytes.get(i + 1)? {
                    b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"'
                    | b'/' | b'\\' => i += 2,
                    b'x' => {
                        let hex = bytes.get(i + 2..i + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        i += 4;
                    }
                    _ => return None,
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// A single-quoted scalar at the start of `value` and what follows it.
fn single_quoted(value: &str) -> Option<(Scalar<'_>, &str)> {
    let bytes = value.as_bytes();
    let mut i = 1;
    let mut escaped = false;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                escaped = true;
                i += 2;
                continue;
            }
            let text = if escaped {
                Scalar::Other
            } else {
                Scalar::Str(&value[1..i])
            };
            return Some((text, &value[i + 1..]));
        }
        i += 1;
    }
    None
}

/// `[]` or `["a", 'b', ...]`: quoted items only.
fn flow_sequence(value: &str) -> bool {
    let Some(mut rest) = value.strip_prefix('[') else {
        return false;
    };
    rest = rest.trim_start_matches(' ');
    if rest == "]" {
        return true;
    }
    loop {
        let item = match rest.bytes().next() {
            Some(b'"') => double_quoted(rest),
            Some(b'\'') => single_quoted(rest),
            _ => None,
        };
        let Some((_, after)) = item else {
            return false;
        };
        rest = after.trim_start_matches(' ');
        if rest == "]" {
            return true;
        }
        match rest.strip_prefix(',') {
            Some(next) => rest = next.trim_start_matches(' '),
            None => return false,
        }
    }
}

/// A plain one-line scalar: no indicator first, no `: ` or ` #` inside, no `:` last, no tab.
fn plain(value: &str) -> Option<Scalar<'_>> {
    let bytes = value.as_bytes();
    let first = bytes[0];
    let starts_ok = first.is_ascii_alphanumeric()
        || matches!(
            first,
            b'/' | b'.' | b'_' | b'$' | b'(' | b')' | b'=' | b'+' | b'~'
        )
        || (first == b'-' && bytes.get(1).is_some_and(|b| !matches!(b, b' ' | b'\t')));
    if !starts_ok || value.ends_with(':') {
        return None;
    }
    // one pass for what would end the scalar early (`: `, ` #`) or that the scanner leaves to
    // the parser (a tab), and whether it has a space
    let mut space = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\t' => return None,
            b' ' if (i > 0 && bytes[i - 1] == b':') || bytes.get(i + 1) == Some(&b'#') => {
                return None;
            }
            b' ' => space = true,
            _ => {}
        }
    }
    // a string for certain: starts with a letter, and not a word YAML reads otherwise
    if first.is_ascii_alphabetic() && !is_special_word(value) && !space {
        Some(Scalar::Str(value))
    } else {
        Some(Scalar::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`plain`]'s checks written the plain way, one search each.
    fn plain_the_plain_way(value: &str) -> Option<Option<&str>> {
        let bytes = value.as_bytes();
        let first = bytes[0];
        let starts_ok = first.is_ascii_alphanumeric()
            || matches!(
                first,
                b'/' | b'.' | b'_' | b'$' | b'(' | b')' | b'=' | b'+' | b'~'
            )
            || (first == b'-' && bytes.get(1).is_some_and(|b| !matches!(b, b' ' | b'\t')));
        if !starts_ok
            || value.contains(": ")
            || value.contains(" #")
            || value.ends_with(':')
            || value.contains('\t')
        {
            return None;
        }
        let certain =
            first.is_ascii_alphabetic() && !is_special_word(value) && !value.contains(' ');
        Some(certain.then_some(value))
    }

    proptest::proptest! {
        #[test]
        fn plain_decides_as_the_plain_way(value in "[a-c1:# \t.-]{1,12}") {
            let fast = plain(&value).map(|s| match s {
                Scalar::Str(text) => Some(text),
                Scalar::Other => None,
            });
            proptest::prop_assert_eq!(fast, plain_the_plain_way(&value));
        }
    }

    /// A document whose `data` mapping has `outer` keys `k0..`, each followed by a mapping of
    /// `inner` keys named like the outer ones (a name may repeat in another mapping), then
    /// the line `extra`.
    fn nested(outer: usize, inner: usize, extra: &str) -> String {
        let mut doc = String::from("apiVersion: v1\nkind: X\nmetadata:\n  name: a\ndata:\n");
        for k in 0..outer {
            doc += &format!("  k{k}: v\n  m{k}:\n");
            for i in 0..inner {
                doc += &format!("    k{i}: v\n");
            }
        }
        doc + extra
    }

    #[test]
    fn a_repeated_key_is_found_in_mappings_of_every_size() {
        for outer in 1..=16 {
            for inner in [1, 3, 8, 16] {
                let doc = nested(outer, inner, "");
                assert_eq!(identify(&doc), Some(("X", "a")), "{doc}");
                for k in 0..outer {
                    // in `data`, after the nested mappings closed
                    let doc = nested(outer, inner, &format!("  k{k}: again\n"));
                    assert_eq!(identify(&doc), None, "{doc}");
                }
                for i in 0..inner {
                    // in the last nested mapping
                    let doc = nested(outer, inner, &format!("    k{i}: again\n"));
                    assert_eq!(identify(&doc), None, "{doc}");
                }
                // a new key in either is fine
                for extra in ["  other: v\n", "    other: v\n"] {
                    let doc = nested(outer, inner, extra);
                    assert_eq!(identify(&doc), Some(("X", "a")), "{doc}");
                }
            }
        }
    }
}
