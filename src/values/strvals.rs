//! Helm's `--set` and `--set-string` expressions ("strvals"): `a.b=c,d[0].e=f,g={x,y}`.
//!
//! [`parse_into`] reads one expression and writes its assignments into a values mapping, the
//! way `helm template --set` does.
//!
//! # Syntax
//!
//! - `,` separates assignments (`a=1,b=2`); a trailing `,` is allowed, an empty assignment
//!   (`a=1,,b=2`) is not. An empty expression sets nothing.
//! - A key is names joined by `.` (`a.b.c=x` makes nested maps), each name optionally followed by
//!   list indices (`a[0]=x`, `a[1].b=y`, `a[0][1]=z`).
//! - Everything after the first `=` up to the next unescaped `,` is the value (`a=b=c` sets
//!   `b=c`; `a=` sets the empty string).
//! - A value starting with `{` is a list of values separated by `,` and ended by `}`
//!   (`a={x,y}`). Items are not trimmed (`{a, b}` is `a` and ` b`), lists do not nest, and `{}` is
//!   a list holding one empty string, as in Helm (YAML `[""]`, not `[]`).
//! - `\` makes the next character literal, anywhere: `\,` `\.` `\=` `\[` `\{` `\}` `\\`
//!   (`nodeSelector.kubernetes\.io/os=linux` sets the key `kubernetes.io/os`). A `\` before any
//!   other character is dropped (`a\b` is `ab`), as in Helm.
//!
//! # Typing
//!
//! With [`Typing::Infer`] (`--set`) a value, or a list item, spelled `true` or `false` (any case)
//! becomes a boolean, `null` (any case) becomes null, and a base-10 integer that fits an `i64`
//! becomes an integer, unless it starts with `0` (`0` itself is an integer; `+5` and `-5` are
//! integers). Everything else, `1.5` and `0123` included, stays a string. With
//! [`Typing::String`] (`--set-string`) every value stays a string.
//!
//! # Writing into the destination
//!
//! Maps along the key path are merged into (existing keys keep their place, new keys are
//! appended); the last key is overwritten. A list index past the end of a list pads it with
//! nulls; an index inside it changes that item in place (and `a[0].b=y` merges into a map found
//! at `a[0]`). Whatever stands in the way of the path (a string where a map or a list is needed, a
//! map where a list is needed, ...) is replaced. (Helm does so for a list item, but fails with
//! "unable to parse key: interface conversion" for a map key; replacing is friendlier and keeps
//! the next rule.) The whole expression is parsed before anything is written: on error `dest` is
//! left untouched. Whether an expression is valid therefore never depends on `dest`.
//!
//! # Limits
//!
//! A list index is at most [`MAX_LIST_INDEX`] (65536, as in Helm); a key path has at most
//! [`MAX_NESTED_NAME_LEVEL`] (30, as in Helm) `.` right after a name, and at most
//! [`MAX_PATH_PARTS`] names and indices in all (ours, against absurd nesting).
//!
//! An index pads its list with nulls up to it: `a[65536]=x` makes 65537 values out of 12
//! characters. The list elements that padding creates are counted against a [`Budget`] of
//! [`MAX_PADDED_ELEMENTS`] (ours: Helm has no such limit, and a hundred `--set k<i>[65536]=1`
//! take it over 600 MB). [`parse_into`] and [`parse`] give each expression a budget of its
//! own; [`parse_within`] charges the one given, so that every expression of a render shares
//! one. The count is what the expression pads when written into an empty
//! mapping, found before anything is written (so that validity never depends on `dest`); written
//! into values that already hold some of its lists, an expression pads no more than that.
//!
//! # Stricter than Helm
//!
//! Helm silently ignores or misreads some malformed expressions; these are errors here: an
//! empty key name (`=x`, `.a=1`, `a..b=1`, `[0]=x`), a key or index with nothing assigned at
//! the end of the expression (`a[0]`, `a.`), an unclosed `[` (`a[0`), text right after a list's
//! `}` (`a={x}y`), and a `\` at the very end of the expression (Helm drops it).
//!
//! # Errors
//!
//! A [`StrvalsError`] gives the 1-based column (in characters) of the problem and displays as
//!
//! ```text
//! invalid expression `a.b` at column 4: key "a.b" has no value (expected `=`)
//! ```
//!
//! and `ValuesError::diagnostic` draws it with a caret under the column.
//!
//! The flag (`--set` or `--set-string`) is left for the caller to add. Secrets never appear in
//! an error: in the shown expression, the value of every assignment whose last key name is a
//! secret's ([`crate::diagnostic::is_secret_key`]: `runnerToken`, `accessKey`, ...) is replaced
//! by `***`, and so is any text
//! without `=` that directly follows such a value (most likely the rest of a secret value that
//! holds an unescaped `,`). The column refers to the shown expression; a problem inside a masked
//! value points at its `***`.

use std::collections::HashMap;

use serde_yaml::{Mapping, Value};

/// The largest list index accepted (`a[65536]=x`), as in Helm.
pub const MAX_LIST_INDEX: usize = 65_536;

/// The most `.` that may follow a name in one key path (`a.b` has one), as in Helm.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// The most names and list indices in one key path (`a[0].b` has three).
pub const MAX_PATH_PARTS: usize = 256;

/// The most list elements that padding may create, in all, for the `--set` and `--set-string`
/// expressions sharing a [`Budget`] (those of one render): two lists padded to Helm's largest
/// index [`MAX_LIST_INDEX`], about 10 MB of nulls. Elements written explicitly (`a={x,y}`, or
/// `a[3]=x` itself) count when padding creates them: `a[3]=x` counts 4, `a[0]=x,a[1]=y` counts 2.
pub const MAX_PADDED_ELEMENTS: usize = 2 * (MAX_LIST_INDEX + 1);

/// What is left of [`MAX_PADDED_ELEMENTS`] for more expressions; give the same budget to
/// [`parse_within`] for every expression of one set of values.
///
/// ```
/// # use gitlab_runner_chart::__private::values::strvals::{parse_within, Budget, Typing, MAX_PADDED_ELEMENTS};
/// let mut budget = Budget::new();
/// parse_within("a[65536]=1", Typing::Infer, &mut budget)?;
/// parse_within("b[65536]=1", Typing::Infer, &mut budget)?;
/// assert_eq!(budget.remaining(), MAX_PADDED_ELEMENTS - 2 * 65537);
/// let e = parse_within("c[9]=1", Typing::Infer, &mut budget).unwrap_err();
/// assert_eq!(e.column(), 3);
/// # Ok::<(), gitlab_runner_chart::__private::values::strvals::StrvalsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    remaining: usize,
}

impl Budget {
    /// The whole of [`MAX_PADDED_ELEMENTS`].
    pub fn new() -> Budget {
        Budget {
            remaining: MAX_PADDED_ELEMENTS,
        }
    }

    /// How many list elements padding may still create.
    pub fn remaining(&self) -> usize {
        self.remaining
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}

/// What replaces a secret in an error's expression.
const MASK: &str = "***";

/// How scalar values of an expression are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// `--set`: `true`/`false` (any case) become booleans, `null` (any case) null, base-10
    /// integers that fit i64 and don't start with `0` (except "0" itself) become integers;
    /// everything else stays a string.
    Infer,
    /// `--set-string`: every value stays a string.
    String,
}

