//! The `render` example binary (`examples/render.rs`, which runs the code of the
//! `gitlab-runner-chart` binary, `src/bin/gitlab-runner-chart/cli/`): arguments, exit codes,
//! stdout and stderr.
//!
//! `cargo test` builds the examples before it runs the tests; these tests run the binary it
//! built (`<target>/<profile>/examples/render`). Its stdout is compared with a render through
//! the library API in this process, which also catches a stale binary.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, Values};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `<target>/<profile>/examples/render`, found from this test binary
/// (`<target>/<profile>/deps/cli-<hash>`).
fn binary() -> PathBuf {
    support::render_example()
}

/// Runs the binary with `args`, stdin closed.
fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

/// Runs the binary with `args` and, when given, `stdin` piped in.
fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(ROOT)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the render example");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        // A binary that refuses its arguments exits without reading its input: the write then
        // fails with a broken pipe, when the binary was quicker (the test reads its output).
        if let Err(e) = pipe.write_all(text.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
        // `pipe` is dropped here: the binary sees the end of its input.
    }
    child
        .wait_with_output()
        .expect("wait for the render example")
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).expect("stderr is UTF-8")
}

/// The chart's warning for values without any runner token (the defaults alone).
const NO_TOKEN_WARNING: &str = "warning: runnerToken: no runner token is set: the runner pod \
starts, cannot register with GitLab, and exits\n  |\n  = help: set runnerToken (the glrt-... \
authentication token of a runner created in GitLab) or runnerRegistrationToken, or name an \
existing Secret that holds them with runners.secret\n\nwarning: 1 possible problem in the values\n";

/// Asserts exit code 0 and an empty stderr (but for the chart's warning that no runner token
/// is set); returns stdout.
fn success(output: &Output) -> &str {
    assert_eq!(
        output.status.code(),
        Some(0),
        "expected success, stderr:\n{}",
        stderr(output)
    );
    let err = stderr(output);
    assert!(
        err.is_empty() || err == NO_TOKEN_WARNING,
        "expected an empty stderr: {err}"
    );
    stdout(output)
}

/// Asserts exit code 1, an empty stdout and a stderr of one `Error: ...` message; returns stderr.
fn failure(output: &Output) -> &str {
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit code 1, stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
    assert_eq!(stdout(output), "", "nothing goes to stdout on error");
    let err = stderr(output);
    assert!(
        err.starts_with("Error: ") || err.starts_with("error: "),
        "stderr: {err}"
    );
    err
}

/// What the library renders for the same inputs as the command line
/// `RELEASE -n NAMESPACE -f FILE... --set ... --set-string ... --kube-version ...`.
fn library_render(
    release: &str,
    namespace: &str,
    files: &[&str],
    set: &[&str],
    set_string: &[&str],
    kube: KubeVersion,
) -> String {
    let mut values = Values::new();
    for file in files {
        let text = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
        values.add_yaml(file, &text).unwrap();
    }
    for expr in set {
        values.set(expr).unwrap();
    }
    for expr in set_string {
        values.set_string(expr).unwrap();
    }
    let renderer = Renderer::new(Chart::builtin()).unwrap();
    let options =
        RenderOptions::new(Release::new(release, namespace).unwrap()).with_kube_version(kube);
    renderer.render(&values, &options).unwrap().to_string()
}

fn defaults_render() -> String {
    library_render(
        "release-name",
        "default",
        &[],
        &[],
        &[],
        KubeVersion::DEFAULT,
    )
}

/// A file under `CARGO_TARGET_TMPDIR`, unique to `name`.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The `config.toml` line setting `concurrent`, trimmed.
fn concurrent_line(manifests: &str) -> &str {
    let lines: Vec<&str> = manifests
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("concurrent ="))
        .collect();
    assert_eq!(lines.len(), 1, "one `concurrent =` line in config.toml");
    lines[0]
}

/// The value of the environment variable `name` in the first container listing it.
fn env_value<'a>(manifests: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!("- name: {name}");
    let mut lines = manifests.lines();
    lines.find(|l| l.trim() == marker)?;
    lines.next()?.trim().strip_prefix("value: ")
}

// ---- defaults, release, namespace ----

#[test]
fn no_arguments_render_the_defaults_as_release_name_in_default() {
    let output = run(&[]);
    let out = success(&output);
    assert_eq!(stderr(&output), NO_TOKEN_WARNING);
    assert!(
        out.starts_with("---\n# Source: gitlab-runner/templates/configmap.yaml\n"),
        "{out}"
    );
    assert!(out.contains("  name: \"release-name-gitlab-runner\"\n"));
    assert!(out.contains("    release: \"release-name\"\n"));
    assert_eq!(env_value(out, "KUBERNETES_NAMESPACE"), Some("\"default\""));
    assert_eq!(out, defaults_render());
}

