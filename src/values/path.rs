//! Values paths: `runners.cache.cacheType`, `hostAliases[0].ip`, `nodeSelector."kubernetes.io/os"`.
//!
//! A [`Path`] names one place in a values tree, from the top level down: a key of a mapping
//! ([`Segment::Key`]) or an element of a sequence ([`Segment::Index`]). The empty path is the
//! top level itself.
//!
//! # Text form
//!
//! [`Path`]'s `Display` writes keys separated by `.` and indices as `[i]`. A key is written as
//! it is when it is a *plain* key: not empty, and made only of ASCII letters and digits, `_`, `-`
//! and `/`. Any other key (one with a `.`, `[`, `]`, `"`, a space, a non-ASCII letter, or an
//! empty key) is written in double quotes, with `"` and `\` escaped by a backslash, and a line
//! feed, carriage return or tab written `\n`, `\r`, `\t`:
//!
//! ```
//! use gitlab_runner_chart::__private::values::path::Path;
//! let path = Path::default().child_key("nodeSelector").child_key("kubernetes.io/os");
//! assert_eq!(path.to_string(), r#"nodeSelector."kubernetes.io/os""#);
//! let path = Path::default().child_key("hostAliases").child_index(0).child_key("ip");
//! assert_eq!(path.to_string(), "hostAliases[0].ip");
//! assert_eq!(Path::parse("hostAliases[0].ip").unwrap(), path);
//! ```
//!
//! [`Path::parse`] reads that form back (it is the inverse of `Display`); it also accepts
//! quotes around a key that needs none, and unquoted keys with characters other than
//! `.`, `[`, `]`, `"`, `\` and whitespace.

use std::fmt;

/// One step of a [`Path`]: a key of a mapping or an index of a sequence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A key of a mapping (keys are strings in values: `1:` is the key `"1"`).
    Key(String),
    /// A 0-based index in a sequence.
    Index(usize),
}

impl Segment {
    /// The key, when this segment is one.
    pub fn as_key(&self) -> Option<&str> {
        match self {
            Segment::Key(k) => Some(k),
            Segment::Index(_) => None,
        }
    }

    /// The index, when this segment is one.
    pub fn as_index(&self) -> Option<usize> {
        match self {
            Segment::Key(_) => None,
            Segment::Index(i) => Some(*i),
        }
    }
}

/// Whether a key is written without quotes in a path.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'))
}

fn write_key(f: &mut fmt::Formatter<'_>, key: &str) -> fmt::Result {
    if is_plain_key(key) {
        return f.write_str(key);
    }
    f.write_str("\"")?;
    for c in key.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Segment {
    /// A key alone (quoted when not plain) or `[i]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) => write_key(f, k),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path in the values, from the top level: a list of [`Segment`]s. The default (empty) path
/// is the top level. See the [module documentation](self) for the text form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Path(Vec<Segment>);

impl Path {
    /// The top level (the empty path).
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// Appends a key.
    pub fn push_key(&mut self, key: impl Into<String>) {
        self.0.push(Segment::Key(key.into()));
    }

    /// Appends an index.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// Appends any segment.
    pub fn push(&mut self, segment: Segment) {
        self.0.push(segment);
    }

    /// Removes and returns the last segment.
    pub fn pop(&mut self) -> Option<Segment> {
        self.0.pop()
    }

    /// This path with a key appended.
    pub fn child_key(&self, key: impl Into<String>) -> Path {
        let mut child = self.clone();
        child.push_key(key);
        child
    }

    /// This path with an index appended.
    pub fn child_index(&self, index: usize) -> Path {
        let mut child = self.clone();
        child.push_index(index);
        child
    }

    /// The path without its last segment; `None` for the top level.
    pub fn parent(&self) -> Option<Path> {
        let (_, init) = self.0.split_last()?;
        Some(Path(init.to_vec()))
    }

    /// The segments, from the top level down.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The last segment; `None` for the top level.
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// The number of segments.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether this is the top level.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `prefix` is this path or one of its ancestors.
    pub fn starts_with(&self, prefix: &Path) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Reads the text form written by `Display` (see the [module documentation](self)).
    /// The empty string is the top level.
    ///
    /// ```
    /// use gitlab_runner_chart::__private::values::path::{Path, Segment};
    /// let path = Path::parse(r#"a."b.c"[2]"#).unwrap();
    /// assert_eq!(path.segments(), [Segment::Key("a".into()), Segment::Key("b.c".into()), Segment::Index(2)]);
    /// assert!(Path::parse("a..b").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Path, PathParseError> {
        let mut parser = PathParser {
            chars: text.char_indices().peekable(),
            len: text.len(),
        };
        parser.parse()
    }
}

impl From<Vec<Segment>> for Path {
    fn from(segments: Vec<Segment>) -> Path {
        Path(segments)
    }
}

impl FromIterator<Segment> for Path {
    fn from_iter<I: IntoIterator<Item = Segment>>(iter: I) -> Path {
        Path(iter.into_iter().collect())
    }
}

impl std::str::FromStr for Path {
    type Err = PathParseError;
    fn from_str(s: &str) -> Result<Path, PathParseError> {
        Path::parse(s)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 && matches!(segment, Segment::Key(_)) {
                f.write_str(".")?;
            }
            write!(f, "{segment}")?;
        }
        Ok(())
    }
}

