//! Problems in the values, reported like rustc reports problems in code.
//!
//! A [`Diagnostic`] says what is wrong at a values path, and where the offending key or value
//! came from ([`Origin`]): a line of a values file, a `--set` expression, or the chart's
//! defaults. It is drawn by [`annotate-snippets`](https://docs.rs/annotate-snippets) (the
//! crate rustc and cargo draw theirs with): its `Display` is rustc's layout, without colors,
//! and [`Diagnostic::render`] draws it with rustc's colors for a terminal
//! ([`ReportStyle::Colored`]):
//!
//! ```text
//! error: runners.cache.cacheType: expected one of "s3", "gcs", found "s4"
//!   --> values.yaml:12:16
//!    |
//! 12 |     cacheType: s4
//!    |                ^^
//!    |
//!    = help: did you mean `s3`?
//! ```
//!
//! What is quoted is drawn so that a terminal shows it and obeys none of it: control
//! characters as their Unicode pictures (`␛`), tabs as 4 spaces, carets under the right
//! characters whatever their width (`漢字`, `😀`), and of a long line (a minified JSON values
//! file is one line) a window around the carets, with `...` where the line goes on. Secrets are
//! masked (`***`) by whoever builds the [`Origin`], before they get here.
//!
//! Build one from a [`SpanIndex`] of the file the value came from:
//!
//! ```
//! use gitlab_runner_chart::__private::diagnostic::Diagnostic;
//! use gitlab_runner_chart::__private::values::{load::load, path::Path};
//!
//! let text = "runners:\n  cache:\n    cacheType: s4\n";
//! let index = load("values.yaml", text).unwrap().spans;
//! let path = Path::parse("runners.cache.cacheType").unwrap();
//! let diagnostic = Diagnostic::error(&path, r#"expected one of "s3", "gcs", found "s4""#)
//!     .with_value_origin("values.yaml", &index, &path)
//!     .with_help("did you mean `s3`?");
//! assert_eq!(diagnostic.to_string(), "\
//! error: runners.cache.cacheType: expected one of \"s3\", \"gcs\", found \"s4\"
//!  --> values.yaml:3:16
//!   |
//! 3 |     cacheType: s4
//!   |                ^^
//!   |
//!   = help: did you mean `s3`?");
//! ```
//!
//! [`render_all`] prints a list of them with a closing summary line. This module also holds
//! the rule that tells which values are secrets ([`is_secret_path`]), so that no diagnostic
//! shows one.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Origin as SnippetOrigin, Renderer, Snippet};

use crate::values::path::{Path, Segment};
use crate::values::spans::{Span, SpanIndex};

/// How bad a problem is. Errors sort before warnings.
///
/// ```
/// use gitlab_runner_chart::Severity;
/// assert!(Severity::Error < Severity::Warning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The values are wrong: rendering would fail or produce a broken deployment.
    Error,
    /// The values are suspicious (ignored, deprecated, ...) but can be rendered.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    ///
    /// ```
    /// use gitlab_runner_chart::Severity;
    /// assert_eq!(Severity::Warning.label(), "warning");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where the offending key or value came from.
///
/// ```
/// use gitlab_runner_chart::{Origin, Values};
/// let mut values = Values::new();
/// let error = values.add_yaml("values.yaml", "a: 1\na: 2\n").unwrap_err();
/// let Some(Origin::File { name, line, .. }) = &error.diagnostics()[0].origin else { panic!() };
/// assert_eq!((name.as_str(), *line), ("values.yaml", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A values file: name as given (path or `<stdin>`), location, and the text of that line.
    File {
        /// The file name as the user gave it, or `<stdin>`.
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// How many characters to underline (at least one caret is shown).
        width: usize,
        /// The text of the line, without its line break (shared: the problems of one line of
        /// a values file hold one copy).
        line_text: std::sync::Arc<str>,
    },
    /// A `--set`/`--set-string` expression (already secret-masked by the caller), with the
    /// 1-based column: drawn as line 1 of a file named by the flag (`--> --set:1:14`).
    Set {
        /// `--set`, `--set-string`, ...
        flag: String,
        /// The expression, e.g. `runners.tags=x`.
        expression: String,
        /// 1-based column in the expression, in characters.
        column: usize,
        /// How many characters to underline (at least one caret is shown).
        width: usize,
    },
    /// The chart's default values.
    ChartDefault,
}

impl Origin {
    /// The origin of a [`Span`] of a values file indexed by `index`: the line's text is taken
    /// from the index, and the width is the span's length, cut at the end of the line.
    #[doc(hidden)]
    pub fn file(name: impl Into<String>, index: &SpanIndex, span: Span) -> Origin {
        let line_text: std::sync::Arc<str> = index.line(span.line).unwrap_or_default().into();
        let rest = line_text
            .chars()
            .count()
            .saturating_sub(span.column.saturating_sub(1));
        Origin::File {
            name: name.into(),
            line: span.line,
            column: span.column,
            width: span.len.min(rest),
            line_text,
        }
    }

    /// The origin of a `--set` expression: `column` (1-based) and `width` in characters.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Origin};
    /// let d = Diagnostic::error("a", "bad").with_origin(Origin::set("--set", "a=1", 3, 1));
    /// assert!(d.to_string().contains("a=1"), "{d}");
    /// ```
    pub fn set(
        flag: impl Into<String>,
        expression: impl Into<String>,
        column: usize,
        width: usize,
    ) -> Origin {
        Origin::Set {
            flag: flag.into(),
            expression: expression.into(),
            column,
            width,
        }
    }
}

