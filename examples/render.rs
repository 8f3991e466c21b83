//! `render`: the GitLab Runner chart rendered like `helm template`, without helm.
//!
//! ```text
//! cargo run --example render -- [RELEASE] [-n NS] [-f FILE]... [--set K=V]... [--set-string K=V]...
//!                                [--kube-version X.Y[.Z]] [--chart NAME | --chart-dir DIR] [--no-strict]
//!                                [--values-schema]
//! ```
//! Manifests go to stdout (pipe them to `kubectl apply -f -`), warnings and errors to stderr.
//! Exit codes: 0 rendered, 1 invalid input (values, release, template) or the manifests could
//! not be written, 2 bad usage.
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

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use gitlab_runner_chart::{
    Chart, Diagnostics, Error, KubeVersion, Release, RenderOptions, Renderer, UserValues,
    ValuesError,
};

/// Render the GitLab Runner chart like `helm template`, offline.
#[derive(Debug, Parser)]
#[command(name = "render", version, about)]
struct Args {
    /// Release name (a DNS-1123 name of at most 53 characters).
    #[arg(default_value = "release-name")]
    release: String,

    /// Namespace of the release.
    #[arg(short, long, default_value = "default")]
    namespace: String,

    /// Values file to merge over the chart defaults; repeatable, later files win; `-` reads
    /// standard input.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<String>,

    /// Set a value (`a.b=c,d[0]=e`; numbers, booleans and null are typed). Applied after files.
    #[arg(long = "set", value_name = "K=V")]
    set: Vec<String>,

    /// Set a value as a string (never typed). Applied after every --set.
    #[arg(long = "set-string", value_name = "K=V")]
    set_string: Vec<String>,

    /// Kubernetes version to render for (selects API versions, e.g. autoscaling/v2 from 1.23).
    #[arg(long, value_name = "X.Y[.Z]", default_value_t = KubeVersion::DEFAULT.to_string())]
    kube_version: String,

    /// Which of the charts compiled in to render.
    #[arg(long, value_enum, value_name = "NAME", default_value_t = BuiltinChart::GitlabRunner)]
    chart: BuiltinChart,

    /// Render another chart directory (Chart.yaml, values.yaml, values.schema.json,
    /// templates/) instead of a builtin chart.
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
    #[arg(long)]
    values_schema: bool,
}

/// The charts compiled into the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BuiltinChart {
    /// The GitLab Runner chart (kubernetes executor; registers the runner when the pod starts)
    GitlabRunner,
    /// One already registered runner with the shell executor: config.toml in a Secret
    /// (gitlabUrl, runnerToken required), no registration
    Shell,
}

/// How a run fails: a one-line message, or a report of diagnostics printed as is.
enum Failure {
    Message(String),
    Report(String),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Message(e.to_string())
    }
}

fn main() -> ExitCode {
    // clap prints `--help`, `--version` and usage errors itself, ignoring write errors.
    let args = Args::parse();
    match run(&args) {
        Ok(output) => write_manifests(&output),
        Err(Failure::Message(message)) => {
            to_stderr(&format!("Error: {message}"));
            ExitCode::from(1)
        }
        Err(Failure::Report(report)) => {
            to_stderr(&report);
            ExitCode::from(1)
        }
    }
}

/// Writes the manifests to stdout: 0 when written or when the reader stopped early (a closed
/// pipe), 1 (with a message on stderr) when stdout cannot take them.
fn write_manifests(output: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            to_stderr(&format!("Error: cannot write the manifests: {e}"));
            ExitCode::from(1)
        }
    }
}

/// Writes `text` and a line break to stderr. A stderr that is closed or full cannot be told
/// about it: the error is dropped (`eprintln!` would panic), the exit status still tells.
fn to_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}").and_then(|()| stderr.flush());
}

fn run(args: &Args) -> Result<String, Failure> {
    let chart = match &args.chart_dir {
        Some(dir) => Chart::from_dir(dir)?,
        None => match args.chart {
            BuiltinChart::GitlabRunner => Chart::builtin(),
            BuiltinChart::Shell => Chart::shell(),
        },
    };
    if args.values_schema {
        return match chart.schema() {
            Some(schema) => Ok(format!("{}\n", serde_json::to_string_pretty(schema)?)),
            None => Err(Failure::Message(
                "the chart has no values.schema.json".to_string(),
            )),
        };
    }
    let release = Release::new(&args.release, &args.namespace)?;
    let kube_version: KubeVersion = args
        .kube_version
        .parse()
        .map_err(|e| Failure::Message(format!("--kube-version: {e}")))?;
    let mut values = UserValues::new();
    if args.values.iter().filter(|f| *f == "-").count() > 1 {
        return Err(Failure::Message(
            "-f - is given more than once: standard input can be read only once".to_string(),
        ));
    }
    // Every file and expression is read, so that one run reports every broken input at once
    // (a broken YAML file does not hide a bad --set, nor another broken file).
    let mut problems = Vec::new();
    for file in &args.values {
        match read_values_file(file) {
            Ok((name, text)) => {
                if let Err(e) = values.add_yaml(&name, &text) {
                    problems.push(match e {
                        // already a report with the line and a caret
                        ValuesError::Yaml { .. } => Failure::Report(e.to_string()),
                        other => other.into(),
                    });
                }
            }
            Err(message) => problems.push(Failure::Message(message)),
        }
    }
    for expr in &args.set {
        if let Err(e) = values.set(expr) {
            problems.push(e.into());
        }
    }
    for expr in &args.set_string {
        if let Err(e) = values.set_string(expr) {
            problems.push(e.into());
        }
    }
    if problems.len() == 1 {
        return Err(problems.remove(0));
    }
    if !problems.is_empty() {
        let n = problems.len();
        let mut report: Vec<String> = problems
            .into_iter()
            .map(|p| match p {
                Failure::Report(report) => report,
                Failure::Message(message) => format!("error: {message}"),
            })
            .collect();
        report.push(format!("error: {n} inputs could not be read"));
        return Err(Failure::Report(report.join("\n\n")));
    }
    let chart = if args.skip_schema_validation {
        chart.with_schema(None)
    } else {
        chart
    };
    let renderer = Renderer::new(chart)?;
    let options = RenderOptions::new(release)
        .with_kube_version(kube_version)
        .with_strict(!args.no_strict);
    let manifests = match renderer.render(&values, &options) {
        Ok(manifests) => manifests,
        Err(Error::Invalid(diagnostics)) => return Err(Failure::Report(diagnostics.to_string())),
        Err(e) => return Err(e.into()),
    };
    if !manifests.warnings().is_empty() {
        to_stderr(&Diagnostics(manifests.warnings().to_vec()).to_string());
    }
    Ok(manifests.to_string())
}

/// The name used in messages and the text of a `-f` argument.
fn read_values_file(file: &str) -> Result<(String, String), String> {
    // Read at most one byte more than the library accepts: a huge file (or an endless pipe)
    // is refused without being read whole.
    let limit = gitlab_runner_chart::values::load::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let (name, read) = if file == "-" {
        (
            "<stdin>".to_string(),
            std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
        )
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|e| format!("cannot read values file {file}: {e}"))?;
        (file.to_string(), opened.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| match file {
        "-" => format!("cannot read values from standard input: {e}"),
        _ => format!("cannot read values file {file}: {e}"),
    })?;
    let file = name.as_str();
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        format!(
            "{file}:{line}:{column}: the file is not valid UTF-8 (YAML files must be UTF-8 text)"
        )
    })?;
    Ok((file.to_string(), text))
}
