//! Loading a values file as Helm reads it, in one pass over `saphyr-parser` events that builds
//! the values and the span of every key and value ([`SpanIndex`]) together.
//!
//! Helm 3 reads a values file with go-yaml v2 through `sigs.k8s.io/yaml`; so does this loader:
//!
//! - **YAML 1.1 scalars** ([`super::scalar`]): `yes`/`no`/`on`/`off`/`y`/`n` are booleans,
//!   `0777` is octal, `1_000` is a thousand; a plain scalar a reader of YAML 1.2 would read
//!   otherwise is noted ([`Note`]) so that a warning can say so where it matters.
//! - **Keys are strings**: `1:` is the key `"1"`, `on:` is `"true"` (noted), a `null` key or a
//!   key that is a list or a map is refused.
//! - **Merge keys** `<<: *a` and `<<: [*a, *b]` are applied as go-yaml v2 applies them.
//! - **Only the first document** counts; later ones are ignored with a note. A comment-only
//!   part before the first `---` is not a document.
//! - A UTF-8 byte-order mark at the start is skipped.
//!
//! Deliberate differences (see COMPATIBILITY.md): duplicate keys in a mapping are an error
//! (Helm keeps the last one silently), and integers are kept exact where Helm has a float64.
//!
//! Limits, so that any input costs bounded time and memory: [`MAX_FILE_BYTES`],
//! [`MAX_DEPTH`] levels of nesting, and [`MAX_ALIAS_NODES`] nodes copied by aliases.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as RawSpan, Tag};
use serde_yaml::{Mapping, Value};

use super::ValuesError;
use super::locate::{Locator, NodeEvent, relax_tabs};
use super::path::Path;
use super::scalar::{self, Style, Surprise};
use super::spans::{Children, KeyMap, NodeSpans, Span, SpanIndex};

/// The largest values file accepted: far above any real values file (a few KiB), low enough
/// that parsing stays fast and small.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The deepest nesting of collections accepted (block or flow). Flow nesting is checked
/// before parsing, where the parser's work would grow with the square of the depth.
pub const MAX_DEPTH: usize = 128;

/// The most nodes that aliases (`*a`, merge keys included) may copy in one file. A real values
/// file copies a few hundred; a file of a few KiB whose aliases refer to aliases (an "alias
/// bomb") would otherwise expand to gigabytes. Helm refuses such files too ("excessive
/// aliasing").
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A values file, read: the values of its first document, where each of them is, and what
/// deserves a warning.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The values (an empty mapping for an empty document).
    pub values: Mapping,
    /// The span of every key and value, and the text.
    pub spans: SpanIndex,
    /// What Helm reads differently from what a reader may expect.
    pub notes: Vec<Note>,
}

/// Something read as Helm reads it that a person may not expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The values path it concerns (empty for the file as a whole).
    pub path: Path,
    /// Where it is.
    pub span: Span,
    /// What it is.
    pub kind: NoteKind,
}

/// The kinds of [`Note`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteKind {
    /// A key written as a YAML 1.1 boolean or number (`on:`, `0777:`): Helm makes it `"true"`,
    /// `"511"`.
    Key {
        /// The key as written.
        written: String,
    },
    /// A value written as a YAML 1.1 boolean or number that YAML 1.2 reads otherwise
    /// (`yes`, `0777`); whether it deserves a warning depends on what the chart expects there.
    Value {
        /// The value as written.
        written: String,
        /// What kind of surprise.
        surprise: Surprise,
    },
    /// The file has more than one document: Helm reads only the first.
    LaterDocuments,
}

/// Reads the text of a values file (see the [module documentation](self)).
///
/// ```
/// use gitlab_runner_chart::__private::values::load::load;
/// let loaded = load("v.yaml", "a: yes\nb: &x {c: 1}\nd:\n  <<: *x\n  e: 0777\n---\nf: 1\n").unwrap();
/// assert_eq!(
///     serde_yaml::to_string(&loaded.values).unwrap(),
///     "a: true\nb:\n  c: 1\nd:\n  c: 1\n  e: 511\n"
/// );
/// assert_eq!(loaded.notes.len(), 3); // `yes`, `0777`, the ignored second document
/// let err = load("v.yaml", "a: [1\n").unwrap_err();
/// assert!(err.to_string().contains(" --> v.yaml:1:4"), "{err}");
/// ```
pub fn load(source_name: &str, text: &str) -> Result<Loaded, ValuesError> {
    check_limits(source_name, text)?;
    let shared: Arc<str> = Arc::from(text);
    // found once, for the locator (the line count) and the span index
    let line_starts = super::spans::line_starts(text);
    let parsed = relax_tabs(text);
    let mut builder = Builder {
        source_name,
        text,
        locator: Locator::new(text, line_starts.len()),
        stack: Vec::new(),
        anchors: HashMap::new(),
        copied: 0,
        written: 0,
        notes: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(&parsed);
    let mut documents = 0;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(item)) => item,
            Some(Err(error)) => {
                if documents > 1 {
                    break; // in a later document, which Helm does not read either
                }
                return Err(builder.syntax_error(&error));
            }
        };
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    // Is the later document more than an empty one (a trailing `---`)?
                    if later_document_has_content(&mut parser) {
                        let at = builder.locator.pos(span.start);
                        builder.notes.push(Note {
                            path: Path::root(),
                            span: Span {
                                line: at.line,
                                column: at.col + 1,
                                offset: at.byte,
                                len: 3,
                            },
                            kind: NoteKind::LaterDocuments,
                        });
                        break;
                    }
                }
            }
            _ if documents > 1 => {}
            event => builder.event(event, span)?,
        }
        builder.locator.end_event(span);
    }
    let (values, root) = builder.root.take().unwrap_or_default();
    Ok(Loaded {
        values,
        spans: SpanIndex::with_line_starts(shared, line_starts, root),
        notes: builder.notes,
    })
}