/// A problem in the values.
///
/// ```
/// use gitlab_runner_chart::Diagnostic;
/// let d = Diagnostic::error("runners.cache.cacheType", "expected \"s3\" or \"gcs\"")
///     .with_help("did you mean `s3`?");
/// assert!(d.to_string().starts_with("error: runners.cache.cacheType: expected \"s3\" or \"gcs\""));
/// assert!(d.to_string().contains("help: did you mean `s3`?"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The values path, e.g. `runners.cache.cacheType` (empty for the top level).
    pub path: String,
    /// What is wrong, e.g. `expected one of "s3", "gcs", found "s4"`.
    pub message: String,
    /// Where the offending key or value came from, when known.
    pub origin: Option<Origin>,
    /// A hint, e.g. "did you mean `cache`?".
    pub help: Option<String>,
    /// Facts that explain the problem, printed as `= note:` lines before the help, e.g. the keys
    /// a mapping has.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with no origin and no help. `path` is anything displayed as a values path:
    /// a [`Path`], or a string.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Severity};
    /// let d = Diagnostic::new(Severity::Warning, "concurrent", "a number as text");
    /// assert_eq!(d.to_string(), "warning: concurrent: a number as text");
    /// ```
    pub fn new(severity: Severity, path: impl fmt::Display, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: path.to_string(),
            message: message.into(),
            origin: None,
            help: None,
            notes: Vec::new(),
        }
    }

    /// An error at `path`.
    ///
    /// ```
    /// use gitlab_runner_chart::Diagnostic;
    /// assert!(Diagnostic::error("", "no values").is_error());
    /// ```
    pub fn error(path: impl fmt::Display, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, path, message)
    }

    /// A warning at `path`.
    ///
    /// ```
    /// use gitlab_runner_chart::Diagnostic;
    /// assert!(!Diagnostic::warning("", "ignored").is_error());
    /// ```
    pub fn warning(path: impl fmt::Display, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, path, message)
    }

    /// Sets the help line.
    ///
    /// ```
    /// use gitlab_runner_chart::Diagnostic;
    /// let d = Diagnostic::error("concurent", "unknown key").with_help("did you mean `concurrent`?");
    /// assert_eq!(d.help.as_deref(), Some("did you mean `concurrent`?"));
    /// ```
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note line.
    ///
    /// ```
    /// use gitlab_runner_chart::Diagnostic;
    /// let d = Diagnostic::error("a.x", "unknown key `x`").with_note("the keys of `a`: b, c");
    /// assert_eq!(d.notes, ["the keys of `a`: b, c"]);
    /// ```
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the origin.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Origin};
    /// let d = Diagnostic::error("a", "bad").with_origin(Origin::ChartDefault);
    /// assert!(d.to_string().contains("(chart default)"), "{d}");
    /// ```
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Sets the origin to `span` of the file `name` indexed by `index` (see [`Origin::file`]).
    #[doc(hidden)]
    pub fn with_origin_from_file(self, name: &str, index: &SpanIndex, span: Span) -> Self {
        self.with_origin(Origin::file(name, index, span))
    }

    /// Points at the **value** at `path` in the file `name` indexed by `index`: for a problem
    /// with a value (wrong type, not one of the allowed values). When the file does not hold
    /// `path` (the value was missing, say), points at the key of its deepest ancestor in the
    /// file ([`SpanIndex::nearest`]); when the file holds nothing of it, the origin is left
    /// as it was.
    #[doc(hidden)]
    pub fn with_value_origin(self, name: &str, index: &SpanIndex, path: &Path) -> Self {
        match index.nearest(path) {
            Some((_, span)) => self.with_origin_from_file(name, index, span),
            None => self,
        }
    }

    /// Points at the **key** of `path` in the file `name` indexed by `index`: for a problem
    /// with the key itself (an unknown key, a misspelled one). Falls back like
    /// [`with_value_origin`](Self::with_value_origin).
    #[doc(hidden)]
    pub fn with_key_origin(self, name: &str, index: &SpanIndex, path: &Path) -> Self {
        match index.key(path) {
            Some(span) => self.with_origin_from_file(name, index, span),
            None => self.with_value_origin(name, index, path),
        }
    }

    /// Whether this is an error.
    ///
    /// ```
    /// use gitlab_runner_chart::Diagnostic;
    /// assert!(Diagnostic::error("a", "bad").is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How a report is drawn: plain text, or with the colors of rustc for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReportStyle {
    /// No escape codes: for a pipe, a file, a CI log, or `NO_COLOR`.
    #[default]
    Plain,
    /// rustc's colors (a bold red `error`, a bold yellow `warning`, blue gutters, carets in
    /// the color of their diagnostic): for a terminal.
    Colored,
}

impl ReportStyle {
    /// The renderer of `annotate-snippets` for this style. 140 columns wide: of a longer line,
    /// it shows a window around the carets, with `...` where the line goes on.
    fn renderer(self) -> Renderer {
        match self {
            ReportStyle::Plain => Renderer::plain(),
            ReportStyle::Colored => Renderer::styled(),
        }
    }
}

/// Of a line longer than this (in characters), only [`WINDOW_MARGIN`] characters either side of
/// the underlined ones reach the renderer, which shows at most 140 columns of them anyway: a
/// minified 4 MB JSON values file is one line, and a report on it must not cost a pass over
/// the whole line for each of its problems.
const LONG_LINE_CHARS: usize = 2_000;

/// How many characters of a long line are kept either side of the underlined ones: more than
/// the renderer shows, so that it still marks with `...` where the line goes on.
const WINDOW_MARGIN: usize = 300;