#[test]
fn positional_release_and_namespace() {
    for ns_flag in ["-n", "--namespace"] {
        let output = run(&["ci", ns_flag, "gitlab"]);
        let out = success(&output);
        assert!(out.contains("  name: \"ci-gitlab-runner\"\n"), "{ns_flag}");
        assert!(!out.contains("release-name"), "{ns_flag}");
        assert_eq!(
            env_value(out, "KUBERNETES_NAMESPACE"),
            Some("\"gitlab\""),
            "{ns_flag}"
        );
        assert_eq!(
            out,
            library_render("ci", "gitlab", &[], &[], &[], KubeVersion::DEFAULT)
        );
    }
}

// ---- values files ----

#[test]
fn repeated_values_files_merge_and_later_files_win() {
    let a = temp_file(
        "later-wins-a.yaml",
        "concurrent: 3\nrunners:\n  privileged: true\n",
    );
    let b = temp_file("later-wins-b.yaml", "concurrent: 9\n");
    let output = run(&["-f", a.to_str().unwrap(), "--values", b.to_str().unwrap()]);
    let out = success(&output);
    assert_eq!(concurrent_line(out), "concurrent = 9");
    // Maps merge key by key: the first file's runners.privileged survives the second file.
    assert_eq!(env_value(out, "KUBERNETES_PRIVILEGED"), Some("\"true\""));
}

#[test]
fn values_dash_reads_standard_input() {
    let seed = std::fs::read_to_string(Path::new(ROOT).join("values/seed.yaml")).unwrap();
    let output = run_with_stdin(&["ci", "-n", "gitlab", "-f", "-"], Some(&seed));
    let out = success(&output);
    assert_eq!(
        out,
        library_render(
            "ci",
            "gitlab",
            &["values/seed.yaml"],
            &[],
            &[],
            KubeVersion::DEFAULT
        )
    );
    assert!(out.contains("# Source: gitlab-runner/templates/secrets.yaml"));
}

// ---- --set and --set-string ----

#[test]
fn set_types_values() {
    let output = run(&["--set", "runners.privileged=true", "--set", "concurrent=5"]);
    let out = success(&output);
    assert_eq!(env_value(out, "KUBERNETES_PRIVILEGED"), Some("\"true\""));
    assert_eq!(concurrent_line(out), "concurrent = 5");
    // Without the flag there is no such variable.
    assert_eq!(env_value(&defaults_render(), "KUBERNETES_PRIVILEGED"), None);
}

#[test]
fn set_string_keeps_values_strings() {
    // `--set runners.tags=5` is the integer 5, which the schema refuses for a string field
    let output = run(&["--set", "runners.tags=5"]);
    let err = failure(&output);
    assert!(
        err.contains("runners.tags: expected a string, found an integer (5)"),
        "{err}"
    );
    assert!(
        err.contains("--set-string"),
        "the help names --set-string: {err}"
    );
    let output = run(&["--set-string", "runners.tags=5"]);
    let out = success(&output);
    assert!(
        out.contains("- name: RUNNER_TAG_LIST\n          value: \"5\"\n"),
        "{out}"
    );
}

#[test]
fn set_string_applies_after_set_whatever_the_order_of_the_flags() {
    let output = run(&[
        "--set-string",
        "runners.tags=7",
        "--set",
        "runners.tags=a,concurrent=5",
        "-f",
        "values/seed.yaml",
    ]);
    let out = success(&output);
    assert_eq!(concurrent_line(out), "concurrent = 5");
    assert!(
        out.contains("- name: RUNNER_TAG_LIST\n          value: \"7\"\n"),
        "{out}"
    );
    assert_eq!(
        out,
        library_render(
            "release-name",
            "default",
            &["values/seed.yaml"],
            &["runners.tags=a,concurrent=5"],
            &["runners.tags=7"],
            KubeVersion::DEFAULT,
        )
    );
}

// ---- --kube-version ----

const HPA_VALUES: &str = "tests/golden/14-hpa-v2beta1/values.yaml";

#[test]
fn kube_version_selects_the_hpa_api_version() {
    let old = run(&["--kube-version", "1.20", "-f", HPA_VALUES]);
    let old = success(&old);
    assert!(old.contains("\napiVersion: autoscaling/v2beta1\n"), "{old}");
    assert!(!old.contains("autoscaling/v2\n"));

    let current = run(&["-f", HPA_VALUES]);
    let current = success(&current);
    assert!(
        current.contains("\napiVersion: autoscaling/v2\n"),
        "{current}"
    );
    assert!(!current.contains("v2beta"));
}

