//! The command line of `gitlab-runner-chart` (also run as the `render` example): the GitLab
//! Runner chart rendered like `helm template`, without helm.
//!
//! ```text
//! gitlab-runner-chart [RELEASE] [CHART] [-n NS] [-f FILE[,FILE]]... [--set K=V]...
//!     [--set-string K=V]... [--set-json K=JSON]... [--set-file K=PATH]... [-s TEMPLATE]...
//!     [--output-dir DIR [--release-name]] [--kube-version X.Y[.Z]] [-a G/V]... [--version X]
//!     [--chart NAME | --chart-dir DIR] [--no-strict] [--skip-schema-validation]
//!     [--values-schema | --show-values]
//! ```
//! Manifests go to stdout (pipe them to `kubectl apply -f -`) or to files (`--output-dir`),
//! warnings and errors to stderr, drawn by `annotate-snippets` (through
//! [`gitlab_runner_chart::Diagnostic::render`]), in color when stderr is a terminal and
//! `NO_COLOR` is not set ([`report_style`]). Exit codes: 0 rendered, 1 invalid input (values, release, chart version,
//! template, `--show-only` matching nothing) or the manifests could not be written, 2 bad usage.
//!
//! Closed and full streams never make it panic:
//!
//! - a reader that stops early (`render | head -1`, a closed stdout pipe) ends the run quietly
//!   with the status of the render (0): the manifests were rendered, the reader wanted fewer of
//!   them; like `yes | head -1` under a shell that does not count SIGPIPE, and what
//!   `set -o pipefail` scripts with `| head` need;
//! - any other failure to write the manifests (`>/dev/full`) is reported on stderr, status 1;
//! - what cannot be written to stderr (closed, `2>/dev/full`) is dropped: the exit status still
//!   says what happened (0 rendered with warnings, 1 invalid input).
//!
//! This module is the one source of the command line: the binary
//! (`src/bin/gitlab-runner-chart/main.rs`) and the `render` example (`examples/render.rs`)
//! both include it and call [`main`] with their own name.

mod failure;
mod files;
mod set_flags;
mod show_only;

use std::ffi::OsStr;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::{ArgAction, CommandFactory as _, FromArgMatches as _, Parser, ValueEnum};
use gitlab_runner_chart::{
    Chart, Diagnostic, Diagnostics, KubeVersion, Release, RenderOptions, Renderer, ReportStyle,
    Values,
};

use failure::{Failure, render_message};
use files::{read_values_file, write_output_dir};
use set_flags::{add_set_file, add_set_json, set_file_assignments};
use show_only::show_only;

/// The text after the flags in `--help`, with the program's `name` in the examples.
fn after_help(name: &str) -> String {
    format!(
        "\
Embedded charts (the CHART argument or --chart):
  gitlab-runner          the GitLab Runner chart, values of the 2019 schema (chart 0.16: gitlabUrl,
                         runnerRegistrationToken, runners.image, ...); the default
  gitlab-runner-current  the GitLab Runner chart, values of today's official chart 0.86.0
                         (runners.config as a TOML template, image as a map, rbac.rules, ...);
                         also `current`
  shell                  one already registered runner with the shell executor (gitlabUrl,
                         runnerToken required)

Examples:
  {name} ci -n gitlab -f values.yaml | kubectl apply -f -
  {name} ci gitlab-runner-current -n gitlab -f values-for-chart-0.86.yaml
  {name} ci shell --set gitlabUrl=https://gitlab.example.com/ --set-file runnerToken=token.txt
  {name} ci ./my-chart -f a.yaml,b.yaml --show-only templates/deployment.yaml
  {name} ci --output-dir out && kubectl apply -R -f out

Exit codes: 0 rendered, 1 invalid values, chart or template (message on stderr), 2 bad usage."
    )
}

/// Render the GitLab Runner chart like `helm template`, offline.
#[derive(Debug, Parser)]
#[command(name = "render", version, about, disable_version_flag = true)]
struct Args {
    /// Release name (a DNS-1123 name of at most 53 characters), e.g. `ci`.
    #[arg(default_value = "release-name")]
    release: String,

    /// The chart: `gitlab-runner`, `gitlab-runner-current` or `shell` (embedded), or a chart
    /// directory, e.g.
    /// `./my-chart` (write `./shell` for a directory named like an embedded chart).
    #[arg(value_name = "CHART", conflicts_with_all = ["chart", "chart_dir"])]
    chart_arg: Option<String>,

