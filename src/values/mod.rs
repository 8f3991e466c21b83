//! Values: loading YAML ([`load`]), Helm's merge rules ([`merge`]) and `--set` parsing
//! ([`strvals`]).
//!
//! [`Values`] (public) collects what a user gives (`-f` files, `--set`, `--set-string`) and merges it
//! in Helm's order: files in the order given, then every `--set`, then every `--set-string`
//! (as `helm template` does, whatever the order of the flags on the command line). The result
//! is then coalesced over the chart defaults by the renderer ([`merge::coalesce`]).

pub mod load;
mod locate;
pub mod merge;
pub mod path;
pub mod scalar;
pub mod spans;
pub mod strvals;

use std::sync::{Arc, OnceLock};

use serde_yaml::{Mapping, Value};

use crate::diagnostic::Origin;
pub use load::{Loaded, Note, NoteKind};
pub use path::{Path, Segment};
pub use spans::{Span, SpanIndex};
pub use strvals::{Expression, StrvalsError, Typing};

/// Errors in values files and `--set` expressions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// The file is not valid YAML (or nested too deeply): shown like rustc, with the line.
    #[error("{}", yaml_report(source_name, *line, *column, *width, message, line_text.as_deref()))]
    Yaml {
        /// The file name (or `<stdin>`).
        source_name: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// 1-based column of the problem, when known.
        column: Option<usize>,
        /// What the YAML parser said.
        message: String,
        /// The text of that line (a secret on it masked), when known.
        line_text: Option<String>,
        /// How many characters to underline from the column (at least one caret is shown).
        width: usize,
    },
    /// The file is larger than [`load::MAX_FILE_BYTES`].
    #[error(
        "{source_name}: the file is larger than {limit} bytes (4 MiB), the limit for a values file"
    )]
    TooLarge {
        /// The file name.
        source_name: String,
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A document of the file is not a mapping (values files hold `key: value` pairs).
    #[error(
        "{source_name}: the top level of a values file must be a mapping of keys to values, found {found}"
    )]
    NotAMapping {
        /// The file name.
        source_name: String,
        /// What was found instead (`a sequence`, `a string`, ...).
        found: String,
    },
    /// A `--set` or `--set-string` expression is invalid.
    #[error("{flag}: {error}")]
    Set {
        /// `--set` or `--set-string`.
        flag: &'static str,
        /// The parse error, with the column.
        error: StrvalsError,
    },
}

/// `error: message` and, where the position is known, ` --> file:line:column` and the line with
/// a caret, as [`crate::Diagnostic`] prints it.
fn yaml_report(
    source_name: &str,
    line: Option<usize>,
    column: Option<usize>,
    width: usize,
    message: &str,
    line_text: Option<&str>,
) -> String {
    yaml_diagnostic(source_name, line, column, width, message, line_text).to_string()
}

/// The diagnostic of [`ValuesError::Yaml`].
fn yaml_diagnostic(
    source_name: &str,
    line: Option<usize>,
    column: Option<usize>,
    width: usize,
    message: &str,
    line_text: Option<&str>,
) -> crate::Diagnostic {
    let origin = match (line, column, line_text) {
        (Some(line), Some(column), Some(text)) => Some(Origin::File {
            name: source_name.to_string(),
            line,
            column,
            width: width.max(1),
            line_text: text.into(),
        }),
        _ => None,
    };
    crate::Diagnostic {
        severity: crate::Severity::Error,
        path: String::new(),
        message: match (origin.is_some(), line, column) {
            (true, Some(line), Some(column)) => {
                format!("invalid YAML at line {line}, column {column}: {message}")
            }
            _ => format!("{source_name}: invalid YAML: {message}"),
        },
        origin,
        help: None,
        notes: Vec::new(),
    }
}

