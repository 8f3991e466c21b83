//! Where each value of a values file comes from: a positioned index of the file's text.
//!
//! `serde_yaml` gives values without positions; [`PositionIndex::build`] reads the same text
//! once more with an event parser (`saphyr-parser`) and records, for every values path, the
//! location of its key and of its value, so that a problem found in the merged values can be
//! reported at `file:line:column`.
//!
//! ```
//! use gitlab_runner_chart::values::path::Path;
//! use gitlab_runner_chart::values::positions::PositionIndex;
//!
//! let index = PositionIndex::build("runners:\n  cache:\n    cacheType: s4\n");
//! let path = Path::parse("runners.cache.cacheType").unwrap();
//! let value = index.value(&path).unwrap();
//! assert_eq!((value.line, value.column, value.len), (3, 16, 2));
//! let key = index.key(&path).unwrap();
//! assert_eq!((key.line, key.column, key.len), (3, 5, 9));
//! assert_eq!(index.line(3), Some("    cacheType: s4"));
//! ```
//!
//! # What is recorded
//!
//! - Paths are the ones [`load`](super::load) gives: keys are strings (`1:` is the key `"1"`,
//!   `true:` is `"true"`, `null:` and `~:` are `"null"`, `0x10:` is `"16"`), sequence elements
//!   are indices. Keys that are sequences or mappings (which `load` rejects) are skipped with
//!   their values.
//! - The *key* location of a mapping entry is its key token; a sequence element has no key, so
//!   its key location is its value location.
//! - The *value* location of a scalar is the scalar token: quotes included, anchor and tag
//!   (`&a !!str`) excluded; for a block scalar (`|`, `>-`) it is the header (`|-`), where
//!   `serde_yaml` reports it too. The value location of a mapping or a sequence is where it
//!   starts: `{` or `[` for flow collections, the first key of a block mapping, the first `-`
//!   of a block sequence (also for a sequence written at the indentation of its key).
//!   An empty value (`key:` alone) is an empty span just after the key.
//! - Multi-document files: the documents are merged as [`load`](super::load) merges them
//!   (mappings key by key, anything else replaces), and a later document's location wins.
//! - Aliases (`*a`) are not expanded (an alias bomb costs nothing): the alias's own path has the
//!   alias token as value, and every path *below* it resolves, for both key and value, to the
//!   alias token. Likewise a mapping with a merge key (`<<: *base`, `<<: [*a, *b]`) resolves
//!   every key it does not hold itself to the `<<` entry (key: the `<<` token; value: what
//!   follows it). The `<<` entry is also recorded as an ordinary key `"<<"` (that is what
//!   `serde_yaml` loads when merges are not applied).
//!
//! # Columns
//!
//! Lines and columns are 1-based; a column counts characters (not bytes), a tab counts as one,
//! and a UTF-8 byte order mark at the start of the file is not counted (what an editor shows).
//! These agree with the locations in `serde_yaml`'s errors, except on the first line of a file
//! starting with a byte order mark, where libyaml counts the mark as a column.
//!
//! `saphyr-parser` follows YAML 1.2 more strictly than libyaml: where libyaml accepts what
//! saphyr refuses, the index stops there (look-ups of later paths fall back on
//! [`PositionIndex::nearest`]). One such case is common and handled: a tab as the blank after
//! `:`, `-` or `?` (`key:<TAB>value`) is read as a space (a key containing `:<TAB>` in quotes is
//! then not found). Line breaks are
//! `\n`, `\r\n` and a lone `\r`. [`Span::offset`] is a byte offset in the text given to
//! [`PositionIndex::build`] (the same as `serde_yaml::Location::index`).
//!
//! # Robustness
//!
//! Building never fails: at the first YAML error the index keeps what it has recorded so far
//! (the error itself is reported by `serde_yaml`). Building is one pass over the parser's events
//! with an explicit stack: time and memory are linear in the size of the text, whatever the
//! nesting depth. Texts longer than 4 GiB are not indexed (every look-up gives `None`, but
//! [`PositionIndex::line`] still works).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as RawSpan, Tag};

use super::path::{Path, Segment};

/// A location in a values file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the start in the text.
    pub offset: usize,
    /// Length of the token in characters, up to the end of its first line (what a caret would
    /// underline): a multi-line quoted or plain scalar counts its first line, a block scalar its
    /// header (`|`, `>-`), a collection 1 (its first character). 0 for an empty value.
    pub len: usize,
}

/// Compact location kept for each node (the index of a large file holds millions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Loc {
    offset: u32,
    line: u32,
    /// 1-based.
    column: u32,
    len: u32,
}

