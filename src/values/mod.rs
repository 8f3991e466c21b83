//! Values: loading YAML ([`load`]), Helm's merge rules ([`merge`]) and `--set` parsing
//! ([`strvals`]).
//!
//! [`UserValues`] collects what a user gives (`-f` files, `--set`, `--set-string`) and merges it
//! in Helm's order: files in the order given, then every `--set`, then every `--set-string`
//! (as `helm template` does, whatever the order of the flags on the command line). The result
//! is then coalesced over the chart defaults by the renderer ([`merge::coalesce`]).

pub mod load;
pub mod merge;
pub mod path;
pub mod positions;
pub mod strvals;

use std::sync::{Arc, OnceLock};

use serde_yaml::{Mapping, Value};

use crate::diagnostic::Origin;
pub use path::{Path, Segment};
pub use positions::PositionIndex;
pub use strvals::{StrvalsError, Typing};

/// Errors in values files and `--set` expressions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// The file is not valid YAML (or nested too deeply): shown like rustc, with the line.
    #[error("{}", yaml_report(source_name, *line, *column, message, line_text.as_deref()))]
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
    #[error("{source_name}: the top level of a values file must be a mapping of keys to values, found {found}")]
    NotAMapping {
        /// The file name.
        source_name: String,
        /// What was found instead (`a sequence`, `a string`, ...).
        found: String,
    },
    /// A value that values cannot hold (a key that is a list or a map, a custom YAML tag).
    #[error("{source_name}: {path}: {message}")]
    Unsupported {
        /// The file name.
        source_name: String,
        /// The values path, e.g. `runners.podLabels`.
        path: String,
        /// What is wrong.
        message: String,
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
    message: &str,
    line_text: Option<&str>,
) -> String {
    let origin = match (line, column, line_text) {
        (Some(line), Some(column), Some(text)) => Some(Origin::File {
            name: source_name.to_string(),
            line,
            column,
            width: 1,
            line_text: text.to_string(),
        }),
        _ => None,
    };
    let diagnostic = crate::Diagnostic {
        severity: crate::Severity::Error,
        path: String::new(),
        message: match origin {
            Some(_) => format!("invalid YAML: {message}"),
            None => format!("{source_name}: invalid YAML: {message}"),
        },
        origin,
        help: None,
    };
    diagnostic.to_string()
}

/// The values a user supplies, in Helm's precedence order.
///
/// ```
/// use gitlab_runner_chart::UserValues;
/// let mut values = UserValues::new();
/// values.add_yaml("a.yaml", "concurrent: 4\nrunners:\n  tags: a\n")?;
/// values.add_yaml("b.yaml", "runners:\n  privileged: true\n")?;
/// values.set("concurrent=8")?;
/// values.set_string("runners.tags=1")?;
/// let merged = values.merged()?;
/// assert_eq!(serde_yaml::to_string(&merged).unwrap(),
///            "concurrent: 8\nrunners:\n  tags: '1'\n  privileged: true\n");
/// # Ok::<(), gitlab_runner_chart::ValuesError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    files: Vec<FileSource>,
    set: Vec<String>,
    set_string: Vec<String>,
    /// What is left of [`strvals::MAX_PADDED_ELEMENTS`] for more `--set` expressions.
    set_budget: strvals::Budget,
}

/// A values file: its name, its text (for positions in messages) and its values.
#[derive(Debug, Clone)]
struct FileSource {
    name: String,
    text: Option<Arc<str>>,
    values: Mapping,
    /// Built on first use: only a file with a problem needs it.
    positions: Arc<OnceLock<PositionIndex>>,
}

impl UserValues {
    /// No user values: the chart defaults alone.
    pub fn new() -> UserValues {
        UserValues::default()
    }

    /// Adds a values file (`-f`), given its name (for errors) and text. Every YAML document of
    /// the file is merged, in order. An empty file or one with only comments adds nothing.
    pub fn add_yaml(&mut self, source_name: &str, text: &str) -> Result<(), ValuesError> {
        let values = load::parse_values(source_name, text)?;
        self.files.push(FileSource {
            name: source_name.to_string(),
            text: Some(Arc::from(text)),
            values,
            positions: Arc::default(),
        });
        Ok(())
    }

    /// Adds an already parsed values mapping, as if it were a file (messages about its values
    /// have no line numbers).
    pub fn add_mapping(&mut self, values: Mapping) {
        self.files.push(FileSource {
            name: "<values>".to_string(),
            text: None,
            values,
            positions: Arc::default(),
        });
    }

    /// Adds a `--set` expression (`a.b=c,d[0]=e`; numbers, booleans and `null` are typed).
    pub fn set(&mut self, expr: &str) -> Result<(), ValuesError> {
        check_expression(expr, Typing::Infer, &mut self.set_budget)?;
        self.set.push(expr.to_string());
        Ok(())
    }

    /// Adds a `--set-string` expression (every value stays a string).
    pub fn set_string(&mut self, expr: &str) -> Result<(), ValuesError> {
        check_expression(expr, Typing::String, &mut self.set_budget)?;
        self.set_string.push(expr.to_string());
        Ok(())
    }

    /// The user values merged in Helm's order (before the chart defaults are applied): files
    /// with maps merged key by key and other values replaced, then `--set`, then `--set-string`.
    pub fn merged(&self) -> Result<Mapping, ValuesError> {
        let mut merged = Mapping::new();
        for file in &self.files {
            merge::merge_maps(&mut merged, file.values.clone());
        }
        // The expressions were checked against one budget: written here, they pad no more.
        let mut budget = strvals::Budget::new();
        for (expr, typing, _) in self.expressions() {
            strvals::parse_into_within(expr, &mut merged, typing, &mut budget)
                .map_err(|e| set_error(e, typing))?;
        }
        Ok(merged)
    }
}