/// How a character of a quoted line or a message is shown: a control character (which a
/// terminal would obey: clear the screen, set the title, ...) as its Unicode control picture
/// (`\x1b` as `␛`, `\0` as `␀`, DEL as `␡`), as rustc shows them, a C1 control (`\u{9b}`, a
/// terminal's CSI) as `�`; one column each, like the character it stands for. A tab is left
/// to the renderer (4 spaces), and so is a line break of a message (its next line is indented
/// under the first). Any other character as it is.
fn shown(c: char) -> char {
    match c {
        '\t' | '\n' => c,
        '\0'..='\x1f' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        '\u{80}'..='\u{9f}' => '\u{fffd}',
        c => c,
    }
}

/// `text` with every character [`shown`] (a line break of a quoted line shown too).
fn shown_text(text: &str, keep_line_breaks: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\n' if !keep_line_breaks => '\u{2424}',
            c => shown(c),
        })
        .collect()
}

/// What the renderer gets of a quoted line: the text (characters [`shown`], cut to a window
/// around a long line's underline, padded with spaces when the column is past its end) and the
/// byte range to underline in it, so that its `-->` line shows `column`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Quoted {
    /// The text of the line, or of the window.
    text: String,
    /// The bytes of `text` to underline (empty: one caret at `start`).
    span: std::ops::Range<usize>,
    /// How many characters of the line were cut before the window.
    cut: usize,
}

impl Quoted {
    /// The `width` characters from `column` (1-based, in characters) of `line`. Linear in the
    /// length of the line; only the window is copied.
    fn new(line: &str, column: usize, width: usize) -> Quoted {
        let start = column.saturating_sub(1);
        let len = line.chars().count();
        let (cut, end) = if len > LONG_LINE_CHARS {
            let end = start.saturating_add(width.min(WINDOW_MARGIN));
            (
                start.saturating_sub(WINDOW_MARGIN),
                end.saturating_add(WINDOW_MARGIN),
            )
        } else {
            (0, usize::MAX)
        };
        let mut text = String::new();
        let mut from = None;
        let mut to = None;
        for (i, c) in line.chars().enumerate().skip(cut).take(end - cut) {
            if i == start {
                from = Some(text.len());
            }
            if i == start.saturating_add(width) {
                to = Some(text.len());
            }
            text.push(match c {
                '\n' => '\u{2424}',
                c => shown(c),
            });
        }
        // A column past the end of the line (an empty value there): spaces up to it.
        let from = from.unwrap_or_else(|| {
            let shown_chars = len.min(end) - cut.min(len);
            let missing = start.saturating_sub(cut).saturating_sub(shown_chars);
            text.extend(std::iter::repeat_n(' ', missing));
            text.len()
        });
        let to = to.unwrap_or(text.len()).max(from);
        Quoted {
            text,
            span: from..to,
            cut,
        }
    }
}

impl Diagnostic {
    /// The report of this diagnostic, drawn by `annotate-snippets` in `style`, without a final
    /// line break. In plain style, the same as its `Display`.
    pub fn render(&self, style: ReportStyle) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = if self.path.is_empty() {
            shown_text(&self.message, true)
        } else {
            shown_text(&format!("{}: {}", self.path, self.message), true)
        };
        let mut group = Group::with_title(level.primary_title(title));
        // the `-->` line the renderer writes for a window, and the one it must say
        let mut header = None;
        match &self.origin {
            Some(Origin::File {
                name,
                line,
                column,
                width,
                line_text,
            }) => {
                let quoted = Quoted::new(line_text, *column, *width);
                let name = shown_text(name, false);
                if quoted.cut > 0 {
                    header = Some((
                        format!("{name}:{line}:{}", column - quoted.cut),
                        format!("{name}:{line}:{column}"),
                    ));
                }
                group = group.element(
                    Snippet::source(quoted.text)
                        .line_start(*line)
                        .path(name)
                        .annotation(AnnotationKind::Primary.span(quoted.span)),
                );
            }
            Some(Origin::Set {
                flag,
                expression,
                column,
                width,
            }) => {
                let quoted = Quoted::new(expression, *column, *width);
                let flag = shown_text(flag, false);
                if quoted.cut > 0 {
                    header = Some((
                        format!("{flag}:1:{}", column - quoted.cut),
                        format!("{flag}:1:{column}"),
                    ));
                }
                group = group.element(
                    Snippet::source(quoted.text)
                        .line_start(1)
                        .path(flag)
                        .annotation(AnnotationKind::Primary.span(quoted.span)),
                );
            }
            Some(Origin::ChartDefault) => {
                group = group.element(SnippetOrigin::path("(chart default)"));
            }
            None => {}
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(shown_text(note, true)));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(shown_text(help, true)));
        }
        let report = style.renderer().render(&[group]);
        match header {
            // The renderer counts the column in the window it got: the `-->` line says the
            // column in the whole line.
            Some((drawn, real)) => report.replacen(&drawn, &real, 1),
            None => report,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// rustc's layout, without colors and without a
    /// final line break: [`render`](Diagnostic::render) in [`ReportStyle::Plain`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(ReportStyle::Plain))
    }
}

/// The closing line of a report, or `None` when there is nothing to report:
///
/// - with errors: `error: 1 problem in the values` / `error: 3 problems in the values`,
///   followed by `, and 2 warnings` (or `, and 1 warning`) when there are warnings too;
/// - with warnings only: `warning: 1 possible problem in the values` /
///   `warning: 2 possible problems in the values`.
pub fn summary(diags: &[Diagnostic]) -> Option<String> {
    summary_line(diags).map(|line| line.to_string())
}