    /// Namespace of the release, e.g. `-n gitlab`.
    #[arg(short, long, default_value = "default")]
    namespace: String,

    /// Values file to merge over the chart defaults, e.g. `-f a.yaml,b.yaml`; repeatable or
    /// comma-separated, later files win; `-` reads standard input.
    #[arg(
        short = 'f',
        long = "values",
        value_name = "FILE",
        value_delimiter = ','
    )]
    values: Vec<String>,

    /// Set a value, e.g. `--set a.b=c,d[0]=e`; numbers, booleans and null are typed. Applied
    /// after files and --set-json.
    #[arg(long = "set", value_name = "K=V")]
    set: Vec<String>,

    /// Set a value as a string (never typed), e.g. `--set-string image.tag=1.10`. Applied
    /// after every --set.
    #[arg(long = "set-string", value_name = "K=V")]
    set_string: Vec<String>,

    /// Set a value to JSON, e.g. `--set-json 'nodeSelector={"disk":"ssd"}'` (replaces what
    /// files set there); `a=1,b=[2]` sets two. Applied after files, before --set.
    #[arg(long = "set-json", value_name = "K=JSON")]
    set_json: Vec<String>,

    /// Set a value to the text of a file, e.g. `--set-file runnerToken=token.txt`;
    /// `k1=p1,k2=p2` sets two. Applied last (after --set-string).
    #[arg(long = "set-file", value_name = "K=PATH")]
    set_file: Vec<String>,

    /// Print only the manifests of a template, e.g. `-s templates/configmap.yaml`; repeatable;
    /// `*` and `?` match as in Helm. A template that renders nothing is an error.
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    show_only: Vec<String>,

    /// Write the manifests to files instead of stdout, e.g. `--output-dir out` writes
    /// `out/gitlab-runner/templates/deployment.yaml`, one file per template.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,

    /// With --output-dir, write under a directory named after the release, e.g.
    /// `out/ci/gitlab-runner/templates/...` (no name is ever generated).
    #[arg(long)]
    release_name: bool,

    /// Kubernetes version to render for (selects API versions, e.g. autoscaling/v2 from 1.23),
    /// e.g. `--kube-version 1.30`.
    #[arg(long, value_name = "X.Y[.Z]", default_value_t = KubeVersion::DEFAULT.to_string())]
    kube_version: String,

    /// An API version the cluster serves, for `Capabilities.APIVersions`, e.g.
    /// `-a monitoring.coreos.com/v1`; repeatable or comma-separated.
    #[arg(short = 'a', long, value_name = "G/V", value_delimiter = ',')]
    api_versions: Vec<String>,

    /// Fail unless the chart has this version (Chart.yaml `version`), e.g. `--version 0.1.0`.
    #[arg(long, value_name = "X")]
    version: Option<String>,

    /// Which embedded chart to render, e.g. `--chart shell` (same as the CHART argument).
    #[arg(long, value_enum, value_name = "NAME", default_value_t = BuiltinChart::GitlabRunner)]
    chart: BuiltinChart,

    /// Render a chart directory (Chart.yaml, values.yaml, values.schema.json, templates/)
    /// instead of an embedded chart, e.g. `--chart-dir ./my-chart`.
    #[arg(long, value_name = "DIR", conflicts_with = "chart")]
    chart_dir: Option<String>,

    /// Report unknown keys in the values as warnings instead of errors (for values files
    /// shared with other tools).
    #[arg(long)]
    no_strict: bool,

    /// Render without checking the values against the chart's schema (as Helm's flag of the
    /// same name); the output is still quoted safely, but may not be valid for Kubernetes.
    #[arg(long)]
    skip_schema_validation: bool,

    /// Print the JSON Schema of the chart's values and exit.
    #[arg(long, conflicts_with = "show_values")]
    values_schema: bool,

    /// Print the chart's default values.yaml and exit (as `helm show values`).
    #[arg(long)]
    show_values: bool,

    /// Print the program version and exit.
    #[arg(short = 'V', action = ArgAction::Version)]
    program_version: Option<bool>,
}

/// The charts compiled into the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BuiltinChart {
    /// The GitLab Runner chart, values of the 2019 schema (chart 0.16)
    GitlabRunner,
    /// The GitLab Runner chart, values of today's official chart 0.86.0
    #[value(alias = "current")]
    GitlabRunnerCurrent,
    /// One already registered runner with the shell executor: config.toml in a Secret
    /// (gitlabUrl, runnerToken required), no registration
    Shell,
}