impl ValuesError {
    /// The error as a [`crate::Diagnostic`] that points at the input, when it has a position: a
    /// line of a YAML file ([`ValuesError::Yaml`]), or a column of a `--set` expression
    /// ([`ValuesError::Set`], the expression with its secrets masked). `None` for the others.
    ///
    /// ```
    /// use gitlab_runner_chart::Values;
    /// let error = Values::new().set("a[x]=1").unwrap_err();
    /// assert_eq!(error.diagnostics()[0].to_string(), "\
    /// error: invalid expression: list index \"x\" is not a number
    ///  --> --set:1:3
    ///   |
    /// 1 | a[x]=1
    ///   |   ^");
    /// ```
    pub(crate) fn diagnostic(&self) -> Option<crate::Diagnostic> {
        match self {
            ValuesError::Yaml {
                source_name,
                line,
                column,
                message,
                line_text,
                width,
            } => Some(yaml_diagnostic(
                source_name,
                *line,
                *column,
                *width,
                message,
                line_text.as_deref(),
            )),
            ValuesError::Set { flag, error } => Some(
                crate::Diagnostic::error("", format!("invalid expression: {}", error.message()))
                    .with_origin(Origin::set(*flag, error.expression(), error.column(), 1)),
            ),
            _ => None,
        }
    }
}

/// The former name of [`Values`], kept for one release so that code written for it compiles.
#[doc(hidden)]
pub type UserValues = Values;

/// The values a user supplies (`-f` files, `--set`, `--set-string`), merged in Helm's
/// precedence order: files in the order given, then every `--set`, then every `--set-string`,
/// whatever the order of the calls (as `helm template` does with its flags).
///
/// Values come as YAML text ([`add_yaml`](Values::add_yaml), with line and column in every
/// message about them), as any [`serde::Serialize`] value ([`add_serialize`](Values::add_serialize):
/// your own structs, a `serde_json::Value`, a value of the archived `serde_yaml`), as a
/// [`yaml::Mapping`](crate::yaml::Mapping) ([`add_mapping`](Values::add_mapping)) or as `--set`
/// expressions ([`set`](Values::set), [`set_string`](Values::set_string)).
///
/// ```
/// use gitlab_runner_chart::{yaml, Values};
/// let mut values = Values::new();
/// values.add_yaml("a.yaml", "concurrent: 4\nrunners:\n  tags: a\n")?;
/// values.add_yaml("b.yaml", "runners:\n  privileged: yes\n")?;
/// values.set("concurrent=8")?;
/// values.set_string("runners.tags=1")?;
/// assert_eq!(yaml::to_string(&values.merged()).unwrap(),
///            "concurrent: 8\nrunners:\n  tags: '1'\n  privileged: true\n");
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Values {
    files: Vec<FileSource>,
    set: Vec<SetSource>,
    set_string: Vec<SetSource>,
    /// The text of every secret value given, longest first (built on first use).
    secrets: OnceLock<Vec<String>>,
    /// What is left of [`strvals::MAX_PADDED_ELEMENTS`] for more `--set` expressions.
    set_budget: strvals::Budget,
    /// The masked text of the lines messages have shown, with their length in characters.
    lines: LineCache,
}

/// Lines of values files as messages show them (masked), with their length in characters, by
/// file name and line number.
#[derive(Default)]
struct LineCache(std::sync::Mutex<std::collections::HashMap<(String, usize), ShownLine>>);

/// A line as messages show it, and its length in characters.
type ShownLine = (Arc<str>, usize);

impl Clone for LineCache {
    /// A clone starts empty: the cache is rebuilt on use.
    fn clone(&self) -> LineCache {
        LineCache::default()
    }
}

impl std::fmt::Debug for LineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineCache")
    }
}

/// A values file: its name, its values and where each of them is.
#[derive(Debug, Clone)]
struct FileSource {
    name: String,
    values: Mapping,
    /// `None` for a mapping given as such ([`Values::add_mapping`]).
    spans: Option<SpanIndex>,
    notes: Vec<Note>,
}

/// A `--set` or `--set-string` expression, parsed once.
#[derive(Debug, Clone)]
struct SetSource {
    expression: Arc<Expression>,
}

impl Values {
    /// The largest values file [`add_yaml`](Values::add_yaml) accepts, in bytes (4 MiB): a
    /// reader can stop reading past it.
    ///
    /// ```
    /// use gitlab_runner_chart::{ErrorKind, Values};
    /// let huge = "a: 1\n".repeat(Values::MAX_FILE_BYTES / 5 + 1);
    /// let error = Values::new().add_yaml("huge.yaml", &huge).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Values);
    /// ```
    pub const MAX_FILE_BYTES: usize = load::MAX_FILE_BYTES;

