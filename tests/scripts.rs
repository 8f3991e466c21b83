//! Runs the chart's shell scripts (the ConfigMap's `entrypoint`, `register-the-runner`,
//! `check-live` and `configure`) as child processes against a stub `gitlab-runner`, in a
//! private temporary directory per test. The scripts' `CHART_*` hooks point every path they
//! use into that directory, so no test touches a real system path.
//!
//! The stub records each call (arguments NUL-separated, its whole environment via `env -0`)
//! in `stub/call.N/` and exits with the N-th code of `stub/exit-codes` (the last one for later
//! calls, 0 without the file). With a file `stub/hang.N`, call N writes `call.N/hanging` and
//! waits instead, until a TERM ends it (as gitlab-runner does, which handles TERM).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Rendering

/// The ConfigMap's `data` for a values file (release `ci` in namespace `gitlab`).
fn render_data(values_yaml: &str) -> BTreeMap<String, String> {
    try_render_data(values_yaml).unwrap_or_else(|e| panic!("{e}\n--- values ---\n{values_yaml}"))
}

/// [`render_data`], with the values or render error as text. The values schema is skipped:
/// these tests give hostile values the schema refuses, to test the scripts' quoting.
fn try_render_data(values_yaml: &str) -> Result<BTreeMap<String, String>, String> {
    // compiled once for every test of this file
    static RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
    let renderer = RENDERER
        .get_or_init(|| Renderer::new(Chart::builtin().without_schema()).expect("builtin chart"));
    let mut values = Values::new();
    values
        .add_yaml("test.yaml", values_yaml)
        .map_err(|e| format!("values rejected: {e}"))?;
    let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
    let manifests = renderer
        .render(&values, &options)
        .map_err(|e| format!("render failed: {e}"))?;
    let cm = manifests.find("ConfigMap").expect("a ConfigMap");
    let doc: serde_yaml::Value = serde_yaml::from_str(cm.content())
        .unwrap_or_else(|e| panic!("ConfigMap is not YAML: {e}\n{}", cm.content()));
    let data = doc["data"].as_mapping().expect("ConfigMap data");
    Ok(data
        .iter()
        .map(|(k, v)| {
            let key = k.as_str().expect("string key").to_string();
            let text = v
                .as_str()
                .unwrap_or_else(|| panic!("data.{key} is not a string"));
            (key, text.to_string())
        })
        .collect())
}

/// A YAML double-quoted scalar holding exactly `s` (every non-printable-ASCII char escaped).
fn yq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A YAML flow mapping of string pairs.
fn yaml_map(pairs: &[(&str, &str)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}: {}", yq(k), yq(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// A YAML flow sequence of strings.
fn yaml_list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| yq(s)).collect();
    format!("[{}]", items.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Sandboxes

/// check-live looks at every process of the machine: tests that start processes that it would
/// see (register-the-runner scripts) take this lock shared, the check-live tests exclusively.
static PROCESS_LOCK: RwLock<()> = RwLock::new(());

fn shared_processes() -> RwLockReadGuard<'static, ()> {
    PROCESS_LOCK.read().unwrap_or_else(|e| e.into_inner())
}

fn exclusive_processes() -> RwLockWriteGuard<'static, ()> {
    PROCESS_LOCK.write().unwrap_or_else(|e| e.into_inner())
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

const STUB: &str = r#"#!/bin/bash
# Stub gitlab-runner for the chart's script tests.
d=${STUB_DIR:?}
n=1
while ! mkdir "$d/call.$n" 2>/dev/null; do
  n=$((n + 1))
done
for arg in "$@"; do
  printf '%s\0' "$arg"
done >"$d/call.$n/args"
env -0 >"$d/call.$n/env"
if [[ -f $d/hang.$n ]]; then
  trap 'kill "$!" 2>/dev/null; exit 143' TERM
  sleep 60 &
  touch "$d/call.$n/hanging"
  wait "$!"
  exit 1
