//! Colors for the reports on stderr, as rustc colors its own: a bold red `error`, a bold
//! yellow `warning`, the message in bold, the `-->`, the gutter (`12 |`) and `=` in bold blue,
//! the carets in the color of their diagnostic.
//!
//! The library's reports are plain text ([`gitlab_runner_chart::Diagnostics`]' `Display`);
//! [`colorize`] adds the escape codes to the lines it knows, by their shape, and leaves every
//! other line and the quoted text of the values as they are. Colors are used only when stderr
//! is a terminal and `NO_COLOR` is not set to a non-empty value ([`enabled`]): a pipe, a file
//! or a CI log gets the plain text.

use std::ffi::OsStr;
use std::io::IsTerminal;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";

/// Whether reports written to `stderr` get colors: it is a terminal and `NO_COLOR` is unset or
/// empty (<https://no-color.org>).
pub fn enabled(stderr: &impl IsTerminal) -> bool {
    wanted(
        stderr.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// [`enabled`] for a stream that is (or is not) a terminal and the value of `NO_COLOR`.
fn wanted(terminal: bool, no_color: Option<&OsStr>) -> bool {
    terminal && no_color.is_none_or(OsStr::is_empty)
}

/// What the next gutter line with text is, in a snippet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The quoted line of the values file or `--set` expression (after a `-->` line).
    Source,
    /// The carets under it.
    Carets,
    /// Neither: text after the gutter stays as it is.
    Nothing,
}

/// `report` (plain text, lines as the library and the command line print them) with rustc's
/// colors. Lines of other shapes are left as they are.
pub fn colorize(report: &str) -> String {
    let mut out = String::with_capacity(report.len() + report.len() / 4);
    // the color of the carets: that of the last `error`/`warning` line
    let mut severity = RED;
    let mut expect = Expect::Nothing;
    for (i, line) in report.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if let Some((color, label, rest)) = severity_line(line) {
            severity = color;
            expect = Expect::Nothing;
            out.push_str(&format!("{color}{label}{RESET}{BOLD}{rest}{RESET}"));
        } else if let Some((indent, rest)) = arrow_line(line) {
            expect = Expect::Source;
            out.push_str(&format!("{indent}{BLUE}-->{RESET}{rest}"));
        } else if let Some((gutter, text)) = gutter_line(line) {
            out.push_str(&format!("{BLUE}{gutter}{RESET}"));
            if text.is_empty() {
                continue;
            }
            out.push(' ');
            match expect {
                Expect::Source => {
                    out.push_str(text);
                    expect = Expect::Carets;
                }
                Expect::Carets if is_carets(text) => {
                    push_carets(&mut out, text, severity);
                    expect = Expect::Nothing;
                }
                _ => out.push_str(text),
            }
        } else if let Some((indent, kind, rest)) = note_line(line) {
            out.push_str(&format!("{indent}{BLUE}={RESET} {BOLD}{kind}{RESET}{rest}"));
        } else if is_carets(line) {
            // the caret under a `--set` expression quoted in a message
            push_carets(&mut out, line, severity);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `error: ...`, `Error: ...`, `warning: ...`: the label's color, the label, and the rest
/// (from the colon).
fn severity_line(line: &str) -> Option<(&'static str, &str, &str)> {
    [("error", RED), ("Error", RED), ("warning", YELLOW)]
        .into_iter()
        .find_map(|(label, color)| {
            let rest = line.strip_prefix(label)?;
            rest.starts_with(": ")
                .then(|| (color, &line[..label.len()], rest))
        })
}

/// `  --> values.yaml:3:16`: the indent and what follows the arrow.
fn arrow_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start_matches(' ');
    let after = rest.strip_prefix("-->")?;
    (after.is_empty() || after.starts_with(' ')).then(|| (&line[..line.len() - rest.len()], after))
}

/// `12 | text`, `   | text` or `   |`: the gutter up to and including `|`, and the text after
/// `| ` (empty when there is none).
fn gutter_line(line: &str) -> Option<(&str, &str)> {
    let bar = line.find('|')?;
    let label = line[..bar].strip_suffix(' ')?;
    let number = label.trim_start_matches(' ');
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let after = &line[bar + 1..];
    match after.strip_prefix(' ') {
        Some(text) => Some((&line[..=bar], text)),
        None if after.is_empty() => Some((line, "")),
        None => None,
    }
}

/// `   = help: text` or `   = note: text`: the indent, `help` or `note`, and the rest (from
/// the colon).
fn note_line(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.trim_start_matches(' ');
    let indent = &line[..line.len() - rest.len()];
    let rest = rest.strip_prefix("= ")?;
    ["help", "note"].into_iter().find_map(|kind| {
        let after = rest.strip_prefix(kind)?;
        after
            .starts_with(':')
            .then(|| (indent, &rest[..kind.len()], after))
    })
}

/// Whether `text` is spaces and at least one `^`, nothing else.
fn is_carets(text: &str) -> bool {
    text.contains('^') && text.bytes().all(|b| b == b' ' || b == b'^')
}

/// `text` (spaces, then carets) with the carets in `color`.
fn push_carets(out: &mut String, text: &str, color: &str) {
    let carets = text.trim_start_matches(' ');
    out.push_str(&text[..text.len() - carets.len()]);
    out.push_str(&format!("{color}{carets}{RESET}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The colored text with `<red>`, `<yellow>`, `<blue>`, `<bold>` and `</>` for the codes.
    fn tags(colored: &str) -> String {
        colored
            .replace(RED, "<red>")
            .replace(YELLOW, "<yellow>")
            .replace(BLUE, "<blue>")
            .replace(BOLD, "<bold>")
            .replace(RESET, "</>")
    }

    #[test]
    fn colors_are_wanted_on_a_terminal_without_no_color() {
        assert!(wanted(true, None));
        assert!(
            wanted(true, Some(OsStr::new(""))),
            "an empty NO_COLOR is unset"
        );
        assert!(!wanted(true, Some(OsStr::new("1"))));
        assert!(!wanted(false, None));
        assert!(!wanted(false, Some(OsStr::new("1"))));
    }

    #[test]
    fn an_error_report_is_colored_as_rustc_colors_one() {
        let report = "\
error: runners.cache.cacheType: expected one of \"s3\", \"gcs\", found \"s4\"
  --> values.yaml:12:16
   |
12 |     cacheType: s4
   |                ^^
   = help: did you mean `s3`?

error: 1 problem in the values";
        assert_eq!(
            tags(&colorize(report)),
            "\
<red>error</><bold>: runners.cache.cacheType: expected one of \"s3\", \"gcs\", found \"s4\"</>
  <blue>--></> values.yaml:12:16
<blue>   |</>
<blue>12 |</>     cacheType: s4
<blue>   |</>                <red>^^</>
   <blue>=</> <bold>help</>: did you mean `s3`?

<red>error</><bold>: 1 problem in the values</>"
        );
    }

    #[test]
    fn warnings_have_yellow_carets_and_set_expressions_are_quoted_plain() {
        let report = "\
warning: runners.tags: ignored
  --> --set
   | runners.tags=^^
   |              ^^
   = note: the keys of `runners`: cache, tags
warning: 1 possible problem in the values";
        assert_eq!(
            tags(&colorize(report)),
            "\
<yellow>warning</><bold>: runners.tags: ignored</>
  <blue>--></> --set
<blue>   |</> runners.tags=^^
<blue>   |</>              <yellow>^^</>
   <blue>=</> <bold>note</>: the keys of `runners`: cache, tags
<yellow>warning</><bold>: 1 possible problem in the values</>"
        );
    }

    #[test]
    fn a_quoted_line_is_never_colored_even_when_it_looks_like_a_report() {
        // the quoted line of a values file is shown as it is, whatever it holds
        let report = "\
error: a: bad
 --> values.yaml:1:1
  |
1 | error: --> | = help: x
  | ^";
        assert_eq!(
            tags(&colorize(report)),
            "\
<red>error</><bold>: a: bad</>
 <blue>--></> values.yaml:1:1
<blue>  |</>
<blue>1 |</> error: --> | = help: x
<blue>  |</> <red>^</>"
        );
    }

    #[test]
    fn messages_of_the_command_line_are_colored_too() {
        let report = "\
Error: --set: invalid expression `a[x]=1` at column 3: list index \"x\" is not a number
  a[x]=1
    ^";
        assert_eq!(
            tags(&colorize(report)),
            "\
<red>Error</><bold>: --set: invalid expression `a[x]=1` at column 3: list index \"x\" is not a number</>
  a[x]=1
    <red>^</>"
        );
    }

    #[test]
    fn other_lines_are_left_as_they_are() {
        for line in [
            "wrote out/gitlab-runner/templates/secrets.yaml",
            "errors: 2",
            "a | b",
            "x-->y",
            "= help",
            "",
        ] {
            assert_eq!(colorize(line), line);
        }
    }
}