/// Reads the text of a values file and keeps only the values (see [`load`]).
///
/// ```
/// use gitlab_runner_chart::__private::values::load::parse_values;
/// let values = parse_values("v.yaml", "a: 1\n---\nb: {c: true}\n").unwrap();
/// assert_eq!(values.len(), 1); // only the first document, as in Helm
/// let err = parse_values("v.yaml", "a: [1\n").unwrap_err();
/// assert!(err.to_string().contains("line 1, column 4"), "{err}");
/// ```
pub fn parse_values(source_name: &str, text: &str) -> Result<Mapping, ValuesError> {
    load(source_name, text).map(|loaded| loaded.values)
}

/// After a `DocumentStart` of a later document: whether it holds more than an empty node.
fn later_document_has_content(parser: &mut Parser<'_, saphyr_parser::StrInput<'_>>) -> bool {
    loop {
        match parser.next_event() {
            Some(Ok((Event::Scalar(value, ScalarStyle::Plain, _, None), _)))
                if value.is_empty() => {}
            Some(Ok((Event::DocumentEnd, _))) => {}
            Some(Ok((Event::DocumentStart(_), _))) => {}
            Some(Ok((Event::StreamEnd, _))) | None => return false,
            Some(Ok(_)) | Some(Err(_)) => return true,
        }
    }
}

/// A collection being read.
struct Frame {
    anchor: usize,
    /// How many values the collection holds so far (itself included).
    count: usize,
    /// Where the collection starts (for its own span, and for an unclosed `[` or `{`).
    start: Span,
    flow: bool,
    kind: FrameKind,
}

enum FrameKind {
    Map {
        map: Mapping,
        spans: KeyMap<NodeSpans>,
        /// The keys written in this mapping (not merged in), with their spans, once a merge key
        /// has merged some in; until then the keys written are those of `spans`, and this is
        /// `None` (no second copy of every key).
        written: Option<KeyMap<Span>>,
        pending: Pending,
    },
    Seq {
        items: Vec<Value>,
        spans: Vec<NodeSpans>,
    },
}

enum Pending {
    /// The next node is a key.
    Key,
    /// The next node is the value of this key.
    Value {
        key: Box<str>,
        span: Span,
        merge: bool,
    },
}