#[test]
fn invalid_kube_version_is_an_error_naming_the_flag() {
    let output = run(&["--kube-version", "banana"]);
    let err = failure(&output);
    assert!(err.contains("--kube-version"), "{err}");
    assert!(err.contains("banana"), "{err}");
}

// ---- invalid release and namespace ----

#[test]
fn uppercase_release_name_is_an_error() {
    let output = run(&["MyRelease"]);
    let err = failure(&output);
    assert!(err.contains("invalid release name \"MyRelease\""), "{err}");
}

#[test]
fn release_name_longer_than_53_characters_is_an_error() {
    let name = "a".repeat(54);
    let output = run(&[&name]);
    let err = failure(&output);
    assert!(
        err.contains(&format!("invalid release name \"{name}\"")),
        "{err}"
    );
    assert!(err.contains("53"), "{err}");
}

#[test]
fn invalid_namespace_is_an_error() {
    let output = run(&["ci", "-n", "My_Namespace"]);
    let err = failure(&output);
    assert!(err.contains("invalid namespace \"My_Namespace\""), "{err}");
}

// ---- invalid values ----

#[test]
fn missing_values_file_is_an_error() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests/no-such-values.yaml");
    let output = run(&["-f", missing.to_str().unwrap()]);
    let err = failure(&output);
    assert!(
        err.starts_with(&format!(
            "Error: cannot read values file {}",
            missing.display()
        )),
        "{err}"
    );
}

#[test]
fn malformed_yaml_is_an_error_with_file_line_and_column() {
    let file = temp_file(
        "malformed.yaml",
        "gitlabUrl: https://gitlab.example.com/\nrunners: [a\nconcurrent: 2\n",
    );
    let output = run(&["-f", file.to_str().unwrap()]);
    let err = failure(&output);
    assert!(
        err.starts_with("error: invalid YAML at line 2, column 10: this `[` is never closed"),
        "{err}"
    );
    let marker = format!(" --> {}:", file.display());
    let location = &err[err
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {err}"))
        + marker.len()..];
    // `LINE:COL` then the line and a caret
    let location = location.lines().next().unwrap();
    let (line, column) = location.split_once(':').unwrap();
    let (line, column): (usize, usize) = (line.parse().unwrap(), column.parse().unwrap());
    assert!((2..=3).contains(&line), "{err}");
    assert!(column >= 1, "{err}");
    assert!(
        err.contains(" | concurrent: 2\n") || err.contains(" | runners: [a\n"),
        "{err}"
    );
}

#[test]
fn values_file_that_is_a_list_is_an_error() {
    let file = temp_file(
        "list.yaml",
        "- gitlabUrl: https://gitlab.example.com/\n- concurrent: 2\n",
    );
    let output = run(&["-f", file.to_str().unwrap()]);
    let err = failure(&output);
    assert!(err.contains(&format!("{}:", file.display())), "{err}");
    assert!(err.contains("must be a mapping"), "{err}");
    assert!(err.contains("a sequence"), "{err}");
}

#[test]
fn bad_set_expression_shows_the_column_and_a_caret() {
    let output = run(&["--set", "a.b"]);
    let err = failure(&output);
    assert_eq!(
        err,
        "error: invalid expression: key \"a.b\" has no value (expected `=`)\n --> --set:1:4\n  \
         |\n1 | a.b\n  |    ^\n"
    );
}

#[test]
fn set_error_does_not_print_the_secret() {
    let output = run(&["--set", "runnerToken=glrt-secret,oops"]);
    let err = failure(&output);
    assert!(!err.contains("glrt-secret"), "{err}");
    assert!(!err.contains("secret,"), "{err}");
    // the expression quoted with the secret masked, the column in the `-->` line
    assert!(err.contains("\n --> --set:1:20\n"), "{err}");
    assert!(err.contains("\n1 | runnerToken=***,"), "{err}");
    assert!(err.contains('^'), "{err}");
}

// ---- usage ----