fi
code=0
if [[ -f $d/exit-codes ]]; then
  mapfile -t codes <"$d/exit-codes"
  if ((${#codes[@]} > 0)); then
    i=$((n - 1))
    if ((i >= ${#codes[@]})); then
      i=$((${#codes[@]} - 1))
    fi
    code=${codes[i]}
  fi
fi
exit "$code"
"#;

/// One call of the stub runner.
#[derive(Debug)]
struct Call {
    args: Vec<String>,
    env: BTreeMap<String, String>,
}

/// The outcome of a script run.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A private directory tree (removed on drop) with the layout the scripts expect:
/// `scripts/`, `secrets/`, `init-secrets/`, `home/.gitlab-runner` (not created: the
/// entrypoint must create it), and the stub runner in `stub/`.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(tag: &str) -> Sandbox {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        // never put "register-the-runner" in this path: check-live greps command lines for it
        let root = std::env::temp_dir().join(format!(
            "glrc-scripts-test-{}-{}-{}",
            std::process::id(),
            n,
            tag
        ));
        let _ = fs::remove_dir_all(&root);
        for dir in ["scripts", "secrets", "init-secrets", "stub"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        let stub = root.join("stub/gitlab-runner-stub");
        fs::write(&stub, STUB).unwrap();
        fs::set_permissions(&stub, fs::Permissions::from_mode(0o755)).unwrap();
        Sandbox { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn scripts(&self) -> PathBuf {
        self.path("scripts")
    }

    fn secrets(&self) -> PathBuf {
        self.path("secrets")
    }

    fn config_dir(&self) -> PathBuf {
        self.path("home/.gitlab-runner")
    }

    /// Writes every key of the ConfigMap's data into `scripts/`, as the volume mount does.
    fn install(&self, data: &BTreeMap<String, String>) {
        for (key, text) in data {
            fs::write(self.scripts().join(key), text).unwrap();
        }
    }

    fn write_secret(&self, name: &str, text: &str) {
        fs::write(self.secrets().join(name), text).unwrap();
    }

    /// Call `n` of the stub waits for a TERM instead of exiting.
    fn hang_on_call(&self, n: usize) {
        fs::write(self.path(&format!("stub/hang.{n}")), "").unwrap();
    }

    fn exit_codes(&self, codes: &[i32]) {
        let text: String = codes.iter().map(|c| format!("{c}\n")).collect();
        fs::write(self.path("stub/exit-codes"), text).unwrap();
    }

    /// `interpreter script` with a clean environment whose hooks all point into the sandbox.
    fn command(&self, interpreter: &str, script: &Path) -> Command {
        let mut cmd = Command::new(interpreter);
        cmd.arg(script);
        self.sandboxed(cmd)
    }

    /// `cmd` with a clean environment whose hooks all point into the sandbox.
    fn sandboxed(&self, mut cmd: Command) -> Command {
        cmd.current_dir(&self.root)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &self.root)
            .env("STUB_DIR", self.path("stub"))
            .env(
                "CHART_RUNNER_ENTRYPOINT",
                self.path("stub/gitlab-runner-stub"),
            )
            .env("CHART_SCRIPTS_DIR", self.scripts())
            .env("CHART_SECRETS_DIR", self.secrets())
            .env("CHART_CONFIG_DIR", self.config_dir())
            .env("CHART_INIT_SECRETS_DIR", self.path("init-secrets"))
            .env("CHART_REGISTER_DELAY", "0")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs a command to completion (killed, and the test failed, after 10 s).
    fn run(&self, mut cmd: Command) -> Run {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let out_path = self.path(&format!("out.{n}"));
        let err_path = self.path(&format!("err.{n}"));
        cmd.stdout(fs::File::create(&out_path).unwrap());
        cmd.stderr(fs::File::create(&err_path).unwrap());
        let mut child = spawn(&mut cmd);
        let status = wait_timeout(&mut child, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{cmd:?} did not finish within 10 s"));
        Run {
            code: status.code(),
            stdout: fs::read_to_string(&out_path).unwrap(),
            stderr: fs::read_to_string(&err_path).unwrap(),
        }
    }

    /// The stub's calls, in order.
    fn calls(&self) -> Vec<Call> {
        let mut calls = Vec::new();
        for n in 1.. {
            let dir = self.path(&format!("stub/call.{n}"));
            if !dir.exists() {
                break;
            }
            let args = split_nul(&fs::read(dir.join("args")).unwrap());
            let env = split_nul(&fs::read(dir.join("env")).unwrap())
                .into_iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (kv, String::new()),
                })
                .collect();
            calls.push(Call { args, env });
        }
        calls
    }

    /// Runs the rendered register-the-runner with extra environment variables.
    fn register(&self, data: &BTreeMap<String, String>, env: &[(&str, &str)]) -> Run {
        self.install(data);
        let mut cmd = self.command("bash", &self.scripts().join("register-the-runner"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.run(cmd)
    }

    fn assert_not_pwned(&self) {
        let pwned: Vec<_> = walk(&self.root)
            .into_iter()
            .filter(|p| p.file_name().and_then(|n| n.to_str()) == Some("PWNED"))
            .collect();
        assert!(pwned.is_empty(), "a value was executed: {pwned:?} exists");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                out.extend(walk(&path));
            }
            out.push(path);
        }
    }
    out
}

fn split_nul(bytes: &[u8]) -> Vec<String> {
    let mut items: Vec<String> = bytes
        .split(|b| *b == 0)
        .map(|item| String::from_utf8(item.to_vec()).expect("UTF-8 argument"))
        .collect();
    // every item is NUL-terminated: the last split is the empty rest
    assert_eq!(
        items.pop().as_deref(),
        Some(""),
        "unterminated record {bytes:?}"
    );
    items
}

/// Spawns, retrying while the executable is "busy" (ETXTBSY: another thread of this test
/// binary forked while a freshly written executable was still open for writing).
fn spawn(cmd: &mut Command) -> Child {
    for _ in 0..50 {
        match cmd.spawn() {
            Ok(child) => return child,
            Err(e) if e.raw_os_error() == Some(26) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("cannot start {cmd:?}: {e}"),
        }
    }
    panic!("cannot start {cmd:?}: executable stays busy");
}

fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// register-the-runner

const FULL_VALUES: &str = r#"
runners:
  imagePullSecrets: [regcred, other-cred]
  nodeSelector: {disk: ssd, zone: eu-1}
  podLabels: {team: ci}
  podAnnotations: {"example.com/owner": "ci team"}
  env: {A: "1", B: two words}
  runUntagged: true
  protected: true
  hostAliases:
    - ip: 10.1.2.3
      hostnames: [gitlab.intranet.example]
"#;

fn full_flags(scripts: &Path) -> Vec<String> {
    let mut flags = strings(&[
        "--kubernetes-image-pull-secrets",
        "regcred",
        "--kubernetes-image-pull-secrets",
        "other-cred",
        "--kubernetes-node-selector",
        "disk:ssd",
        "--kubernetes-node-selector",
        "zone:eu-1",
        "--kubernetes-pod-labels",
        "team:ci",
        "--kubernetes-pod-annotations",
        "example.com/owner:ci team",
        "--env",
        "A=1",
        "--env",
        "B=two words",
        "--template-config",
    ]);
    flags.push(format!("{}/config.template.toml", scripts.display()));
    flags
}

#[test]
fn register_with_registration_token_passes_every_flag_from_values() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-full");
    let data = render_data(FULL_VALUES);
    let run = sb.register(
        &data,
        &[
            ("REGISTRATION_TOKEN", "reg-token"),
            ("RUNNER_TAG_LIST", "a,b"),
            ("REGISTER_LOCKED", "true"),
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let mut expected = strings(&["register", "--non-interactive"]);
    expected.extend(full_flags(&sb.scripts()));
    expected.extend(strings(&[
        "--run-untagged=true",
        "--access-level=ref_protected",
    ]));
    assert_eq!(calls[0].args, expected);
    assert_no_argument_holds(&calls, "reg-token");
    let env = &calls[0].env;
    assert_eq!(
        env.get("REGISTRATION_TOKEN").map(String::as_str),
        Some("reg-token")
    );
    assert_eq!(env.get("RUNNER_TAG_LIST").map(String::as_str), Some("a,b"));
    assert_eq!(env.get("REGISTER_LOCKED").map(String::as_str), Some("true"));
    assert!(sb.scripts().join("config.template.toml").is_file());
}

#[test]
fn register_with_default_values_passes_no_optional_flags() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-default");
    let data = render_data("gitlabUrl: https://gitlab.example.com/\n");
    assert!(!data.contains_key("config.template.toml"));
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].args, strings(&["register", "--non-interactive"]));
}

#[test]
fn register_with_false_and_empty_values_passes_no_optional_flags() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-empty");
    let data = render_data(
        "runners:\n  runUntagged: false\n  protected: false\n  imagePullSecrets: []\n  \
         nodeSelector: {}\n  podLabels: {}\n  podAnnotations: {}\n  env: {}\n  hostAliases: []\n",
    );
    assert!(!data.contains_key("config.template.toml"));
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        sb.calls()[0].args,
        strings(&["register", "--non-interactive"])
    );
}

/// The settings a runner created in GitLab keeps there: gitlab-runner refuses them with its
/// authentication token.
const SERVER_SIDE_SETTINGS: &[&str] = &[
    "RUNNER_TAG_LIST",
    "REGISTER_LOCKED",
    "REGISTER_RUN_UNTAGGED",
    "REGISTER_ACCESS_LEVEL",
    "REGISTER_MAXIMUM_TIMEOUT",
    "REGISTER_PAUSED",
    "REGISTER_MAINTENANCE_NOTE",
];

/// No argument of any call holds `secret` (a command line is readable by every process).
fn assert_no_argument_holds(calls: &[Call], secret: &str) {
    for call in calls {
        assert!(
            call.args.iter().all(|a| !a.contains(secret)),
            "the token is on the command line: {:?}",
            call.args
        );
    }
}

#[test]
fn register_with_runner_token_passes_it_in_the_environment_and_drops_server_settings() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-token");
    // runners.tags, runUntagged and protected set: with a runner token, none reaches register
    let data = render_data(&format!("{FULL_VALUES}  tags: a,b\n  locked: false\n"));
    let mut env = vec![
        ("CI_SERVER_TOKEN", "glrt-abc123"),
        ("REGISTRATION_TOKEN", "legacy"),
        ("RUNNER_EXECUTOR", "kubernetes"),
    ];
    env.extend(SERVER_SIDE_SETTINGS.iter().map(|var| (*var, "x")));
    let run = sb.register(&data, &env);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 1);
    let mut expected = strings(&["register", "--non-interactive"]);
    expected.extend(full_flags(&sb.scripts()));
    assert_eq!(calls[0].args, expected);
    assert_no_argument_holds(&calls, "glrt-abc123");
    let env = &calls[0].env;
    assert_eq!(
        env.get("CI_SERVER_TOKEN").map(String::as_str),
        Some("glrt-abc123")
    );
    for var in SERVER_SIDE_SETTINGS.iter().chain(&["REGISTRATION_TOKEN"]) {
        assert!(!env.contains_key(*var), "{var} reached the runner: {env:?}");
    }
    assert_eq!(
        env.get("RUNNER_EXECUTOR").map(String::as_str),
        Some("kubernetes")
    );
}

#[test]
fn register_without_any_token_fails_without_calling_the_runner() {
    let _guard = shared_processes();
    let data = render_data(FULL_VALUES);
    for env in [
        &[][..],
        &[("CI_SERVER_TOKEN", ""), ("REGISTRATION_TOKEN", "")][..],
    ] {
        let sb = Sandbox::new("reg-none");
        let run = sb.register(&data, env);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert!(
            run.stderr.contains("token"),
            "stderr should say that a token is missing: {run:?}"
        );
        assert!(sb.calls().is_empty());
    }
}

#[test]
fn register_retries_until_the_runner_succeeds() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-retry");
    sb.exit_codes(&[1, 1, 0]);
    let data = render_data("");
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.args[0] == "register"));
}