/// Parses one `--set`-style expression (`a.b=c,d[0].e=f,g={x,y}`) and writes it into `dest`.
///
/// Nothing is written unless the whole expression is valid. The expression has a [`Budget`] of
/// its own; [`parse_within`] shares one between expressions.
///
/// ```
/// # use gitlab_runner_chart::__private::values::strvals::{parse_into, Typing};
/// let mut values = serde_yaml::Mapping::new();
/// parse_into("runners.tags=a\\,b,replicas=2", &mut values, Typing::Infer)?;
/// assert_eq!(serde_yaml::to_string(&values).unwrap(), "runners:\n  tags: a,b\nreplicas: 2\n");
/// # Ok::<(), gitlab_runner_chart::__private::values::strvals::StrvalsError>(())
/// ```
pub fn parse_into(expr: &str, dest: &mut Mapping, typing: Typing) -> Result<(), StrvalsError> {
    parse(expr, typing)?.apply(dest);
    Ok(())
}

/// Parses one `--set`-style expression once: its assignments, ready to be applied to values
/// ([`Expression::apply`]) and to tell where in the expression a values path is set
/// ([`Expression::place`]).
///
/// ```
/// # use gitlab_runner_chart::__private::values::{path::Path, strvals::{parse, Typing}};
/// let expression = parse("runnerToken=glrt-x,runners.tags=a", Typing::Infer)?;
/// assert_eq!(expression.shown(), "runnerToken=***,runners.tags=a");
/// // `runners.tags` is set at column 17 of the expression as shown, over 14 characters
/// assert_eq!(expression.place(&Path::parse("runners.tags").unwrap()), Some((17, 14)));
/// let mut values = serde_yaml::Mapping::new();
/// expression.apply(&mut values);
/// assert_eq!(values.len(), 2);
/// # Ok::<(), gitlab_runner_chart::__private::values::strvals::StrvalsError>(())
/// ```
pub fn parse(expr: &str, typing: Typing) -> Result<Expression, StrvalsError> {
    parse_within(expr, typing, &mut Budget::new())
}

/// [`parse`], with the list elements the expression pads charged to `budget`: an expression
/// that would pad more than what is left is invalid (at the index that goes past it), and
/// charges nothing. Applied anywhere, it pads no more than it was charged (the padding is
/// counted as into an empty mapping, the most it can be).
pub fn parse_within(
    expr: &str,
    typing: Typing,
    budget: &mut Budget,
) -> Result<Expression, StrvalsError> {
    let chars: Vec<char> = expr.chars().collect();
    let secrets = secret_spans(&chars);
    let parser = Parser {
        chars: &chars,
        pos: 0,
        secrets: &secrets,
    };
    let fault = |fault| StrvalsError::new(&chars, &secrets, fault);
    let assignments = parser.parse().map_err(fault)?;
    let padded = padding(&assignments, budget.remaining).map_err(fault)?;
    budget.remaining -= padded;
    let (shown, shown_at) = shown_with_positions(&chars, &secrets);
    let places = assignments
        .iter()
        .map(|a| {
            let start = shown_at[a.start];
            let end = shown_at[a.end.max(a.start)];
            (start + 1, (end - start).max(1))
        })
        .collect();
    Ok(Expression {
        assignments,
        places,
        typing,
        shown,
    })
}

/// A parsed `--set` expression (see [`parse`]).
pub struct Expression {
    assignments: Vec<Assignment>,
    /// For each assignment, its 1-based column and width in the expression as shown.
    places: Vec<(usize, usize)>,
    typing: Typing,
    shown: String,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expression")
            .field("shown", &self.shown)
            .field("typing", &self.typing)
            .finish_non_exhaustive()
    }
}

impl Expression {
    /// Writes the assignments into `dest`, in order (see the module documentation); returns
    /// how many list elements padding created.
    pub fn apply(&self, dest: &mut Mapping) -> usize {
        self.assignments
            .iter()
            .map(|assignment| apply(dest, assignment, self.typing))
            .sum()
    }

    /// The expression as it may be shown in messages (see [`masked`]).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Where the expression sets `path`: the 1-based column and the width, in the expression
    /// as shown, of the last assignment that sets `path`, something inside it, or a value
    /// it is inside of (`a={x,y}` sets `a[1]`).
    pub fn place(&self, path: &super::path::Path) -> Option<(usize, usize)> {
        self.assignments
            .iter()
            .zip(&self.places)
            .rev()
            .find(|(a, _)| {
                let target: super::path::Path = a
                    .path
                    .iter()
                    .map(|part| match part {
                        Part::Key(k) => super::path::Segment::Key(k.clone()),
                        Part::Index { index, .. } => super::path::Segment::Index(*index),
                    })
                    .collect();
                target.starts_with(path) || path.starts_with(&target)
            })
            .map(|(_, &place)| place)
    }
}

/// The expression with secrets masked and control characters replaced (as shown in
/// messages), and for each character position of the expression (and its end) the position
/// in the shown text.
fn shown_with_positions(chars: &[char], secrets: &[Span]) -> (String, Vec<usize>) {
    let mut shown = String::with_capacity(chars.len());
    let mut at = vec![0; chars.len() + 1];
    let mut count = 0;
    let mut spans = secrets.iter().peekable();
    let mut i = 0;
    while i <= chars.len() {
        if let Some(&&(start, end)) = spans.peek() {
            if i == start {
                for slot in &mut at[start..end.min(chars.len() + 1)] {
                    *slot = count;
                }
                shown.push_str(MASK);
                count += MASK.chars().count();
                i = end;
                spans.next();
                continue;
            }
        }
        at[i] = count;
        let Some(&c) = chars.get(i) else { break };
        shown.push(shown_char(c));
        count += 1;
        i += 1;
    }
    (shown, at)
}

/// The expression as it may be shown in messages: the value of every assignment to a secret
/// key ([`crate::diagnostic::is_secret_key`]) replaced by `***`, control
/// characters shown as U+FFFD.
///
/// ```
/// # use gitlab_runner_chart::__private::values::strvals::masked;
/// assert_eq!(masked("runnerToken=glrt-abc,concurrent=4"), "runnerToken=***,concurrent=4");
/// ```
pub fn masked(expr: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let secrets = secret_spans(&chars);
    let nowhere = Fault {
        pos: usize::MAX,
        message: String::new(),
    };
    StrvalsError::new(&chars, &secrets, nowhere).expression
}

/// An invalid `--set` expression: where (column) and what (message), with secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", shown(expression, *column, message))]
pub struct StrvalsError {
    expression: String,
    column: usize,
    message: String,
}

impl StrvalsError {
    /// The 1-based character column, in [`expression`](Self::expression), of the problem (one
    /// past the last character when the expression ends too early).
    pub fn column(&self) -> usize {
        self.column
    }

    /// The expression as it may be shown: secret values replaced by `***`, control characters
    /// by `\u{FFFD}`.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// What is wrong, e.g. ``key "a" has no value (expected `=`)``.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn new(chars: &[char], secrets: &[Span], fault: Fault) -> StrvalsError {
        let mut expression = String::with_capacity(chars.len());
        let mut shown = 0; // characters pushed so far
        let mut column = None;
        let mut spans = secrets.iter().peekable();
        let mut i = 0;
        loop {
            if let Some(&&(start, end)) = spans.peek() {
                if i == start {
                    if (start..end).contains(&fault.pos) {
                        column = Some(shown + 1);
                    }
                    expression.push_str(MASK);
                    shown += MASK.chars().count();
                    i = end;
                    spans.next();
                    continue;
                }
            }
            if i == fault.pos && column.is_none() {
                column = Some(shown + 1);
            }
            let Some(&c) = chars.get(i) else { break };
            expression.push(shown_char(c));
            shown += 1;
            i += 1;
        }
        StrvalsError {
            expression,
            column: column.unwrap_or(shown + 1),
            message: fault.message,
        }
    }
}

