//! [`TplError`]: a value that is a Go template failed to parse or to run.

/// A templated value (`runners.config`, ...) failed: where inside the value, and why.
///
/// `line` and `column` count from 1 inside the value's text (the first line of a block scalar
/// is line 1), so that the renderer can add them to the value's position in the values file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct TplError {
    /// The values path of the string, e.g. `runners.config`.
    pub path: String,
    /// The line inside the value (1-based).
    pub line: usize,
    /// The column inside that line (1-based, in characters).
    pub column: usize,
    /// What went wrong, in Go template terms (`function "nope" not defined`, the
    /// `required` message, ...).
    pub message: String,
}

impl TplError {
    /// An error at `line:column` of the value at `path`.
    pub fn new(path: &str, line: usize, column: usize, message: impl Into<String>) -> TplError {
        TplError {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Where it happened, as `(path, line, column)`.
    pub fn location(&self) -> (String, usize, usize) {
        (self.path.clone(), self.line, self.column)
    }
}
