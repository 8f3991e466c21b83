//! The installed program: the `gitlab-runner-chart` binary that `cargo install` builds (cargo
//! builds it for this test: `CARGO_BIN_EXE_gitlab-runner-chart`), its colors on a terminal,
//! and the published package holding what it needs.
//!
//! The flags themselves are tested on the `render` example (tests/cli.rs, tests/bad.rs): both
//! run the same code, which `the_binary_and_the_example_are_one_program` checks.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};

const BINARY: &str = env!("CARGO_BIN_EXE_gitlab-runner-chart");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Values with one error (a cache type that does not exist), in `tests/bad`.
const BAD_VALUES: &str = "tests/bad/cache-type-invalid/values.yaml";

fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(ROOT)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run the program")
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

#[test]
fn help_and_version_name_the_program() {
    let output = run(Path::new(BINARY), &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout);
    assert!(
        help.contains("Usage: gitlab-runner-chart [OPTIONS] [RELEASE] [CHART]"),
        "{help}"
    );
    assert!(
        help.contains("  gitlab-runner-chart ci -n gitlab -f values.yaml | kubectl apply -f -"),
        "{help}"
    );
    assert!(!help.contains("render ci"), "{help}");
    assert_eq!(text(&output.stderr), "");

    let output = run(Path::new(BINARY), &["-V"]);
    assert_eq!(
        text(&output.stdout),
        format!("gitlab-runner-chart {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_binary_renders_what_the_library_renders() {
    let output = run(
        Path::new(BINARY),
        &["ci", "-n", "gitlab", "--set", "runnerToken=glrt-x"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "", "no diagnostics");
    let mut values = Values::new();
    values.set("runnerToken=glrt-x").unwrap();
    let renderer = Renderer::new(Chart::builtin()).unwrap();
    let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
    let expected = renderer.render(&values, &options).unwrap().to_string();
    assert_eq!(text(&output.stdout), expected);
}

#[test]
fn the_binary_and_the_example_are_one_program() {
    let example = support::render_example();
    for args in [
        &["ci", "-f", BAD_VALUES][..],
        &["ci", "--set", "hostAliases[x].ip=1"],
        &["ci", "--show-values"],
        &["ci", "--bogus"],
    ] {
        let binary = run(Path::new(BINARY), args);
        let example = run(&example, args);
        assert_eq!(binary.status.code(), example.status.code(), "{args:?}");
        assert_eq!(binary.stdout, example.stdout, "{args:?}");
        // clap's usage message names the program
        let example_stderr = text(&example.stderr).replace("render", "gitlab-runner-chart");
        assert_eq!(text(&binary.stderr), example_stderr, "{args:?}");
    }
}

#[test]
fn diagnostics_through_a_pipe_have_no_colors() {
    let output = run(Path::new(BINARY), &["ci", "-f", BAD_VALUES]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "", "diagnostics never go to stdout");
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: runners.cache.cacheType"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

/// Runs the binary with `args` under a pseudo-terminal (util-linux `script`), `NO_COLOR` set
/// to `no_color` or removed; returns what the terminal shows (stdout and stderr, `\r\n`).
fn run_in_terminal(args: &str, no_color: Option<&str>) -> String {
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c"])
        .arg(format!("'{BINARY}' {args}"))
        .arg("/dev/null")
        .current_dir(ROOT)
        .stdin(Stdio::null());
    match no_color {
        Some(value) => command.env("NO_COLOR", value),
        None => command.env_remove("NO_COLOR"),
    };
    let output = command
        .output()
        .expect("run `script` (util-linux) for a pseudo-terminal");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn diagnostics_on_a_terminal_are_colored_unless_no_color_is_set() {
    let args = format!("ci -f {BAD_VALUES}");
    let colored = run_in_terminal(&args, None);
    // rustc's colors, as annotate-snippets draws them: a bold bright red `error` and carets,
    // the message in bold, the arrow and the gutter in bold bright blue
    const RED: &str = "\x1b[1m\x1b[91m";
    const BLUE: &str = "\x1b[1m\x1b[94m";
    assert!(
        colored.starts_with(&format!(
            "{RED}error\x1b[0m\x1b[1m: runners.cache.cacheType: expected one of"
        )),
        "{colored:?}"
    );
    assert!(
        colored.contains(&format!("{BLUE}--> \x1b[0m")),
        "{colored:?}"
    );
    assert!(colored.contains(&format!("{BLUE}|\x1b[0m")), "{colored:?}");
    assert!(colored.contains(&format!("{RED}^^\x1b[0m")), "{colored:?}");
    // an empty NO_COLOR counts as unset
    assert_eq!(run_in_terminal(&args, Some("")), colored);

    let plain = run_in_terminal(&args, Some("1"));
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let piped = run(Path::new(BINARY), &["ci", "-f", BAD_VALUES]);
    assert_eq!(plain, text(&piped.stderr).replace('\n', "\r\n"));
}

/// The files of the published package, as `cargo package --list` gives them.
fn package_files() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
        .expect("run cargo package --list");
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout).lines().map(str::to_string).collect()
}

#[test]
fn the_published_package_has_the_binary_and_no_tests_examples_or_benches() {
    let files = package_files();
    let bin_dir = Path::new(ROOT).join("src/bin/gitlab-runner-chart");
    let mut sources = Vec::new();
    let mut dirs = vec![bin_dir];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let relative = path.strip_prefix(ROOT).unwrap();
                sources.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    assert!(sources.contains(&"src/bin/gitlab-runner-chart/main.rs".to_string()));
    for source in &sources {
        assert!(files.contains(source), "{source} is not in the package");
    }
    for file in &files {
        assert!(
            !["examples/", "tests/", "benches/", "fuzz/", ".ci/"]
                .iter()
                .any(|dir| file.starts_with(dir)),
            "{file} is in the package"
        );
    }
}