#[test]
fn unknown_flag_is_a_usage_error() {
    let output = run(&["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("--no-such-flag"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_lists_every_flag() {
    let output = run(&["--help"]);
    let out = success(&output);
    for flag in [
        "[RELEASE]",
        "-n, --namespace",
        "-f, --values",
        "--set ",
        "--set-string",
        "--kube-version",
        "--chart-dir",
        "[CHART]",
        "--set-json <K=JSON>",
        "--set-file <K=PATH>",
        "-s, --show-only <TEMPLATE>",
        "--output-dir <DIR>",
        "--release-name",
        "-a, --api-versions <G/V>",
        "--version <X>",
        "--show-values",
        "-h, --help",
        "  -V\n",
        // the embedded charts and examples
        "  gitlab-runner  ",
        "  shell  ",
        "Examples:",
        "Exit codes: 0 rendered, 1 ",
    ] {
        assert!(out.contains(flag), "--help does not list {flag}:\n{out}");
    }
    // every option comes with an example
    let options = out
        .split("Options:")
        .nth(1)
        .unwrap()
        .split("Embedded charts")
        .next()
        .unwrap();
    for entry in options
        .split("\n\n")
        .filter(|e| e.trim_start().starts_with('-'))
    {
        let entry = entry.trim();
        let documented = entry.contains("e.g.")
            || [
                "-h, --help",
                "-V\n",
                "--no-strict",
                "--skip-schema-validation",
                "--values-schema",
                "--show-values",
            ]
            .iter()
            .any(|f| entry.starts_with(f));
        assert!(documented, "no example for:\n{entry}");
    }
}

#[test]
fn capital_v_prints_the_crate_version() {
    let output = run(&["-V"]);
    let out = success(&output);
    assert_eq!(out, format!("render {}\n", env!("CARGO_PKG_VERSION")));
}

// ---- output ----

#[test]
fn stdout_is_the_library_render_and_is_deterministic() {
    let args = [
        "ci",
        "--namespace",
        "gitlab",
        "-f",
        "values/seed.yaml",
        "-f",
        "tests/golden/21-registration-flags/values.yaml",
        "--set",
        "runners.tags=k8s\\,docker,concurrent=4",
        "--set-string",
        "runners.podLabels.build=42",
        "--kube-version",
        "v1.30.2",
    ];
    let first = run(&args);
    let second = run(&args);
    let first = success(&first);
    assert_eq!(first.as_bytes(), success(&second).as_bytes());
    let expected = library_render(
        "ci",
        "gitlab",
        &[
            "values/seed.yaml",
            "tests/golden/21-registration-flags/values.yaml",
        ],
        &["runners.tags=k8s\\,docker,concurrent=4"],
        &["runners.podLabels.build=42"],
        KubeVersion::new(1, 30, 2),
    );
    assert_eq!(first, expected);
}

#[test]
fn chart_dir_of_the_repository_chart_renders_like_the_builtin_chart() {
    let chart_dir = Path::new(ROOT).join("chart");
    let output = run(&["--chart-dir", chart_dir.to_str().unwrap()]);
    assert_eq!(success(&output), defaults_render());
}

#[test]
fn oversized_values_file_is_refused_without_reading_it_whole() {
    let big = "a: 1\n".repeat(1_000_000); // 5 MB
    let file = temp_file("big.yaml", &big);
    let output = run(&["-f", file.to_str().unwrap()]);
    let err = failure(&output);
    assert!(
        err.ends_with(
            "big.yaml: the file is larger than 4194304 bytes (4 MiB), the limit for a values file\n"
        ),
        "{err}"
    );
}

#[test]
fn values_schema_prints_the_checked_in_schema() {
    let output = run(&["--values-schema"]);
    let out = success(&output);
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/chart/values.schema.json"
    ))
    .unwrap();
    assert_eq!(out, file);
}

#[test]
fn no_strict_turns_unknown_keys_into_warnings() {
    let file = temp_file("typo.yaml", "checkIntervall: 5\n");
    let strict = run(&["-f", file.to_str().unwrap()]);
    assert!(failure(&strict).contains("error: checkIntervall: unknown key `checkIntervall`"));
    let lenient = run(&["-f", file.to_str().unwrap(), "--no-strict"]);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(stderr(&lenient).starts_with("warning: checkIntervall: unknown key `checkIntervall`"));
    assert!(
        stdout(&lenient).starts_with("---\n# Source: gitlab-runner/templates/configmap.yaml\n")
    );
}

#[test]
fn skip_schema_validation_renders_values_the_schema_refuses() {
    let file = temp_file("unchecked.yaml", "podLabels: {\"bad key\": x}\n");
    let checked = run(&["-f", file.to_str().unwrap()]);
    failure(&checked);
    let unchecked = run(&["-f", file.to_str().unwrap(), "--skip-schema-validation"]);
    assert!(success(&unchecked).contains("\"bad key\": \"x\""));
}

// ---- closed and full streams ----

/// Runs the binary with `args` under `sh`, with `redirect` (e.g. `2>&-`) applied to it; stdin
/// closed, stdout and stderr captured unless redirected. (A shell closes the descriptor: no
/// `unsafe` `pre_exec` needed.)
#[cfg(unix)]
fn run_redirected(args: &[&str], redirect: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(binary())
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the render example under sh")
}

