//! The one public error type, [`Error`]: what went wrong at any step (loading a chart, adding
//! values, checking them, rendering), as a report to print and as structured
//! [`Diagnostic`]s. Each step keeps its own error type inside the crate (with the values path,
//! file, line or template location); [`ErrorKind`] says which step failed.

use std::fmt;

use crate::diagnostic::{Diagnostic, Diagnostics, ReportStyle, Severity};
use crate::{ChartError, ManifestError, ReleaseError, TemplateError, ValuesError};

/// Anything that can go wrong between reading values and writing manifests: the same type
/// for a values file that is not YAML (at [`Values::add_yaml`](crate::Values::add_yaml) time)
/// and for values the chart refuses (at [`Renderer::render`](crate::Renderer::render) time).
///
/// - `Display` (`{error}`) is the whole report, what the command line prints: for invalid
///   values and YAML syntax errors every problem in rustc's layout (file, line, column, the
///   line with carets, notes, help) and a closing summary line; for the other kinds one line.
/// - [`Error::diagnostics`] gives the same problems as data, for every kind.
/// - [`Error::kind`] says which step failed.
///
/// ```
/// use gitlab_runner_chart::{Chart, ErrorKind, Release, RenderOptions, Renderer, Values};
///
/// // at add time: a YAML syntax error
/// let mut values = Values::new();
/// let error = values.add_yaml("values.yaml", "concurrent: [4\n").unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::Syntax);
/// assert!(error.to_string().contains("--> values.yaml:1:13"));
///
/// // at render time: values the chart refuses, reported the same way
/// values.add_yaml("values.yaml", "concurrent: four\n")?;
/// let renderer = Renderer::new(Chart::builtin())?;
/// let error = renderer.render(&values, &RenderOptions::default()).unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::Invalid);
/// let problem = &error.diagnostics()[0];
/// assert_eq!(problem.path, "concurrent");
/// assert!(error.to_string().starts_with("error: concurrent: "));
/// assert!(error.to_string().ends_with("error: 1 problem in the values"));
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    repr: Repr,
    /// The problems as data (for [`Repr::Invalid`], its own list is used).
    diagnostics: Vec<Diagnostic>,
}

/// The error of the step that failed.
enum Repr {
    Chart(ChartError),
    Values(ValuesError),
    Invalid(Diagnostics),
    Release(ReleaseError),
    Template(TemplateError),
    Manifest(ManifestError),
}

/// Which step failed, from [`Error::kind`].
///
/// ```
/// use gitlab_runner_chart::{ErrorKind, Release};
/// assert_eq!(Release::new("CI", "gitlab").unwrap_err().kind(), ErrorKind::Release);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The chart (Chart.yaml, default values, values schema, templates) could not be loaded
    /// or compiled.
    Chart,
    /// A values file is not valid YAML (or is nested too deeply): a report with the line.
    Syntax,
    /// A values file or a `--set` expression cannot be used: larger than the limit, not a
    /// mapping, an invalid expression.
    Values,
    /// The values break the chart's schema or rules: every problem, each with its values path,
    /// file and line (warnings included).
    Invalid,
    /// The release name, namespace or Kubernetes version is invalid.
    Release,
    /// A template failed while rendering (e.g. a `required` value is missing).
    Template,
    /// A template produced output that is not a Kubernetes object (a defect of the chart).
    Manifest,
    /// A rendered object does not fit the type asked for
    /// ([`Manifest::deserialize`](crate::Manifest::deserialize)).
    Deserialize,
}

impl Error {
    /// The template error inside, if a template failed (for the renderer, which shows a value
    /// that is a Go template at its line in the values file); otherwise the error itself.
    pub(crate) fn into_template_error(self) -> Result<TemplateError, Error> {
        let inner = *self.inner;
        match inner.repr {
            Repr::Template(error) => Ok(error),
            repr => Err(Error {
                inner: Box::new(Inner {
                    repr,
                    diagnostics: inner.diagnostics,
                }),
            }),
        }
    }