/// Why a node cannot be placed (turned into an error with its values path by the caller).
enum Refusal {
    /// A key that is no string (`found`: what it is).
    Key { found: &'static str, span: Span },
    /// A key written twice in a mapping (`first`: the line of the first).
    Duplicate {
        key: String,
        first: usize,
        span: Span,
    },
    /// A merge key whose value is not a mapping or a list of mappings.
    Merge { span: Span },
    /// The document is not a mapping.
    Root(ValuesError),
}

/// A node read, ready to be placed in its parent.
struct Node {
    value: Value,
    spans: NodeSpans,
    /// How many nodes it holds (itself included).
    count: usize,
    /// For a plain scalar: its text (a key is made from it, and noted if surprising).
    plain: Plain,
    /// The node is an alias (`*a`).
    alias: bool,
}

/// An anchored node, for its aliases.
struct Anchored {
    value: Value,
    spans: NodeSpans,
    count: usize,
    plain: Plain,
}

/// The text of a plain scalar, kept apart only when it is not the string value itself (a
/// plain scalar read as a string is its text: no second copy of every such scalar).
#[derive(Clone)]
enum Plain {
    /// Not a plain scalar (quoted, tagged, a collection).
    None,
    /// The text is the node's string value.
    InValue,
    /// The text of a plain scalar read as anything but that same string (a number, a boolean,
    /// null).
    Text(String),
}

impl Plain {
    /// For a plain scalar read as `value`: how its `text` is kept.
    fn of(text: &str, value: &Value) -> Plain {
        match value {
            Value::String(s) if s == text => Plain::InValue,
            _ => Plain::Text(text.to_string()),
        }
    }
}

impl Node {
    /// For a plain scalar: its text.
    fn plain(&self) -> Option<&str> {
        match &self.plain {
            Plain::None => None,
            Plain::InValue => self.value.as_str(),
            Plain::Text(text) => Some(text),
        }
    }
}

struct Builder<'t> {
    source_name: &'t str,
    text: &'t str,
    locator: Locator<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes copied by aliases so far.
    copied: usize,
    /// Nodes written in the text so far.
    written: usize,
    notes: Vec<Note>,
    root: Option<(Mapping, Option<NodeSpans>)>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, raw: RawSpan) -> Result<(), ValuesError> {
        match event {
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                self.written += 1;
                let is_map = matches!(event, Event::MappingStart(..));
                let kind = if is_map {
                    NodeEvent::Map
                } else {
                    NodeEvent::Seq
                };
                let start = self.locator.value_span(kind, raw, self.in_value_position());
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.error_at(
                        start,
                        format!("collections nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
                let flow = matches!(self.char_at(start), Some('[' | '{'));
                let kind = if is_map {
                    FrameKind::Map {
                        map: Mapping::new(),
                        spans: KeyMap::default(),
                        written: None,
                        pending: Pending::Key,
                    }
                } else {
                    FrameKind::Seq {
                        items: Vec::new(),
                        spans: Vec::new(),
                    }
                };
                self.stack.push(Frame {
                    anchor,
                    count: 1,
                    start,
                    flow,
                    kind,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let count = frame.count;
                let (value, children) = match frame.kind {
                    FrameKind::Map { map, spans, .. } => {
                        (Value::Mapping(map), Children::Map(spans))
                    }
                    FrameKind::Seq { items, spans } => {
                        (Value::Sequence(items), Children::Seq(spans))
                    }
                };
                let node = Node {
                    value,
                    spans: NodeSpans {
                        key: frame.start,
                        value: frame.start,
                        children,
                    },
                    count,
                    plain: Plain::None,
                    alias: false,
                };
                self.complete(node, frame.anchor)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.written += 1;
                let kind = NodeEvent::Scalar {
                    style,
                    empty: text.is_empty(),
                };
                let span = self.locator.value_span(kind, raw, self.in_value_position());
                let tag = tag.as_deref().map(tag_name);
                let scalar_style = if style == ScalarStyle::Plain {
                    Style::Plain
                } else {
                    Style::Quoted
                };
                let value = scalar::resolve(&text, scalar_style, tag.as_deref())
                    .map_err(|e| self.scalar_error(span, e))?;
                let plain = if style == ScalarStyle::Plain && tag.is_none() {
                    Plain::of(&text, &value)
                } else {
                    Plain::None
                };
                let node = Node {
                    value,
                    spans: NodeSpans {
                        key: span,
                        value: span,
                        children: Children::None,
                    },
                    count: 1,
                    plain,
                    alias: false,
                };
                self.complete(node, anchor)?;
            }
            Event::Alias(id) => {
                let span = self
                    .locator
                    .value_span(NodeEvent::Alias, raw, self.in_value_position());
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(self.error_at(
                        span,
                        "this alias refers to a node that contains it".to_string(),
                    ));
                };
                self.copied += anchored.count;
                if excessive_aliasing(self.written + self.copied, self.copied) {
                    return Err(self.error_at(
                        span,
                        "the document contains excessive aliasing (as Helm says): its aliases copy most of its values"
                            .to_string(),
                    ));
                }
                if self.copied > MAX_ALIAS_NODES {
                    return Err(self.error_at(
                        span,
                        format!(
                            "aliases expand to too much data (more than {MAX_ALIAS_NODES} values copied)"
                        ),
                    ));
                }
                let node = Node {
                    value: anchored.value.clone(),
                    spans: NodeSpans {
                        key: span,
                        value: span,
                        children: anchored.spans.children.clone(),
                    },
                    count: anchored.count,
                    plain: anchored.plain.clone(),
                    alias: true,
                };
                self.complete(node, 0)?;
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
        Ok(())
    }

    /// Whether the next node is the value of a mapping entry (where a block sequence may be
    /// written without indentation).
    fn in_value_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map {
                    pending: Pending::Value { .. },
                    ..
                },
                ..
            })
        )
    }

    /// Places a node read in its parent (or as the document).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), ValuesError> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: node.value.clone(),
                    spans: node.spans.clone(),
                    count: node.count,
                    plain: node.plain.clone(),
                },
            );
        }
        let is_key = matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map {
                    pending: Pending::Key,
                    ..
                },
                ..
            })
        );
        if !is_key {
            self.check_finite(&node)?;
        }
        // The values path is built only where a note needs it (a surprising plain scalar) or a
        // refusal does, not for every node.
        let surprising = node.plain().is_some_and(|t| scalar::surprise(t).is_some());
        let path_for_notes = surprising.then(|| self.path());
        if let Err(refusal) = self.place(node, path_for_notes) {
            // The mapping being read is still the innermost frame: its path is where.
            let path = self.path();
            let (span, message) = match refusal {
                Refusal::Key { found, span } => (
                    span,
                    format!("{}a key must be a string, found {found}", at(&path)),
                ),
                Refusal::Duplicate { key, first, span } => (
                    span,
                    format!(
                        "{}duplicate key `{key}` (first written at line {first}); Helm would keep only the last",
                        at(&path)
                    ),
                ),
                Refusal::Merge { span } => (
                    span,
                    format!(
                        "{}a merge key `<<` takes a mapping or a list of mappings",
                        at(&path)
                    ),
                ),
                Refusal::Root(error) => return Err(error),
            };
            return Err(self.error_at(span, message));
        }
        Ok(())
    }

    /// Places a node read in the innermost collection (or as the document); `path` is the
    /// node's values path when a note needs it.
    fn place(&mut self, node: Node, path: Option<Path>) -> Result<(), Refusal> {
        let Some(frame) = self.stack.last_mut() else {
            return self.set_root(node).map_err(Refusal::Root);
        };
        let in_value_position = !matches!(
            frame.kind,
            FrameKind::Map {
                pending: Pending::Key,
                ..
            }
        );
        if in_value_position {
            frame.count += node.count;
        }
        match &mut frame.kind {
            FrameKind::Seq { items, spans } => {
                if let (Some(written), Some(path)) = (node.plain(), path) {
                    note_value(&mut self.notes, path, node.spans.value, written);
                }
                items.push(node.value);
                spans.push(node.spans);
            }
            FrameKind::Map {
                map,
                spans,
                written,
                pending,
            } => match std::mem::replace(pending, Pending::Key) {
                Pending::Key => {
                    let span = node.spans.value;
                    let plain = node.plain();
                    let merge = plain == Some("<<");
                    let as_float = plain.is_some_and(scalar::is_go_float);
                    let negative = plain.is_some_and(|t| t.starts_with('-'));
                    let note = match (plain, path, merge) {
                        (Some(text), Some(path), false) => Some((text.to_string(), path)),
                        _ => None,
                    };
                    let key = key_string(node.value, as_float, negative)
                        .map_err(|found| Refusal::Key { found, span })?;
                    if let Some((written, path)) = note {
                        self.notes.push(Note {
                            path: path.child_key(key.clone()),
                            span,
                            kind: NoteKind::Key { written },
                        });
                    }
                    if !merge {
                        let first = match written {
                            Some(written) => written.get(key.as_str()).copied(),
                            None => spans.get(key.as_str()).map(|s| s.key),
                        };
                        if let Some(first) = first {
                            return Err(Refusal::Duplicate {
                                first: first.line,
                                key,
                                span,
                            });
                        }
                        if let Some(written) = written {
                            written.insert(key.clone().into_boxed_str(), span);
                        }
                    }
                    *pending = Pending::Value {
                        key: key.into_boxed_str(),
                        span,
                        merge,
                    };
                }
                Pending::Value { merge: true, .. } => {
                    // from now on `spans` has keys not written here: the written ones are kept
                    written.get_or_insert_with(|| {
                        spans.iter().map(|(key, s)| (key.clone(), s.key)).collect()
                    });
                    merge_into(map, spans, node).map_err(|span| Refusal::Merge { span })?;
                }
                Pending::Value {
                    key,
                    span: key_span,
                    merge: false,
                } => {
                    if let (Some(written), Some(path)) = (node.plain(), path) {
                        note_value(&mut self.notes, path, node.spans.value, written);
                    }
                    let mut spans_here = node.spans;
                    spans_here.key = key_span;
                    map.insert(Value::String(String::from(&*key)), node.value);
                    spans.insert(key, spans_here);
                }
            },
        }
        Ok(())
    }

    /// A value JSON cannot hold (`.inf`, `.nan`) is refused, as Helm refuses it.
    fn check_finite(&self, node: &Node) -> Result<(), ValuesError> {
        if let Value::Number(n) = &node.value {
            if scalar::is_non_finite(n) {
                return Err(self.error_at(
                    node.spans.value,
                    format!(
                        "{}`{}` is not a number JSON can hold (Helm refuses it: json: unsupported value); quote it for the text",
                        at(&self.path()),
                        node.plain().unwrap_or("inf")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn set_root(&mut self, node: Node) -> Result<(), ValuesError> {
        match node.value {
            Value::Mapping(map) => self.root = Some((map, Some(node.spans))),
            Value::Null => self.root = Some((Mapping::new(), None)),
            other => {
                return Err(ValuesError::NotAMapping {
                    source_name: self.source_name.to_string(),
                    found: describe(&other).to_string(),
                });
            }
        }
        Ok(())
    }

    /// The values path of the node being read.
    fn path(&self) -> Path {
        let mut path = Path::root();
        for frame in &self.stack {
            match &frame.kind {
                FrameKind::Map {
                    pending: Pending::Value { key, merge, .. },
                    ..
                } if !merge => path.push_key(key.to_string()),
                FrameKind::Map { .. } => {}
                FrameKind::Seq { items, .. } => path.push_index(items.len()),
            }
        }
        path
    }

    fn char_at(&self, span: Span) -> Option<char> {
        self.text.get(span.offset..)?.chars().next()
    }

    fn error_at(&self, span: Span, message: String) -> ValuesError {
        ValuesError::Yaml {
            source_name: self.source_name.to_string(),
            line: Some(span.line),
            column: Some(span.column),
            message,
            line_text: Some(line_text(self.text, span.line).unwrap_or_default()),
            width: span.len.max(1),
        }
    }

    fn scalar_error(&self, span: Span, error: scalar::ScalarError) -> ValuesError {
        let path = self.path();
        let message = match error {
            scalar::ScalarError::Tag(message) => format!("{}{message}", at(&path)),
            scalar::ScalarError::Binary => format!("{}!!binary value is not base64", at(&path)),
        };
        self.error_at(span, message)
    }

    /// A syntax error, at the opening bracket of a flow collection left open on an earlier
    /// line, else where the parser stopped.
    fn syntax_error(&mut self, error: &ScanError) -> ValuesError {
        let mut message = error.info().to_string();
        let stopped = self.locator.pos(*error.marker());
        let open = self
            .stack
            .iter()
            .rev()
            .find(|f| f.flow)
            .filter(|f| f.start.line < stopped.line);
        if let Some(frame) = open {
            let bracket = self.char_at(frame.start).unwrap_or('[');
            let close = if bracket == '{' { '}' } else { ']' };
            message = format!(
                "this `{bracket}` is never closed (expected `{close}`; the parser stopped at line {}, column {}: {message})",
                stopped.line,
                stopped.col + 1
            );
            return self.error_at(frame.start, message);
        }
        self.error_at(
            Span {
                line: stopped.line,
                column: stopped.col + 1,
                offset: stopped.byte,
                len: 1,
            },
            message,
        )
    }
}

/// go-yaml v2's rule against alias bombs, which Helm applies: more than 100 nodes copied by
/// aliases among more than 1,000 decoded, and copies making up more than 99% of what is
/// decoded (up to 400,000 nodes), down to 10% (from 4,000,000 nodes).
fn excessive_aliasing(decoded: usize, copied: usize) -> bool {
    if copied <= 100 || decoded <= 1000 {
        return false;
    }
    let ratio = match decoded {
        ..=400_000 => 0.99,
        4_000_000.. => 0.10,
        d => 0.99 - 0.89 * (d - 400_000) as f64 / 3_600_000.0,
    };
    copied as f64 / decoded as f64 > ratio
}

/// A note for a plain scalar value that YAML 1.2 would read otherwise.
fn note_value(notes: &mut Vec<Note>, path: Path, span: Span, written: &str) {
    if let Some(surprise) = scalar::surprise(written) {
        notes.push(Note {
            path,
            span,
            kind: NoteKind::Value {
                written: written.to_string(),
                surprise,
            },
        });
    }
}

/// `path: ` for a message, or nothing at the top level.
fn at(path: &Path) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// Applies a merge key's value to the mapping being read, as go-yaml v2 does: a mapping's
/// entries are set (replacing keys already there), a list of mappings is applied from the
/// last to the first, so that the first wins. `Err` with the span of what is not a mapping.
fn merge_into(map: &mut Mapping, spans: &mut KeyMap<NodeSpans>, node: Node) -> Result<(), Span> {
    let sources: Vec<(Mapping, NodeSpans)> = match node.value {
        Value::Mapping(source) => vec![(source, node.spans)],
        // go-yaml takes a list written there, not an alias to one.
        Value::Sequence(_) if node.alias => return Err(node.spans.value),
        Value::Sequence(items) => {
            let item_spans = match node.spans.children {
                Children::Seq(item_spans) => item_spans,
                _ => Vec::new(),
            };
            let mut sources = Vec::with_capacity(items.len());
            for (item, item_span) in items.into_iter().zip(item_spans) {
                match item {
                    Value::Mapping(source) => sources.push((source, item_span)),
                    _ => return Err(item_span.value),
                }
            }
            sources.reverse();
            sources
        }
        _ => return Err(node.spans.value),
    };
    for (source, source_spans) in sources {
        let mut child_spans = match source_spans.children {
            Children::Map(child_spans) => child_spans,
            _ => KeyMap::default(),
        };
        for (key, value) in source {
            let name = key.as_str().unwrap_or_default().to_string();
            if let Some(s) = child_spans.remove(name.as_str()) {
                spans.insert(name.into_boxed_str(), s);
            }
            map.insert(key, value);
        }
    }
    Ok(())
}

/// The string Helm makes of a mapping key (`as_float`: go-yaml read it as a float), or what it
/// is when it cannot be one.
fn key_string(value: Value, as_float: bool, negative: bool) -> Result<String, &'static str> {
    match value {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) if as_float || n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // `-0.0` is kept exact as the integer 0: its sign is in the text.
            let f = if f == 0.0 && negative { -0.0 } else { f };
            Ok(scalar::float_key(f))
        }
        Value::Number(n) if n.as_i64().is_none() => Err(
            "an integer from 2^63 to 2^64-1 (Helm refuses such a key: unsupported map key of type uint64)",
        ),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Err("null (Helm refuses a null key too; quote it: \"null\")"),
        Value::Sequence(_) => Err("a sequence"),
        Value::Mapping(_) => Err("a mapping"),
        Value::Tagged(_) => Err("a tagged value"),
    }
}

/// A tag as [`scalar::resolve`] takes it: its core-schema name (`str` for `!!str` and for
/// the verbatim `!<tag:yaml.org,2002:str>`), or the whole tag for another one (`!foo`).
fn tag_name(tag: &Tag) -> String {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle == CORE {
        return tag.suffix.clone();
    }
    let full = format!("{}{}", tag.handle, tag.suffix);
    match full.strip_prefix(CORE) {
        Some(core) => core.to_string(),
        None => full,
    }
}

/// Refuses, before parsing, input whose size or flow nesting would make parsing slow.
fn check_limits(source_name: &str, text: &str) -> Result<(), ValuesError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ValuesError::TooLarge {
            source_name: source_name.to_string(),
            bytes: text.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if within_limits_at_a_glance(text) {
        return Ok(());
    }
    walk_limits(source_name, text)
}

/// The nesting and control-character part of [`check_limits`], character by character.
fn walk_limits(source_name: &str, text: &str) -> Result<(), ValuesError> {
    // Count flow brackets outside quoted scalars and comments. A bracket inside a plain scalar
    // (`a: x[1]`) is counted too: harmless, as only more than MAX_DEPTH open ones fail.
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        let control = matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}');
        if control {
            return Err(ValuesError::Yaml {
                source_name: source_name.to_string(),
                line: Some(line),
                column: Some(column),
                message: format!(
                    "control characters are not allowed in YAML (U+{:04X}); write it escaped in a double-quoted string (\"\\x{:02x}\")",
                    c as u32, c as u32
                ),
                line_text: line_text(text, line),
                width: 1,
            });
        }
        if c == '\n' {
            (line, column, comment) = (line + 1, 0, false);
            if quote.is_none() {
                previous = c;
                continue;
            }
        }
        match quote {
            Some('\'') if c == '\'' => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    column += 1;
                } else {
                    quote = None;
                }
            }
            Some('"') if c == '\\' => {
                if chars.next().is_some() {
                    column += 1;
                }
            }
            Some('"') if c == '"' => quote = None,
            Some(_) => {}
            None if comment => {}
            None => match c {
                '#' if previous.is_whitespace() => comment = true,
                '\'' | '"'
                    if matches!(
                        previous,
                        ' ' | '\t' | '\n' | ':' | '[' | '{' | ',' | '-' | '?'
                    ) =>
                {
                    quote = Some(c)
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(ValuesError::Yaml {
                            source_name: source_name.to_string(),
                            line: Some(line),
                            column: Some(column),
                            message: format!(
                                "collections nested more than {MAX_DEPTH} levels deep"
                            ),
                            line_text: line_text(text, line),
                            width: 1,
                        });
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    Ok(())
}

/// What [`check_limits`] finds without walking the characters: no control character (in
/// UTF-8, C0 and DEL are single bytes, C1 is `C2 80`..`C2 9F`; U+0085 is allowed) and at most
/// [`MAX_DEPTH`] opening brackets in the whole text, so none can be nested deeper. A text that
/// fails this is walked to say where.
fn within_limits_at_a_glance(text: &str) -> bool {
    let bytes = text.as_bytes();
    // one pass without branches over blocks of 255 bytes with byte-wide counters (the
    // compiler makes it 16 or 32 bytes at a time), then the rare C1 lead byte
    let (mut controls, mut opening) = (0u8, 0usize);
    for block in bytes.chunks(255) {
        let mut open = 0u8;
        for &b in block {
            let c0 = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
            controls |= u8::from(c0 | (b == 0x7f));
            open += u8::from((b == b'[') | (b == b'{'));
        }
        opening += usize::from(open);
    }
    let c1 = bytes.contains(&0xc2)
        && bytes
            .windows(2)
            .any(|pair| pair[0] == 0xc2 && (0x80..=0x9f).contains(&pair[1]) && pair[1] != 0x85);
    controls == 0 && !c1 && opening <= MAX_DEPTH
}

/// Line `n` (1-based) of `text`, with the value of a secret key on it masked.
pub(crate) fn line_text(text: &str, n: usize) -> Option<String> {
    // The end of the text (line count + 1) is a line too: where an unclosed collection ends.
    let line = text.lines().nth(n.checked_sub(1)?).unwrap_or_default();
    let line = line.strip_suffix('\r').unwrap_or(line);
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    if let Some((key, _)) = line.split_once(':') {
        let name = key
            .trim()
            .trim_start_matches('-')
            .trim()
            .trim_matches(['"', '\'']);
        if crate::diagnostic::is_secret_key(name) {
            return Some(format!("{key}: ***"));
        }
    }
    Some(line.to_string())
}

/// A short description of a value's kind, for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a sequence",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
#[path = "load_spans_tests.rs"]
mod spans_tests;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The glance at the bytes passes only texts the character walk passes: no control
        /// character and no nesting beyond the limit is let through unseen.
        #[test]
        fn the_glance_passes_only_what_the_walk_passes(
            text in proptest::string::string_regex(
                "([a-z: \t\r\n#'\"\\\\,-]|[\\[\\]{}]|[\u{0}-\u{1f}\u{7f}-\u{a0}]|é|😀){0,300}"
            ).unwrap()
        ) {
            if within_limits_at_a_glance(&text) {
                proptest::prop_assert!(walk_limits("v.yaml", &text).is_ok());
            }
        }
    }

    #[test]
    fn the_glance_sees_controls_and_deep_nesting() {
        assert!(within_limits_at_a_glance("a: [1, {b: \"\u{85}é\"}]\n"));
        for control in [
            '\u{0}', '\u{8}', '\u{b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}',
        ] {
            assert!(
                !within_limits_at_a_glance(&format!("a: 'x{control}'")),
                "{control:?}"
            );
            assert!(walk_limits("v.yaml", &format!("a: 'x{control}'")).is_err());
        }
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(!within_limits_at_a_glance(&deep));
        assert!(walk_limits("v.yaml", &deep).is_err());
        // many brackets, none deep: the walk decides
        let wide = "[], ".repeat(MAX_DEPTH + 1);
        assert!(!within_limits_at_a_glance(&wide));
        assert!(walk_limits("v.yaml", &wide).is_ok());
    }

    fn values(text: &str) -> Mapping {
        load("v.yaml", text)
            .unwrap_or_else(|e| panic!("{e}"))
            .values
    }

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    /// The message and (line, column) of a refusal.
    fn refusal(text: &str) -> (String, usize, usize) {
        match load("v.yaml", text).unwrap_err() {
            ValuesError::Yaml {
                message,
                line,
                column,
                ..
            } => (message, line.unwrap_or(0), column.unwrap_or(0)),
            other => (other.to_string(), 0, 0),
        }
    }

    #[test]
    fn yaml_1_1_scalars_as_values_and_keys() {
        assert_eq!(
            values("a: yes\nb: Off\nc: y\nd: 0777\ne: 1_000\nf: 0x1F\ng: '0777'\non: 1\nN: 2\n"),
            yaml(
                "a: true\nb: false\nc: true\nd: 511\ne: 1000\nf: 31\ng: '0777'\n'true': 1\n'false': 2"
            )
        );
    }

    #[test]
    fn keys_are_the_strings_helm_makes() {
        assert_eq!(
            values(
                "1.5: a\n1e6: b\n-0.0: c\n0x10: d\n123456789.0: e\n.inf: f\n9223372036854775807: g\n"
            ),
            yaml(
                "'1.5': a\n'1e+06': b\n'-0': c\n'16': d\n'1.2345679e+08': e\n'.inf': f\n'9223372036854775807': g"
            )
        );
        let (message, line, column) = refusal("a: 1\nnull: x\n");
        assert_eq!((line, column), (2, 1));
        assert!(
            message.starts_with("a key must be a string, found null"),
            "{message}"
        );
        let (message, ..) = refusal("m:\n  ~: x\n");
        assert!(
            message.starts_with("m: a key must be a string, found null"),
            "{message}"
        );
        let (message, ..) = refusal("9223372036854775808: x\n");
        assert!(
            message.contains("unsupported map key of type uint64"),
            "{message}"
        );
        let (message, line, column) = refusal("m: {[a]: 1}\n");
        assert_eq!((line, column), (1, 5));
        assert_eq!(message, "m: a key must be a string, found a sequence");
    }

    #[test]
    fn merge_keys_as_go_yaml_v2_applies_them() {
        let text = "a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\n\
                    m1:\n  <<: *a\n  p: 9\n\
                    m2:\n  p: 9\n  <<: *a\n\
                    m3:\n  <<: [*a, *b]\n\
                    m4:\n  <<: *a\n  <<: *b\n";
        let got = values(text);
        assert_eq!(got["m1"], Value::Mapping(yaml("{p: 9, q: 1}")));
        // The merge is applied where it is written: it replaces a key written before it.
        assert_eq!(got["m2"], Value::Mapping(yaml("{p: 1, q: 1}")));
        // In a list, the first mapping wins.
        assert_eq!(got["m3"], Value::Mapping(yaml("{p: 1, q: 1, r: 2}")));
        assert_eq!(got["m4"], Value::Mapping(yaml("{p: 1, q: 2, r: 2}")));
        for bad in [
            "m:\n  <<: 5\n",
            "l: &l [{a: 1}]\nm:\n  <<: *l\n",
            "m:\n  <<: [{a: 1}, 2]\n",
        ] {
            let (message, ..) = refusal(bad);
            assert!(
                message.ends_with("a merge key `<<` takes a mapping or a list of mappings"),
                "{bad:?}: {message}"
            );
        }
        // A quoted `<<` is an ordinary key.
        assert_eq!(
            values("m:\n  '<<': {a: 1}\n")["m"],
            Value::Mapping(yaml("'<<': {a: 1}"))
        );
    }

    #[test]
    fn first_document_only_and_byte_order_mark() {
        let loaded = load("v.yaml", "\u{feff}a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(loaded.values, yaml("a: 1"));
        assert_eq!(loaded.notes.len(), 1);
        assert_eq!(loaded.spans.line(1), Some("a: 1"));
        for text in ["", "\n", "# only a comment\n", "---\n", "~\n", "---\n...\n"] {
            assert_eq!(values(text), Mapping::new(), "{text:?}");
        }
    }

    #[test]
    fn numbers_of_any_size() {
        let got = values(
            "a: 123456789012345678901\nb: -9223372036854775809\nc: 18446744073709551615\nd: 3.0\n",
        );
        assert_eq!(got["a"].as_f64(), Some(1.2345678901234568e20));
        assert_eq!(got["b"].as_f64(), Some(-9.223_372_036_854_776e18));
        assert_eq!(got["c"].as_u64(), Some(u64::MAX));
        assert_eq!(got["d"].as_i64(), Some(3));
        let (message, line, column) = refusal("a:\n- 1\n- .inf\n");
        assert_eq!((line, column), (3, 3));
        assert!(
            message.starts_with("a[1]: `.inf` is not a number JSON can hold"),
            "{message}"
        );
    }

    #[test]
    fn a_key_written_twice_is_refused_around_merge_keys() {
        // a key merged in and then written is no duplicate; one written twice is, merge or not
        let ok = load("v.yaml", "m:\n  <<: {a: 1, b: 2}\n  a: 3\n  b: 4\n").unwrap();
        assert_eq!(ok.values["m"]["a"].as_i64(), Some(3));
        for (text, key, line, first) in [
            ("m:\n  a: 1\n  <<: {a: 2}\n  a: 3\n", "a", 4, 2),
            ("m:\n  <<: {a: 2}\n  a: 3\n  a: 4\n", "a", 4, 3),
            (
                "m:\n  x: 1\n  <<: {x: 2}\n  <<: {y: 2}\n  y: 3\n  x: 3\n",
                "x",
                6,
                2,
            ),
            ("m:\n  x: 1\n  y: 2\n  x: 3\n", "x", 4, 2),
        ] {
            let (message, at, _) = refusal(text);
            assert_eq!(at, line, "{text:?}");
            assert_eq!(
                message,
                format!(
                    "m: duplicate key `{key}` (first written at line {first}); Helm would keep only the last"
                ),
                "{text:?}"
            );
        }
    }

    #[test]
    fn errors_point_at_the_right_place() {
        let (message, line, column) = refusal("runners:\n  tags: a\n  image: x\n  tags: b\n");
        assert_eq!((line, column), (4, 3));
        assert_eq!(
            message,
            "runners: duplicate key `tags` (first written at line 2); Helm would keep only the last"
        );
        let (message, line, column) = refusal("a: 1\nb: [x,\n  y\nc: 2\n");
        assert_eq!((line, column), (2, 4));
        assert!(
            message.starts_with(
                "this `[` is never closed (expected `]`; the parser stopped at line 4"
            ),
            "{message}"
        );
        let err = load("v.yaml", "a: 1\nb: : c\n").unwrap_err().to_string();
        assert!(
            err.starts_with("error: invalid YAML at line 2, column 4: "),
            "{err}"
        );
        assert!(err.contains(" --> v.yaml:2:4\n"), "{err}");
        let (message, line, column) = refusal("a: x\u{1}y\n");
        assert_eq!((line, column), (1, 5));
        assert!(
            message.starts_with("control characters are not allowed"),
            "{message}"
        );
    }

    #[test]
    fn top_level_must_be_a_mapping() {
        for (text, found) in [
            ("- a\n", "a sequence"),
            ("hello\n", "a string"),
            ("5\n", "a number"),
        ] {
            let err = load("v.yaml", text).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "v.yaml: the top level of a values file must be a mapping of keys to values, found {found}"
                )
            );
        }
    }

    #[test]
    fn aliases_are_bounded_by_what_they_copy() {
        // One anchor of 1,000 values referenced 10,000 times: refused at once, at the alias.
        let mut text = String::from("a: &a [");
        text.push_str(&vec!["x"; 1000].join(", "));
        text.push_str("]\nb:\n");
        for _ in 0..10_000 {
            text.push_str("- *a\n");
        }
        let (message, line, _) = refusal(&text);
        assert_eq!(line, 102, "{message}"); // the 99th copy: copies are then 99% of the document
        assert!(message.contains("excessive aliasing"), "{message}");
        // Ordinary use of anchors is fine: 300 copies of a small mapping.
        let mut text = String::from("base: &b {k: v}\nlist:\n");
        for _ in 0..300 {
            text.push_str("- *b\n");
        }
        assert_eq!(values(&text)["list"].as_sequence().map(Vec::len), Some(300));
        // A merge key copies too.
        let text = "a: &a {x: 1}\nm:\n  <<: *a\n";
        assert_eq!(values(text)["m"], Value::Mapping(yaml("{x: 1}")));
    }

    #[test]
    fn notes_for_what_a_reader_may_not_expect() {
        let loaded = load(
            "v.yaml",
            "m:\n  on: x\n  k: yes\n  n: 0777\n  t: true\n  s: 'yes'\n",
        )
        .unwrap();
        let kinds: Vec<(String, &NoteKind)> = loaded
            .notes
            .iter()
            .map(|n| (n.path.to_string(), &n.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    "m.true".to_string(),
                    &NoteKind::Key {
                        written: "on".into()
                    }
                ),
                (
                    "m.k".to_string(),
                    &NoteKind::Value {
                        written: "yes".into(),
                        surprise: Surprise::Boolean
                    }
                ),
                (
                    "m.false".to_string(),
                    &NoteKind::Key {
                        written: "n".into()
                    }
                ),
                (
                    "m.false".to_string(),
                    &NoteKind::Value {
                        written: "0777".into(),
                        surprise: Surprise::Number
                    }
                ),
            ]
        );
    }
}
