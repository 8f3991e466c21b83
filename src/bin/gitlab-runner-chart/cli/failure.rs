//! How a run fails, and how the failure is drawn on stderr.

use gitlab_runner_chart::{Diagnostic, Diagnostics, Error, ErrorKind, ReportStyle};

/// How a run fails.
pub(super) enum Failure {
    /// A message, printed as `Error: message`.
    Message(String),
    /// Problems in the values, printed with their summary line
    /// (`error: 2 problems in the values`).
    Invalid(Diagnostics),
    /// Inputs that could not be read (a file of broken YAML, a bad `--set` expression, ...),
    /// each drawn as a diagnostic, and `error: N inputs could not be read` when there are
    /// several.
    Unreadable(Vec<Diagnostic>),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Message(e.to_string())
    }
}

impl Failure {
    /// A values error: drawn with the line or the expression it points at, when it has one.
    pub(super) fn values(e: Error) -> Failure {
        let located = e.diagnostics().iter().any(|d| d.origin.is_some());
        match e.kind() {
            ErrorKind::Invalid => Failure::Invalid(Diagnostics::new(e.diagnostics().to_vec())),
            ErrorKind::Syntax => Failure::Unreadable(e.diagnostics().to_vec()),
            ErrorKind::Values if located => Failure::Unreadable(e.diagnostics().to_vec()),
            _ => e.into(),
        }
    }

    /// The report printed on stderr, in `style`.
    pub(super) fn report(&self, style: ReportStyle) -> String {
        match self {
            Failure::Message(message) => render_message(message, style),
            Failure::Invalid(diagnostics) => diagnostics.render(style),
            Failure::Unreadable(diagnostics) => {
                let mut report: Vec<String> = diagnostics.iter().map(|d| d.render(style)).collect();
                if diagnostics.len() > 1 {
                    report.push(
                        Diagnostic::error(
                            "",
                            format!("{} inputs could not be read", diagnostics.len()),
                        )
                        .render(style),
                    );
                }
                report.join("\n\n")
            }
        }
    }
}

/// `Error: message`, drawn like the diagnostics (a line break of the message indents the next
/// line under the first).
pub(super) fn render_message(message: &str, style: ReportStyle) -> String {
    use annotate_snippets::{Group, Level, Renderer};
    let renderer = match style {
        ReportStyle::Colored => Renderer::styled(),
        _ => Renderer::plain(),
    };
    renderer.render(&[Group::with_title(
        Level::ERROR.with_name("Error").primary_title(message),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_unreadable_inputs_are_drawn_like_diagnostics() {
        assert_eq!(
            Failure::Message("bad".into()).report(ReportStyle::Plain),
            "Error: bad"
        );
        let colored = Failure::Message("bad".into()).report(ReportStyle::Colored);
        assert!(
            colored.contains("\x1b[") && colored.contains("Error"),
            "{colored:?}"
        );
        let one = || Diagnostic::error("", "x");
        assert_eq!(
            Failure::Unreadable(vec![one()]).report(ReportStyle::Plain),
            "error: x"
        );
        assert_eq!(
            Failure::Unreadable(vec![one(), one()]).report(ReportStyle::Plain),
            "error: x\n\nerror: x\n\nerror: 2 inputs could not be read"
        );
    }
}