    /// No user values: the chart defaults alone.
    ///
    /// ```
    /// use gitlab_runner_chart::Values;
    /// assert!(Values::new().merged().is_empty());
    /// ```
    pub fn new() -> Values {
        Values::default()
    }

    /// Adds a values file (`-f`), given its name (for messages) and text. Only the first YAML
    /// document counts, as in Helm (later ones get a warning at render time). An empty file or
    /// one with only comments adds nothing. YAML is read as Helm reads it (YAML 1.1: `yes` is
    /// `true`, `0777` is octal).
    ///
    /// A syntax error is an [`Error`](crate::Error) of kind
    /// [`Syntax`](crate::ErrorKind::Syntax), reported with its line and column like the
    /// problems found at render time:
    ///
    /// ```
    /// use gitlab_runner_chart::Values;
    /// let mut values = Values::new();
    /// values.add_yaml("values.yaml", "concurrent: 4\nrunners:\n  privileged: yes\n")?;
    /// let error = values.add_yaml("broken.yaml", "a: 1\na: 2\n").unwrap_err();
    /// assert!(error.to_string().contains(" --> broken.yaml:2:1"), "{error}");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn add_yaml(&mut self, source_name: &str, text: &str) -> Result<(), crate::Error> {
        let loaded = load::load(source_name, text)?;
        self.files.push(FileSource {
            name: source_name.to_string(),
            values: loaded.values,
            spans: Some(loaded.spans),
            notes: loaded.notes,
        });
        self.forget_derived();
        Ok(())
    }

    /// Adds values given as any [`serde::Serialize`] value, as if they were a file named
    /// `source_name` (messages about its values name it, without line numbers). It must
    /// serialize to a mapping of keys to values. This is the way in for values built with
    /// another YAML or JSON crate (the archived `serde_yaml`, `serde_json`) or with your own
    /// structs.
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Values};
    /// #[derive(serde::Serialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Settings { gitlab_url: String, concurrent: u32 }
    ///
    /// let mut values = Values::new();
    /// let settings = Settings { gitlab_url: "https://gitlab.example.com/".into(), concurrent: 4 };
    /// values.add_serialize("settings", &settings)?;
    /// assert_eq!(values.merged()["concurrent"], yaml::Value::from(4));
    /// assert!(values.add_serialize("list", &vec![1, 2]).is_err());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn add_serialize<T: serde::Serialize + ?Sized>(
        &mut self,
        source_name: &str,
        values: &T,
    ) -> Result<(), crate::Error> {
        let not_a_mapping = |found: String| ValuesError::NotAMapping {
            source_name: source_name.to_string(),
            found,
        };
        let values = match serde_yaml::to_value(values) {
            Ok(Value::Mapping(values)) => values,
            Ok(other) => return Err(not_a_mapping(load::describe(&other).to_string()).into()),
            Err(e) => {
                return Err(not_a_mapping(format!("a value that cannot be YAML ({e})")).into());
            }
        };
        self.push_mapping(source_name, values);
        Ok(())
    }

    /// Adds a values mapping, as if it were a file (messages about its values have no line
    /// numbers).
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Values};
    /// let mut values = Values::new();
    /// values.add_mapping(yaml::from_str("runners: {privileged: true}").unwrap());
    /// assert_eq!(values.merged()["runners"]["privileged"], yaml::Value::Bool(true));
    /// ```
    pub fn add_mapping(&mut self, values: Mapping) {
        self.push_mapping("<values>", values);
    }

    fn push_mapping(&mut self, name: &str, values: Mapping) {
        self.files.push(FileSource {
            name: name.to_string(),
            values,
            spans: None,
            notes: Vec::new(),
        });
        self.forget_derived();
    }

    /// Adds a `--set` expression (`a.b=c,d[0]=e`; numbers, booleans and `null` are typed), as
    /// Helm parses it. An invalid expression is an error of kind
    /// [`Values`](crate::ErrorKind::Values) with the column.
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Values};
    /// let mut values = Values::new();
    /// values.set("runners.tags=k8s\\,docker,concurrent=8")?;
    /// assert_eq!(values.merged()["runners"]["tags"], yaml::Value::from("k8s,docker"));
    /// assert_eq!(values.merged()["concurrent"], yaml::Value::from(8));
    /// assert!(values.set("runners.tags").is_err());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn set(&mut self, expr: &str) -> Result<(), crate::Error> {
        let expression = strvals::parse_within(expr, Typing::Infer, &mut self.set_budget)
            .map_err(|e| set_error(e, Typing::Infer))?;
        self.set.push(SetSource {
            expression: Arc::new(expression),
        });
        self.forget_derived();
        Ok(())
    }

    /// Adds a `--set-string` expression (every value stays a string).
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Values};
    /// let mut values = Values::new();
    /// values.set_string("concurrent=8")?;
    /// assert_eq!(values.merged()["concurrent"], yaml::Value::from("8"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn set_string(&mut self, expr: &str) -> Result<(), crate::Error> {
        let expression = strvals::parse_within(expr, Typing::String, &mut self.set_budget)
            .map_err(|e| set_error(e, Typing::String))?;
        self.set_string.push(SetSource {
            expression: Arc::new(expression),
        });
        self.forget_derived();
        Ok(())
    }

    /// The user values merged in Helm's order (before the chart defaults are applied): files
    /// with maps merged key by key and other values replaced, then `--set`, then `--set-string`.
    /// [`Renderer::checked_values`](crate::Renderer::checked_values) gives them merged over the
    /// chart defaults.
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Values};
    /// let mut values = Values::new();
    /// values.add_yaml("a.yaml", "runners: {tags: a, privileged: true}\n")?;
    /// values.add_yaml("b.yaml", "runners: {tags: b}\n")?;
    /// assert_eq!(yaml::to_string(&values.merged()).unwrap(),
    ///            "runners:\n  tags: b\n  privileged: true\n");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn merged(&self) -> Mapping {
        let mut merged = Mapping::new();
        for file in &self.files {
            merge::merge_maps(&mut merged, file.values.clone());
        }
        // The expressions were charged to one budget when added: written here, they pad no
        // more than that.
        for (source, _) in self.expressions() {
            source.expression.apply(&mut merged);
        }
        merged
    }

    /// Drops what was derived from the sources (secret values, shown lines) when one is added.
    fn forget_derived(&mut self) {
        self.secrets = OnceLock::new();
        self.lines = LineCache::default();
    }

    /// The names of the values files, in the order given.
    pub(crate) fn file_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// What the files hold that Helm reads differently from what a reader may expect (YAML 1.1
    /// booleans and numbers, later documents), with the file's name and spans.
    pub(crate) fn notes(&self) -> impl Iterator<Item = (&str, &Note)> {
        self.files
            .iter()
            .flat_map(|f| f.notes.iter().map(move |n| (f.name.as_str(), n)))
    }

    /// True if a user source (a file or a `--set` expression) sets `path`.
    pub(crate) fn sets(&self, path: &Path) -> bool {
        self.files.iter().any(|f| lookup(&f.values, path).is_some())
            || self
                .expressions()
                .any(|(source, _)| source.expression.place(path).is_some())
    }

    /// The `--set` and `--set-string` expressions in the order Helm applies them (every
    /// `--set`, then every `--set-string`), each with its flag.
    fn expressions(&self) -> impl DoubleEndedIterator<Item = (&SetSource, &'static str)> {
        let set = self.set.iter().map(|e| (e, "--set"));
        let set_string = self.set_string.iter().map(|e| (e, "--set-string"));
        set.chain(set_string)
    }

    /// Where the value (or, with `on_key`, the key) at `path` was given: the last source in
    /// precedence order that sets it (`--set-string`, `--set`, then the files from the last),
    /// with the line and column in a file. `None` if no user source sets it (a chart default).
    pub(crate) fn origin(&self, path: &Path, on_key: bool) -> Option<Origin> {
        for (source, flag) in self.expressions().rev() {
            if let Some((column, width)) = source.expression.place(path) {
                return Some(Origin::Set {
                    flag: flag.to_string(),
                    expression: source.expression.shown().to_string(),
                    column,
                    width,
                });
            }
        }
        for file in self.files.iter().rev() {
            if lookup(&file.values, path).is_none() {
                continue;
            }
            let Some(spans) = &file.spans else { continue };
            let exact = if on_key {
                spans.key(path)
            } else {
                spans.value(path)
            };
            let Some(span) = exact.or_else(|| spans.nearest(path).map(|(_, span)| span)) else {
                continue;
            };
            return Some(self.file_origin(&file.name, spans, span));
        }
        None
    }

    /// The origin of `span` in the file `name` whose spans are `spans`, secrets masked. The
    /// masked text of a line is made once and shared by every origin on that line (a values
    /// file of one long line with many problems costs one copy of it, not one per problem).
    pub(crate) fn file_origin(&self, name: &str, spans: &SpanIndex, span: Span) -> Origin {
        let key = (name.to_string(), span.line);
        let (line_text, chars) = {
            let mut cache = self.lines.0.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(key)
                .or_insert_with(|| {
                    let text = mask(
                        spans.line(span.line).unwrap_or_default(),
                        self.secret_values(),
                    );
                    let chars = text.chars().count();
                    (Arc::from(text), chars)
                })
                .clone()
        };
        Origin::File {
            name: name.to_string(),
            line: span.line,
            column: span.column,
            width: span
                .len
                .min(chars.saturating_sub(span.column.saturating_sub(1))),
            line_text,
        }
    }

    /// The spans of the file named `name`, if it was given as text.
    pub(crate) fn spans_of(&self, name: &str) -> Option<&SpanIndex> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.spans.as_ref())
    }

    /// The text of every value the user gave at a secret path (see
    /// [`crate::diagnostic::is_secret_path`]), longest first: what a message must never show.
    /// Computed once.
    fn secret_values(&self) -> &[String] {
        self.secrets.get_or_init(|| {
            let mut found = Vec::new();
            for file in &self.files {
                for (key, value) in &file.values {
                    let mut at = Path::root().child_key(key.as_str().unwrap_or_default());
                    collect_secrets(value, &mut at, false, &mut found);
                }
            }
            for (source, _) in self.expressions() {
                let mut values = Mapping::new();
                source.expression.apply(&mut values);
                for (key, value) in &values {
                    let mut at = Path::root().child_key(key.as_str().unwrap_or_default());
                    collect_secrets(value, &mut at, false, &mut found);
                }
            }
            found.sort_by_key(|s| std::cmp::Reverse(s.len()));
            found.dedup();
            found
        })
    }
}