/// Runs the binary with `args` and its stderr writing to `/dev/full` (every write fails with
/// "no space left on device"); returns the output (stdout captured).
#[cfg(target_os = "linux")]
fn run_with_full_stderr(args: &[&str]) -> Output {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full");
    Command::new(binary())
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(full))
        .output()
        .expect("run the render example")
}

/// A values file with an unknown key: a warning with `--no-strict`, an error without.
#[cfg(unix)]
fn typo_file() -> PathBuf {
    temp_file("streams-typo.yaml", "checkIntervall: 5\n")
}

#[cfg(unix)]
#[test]
fn closed_stderr_keeps_the_exit_status() {
    let file = typo_file();
    let file = file.to_str().unwrap();
    // A warning that cannot be printed: still rendered, status 0.
    let warned = run_redirected(&["-f", file, "--no-strict"], "2>&-");
    assert_eq!(warned.status.code(), Some(0), "{warned:?}");
    assert!(stdout(&warned).starts_with("---\n# Source: "), "{warned:?}");
    // An error that cannot be printed: status 1, nothing on stdout.
    let failed = run_redirected(&["-f", file], "2>&-");
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    assert_eq!(stdout(&failed), "");
    // A one-line error (not a report) too.
    let failed = run_redirected(&["--set", "a.b"], "2>&-");
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn full_stderr_keeps_the_exit_status_and_never_panics() {
    let file = typo_file();
    let file = file.to_str().unwrap();
    let warned = run_with_full_stderr(&["-f", file, "--no-strict"]);
    assert_eq!(warned.status.code(), Some(0), "{warned:?}");
    assert!(stdout(&warned).starts_with("---\n# Source: "), "{warned:?}");
    for args in [
        &["-f", file][..],
        &["--set", "a.b"],
        &["-f", "no/such/file.yaml"],
    ] {
        let failed = run_with_full_stderr(args);
        // 101 would be a panic ("failed printing to stderr").
        assert_eq!(failed.status.code(), Some(1), "{args:?}: {failed:?}");
        assert_eq!(stdout(&failed), "", "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn full_stdout_is_an_error_on_stderr() {
    let output = run_redirected(&["--set", "runnerToken=glrt-stream-test"], ">/dev/full");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stderr(&output),
        "Error: cannot write the manifests: No space left on device (os error 28)\n"
    );
    // And with stderr full as well: the same status, no panic.
    let output = run_redirected(&[], ">/dev/full 2>/dev/full");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
}

#[test]
fn reader_that_stops_early_ends_the_render_quietly() {
    // Far more than a pipe's buffer (64 KiB on Linux), so that the binary is still writing
    // when the reader goes away.
    let mut yaml = String::from("runnerToken: glrt-stream-test\npodLabels:\n");
    for i in 0..5_000 {
        yaml.push_str(&format!("  example.com/label-{i}: value-{i}\n"));
    }
    let file = temp_file("streams-many-labels.yaml", &yaml);
    let mut child = Command::new(binary())
        .args(["-f", file.to_str().unwrap()])
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the render example");
    let mut pipe = child.stdout.take().expect("piped stdout");
    let mut first = [0u8; 10];
    std::io::Read::read_exact(&mut pipe, &mut first).expect("the first bytes of the render");
    assert_eq!(&first, b"---\n# Sour");
    drop(pipe); // `| head -c 10`
    let output = child
        .wait_with_output()
        .expect("wait for the render example");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stderr(&output), "", "a quiet end");
}

// ---- the other `helm template` flags ----

/// A fresh, empty directory under `CARGO_TARGET_TMPDIR`, unique to `name`.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A chart in `dir`: `multi.yaml` renders a ConfigMap and a Secret (installed first),
/// `empty.yaml` renders nothing; the ConfigMap shows whether the cluster serves
/// `monitoring.coreos.com/v1` and the `greeting` value.
fn write_multi_chart(dir: &Path) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: multi\nversion: 1.2.3\n",
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), "# the greeting\ngreeting: hi\n").unwrap();
    std::fs::write(
        dir.join("templates/multi.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  \
         greeting: {{ Values.greeting | quote }}\n  \
         monitoring: \"{{ 'monitoring.coreos.com/v1' in Capabilities.APIVersions }}\"\n\
         ---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: two\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("templates/empty.yaml"),
        "{% if false %}\napiVersion: v1\n{% endif %}\n",
    )
    .unwrap();
}

/// The manifests of the template `source` (`gitlab-runner/templates/<file>`) in a render, in
/// order, as the render prints them.
fn documents_of(manifests: &str, source: &str) -> String {
    let marker = format!("# Source: {source}\n");
    let mut out = String::new();
    for doc in manifests.split("---\n").filter(|d| !d.is_empty()) {
        if doc.starts_with(&marker) {
            out.push_str("---\n");
            out.push_str(doc);
        }
    }
    out
}