/// The [`summary`] line as a diagnostic with no path, drawn like the others.
fn summary_line(diags: &[Diagnostic]) -> Option<Diagnostic> {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(Diagnostic::warning(
            "",
            format!("{} in the values", plural(w, "possible problem")),
        )),
        (e, 0) => Some(Diagnostic::error(
            "",
            format!("{} in the values", plural(e, "problem")),
        )),
        (e, w) => Some(Diagnostic::error(
            "",
            format!(
                "{} in the values, and {}",
                plural(e, "problem"),
                plural(w, "warning")
            ),
        )),
    }
}

/// Drops every note already given by an earlier diagnostic of `diags`, so that a note shared
/// by several problems (the keys of a mapping with several unknown keys) is printed once, with
/// the first of them.
///
/// ```
/// use gitlab_runner_chart::__private::diagnostic::{drop_repeated_notes, Diagnostic};
/// let mut diags = vec![
///     Diagnostic::error("a.x", "unknown key `x`").with_note("the keys of `a`: b, c"),
///     Diagnostic::error("a.y", "unknown key `y`").with_note("the keys of `a`: b, c"),
/// ];
/// drop_repeated_notes(&mut diags);
/// assert_eq!(diags[0].notes.len(), 1);
/// assert!(diags[1].notes.is_empty());
/// ```
pub fn drop_repeated_notes(diags: &mut [Diagnostic]) {
    let mut seen = std::collections::HashSet::new();
    for diag in diags {
        diag.notes.retain(|note| seen.insert(note.clone()));
    }
}

/// Every diagnostic in the order given, each followed by a blank line, then the [`summary`]
/// line and a line break. Empty when there are none.
///
/// ```
/// use gitlab_runner_chart::__private::diagnostic::{render_all, Diagnostic};
/// let report = render_all(&[
///     Diagnostic::error("concurrent", "expected a number, found \"ten\""),
///     Diagnostic::warning("", "unknown key `foo`"),
/// ]);
/// assert_eq!(report, "\
/// error: concurrent: expected a number, found \"ten\"
///
/// warning: unknown key `foo`
///
/// error: 1 problem in the values, and 1 warning
/// ");
/// ```
pub fn render_all(diags: &[Diagnostic]) -> String {
    render_all_in(diags, ReportStyle::Plain)
}

/// [`render_all`] in `style`: with [`ReportStyle::Colored`], the report for a terminal.
///
/// ```
/// use gitlab_runner_chart::__private::diagnostic::{render_all, render_all_in, Diagnostic, ReportStyle};
/// let diags = [Diagnostic::error("concurrent", "expected a number")];
/// assert_eq!(render_all_in(&diags, ReportStyle::Plain), render_all(&diags));
/// let colored = render_all_in(&diags, ReportStyle::Colored);
/// assert!(colored.contains('\x1b') && colored.contains("expected a number"));
/// ```
pub fn render_all_in(diags: &[Diagnostic], style: ReportStyle) -> String {
    let mut out = String::new();
    for diag in diags {
        out.push_str(&diag.render(style));
        out.push_str("\n\n");
    }
    if let Some(summary) = summary_line(diags) {
        out.push_str(&summary.render(style));
        out.push('\n');
    }
    out
}

/// All the problems found in the values: their `Display` is the report: every diagnostic, each
/// followed by a blank line, then a summary line (`error: 2 problems in the values`).
/// Derefs to the slice of diagnostics.
///
/// ```
/// use gitlab_runner_chart::{Diagnostic, Diagnostics};
/// let report = Diagnostics::new(vec![Diagnostic::error("concurrent", "expected a number")]);
/// assert_eq!(report.to_string(), "error: concurrent: expected a number\n\nerror: 1 problem in the values");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The report in `style`, without its final line break: in
    /// [`ReportStyle::Plain`], the same as `Display`.
    pub fn render(&self, style: ReportStyle) -> String {
        let report = render_all_in(&self.0, style);
        match report.strip_suffix('\n') {
            Some(report) => report.to_string(),
            None => report,
        }
    }

    /// Wraps a list of diagnostics, in the order given.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Diagnostics};
    /// assert_eq!(Diagnostics::new(vec![Diagnostic::warning("a", "b")]).len(), 1);
    /// ```
    pub fn new(diagnostics: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics(diagnostics)
    }

    /// Whether any of them is an error.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Diagnostics};
    /// assert!(!Diagnostics::new(vec![Diagnostic::warning("a", "b")]).has_errors());
    /// ```
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Diagnostics};
    /// let all = Diagnostics::new(vec![Diagnostic::warning("a", "b"), Diagnostic::error("c", "d")]);
    /// assert_eq!(all.errors().map(|d| d.path.as_str()).collect::<Vec<_>>(), ["c"]);
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Diagnostics};
    /// let all = Diagnostics::new(vec![Diagnostic::warning("a", "b"), Diagnostic::error("c", "d")]);
    /// assert_eq!(all.warnings().count(), 1);
    /// ```
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// The diagnostics.
    ///
    /// ```
    /// use gitlab_runner_chart::{Diagnostic, Diagnostics};
    /// let list: Vec<Diagnostic> = Diagnostics::new(vec![Diagnostic::error("a", "b")]).into_vec();
    /// assert_eq!(list[0].path, "a");
    /// ```
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];
    fn deref(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diagnostics: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics(diagnostics)
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(ReportStyle::Plain))
    }
}

impl std::error::Error for Diagnostics {}