#[test]
fn register_gives_up_after_the_last_attempt() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-fail");
    sb.exit_codes(&[1]);
    let data = render_data("");
    let run = sb.register(
        &data,
        &[
            ("REGISTRATION_TOKEN", "t"),
            ("CHART_REGISTER_ATTEMPTS", "3"),
        ],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(sb.calls().len(), 3);
    assert!(run.stderr.contains("attempt 3 of 3"), "{run:?}");
}

#[test]
fn register_makes_30_attempts_by_default() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-30");
    sb.exit_codes(&[1]);
    let data = render_data("");
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(sb.calls().len(), 30);
}

/// Strings that must reach the runner as exactly one argument each and never run anything.
const HOSTILE: &[&str] = &[
    "$(touch PWNED)",
    "`touch PWNED`",
    "${IFS}$(touch${IFS}PWNED)",
    "a'b",
    "a\"b",
    // (never a destructive command here: a quoting regression would run it, as root)
    "x; touch PWNED; exit 0",
    "x && touch PWNED",
    "x | touch PWNED",
    "x > PWNED",
    "a\nb",
    "line1\n$(touch PWNED)\n",
    "a\tb",
    "a\\b",
    "\\",
    "trailing\\",
    "'",
    "''",
    "\"",
    "$'\\x41'",
    "!!",
    "*",
    "~",
    "{a,b}",
    "#comment",
    "ünïcödé ✓ 日本 🚀",
    "a\u{2028}b\u{2029}c\u{85}d",
    "\u{feff}bom",
    "\r\n",
    "\u{7}\u{1b}[31m\u{7f}",
    "",
    " ",
    "  leading and trailing  ",
    "key with spaces",
    "k=v=w",
    "a: b",
    "- item",
    "%{x}",
    "{{ x }}",
    "{% raw %}",
];

#[test]
fn register_passes_hostile_values_unchanged_and_runs_none_of_them() {
    let _guard = shared_processes();
    // map keys must be unique: pair each hostile key with a hostile value
    let pairs: Vec<(String, String)> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, k)| {
            (
                format!("{k}{i}"),
                HOSTILE[(i + 1) % HOSTILE.len()].to_string(),
            )
        })
        .chain(HOSTILE.iter().map(|v| (v.to_string(), format!("v-{v}"))))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let pair_refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let map = yaml_map(&pair_refs);
    let values = format!(
        "runners:\n  imagePullSecrets: {}\n  nodeSelector: {map}\n  podLabels: {map}\n  \
         podAnnotations: {map}\n  env: {map}\n",
        yaml_list(HOSTILE)
    );
    let data = render_data(&values);

    let mut expected = strings(&["register", "--non-interactive"]);
    for s in HOSTILE {
        expected.push("--kubernetes-image-pull-secrets".into());
        expected.push(s.to_string());
    }
    for (flag, sep) in [
        ("--kubernetes-node-selector", ":"),
        ("--kubernetes-pod-labels", ":"),
        ("--kubernetes-pod-annotations", ":"),
        ("--env", "="),
    ] {
        // map entries in sorted key order, as Helm's `range` gives them
        for (k, v) in &pairs {
            expected.push(flag.into());
            expected.push(format!("{k}{sep}{v}"));
        }
    }

    // the quoting must not depend on the locale the script runs in
    for locale in [None, Some("C.UTF-8"), Some("POSIX")] {
        let sb = Sandbox::new("reg-hostile");
        let mut env = vec![("REGISTRATION_TOKEN", "t")];
        if let Some(locale) = locale {
            env.push(("LC_ALL", locale));
        }
        let run = sb.register(&data, &env);
        assert_eq!(run.code, Some(0), "{locale:?}: {run:?}");
        assert_eq!(run.stdout, "", "{locale:?}");
        sb.assert_not_pwned();
        let calls = sb.calls();
        assert_eq!(calls.len(), 1);
        let got = &calls[0].args;
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "{locale:?}: argument {i} differs");
        }
        assert_eq!(
            got.len(),
            expected.len(),
            "{locale:?}: argument count differs"
        );
    }
}