#[test]
fn values_files_split_on_commas_as_in_helm() {
    let a = temp_file("comma-a.yaml", "concurrent: 3\ncheckInterval: 7\n");
    let b = temp_file("comma-b.yaml", "concurrent: 4\n");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let joined = run(&["-f", &format!("{a},{b}")]);
    let separate = run(&["-f", a, "-f", b]);
    assert_eq!(success(&joined), success(&separate));
    assert_eq!(concurrent_line(success(&joined)), "concurrent = 4");
    assert!(success(&joined).contains("check_interval = 7"));
}

#[test]
fn set_json_applies_after_files_and_before_set() {
    let file = temp_file("set-json-order.yaml", "concurrent: 3\n");
    let file = file.to_str().unwrap();
    let json = run(&["-f", file, "--set-json", "concurrent=5"]);
    assert_eq!(concurrent_line(success(&json)), "concurrent = 5");
    // --set wins over --set-json, whatever the order of the flags
    let both = run(&["--set", "concurrent=6", "--set-json", "concurrent=5"]);
    assert_eq!(concurrent_line(success(&both)), "concurrent = 6");
}

#[test]
fn set_json_replaces_a_map_and_sets_several_keys() {
    let file = temp_file(
        "set-json-map.yaml",
        "nodeSelector:\n  disk: hdd\n  zone: a\n",
    );
    let output = run(&[
        "-f",
        file.to_str().unwrap(),
        "--set-json",
        r#"nodeSelector={"disk":"ssd"},podLabels={"team": "ci", "tier": "build"}"#,
    ]);
    let expected = library_render(
        "release-name",
        "default",
        &[],
        &["nodeSelector.disk=ssd,podLabels.team=ci,podLabels.tier=build"],
        &[],
        KubeVersion::DEFAULT,
    );
    // the file's `zone: a` is gone: the JSON map replaces the file's map, as in Helm
    assert_eq!(success(&output), expected);
}

#[test]
fn set_json_values_are_typed_by_json() {
    let output = run(&[
        "--set-json",
        r#"podLabels.build="42""#,
        "--set-json",
        "concurrent=7",
    ]);
    let expected = library_render(
        "release-name",
        "default",
        &[],
        &["concurrent=7"],
        &["podLabels.build=42"],
        KubeVersion::DEFAULT,
    );
    assert_eq!(success(&output), expected);
}

