//! Values: loading YAML ([`load`]), Helm's merge rules ([`merge`]) and `--set` parsing
//! ([`strvals`]).
//!
//! [`UserValues`] collects what a user gives (`-f` files, `--set`, `--set-string`) and merges it
//! in Helm's order: files in the order given, then every `--set`, then every `--set-string`
//! (as `helm template` does, whatever the order of the flags on the command line). The result
//! is then coalesced over the chart defaults by the renderer ([`merge::coalesce`]).

pub mod load;
pub mod merge;
pub mod strvals;

use serde_yaml::Mapping;

pub use strvals::{StrvalsError, Typing};

/// Errors in values files and `--set` expressions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// The file is not valid YAML.
    #[error("{source_name}{}: {message}", location(*line, *column))]
    Yaml {
        /// The file name (or `<stdin>`).
        source_name: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// 1-based column of the problem, when known.
        column: Option<usize>,
        /// What the YAML parser said.
        message: String,
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

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
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
    files: Vec<Mapping>,
    set: Vec<String>,
    set_string: Vec<String>,
}

impl UserValues {
    /// No user values: the chart defaults alone.
    pub fn new() -> UserValues {
        UserValues::default()
    }

    /// Adds a values file (`-f`), given its name (for errors) and text. Every YAML document of
    /// the file is merged, in order. An empty file or one with only comments adds nothing.
    pub fn add_yaml(&mut self, source_name: &str, text: &str) -> Result<(), ValuesError> {
        self.files.push(load::parse_values(source_name, text)?);
        Ok(())
    }

    /// Adds an already parsed values mapping, as if it were a file.
    pub fn add_mapping(&mut self, values: Mapping) {
        self.files.push(values);
    }

    /// Adds a `--set` expression (`a.b=c,d[0]=e`; numbers, booleans and `null` are typed).
    pub fn set(&mut self, expr: &str) -> Result<(), ValuesError> {
        check_expression(expr, Typing::Infer)?;
        self.set.push(expr.to_string());
        Ok(())
    }

    /// Adds a `--set-string` expression (every value stays a string).
    pub fn set_string(&mut self, expr: &str) -> Result<(), ValuesError> {
        check_expression(expr, Typing::String)?;
        self.set_string.push(expr.to_string());
        Ok(())
    }

    /// The user values merged in Helm's order (before the chart defaults are applied): files
    /// with maps merged key by key and other values replaced, then `--set`, then `--set-string`.
    pub fn merged(&self) -> Result<Mapping, ValuesError> {
        let mut merged = Mapping::new();
        for file in &self.files {
            merge::merge_maps(&mut merged, file.clone());
        }
        for (exprs, typing) in [
            (&self.set, Typing::Infer),
            (&self.set_string, Typing::String),
        ] {
            for expr in exprs {
                strvals::parse_into(expr, &mut merged, typing).map_err(|e| set_error(e, typing))?;
            }
        }
        Ok(merged)
    }
}

fn check_expression(expr: &str, typing: Typing) -> Result<(), ValuesError> {
    strvals::parse_into(expr, &mut Mapping::new(), typing).map_err(|e| set_error(e, typing))
}

fn set_error(error: StrvalsError, typing: Typing) -> ValuesError {
    let flag = match typing {
        Typing::Infer => "--set",
        Typing::String => "--set-string",
    };
    ValuesError::Set { flag, error }
}
