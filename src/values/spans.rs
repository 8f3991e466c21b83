//! Where each key and value of a values file is: built by the loader ([`super::load`]) in the
//! same pass that builds the values, so nothing is parsed twice.
//!
//! ```
//! use gitlab_runner_chart::__private::values::load::load;
//! use gitlab_runner_chart::__private::values::path::Path;
//!
//! let loaded = load("v.yaml", "runners:\n  cache:\n    cacheType: s4\n").unwrap();
//! let path = Path::parse("runners.cache.cacheType").unwrap();
//! let value = loaded.spans.value(&path).unwrap();
//! assert_eq!((value.line, value.column, value.len), (3, 16, 2));
//! let key = loaded.spans.key(&path).unwrap();
//! assert_eq!((key.line, key.column, key.len), (3, 5, 9));
//! assert_eq!(loaded.spans.line(3), Some("    cacheType: s4"));
//! ```
//!
//! # What is recorded
//!
//! - Paths are the values' own: keys are the strings Helm makes of them (`1:` is `"1"`, `on:`
//!   is `"true"`), sequence elements are indices.
//! - The *key* span of a mapping entry is its key token; a sequence element has no key, so its
//!   key span is its value span.
//! - The *value* span of a scalar is its token, quotes included, anchor and tag (`&a !!str`)
//!   excluded; for a block scalar (`|`, `>-`) it is the header. A mapping or a sequence starts
//!   at `{` or `[` in flow style, at its first key or its first `-` in block style. An empty
//!   value (`key:` alone) is an empty span just after the key.
//! - What an alias (`*a`) or a merge key (`<<: *a`) brings in keeps the spans of the anchored
//!   text it was copied from; the alias itself is the span of the value it stands for.
//!
//! Lines and columns are 1-based; a column counts characters (a tab is one), and a UTF-8 byte
//! order mark at the start of the file is not counted (what an editor shows).

use std::collections::HashMap;

/// A map by key of one mapping's entries, hashed with foldhash (a quarter of SipHash's work on
/// short keys; seeded per process, so no fixed set of keys collides).
pub(crate) type KeyMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;
use std::sync::Arc;

use super::path::{Path, Segment};

/// A location in a values file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the start in the text.
    pub offset: usize,
    /// Length of the token in characters, up to the end of its first line (what a caret would
    /// underline): a multi-line scalar counts its first line, a block scalar its header, a
    /// collection 1 (its first character). 0 for an empty value.
    pub len: usize,
}

/// The spans of one node of the values tree, and of its children.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeSpans {
    pub(crate) key: Span,
    pub(crate) value: Span,
    pub(crate) children: Children,
}

/// The spans of a node's children.
#[derive(Debug, Clone, Default)]
pub(crate) enum Children {
    /// A scalar (or an empty collection).
    #[default]
    None,
    /// A mapping's entries, by key.
    Map(KeyMap<NodeSpans>),
    /// A sequence's items.
    Seq(Vec<NodeSpans>),
}

/// The byte offset where each line of `text` starts (the first at 0), at YAML's line breaks.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(crate::lines::line_starts_after_breaks(text))
        .collect()
}

/// The text of a values file and the span of every key and value in it.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    text: Arc<str>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    root: Option<NodeSpans>,
}

impl SpanIndex {
    /// The index of `text`, whose [`line_starts`] the loader found (it counts lines too), and
    /// the spans of its nodes.
    pub(crate) fn with_line_starts(
        text: Arc<str>,
        line_starts: Vec<usize>,
        root: Option<NodeSpans>,
    ) -> SpanIndex {
        debug_assert_eq!(line_starts, self::line_starts(&text));
        SpanIndex {
            text,
            line_starts,
            root,
        }
    }

    /// The span of the key of `path` (for a sequence item, of the item); `None` for the top
    /// level, which has no key.
    pub fn key(&self, path: &Path) -> Option<Span> {
        if path.is_empty() {
            return None;
        }
        self.node(path).map(|n| n.key)
    }

    /// The span of the value at `path`.
    pub fn value(&self, path: &Path) -> Option<Span> {
        self.node(path).map(|n| n.value)
    }

    /// The deepest ancestor of `path` (or `path` itself) that the file holds, with the span of
    /// its value if it is `path` itself, else of its key (the key of the mapping a missing key
    /// belongs in; the top level's start when no key of the path is there). `None` if the file
    /// holds no values.
    pub fn nearest(&self, path: &Path) -> Option<(Path, Span)> {
        let mut node = self.root.as_ref()?;
        let mut depth = 0;
        for segment in path.segments() {
            let child = match (&node.children, segment) {
                (Children::Map(map), Segment::Key(k)) => map.get(k.as_str()),
                (Children::Seq(items), Segment::Index(i)) => items.get(*i),
                _ => None,
            };
            match child {
                Some(child) => {
                    node = child;
                    depth += 1;
                }
                None => break,
            }
        }
        let found: Path = path.segments()[..depth].iter().cloned().collect();
        let span = if depth == path.len() {
            node.value
        } else {
            node.key
        };
        Some((found, span))
    }

    /// Line `n` (1-based) of the text, without its line break; the line just past the end
    /// (where an unclosed collection ends) is empty.
    pub fn line(&self, n: usize) -> Option<&str> {
        let start = *self.line_starts.get(n.checked_sub(1)?)?;
        let rest = &self.text[start..];
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        Some(rest[..end].strip_prefix('\u{feff}').unwrap_or(&rest[..end]))
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn node(&self, path: &Path) -> Option<&NodeSpans> {
        let mut node = self.root.as_ref()?;
        for segment in path.segments() {
            node = match (&node.children, segment) {
                (Children::Map(map), Segment::Key(k)) => map.get(k.as_str())?,
                (Children::Seq(items), Segment::Index(i)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

#[cfg(test)]
impl SpanIndex {
    /// All recorded paths with their key and value spans, sorted by path.
    pub(crate) fn entries(&self) -> Vec<(Path, Span, Span)> {
        let mut out = Vec::new();
        let Some(root) = &self.root else { return out };
        let mut stack = vec![(Path::root(), root)];
        while let Some((path, node)) = stack.pop() {
            out.push((path.clone(), node.key, node.value));
            match &node.children {
                Children::Map(map) => {
                    for (k, child) in map {
                        stack.push((path.child_key(k.as_ref()), child));
                    }
                }
                Children::Seq(items) => {
                    for (i, child) in items.iter().enumerate() {
                        stack.push((path.child_index(i), child));
                    }
                }
                Children::None => {}
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}
