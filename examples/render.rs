//! `render`: the GitLab Runner chart rendered like `helm template`, without helm.
//!
//! ```text
//! cargo run --example render -- [RELEASE] [-n NS] [-f FILE]... [--set K=V]... [--set-string K=V]...
//!                                [--kube-version X.Y[.Z]] [--chart-dir DIR]
//! ```
//! Manifests go to stdout (pipe them to `kubectl apply -f -`), warnings and errors to stderr.
//! Exit codes: 0 rendered, 1 invalid input (values, release, template), 2 bad usage.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clap::Parser;
use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, UserValues};

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

    /// Render another chart directory (Chart.yaml, values.yaml, templates/) instead of the
    /// builtin GitLab Runner chart.
    #[arg(long, value_name = "DIR")]
    chart_dir: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(output) => {
            // A reader that stops early (`| head`) is not an error of ours.
            match std::io::stdout().lock().write_all(output.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("Error: cannot write the manifests: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(message) => {
            eprintln!("Error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    let release = Release::new(&args.release, &args.namespace).map_err(|e| e.to_string())?;
    let kube_version: KubeVersion = args
        .kube_version
        .parse()
        .map_err(|e| format!("--kube-version: {e}"))?;
    let chart = match &args.chart_dir {
        Some(dir) => Chart::from_dir(dir).map_err(|e| e.to_string())?,
        None => Chart::builtin(),
    };
    let mut values = UserValues::new();
    if args.values.iter().filter(|f| *f == "-").count() > 1 {
        return Err(
            "-f - is given more than once: standard input can be read only once".to_string(),
        );
    }
    for file in &args.values {
        let (name, text) = read_values_file(file)?;
        values.add_yaml(&name, &text).map_err(|e| e.to_string())?;
    }
    for expr in &args.set {
        values.set(expr).map_err(|e| e.to_string())?;
    }
    for expr in &args.set_string {
        values.set_string(expr).map_err(|e| e.to_string())?;
    }
    let renderer = Renderer::new(chart).map_err(|e| e.to_string())?;
    let options = RenderOptions::new(release).with_kube_version(kube_version);
    let manifests = renderer
        .render(&values, &options)
        .map_err(|e| e.to_string())?;
    for warning in manifests.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(manifests.to_string())
}

/// The name used in messages and the text of a `-f` argument.
fn read_values_file(file: &str) -> Result<(String, String), String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read values from standard input: {e}"))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read values file {file}: {e}"))?;
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