/// An error as shown: one line that quotes the expression; of a long expression, a window
/// around the column. ([`ValuesError::diagnostic`](super::ValuesError::diagnostic) draws it
/// with a caret under the column.)
fn shown(expression: &str, column: usize, message: &str) -> String {
    let text = window(expression, column);
    format!("invalid expression `{text}` at column {column}: {message}")
}

/// The most characters of an expression an error quotes: of a longer one, a window of them
/// around the column, [`WINDOW_BEFORE`] before it, with `…` where the expression goes on.
const WINDOW_CHARS: usize = 100;

/// How many characters a window shows before the column, when there are that many.
const WINDOW_BEFORE: usize = 40;

/// The expression, or of a long one the [`WINDOW_CHARS`] characters around `column` (1-based)
/// with `…` where it is cut. Linear in the length of the expression; only the window is
/// copied.
fn window(expression: &str, column: usize) -> String {
    let len = expression.chars().count();
    if len <= WINDOW_CHARS {
        return expression.to_string();
    }
    let from = column
        .saturating_sub(1)
        .saturating_sub(WINDOW_BEFORE)
        .min(len - WINDOW_CHARS);
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    text.extend(expression.chars().skip(from).take(WINDOW_CHARS));
    if from + WINDOW_CHARS < len {
        text.push('…');
    }
    text
}

/// How a character of the expression is shown in an error: control characters (a tab, a
/// newline) would break the caret line, so they are shown as `\u{FFFD}`.
fn shown_char(c: char) -> char {
    if c.is_control() { '\u{FFFD}' } else { c }
}

/// A half-open range of character positions in the expression.
type Span = (usize, usize);

/// A problem found while parsing: character position and message.
struct Fault {
    pos: usize,
    message: String,
}

/// One step of a key path.
enum Part {
    Key(String),
    /// A list index, and where its text starts in the expression.
    Index {
        index: usize,
        at: usize,
    },
}

/// A value as written, before typing.
enum RawValue {
    Scalar(String),
    List(Vec<String>),
}

/// `path=value`, at characters `start..end` of the expression.
struct Assignment {
    path: Vec<Part>,
    value: RawValue,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    secrets: &'a [Span],
}