/// Why a text is not a path: what is wrong and the byte offset where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathParseError {
    /// Byte offset in the text.
    pub offset: usize,
    /// What is wrong.
    pub message: &'static str,
}

impl fmt::Display for PathParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid path at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for PathParseError {}

struct PathParser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    len: usize,
}

impl PathParser<'_> {
    fn offset(&mut self) -> usize {
        self.chars.peek().map_or(self.len, |&(i, _)| i)
    }

    fn error<T>(&mut self, message: &'static str) -> Result<T, PathParseError> {
        Err(PathParseError {
            offset: self.offset(),
            message,
        })
    }

    fn parse(&mut self) -> Result<Path, PathParseError> {
        let mut path = Path::root();
        if self.chars.peek().is_none() {
            return Ok(path);
        }
        // A key is expected at the start and after each `.`; after a key or an index comes
        // `.`, `[` or the end.
        let mut expect_key = true;
        loop {
            match self.chars.peek().map(|&(_, c)| c) {
                None if expect_key => return self.error("expected a key"),
                None => return Ok(path),
                Some('[') => {
                    if expect_key && !path.is_empty() {
                        return self.error("expected a key after `.`");
                    }
                    self.chars.next();
                    path.push_index(self.index()?);
                    expect_key = false;
                }
                Some('.') if !expect_key => {
                    self.chars.next();
                    expect_key = true;
                }
                Some(_) if expect_key => {
                    path.push_key(self.key()?);
                    expect_key = false;
                }
                Some(_) => return self.error("expected `.`, `[` or the end"),
            }
        }
    }

    /// After `[`: digits then `]`.
    fn index(&mut self) -> Result<usize, PathParseError> {
        let mut value: usize = 0;
        let mut digits = 0;
        while let Some(&(_, c)) = self.chars.peek() {
            let Some(d) = c.to_digit(10) else { break };
            value = match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(d as usize))
            {
                Some(v) => v,
                None => return self.error("index too large"),
            };
            digits += 1;
            self.chars.next();
        }
        if digits == 0 {
            return self.error("expected digits in `[...]`");
        }
        match self.chars.next() {
            Some((_, ']')) => Ok(value),
            _ => Err(PathParseError {
                offset: self.offset(),
                message: "expected `]`",
            }),
        }
    }

    fn key(&mut self) -> Result<String, PathParseError> {
        let mut key = String::new();
        if let Some(&(_, '"')) = self.chars.peek() {
            self.chars.next();
            loop {
                match self.chars.next() {
                    None => return self.error("unterminated quoted key"),
                    Some((_, '"')) => return Ok(key),
                    Some((_, '\\')) => match self.chars.next() {
                        Some((_, '"')) => key.push('"'),
                        Some((_, '\\')) => key.push('\\'),
                        Some((_, 'n')) => key.push('\n'),
                        Some((_, 'r')) => key.push('\r'),
                        Some((_, 't')) => key.push('\t'),
                        _ => return self.error("unknown escape in quoted key"),
                    },
                    Some((_, c)) => key.push(c),
                }
            }
        }
        while let Some(&(_, c)) = self.chars.peek() {
            if matches!(c, '.' | '[' | ']' | '"' | '\\') || c.is_whitespace() {
                break;
            }
            key.push(c);
            self.chars.next();
        }
        if key.is_empty() {
            return self.error("expected a key");
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_string())
    }

    #[test]
    fn display_plain_paths() {
        let p = Path::root()
            .child_key("runners")
            .child_key("cache")
            .child_key("cacheType");
        assert_eq!(p.to_string(), "runners.cache.cacheType");
        let p = Path::root()
            .child_key("hostAliases")
            .child_index(0)
            .child_key("ip");
        assert_eq!(p.to_string(), "hostAliases[0].ip");
        let p = Path::root().child_index(3).child_index(1).child_key("x");
        assert_eq!(p.to_string(), "[3][1].x");
        assert_eq!(Path::root().to_string(), "");
        assert_eq!(Path::root().child_key("a-b_c/d1").to_string(), "a-b_c/d1");
        assert_eq!(
            Path::root().child_key("1").child_key("2").to_string(),
            "1.2"
        );
    }

    #[test]
    fn display_quotes_keys_that_are_not_plain() {
        let cases = [
            ("kubernetes.io/os", r#""kubernetes.io/os""#),
            ("", r#""""#),
            ("a b", r#""a b""#),
            ("a[0]", r#""a[0]""#),
            ("x]", r#""x]""#),
            (r#"say "hi""#, r#""say \"hi\"""#),
            (r"back\slash", r#""back\\slash""#),
            ("é", r#""é""#),
            ("line\nfeed\t", r#""line\nfeed\t""#),
            ("<<", r#""<<""#),
        ];
        for (k, shown) in cases {
            let p = Path::root().child_key("nodeSelector").child_key(k);
            assert_eq!(p.to_string(), format!("nodeSelector.{shown}"), "{k:?}");
            assert_eq!(Path::parse(&p.to_string()).unwrap(), p, "{k:?}");
        }
    }

    #[test]
    fn parse_is_the_inverse_of_display() {
        let paths = [
            Path::root(),
            Path::root().child_key("a"),
            Path::root().child_index(0),
            Path::root().child_key("a").child_index(0).child_index(12),
            Path::root().child_key("").child_key("").child_index(1),
            Path::root()
                .child_key("a.b")
                .child_key("\"")
                .child_key("\\")
                .child_index(usize::MAX),
        ];
        for p in paths {
            let text = p.to_string();
            assert_eq!(Path::parse(&text).unwrap(), p, "{text}");
            assert_eq!(text.parse::<Path>().unwrap(), p, "{text}");
        }
    }

    #[test]
    fn parse_is_lenient_with_quotes_and_unquoted_characters() {
        assert_eq!(
            Path::parse(r#""a"."b"[1]"#).unwrap().segments(),
            [key("a"), key("b"), Segment::Index(1)]
        );
        assert_eq!(
            Path::parse("app:é.x").unwrap().segments(),
            [key("app:é"), key("x")]
        );
        assert_eq!(
            Path::parse("a[007]").unwrap().segments(),
            [key("a"), Segment::Index(7)]
        );
    }

    #[test]
    fn parse_errors() {
        for (text, offset) in [
            (".a", 0),
            ("a.", 2),
            ("a..b", 2),
            ("a.[0]", 2),
            ("a[", 2),
            ("a[x]", 2),
            ("a[1", 3),
            ("a[1]b", 4),
            ("a\"b\"", 1),
            ("\"abc", 4),
            ("\"a\\q\"", 4),
            ("a]", 1),
            ("a b", 1),
            ("a[99999999999999999999999]", 21),
        ] {
            let err = Path::parse(text).unwrap_err();
            assert_eq!(err.offset, offset, "{text:?}: {err}");
        }
        assert_eq!(
            Path::parse("a..b").unwrap_err().to_string(),
            "invalid path at byte 2: expected a key"
        );
    }

    #[test]
    fn building_and_inspecting() {
        let mut p = Path::default();
        assert!(p.is_empty());
        assert_eq!(p.parent(), None);
        p.push_key("a");
        p.push_index(2);
        p.push(Segment::Key("b".into()));
        assert_eq!(p.len(), 3);
        assert_eq!(p.last(), Some(&key("b")));
        assert_eq!(p.parent().unwrap().to_string(), "a[2]");
        assert!(p.starts_with(&Path::parse("a[2]").unwrap()));
        assert!(!p.starts_with(&Path::parse("a[1]").unwrap()));
        assert_eq!(p.segments()[1].as_index(), Some(2));
        assert_eq!(p.segments()[0].as_key(), Some("a"));
        assert_eq!(p.pop(), Some(key("b")));
        let collected: Path = vec![key("x"), Segment::Index(0)].into_iter().collect();
        assert_eq!(collected, Path::from(vec![key("x"), Segment::Index(0)]));
    }

    #[test]
    fn ordering_puts_descendants_after_their_ancestor() {
        let mut paths: Vec<Path> = ["b", "a.b", "a", "a[1]", "a[0].z"]
            .iter()
            .map(|t| Path::parse(t).unwrap())
            .collect();
        paths.sort();
        let shown: Vec<String> = paths.iter().map(Path::to_string).collect();
        assert_eq!(shown, ["a", "a.b", "a[0].z", "a[1]", "b"]);
    }
}