fn collect_secrets(value: &Value, at: &mut Path, secret: bool, out: &mut Vec<String>) {
    let secret = secret || crate::diagnostic::is_secret_path(at);
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                at.push_key(k.as_str().unwrap_or_default());
                collect_secrets(v, at, secret, out);
                at.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push_index(i);
                collect_secrets(v, at, secret, out);
                at.pop();
            }
        }
        Value::String(s) if secret && !s.is_empty() => out.push(s.clone()),
        Value::Number(n) if secret => out.push(n.to_string()),
        _ => {}
    }
}

/// `text` with every occurrence of a secret replaced by `***`.
fn mask(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_string(), |text, secret| {
        text.replace(secret.as_str(), "***")
    })
}

/// The value at `path` in a values tree, if it is there (a `null` counts).
pub fn lookup<'a>(values: &'a Mapping, path: &Path) -> Option<&'a Value> {
    let mut segments = path.segments().iter();
    let mut node = match segments.next() {
        None => return None,
        Some(Segment::Key(k)) => values.get(k.as_str())?,
        Some(Segment::Index(_)) => return None,
    };
    for segment in segments {
        node = match (segment, node) {
            (Segment::Key(k), Value::Mapping(m)) => m.get(k.as_str())?,
            (Segment::Index(i), Value::Sequence(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn set_error(error: StrvalsError, typing: Typing) -> ValuesError {
    let flag = match typing {
        Typing::Infer => "--set",
        Typing::String => "--set-string",
    };
    ValuesError::Set { flag, error }
}