#[test]
fn register_passes_map_entries_in_sorted_key_order_like_helm() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-order");
    let data = render_data(
        "runners:\n  env: {Z: 1, A: 2, m: 3}\n  nodeSelector: {b: x, a: v}\n  \
         podLabels: {b: x, a: v}\n  podAnnotations: {b: x, a: v}\n",
    );
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        sb.calls()[0].args,
        strings(&[
            "register",
            "--non-interactive",
            "--kubernetes-node-selector",
            "a:v",
            "--kubernetes-node-selector",
            "b:x",
            "--kubernetes-pod-labels",
            "a:v",
            "--kubernetes-pod-labels",
            "b:x",
            "--kubernetes-pod-annotations",
            "a:v",
            "--kubernetes-pod-annotations",
            "b:x",
            "--env",
            "A=2",
            "--env",
            "Z=1",
            "--env",
            "m=3",
        ])
    );
}

#[test]
fn register_passes_scalar_values_as_text() {
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-scalars");
    let data = render_data(
        "runners:\n  env:\n    INT: 42\n    BIG: 1000000\n    NEG: -7\n    FLOAT: 1.5\n    \
         YEP: true\n    NOPE: false\n  nodeSelector:\n    gpu: true\n    count: 2\n",
    );
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let args = &sb.calls()[0].args;
    for expected in [
        "INT=42",
        "BIG=1000000",
        "NEG=-7",
        "FLOAT=1.5",
        "YEP=true",
        "NOPE=false",
        "gpu:true",
        "count:2",
    ] {
        assert!(
            args.iter().any(|a| a == expected),
            "{expected:?} not in {args:?}"
        );
    }
}

#[test]
fn register_never_executes_text_after_a_nul() {
    // no process argument can hold a NUL; whatever the renderer does with one (reject it, or
    // quote it so that bash cuts the word there), the text after it must never run
    let _guard = shared_processes();
    let sb = Sandbox::new("reg-nul");
    let values = format!(
        "runners:\n  env: {}\n  imagePullSecrets: {}\n",
        yaml_map(&[("A", "a\0$(touch PWNED)"), ("K\0`touch PWNED`", "v")]),
        yaml_list(&["s\0;touch PWNED"])
    );
    let Ok(data) = try_render_data(&values) else {
        return;
    };
    let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    sb.assert_not_pwned();
    assert_eq!(sb.calls().len(), 1);
}

/// Arbitrary characters (controls, separators, quotes, any plane) except NUL, which no
/// process argument can hold.
fn arbitrary_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => any::<char>(),
        3 => proptest::char::range('\u{1}', '\u{7f}'),
        2 => proptest::sample::select(vec![
            '\'', '"', '\\', '$', '`', '(', ')', ';', '\n', '\t', '\r', '\u{85}', '\u{2028}',
            '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}', '!', '*', '{', '}', '%', '#', ' ',
        ]),
    ];
    proptest::collection::vec(ch.prop_filter("no NUL", |c| *c != '\0'), 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn register_passes_arbitrary_env_values_unchanged(key in arbitrary_text(), value in arbitrary_text()) {
        let _guard = shared_processes();
        let sb = Sandbox::new("reg-prop");
        let values = format!("runners:\n  env: {}\n", yaml_map(&[(&key, &value)]));
        let data = render_data(&values);
        let run = sb.register(&data, &[("REGISTRATION_TOKEN", "t")]);
        prop_assert_eq!(run.code, Some(0), "{:?}", run);
        let calls = sb.calls();
        prop_assert_eq!(calls.len(), 1);
        prop_assert_eq!(
            &calls[0].args,
            &strings(&["register", "--non-interactive", "--env", &format!("{key}={value}")])
        );
    }
}

// ---------------------------------------------------------------------------------------------
// entrypoint

const RUN_ARGS: &[&str] = &[
    "run",
    "--user=gitlab-runner",
    "--working-directory=/home/gitlab-runner",
];

fn run_entrypoint(sb: &Sandbox, data: &BTreeMap<String, String>) -> Run {
    sb.install(data);
    let cmd = sb.command("bash", &sb.scripts().join("entrypoint"));
    sb.run(cmd)
}

#[test]
fn entrypoint_registers_then_runs_with_s3_credentials() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-s3");
    let data = render_data("concurrent: 3\ncheckInterval: 7\nrunners:\n  env: {A: b}\n");
    sb.write_secret("runner-registration-token", "reg-token\n");
    sb.write_secret("runner-token", "");
    sb.write_secret("accesskey", "AKIA 123\n");
    sb.write_secret("secretkey", "s3cr3t/+=\n");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(0), "{run:?}");

    let calls = sb.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0].args,
        strings(&["register", "--non-interactive", "--env", "A=b"])
    );
    assert_eq!(
        calls[0].env.get("REGISTRATION_TOKEN").map(String::as_str),
        Some("reg-token")
    );
    assert!(!calls[0].env.contains_key("CI_SERVER_TOKEN"));
    assert_no_argument_holds(&calls, "reg-token");
    assert_eq!(calls[1].args, strings(RUN_ARGS));
    let env = &calls[1].env;
    assert!(!env.contains_key("REGISTRATION_TOKEN"));
    assert_eq!(
        env.get("CACHE_S3_ACCESS_KEY").map(String::as_str),
        Some("AKIA 123")
    );
    assert_eq!(
        env.get("CACHE_S3_SECRET_KEY").map(String::as_str),
        Some("s3cr3t/+=")
    );
    assert!(!env.contains_key("GOOGLE_APPLICATION_CREDENTIALS"));
    assert!(!env.contains_key("CACHE_GCS_PRIVATE_KEY"));

    let installed = fs::read_to_string(sb.config_dir().join("config.toml")).unwrap();
    assert_eq!(installed, data["config.toml"]);
    assert!(installed.contains("concurrent = 3"), "{installed}");
}

#[test]
fn entrypoint_passes_the_runner_token_without_its_newline() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-token");
    let data = render_data("");
    sb.write_secret("runner-registration-token", "");
    sb.write_secret("runner-token", "glrt-xyz\n");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].args, strings(&["register", "--non-interactive"]));
    assert_eq!(
        calls[0].env.get("CI_SERVER_TOKEN").map(String::as_str),
        Some("glrt-xyz")
    );
    assert!(!calls[0].env.contains_key("REGISTRATION_TOKEN"));
    assert_eq!(calls[1].args, strings(RUN_ARGS));
    assert_no_argument_holds(&calls, "glrt-xyz");
    // the runner's token is in config.toml once registered: `run` gets no token
    assert!(!calls[1].env.contains_key("CI_SERVER_TOKEN"));
}