/// Whether a key's name says its value is a secret. With `k` the key in lower case:
///
/// 1. not a secret when `k` ends with `name` (`secretName`, `certsSecretName`: names of
///    Kubernetes Secrets, not secret values), or is `topologykey` or `imagepullsecrets`
///    (lists of Secret names);
/// 2. a secret when `k` contains `token`, `password`, `passwd` or `passphrase`
///    (`runnerToken`, `runnerRegistrationToken`, `tokens`);
/// 3. a secret when `k` ends with `key` or `keys` (`accessKey`, `secretKey`, `privateKey`,
///    `key`) or with `secret` or `secrets` (`secret`, `clientSecret`);
/// 4. otherwise not a secret.
///
/// [`is_secret_path`] adds the exceptions that depend on where the key is.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_lowercase();
    if k.ends_with("name") || k == "topologykey" || k == "imagepullsecrets" {
        return false;
    }
    ["token", "password", "passwd", "passphrase"]
        .iter()
        .any(|word| k.contains(word))
        || ["key", "keys", "secret", "secrets"]
            .iter()
            .any(|end| k.ends_with(end))
}

/// Whether the value at `path` is a secret, to be masked in every message. Decided by the
/// last key of the path (indices after it are skipped: the elements of a list of tokens are
/// secrets) with [`is_secret_key`], except (comparing keys in lower case):
///
/// - `…tolerations[i].key`, `…matchExpressions[i].key`, `…matchFields[i].key`: a taint or
///   label key, not a secret;
/// - `…items[i].key` and `…secretKeyRef.key`, `…configMapKeyRef.key`: the name of a key in a
///   Secret or ConfigMap;
/// - `…envVars[i].name`: the name of a variable;
/// - any key directly under a key ending in `labels` or `annotations`, or under
///   `nodeSelector`: label and annotation values are not secrets.
///
/// A path with no key (the top level, `[0]`) is not a secret.
pub fn is_secret_path(path: &Path) -> bool {
    let segments = path.segments();
    let Some(last) = segments.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
        return false;
    };
    let key = |i: usize| segments[i].as_key().map(str::to_lowercase);
    let last_key = key(last).unwrap_or_default();
    // The key of the list holding the mapping this key is in: `tolerations` for
    // `tolerations[0].key`.
    let list = (last >= 2 && segments[last - 1].as_index().is_some())
        .then(|| key(last - 2))
        .flatten();
    let parent = (last >= 1).then(|| key(last - 1)).flatten();
    let excluded = match (last_key.as_str(), list.as_deref(), parent.as_deref()) {
        ("key", Some("tolerations" | "matchexpressions" | "matchfields" | "items"), _) => true,
        ("key", _, Some("secretkeyref" | "configmapkeyref")) => true,
        ("name", Some("envvars"), _) => true,
        (_, _, Some(p)) => {
            p.ends_with("labels") || p.ends_with("annotations") || p == "nodeselector"
        }
        _ => false,
    };
    !excluded && is_secret_key(&last_key)
}