impl BuiltinChart {
    fn load(self) -> Chart {
        match self {
            BuiltinChart::GitlabRunner => Chart::builtin(),
            BuiltinChart::GitlabRunnerCurrent => Chart::current(),
            BuiltinChart::Shell => Chart::shell(),
        }
    }
}

/// Runs the command line as the program `name` (in `--help`, `-V` and usage messages).
pub fn main(name: &'static str) -> u8 {
    // clap prints `--help`, `--version` and usage errors itself, ignoring write errors.
    let matches = Args::command()
        .name(name)
        .bin_name(name)
        .after_help(after_help(name))
        .get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    match run(&args) {
        Ok(output) => write_manifests(&output),
        Err(failure) => {
            to_stderr(|style| failure.report(style));
            1
        }
    }
}

/// Writes the manifests to stdout: 0 when written or when the reader stopped early (a closed
/// pipe), 1 (with a message on stderr) when stdout cannot take them.
fn write_manifests(output: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let message = format!("cannot write the manifests: {e}");
            to_stderr(|style| render_message(&message, style));
            1
        }
    }
}

/// Writes the report drawn by `draw` in the [`report_style`] of stderr, and a line break. A
/// stderr that is closed or full cannot be told about it: the error is dropped (`eprintln!`
/// would panic), the exit status still tells.
fn to_stderr(draw: impl FnOnce(ReportStyle) -> String) {
    let mut stderr = std::io::stderr().lock();
    let text = draw(report_style(&stderr));
    let _ = writeln!(stderr, "{text}").and_then(|()| stderr.flush());
}