#[test]
fn entrypoint_prefers_the_runner_token_over_the_registration_token() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-both");
    let data = render_data("runners:\n  runUntagged: true\n");
    sb.write_secret("runner-registration-token", "legacy\n");
    sb.write_secret("runner-token", "glrt-new\n");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls[0].args, strings(&["register", "--non-interactive"]));
    assert_eq!(
        calls[0].env.get("CI_SERVER_TOKEN").map(String::as_str),
        Some("glrt-new")
    );
    assert!(!calls[0].env.contains_key("REGISTRATION_TOKEN"));
    assert_no_argument_holds(&calls, "glrt-new");
    assert_no_argument_holds(&calls, "legacy");
}

#[test]
fn entrypoint_exports_the_gcs_credentials_file() {
    let _guard = shared_processes();
    for name in [
        "gcs-application-credentials-file",
        "gcs-applicaton-credentials-file",
    ] {
        let sb = Sandbox::new("entry-gcs-file");
        let data = render_data("");
        sb.write_secret("runner-registration-token", "t");
        sb.write_secret(name, "{\"type\": \"service_account\"}\n");
        // a file must win over an access id and key
        sb.write_secret("gcs-access-id", "id");
        sb.write_secret("gcs-private-key", "key");
        let run = run_entrypoint(&sb, &data);
        assert_eq!(run.code, Some(0), "{run:?}");
        let calls = sb.calls();
        assert_eq!(calls.len(), 2);
        let expected = sb.secrets().join(name).display().to_string();
        assert_eq!(
            calls[1].env.get("GOOGLE_APPLICATION_CREDENTIALS"),
            Some(&expected),
            "{name}"
        );
        assert!(!calls[1].env.contains_key("CACHE_GCS_PRIVATE_KEY"));
    }
}

#[test]
fn entrypoint_expands_the_gcs_private_key() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-gcs-key");
    let data = render_data("");
    sb.write_secret("runner-registration-token", "t");
    sb.write_secret("gcs-access-id", "runner@project.iam.gserviceaccount.com\n");
    let key = r"-----BEGIN PRIVATE KEY-----\nMIIE+/a=\nb&c*d\n-----END PRIVATE KEY-----\n";
    sb.write_secret("gcs-private-key", &format!("{key}\n"));
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 2);
    let env = &calls[1].env;
    assert_eq!(
        env.get("CACHE_GCS_ACCESS_ID").map(String::as_str),
        Some("runner@project.iam.gserviceaccount.com")
    );
    assert_eq!(
        env.get("CACHE_GCS_PRIVATE_KEY").map(String::as_str),
        Some("-----BEGIN PRIVATE KEY-----\nMIIE+/a=\nb&c*d\n-----END PRIVATE KEY-----\n")
    );
    assert!(!env.contains_key("GOOGLE_APPLICATION_CREDENTIALS"));
}

#[test]
fn entrypoint_exits_1_without_running_when_registration_fails() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-fail");
    sb.exit_codes(&[1]);
    let data = render_data("");
    sb.write_secret("runner-registration-token", "t\n");
    let mut cmd = sb.command("bash", &sb.scripts().join("entrypoint"));
    cmd.env("CHART_REGISTER_ATTEMPTS", "2");
    sb.install(&data);
    let run = sb.run(cmd);
    assert_eq!(run.code, Some(1), "{run:?}");
    let calls = sb.calls();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.args[0] == "register"), "{calls:?}");
}

#[test]
fn entrypoint_exits_1_without_any_token() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-none");
    let data = render_data("");
    sb.write_secret("runner-registration-token", "\n");
    sb.write_secret("runner-token", "");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(sb.calls().is_empty());
    assert!(run.stderr.contains("token"), "{run:?}");
}

#[test]
fn entrypoint_returns_the_runners_exit_code() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-code");
    sb.exit_codes(&[0, 3]);
    let data = render_data("");
    sb.write_secret("runner-registration-token", "t");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(sb.calls().len(), 2);
}

#[test]
fn entrypoint_passes_template_config_when_host_aliases_are_set() {
    let _guard = shared_processes();
    let sb = Sandbox::new("entry-alias");
    let data = render_data("runners:\n  hostAliases:\n    - {ip: 10.0.0.1, hostnames: [a]}\n");
    sb.write_secret("runner-registration-token", "t");
    let run = run_entrypoint(&sb, &data);
    assert_eq!(run.code, Some(0), "{run:?}");
    let calls = sb.calls();
    let template = sb
        .scripts()
        .join("config.template.toml")
        .display()
        .to_string();
    assert_eq!(
        calls[0].args,
        strings(&[
            "register",
            "--non-interactive",
            "--template-config",
            &template
        ])
    );
    assert!(Path::new(&template).is_file());
}

// ---------------------------------------------------------------------------------------------
// entrypoint: signals (kubectl delete pod)

/// Whether this machine can start a process as PID 1 of a new PID namespace (`unshare`, as
/// root or with unprivileged user namespaces).
fn pid_namespaces() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("unshare")
            .args(UNSHARE)
            .arg("true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

const UNSHARE: &[&str] = &[
    "--user",
    "--map-root-user",
    "--pid",
    "--fork",
    "--kill-child",
];

/// The pids of the processes of sandbox `sb` (those with its STUB_DIR in their environment).
fn sandbox_processes(sb: &Sandbox) -> Vec<(u32, String)> {
    let marker = format!("STUB_DIR={}", sb.path("stub").display());
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ.split(|b| *b == 0).any(|kv| kv == marker.as_bytes()) {
            let comm = fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            found.push((pid, comm.trim_end().to_string()));
        }
    }
    found
}