#[test]
fn invalid_set_json_is_an_error_that_hides_the_value() {
    for (expr, message) in [
        (
            "runnerToken=glrt-secret",
            "Error: --set-json runnerToken=...: invalid JSON: ",
        ),
        (r#"{"runnerToken":"glrt-secret"}"#, "expected KEY=JSON"),
        (
            r#"runnerToken="glrt-secret" x"#,
            "unexpected text after the JSON value",
        ),
        (
            "tolerations[0]={}",
            "list indexes are not supported in --set-json keys",
        ),
        ("a..b=1", "empty name in the key"),
    ] {
        let output = run(&["--set-json", expr]);
        let err = failure(&output);
        assert!(err.contains(message), "{expr}: {err}");
        if !expr.starts_with('{') {
            assert!(!err.contains("glrt-secret"), "{expr}: {err}");
        }
    }
}

#[test]
fn set_file_sets_the_text_of_a_file_verbatim() {
    let text = "line one, {with} braces\\ and = dots.\n[x]\n";
    let file = temp_file("set-file-text.txt", text);
    let output = run(&[
        "--set-file",
        &format!("podAnnotations.note={}", file.display()),
    ]);
    let quoted = serde_json::to_string(text).unwrap();
    assert!(
        success(&output).contains(&format!("\"note\": {quoted}\n")),
        "{}",
        stdout(&output)
    );
}

#[test]
fn set_file_applies_after_set_string_and_takes_several_files() {
    let note = temp_file("set-file-note.txt", "from the file");
    let token = temp_file("set-file-token.txt", "glrt-from-file");
    let output = run(&[
        "--set-file",
        &format!(
            "podAnnotations.note={},runnerToken={}",
            note.display(),
            token.display()
        ),
        "--set-string",
        "podAnnotations.note=set-string",
        "--set",
        "podAnnotations.note=set",
    ]);
    let out = success(&output);
    assert!(out.contains("\"note\": \"from the file\"\n"), "{out}");
    let expected = library_render(
        "release-name",
        "default",
        &[],
        &[],
        &["podAnnotations.note=from the file,runnerToken=glrt-from-file"],
        KubeVersion::DEFAULT,
    );
    assert_eq!(out, expected);
}

#[test]
fn set_file_reads_standard_input_once() {
    let output = run_with_stdin(&["--set-file", "podAnnotations.note=-"], Some("piped"));
    assert!(success(&output).contains("\"note\": \"piped\"\n"));
    let output = run_with_stdin(
        &[
            "-f",
            "-",
            "--set-file",
            "podAnnotations.note=-",
            "--set",
            "runnerToken=glrt-x",
        ],
        Some("concurrent: 2\n"),
    );
    assert!(failure(&output).contains("can be read only once"));
}

#[test]
fn set_file_errors_name_the_file() {
    let output = run(&["--set-file", "runnerToken=no/such/token.txt"]);
    let err = failure(&output);
    assert!(
        err.starts_with("Error: cannot read --set-file no/such/token.txt: "),
        "{err}"
    );
    let output = run(&["--set-file", "runnerToken"]);
    assert!(failure(&output).contains("--set-file runnerToken: expected KEY=PATH"));
    let output = run(&["--set-file", "a..b=x.txt"]);
    assert!(failure(&output).starts_with("Error: --set-file a..b=x.txt: invalid expression"));
    let bad = temp_file("set-file-latin1.txt", "");
    std::fs::write(&bad, b"caf\xe9\n").unwrap();
    let output = run(&["--set-file", &format!("podAnnotations.a={}", bad.display())]);
    let err = failure(&output);
    assert!(
        err.contains("set-file-latin1.txt:1:4: the file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn show_only_prints_the_manifests_of_the_templates_named() {
    let full = defaults_render();
    let output = run(&["--show-only", "templates/deployment.yaml"]);
    assert_eq!(
        success(&output),
        documents_of(&full, "gitlab-runner/templates/deployment.yaml")
    );
    // in the order of the flags; `*` as in Helm
    let output = run(&[
        "-s",
        "templates/deployment.yaml",
        "-s",
        "templates/configmap.yaml",
    ]);
    let expected = documents_of(&full, "gitlab-runner/templates/deployment.yaml")
        + &documents_of(&full, "gitlab-runner/templates/configmap.yaml");
    assert_eq!(success(&output), expected);
    let output = run(&["-s", "templates/*.yaml"]);
    assert_eq!(success(&output), full);
}

#[test]
fn show_only_of_a_template_that_renders_nothing_is_an_error() {
    for template in [
        "templates/hpa.yaml",
        "templates/nothing.yaml",
        "deployment.yaml",
        "gitlab-runner/templates/deployment.yaml",
    ] {
        let output = run(&["--show-only", template, "--set", "runnerToken=glrt-x"]);
        let err = failure(&output);
        assert!(
            err.starts_with(&format!(
                "Error: could not find template {template} in chart gitlab-runner"
            )),
            "{err}"
        );
    }
}

#[test]
fn output_dir_writes_one_file_per_template() {
    let dir = temp_dir("output-dir");
    let args = [
        "ci",
        "--set",
        "rbac.create=true",
        "--output-dir",
        dir.to_str().unwrap(),
    ];
    let output = run(&args);
    let out = success(&output);
    let full = success(&run(&args[..3])).to_string();
    let mut files: Vec<&str> = Vec::new();
    for line in out.lines() {
        let path = line.strip_prefix("wrote ").expect("a `wrote PATH` line");
        let template = path
            .strip_prefix(dir.to_str().unwrap())
            .unwrap()
            .trim_start_matches('/');
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            documents_of(&full, template),
            "{path}"
        );
        files.push(template);
    }
    files.sort();
    assert_eq!(
        files,
        [
            "gitlab-runner/templates/configmap.yaml",
            "gitlab-runner/templates/deployment.yaml",
            "gitlab-runner/templates/role-binding.yaml",
            "gitlab-runner/templates/role.yaml",
            "gitlab-runner/templates/service-account.yaml",
        ]
    );
    // a second run replaces the files
    let again = run(&args);
    assert_eq!(success(&again), out);
    let deployment = dir.join("gitlab-runner/templates/deployment.yaml");
    assert_eq!(
        std::fs::read_to_string(deployment).unwrap(),
        documents_of(&full, "gitlab-runner/templates/deployment.yaml")
    );
}

#[test]
fn output_dir_keeps_the_objects_of_one_template_in_one_file() {
    let chart = temp_dir("multi-chart");
    write_multi_chart(&chart);
    let dir = temp_dir("output-dir-multi");
    let output = run(&[
        "ci",
        chart.to_str().unwrap(),
        "--output-dir",
        dir.to_str().unwrap(),
        "--release-name",
    ]);
    let file = dir.join("ci/multi/templates/multi.yaml");
    let wrote = format!("wrote {}\n", file.display());
    assert_eq!(success(&output), wrote.repeat(2));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "---\n# Source: multi/templates/multi.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: two\n\
         ---\n# Source: multi/templates/multi.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n\
         data:\n  greeting: \"hi\"\n  monitoring: \"false\"\n"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "only ci/");
}

#[test]
fn release_name_without_output_dir_changes_nothing() {
    // as in Helm: the flag only names a directory of --output-dir
    let output = run(&["--release-name"]);
    assert_eq!(success(&output), defaults_render());
}

#[test]
fn output_dir_that_cannot_be_written_is_an_error() {
    let blocker = temp_file("output-dir-blocker", "a file, not a directory\n");
    let output = run(&[
        "--output-dir",
        blocker.to_str().unwrap(),
        "--set",
        "runnerToken=glrt-x",
    ]);
    let err = failure(&output);
    assert!(err.starts_with("Error: cannot write "), "{err}");
    assert!(
        err.contains("output-dir-blocker/gitlab-runner/templates/"),
        "{err}"
    );
}

#[test]
fn api_versions_are_capabilities_api_versions() {
    let chart = temp_dir("api-versions-chart");
    write_multi_chart(&chart);
    let chart = chart.to_str().unwrap();
    let monitoring = |args: &[&str]| {
        let mut all = vec!["ci", chart, "-s", "templates/multi.yaml"];
        all.extend_from_slice(args);
        let output = run(&all);
        let out = success(&output).to_string();
        out.lines()
            .find_map(|l| l.trim().strip_prefix("monitoring: ").map(str::to_string))
            .unwrap()
    };
    assert_eq!(monitoring(&[]), "\"false\"");
    assert_eq!(
        monitoring(&["--api-versions", "monitoring.coreos.com/v1"]),
        "\"true\""
    );
    assert_eq!(
        monitoring(&["-a", "x/v1,monitoring.coreos.com/v1"]),
        "\"true\""
    );
    assert_eq!(
        monitoring(&["-a", "x/v1", "-a", "monitoring.coreos.com/v2"]),
        "\"false\""
    );
}

#[test]
fn chart_as_an_argument() {
    let values = [
        "--set",
        "gitlabUrl=https://gitlab.example.com/,runnerToken=glrt-x",
    ];
    let by_flag = run(&[&["ci", "--chart", "shell"][..], &values].concat());
    let by_name = run(&[&["ci", "shell"][..], &values].concat());
    assert_eq!(success(&by_name), success(&by_flag));
    assert!(success(&by_name).contains("# Source: gitlab-runner-shell/templates/"));
    let runner = run(&["release-name", "gitlab-runner"]);
    assert_eq!(success(&runner), defaults_render());
    // a directory (the repository's chart, from the working directory)
    let dir = run(&["release-name", "./chart"]);
    assert_eq!(success(&dir), defaults_render());
}

#[test]
fn unknown_chart_argument_is_an_error() {
    let output = run(&["ci", "no-such-chart"]);
    assert_eq!(
        failure(&output),
        "Error: chart \"no-such-chart\" is neither a chart directory nor an embedded chart (gitlab-runner, shell)\n"
    );
    let output = run(&["ci", "shell", "--chart-dir", "chart"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn version_checks_the_chart_version() {
    let output = run(&["--version", "0.1.0"]);
    assert_eq!(success(&output), defaults_render());
    let output = run(&["--version", "v0.1.0"]);
    assert_eq!(success(&output), defaults_render());
    let output = run(&["--version", "9.9.9"]);
    assert_eq!(
        failure(&output),
        "Error: --version 9.9.9: chart gitlab-runner is version 0.1.0\n"
    );
    let chart = temp_dir("version-chart");
    write_multi_chart(&chart);
    let output = run(&["ci", chart.to_str().unwrap(), "--version", "1.2.4"]);
    assert_eq!(
        failure(&output),
        "Error: --version 1.2.4: chart multi is version 1.2.3\n"
    );
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn show_values_prints_the_chart_values_file() {
    let output = run(&["--show-values"]);
    let file = std::fs::read_to_string(Path::new(ROOT).join("chart/values.yaml")).unwrap();
    assert_eq!(success(&output), file);
    let output = run(&["ci", "shell", "--show-values"]);
    let file = std::fs::read_to_string(Path::new(ROOT).join("chart/shell/values.yaml")).unwrap();
    assert_eq!(success(&output), file);
    let chart = temp_dir("show-values-chart");
    write_multi_chart(&chart);
    let output = run(&["ci", chart.to_str().unwrap(), "--show-values"]);
    assert_eq!(success(&output), "# the greeting\ngreeting: hi\n");
}