/// Colors ([`ReportStyle::Colored`]) when `stderr` is a terminal and `NO_COLOR` is unset or
/// empty (<https://no-color.org>); plain text for a pipe, a file or a CI log.
fn report_style(stderr: &impl IsTerminal) -> ReportStyle {
    style_for(
        stderr.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// [`report_style`] for a stream that is (or is not) a terminal and the value of `NO_COLOR`.
fn style_for(terminal: bool, no_color: Option<&OsStr>) -> ReportStyle {
    if terminal && no_color.is_none_or(OsStr::is_empty) {
        ReportStyle::Colored
    } else {
        ReportStyle::Plain
    }
}

fn run(args: &Args) -> Result<String, Failure> {
    let chart = choose_chart(args)?;
    check_chart_version(&chart, args.version.as_deref())?;
    if args.values_schema {
        return match chart.values_schema_json() {
            Some(schema) => Ok(format!("{schema}\n")),
            None => Err(Failure::Message(
                "the chart has no values.schema.json".to_string(),
            )),
        };
    }
    if args.show_values {
        return Ok(chart.values_yaml().to_string());
    }
    let release = Release::new(&args.release, &args.namespace)?;
    let kube_version: KubeVersion = args
        .kube_version
        .parse()
        .map_err(|e| Failure::Message(format!("--kube-version: {e}")))?;
    let values = user_values(args)?;
    let chart = if args.skip_schema_validation {
        chart.without_schema()
    } else {
        chart
    };
    let renderer = Renderer::new(chart)?;
    let options = RenderOptions::new(release)
        .with_kube_version(kube_version)
        .with_api_versions(args.api_versions.clone())
        .with_strict(!args.no_strict);
    let manifests = match renderer.render(&values, &options) {
        Ok(manifests) => manifests,
        Err(e) => return Err(Failure::values(e)),
    };
    if !manifests.warnings().is_empty() {
        let warnings = Diagnostics(manifests.warnings().to_vec());
        to_stderr(|style| warnings.render(style));
    }
    let chart_name = &renderer.chart().metadata().name;
    let shown = show_only(manifests.iter().collect(), &args.show_only, chart_name)?;
    let output = match &args.output_dir {
        Some(dir) => {
            let dir = if args.release_name {
                dir.join(&args.release)
            } else {
                dir.clone()
            };
            write_output_dir(&dir, &shown)
        }
        None => {
            // each printed as `---\n# Source: <source>\n<content>\n`, into one text sized
            // for all of them (a text grown piece by piece is copied at each growth)
            let size = shown
                .iter()
                .map(|m| m.source().len() + m.content().len() + 16);
            let mut text = String::with_capacity(size.sum());
            for manifest in &shown {
                use std::fmt::Write as _;
                write!(text, "{manifest}").expect("a String takes any text");
            }
            Ok(text)
        }
    };
    // The process ends next and the system takes its memory back at once: freeing the compiled
    // chart and the rendered objects node by node would cost about a tenth of the run.
    std::mem::forget(manifests);
    std::mem::forget(renderer);
    std::mem::forget(values);
    output
}

/// The chart named by the CHART argument, `--chart-dir` or `--chart`.
fn choose_chart(args: &Args) -> Result<Chart, Failure> {
    if let Some(dir) = &args.chart_dir {
        return Ok(Chart::from_dir(dir)?);
    }
    let Some(name) = &args.chart_arg else {
        return Ok(args.chart.load());
    };
    if let Ok(builtin) = BuiltinChart::from_str(name, false) {
        return Ok(builtin.load());
    }
    if Path::new(name).is_dir() {
        return Ok(Chart::from_dir(name)?);
    }
    Err(Failure::Message(format!(
        "chart {name:?} is neither a chart directory nor an embedded chart (gitlab-runner, shell)"
    )))
}

/// `--version X`: the chart must have version `X` (Chart.yaml `version`; a leading `v` is
/// ignored on both sides).
fn check_chart_version(chart: &Chart, wanted: Option<&str>) -> Result<(), Failure> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let metadata = chart.metadata();
    let bare = |v: &str| v.strip_prefix('v').unwrap_or(v).to_string();
    if bare(wanted) == bare(&metadata.version) {
        return Ok(());
    }
    Err(Failure::Message(format!(
        "--version {wanted}: chart {} is version {}",
        metadata.name, metadata.version
    )))
}

/// The user values in Helm's order: `-f` files, `--set-json`, `--set`, `--set-string`,
/// `--set-file` (each in the order given).
fn user_values(args: &Args) -> Result<Values, Failure> {
    let mut values = Values::new();
    let set_files = args
        .set_file
        .iter()
        .map(|expr| set_file_assignments(expr))
        .collect::<Result<Vec<_>, _>>()?;
    let stdin_readers = args.values.iter().filter(|f| *f == "-").count()
        + set_files.iter().flatten().filter(|(_, p)| p == "-").count();
    if stdin_readers > 1 {
        return Err(Failure::Message(
            "`-` (standard input) is given more than once to -f or --set-file: it can be read only once".to_string(),
        ));
    }
    // Every file and expression is read, so that one run reports every broken input at once
    // (a broken YAML file does not hide a bad --set, nor another broken file).
    let mut problems = Vec::new();
    for file in &args.values {
        match read_values_file(file) {
            Ok((name, text)) => {
                if let Err(e) = values.add_yaml(&name, &text) {
                    problems.push(Failure::values(e));
                }
            }
            Err(e) => problems.push(e.into()),
        }
    }
    for expr in &args.set_json {
        if let Err(e) = add_set_json(&mut values, expr) {
            problems.push(e.into());
        }
    }
    for expr in &args.set {
        if let Err(e) = values.set(expr) {
            problems.push(Failure::values(e));
        }
    }
    for expr in &args.set_string {
        if let Err(e) = values.set_string(expr) {
            problems.push(Failure::values(e));
        }
    }
    for pairs in &set_files {
        if let Err(failure) = add_set_file(&mut values, pairs) {
            problems.push(failure);
        }
    }
    if problems.len() == 1 {
        return Err(problems.remove(0));
    }
    if !problems.is_empty() {
        let diagnostics = problems
            .into_iter()
            .flat_map(|p| match p {
                Failure::Message(message) => vec![Diagnostic::error("", message)],
                Failure::Invalid(diagnostics) => diagnostics.into_vec(),
                Failure::Unreadable(diagnostics) => diagnostics,
            })
            .collect();
        return Err(Failure::Unreadable(diagnostics));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_only_on_a_terminal_without_no_color() {
        assert_eq!(style_for(true, None), ReportStyle::Colored);
        // an empty NO_COLOR counts as unset
        assert_eq!(style_for(true, Some(OsStr::new(""))), ReportStyle::Colored);
        assert_eq!(style_for(true, Some(OsStr::new("1"))), ReportStyle::Plain);
        assert_eq!(style_for(false, None), ReportStyle::Plain);
        assert_eq!(style_for(false, Some(OsStr::new("1"))), ReportStyle::Plain);
    }
}