/// Polls `ready` for at most 5 s.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(5), "never {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs the entrypoint as the container's PID 1 (in a new PID namespace when the machine
/// allows it, where a signal without a handler is dropped as in a pod), waits until `phase`
/// holds, sends TERM to it, and asserts that it ends within 5 s, by its own handler (exit
/// code 143), leaving no process behind.
fn entrypoint_ends_on_term(sb: &Sandbox, phase: &str, ready: impl Fn() -> bool) {
    let script = sb.scripts().join("entrypoint");
    let namespaced = pid_namespaces();
    let cmd = if namespaced {
        let mut cmd = Command::new("unshare");
        cmd.args(UNSHARE).arg("bash").arg(&script);
        cmd
    } else {
        let mut cmd = Command::new("bash");
        cmd.arg(&script);
        cmd
    };
    let mut cmd = sb.sandboxed(cmd);
    cmd.env("CHART_REGISTER_DELAY", "60")
        .stdout(Stdio::null())
        .stderr(fs::File::create(sb.path("entrypoint.err")).unwrap());
    let mut child = KillOnDrop(spawn(&mut cmd));
    // the entrypoint: the child itself, or the first process of the new namespace
    let pid = if namespaced {
        let children = format!("/proc/{0}/task/{0}/children", child.0.id());
        let mut pid = None;
        wait_until("forked into the namespace", || {
            pid = fs::read_to_string(&children)
                .ok()
                .and_then(|t| t.split_whitespace().next().map(str::to_string));
            pid.is_some()
        });
        pid.unwrap()
    } else {
        child.0.id().to_string()
    };
    wait_until(phase, ready);
    let sent = Instant::now();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success(), "{phase}: kill -TERM {pid}");
    let status = wait_timeout(&mut child.0, Duration::from_secs(5)).unwrap_or_else(|| {
        let err = fs::read_to_string(sb.path("entrypoint.err")).unwrap_or_default();
        panic!("{phase}: the entrypoint did not end within 5 s of a TERM (namespaced: {namespaced})\n{err}")
    });
    let elapsed = sent.elapsed();
    assert_eq!(
        status.code(),
        Some(143),
        "{phase}: the entrypoint must end by its TERM handler"
    );
    // processes of a namespace end with its first one, but only eventually
    let start = Instant::now();
    loop {
        let left = sandbox_processes(sb);
        if left.is_empty() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{phase}: processes left behind: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(elapsed < Duration::from_secs(5), "{phase}: {elapsed:?}");
}

#[test]
fn entrypoint_ends_on_term_while_registering() {
    let _guard = shared_processes();
    let sb = Sandbox::new("term-register");
    sb.install(&render_data(""));
    sb.write_secret("runner-registration-token", "t");
    sb.hang_on_call(1);
    let hanging = sb.path("stub/call.1/hanging");
    entrypoint_ends_on_term(&sb, "registering", || hanging.exists());
    assert_eq!(sb.calls().len(), 1, "no `run` after a TERM");
}

#[test]
fn entrypoint_ends_on_term_while_waiting_to_retry() {
    let _guard = shared_processes();
    let sb = Sandbox::new("term-retry");
    sb.install(&render_data(""));
    sb.write_secret("runner-registration-token", "t");
    sb.exit_codes(&[1]);
    // the registration failed once and sleeps 60 s before the next attempt
    entrypoint_ends_on_term(&sb, "waiting to retry", || {
        sb.path("stub/call.1/env").exists()
            && sandbox_processes(&sb)
                .iter()
                .any(|(_, comm)| comm == "sleep")
    });
    assert_eq!(sb.calls().len(), 1, "no second attempt after a TERM");
}

#[test]
fn entrypoint_ends_on_term_while_running() {
    let _guard = shared_processes();
    let sb = Sandbox::new("term-run");
    sb.install(&render_data(""));
    sb.write_secret("runner-registration-token", "t");
    sb.hang_on_call(2);
    let hanging = sb.path("stub/call.2/hanging");
    entrypoint_ends_on_term(&sb, "running", || hanging.exists());
    let calls = sb.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].args, strings(RUN_ARGS));
}

// ---------------------------------------------------------------------------------------------
// configure

fn run_configure(sb: &Sandbox) -> Run {
    let data = render_data("");
    sb.install(&data);
    let cmd = sb.command("sh", &sb.scripts().join("configure"));
    sb.run(cmd)
}

#[test]
fn configure_copies_projected_secrets_including_symlinks() {
    let sb = Sandbox::new("configure");
    let init = sb.path("init-secrets");
    // the layout of a projected volume: files behind ..data -> ..<timestamp>/
    let stamp = init.join("..2024_01_01_00_00_00.123");
    fs::create_dir(&stamp).unwrap();
    fs::write(stamp.join("runner-token"), "glrt-1\n").unwrap();
    fs::write(stamp.join("runner-registration-token"), "").unwrap();
    fs::write(stamp.join("accesskey"), "AK").unwrap();
    symlink("..2024_01_01_00_00_00.123", init.join("..data")).unwrap();
    for name in ["runner-token", "runner-registration-token", "accesskey"] {
        symlink(format!("..data/{name}"), init.join(name)).unwrap();
    }
    fs::write(init.join("plain file with spaces"), "x y\n").unwrap();

    let run = run_configure(&sb);
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut copied: Vec<String> = fs::read_dir(sb.secrets())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    copied.sort();
    assert_eq!(
        copied,
        strings(&[
            "accesskey",
            "plain file with spaces",
            "runner-registration-token",
            "runner-token"
        ])
    );
    for (name, text) in [
        ("runner-token", "glrt-1\n"),
        ("runner-registration-token", ""),
        ("accesskey", "AK"),
        ("plain file with spaces", "x y\n"),
    ] {
        let path = sb.secrets().join(name);
        assert!(
            !fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink(),
            "{name} must be copied, not linked"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), text, "{name}");
    }
}

#[test]
fn configure_accepts_a_pod_without_projected_secrets() {
    // no token and no runners.secret: the pod has no init-runner-secrets volume at all
    let sb = Sandbox::new("configure-none");
    fs::remove_dir(sb.path("init-secrets")).unwrap();
    let run = run_configure(&sb);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(fs::read_dir(sb.secrets()).unwrap().count(), 0);
}