impl UserValues {
    /// The names of the values files, in the order given.
    pub fn file_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// True if a user source (a file or a `--set` expression) sets `path`.
    pub fn sets(&self, path: &Path) -> bool {
        self.files.iter().any(|f| lookup(&f.values, path).is_some())
            || self.expressions().any(|(expr, typing, _)| {
                parsed(expr, typing).is_some_and(|m| lookup(&m, path).is_some())
            })
    }

    /// The `--set` and `--set-string` expressions in the order Helm applies them (every
    /// `--set`, then every `--set-string`), each with its typing and flag.
    fn expressions(&self) -> impl DoubleEndedIterator<Item = (&str, Typing, &'static str)> {
        let set = self
            .set
            .iter()
            .map(|e| (e.as_str(), Typing::Infer, "--set"));
        let set_string = self
            .set_string
            .iter()
            .map(|e| (e.as_str(), Typing::String, "--set-string"));
        set.chain(set_string)
    }

    /// Where the value (or, with `on_key`, the key) at `path` was given: the last source in
    /// precedence order that sets it (`--set-string`, `--set`, then the files from the last),
    /// with the line and column in a file. `None` if no user source sets it (a chart default).
    pub fn origin(&self, path: &Path, on_key: bool) -> Option<Origin> {
        for (expr, typing, flag) in self.expressions().rev() {
            if let Some(origin) = set_origin(expr, typing, flag, path) {
                return Some(origin);
            }
        }
        for file in self.files.iter().rev() {
            if lookup(&file.values, path).is_none() {
                continue;
            }
            let Some(text) = &file.text else { continue };
            let index = file.positions.get_or_init(|| PositionIndex::build(text));
            let exact = if on_key {
                index.key(path)
            } else {
                index.value(path)
            };
            let span = exact.or_else(|| index.nearest(path).map(|(_, span)| span));
            let Some(span) = span else {
                continue;
            };
            let line_text = mask(
                index.line(span.line).unwrap_or_default(),
                &self.secret_values(),
            );
            return Some(Origin::File {
                name: file.name.clone(),
                line: span.line,
                column: span.column,
                width: span.len.max(1),
                line_text,
            });
        }
        None
    }
}

impl UserValues {
    /// The text of every value the user gave at a secret path (see
    /// [`crate::diagnostic::is_secret_path`]), longest first: what a message must never show.
    fn secret_values(&self) -> Vec<String> {
        let mut found = Vec::new();
        let sets = self
            .expressions()
            .filter_map(|(expr, typing, _)| parsed(expr, typing));
        for values in self.files.iter().map(|f| f.values.clone()).chain(sets) {
            collect_secrets(
                &Value::Mapping(values),
                &mut Path::default(),
                false,
                &mut found,
            );
        }
        found.sort_by_key(|s| std::cmp::Reverse(s.len()));
        found.dedup();
        found
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

/// The values one `--set` expression sets, if it is valid.
fn parsed(expr: &str, typing: Typing) -> Option<Mapping> {
    let mut values = Mapping::new();
    strvals::parse_into(expr, &mut values, typing).ok()?;
    Some(values)
}

/// The origin of `path` in one `--set` expression, if the expression sets it: the column of
/// the assignment (in the expression as shown, secrets masked).
fn set_origin(expr: &str, typing: Typing, flag: &str, path: &Path) -> Option<Origin> {
    lookup(&parsed(expr, typing)?, path)?;
    let shown = strvals::masked(expr);
    let parts = split_assignments(expr);
    let shown_parts = split_assignments(&shown);
    // The assignment that sets it: the last part that sets the path on its own.
    let (index, _) =
        parts.iter().enumerate().rev().find(|(_, (_, part))| {
            parsed(part, typing).is_some_and(|m| lookup(&m, path).is_some())
        })?;
    let (column, width) = match shown_parts.get(index) {
        Some((start, part)) if shown_parts.len() == parts.len() => {
            (start + 1, part.chars().count())
        }
        _ => (1, shown.chars().count()),
    };
    Some(Origin::Set {
        flag: flag.to_string(),
        expression: shown,
        column,
        width: width.max(1),
    })
}

/// The comma-separated assignments of an expression, with their start (in characters).
fn split_assignments(expr: &str) -> Vec<(usize, String)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut escaped = false;
    let mut braces = 0usize;
    for (i, c) in expr.chars().enumerate() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '{' {
            braces += 1;
        } else if c == '}' {
            braces = braces.saturating_sub(1);
        } else if c == ',' && braces == 0 {
            parts.push((start, std::mem::take(&mut current)));
            start = i + 1;
            continue;
        }
        current.push(c);
    }
    parts.push((start, current));
    parts
}

/// Checks an expression (building no values) and charges its list padding to `budget`.
fn check_expression(
    expr: &str,
    typing: Typing,
    budget: &mut strvals::Budget,
) -> Result<(), ValuesError> {
    strvals::check(expr, budget).map_err(|e| set_error(e, typing))
}

fn set_error(error: StrvalsError, typing: Typing) -> ValuesError {
    let flag = match typing {
        Typing::Infer => "--set",
        Typing::String => "--set-string",
    };
    ValuesError::Set { flag, error }
}
