//! The `render` example binary (`examples/render.rs`): arguments, exit codes, stdout and stderr.
//!
//! `cargo test` builds the examples before it runs the tests; these tests run the binary it
//! built (`<target>/<profile>/examples/render`). Its stdout is compared with a render through
//! the library API in this process, which also catches a stale binary.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, UserValues};

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
        pipe.write_all(text.as_bytes()).expect("write stdin");
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
starts, cannot register with GitLab, and exits\n   = help: set runnerToken (the glrt-... \
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
    let mut values = UserValues::new();
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
        "Error: --set: invalid expression `a.b` at column 4: key \"a.b\" has no value \
         (expected `=`)\n  a.b\n     ^\n"
    );
}

#[test]
fn set_error_does_not_print_the_secret() {
    let output = run(&["--set", "runnerToken=glrt-secret,oops"]);
    let err = failure(&output);
    assert!(!err.contains("glrt-secret"), "{err}");
    assert!(!err.contains("secret,"), "{err}");
    assert!(err.contains("--set"), "{err}");
    assert!(err.contains("column"), "{err}");
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
        "-h, --help",
        "-V, --version",
    ] {
        assert!(out.contains(flag), "--help does not list {flag}:\n{out}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    let output = run(&["--version"]);
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
        err.ends_with("big.yaml: the file is larger than 4194304 bytes (4 MiB), the limit for a values file\n"),
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
    assert!(stdout(&lenient).starts_with("---\n# Source: gitlab-runner/templates/configmap.yaml\n"));
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