#[test]
fn configure_accepts_an_empty_secrets_volume() {
    let sb = Sandbox::new("configure-empty");
    let run = run_configure(&sb);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(fs::read_dir(sb.secrets()).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// check-live

fn require_pgrep() {
    let found = ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .any(|dir| Path::new(dir).join("pgrep").is_file());
    assert!(
        found,
        "pgrep (procps) is not installed: check-live needs it, install procps to run this test"
    );
}

fn run_check_live(sb: &Sandbox) -> Run {
    let cmd = sb.command("bash", &sb.scripts().join("check-live"));
    sb.run(cmd)
}

/// check-live's answer when none of our processes run; retried a few times so that a
/// transient process of another program does not fail the test (a persistent one does).
fn assert_not_live(sb: &Sandbox) {
    let mut last = None;
    for _ in 0..20 {
        let run = run_check_live(sb);
        if run.code == Some(1) {
            return;
        }
        last = Some(run);
        std::thread::sleep(Duration::from_millis(100));
    }
    let ps = Command::new("ps").args(["-eo", "pid,comm,args"]).output();
    let ps = ps
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    panic!("check-live should exit 1 with no runner process: {last:?}\nprocesses:\n{ps}");
}

fn executable_named(sb: &Sandbox, name: &str, original: &str) -> PathBuf {
    let bin = sb.path("bin");
    fs::create_dir_all(&bin).unwrap();
    let path = bin.join(name);
    fs::copy(original, &path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn find_program(name: &str) -> PathBuf {
    ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} not found"))
}

/// Waits (at most 5 s) until `/proc/PID/<file>` satisfies `ready`, i.e. the child has exec'd.
fn wait_for_proc(child: &Child, file: &str, ready: impl Fn(&str) -> bool) {
    let path = format!("/proc/{}/{file}", child.id());
    let start = Instant::now();
    while !fs::read(&path)
        .map(|b| ready(&String::from_utf8_lossy(&b)))
        .unwrap_or(false)
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "process {} did not start",
            child.id()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn check_live_follows_the_gitlab_runner_process() {
    require_pgrep();
    let _guard = exclusive_processes();
    let sb = Sandbox::new("live-runner");
    sb.install(&render_data(""));
    assert_not_live(&sb);

    let sleep = find_program("sleep");
    let runner = executable_named(&sb, "gitlab-runner", &sleep.display().to_string());
    let child = KillOnDrop(spawn(Command::new(&runner).arg("10").stdin(Stdio::null())));
    wait_for_proc(&child.0, "comm", |comm| comm.trim_end() == "gitlab-runner");
    let run = run_check_live(&sb);
    assert_eq!(
        run.code,
        Some(0),
        "check-live must see gitlab-runner: {run:?}"
    );
    drop(child);
    assert_not_live(&sb);
}

#[test]
fn check_live_ignores_processes_only_named_like_the_runner() {
    require_pgrep();
    let _guard = exclusive_processes();
    let sb = Sandbox::new("live-similar");
    sb.install(&render_data(""));
    let sleep = find_program("sleep").display().to_string();
    let mut children = Vec::new();
    for name in ["gitlab-runner-x", "my-gitlab-runner"] {
        let path = executable_named(&sb, name, &sleep);
        let child = KillOnDrop(spawn(Command::new(&path).arg("10").stdin(Stdio::null())));
        // the kernel keeps the first 15 bytes of the name
        let comm = &name[..name.len().min(15)];
        wait_for_proc(&child.0, "comm", |c| c.trim_end() == comm);
        children.push(child);
    }
    assert_not_live(&sb);
}

#[test]
fn check_live_sees_a_running_registration() {
    require_pgrep();
    let _guard = exclusive_processes();
    let sb = Sandbox::new("live-register");
    sb.install(&render_data(""));
    let fake = sb.path("bin/register-the-runner");
    fs::create_dir_all(sb.path("bin")).unwrap();
    fs::write(&fake, "sleep 10\n").unwrap();
    let child = KillOnDrop(spawn(Command::new("bash").arg(&fake).stdin(Stdio::null())));
    wait_for_proc(&child.0, "cmdline", |c| c.contains("register-the-runner"));
    let run = run_check_live(&sb);
    assert_eq!(
        run.code,
        Some(0),
        "check-live must see register-the-runner: {run:?}"
    );
    drop(child);
    assert_not_live(&sb);
}

// ---------------------------------------------------------------------------------------------
// Rendered files

#[test]
fn config_template_holds_the_host_aliases() {
    let hostile_ip = "10.0.0.1\"\n[runners.kubernetes]\nprivileged = true\n#";
    let hostnames = [
        "gitlab.intranet.example",
        "a\"b",
        "a\\b",
        "line\nbreak",
        "tab\there",
        "sep\u{2028}\u{85}",
        "'single'",
        "]]",
        "",
        "ünïcödé",
    ];
    let values = format!(
        "runners:\n  hostAliases:\n    - ip: 10.1.2.3\n      hostnames: [gitlab.intranet.example, \
         registry.intranet.example]\n    - ip: {}\n      hostnames: {}\n    - ip: 10.9.9.9\n",
        yq(hostile_ip),
        yaml_list(&hostnames)
    );
    let data = render_data(&values);
    let text = data
        .get("config.template.toml")
        .expect("config.template.toml");
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(doc.keys().collect::<Vec<_>>(), ["runners"], "{text}");
    let runners = doc["runners"].as_array().expect("[[runners]]");
    assert_eq!(runners.len(), 1, "{text}");
    let runner = runners[0].as_table().unwrap();
    assert_eq!(runner.keys().collect::<Vec<_>>(), ["kubernetes"], "{text}");
    let kubernetes = runner["kubernetes"].as_table().unwrap();
    assert_eq!(
        kubernetes.keys().collect::<Vec<_>>(),
        ["host_aliases"],
        "{text}"
    );
    let aliases = kubernetes["host_aliases"].as_array().unwrap();
    let got: Vec<(String, Vec<String>)> = aliases
        .iter()
        .map(|a| {
            let a = a.as_table().unwrap();
            assert_eq!(a.keys().collect::<Vec<_>>(), ["hostnames", "ip"], "{text}");
            let ip = a["ip"].as_str().unwrap().to_string();
            let names = a["hostnames"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_string())
                .collect();
            (ip, names)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "10.1.2.3".to_string(),
                strings(&["gitlab.intranet.example", "registry.intranet.example"])
            ),
            (hostile_ip.to_string(), strings(&hostnames)),
            ("10.9.9.9".to_string(), vec![]),
        ]
    );
}

/// The `[[runners.kubernetes.host_aliases]]` entries of a config.template.toml, as (ip,
/// hostnames), checked to be the only content of the file.
fn template_host_aliases(text: &str) -> Vec<(String, Vec<String>)> {
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(doc.keys().collect::<Vec<_>>(), ["runners"], "{text}");
    let runners = doc["runners"].as_array().expect("[[runners]]");
    assert_eq!(runners.len(), 1, "{text}");
    let kubernetes = runners[0]["kubernetes"]
        .as_table()
        .expect("[runners.kubernetes]");
    assert_eq!(
        kubernetes.keys().collect::<Vec<_>>(),
        ["host_aliases"],
        "{text}"
    );
    kubernetes["host_aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_table().unwrap();
            assert_eq!(a.keys().collect::<Vec<_>>(), ["hostnames", "ip"], "{text}");
            let names = a["hostnames"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_string())
                .collect();
            (a["ip"].as_str().unwrap().to_string(), names)
        })
        .collect()
}

const MANAGER_AND_JOB_ALIASES: &str = r#"
hostAliases:
  - ip: "10.0.0.1"
    hostnames: ["gitlab.intranet.example", "manager-only.example"]
  - ip: "10.0.0.9"
    hostnames: ["registry.intranet.example"]
  - ip: "fd00::1"
    hostnames: ["v6.example", "v6.example"]
runners:
  hostAliases:
    - ip: "10.0.0.2"
      hostnames: ["minio.intranet.example"]
    - ip: "10.0.0.1"
      hostnames: ["gitlab.intranet.example", "pages.intranet.example"]
    - ip: "10.0.0.2"
      hostnames: ["minio.intranet.example", "s3.intranet.example"]
"#;

#[test]
fn config_template_merges_the_manager_host_aliases_when_asked() {
    let values = format!("{MANAGER_AND_JOB_ALIASES}  hostAliasesFromManager: true\n");
    let data = render_data(&values);
    let got = template_host_aliases(&data["config.template.toml"]);
    let entry = |ip: &str, names: &[&str]| (ip.to_string(), strings(names));
    // runners.hostAliases first, then the manager's; one entry per ip, where it first appears,
    // with its hostnames once each, in the order they first appear
    assert_eq!(
        got,
        vec![
            entry(
                "10.0.0.2",
                &["minio.intranet.example", "s3.intranet.example"]
            ),
            entry(
                "10.0.0.1",
                &[
                    "gitlab.intranet.example",
                    "pages.intranet.example",
                    "manager-only.example"
                ]
            ),
            entry("10.0.0.9", &["registry.intranet.example"]),
            entry("fd00::1", &["v6.example"]),
        ]
    );
    // and register-the-runner passes the template
    assert!(data["register-the-runner"].contains("args+=(--template-config "));
}

#[test]
fn config_template_has_only_the_job_host_aliases_by_default() {
    for flag in ["", "  hostAliasesFromManager: false\n"] {
        let data = render_data(&format!("{MANAGER_AND_JOB_ALIASES}{flag}"));
        let got = template_host_aliases(&data["config.template.toml"]);
        let ips: Vec<&str> = got.iter().map(|(ip, _)| ip.as_str()).collect();
        assert_eq!(ips, ["10.0.0.2", "10.0.0.1"], "{flag}");
    }
    // the manager's entries alone reach job pods only with the flag
    let manager_only = "hostAliases:\n  - {ip: 10.0.0.1, hostnames: [a.example]}\n";
    let data = render_data(manager_only);
    assert!(!data.contains_key("config.template.toml"));
    assert!(!data["register-the-runner"].contains("--template-config"));
    let data = render_data(&format!(
        "{manager_only}runners:\n  hostAliasesFromManager: true\n"
    ));
    assert_eq!(
        template_host_aliases(&data["config.template.toml"]),
        vec![("10.0.0.1".to_string(), strings(&["a.example"]))]
    );
}

#[test]
fn configmap_has_exactly_the_expected_keys_and_shebangs() {
    let hostile = format!(
        "runners:\n  env: {}\n  podLabels: {}\n",
        yaml_map(&[
            ("X", "\n  config.toml: |\n    pwned = 1\n"),
            ("Y", "\u{2028}z: 1")
        ]),
        yaml_map(&[("l\nentrypoint: x", "v")])
    );
    for (values, with_template) in [("", false), (FULL_VALUES, true), (hostile.as_str(), false)] {
        let data = render_data(values);
        let mut expected = vec![
            "check-live",
            "config.toml",
            "configure",
            "entrypoint",
            "register-the-runner",
        ];
        if with_template {
            expected.insert(1, "config.template.toml");
        }
        assert_eq!(data.keys().collect::<Vec<_>>(), expected, "{values}");
        for (key, shebang) in [
            ("entrypoint", "#!/bin/bash\n"),
            ("register-the-runner", "#!/bin/bash\n"),
            ("check-live", "#!/bin/bash\n"),
            ("configure", "#!/bin/sh\n"),
        ] {
            assert!(
                data[key].starts_with(shebang),
                "{key} must start with {shebang:?}:\n{}",
                data[key]
            );
        }
        let config: toml::Table = toml::from_str(&data["config.toml"]).unwrap();
        assert!(!config.contains_key("pwned"));
    }
}

#[test]
fn every_rendered_script_passes_a_syntax_check() {
    let hostile_map = yaml_map(
        &HOSTILE
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, HOSTILE[(i + 7) % HOSTILE.len()]))
            .collect::<Vec<_>>(),
    );
    let values_files = [
        String::new(),
        FULL_VALUES.to_string(),
        format!(
            "runners:\n  env: {hostile_map}\n  nodeSelector: {hostile_map}\n  imagePullSecrets: {}\n",
            yaml_list(HOSTILE)
        ),
        "runnerToken: glrt-x\nrunners:\n  protected: true\n  runUntagged: false\n".to_string(),
        "runnerRegistrationToken: r\nrunners:\n  cache: {cacheType: gcs, gcsBucketName: b}\n  \
         hostAliases: [{ip: 1.2.3.4, hostnames: [h]}]\n"
            .to_string(),
    ];
    let _guard = shared_processes(); // `bash -n .../register-the-runner` is seen by check-live
    let sb = Sandbox::new("syntax");
    for values in &values_files {
        let data = render_data(values);
        sb.install(&data);
        for (key, shell) in [
            ("entrypoint", "bash"),
            ("register-the-runner", "bash"),
            ("check-live", "bash"),
            ("configure", "sh"),
            ("configure", "bash"),
        ] {
            let mut cmd = Command::new(shell);
            cmd.arg("-n")
                .arg(sb.scripts().join(key))
                .env_clear()
                .stdin(Stdio::null());
            let run = sb.run(cmd);
            assert_eq!(
                run.code,
                Some(0),
                "{shell} -n {key} failed for values:\n{values}\n{run:?}"
            );
            assert!(
                run.stderr.is_empty() && run.stdout.is_empty(),
                "{shell} -n {key}: {run:?}"
            );
        }
    }
}

#[test]
fn sandbox_stub_records_nul_safe_arguments() {
    // the harness itself: arguments with newlines and empty arguments survive the stub
    let sb = Sandbox::new("stub");
    let mut cmd = Command::new(sb.path("stub/gitlab-runner-stub"));
    cmd.args(["a\nb", "", " c "])
        .env("STUB_DIR", sb.path("stub"));
    sb.exit_codes(&[5]);
    let run = sb.run(cmd);
    assert_eq!(run.code, Some(5));
    let calls = sb.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].args, strings(&["a\nb", "", " c "]));
}