/// What a secret is shown as: `***`, or nothing for an empty value (so that "the token is
/// empty" stays readable).
pub fn redact(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        "***".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    /// A diagnostic of line 1 of `v.yaml`, `line`, for `width` characters from `column`.
    fn on_line(line: &str, column: usize, width: usize) -> Diagnostic {
        Diagnostic::error("a", "bad").with_origin(Origin::File {
            name: "v.yaml".into(),
            line: 1,
            column,
            width,
            line_text: line.into(),
        })
    }

    /// The `-->` line, the quoted line and the caret line of a diagnostic of line 1 (gutter
    /// `1 | ` and `  | ` removed).
    fn drawn(d: &Diagnostic) -> (String, String, String) {
        let text = d.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        let quoted = lines[3].strip_prefix("1 | ").expect("the line");
        let carets = lines[4].strip_prefix("  | ").expect("the carets");
        (lines[1].to_string(), quoted.to_string(), carets.to_string())
    }

    #[test]
    fn control_characters_of_a_quoted_line_reach_no_terminal() {
        // ESC (clear the screen), OSC ... BEL (set the title), DEL, a C1 CSI, NUL: shown, not
        // obeyed; the carets stay under the same characters
        let line = "a: x\x1b[2J \x1b]0;t\x07\x7f\u{9b}1m\0 y";
        let (_, quoted, carets) = drawn(&on_line(line, 22, 1));
        assert_eq!(
            quoted,
            "a: x\u{241b}[2J \u{241b}]0;t\u{2407}\u{2421}\u{fffd}1m\u{2400} y"
        );
        assert_eq!(carets, format!("{}^", " ".repeat(21)));
        // in a --set expression, a message, a note, a help and a file name too
        let d = Diagnostic::error("a", "bad \x1b[31m")
            .with_origin(Origin::set("--set", "a=\x1b[2J", 3, 1))
            .with_note("n \x1b]0;t\x07")
            .with_help("h \u{9b}1m");
        for style in [ReportStyle::Plain, ReportStyle::Colored] {
            let text = d.render(style);
            assert!(
                !text.contains("\x1b[2J") && !text.contains("\x1b]0"),
                "{text:?}"
            );
            assert!(
                !text.contains("\x1b[31m") && !text.contains('\u{9b}'),
                "{text:?}"
            );
        }
        let d = Diagnostic::error("a", "bad").with_origin(Origin::File {
            name: "v\x1b[2J.yaml".into(),
            line: 1,
            column: 1,
            width: 1,
            line_text: "a".into(),
        });
        assert!(d.to_string().contains("--> v\u{241b}[2J.yaml:1:1"), "{d}");
    }

    #[test]
    fn file_origin_like_rustc() {
        let d = Diagnostic::error(
            "runners.cache.cacheType",
            r#"expected one of "s3", "gcs", found "s4""#,
        )
        .with_origin(Origin::File {
            name: "values.yaml".into(),
            line: 12,
            column: 16,
            width: 2,
            line_text: "    cacheType: s4".into(),
        })
        .with_note("the cache is optional")
        .with_help("did you mean `s3`?");
        assert_eq!(
            d.to_string(),
            "\
error: runners.cache.cacheType: expected one of \"s3\", \"gcs\", found \"s4\"
  --> values.yaml:12:16
   |
12 |     cacheType: s4
   |                ^^
   |
   = note: the cache is optional
   = help: did you mean `s3`?"
        );
    }

    #[test]
    fn colored_like_rustc() {
        let d = on_line("a: 1", 4, 1).with_help("h");
        let colored = d.render(ReportStyle::Colored);
        // the same text once the escape codes are taken out
        let plain: String = {
            let mut out = String::new();
            let mut chars = colored.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        assert_eq!(plain, d.to_string());
        assert_ne!(colored, plain);
        // `error` and the carets in the error's color, `warning` in another
        let red = colored.split("error").next().unwrap().to_string();
        assert!(red.contains('\x1b'), "{colored:?}");
        assert!(colored.contains(&format!("{red}^")), "{colored:?}");
        let warning = Diagnostic::warning("a", "odd").render(ReportStyle::Colored);
        assert!(!warning.starts_with(&red), "{warning:?}");
        assert_eq!(
            Diagnostics(vec![d.clone()]).render(ReportStyle::Plain),
            Diagnostics(vec![d]).to_string()
        );
    }

    #[test]
    fn warnings_top_level_and_no_origin() {
        let d = Diagnostic::warning(Path::root(), "unknown key `foo`");
        assert_eq!(d.to_string(), "warning: unknown key `foo`");
        let d = d.with_help("remove it");
        assert_eq!(
            d.to_string(),
            "warning: unknown key `foo`\n  |\n  = help: remove it"
        );
    }

    #[test]
    fn gutter_follows_the_line_number() {
        for (line, gutter) in [(7, " "), (99, "  "), (1234, "    ")] {
            let d = Diagnostic::error("a", "bad").with_origin(Origin::File {
                name: "v.yaml".into(),
                line,
                column: 4,
                width: 1,
                line_text: "a: 1".into(),
            });
            assert_eq!(
                d.to_string(),
                format!(
                    "error: a: bad\n{gutter}--> v.yaml:{line}:4\n{gutter} |\n{line} | a: 1\n{gutter} |    ^"
                )
            );
        }
    }

    #[test]
    fn tabs_are_four_spaces_and_carets_follow() {
        let d = Diagnostic::error("a.b", "bad").with_origin(Origin::File {
            name: "v.yaml".into(),
            line: 3,
            column: 5,
            width: 3,
            line_text: "\tb:\tx\ty".into(),
        });
        assert_eq!(
            d.to_string(),
            "error: a.b: bad\n --> v.yaml:3:5\n  |\n3 |     b:    x    y\n  |           ^^^^^^"
        );
    }

    #[test]
    fn carets_at_least_one_and_past_the_end() {
        let (header, _, carets) = drawn(&on_line("key:", 5, 0));
        assert_eq!(
            (header.as_str(), carets.as_str()),
            (" --> v.yaml:1:5", "    ^")
        );
        let (_, _, carets) = drawn(&on_line("key:", 1, 0));
        assert_eq!(carets, "^");
        let (_, _, carets) = drawn(&on_line("key: abc", 6, 0));
        assert_eq!(carets, "     ^");
        // further past the end, and wider than the line: the column is kept
        let (header, _, carets) = drawn(&on_line("key:", 8, 3));
        assert_eq!(
            (header.as_str(), carets.as_str()),
            (" --> v.yaml:1:8", "       ^")
        );
        let (_, _, carets) = drawn(&on_line("key: ab", 6, 10));
        assert_eq!(carets, "     ^^");
    }

    #[test]
    fn wide_characters_shift_the_carets() {
        let index = crate::values::load::load("t.yaml", "n: \"é😀\" # é\nm: {é😀: 1, b: 漢字}\n")
            .unwrap()
            .spans;
        let d = Diagnostic::error("m.b", "bad").with_value_origin("v.yaml", &index, &p("m.b"));
        assert_eq!(
            d.to_string(),
            "error: m.b: bad\n --> v.yaml:2:15\n  |\n2 | m: {é😀: 1, b: 漢字}\n  |                ^^^^"
        );
    }

    #[test]
    fn set_origin() {
        let d = Diagnostic::error("runners.tags", "expected a list").with_origin(Origin::set(
            "--set",
            "runners.tags=x",
            14,
            1,
        ));
        assert_eq!(
            d.to_string(),
            "error: runners.tags: expected a list\n --> --set:1:14\n  |\n1 | runners.tags=x\n  |              ^"
        );
        let d = Diagnostic::error("a", "bad")
            .with_origin(Origin::set("--set-string", "a=\tb", 3, 2))
            .with_help("quote it");
        assert_eq!(
            d.to_string(),
            "error: a: bad\n --> --set-string:1:3\n  |\n1 | a=    b\n  |   ^^^^^\n  |\n  = help: quote it"
        );
    }

    /// A line of about a million characters, `k0: 1, k1: 1, ...` with a `BAD` at its middle
    /// (the column returned).
    fn million_characters() -> (String, usize) {
        let mut line = String::from("{");
        let mut i = 0;
        while line.len() < 500_000 {
            line.push_str(&format!("k{i}: 1, "));
            i += 1;
        }
        let column = line.chars().count() + 1;
        line.push_str("BAD: x, ");
        while line.len() < 1_000_000 {
            line.push_str(&format!("k{i}: 1, "));
            i += 1;
        }
        line.push('}');
        (line, column)
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let (line, column) = million_characters();
        let d = on_line(&line, column, 3);
        let text = d.to_string();
        assert!(text.len() < 400, "{text}");
        let (header, quoted, carets) = drawn(&d);
        assert_eq!(header, format!(" --> v.yaml:1:{column}"));
        assert!(
            quoted.starts_with("...") && quoted.ends_with("..."),
            "{quoted}"
        );
        let bad = quoted.find("BAD: x").expect("the underlined text");
        assert_eq!(carets, format!("{}^^^", " ".repeat(bad)));

        // Near the start: no `...` before, the carets where they are.
        let (header, quoted, carets) = drawn(&on_line(&line, 2, 2));
        assert_eq!(header, " --> v.yaml:1:2");
        assert!(quoted.starts_with("{k0: 1, k1: 1") && quoted.ends_with("..."));
        assert_eq!(carets, " ^^");
        // At the end, and past it: no `...` after.
        let len = line.chars().count();
        let (header, quoted, carets) = drawn(&on_line(&line, len, 1));
        assert_eq!(header, format!(" --> v.yaml:1:{len}"));
        assert!(
            quoted.starts_with("...") && quoted.ends_with(": 1, }"),
            "{quoted}"
        );
        assert_eq!(carets.len(), quoted.len(), "{carets}");
        let (header, _, _) = drawn(&on_line(&line, len + 1, 0));
        assert_eq!(header, format!(" --> v.yaml:1:{}", len + 1));
        // An underline longer than the window: bounded too.
        let text = on_line(&line, 2, 1_000_000).to_string();
        assert!(text.len() < 600, "{text}");
        // A line the renderer gets whole (shorter than LONG_LINE_CHARS): it shows a window.
        let line = format!("{}BAD{}", "a, ".repeat(500), "b, ".repeat(150));
        assert!(line.len() < LONG_LINE_CHARS);
        let (header, quoted, carets) = drawn(&on_line(&line, 1501, 3));
        assert_eq!(header, " --> v.yaml:1:1501");
        assert!(quoted.len() < 150 && quoted.starts_with("...") && quoted.ends_with("..."));
        assert_eq!(
            carets,
            format!("{}^^^", " ".repeat(quoted.find("BAD").unwrap()))
        );
    }

    #[test]
    fn a_long_line_of_wide_characters_keeps_the_carets_under_them() {
        // Wide characters and tabs before the column, in the window: the carets follow.
        let line = format!("{}\t漢字 é😀: bad {}", "é".repeat(5000), "ü".repeat(5000));
        let column = 5000 + 9; // the `b` of `bad`
        let (header, quoted, carets) = drawn(&on_line(&line, column, 3));
        assert_eq!(header, format!(" --> v.yaml:1:{column}"));
        let before = quoted.split("bad").next().unwrap();
        // `...`, the `é` and the spaces of the tab one column each, 漢字 and 😀 two each
        let columns = before.chars().count() + 2 + 1;
        assert!(before.ends_with("    漢字 é😀: "), "{quoted}");
        assert_eq!(carets, format!("{}^^^", " ".repeat(columns)));
    }

    #[test]
    fn a_long_set_expression_is_shown_as_a_window() {
        let expression = format!("runners.tags={}", "x".repeat(1_000_000));
        let d = Diagnostic::error("runners.tags", "too long")
            .with_origin(Origin::set("--set", expression, 1, 12));
        let text = d.to_string();
        assert!(text.len() < 400, "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], " --> --set:1:1");
        assert!(lines[3].starts_with("1 | runners.tags=xxx") && lines[3].ends_with("..."));
        assert_eq!(lines[4], format!("  | {}", "^".repeat(12)));
    }

    #[test]
    fn reports_on_one_long_line_take_little_time() {
        // a minified values file is one line; each of its problems must not cost a pass over
        // all of it
        let (line, column) = million_characters();
        let line: std::sync::Arc<str> = line.into();
        let start = std::time::Instant::now();
        for _ in 0..50 {
            let d = Diagnostic::error("a", "bad").with_origin(Origin::File {
                name: "v.yaml".into(),
                line: 1,
                column,
                width: 3,
                line_text: line.clone(),
            });
            assert!(d.to_string().contains("BAD"));
        }
        // a pass over a million characters takes milliseconds even in a debug build; 50 of
        // them would take seconds
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn chart_default_origin() {
        let d = Diagnostic::warning("runners.cache", "ignored").with_origin(Origin::ChartDefault);
        assert_eq!(
            d.to_string(),
            "warning: runners.cache: ignored\n --> (chart default)"
        );
    }

    #[test]
    fn origins_from_an_index() {
        let text = "runners:\n  cache:\n    cacheType: s4\n  config: \"a\n    b\"\n";
        let index = crate::values::load::load("t.yaml", text).unwrap().spans;
        let d = Diagnostic::error("x", "y").with_value_origin(
            "v.yaml",
            &index,
            &p("runners.cache.cacheType"),
        );
        assert_eq!(
            d.origin,
            Some(Origin::File {
                name: "v.yaml".into(),
                line: 3,
                column: 16,
                width: 2,
                line_text: "    cacheType: s4".into()
            })
        );
        // A missing key: its deepest ancestor's key.
        let d = Diagnostic::error("x", "y").with_value_origin(
            "v.yaml",
            &index,
            &p("runners.cache.s3.bucketName"),
        );
        assert!(
            matches!(
                d.origin,
                Some(Origin::File {
                    line: 2,
                    column: 3,
                    width: 5,
                    ..
                })
            ),
            "{d:?}"
        );
        // The key of a path.
        let d = Diagnostic::error("x", "y").with_key_origin(
            "v.yaml",
            &index,
            &p("runners.cache.cacheType"),
        );
        assert!(
            matches!(
                d.origin,
                Some(Origin::File {
                    line: 3,
                    column: 5,
                    width: 9,
                    ..
                })
            ),
            "{d:?}"
        );
        let d = Diagnostic::error("x", "y").with_key_origin("v.yaml", &index, &p("runners.nope"));
        assert!(
            matches!(
                d.origin,
                Some(Origin::File {
                    line: 1,
                    column: 1,
                    width: 7,
                    ..
                })
            ),
            "{d:?}"
        );
        // A multi-line value is underlined to the end of its first line.
        let d =
            Diagnostic::error("x", "y").with_value_origin("v.yaml", &index, &p("runners.config"));
        assert!(
            matches!(
                d.origin,
                Some(Origin::File {
                    line: 4,
                    column: 11,
                    width: 2,
                    ..
                })
            ),
            "{d:?}"
        );
        // Nothing indexed: the origin stays as it was.
        let empty = crate::values::load::load("t.yaml", "").unwrap().spans;
        let d = Diagnostic::error("x", "y").with_key_origin("v.yaml", &empty, &p("a"));
        assert_eq!(d.origin, None);
        let d = Diagnostic::error("x", "y").with_origin_from_file(
            "<stdin>",
            &index,
            index.value(&p("runners")).unwrap(),
        );
        assert!(d.to_string().contains("--> <stdin>:2:3\n"), "{d}");
    }

    #[test]
    fn render_all_and_summary() {
        assert_eq!(render_all(&[]), "");
        assert_eq!(summary(&[]), None);
        let e = Diagnostic::error("a", "bad");
        let w = Diagnostic::warning("b", "odd");
        assert_eq!(
            render_all(&[e.clone(), w.clone()]),
            "error: a: bad\n\nwarning: b: odd\n\nerror: 1 problem in the values, and 1 warning\n"
        );
        assert_eq!(
            summary(&[e.clone(), e.clone(), w.clone(), w.clone()]).unwrap(),
            "error: 2 problems in the values, and 2 warnings"
        );
        assert_eq!(
            summary(&[e.clone(), e.clone(), e]).unwrap(),
            "error: 3 problems in the values"
        );
        assert_eq!(
            summary(std::slice::from_ref(&w)).unwrap(),
            "warning: 1 possible problem in the values"
        );
        assert_eq!(
            render_all(&[w.clone(), w]),
            "warning: b: odd\n\nwarning: b: odd\n\nwarning: 2 possible problems in the values\n"
        );
        assert!(Severity::Error < Severity::Warning);
    }

    #[test]
    fn diagnostics_collection() {
        let list: Diagnostics = vec![
            Diagnostic::warning("b", "odd"),
            Diagnostic::error("a", "bad").with_origin(Origin::ChartDefault),
        ]
        .into();
        assert!(list.has_errors());
        assert_eq!(list.len(), 2);
        assert_eq!(list.errors().count(), 1);
        assert_eq!(list.warnings().next().unwrap().path, "b");
        assert_eq!(format!("{list}\n"), render_all(&list));
        assert_eq!(
            list.to_string(),
            "warning: b: odd\n\nerror: a: bad\n --> (chart default)\n\nerror: 1 problem in the values, and 1 warning"
        );
        let error: &dyn std::error::Error = &list;
        assert!(error.to_string().starts_with("warning: b: odd"));
        let warnings_only: Diagnostics = std::iter::once(Diagnostic::warning("", "x")).collect();
        assert!(!warnings_only.has_errors());
        assert_eq!((&warnings_only).into_iter().count(), 1);
        assert_eq!(warnings_only.into_vec().len(), 1);
        assert_eq!(Diagnostics::default().to_string(), "");
        assert_eq!(Diagnostics::new(Vec::new()).into_iter().count(), 0);
    }

    #[test]
    fn secret_paths() {
        let table = [
            ("runnerToken", true),
            ("runnerRegistrationToken", true),
            ("runners.token", true),
            ("runners.tokens[1]", true),
            ("runners.cache.s3.accessKey", true),
            ("runners.cache.s3.secretKey", true),
            ("gcs.privateKey", true),
            ("a.apiKey", true),
            ("a.API_KEY", true),
            ("a.key", true),
            ("a.sshKeys[0]", true),
            ("runners.secret", true),
            ("a.secrets", true),
            ("oauth.clientSecret", true),
            ("db.password", true),
            ("db.PASSWORD", true),
            ("db.passwd", true),
            ("ssh.passphrase", true),
            ("runners.cache.secretName", false),
            ("certsSecretName", false),
            ("runners.tokenSecretName", false),
            ("imagePullSecrets", false),
            ("imagePullSecrets[0].name", false),
            ("tolerations[0].key", false),
            ("runners.tolerations[2].key", false),
            (
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
                false,
            ),
            ("affinity.x.matchFields[1].key", false),
            ("envVars[0].name", false),
            ("envVars[0].value", false),
            ("x.valueFrom.secretKeyRef.key", false),
            ("x.valueFrom.configMapKeyRef.key", false),
            ("volumes[0].secret.items[0].key", false),
            ("podAntiAffinity.x[0].topologyKey", false),
            ("podLabels.api-key", false),
            ("podAnnotations.\"vault.io/token\"", false),
            ("nodeSelector.key", false),
            ("gitlabUrl", false),
            ("concurrent", false),
            ("runners.tags", false),
            ("", false),
            ("[0]", false),
            ("tolerations[0].operator", false),
        ];
        for (path, secret) in table {
            assert_eq!(is_secret_path(&p(path)), secret, "{path}");
        }
        assert!(is_secret_key("runnerToken"));
        assert!(!is_secret_key("secretName"));
        assert!(is_secret_key("key"));
        assert_eq!(redact("glrt-abc"), "***");
        assert_eq!(redact(""), "");
    }
}