impl Loc {
    fn span(self) -> Span {
        Span {
            line: self.line as usize,
            column: self.column as usize,
            offset: self.offset as usize,
            len: self.len as usize,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Map,
    Seq,
    Alias,
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node {
    key: Loc,
    value: Loc,
    kind: Kind,
    /// A mapping with a merge key `<<`.
    merge: bool,
    /// For a mapping, its index in `maps`; for a sequence, in `seqs`; else `NONE`.
    children: u32,
}

/// Lines are found from a checkpoint every `LINE_STRIDE` lines (little memory, short scans).
const LINE_STRIDE: usize = 32;

/// The positions of every values path of one values file. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct PositionIndex {
    text: String,
    /// Byte offset of the start of lines 1, 1 + LINE_STRIDE, 1 + 2 * LINE_STRIDE, ...
    line_marks: Vec<usize>,
    line_count: usize,
    nodes: Vec<Node>,
    maps: Vec<HashMap<Box<str>, u32>>,
    seqs: Vec<Vec<u32>>,
    root: Option<u32>,
}

/// How a path resolved.
enum Resolved {
    /// To a recorded node.
    Node(u32),
    /// Below an alias or through a merge key: the (key, value) locations that stand for it.
    Covered(Loc, Loc),
}

impl PositionIndex {
    /// Indexes a values file. Never fails: on a YAML error, the index holds what came before it.
    pub fn build(text: &str) -> PositionIndex {
        let (line_marks, line_count) = line_marks(text);
        let mut index = PositionIndex {
            text: text.to_owned(),
            line_marks,
            line_count,
            nodes: Vec::new(),
            maps: Vec::new(),
            seqs: Vec::new(),
            root: None,
        };
        if text.len() >= NONE as usize {
            return index;
        }
        let mut builder = Builder {
            text,
            index: &mut index,
            cursor_char: 0,
            cursor_byte: 0,
            stack: Vec::new(),
            pending: KeyState::Expect,
            skip: 0,
            anchors: HashMap::new(),
            prev_end: Marker::new(0, 1, 0),
            quoted_end: None,
        };
        let parsed = relax_tabs(text);
        let mut parser = Parser::new_from_str(&parsed);
        while let Some(Ok((event, span))) = parser.next_event() {
            builder.event(event, span);
        }
        index
    }

    /// The location of the key of `path`: the key token of a mapping entry, the value of a
    /// sequence element; below an alias or through a merge key, the alias or the `<<` token.
    /// `None` for the top level and for paths not in the file.
    pub fn key(&self, path: &Path) -> Option<Span> {
        if path.is_empty() {
            return None;
        }
        match self.resolve(path).0? {
            Resolved::Node(id) => Some(self.nodes[id as usize].key.span()),
            Resolved::Covered(key, _) => Some(key.span()),
        }
    }

    /// The location of the value at `path` (see the [module documentation](self)); for the
    /// top level, the start of the last document's mapping. `None` for paths not in the file.
    pub fn value(&self, path: &Path) -> Option<Span> {
        match self.resolve(path).0? {
            Resolved::Node(id) => Some(self.nodes[id as usize].value.span()),
            Resolved::Covered(_, value) => Some(value.span()),
        }
    }

    /// The best location for a problem at `path`, with the path it belongs to.
    ///
    /// - When `path` is in the file (directly, or below an alias or merge key), it is returned
    ///   with its **value** location: a problem with a value points at the value.
    /// - Otherwise (a missing key, say) the deepest ancestor in the file is returned with its
    ///   **key** location: the problem is "in" that entry, and its key is the clearest place to
    ///   point at. The top level, which has no key, comes with its value location.
    /// - `None` when nothing of the file is indexed (an empty file, a YAML error at the start).
    pub fn nearest(&self, path: &Path) -> Option<(Path, Span)> {
        let (resolved, deepest) = self.resolve(path);
        match resolved {
            Some(Resolved::Node(id)) => Some((path.clone(), self.nodes[id as usize].value.span())),
            Some(Resolved::Covered(_, value)) => Some((path.clone(), value.span())),
            None => {
                let (depth, id) = deepest?;
                let node = &self.nodes[id as usize];
                let loc = if depth == 0 { node.value } else { node.key };
                Some((
                    path.segments()[..depth].iter().cloned().collect(),
                    loc.span(),
                ))
            }
        }
    }

    /// The text of line `n` (1-based), without its line break (and without a byte order mark
    /// on line 1). `None` past the last line. A text ending with a line break has an empty
    /// last line after it.
    pub fn line(&self, n: usize) -> Option<&str> {
        if n == 0 || n > self.line_count {
            return None;
        }
        let mut start = self.line_marks[(n - 1) / LINE_STRIDE];
        let bytes = self.text.as_bytes();
        for _ in 0..(n - 1) % LINE_STRIDE {
            start = next_line_start(bytes, start);
        }
        let end = line_end(bytes, start);
        let line = &self.text[start..end];
        Some(if n == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        })
    }

    /// The number of lines (at least 1: an empty text has one empty line).
    pub fn line_count(&self) -> usize {
        self.line_count
    }

    /// The text that was indexed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Follows `path` from the top level. Returns how it resolved, and the deepest recorded
    /// node on the way with the number of segments that led to it.
    fn resolve(&self, path: &Path) -> (Option<Resolved>, Option<(usize, u32)>) {
        let Some(mut id) = self.root else {
            return (None, None);
        };
        let mut deepest = (0, id);
        for (depth, segment) in path.segments().iter().enumerate() {
            let node = &self.nodes[id as usize];
            let child = match (node.kind, segment) {
                (Kind::Map, Segment::Key(key)) => {
                    self.maps[node.children as usize].get(key.as_str()).copied()
                }
                (Kind::Seq, Segment::Index(i)) => {
                    self.seqs[node.children as usize].get(*i).copied()
                }
                _ => None,
            };
            match child {
                Some(child) => {
                    id = child;
                    deepest = (depth + 1, child);
                }
                None => {
                    let covered = match (node.kind, segment) {
                        (Kind::Alias, _) => Some(Resolved::Covered(node.value, node.value)),
                        (Kind::Map, Segment::Key(_)) if node.merge => {
                            self.maps[node.children as usize].get("<<").map(|&m| {
                                let merge = &self.nodes[m as usize];
                                Resolved::Covered(merge.key, merge.value)
                            })
                        }
                        _ => None,
                    };
                    return (covered, Some(deepest));
                }
            }
        }
        (Some(Resolved::Node(id)), Some(deepest))
    }

    fn new_node(&mut self, key: Loc, value: Loc, kind: Kind) -> u32 {
        let children = match kind {
            Kind::Map => {
                self.maps.push(HashMap::new());
                (self.maps.len() - 1) as u32
            }
            Kind::Seq => {
                self.seqs.push(Vec::new());
                (self.seqs.len() - 1) as u32
            }
            Kind::Scalar | Kind::Alias => NONE,
        };
        self.nodes.push(Node {
            key,
            value,
            kind,
            merge: false,
            children,
        });
        (self.nodes.len() - 1) as u32
    }

    /// All recorded paths with their key and value locations (for tests).
    #[cfg(test)]
    fn entries(&self) -> Vec<(Path, Span, Span)> {
        let mut out = Vec::new();
        let Some(root) = self.root else { return out };
        let mut stack = vec![(Path::root(), root)];
        while let Some((path, id)) = stack.pop() {
            let node = &self.nodes[id as usize];
            out.push((path.clone(), node.key.span(), node.value.span()));
            match node.kind {
                Kind::Map => {
                    for (k, &c) in &self.maps[node.children as usize] {
                        stack.push((path.child_key(k.as_ref()), c));
                    }
                }
                Kind::Seq => {
                    for (i, &c) in self.seqs[node.children as usize].iter().enumerate() {
                        stack.push((path.child_index(i), c));
                    }
                }
                _ => {}
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// libyaml (so `serde_yaml`) accepts a tab as the blank after an indicator (`key:<TAB>value`,
/// `-<TAB>item`), which `saphyr-parser` rejects; such tabs are given to the parser as spaces.
/// A tab and a space are both one byte and one character: no location moves.
fn relax_tabs(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs = bytes
        .windows(2)
        .any(|w| matches!(w[0], b':' | b'-' | b'?') && w[1] == b'\t');
    if !needs {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    let mut i = 1;
    while i < out.len() {
        if out[i] == b'\t' && matches!(out[i - 1], b':' | b'-' | b'?') {
            while i < out.len() && matches!(out[i], b'\t' | b' ') {
                out[i] = b' ';
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    // Only ASCII tabs were replaced by ASCII spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_owned()))
}

/// Checkpoints of line starts, and the number of lines.
fn line_marks(text: &str) -> (Vec<usize>, usize) {
    let bytes = text.as_bytes();
    let mut marks = vec![0];
    let mut lines = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        let is_break = match b {
            b'\n' => true,
            b'\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                true
            }
            _ => false,
        };
        if is_break {
            if lines % LINE_STRIDE == 0 {
                marks.push(i);
            }
            lines += 1;
        }
    }
    (marks, lines)
}

/// The byte offset just past the line break ending the line that starts at `start`.
fn next_line_start(bytes: &[u8], start: usize) -> usize {
    let end = line_end(bytes, start);
    match bytes.get(end) {
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    }
}

/// The byte offset of the line break (or the end of the text) ending the line at `start`.
fn line_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| start + p)
}

/// Resolves a key scalar the way `serde_yaml` then [`load`](super::load) do: plain (or
/// core-tagged) `null`, booleans and numbers become their canonical text.
fn normalize_key(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Box<str> {
    let resolve = match tag {
        None => style == ScalarStyle::Plain,
        Some(tag) => {
            tag.is_yaml_core_schema()
                && matches!(tag.suffix.as_str(), "int" | "float" | "bool" | "null")
        }
    };
    if !resolve {
        return value.into();
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return "null".into(),
        "true" | "True" | "TRUE" => return "true".into(),
        "false" | "False" | "FALSE" => return "false".into(),
        _ => {}
    }
    let first = value.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return value.into();
    }
    // Fast path: a decimal integer that surely fits an i64 is its own text.
    let digits = value.strip_prefix('-').unwrap_or(value);
    if !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (!digits.starts_with('0') || value == "0")
    {
        return value.into();
    }
    // Anything else that may be a number (`0x1f`, `1e3`, `+1`, `.inf`, ...): let `serde_yaml`
    // say, as `load` would see it.
    match serde_yaml::from_str::<serde_yaml::Value>(value) {
        Ok(serde_yaml::Value::String(s)) => s.into(),
        Ok(serde_yaml::Value::Number(n)) => n.to_string().into(),
        Ok(serde_yaml::Value::Bool(b)) => b.to_string().into(),
        Ok(serde_yaml::Value::Null) => "null".into(),
        _ => value.into(),
    }
}

/// A position in the text, with its line and column.
#[derive(Debug, Clone, Copy)]
struct Pos {
    char_index: usize,
    byte: usize,
    line: usize,
    /// 0-based, in characters.
    col: usize,
}

/// The scanner's indicator looked for in the text between two events.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Indicator {
    /// `|` or `>` of a block scalar header.
    BlockScalar,
    /// `-` of a block sequence entry.
    Dash,
}

enum KeyState {
    /// The next node is a key.
    Expect,
    /// The next node is the value of this key.
    Key {
        name: Box<str>,
        loc: Loc,
        merge: bool,
    },
    /// The key was not a string (a sequence or mapping): the next node, its value, is skipped.
    Invalid,
}

/// A collection being read: its node, and for a sequence the index of its next element
/// (`IN_MAP` for a mapping, whose state is `Builder::pending`).
#[derive(Clone, Copy)]
struct Frame {
    node: u32,
    next: u32,
}

const IN_MAP: u32 = u32::MAX;

/// What a node event is, for placing it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeEvent {
    Scalar { style: ScalarStyle, empty: bool },
    Map,
    Seq,
    Alias,
}

struct Builder<'t, 'i> {
    text: &'t str,
    index: &'i mut PositionIndex,
    /// A cursor mapping the parser's character indices to byte offsets (events come in text
    /// order, so it moves little between look-ups).
    cursor_char: usize,
    cursor_byte: usize,
    stack: Vec<Frame>,
    /// The state of the innermost mapping being read (only it can be waiting for a value).
    pending: KeyState,
    /// Depth of the collection being skipped (a non-string key, or its value, or a document
    /// that is not a mapping); 0 when not skipping.
    skip: usize,
    /// Anchored scalars, by anchor id, with their text as a key (for alias keys `*a: x`).
    anchors: HashMap<usize, Box<str>>,
    /// End of the previous event.
    prev_end: Marker,
    /// The end of the quoted scalar just placed.
    quoted_end: Option<Marker>,
}

impl Builder<'_, '_> {
    fn event(&mut self, event: Event<'_>, span: RawSpan) {
        match event {
            Event::DocumentStart(_) => {
                self.stack.clear();
                self.pending = KeyState::Expect;
                self.skip = 0;
            }
            Event::MappingStart(..) => self.node(NodeEvent::Map, None, span),
            Event::SequenceStart(..) => self.node(NodeEvent::Seq, None, span),
            Event::Alias(id) => self.node(NodeEvent::Alias, Some(KeySource::Alias(id)), span),
            Event::Scalar(value, style, anchor, tag) => {
                // Only keys (and anchored scalars, which may be used as keys) need their text.
                let is_key = self.skip == 0
                    && matches!(self.stack.last(), Some(f) if f.next == IN_MAP)
                    && matches!(self.pending, KeyState::Expect);
                let key =
                    (is_key || anchor != 0).then(|| normalize_key(&value, style, tag.as_deref()));
                if let (Some(key), true) = (&key, anchor != 0) {
                    self.anchors.insert(anchor, key.clone());
                }
                let kind = NodeEvent::Scalar {
                    style,
                    empty: value.is_empty(),
                };
                self.node(kind, key.map(KeySource::Text), span);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if self.skip > 0 {
                    self.skip -= 1;
                } else {
                    // The enclosing mapping, if any, had its key taken by this collection.
                    self.stack.pop();
                    self.pending = KeyState::Expect;
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        // saphyr-parser's end of a quoted scalar can be wrong after non-ASCII characters: the
        // end found by `quoted_end` is used instead.
        self.prev_end = self.quoted_end.take().unwrap_or(span.end);
    }

    fn node(&mut self, kind: NodeEvent, key_source: Option<KeySource>, span: RawSpan) {
        let is_collection = matches!(kind, NodeEvent::Map | NodeEvent::Seq);
        if self.skip > 0 {
            if is_collection {
                self.skip += 1;
            }
            return;
        }
        let Some(&Frame { node: parent, next }) = self.stack.last() else {
            // The top level of a document: only mappings hold values.
            match kind {
                NodeEvent::Map => {
                    let value = self.value_loc(kind, span, false);
                    let root = match self.index.root {
                        Some(root) => {
                            self.index.nodes[root as usize].value = value;
                            root
                        }
                        None => {
                            let root = self.index.new_node(value, value, Kind::Map);
                            self.index.root = Some(root);
                            root
                        }
                    };
                    self.push_frame(root, kind);
                }
                NodeEvent::Seq => self.skip = 1,
                _ => {}
            }
            return;
        };
        if next != IN_MAP {
            // An element of a sequence.
            if let Some(frame) = self.stack.last_mut() {
                frame.next += 1;
            }
            let value = self.value_loc(kind, span, false);
            let child = self.index.new_node(value, value, node_kind(kind));
            let list = self.index.nodes[parent as usize].children as usize;
            self.index.seqs[list].push(child);
            self.push_frame(child, kind);
            return;
        }
        match std::mem::replace(&mut self.pending, KeyState::Expect) {
            KeyState::Expect => {
                let name = match key_source {
                    _ if is_collection => None,
                    Some(KeySource::Text(name)) => Some(name),
                    Some(KeySource::Alias(id)) => self.anchors.get(&id).cloned(),
                    None => None,
                };
                self.pending = match name {
                    Some(name) => KeyState::Key {
                        merge: matches!(
                            kind,
                            NodeEvent::Scalar {
                                style: ScalarStyle::Plain,
                                ..
                            }
                        ) && &*name == "<<",
                        name,
                        loc: self.value_loc(kind, span, false),
                    },
                    None => {
                        if is_collection {
                            self.skip = 1;
                        }
                        KeyState::Invalid
                    }
                };
            }
            KeyState::Invalid => {
                if is_collection {
                    self.skip = 1;
                }
            }
            KeyState::Key { name, loc, merge } => {
                let value = self.value_loc(kind, span, true);
                self.place_in_map(parent, name, loc, merge, kind, value);
            }
        }
    }

    fn place_in_map(
        &mut self,
        parent: u32,
        name: Box<str>,
        key: Loc,
        merge: bool,
        kind: NodeEvent,
        value: Loc,
    ) {
        let map = self.index.nodes[parent as usize].children as usize;
        let new_id = self.index.nodes.len() as u32;
        let merged = match self.index.maps[map].entry(name) {
            // Mappings merge with what earlier documents gave; the later locations win.
            Entry::Occupied(entry)
                if kind == NodeEvent::Map
                    && self.index.nodes[*entry.get() as usize].kind == Kind::Map =>
            {
                Some(*entry.get())
            }
            // Anything else replaces.
            Entry::Occupied(mut entry) => {
                entry.insert(new_id);
                None
            }
            Entry::Vacant(entry) => {
                entry.insert(new_id);
                None
            }
        };
        let child = match merged {
            Some(id) => {
                let node = &mut self.index.nodes[id as usize];
                node.key = key;
                node.value = value;
                id
            }
            None => self.index.new_node(key, value, node_kind(kind)),
        };
        if merge {
            self.index.nodes[parent as usize].merge = true;
        }
        self.push_frame(child, kind);
    }

    fn push_frame(&mut self, node: u32, kind: NodeEvent) {
        match kind {
            NodeEvent::Map => {
                self.stack.push(Frame { node, next: IN_MAP });
                self.pending = KeyState::Expect;
            }
            NodeEvent::Seq => self.stack.push(Frame { node, next: 0 }),
            _ => {}
        }
    }

    /// The location of a node's token (see the module documentation). `map_value` tells a
    /// node in value position of a mapping entry (where a sequence may be indentless).
    fn value_loc(&mut self, kind: NodeEvent, span: RawSpan, map_value: bool) -> Loc {
        let start = self.pos(span.start);
        match kind {
            NodeEvent::Scalar {
                style: ScalarStyle::Literal | ScalarStyle::Folded,
                ..
            } => match self.find_in_gap(self.prev_end, start.char_index, Indicator::BlockScalar) {
                Some((pos, len)) => loc(pos, len),
                None => loc(start, 0),
            },
            NodeEvent::Scalar {
                style: ScalarStyle::Plain,
                empty: true,
            } => {
                // Where libyaml puts an empty value: just after the `:` (saphyr: on it).
                let start = self.skip_properties(start, span.end.index());
                // In flow style, libyaml puts it at the `,`, `}` or `]` that follows.
                let Some((':', after)) = self.step(start) else {
                    return loc(start, 0);
                };
                let mut next = after;
                while let Some((' ' | '\t', p)) = self.step(next) {
                    next = p;
                }
                match self.char_at(next) {
                    Some(',' | '}' | ']') => loc(next, 0),
                    _ => loc(after, 0),
                }
            }
            NodeEvent::Scalar {
                style: ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted,
                ..
            } => {
                let start = self.skip_properties(start, span.end.index());
                let end = self.quoted_end(start);
                self.quoted_end = Some(Marker::new(end.char_index, end.line, end.col));
                let len = self.first_line_len(start, end.char_index);
                loc(start, len)
            }
            NodeEvent::Scalar { .. } | NodeEvent::Alias => {
                let start = self.skip_properties(start, span.end.index());
                let len = self.first_line_len(start, span.end.index());
                loc(start, len)
            }
            NodeEvent::Map => loc(self.skip_properties(start, span.end.index()), 1),
            NodeEvent::Seq => {
                let start = self.skip_properties(start, span.end.index());
                if map_value && self.char_at(start) != Some('[') {
                    if let Some((dash, _)) =
                        self.find_in_gap(self.prev_end, start.char_index, Indicator::Dash)
                    {
                        return loc(dash, 1);
                    }
                }
                loc(start, 1)
            }
        }
    }

    /// The byte offset of a character index.
    fn byte_of(&mut self, char_index: usize) -> usize {
        let text = self.text;
        while self.cursor_char < char_index {
            match text[self.cursor_byte..].chars().next() {
                Some(c) => self.cursor_byte += c.len_utf8(),
                None => return self.cursor_byte,
            }
            self.cursor_char += 1;
        }
        while self.cursor_char > char_index {
            match text[..self.cursor_byte].chars().next_back() {
                Some(c) => self.cursor_byte -= c.len_utf8(),
                None => return 0,
            }
            self.cursor_char -= 1;
        }
        self.cursor_byte
    }

    fn pos(&mut self, marker: Marker) -> Pos {
        let byte = self.byte_of(marker.index());
        let (mut line, mut col) = (marker.line(), marker.col());
        if byte == self.text.len() && line > self.index.line_count {
            // The parser puts the end of a text without a final line break on a line after it.
            line = self.index.line_count;
            col = self.index.line(line).map_or(0, |l| l.chars().count());
        }
        Pos {
            char_index: marker.index(),
            byte,
            line,
            col,
        }
    }

    fn char_at(&self, pos: Pos) -> Option<char> {
        self.text[pos.byte..].chars().next()
    }

    /// The character at `pos` and the position after it.
    fn step(&self, pos: Pos) -> Option<(char, Pos)> {
        let c = self.char_at(pos)?;
        let byte = pos.byte + c.len_utf8();
        let (line, col) = match c {
            '\n' => (pos.line + 1, 0),
            '\r' if self.text.as_bytes().get(byte) != Some(&b'\n') => (pos.line + 1, 0),
            '\u{feff}' if pos.char_index == 0 => (pos.line, pos.col),
            _ => (pos.line, pos.col + 1),
        };
        Some((
            c,
            Pos {
                char_index: pos.char_index + 1,
                byte,
                line,
                col,
            },
        ))
    }

    /// Skips node properties (`&anchor`, `!tag`) with the blanks, line breaks and comments
    /// after them, not going past `limit` (a character index).
    fn skip_properties(&self, start: Pos, limit: usize) -> Pos {
        if !matches!(self.char_at(start), Some('&' | '!')) {
            return start;
        }
        let mut pos = start;
        let mut in_property = false;
        let mut in_comment = false;
        let mut after_blank = false;
        while pos.char_index < limit {
            let Some((c, next)) = self.step(pos) else {
                break;
            };
            let blank = matches!(c, ' ' | '\t' | '\n' | '\r');
            if in_comment {
                in_comment = !matches!(c, '\n' | '\r');
            } else if in_property {
                in_property = !(blank || matches!(c, ',' | '[' | ']' | '{' | '}'));
                if !in_property && !blank {
                    return pos;
                }
            } else if matches!(c, '&' | '!') && (pos.char_index == start.char_index || after_blank)
            {
                in_property = true;
            } else if c == '#' && after_blank {
                in_comment = true;
            } else if !blank {
                return pos;
            }
            after_blank = blank;
            pos = next;
        }
        pos
    }

    /// The position after the quoted scalar starting at `start` (at its quote).
    fn quoted_end(&self, start: Pos) -> Pos {
        let Some((quote, mut pos)) = self.step(start) else {
            return start;
        };
        while let Some((c, next)) = self.step(pos) {
            pos = next;
            if quote == '"' && c == '\\' {
                if let Some((_, escaped)) = self.step(pos) {
                    pos = escaped;
                }
            } else if c == quote {
                if quote == '\'' && self.char_at(pos) == Some('\'') {
                    pos = self.step(pos).map_or(pos, |(_, p)| p);
                } else {
                    break;
                }
            }
        }
        pos
    }

    /// The number of characters from `start` to `end` (a character index) or the end of the
    /// line, whichever comes first.
    fn first_line_len(&self, start: Pos, end: usize) -> usize {
        let want = end.saturating_sub(start.char_index);
        self.text[start.byte..]
            .chars()
            .take(want)
            .take_while(|&c| c != '\n' && c != '\r')
            .count()
    }

    /// Finds the last `indicator` at the start of a token between `from` and `to` (a character
    /// index), skipping comments and node properties; with the length of the indicator (for a
    /// block scalar, its whole header: `|-`, `>2`).
    fn find_in_gap(
        &mut self,
        from: Marker,
        to: usize,
        indicator: Indicator,
    ) -> Option<(Pos, usize)> {
        if from.index() >= to {
            return None;
        }
        let mut pos = self.pos(from);
        let mut token_start = self.text[..pos.byte]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}'));
        let mut found = None;
        let mut in_comment = false;
        let mut in_property = false;
        while pos.char_index < to {
            let Some((c, next)) = self.step(pos) else {
                break;
            };
            let blank = matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}');
            if in_comment {
                in_comment = !matches!(c, '\n' | '\r');
            } else if in_property {
                in_property = !blank;
            } else if token_start && c == '#' {
                in_comment = true;
            } else if token_start && matches!(c, '&' | '!') {
                in_property = true;
            } else if token_start {
                let after = self.char_at(next);
                match indicator {
                    Indicator::Dash
                        if c == '-'
                            && after.is_none_or(|a| matches!(a, ' ' | '\t' | '\n' | '\r')) =>
                    {
                        found = Some((pos, 1));
                    }
                    Indicator::BlockScalar if matches!(c, '|' | '>') => {
                        let header = self.text[next.byte..]
                            .chars()
                            .take_while(|&h| h.is_ascii_digit() || h == '+' || h == '-')
                            .count();
                        found = Some((pos, 1 + header));
                    }
                    _ => {}
                }
            }
            token_start = blank;
            pos = next;
        }
        found
    }
}

enum KeySource {
    /// A scalar, as a key.
    Text(Box<str>),
    /// An alias, by anchor id.
    Alias(usize),
}

fn node_kind(kind: NodeEvent) -> Kind {
    match kind {
        NodeEvent::Scalar { .. } => Kind::Scalar,
        NodeEvent::Map => Kind::Map,
        NodeEvent::Seq => Kind::Seq,
        NodeEvent::Alias => Kind::Alias,
    }
}

fn loc(pos: Pos, len: usize) -> Loc {
    let fit = |n: usize| u32::try_from(n).unwrap_or(NONE);
    Loc {
        offset: fit(pos.byte),
        line: fit(pos.line),
        column: fit(pos.col + 1),
        len: fit(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    /// (line, column, len) of the value at `path`.
    fn val(index: &PositionIndex, path: &str) -> (usize, usize, usize) {
        let s = index
            .value(&p(path))
            .unwrap_or_else(|| panic!("no value for {path}"));
        (s.line, s.column, s.len)
    }

    /// (line, column, len) of the key of `path`.
    fn key(index: &PositionIndex, path: &str) -> (usize, usize, usize) {
        let s = index
            .key(&p(path))
            .unwrap_or_else(|| panic!("no key for {path}"));
        (s.line, s.column, s.len)
    }

    /// The text a span starts with, `len` characters.
    fn token(index: &PositionIndex, span: Span) -> String {
        index.text()[span.offset..].chars().take(span.len).collect()
    }

    fn paths(index: &PositionIndex) -> Vec<String> {
        index
            .entries()
            .into_iter()
            .map(|(path, _, _)| path.to_string())
            .collect()
    }

    #[test]
    fn nested_maps() {
        let index = PositionIndex::build(
            "gitlabUrl: https://gitlab.example.com/\nrunners:\n  cache:\n    cacheType: s4\n  tags: \"a,b\"\n",
        );
        assert_eq!(key(&index, "gitlabUrl"), (1, 1, 9));
        assert_eq!(val(&index, "gitlabUrl"), (1, 12, 27));
        assert_eq!(key(&index, "runners"), (2, 1, 7));
        assert_eq!(val(&index, "runners"), (3, 3, 1));
        assert_eq!(val(&index, "runners.cache"), (4, 5, 1));
        assert_eq!(key(&index, "runners.cache.cacheType"), (4, 5, 9));
        assert_eq!(val(&index, "runners.cache.cacheType"), (4, 16, 2));
        assert_eq!(val(&index, "runners.tags"), (5, 9, 5));
        let span = index.value(&p("runners.tags")).unwrap();
        assert_eq!(token(&index, span), "\"a,b\"");
        assert_eq!(
            paths(&index),
            [
                "",
                "gitlabUrl",
                "runners",
                "runners.cache",
                "runners.cache.cacheType",
                "runners.tags"
            ]
        );
        assert_eq!(index.value(&p("runners.nope")), None);
        assert_eq!(index.key(&p("runners.cache.cacheType.deeper")), None);
        assert_eq!(index.key(&p("runners[0]")), None);
        assert_eq!(index.key(&Path::root()), None);
        assert_eq!(val(&index, ""), (1, 1, 1));
    }

    #[test]
    fn sequences_of_maps() {
        let text = "hostAliases:\n- ip: 127.0.0.1\n  hostnames: [a.local]\n- ip: 10.0.0.1\n  hostnames:\n    - foo.local\n    - \"bar.local\"\n";
        let index = PositionIndex::build(text);
        assert_eq!(val(&index, "hostAliases"), (2, 1, 1));
        assert_eq!(val(&index, "hostAliases[0]"), (2, 3, 1));
        assert_eq!(key(&index, "hostAliases[0]"), (2, 3, 1));
        assert_eq!(val(&index, "hostAliases[0].ip"), (2, 7, 9));
        assert_eq!(val(&index, "hostAliases[0].hostnames[0]"), (3, 15, 7));
        assert_eq!(val(&index, "hostAliases[1].ip"), (4, 7, 8));
        assert_eq!(val(&index, "hostAliases[1].hostnames"), (6, 5, 1));
        assert_eq!(val(&index, "hostAliases[1].hostnames[0]"), (6, 7, 9));
        assert_eq!(val(&index, "hostAliases[1].hostnames[1]"), (7, 7, 11));
        assert_eq!(index.value(&p("hostAliases[2]")), None);
        assert_eq!(index.value(&p("hostAliases.ip")), None);
    }

    #[test]
    fn sequences_in_sequences_and_indentless_sequences() {
        let text = "d:\n- - x\n  - y\n- z\ne:\n  - - q\nf: &anchor\n- 1\n";
        let index = PositionIndex::build(text);
        assert_eq!(val(&index, "d"), (2, 1, 1));
        assert_eq!(val(&index, "d[0]"), (2, 3, 1));
        assert_eq!(val(&index, "d[0][0]"), (2, 5, 1));
        assert_eq!(val(&index, "d[0][1]"), (3, 5, 1));
        assert_eq!(val(&index, "d[1]"), (4, 3, 1));
        assert_eq!(val(&index, "e"), (6, 3, 1));
        assert_eq!(val(&index, "e[0]"), (6, 5, 1));
        assert_eq!(val(&index, "e[0][0]"), (6, 7, 1));
        assert_eq!(val(&index, "f"), (8, 1, 1));
        assert_eq!(val(&index, "f[0]"), (8, 3, 1));
    }

    #[test]
    fn flow_style() {
        let index = PositionIndex::build("m: {a: 1, b: [x, y], c: {}, 'd': [], e}\n");
        assert_eq!(val(&index, "m"), (1, 4, 1));
        assert_eq!(key(&index, "m.a"), (1, 5, 1));
        assert_eq!(val(&index, "m.a"), (1, 8, 1));
        assert_eq!(val(&index, "m.b"), (1, 14, 1));
        assert_eq!(val(&index, "m.b[0]"), (1, 15, 1));
        assert_eq!(val(&index, "m.b[1]"), (1, 18, 1));
        assert_eq!(val(&index, "m.c"), (1, 25, 1));
        assert_eq!(key(&index, "m.d"), (1, 29, 3));
        assert_eq!(val(&index, "m.d"), (1, 34, 1));
        assert_eq!(key(&index, "m.e"), (1, 38, 1));
        assert_eq!(index.value(&p("m.e")).unwrap().len, 0);
        assert_eq!(
            assert_agrees_with_serde_yaml("m: {a: 1, b: [x, y], c: {}, 'd': [], e, f: }\n"),
            5
        );
    }

    #[test]
    fn quoted_keys_and_key_normalization() {
        let text = "\"c d\": 1\n'x.y': 2\n\"esc\\\"q\": 3\n1: a\ntrue: b\nnull: c\n~: d\n0x10: e\n1.50: f\n007: g\n\"1\": h\n-3: i\n+4: j\n1e2: k\nTrue: l\n!!str 8: m\n";
        let index = PositionIndex::build(text);
        for (path, line) in [
            (r#""c d""#, 1),
            (r#""x.y""#, 2),
            (r#""esc\"q""#, 3),
            ("1", 11),
            ("true", 15),
            ("null", 7),
            ("16", 8),
            ("\"1.5\"", 9),
            ("007", 10),
            ("-3", 12),
            ("4", 13),
            ("\"100.0\"", 14),
            ("8", 16),
        ] {
            assert_eq!(index.key(&p(path)).map(|s| s.line), Some(line), "{path}");
        }
        assert_eq!(key(&index, r#""c d""#), (1, 1, 5));
        assert_eq!(key(&index, r#""x.y""#), (2, 1, 5));
        assert_eq!(key(&index, "8"), (16, 7, 1));
        // The same keys as `load` gives.
        let loaded = crate::values::load::parse_values(
            "v.yaml",
            "m: {0x10: a, 1.50: b, -3: c, +4: d, 1e2: e, ~: f}\n",
        )
        .unwrap();
        let index = PositionIndex::build("m: {0x10: a, 1.50: b, -3: c, +4: d, 1e2: e, ~: f}\n");
        let serde_yaml::Value::Mapping(m) = &loaded["m"] else {
            panic!()
        };
        for k in m.keys() {
            let k = k.as_str().unwrap();
            assert!(index.value(&p("m").child_key(k)).is_some(), "{k}");
        }
    }

    #[test]
    fn block_scalars() {
        let text = "config: |\n  [[runners]]\n    name = \"x\"\nfolded: >- # comment\n  text\n\nempty: |\nkeep: |+2\n    x\nafter: 1\n";
        let index = PositionIndex::build(text);
        assert_eq!(val(&index, "config"), (1, 9, 1));
        assert_eq!(val(&index, "folded"), (4, 9, 2));
        assert_eq!(val(&index, "empty"), (7, 8, 1));
        assert_eq!(val(&index, "keep"), (8, 7, 3));
        assert_eq!(val(&index, "after"), (10, 8, 1));
        let index = PositionIndex::build("a:\n- |\n  x\n- >\n  y\n");
        assert_eq!(val(&index, "a[0]"), (2, 3, 1));
        assert_eq!(val(&index, "a[1]"), (4, 3, 1));
    }

    #[test]
    fn multi_line_scalars_count_their_first_line() {
        let index =
            PositionIndex::build("a: \"first\n  second\"\nb: plain\n  more\nc: 'x\r\n  y'\n");
        assert_eq!(val(&index, "a"), (1, 4, 6));
        assert_eq!(val(&index, "b"), (3, 4, 5));
        assert_eq!(val(&index, "c"), (5, 4, 2));
    }

    #[test]
    fn multiple_documents_merge_and_later_locations_win() {
        let text = "a: {x: 1, y: 2}\nb: [1, 2, 3]\nc: 1\n---\na: {y: 3}\nb: [9]\nc: {z: 1}\n---\n# empty\n---\n";
        let index = PositionIndex::build(text);
        assert_eq!(val(&index, "a.x"), (1, 8, 1));
        assert_eq!(val(&index, "a.y"), (5, 8, 1));
        assert_eq!(key(&index, "a"), (5, 1, 1));
        assert_eq!(val(&index, "b[0]"), (6, 5, 1));
        assert_eq!(index.value(&p("b[1]")), None);
        assert_eq!(val(&index, "c.z"), (7, 8, 1));
        assert_eq!(val(&index, ""), (5, 1, 1));
        // A scalar replaces a mapping, and what was below it is gone.
        let index = PositionIndex::build("a: {x: 1}\n---\na: 2\n");
        assert_eq!(val(&index, "a"), (3, 4, 1));
        assert_eq!(index.value(&p("a.x")), None);
        assert_eq!(index.nearest(&p("a.x")).unwrap().0, p("a"));
        // Documents that are not mappings hold no values.
        let index = PositionIndex::build("- a\n---\nhello\n---\nk: v\n");
        assert_eq!(paths(&index), ["", "k"]);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &base\n  image: alpine\n  env: {A: 1}\nx: &x 5\nrunner:\n  <<: *base\n  image: ubuntu\nother: *base\nlist: [*x, &y [1]]\n*x : by-alias\nmulti:\n  <<: [*base, {extra: 1}]\n";
        let index = PositionIndex::build(text);
        assert_eq!(val(&index, "base"), (2, 3, 1));
        assert_eq!(val(&index, "x"), (4, 7, 1));
        // The own key wins over the merged one.
        assert_eq!(val(&index, "runner.image"), (7, 10, 6));
        // Keys coming from the merge resolve to the `<<` entry.
        assert_eq!(key(&index, "runner.env"), (6, 3, 2));
        assert_eq!(val(&index, "runner.env"), (6, 7, 5));
        assert_eq!(val(&index, "runner.env.A"), (6, 7, 5));
        assert_eq!(key(&index, r#"runner."<<""#), (6, 3, 2));
        assert_eq!(
            index.nearest(&p("runner.env.A")),
            Some((p("runner.env.A"), index.value(&p("runner.env")).unwrap()))
        );
        // Paths below an alias resolve to the alias token.
        assert_eq!(val(&index, "other"), (8, 8, 5));
        assert_eq!(key(&index, "other"), (8, 1, 5));
        assert_eq!(val(&index, "other.image"), (8, 8, 5));
        assert_eq!(key(&index, "other.env.A"), (8, 8, 5));
        assert_eq!(val(&index, "list[0]"), (9, 8, 2));
        assert_eq!(val(&index, "list[1]"), (9, 15, 1));
        assert_eq!(val(&index, "list[1][0]"), (9, 16, 1));
        // An alias as a key takes the anchored scalar's text.
        assert_eq!(key(&index, "5"), (10, 1, 2));
        assert_eq!(key(&index, "multi.extra"), (12, 3, 2));
        assert_eq!(val(&index, "multi.extra"), (12, 7, 1));
        // Scalars are not mappings: nothing below them.
        assert_eq!(index.value(&p("x.y")), None);
    }

    #[test]
    fn alias_bombs_cost_nothing() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for name in 'b'..='z' {
            text.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = name;
        }
        let start = std::time::Instant::now();
        let index = PositionIndex::build(&text);
        assert!(start.elapsed().as_secs() < 2);
        assert_eq!(val(&index, "z[8]"), (26, 32, 2));
        assert_eq!(val(&index, "z[8][3][5][1]"), (26, 32, 2));
        assert!(index.nodes.len() < 300);
    }

    #[test]
    fn crlf_tabs_comments_and_bom() {
        let text = "\u{feff}# top comment\r\na: 1 # trailing\r\nb:\r\n  # inside\r\n  c:\tx\r\n  d: [\t\"y\"]\r\n";
        let index = PositionIndex::build(text);
        assert_eq!(key(&index, "a"), (2, 1, 1));
        assert_eq!(val(&index, "a"), (2, 4, 1));
        assert_eq!(val(&index, "b"), (5, 3, 1));
        assert_eq!(val(&index, "b.c"), (5, 6, 1));
        assert_eq!(index.line(1), Some("# top comment"));
        assert_eq!(index.line(5), Some("  c:\tx"));
        assert_eq!(val(&index, "b.d[0]"), (6, 8, 3));
        assert_eq!(index.line(7), Some(""));
        assert_eq!(index.line(8), None);
        let span = index.value(&p("b.c")).unwrap();
        assert_eq!(token(&index, span), "x");
        // A BOM is not a column.
        let index = PositionIndex::build("\u{feff}a: 1\n");
        assert_eq!(val(&index, "a"), (1, 4, 1));
        assert_eq!(index.value(&p("a")).unwrap().offset, 6);
        assert_eq!(index.line(1), Some("a: 1"));
        // A lone CR is a line break too.
        let index = PositionIndex::build("a: 1\rb: 2\r");
        assert_eq!(val(&index, "b"), (2, 4, 1));
        assert_eq!(index.line(2), Some("b: 2"));
    }

    #[test]
    fn columns_count_characters() {
        let text = "é😀: {x: 1, b: q}\nn: \"é😀\" # é\n";
        let index = PositionIndex::build(text);
        assert_eq!(key(&index, r#""é😀""#), (1, 1, 2));
        assert_eq!(val(&index, r#""é😀".b"#), (1, 15, 1));
        assert_eq!(index.value(&p(r#""é😀".b"#)).unwrap().offset, 18);
        assert_eq!(val(&index, "n"), (2, 4, 4));
        let span = index.value(&p("n")).unwrap();
        assert_eq!(token(&index, span), "\"é😀\"");
    }

    #[test]
    fn empty_and_comment_only_files() {
        for text in ["", "\n", "# comment\n", "---\n", "~\n", "---\n...\n"] {
            let index = PositionIndex::build(text);
            assert_eq!(index.nearest(&p("a.b")), None, "{text:?}");
            assert_eq!(index.value(&Path::root()), None, "{text:?}");
        }
        let index = PositionIndex::build("");
        assert_eq!(index.line(1), Some(""));
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line(0), None);
    }

    #[test]
    fn nearest_prefers_values_for_the_path_and_keys_for_ancestors() {
        let index = PositionIndex::build("runners:\n  cache:\n    s3: {}\nlist:\n- a\n");
        assert_eq!(
            index.nearest(&p("runners.cache.s3")),
            Some((
                p("runners.cache.s3"),
                index.value(&p("runners.cache.s3")).unwrap()
            ))
        );
        assert_eq!(
            index.nearest(&p("runners.cache.gcs.bucketName")),
            Some((p("runners.cache"), index.key(&p("runners.cache")).unwrap()))
        );
        assert_eq!(
            index.nearest(&p("list[3].x")),
            Some((p("list"), index.key(&p("list")).unwrap()))
        );
        assert_eq!(
            index.nearest(&p("missing")),
            Some((Path::root(), index.value(&Path::root()).unwrap()))
        );
    }

    #[test]
    fn lines() {
        let text: String = (1..=100).map(|i| format!("k{i}: {i}\n")).collect();
        let index = PositionIndex::build(&text);
        assert_eq!(index.line_count(), 101);
        for i in 1..=100 {
            let line = format!("k{i}: {i}");
            assert_eq!(index.line(i), Some(line.as_str()));
            assert_eq!(val(&index, &format!("k{i}")).0, i);
        }
        assert_eq!(index.line(101), Some(""));
        assert_eq!(index.line(102), None);
        let index = PositionIndex::build("a\r\n\r\nb\rc\n");
        let lines: Vec<_> = (1..=index.line_count())
            .map(|n| index.line(n).unwrap())
            .collect();
        assert_eq!(lines, ["a", "", "b", "c", ""]);
    }

    #[test]
    fn complex_keys_and_errors_keep_what_was_indexed() {
        let index = PositionIndex::build("a: 1\n? [x, y]\n: {skipped: 1}\n? {k: v}\n: [1]\nb: 2\n");
        assert_eq!(paths(&index), ["", "a", "b"]);
        let index = PositionIndex::build("a: 1\nb: {c: 2\nd: 3\n");
        assert_eq!(val(&index, "a"), (1, 4, 1));
        assert_eq!(val(&index, "b.c"), (2, 8, 1));
        let index = PositionIndex::build("a: 1\n  bad: indentation\n");
        assert_eq!(index.nearest(&p("a")).unwrap().0, p("a"));
    }

    #[test]
    fn non_ascii_quoted_scalars_before_block_scalars() {
        let index = PositionIndex::build(
            "\"é😀\": |\n  x\nk: '😀''😀' # é\nl:\n- \"é\\\"😀\"\n- |-\n  y\n",
        );
        assert_eq!(key(&index, r#""é😀""#), (1, 1, 4));
        assert_eq!(val(&index, r#""é😀""#), (1, 7, 1));
        assert_eq!(val(&index, "k"), (3, 4, 6));
        assert_eq!(val(&index, "l[0]"), (5, 3, 6));
        assert_eq!(val(&index, "l[1]"), (6, 3, 2));
    }

    /// Every path `load` gives for `text` is in the index (exactly: not through an ancestor).
    fn assert_all_paths_indexed(text: &str) {
        let loaded = crate::values::load::parse_values("v.yaml", text).unwrap();
        let index = PositionIndex::build(text);
        let mut stack = vec![(Path::root(), serde_yaml::Value::Mapping(loaded))];
        while let Some((path, value)) = stack.pop() {
            assert!(index.value(&path).is_some(), "{path} of {text:?}");
            assert_eq!(
                index.nearest(&path).map(|n| n.0),
                Some(path.clone()),
                "{text:?}"
            );
            match value {
                serde_yaml::Value::Mapping(map) => {
                    for (k, v) in map {
                        stack.push((path.child_key(k.as_str().unwrap()), v));
                    }
                }
                serde_yaml::Value::Sequence(items) => {
                    for (i, v) in items.into_iter().enumerate() {
                        stack.push((path.child_index(i), v));
                    }
                }
                _ => {}
            }
        }
    }

    /// The location `serde_yaml` gives in an error raised while deserializing the value at
    /// `path`: (line, column, byte index).
    fn serde_location(text: &str, path: &Path) -> Option<(usize, usize, usize)> {
        use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct FailAt<'a>(&'a [Segment]);
        struct Fail;
        impl<'de> Visitor<'de> for Fail {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("nothing")
            }
        }
        impl<'de> DeserializeSeed<'de> for FailAt<'_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                if self.0.is_empty() {
                    d.deserialize_any(Fail)
                } else {
                    d.deserialize_any(self)
                }
            }
        }
        impl<'de> Visitor<'de> for FailAt<'_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a collection")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                while let Some(k) = map.next_key::<serde_yaml::Value>()? {
                    let k = match k {
                        serde_yaml::Value::String(s) => s,
                        serde_yaml::Value::Null => "null".into(),
                        serde_yaml::Value::Bool(b) => b.to_string(),
                        serde_yaml::Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    if self.0[0].as_key() == Some(k.as_str()) {
                        map.next_value_seed(FailAt(&self.0[1..]))?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                let mut i = 0;
                loop {
                    let found = if self.0[0].as_index() == Some(i) {
                        seq.next_element_seed(FailAt(&self.0[1..]))?
                    } else {
                        seq.next_element::<IgnoredAny>()?.map(|_| ())
                    };
                    if found.is_none() {
                        return Ok(());
                    }
                    i += 1;
                }
            }
        }
        let err = FailAt(path.segments())
            .deserialize(serde_yaml::Deserializer::from_str(text))
            .err()?;
        let loc = err.location()?;
        Some((loc.line(), loc.column(), loc.index()))
    }

    /// For every scalar value in `text`, the index and `serde_yaml` agree on where it is.
    fn assert_agrees_with_serde_yaml(text: &str) -> usize {
        let index = PositionIndex::build(text);
        let mut checked = 0;
        for (path, _, value) in index.entries() {
            let node = index.resolve(&path).0;
            let Some(Resolved::Node(id)) = node else {
                continue;
            };
            if index.nodes[id as usize].kind != Kind::Scalar {
                continue;
            }
            let expected = serde_location(text, &path);
            assert_eq!(
                Some((value.line, value.column, value.offset)),
                expected,
                "{path} in {text:?}"
            );
            checked += 1;
        }
        checked
    }

    const SAMPLE: &str = "# A values file\ngitlabUrl: https://gitlab.example.com/\nconcurrent: 10\nrunners:\n  config: |\n    [[runners]]\n      name = \"é😀\"\n  tags: \"a,b\"\n  cache:\n    cacheType: s3\n    s3: {server: \"é😀\", insecure: false, 'bucket.name': x}\n  emptyValue:\n  folded: >-\n    text\nhostAliases:\n- ip: \"127.0.0.1\"\n  hostnames: [foo.local, \"bar.local\"]\n-   ip: 10.1.2.3\n    hostnames:\n      - a\n      - 'b'\nnodeSelector:\n  kubernetes.io/os: linux\n  é😀key: \"v\"\ntolerations:\n  - key: a\n    operator: Exists\nlist:\n  - - x\n    - y\n  - []\n  - {}\n\"quoted key\": 'single'\n1: one\ntrue: yes\n~: nullkey\nmulti: \"first\n  second\"\nplainmulti: word1\n  word2\ntabbed:\tvalue\nflow: [ {a: 1}, \"é\", 'it''s', 2.5 ]\n";

    #[test]
    fn agrees_with_serde_yaml_locations() {
        assert_all_paths_indexed(SAMPLE);
        assert!(assert_agrees_with_serde_yaml(SAMPLE) > 25);
        assert_eq!(assert_agrees_with_serde_yaml("a: é😀\nn: abc\n"), 2);
        assert_eq!(assert_agrees_with_serde_yaml("{é😀: 1, n: abc}"), 2);
        assert_eq!(assert_agrees_with_serde_yaml("x: 1\r\nn: abc\r\n"), 2);
        assert_eq!(
            assert_agrees_with_serde_yaml("x:\té😀\nm: {é😀x: 1, b: q}\n"),
            3
        );
        assert_eq!(
            assert_agrees_with_serde_yaml("x: |2-\n   é\ny: >\n\n  z\n"),
            2
        );
        // A byte order mark: the same byte offset and line, but libyaml counts it as a column.
        let index = PositionIndex::build("\u{feff}n: abc\n");
        let span = index.value(&p("n")).unwrap();
        assert_eq!(serde_location("\u{feff}n: abc\n", &p("n")), Some((1, 5, 6)));
        assert_eq!((span.line, span.column, span.offset), (1, 4, 6));
    }

    #[test]
    fn chart_default_values_are_all_indexed() {
        let text = include_str!("../../chart/values.yaml");
        assert_all_paths_indexed(text);
        let checked = assert_agrees_with_serde_yaml(text);
        assert!(checked > 10, "{checked}");
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = serde_yaml::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_yaml::Value::Null),
            any::<bool>().prop_map(serde_yaml::Value::Bool),
            any::<i64>().prop_map(|n| serde_yaml::Value::Number(n.into())),
            (-1e6f64..1e6).prop_map(|f| serde_yaml::Value::Number(f.into())),
            "[a-zé😀 .:#'\"\\-]{0,12}".prop_map(serde_yaml::Value::String),
            "[a-z]{1,3}\n[a-z ]{0,5}\n?".prop_map(serde_yaml::Value::String),
        ];
        leaf.prop_recursive(5, 60, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5)
                    .prop_map(serde_yaml::Value::Sequence),
                proptest::collection::vec(("[a-zA-Z0-9é😀 ./\"'_-]{0,8}", inner), 0..5).prop_map(
                    |entries| {
                        serde_yaml::Value::Mapping(
                            entries
                                .into_iter()
                                .map(|(k, v)| (serde_yaml::Value::String(k), v))
                                .collect(),
                        )
                    }
                ),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn serialized_values_are_indexed_where_serde_yaml_sees_them(
            entries in proptest::collection::vec(("[a-z0-9é.]{1,6}", any_value()), 1..6),
            crlf in proptest::bool::ANY,
        ) {
            let map: serde_yaml::Mapping = entries
                .into_iter()
                .map(|(k, v)| (serde_yaml::Value::String(k), v))
                .collect();
            let mut text = serde_yaml::to_string(&map).unwrap();
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            if crate::values::load::parse_values("v.yaml", &text).is_ok() {
                assert_all_paths_indexed(&text);
                assert_agrees_with_serde_yaml(&text);
            }
        }

        #[test]
        fn garbage_never_panics(text in "[a-z0-9:\\-\\[\\]{}#&*!|>'\" \t\n\r,?é😀.%@`~<\u{feff}]{0,120}") {
            let index = PositionIndex::build(&text);
            for path in ["", "a", "a.b", "a[0]", "[0]", "a[0].b[1]"] {
                let path = p(path);
                let _ = (index.key(&path), index.value(&path), index.nearest(&path));
            }
            for n in 0..=index.line_count() + 1 {
                let _ = index.line(n);
            }
            for (path, key, value) in index.entries() {
                for span in [key, value] {
                    assert!(span.offset <= text.len(), "{path}");
                    assert!(text.is_char_boundary(span.offset), "{path}");
                    let line = index.line(span.line).unwrap();
                    assert!(span.column >= 1 && span.column <= line.chars().count() + 1, "{path} {span:?} {line:?}");
                }
            }
        }

        #[test]
        fn mutated_samples_never_panic(cuts in proptest::collection::vec((0usize..2000, 0usize..6, "[:\\-\\[{\"'|>&*!# \t\n]{0,3}"), 1..6)) {
            let mut text: Vec<char> = SAMPLE.chars().collect();
            for (at, remove, insert) in cuts {
                let at = at % (text.len() + 1);
                let end = (at + remove).min(text.len());
                text.splice(at..end, insert.chars());
            }
            let text: String = text.into_iter().collect();
            let index = PositionIndex::build(&text);
            for (_, key, value) in index.entries() {
                assert!(text.is_char_boundary(key.offset) && text.is_char_boundary(value.offset));
            }
        }
    }

    #[test]
    fn errors_at_the_end_of_a_text_without_line_break() {
        // The parser reports the end of such a text on a line after the last one.
        let index = PositionIndex::build("{><");
        for (_, key, value) in index.entries() {
            assert_eq!((key.line, value.line), (1, 1));
        }
        let index = PositionIndex::build("a: 1\nb:");
        assert_eq!(val(&index, "b"), (2, 3, 0));
        assert_eq!(index.line(2), Some("b:"));
    }

    #[test]
    #[ignore = "50 MB: run with --release --ignored"]
    fn fifty_megabytes_in_linear_time() {
        let item = "section:\n  image: \"registry.example.com/image:1\"\n  tags: [a, b, \"c d\"]\n  env:\n    - name: VAR\n      value: 'x'\n  config: |\n    line é😀\n  nested: {a: 1, b: {c: true}}\n";
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 50 << 20 {
            text.push_str(&item.replace("section", &format!("s{n}")));
            n += 1;
        }
        let start = std::time::Instant::now();
        let index = PositionIndex::build(&text);
        let elapsed = start.elapsed();
        let last = format!("s{}.nested.b.c", n - 1);
        assert_eq!(index.value(&p(&last)).unwrap().line, index.line_count() - 1);
        assert!(elapsed.as_secs() < 60, "{elapsed:?}");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let mut text = String::from("a:\n");
        for _ in 0..depth {
            text.push_str("- ");
        }
        text.push_str("x\n");
        let index = PositionIndex::build(&text);
        let mut path = p("a");
        for _ in 0..depth {
            path.push_index(0);
        }
        assert_eq!(index.value(&path).map(|s| s.column), Some(1 + 2 * depth));
        assert_eq!(index.nearest(&path.child_key("z")).unwrap().0, path);
        // Flow nesting stops at the parser's limit, which is an error: what came before stays.
        let text = format!("a: 1\nb: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let index = PositionIndex::build(&text);
        assert_eq!(val(&index, "a"), (1, 4, 1));
        let text = format!("a: 1\nb: {}x{}\n", "{k: ".repeat(depth), "}".repeat(depth));
        let index = PositionIndex::build(&text);
        assert_eq!(val(&index, "a"), (1, 4, 1));
        drop(index);
    }
}