impl Parser<'_> {
    fn parse(mut self) -> Result<Vec<Assignment>, Fault> {
        let mut assignments = Vec::new();
        while self.pos < self.chars.len() {
            assignments.push(self.assignment()?);
        }
        Ok(assignments)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn fault(&self, pos: usize, message: impl Into<String>) -> Fault {
        Fault {
            pos,
            message: message.into(),
        }
    }

    /// The text of `start..end` in double quotes, or `"***"` if it touches a secret.
    fn quoted(&self, start: usize, end: usize) -> String {
        let secret = self
            .secrets
            .iter()
            .any(|&(s, e)| s < end.max(start + 1) && start < e);
        if secret {
            format!("\"{MASK}\"")
        } else {
            let text: String = self.chars[start..end]
                .iter()
                .map(|&c| shown_char(c))
                .collect();
            format!("\"{text}\"")
        }
    }

    /// Reads `path=value` and the `,` after it, if any.
    fn assignment(&mut self) -> Result<Assignment, Fault> {
        let start = self.pos;
        let mut path = Vec::new();
        let mut name_level = 0;
        loop {
            self.check_path_length(&path)?;
            let name = self.name()?;
            if name.is_empty() {
                let message = match self.peek() {
                    Some(c) => format!("empty key name before `{c}`"),
                    None => "empty key name at the end of the expression".to_string(),
                };
                return Err(self.fault(self.pos, message));
            }
            path.push(Part::Key(name));
            let mut after_index = false;
            while self.peek() == Some('[') {
                self.check_path_length(&path)?;
                let at = self.pos + 1;
                path.push(Part::Index {
                    index: self.index()?,
                    at,
                });
                after_index = true;
                match self.peek() {
                    None | Some('[' | '.' | '=' | ',') => {}
                    Some(c) => {
                        return Err(self.fault(
                            self.pos,
                            format!(
                                "unexpected `{}` after `]` (expected `.`, `[` or `=`)",
                                shown_char(c)
                            ),
                        ));
                    }
                }
            }
            match self.peek() {
                Some('.') => {
                    if !after_index {
                        name_level += 1;
                        if name_level > MAX_NESTED_NAME_LEVEL {
                            return Err(self.fault(
                                self.pos,
                                format!(
                                    "key is nested more than {MAX_NESTED_NAME_LEVEL} levels deep"
                                ),
                            ));
                        }
                    }
                    self.pos += 1;
                }
                Some('=') => {
                    self.pos += 1;
                    break;
                }
                // `,` or the end of the expression.
                _ => return Err(self.no_value(start)),
            }
        }
        let value = self.value()?;
        let mut end = self.pos;
        if end > start && self.chars.get(end - 1) == Some(&',') {
            end -= 1;
        }
        Ok(Assignment {
            path,
            value,
            start,
            end,
        })
    }

    fn check_path_length(&self, path: &[Part]) -> Result<(), Fault> {
        if path.len() >= MAX_PATH_PARTS {
            return Err(self.fault(
                self.pos,
                format!("key path has more than {MAX_PATH_PARTS} names and indices"),
            ));
        }
        Ok(())
    }

    /// The key `start..pos` ends (at a `,` or the end) without `=`.
    fn no_value(&self, start: usize) -> Fault {
        let key = self.quoted(start, self.pos);
        let hint = if key.contains(MASK) {
            "; if this is part of the secret value before it, write its `,` as `\\,`"
        } else {
            ""
        };
        self.fault(
            self.pos,
            format!("key {key} has no value (expected `=`{hint})"),
        )
    }

    /// The character after a `\` at `pos`, or a fault if the expression ends there.
    fn escaped(&self) -> Result<char, Fault> {
        match self.chars.get(self.pos + 1) {
            Some(&c) => Ok(c),
            None => Err(self.fault(
                self.pos,
                "`\\` at the end of the expression escapes nothing (write `\\\\` for a backslash)",
            )),
        }
    }

    /// Reads a key name up to `.`, `=`, `[`, `,` or the end (not consumed).
    fn name(&mut self) -> Result<String, Fault> {
        let mut name = String::new();
        loop {
            match self.peek() {
                None | Some('.' | '=' | '[' | ',') => return Ok(name),
                Some('\\') => {
                    name.push(self.escaped()?);
                    self.pos += 2;
                }
                Some(c) => {
                    name.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Reads `[N]` (at `[`) and returns N.
    fn index(&mut self) -> Result<usize, Fault> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        let mut text = String::new();
        loop {
            match self.peek() {
                Some(']') => break,
                Some('\\') => match self.chars.get(self.pos + 1) {
                    Some(&c) => {
                        text.push(c);
                        self.pos += 2;
                    }
                    None => return Err(self.fault(open, "unclosed `[` (expected `]`)")),
                },
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
                None => return Err(self.fault(open, "unclosed `[` (expected `]`)")),
            }
        }
        let end = self.pos;
        self.pos += 1;
        if text.is_empty() {
            return Err(self.fault(start, "empty list index `[]` (expected a number)"));
        }
        let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            let index = self.quoted(start, end);
            return Err(self.fault(start, format!("list index {index} is not a number")));
        }
        if text.starts_with('-') && digits.bytes().any(|b| b != b'0') {
            let index = self.quoted(start, end);
            return Err(self.fault(start, format!("list index {index} is negative")));
        }
        match digits.parse::<usize>() {
            Ok(index) if index <= MAX_LIST_INDEX => Ok(index),
            _ => {
                let index = self.quoted(start, end);
                Err(self.fault(
                    start,
                    format!("list index {index} is larger than the maximum of {MAX_LIST_INDEX}"),
                ))
            }
        }
    }

    /// Reads a value (after `=`) and the `,` after it, if any.
    fn value(&mut self) -> Result<RawValue, Fault> {
        if self.peek() == Some('{') {
            return self.list();
        }
        let mut text = String::new();
        loop {
            match self.peek() {
                None => break,
                Some(',') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    text.push(self.escaped()?);
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(RawValue::Scalar(text))
    }

    /// Reads `{a,b,...}` (at `{`) and the `,` after it, if any.
    fn list(&mut self) -> Result<RawValue, Fault> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        let mut item = String::new();
        loop {
            match self.peek() {
                Some(',') => {
                    items.push(std::mem::take(&mut item));
                    self.pos += 1;
                }
                Some('}') => {
                    items.push(std::mem::take(&mut item));
                    self.pos += 1;
                    break;
                }
                Some('\\') => match self.chars.get(self.pos + 1) {
                    Some(&c) => {
                        item.push(c);
                        self.pos += 2;
                    }
                    None => return Err(self.fault(open, "unclosed `{` (expected `}`)")),
                },
                Some(c) => {
                    item.push(c);
                    self.pos += 1;
                }
                None => return Err(self.fault(open, "unclosed `{` (expected `}`)")),
            }
        }
        match self.peek() {
            None => {}
            Some(',') => self.pos += 1,
            Some(_) => {
                return Err(self.fault(
                    self.pos,
                    "unexpected text after the `}` that ends a list (expected `,` or the end)",
                ));
            }
        }
        Ok(RawValue::List(items))
    }
}

/// Where `chars[from..]` has `stop` (not escaped), or `chars.len()`.
fn find_unescaped(chars: &[char], from: usize, stop: char) -> usize {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == stop => return i,
            _ => i += 1,
        }
    }
    chars.len()
}

/// Whether a key name marks its value as a secret.
fn is_secret_name(name: &str) -> bool {
    crate::diagnostic::is_secret_key(name)
}

/// The spans to mask in errors: non-empty values of secret keys, and the text without `=` that
/// directly follows one. A tolerant scan that reads any text the way the parser would.
fn secret_spans(chars: &[char]) -> Vec<Span> {
    let len = chars.len();
    let mut spans = Vec::new();
    let mut after_secret = false;
    let mut pos = 0;
    while pos < len {
        let start = pos;
        let mut last_name = String::new();
        let mut has_value = false;
        while pos < len {
            match chars[pos] {
                '\\' => {
                    if let Some(&c) = chars.get(pos + 1) {
                        last_name.push(c);
                    }
                    pos += 2;
                }
                '.' => {
                    last_name.clear();
                    pos += 1;
                }
                '[' => pos = find_unescaped(chars, pos + 1, ']') + 1,
                '=' => {
                    has_value = true;
                    pos += 1;
                    break;
                }
                ',' => break,
                c => {
                    last_name.push(c);
                    pos += 1;
                }
            }
        }
        pos = pos.min(len);
        if has_value {
            let value_start = pos;
            if chars.get(pos) == Some(&'{') {
                pos = (find_unescaped(chars, pos + 1, '}') + 1).min(len);
            }
            pos = find_unescaped(chars, pos, ',');
            after_secret = pos > value_start && is_secret_name(&last_name);
            if after_secret {
                spans.push((value_start, pos));
            }
        } else if after_secret && pos > start {
            spans.push((start, pos));
        } else {
            after_secret = false;
        }
        pos += 1; // the `,`
    }
    spans
}

/// Types a value as `--set` (Infer) or `--set-string` (String) would.
fn typed(text: String, typing: Typing) -> Value {
    if typing == Typing::String {
        return Value::String(text);
    }
    if fold_eq(&text, "true") {
        return Value::Bool(true);
    }
    if fold_eq(&text, "false") {
        return Value::Bool(false);
    }
    if fold_eq(&text, "null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Number(0.into());
    }
    if !text.starts_with('0') {
        if let Ok(number) = text.parse::<i64>() {
            return Value::Number(number.into());
        }
    }
    Value::String(text)
}

/// `text` equals the lower-case ASCII `word` ignoring case, with Unicode's simple case folding
/// for the letters that matter (the long s `ſ` folds to `s`, as in Helm).
fn fold_eq(text: &str, word: &str) -> bool {
    let mut text = text.chars();
    let mut word = word.chars();
    loop {
        match (text.next(), word.next()) {
            (None, None) => return true,
            (Some(t), Some(w)) => {
                if t.to_ascii_lowercase() != w && !(t == '\u{17F}' && w == 's') {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Writes one assignment into `dest`; returns how many list elements padding created.
fn apply(dest: &mut Mapping, assignment: &Assignment, typing: Typing) -> usize {
    let value = match &assignment.value {
        RawValue::Scalar(text) => typed(text.clone(), typing),
        RawValue::List(items) => Value::Sequence(
            items
                .iter()
                .map(|item| typed(item.clone(), typing))
                .collect(),
        ),
    };
    let mut parts = assignment.path.iter();
    // The parser makes every path start with a key.
    let Some(Part::Key(first)) = parts.next() else {
        return 0;
    };
    let mut padded = 0;
    let mut slot = dest
        .entry(Value::String(first.clone()))
        .or_insert(Value::Null);
    for part in parts {
        slot = match part {
            Part::Key(key) => mapping_in(slot)
                .entry(Value::String(key.clone()))
                .or_insert(Value::Null),
            &Part::Index { index, .. } => {
                let list = sequence_in(slot);
                if list.len() <= index {
                    padded += index + 1 - list.len();
                    list.resize(index + 1, Value::Null);
                }
                &mut list[index]
            }
        };
    }
    *slot = value;
    padded
}

/// The shape of what an expression writes, without the values: enough to count the list
/// elements padding creates.
#[derive(Default)]
enum Shape {
    #[default]
    Other,
    Map(HashMap<String, Shape>),
    List {
        len: usize,
        items: HashMap<usize, Shape>,
    },
}

/// How many list elements `assignments` pad when written into an empty mapping (as [`apply`]
/// does, without building the values), or a fault at the index that takes it past `limit`.
fn padding(assignments: &[Assignment], limit: usize) -> Result<usize, Fault> {
    let mut root: HashMap<String, Shape> = HashMap::new();
    let mut total = 0usize;
    for assignment in assignments {
        let mut parts = assignment.path.iter();
        let Some(Part::Key(first)) = parts.next() else {
            continue;
        };
        let mut slot = root.entry(first.clone()).or_default();
        for part in parts {
            slot = match part {
                Part::Key(key) => {
                    if !matches!(slot, Shape::Map(_)) {
                        *slot = Shape::Map(HashMap::new());
                    }
                    let Shape::Map(map) = slot else {
                        unreachable!("the slot was just made a map")
                    };
                    map.entry(key.clone()).or_default()
                }
                Part::Index { index, at } => {
                    if !matches!(slot, Shape::List { .. }) {
                        *slot = Shape::List {
                            len: 0,
                            items: HashMap::new(),
                        };
                    }
                    let Shape::List { len, items } = slot else {
                        unreachable!("the slot was just made a list")
                    };
                    if *len <= *index {
                        total += *index + 1 - *len;
                        if total > limit {
                            return Err(over_budget(*at, *index));
                        }
                        *len = *index + 1;
                    }
                    items.entry(*index).or_default()
                }
            };
        }
        *slot = match &assignment.value {
            RawValue::Scalar(_) => Shape::Other,
            RawValue::List(items) => Shape::List {
                len: items.len(),
                items: HashMap::new(),
            },
        };
    }
    Ok(total)
}

/// The fault of the index `index`, at `at`, that pads lists past the budget. (An index is in a
/// key, never in a secret value.)
fn over_budget(at: usize, index: usize) -> Fault {
    Fault {
        pos: at,
        message: format!(
            "list index {index} pads lists past {MAX_PADDED_ELEMENTS} elements in all, the \
             limit for the `--set` and `--set-string` expressions of a render (an index pads \
             its list with nulls up to it)"
        ),
    }
}

/// The mapping in `slot`, which becomes an empty mapping if it holds anything else.
fn mapping_in(slot: &mut Value) -> &mut Mapping {
    if !slot.is_mapping() {
        *slot = Value::Mapping(Mapping::new());
    }
    match slot {
        Value::Mapping(mapping) => mapping,
        _ => unreachable!("the slot was just made a mapping"),
    }
}

/// The sequence in `slot`, which becomes an empty sequence if it holds anything else.
fn sequence_in(slot: &mut Value) -> &mut Vec<Value> {
    if !slot.is_sequence() {
        *slot = Value::Sequence(Vec::new());
    }
    match slot {
        Value::Sequence(list) => list,
        _ => unreachable!("the slot was just made a sequence"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).expect("test YAML")
    }

    fn parsed_as(expr: &str, typing: Typing) -> Mapping {
        let mut dest = Mapping::new();
        parse_into(expr, &mut dest, typing).unwrap_or_else(|e| panic!("{expr}: {e}"));
        dest
    }

    fn parsed(expr: &str) -> Mapping {
        parsed_as(expr, Typing::Infer)
    }

    /// Parses into `dest` (given as YAML) and compares the serialized result, so key order
    /// counts.
    fn assert_into(dest: &str, exprs: &[&str], expected: &str) {
        let mut values = if dest.is_empty() {
            Mapping::new()
        } else {
            yaml(dest)
        };
        for expr in exprs {
            parse_into(expr, &mut values, Typing::Infer).unwrap_or_else(|e| panic!("{expr}: {e}"));
        }
        assert_eq!(
            serde_yaml::to_string(&values).unwrap(),
            serde_yaml::to_string(&yaml(expected)).unwrap(),
            "{exprs:?}"
        );
    }

    fn assert_sets(expr: &str, expected: &str) {
        assert_eq!(parsed(expr), yaml(expected), "{expr}");
    }

    fn error(expr: &str) -> StrvalsError {
        let mut dest = Mapping::new();
        let error = parse_into(expr, &mut dest, Typing::Infer)
            .expect_err(&format!("{expr} should be invalid"));
        assert!(dest.is_empty(), "{expr}: nothing is written on error");
        error
    }

    fn assert_error(expr: &str, column: usize, message: &str) {
        let e = error(expr);
        assert_eq!((e.column(), e.message()), (column, message), "{expr}");
        assert_eq!(e.expression(), expr, "nothing to mask in {expr}");
    }

    #[test]
    fn simple_assignments() {
        assert_sets("a=b", "a: b");
        assert_sets("a=b,c=d", "{a: b, c: d}");
        assert_sets(
            "name1=value1,name2=value2,",
            "{name1: value1, name2: value2}",
        );
        assert_sets("a= x y ", "a: ' x y '");
        assert_sets("a b=1", "'a b': 1");
        assert_sets("a]=1", "'a]': 1");
    }

    #[test]
    fn empty_expression_sets_nothing() {
        assert_eq!(parsed(""), Mapping::new());
    }

    #[test]
    fn dots_make_nested_maps() {
        assert_sets("a.b.c=x", "a: {b: {c: x}}");
        assert_sets(
            "outer.inner1=value,outer.middle.inner=value",
            "outer: {inner1: value, middle: {inner: value}}",
        );
    }

    #[test]
    fn equals_signs_after_the_first_belong_to_the_value() {
        assert_sets("a=b=c", "a: b=c");
        assert_sets("a==", "a: '='");
    }

    #[test]
    fn empty_values_are_empty_strings() {
        assert_sets("a=", "a: ''");
        assert_sets("a=,b=1", "{a: '', b: 1}");
        assert_sets("a.b=", "a: {b: ''}");
        assert_sets("a[0]=", "a: ['']");
        assert_eq!(parsed_as("a=", Typing::String), yaml("a: ''"));
    }

    #[test]
    fn null_values() {
        assert_sets("a=null,b=NULL,c=Null", "{a: null, b: null, c: null}");
        assert_eq!(parsed_as("a=null", Typing::String), yaml("a: 'null'"));
    }

    #[test]
    fn inferred_typing() {
        let cases: &[(&str, Value)] = &[
            ("true", Value::Bool(true)),
            ("TRUE", Value::Bool(true)),
            ("tRuE", Value::Bool(true)),
            ("False", Value::Bool(false)),
            ("fal\u{17F}e", Value::Bool(false)),
            ("null", Value::Null),
            ("0", Value::Number(0.into())),
            ("123", Value::Number(123.into())),
            ("-5", Value::Number((-5).into())),
            ("+5", Value::Number(5.into())),
            ("-0", Value::Number(0.into())),
            ("9223372036854775807", Value::Number(i64::MAX.into())),
            ("-9223372036854775808", Value::Number(i64::MIN.into())),
            (
                "9223372036854775808",
                Value::String("9223372036854775808".into()),
            ),
            ("0123", Value::String("0123".into())),
            ("00", Value::String("00".into())),
            ("1.5", Value::String("1.5".into())),
            ("1e3", Value::String("1e3".into())),
            ("0x10", Value::String("0x10".into())),
            ("1_000", Value::String("1_000".into())),
            (" 1", Value::String(" 1".into())),
            ("yes", Value::String("yes".into())),
            ("~", Value::String("~".into())),
            ("truex", Value::String("truex".into())),
            ("", Value::String(String::new())),
        ];
        for (text, expected) in cases {
            let values = parsed(&format!("v={text}"));
            assert_eq!(values.get("v"), Some(expected), "v={text}");
        }
    }

    #[test]
    fn string_typing_keeps_everything_a_string() {
        assert_eq!(
            parsed_as("a=true,b=0,c=null,d=12,e={1,false}", Typing::String),
            yaml("{a: 'true', b: '0', c: 'null', d: '12', e: ['1', 'false']}")
        );
    }

    #[test]
    fn braces_make_typed_lists() {
        assert_sets("a={x,y,z}", "a: [x, y, z]");
        assert_sets("a={1,true,null,x,0123}", "a: [1, true, null, x, '0123']");
        assert_sets("name1={1021,902},b=2", "{name1: [1021, 902], b: 2}");
        assert_sets("a.b={x},", "a: {b: [x]}");
        // Items are not trimmed.
        assert_sets("a={x, y}", "a: [x, ' y']");
        // A list starts only at the first character of a value.
        assert_sets("a=x{y}[z]", "a: 'x{y}[z]'");
    }

    #[test]
    fn empty_braces_make_a_list_of_one_empty_string() {
        assert_sets("a={}", "a: ['']");
        assert_sets("a={},b=1", "{a: [''], b: 1}");
        assert_sets("a={,}", "a: ['', '']");
    }

    #[test]
    fn list_indices() {
        assert_sets("a[0]=x", "a: [x]");
        assert_sets("a[2]=x", "a: [null, null, x]");
        assert_sets("a[0]=x,a[1]=y", "a: [x, y]");
        assert_sets("a[1].b=y", "a: [null, {b: y}]");
        assert_sets("a[0][1]=z", "a: [[null, z]]");
        assert_sets("nested[1][1]=1", "nested: [null, [null, 1]]");
        assert_sets("a[0]={x,y}", "a: [[x, y]]");
        assert_sets("a={x,y},a[3]=z", "a: [x, y, null, z]");
        assert_sets(
            "a[+1]=x,b[007]=y",
            "{a: [null, x], b: [null, null, null, null, null, null, null, y]}",
        );
        assert_sets(
            "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
            "name1: {name2: [{foo: bar}, {foo: bar}]}",
        );
        assert_sets(
            "servers[0].port=80,servers[0].host=example",
            "servers: [{port: 80, host: example}]",
        );
    }

    #[test]
    fn largest_index_is_accepted() {
        let values = parsed("a[65536]=x");
        let list = values.get("a").and_then(Value::as_sequence).unwrap();
        assert_eq!(list.len(), 65_537);
        assert_eq!(list[65_536], Value::String("x".into()));
    }

    #[test]
    fn escapes() {
        assert_sets(
            "nodeSelector.kubernetes\\.io/os=linux",
            "nodeSelector: {kubernetes.io/os: linux}",
        );
        assert_sets(
            "a=one\\,two,b=three\\=four",
            "{a: 'one,two', b: three=four}",
        );
        assert_sets("a={x\\,y,z\\}}", "a: ['x,y', 'z}']");
        assert_sets("a\\=b=c", "'a=b': c");
        assert_sets("a\\[0\\]=x", "'a[0]': x");
        assert_sets("a[\\1]=x", "a: [null, x]");
        assert_sets("a=C:\\\\dir", "a: 'C:\\dir'");
        // A backslash before an ordinary character is dropped, as in Helm.
        assert_sets("a=x\\yz", "a: xyz");
        assert_sets("a=\\{x}", "a: '{x}'");
    }

    #[test]
    fn later_assignments_overwrite() {
        assert_sets("a.b=1,a=2", "a: 2");
        assert_sets("a=1,a.b=2", "a: {b: 2}");
        assert_sets("a=1,a=2", "a: 2");
    }

    #[test]
    fn merges_into_existing_maps_and_keeps_key_order() {
        assert_into(
            "a: {x: 1, y: [1, 2, 3]}\nb: keep\n",
            &["a.x=2,a.z=3,a.y[1]=two"],
            "a: {x: 2, y: [1, two, 3], z: 3}\nb: keep\n",
        );
    }

    #[test]
    fn several_calls_merge_into_the_same_destination() {
        assert_into(
            "",
            &["a.b=1", "a.c=2,d[1]=x", "a.b=3,d[0]=y"],
            "a: {b: 3, c: 2}\nd: [y, x]\n",
        );
        assert_into(
            "",
            &[
                "listOuter[0][0].type=listValue",
                "listOuter[0][0].status=alive",
            ],
            "listOuter: [[{type: listValue, status: alive}]]",
        );
        assert_into(
            "listOuter: [[[{exited: old}]]]",
            &[
                "listOuter[0][1][0].type=listValue",
                "listOuter[0][0][1].status=alive",
            ],
            "listOuter: [[[{exited: old}, {status: alive}], [{type: listValue}]]]",
        );
    }

    #[test]
    fn merges_into_an_existing_list_item_map() {
        assert_into(
            "servers: [{port: 80, host: a}, {port: 81}]",
            &["servers[0].host=b,servers[2].port=82"],
            "servers: [{port: 80, host: b}, {port: 81}, {port: 82}]",
        );
    }

    #[test]
    fn replaces_what_stands_in_the_way() {
        assert_into("a: 1", &["a.b=2"], "a: {b: 2}");
        assert_into("a: null", &["a.b=2"], "a: {b: 2}");
        assert_into("a: {x: 1}", &["a[1]=y"], "a: [null, y]");
        assert_into("a: [1]", &["a.b=1"], "a: {b: 1}");
        assert_into("a: [x, 1]", &["a[1][0]=z"], "a: [x, [z]]");
        assert_into("a: [x, 1]", &["a[1].b=z"], "a: [x, {b: z}]");
        assert_into("a: {b: {c: 1}}", &["a.b={x}"], "a: {b: [x]}");
    }

    #[test]
    fn error_leaves_the_destination_untouched() {
        let mut dest = yaml("keep: 1");
        assert!(parse_into("x=1,y[z]=2", &mut dest, Typing::Infer).is_err());
        assert_eq!(dest, yaml("keep: 1"));
    }

    #[test]
    fn error_display() {
        assert_eq!(
            error("a.b").to_string(),
            "invalid expression `a.b` at column 4: key \"a.b\" has no value (expected `=`)"
        );
        assert_eq!(
            error("x=1,[0]=2").to_string(),
            "invalid expression `x=1,[0]=2` at column 5: empty key name before `[`"
        );
    }

    #[test]
    fn errors_for_keys_without_value() {
        assert_error("a.b", 4, "key \"a.b\" has no value (expected `=`)");
        assert_error("a", 2, "key \"a\" has no value (expected `=`)");
        assert_error("a,b=1", 2, "key \"a\" has no value (expected `=`)");
        assert_error(
            "name1,name2=",
            6,
            "key \"name1\" has no value (expected `=`)",
        );
        assert_error("x=1,a.b", 8, "key \"a.b\" has no value (expected `=`)");
        assert_error("a[0]", 5, "key \"a[0]\" has no value (expected `=`)");
        assert_error("a[0],b=1", 5, "key \"a[0]\" has no value (expected `=`)");
        assert_error("k\\.x", 5, "key \"k\\.x\" has no value (expected `=`)");
    }

    #[test]
    fn errors_for_empty_key_names() {
        assert_error("a..b=1", 3, "empty key name before `.`");
        assert_error(".a=1", 1, "empty key name before `.`");
        assert_error("=x", 1, "empty key name before `=`");
        assert_error("a.=1", 3, "empty key name before `=`");
        assert_error("name1.,name2", 7, "empty key name before `,`");
        assert_error("a=1,,b=2", 5, "empty key name before `,`");
        assert_error(
            "name1=value1,,,,name2=value2,",
            14,
            "empty key name before `,`",
        );
        assert_error(",a=1", 1, "empty key name before `,`");
        assert_error("[0]=x", 1, "empty key name before `[`");
        assert_error("a.[0]=x", 3, "empty key name before `[`");
        assert_error("a.", 3, "empty key name at the end of the expression");
    }

    #[test]
    fn errors_for_list_indices() {
        assert_error("a[0", 2, "unclosed `[` (expected `]`)");
        assert_error("a[0=1", 2, "unclosed `[` (expected `]`)");
        assert_error("a[0\\", 2, "unclosed `[` (expected `]`)");
        assert_error("a[x]=1", 3, "list index \"x\" is not a number");
        assert_error("a[1 ]=1", 3, "list index \"1 \" is not a number");
        assert_error("a[-]=1", 3, "list index \"-\" is not a number");
        assert_error("a[]=1", 3, "empty list index `[]` (expected a number)");
        assert_error("a[-1]=1", 3, "list index \"-1\" is negative");
        assert_error(
            "list[0].foo=bar,list[-30].hello=world",
            22,
            "list index \"-30\" is negative",
        );
        assert_error(
            "a[65537]=1",
            3,
            "list index \"65537\" is larger than the maximum of 65536",
        );
        assert_error(
            "a[99999999999999999999999]=1",
            3,
            "list index \"99999999999999999999999\" is larger than the maximum of 65536",
        );
        assert_error(
            "a[0]x=1",
            5,
            "unexpected `x` after `]` (expected `.`, `[` or `=`)",
        );
        assert_error(
            "illegal[0]name.foo=bar",
            11,
            "unexpected `n` after `]` (expected `.`, `[` or `=`)",
        );
    }

    #[test]
    fn errors_for_lists_in_braces() {
        assert_error("a={x,y", 3, "unclosed `{` (expected `}`)");
        assert_error("name1={1021,902", 7, "unclosed `{` (expected `}`)");
        assert_error("a={x\\", 3, "unclosed `{` (expected `}`)");
        assert_error(
            "a={x}y",
            6,
            "unexpected text after the `}` that ends a list (expected `,` or the end)",
        );
        assert_error(
            "]={}].",
            5,
            "unexpected text after the `}` that ends a list (expected `,` or the end)",
        );
    }

    #[test]
    fn errors_for_a_trailing_backslash() {
        let message =
            "`\\` at the end of the expression escapes nothing (write `\\\\` for a backslash)";
        assert_error("a=x\\", 4, message);
        assert_error("a\\", 2, message);
        assert_error(
            "name1,name2=value2\\",
            6,
            "key \"name1\" has no value (expected `=`)",
        );
    }

    #[test]
    fn nesting_limits() {
        let ok = format!("{}a=1", "a.".repeat(MAX_NESTED_NAME_LEVEL));
        assert!(parse_into(&ok, &mut Mapping::new(), Typing::Infer).is_ok());
        let deep = format!("{}a=1", "a.".repeat(MAX_NESTED_NAME_LEVEL + 1));
        assert_error(&deep, 62, "key is nested more than 30 levels deep");
        // A `.` right after an index does not count, as in Helm.
        let indexed = format!("{}a=1", "a[0].".repeat(40));
        assert!(parse_into(&indexed, &mut Mapping::new(), Typing::Infer).is_ok());
        let long = format!("a{}=1", "[0]".repeat(300));
        assert_error(&long, 767, "key path has more than 256 names and indices");
    }

    #[test]
    fn columns_count_characters() {
        assert_error("ä.ö", 4, "key \"ä.ö\" has no value (expected `=`)");
        assert_error("ключ=ä,ö[x]=1", 10, "list index \"x\" is not a number");
    }

    #[test]
    fn control_characters_are_shown_as_replacement_characters() {
        let e = error("a\tb");
        assert_eq!(e.expression(), "a\u{FFFD}b");
        assert_eq!(e.column(), 4);
        assert_eq!(
            e.message(),
            "key \"a\u{FFFD}b\" has no value (expected `=`)"
        );
        assert!(!e.to_string().contains('\t'));
    }

    #[test]
    fn secret_values_are_masked() {
        let e = error("runnerToken=glrt-abc,b[x]=1");
        assert_eq!(e.expression(), "runnerToken=***,b[x]=1");
        assert_eq!(e.column(), 19);
        assert_eq!(e.message(), "list index \"x\" is not a number");
        assert_eq!(
            e.to_string(),
            "invalid expression `runnerToken=***,b[x]=1` at column 19: list index \"x\" is not a \
             number"
        );

        let e = error("auth.password=hunter2,x[0]=1,runners.secret={a,b},n=1,c[");
        assert_eq!(
            e.expression(),
            "auth.password=***,x[0]=1,runners.secret=***,n=1,c["
        );
        assert_eq!(e.column(), 50);
        assert_eq!(e.message(), "unclosed `[` (expected `]`)");
        assert!(!e.to_string().contains("hunter2"));

        let e = error("runners.secret={a,b},tokens[0]=t0k,n=1,c[");
        assert_eq!(e.expression(), "runners.secret=***,tokens[0]=***,n=1,c[");
        assert_eq!(e.column(), 39);

        // Every secret word, in any case; not other keys, nor empty values.
        let e = error("apiKEY=k1,Secret=s1,myTOKEN=t1,PassWord=p1,user=bob,password=,z");
        assert_eq!(
            e.expression(),
            "apiKEY=***,Secret=***,myTOKEN=***,PassWord=***,user=bob,password=,z"
        );
        assert_eq!(e.column(), 68);
        assert_eq!(e.message(), "key \"z\" has no value (expected `=`)");
    }

    #[test]
    fn errors_inside_secret_values_point_at_the_mask() {
        let e = error("password={abc");
        assert_eq!((e.expression(), e.column()), ("password=***", 10));
        assert_eq!(e.message(), "unclosed `{` (expected `}`)");

        let e = error("a.secretKey=s3cr3t\\");
        assert_eq!((e.expression(), e.column()), ("a.secretKey=***", 13));
        assert!(!e.to_string().contains("s3cr3t"));

        let e = error("token={ab}cd,x=1");
        assert_eq!((e.expression(), e.column()), ("token=***,x=1", 7));
        assert!(!e.to_string().contains("cd"));
    }

    #[test]
    fn text_after_a_secret_value_without_equals_is_masked_too() {
        // Most likely the rest of a password holding an unescaped comma.
        let e = error("runnerToken=glrt-abc,x");
        assert_eq!((e.expression(), e.column()), ("runnerToken=***,***", 20));
        assert_eq!(
            e.message(),
            "key \"***\" has no value (expected `=`; if this is part of the secret value before \
             it, write its `,` as `\\,`)"
        );

        let e = error("password=ab,cd[ef],gh");
        assert_eq!((e.expression(), e.column()), ("password=***,***,***", 14));
        assert_eq!(e.message(), "list index \"***\" is not a number");
        assert!(!e.to_string().contains("ef"));

        // Not after a value that is not secret.
        let e = error("a=hunter2,b");
        assert_eq!((e.expression(), e.column()), ("a=hunter2,b", 12));
    }

    fn charged(expr: &str) -> usize {
        let mut budget = Budget::new();
        parse_within(expr, Typing::Infer, &mut budget).unwrap_or_else(|e| panic!("{expr}: {e}"));
        MAX_PADDED_ELEMENTS - budget.remaining()
    }

    #[test]
    fn padding_is_charged_as_it_would_be_written_into_an_empty_mapping() {
        for (expr, elements) in [
            ("a=1,b.c=2,l={x,y,z}", 0),
            ("a[0]=x", 1),
            ("a[3]=x", 4),
            ("a[0]=x,a[1]=y,a[2]=z", 3),
            ("a[2]=x,a[0]=y,a[1]=z", 3),
            ("a={x,y},a[3]=z", 2),
            ("a[2].b[2]=1", 6),
            ("a[2].b[2]=1,a[2].b[5]=1,a[1].b[0]=1", 10),
            ("a[1][1]=1", 4),
            // a list replaced by a map, then a list again: padded twice
            ("a[9]=1,a.b=1,a[9]=1", 20),
            ("a[9]=1,a=x,a[9]=1", 20),
            ("a.b[4]=1,a.c[4]=1,b[4]=1", 15),
            ("a[65536]=1", 65_537),
        ] {
            assert_eq!(charged(expr), elements, "{expr}");
            assert_eq!(
                charged_and_padded(expr, &mut Mapping::new()),
                Some((elements, elements)),
                "{expr}"
            );
        }
        // Into values holding the lists already, less.
        let mut dest = yaml("a: [1, 2, 3, 4, 5]\n");
        assert_eq!(charged_and_padded("a[6]=x", &mut dest), Some((7, 2)));
    }

    #[test]
    fn the_budget_is_shared_by_the_expressions_given_it() {
        let mut budget = Budget::new();
        assert_eq!(budget, Budget::default());
        assert_eq!(budget.remaining(), MAX_PADDED_ELEMENTS);
        let mut dest = Mapping::new();
        parse_within("a[65536]=1", Typing::Infer, &mut budget)
            .map(|e| {
                e.apply(&mut dest);
            })
            .unwrap();
        parse_within("b[65535]=1", Typing::Infer, &mut budget)
            .map(drop)
            .unwrap();
        assert_eq!(budget.remaining(), 1);
        // One element more than what is left: refused at that index, nothing charged or
        // written.
        let e = parse_within("x=1,c[0]=1,d[1]=1", Typing::Infer, &mut budget).unwrap_err();
        assert_eq!((e.expression(), e.column()), ("x=1,c[0]=1,d[1]=1", 14));
        assert_eq!(
            e.message(),
            "list index 1 pads lists past 131074 elements in all, the limit for the `--set` and \
             `--set-string` expressions of a render (an index pads its list with nulls up to it)"
        );
        assert_eq!(budget.remaining(), 1);
        assert_eq!(dest.len(), 1, "nothing written: {dest:?}");
        parse_within("c[0]=1", Typing::Infer, &mut budget)
            .map(drop)
            .unwrap();
        assert_eq!(budget.remaining(), 0);
        // Nothing left: only expressions that pad nothing.
        parse_within("c=1,d.e={x,y}", Typing::Infer, &mut budget)
            .map(drop)
            .unwrap();
        assert_eq!(
            parse_within("c[0]=1", Typing::Infer, &mut budget)
                .map(drop)
                .unwrap_err()
                .column(),
            3
        );
        // parse_into gives each expression a budget of its own.
        parse_into("c[65536]=1", &mut dest, Typing::Infer).unwrap();
    }

    #[test]
    fn a_long_expression_is_shown_as_a_window() {
        let expr = format!("a={},b", "x".repeat(1_000_000));
        let e = error(&expr);
        assert!(e.expression() == expr, "the whole expression is kept");
        assert_eq!(e.column(), 1_000_005);
        let window = format!("…{},b", "x".repeat(98));
        assert_eq!(
            e.to_string(),
            format!(
                "invalid expression `{window}` at column 1000005: key \"b\" has no value \
                 (expected `=`)"
            )
        );
    }

    #[test]
    fn one_expression_padding_past_the_budget_is_invalid() {
        let e = error("a[65536]=1,b[65536]=1,c[0]=1");
        assert_eq!(e.column(), 25);
        assert!(
            e.message()
                .starts_with("list index 0 pads lists past 131074 elements")
        );
        // A secret value in the expression stays masked.
        let e = error("token=glrt-x,a[65536]=1,b[65536]=1,c[0]=1");
        assert_eq!(e.expression(), "token=***,a[65536]=1,b[65536]=1,c[0]=1");
        assert_eq!(e.column(), 35);
    }

    /// Every string of up to 4 characters over the syntax characters: no panic, and a column
    /// inside (or just past) the shown expression.
    #[test]
    fn never_panics_on_short_strings() {
        let alphabet: Vec<char> = "a.=,[]{}\\0-".chars().collect();
        let mut exprs = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for prefix in &frontier {
                for &c in &alphabet {
                    let mut s = prefix.clone();
                    s.push(c);
                    next.push(s);
                }
            }
            exprs.extend(next.iter().cloned());
            frontier = next;
        }
        assert_eq!(exprs.len(), 1 + 11 + 121 + 1331 + 14641);
        for expr in &exprs {
            check_no_panic(expr);
        }
    }

    /// Longer pseudo-random expressions built from syntax pieces.
    #[test]
    fn never_panics_on_random_strings() {
        let pieces = [
            "a",
            "b",
            ".",
            "=",
            ",",
            "[",
            "]",
            "{",
            "}",
            "\\",
            "0",
            "1",
            "-",
            "ä",
            "\t",
            "token",
            "password=",
            "x",
            "65536",
            "99999999999999999999",
            " ",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 16) as usize;
            let expr: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            check_no_panic(&expr);
        }
    }

    /// What `expr` is charged, and what it really pads written into `dest`; `None` if invalid.
    fn charged_and_padded(expr: &str, dest: &mut Mapping) -> Option<(usize, usize)> {
        let mut budget = Budget::new();
        let expression = parse_within(expr, Typing::Infer, &mut budget).ok()?;
        let charged = MAX_PADDED_ELEMENTS - budget.remaining();
        let padded = expression.apply(dest);
        Some((charged, padded))
    }

    fn check_no_panic(expr: &str) {
        // The charge is what the expression pads into an empty mapping, and a bound of what it
        // pads into values that hold some of its keys already.
        if let Some((charged, padded)) = charged_and_padded(expr, &mut Mapping::new()) {
            assert_eq!(charged, padded, "{expr:?} into an empty mapping");
            let mut dest = yaml("a: [1, {b: 2}, [3]]\nb: x\n'0': [[], 1]\n");
            let (_, padded) = charged_and_padded(expr, &mut dest).expect(expr);
            assert!(padded <= charged, "{expr:?}: {padded} > {charged}");
        }
        for typing in [Typing::Infer, Typing::String] {
            let mut dest = yaml("a: [1, {b: 2}]\nb: x\n");
            match parse_into(expr, &mut dest, typing) {
                Ok(()) => {
                    // Parsing again into the result merges without trouble.
                    parse_into(expr, &mut dest, typing).expect(expr);
                }
                Err(e) => {
                    let shown = e.expression().chars().count();
                    assert!(
                        (1..=shown + 1).contains(&e.column()),
                        "{expr:?}: column {} of {shown}",
                        e.column()
                    );
                    assert!(!e.message().is_empty());
                    assert_eq!(e.to_string().lines().count(), 1, "{expr:?}: {e}");
                }
            }
        }
    }
}