    /// Which step failed.
    ///
    /// ```
    /// use gitlab_runner_chart::{ErrorKind, Values};
    /// let error = Values::new().set("a.b").unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Values);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match &self.inner.repr {
            Repr::Chart(_) => ErrorKind::Chart,
            Repr::Values(ValuesError::Yaml { .. }) => ErrorKind::Syntax,
            Repr::Values(_) => ErrorKind::Values,
            Repr::Invalid(_) => ErrorKind::Invalid,
            Repr::Release(_) => ErrorKind::Release,
            Repr::Template(_) => ErrorKind::Template,
            Repr::Manifest(ManifestError::Deserialize { .. }) => ErrorKind::Deserialize,
            Repr::Manifest(_) => ErrorKind::Manifest,
        }
    }

    /// Every problem as data, in the order of the report: for invalid values one diagnostic
    /// a problem (warnings included); for a YAML syntax error or an invalid `--set`
    /// expression one with its [`Origin`](crate::Origin) (file, line and column, or the
    /// expression and column); for the other kinds one error with the message and no origin.
    ///
    /// ```
    /// use gitlab_runner_chart::{Origin, Values};
    /// let error = Values::new().set("runners.tags=a,b.c").unwrap_err();
    /// let diagnostic = &error.diagnostics()[0];
    /// let Some(Origin::Set { flag, column, .. }) = &diagnostic.origin else { panic!() };
    /// assert_eq!((flag.as_str(), *column), ("--set", 19));
    /// ```
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.inner.repr {
            Repr::Invalid(diagnostics) => diagnostics,
            _ => &self.inner.diagnostics,
        }
    }

    /// The report in `style`: with [`ReportStyle::Colored`], the reports of invalid values and
    /// YAML syntax errors in rustc's colors, for a terminal (a one-line message stays plain).
    /// In [`ReportStyle::Plain`], the same as `Display`.
    ///
    /// ```
    /// use gitlab_runner_chart::{ReportStyle, Values};
    /// let error = Values::new().add_yaml("v.yaml", "a: [1\n").unwrap_err();
    /// assert_eq!(error.render(ReportStyle::Plain), error.to_string());
    /// assert!(error.render(ReportStyle::Colored).contains('\x1b'));
    /// ```
    pub fn render(&self, style: ReportStyle) -> String {
        match &self.inner.repr {
            Repr::Invalid(diagnostics) => diagnostics.render(style),
            Repr::Values(ValuesError::Yaml { .. }) => self.inner.diagnostics[0].render(style),
            _ => self.to_string(),
        }
    }

    fn new(repr: Repr) -> Error {
        let diagnostics = match &repr {
            Repr::Invalid(_) => Vec::new(),
            Repr::Values(error) => match error.diagnostic() {
                Some(diagnostic) => vec![diagnostic],
                None => vec![Diagnostic::new(Severity::Error, "", error.to_string())],
            },
            other => vec![Diagnostic::new(Severity::Error, "", other.to_string())],
        };
        Error {
            inner: Box::new(Inner { repr, diagnostics }),
        }
    }
}

impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repr::Chart(e) => e.fmt(f),
            Repr::Values(e) => e.fmt(f),
            Repr::Invalid(e) => e.fmt(f),
            Repr::Release(e) => e.fmt(f),
            Repr::Template(e) => e.fmt(f),
            Repr::Manifest(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for Error {
    /// The whole report (see [`Error`]), without a final line break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.repr.fmt(f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("diagnostics", &self.diagnostics())
            .finish()
    }
}

impl std::error::Error for Error {
    /// The cause below the report, if any (an I/O error reading a chart file): the report
    /// itself already holds every message of the crate.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.repr {
            Repr::Chart(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<Diagnostics> for Error {
    /// Problems in the values as an error ([`ErrorKind::Invalid`]).
    fn from(diagnostics: Diagnostics) -> Error {
        Error::new(Repr::Invalid(diagnostics))
    }
}

/// `From` for each step's own error (crate-internal types), so that `?` works inside the crate.
macro_rules! from_step {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        #[doc(hidden)]
        impl From<$ty> for Error {
            fn from(error: $ty) -> Error {
                Error::new(Repr::$variant(error))
            }
        }
    )*};
}

from_step!(
    Chart(ChartError),
    Values(ValuesError),
    Release(ReleaseError),
    Template(TemplateError),
    Manifest(ManifestError),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_and_small() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn every_kind_has_a_diagnostic_with_the_message() {
        let release = Error::from(ReleaseError::KubeVersion("x".into()));
        assert_eq!(release.kind(), ErrorKind::Release);
        assert_eq!(release.diagnostics().len(), 1);
        assert_eq!(release.diagnostics()[0].message, release.to_string());
        assert!(release.diagnostics()[0].origin.is_none());
        let chart = Error::from(ChartError::Template {
            name: "a.yaml".into(),
            error: TemplateError {
                template: Some("a.yaml".into()),
                line: Some(1),
                message: "unexpected end".into(),
                in_value: None,
            },
        });
        assert_eq!(chart.kind(), ErrorKind::Chart);
        assert_eq!(
            chart.diagnostics()[0].message,
            "template a.yaml: a.yaml:1: unexpected end"
        );
    }

    #[test]
    fn a_yaml_error_reports_as_its_diagnostic() {
        let error = Error::from(ValuesError::Yaml {
            source_name: "v.yaml".into(),
            line: Some(2),
            column: Some(3),
            message: "did not find expected key".into(),
            line_text: Some("a: [".into()),
            width: 1,
        });
        assert_eq!(error.kind(), ErrorKind::Syntax);
        assert_eq!(error.to_string(), error.diagnostics()[0].to_string());
        assert!(matches!(
            error.diagnostics()[0].origin,
            Some(crate::Origin::File {
                line: 2,
                column: 3,
                ..
            })
        ));
    }
}
