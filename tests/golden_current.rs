//! Golden renders of the current chart ([`Chart::current`], the values schema of the official
//! chart 0.86.0), as `insta` snapshots: `tests/golden-current/<case>/values.yaml` renders to
//! the snapshot `tests/snapshots/golden_current__<case>.snap`, and every case's objects match
//! the official chart's as real Helm 3.16.4 renders them (`tests/reference-current/<name>.yaml`,
//! where `<name>` is the case name without its number; `make-reference.sh` there makes them).
//!
//! An optional `options.yaml` sets `release` (default `ci`), `namespace` (default `gitlab`)
//! and `apiVersions` (`Capabilities.APIVersions`, as `helm template --api-versions`).
//!
//! A failing case prints the diff of the whole file and leaves `.snap.new` beside the
//! snapshot. After an intended change: `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test golden_current` (`make golden`), then review
//! `git diff tests/snapshots`.
//!
//! The comparison with Helm parses both streams and requires the same objects (kind and name)
//! in the same order with the same fields and values. The allowed differences, each ours by
//! design:
//! - the ConfigMap's scripts ([`OUR_SCRIPTS`]): this project's own; the key must be in both;
//! - the Deployment's `checksum/*` annotations: checksums of those scripts; the key must be in
//!   both;
//! - `config.template.toml` when the values set `runners.hostAliases` (this project's
//!   extension, which Helm ignores): ours is Helm's text followed by
//!   `[[runners.kubernetes.host_aliases]]` tables only;
//! - a null in Helm's render (an env `value` without gitlabUrl or session server, an Ingress
//!   `host` or `ingressClassName` without a value, a TLS `hosts` list of nulls) is `""` or
//!   absent in ours: the same to Kubernetes, and the strict typed check of
//!   `tests/k8s_types.rs` refuses a null;
//! - a key written twice in one mapping of the reference (the official chart prints a standard
//!   label and a user label of the same name, e.g. a ServiceMonitor's `release`): the last one
//!   is kept, as YAML readers that accept it do; ours prints the key once, with that value.

use std::path::{Path, PathBuf};

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
use serde::Deserialize;
use serde_yaml::Value;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden-current");
const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference-current");

/// The ConfigMap entries that are this project's own scripts.
const OUR_SCRIPTS: [&str; 5] = [
    "entrypoint",
    "register-the-runner",
    "check-live",
    "set-session-server-address",
    "set-session-server-port",
];

/// A case's `options.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Options {
    #[serde(default = "default_release")]
    release: String,
    #[serde(default = "default_namespace")]
    namespace: String,
    #[serde(default)]
    api_versions: Vec<String>,
}

fn default_release() -> String {
    "ci".to_string()
}

fn default_namespace() -> String {
    "gitlab".to_string()
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(GOLDEN)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn options(dir: &Path) -> Options {
    let text = std::fs::read_to_string(dir.join("options.yaml")).unwrap_or_else(|_| "{}".into());
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}/options.yaml: {e}", dir.display()))
}

fn render_case(dir: &Path) -> String {
    let values = std::fs::read_to_string(dir.join("values.yaml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let options = options(dir);
    let render = || -> Result<String, gitlab_runner_chart::Error> {
        let mut user = Values::new();
        user.add_yaml("values.yaml", &values)?;
        let release = Release::new(&options.release, &options.namespace)?;
        let render_options =
            RenderOptions::new(release).with_api_versions(options.api_versions.clone());
        Ok(Renderer::new(Chart::current())?
            .render(&user, &render_options)?
            .to_string())
    };
    render().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// The reference render of a case: `NN-name` → `tests/reference-current/name.yaml`.
fn reference_of(dir: &Path) -> PathBuf {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let name = case.split_once('-').map(|(_, n)| n).unwrap_or(&case);
    Path::new(REFERENCE).join(format!("{name}.yaml"))
}

/// Every case against its snapshot, each asserted on its own so that one run prints the diff
/// of every failing case (and writes every `.snap.new`).
#[test]
fn golden_renders_of_the_current_chart() {
    let all = cases();
    assert!(all.len() >= 14, "the golden cases are missing");
    let mut failed = Vec::new();
    for dir in all {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let actual = render_case(&dir);
        // insta compares text without its final newlines: the stream's framing is checked here
        assert!(
            actual.ends_with('\n') && !actual.ends_with("\n\n"),
            "{name}: a render ends with exactly one newline"
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_description(format!("tests/golden-current/{name}/values.yaml"));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), actual));
        }));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} golden case(s) differ from their snapshot: {}\n(review with `cargo insta review`, \
         or accept all with INSTA_UPDATE=always cargo test --test golden_current, then git diff)",
        failed.len(),
        failed.join(", ")
    );
}

/// Every snapshot of this suite belongs to a case: a renamed or deleted case leaves none.
#[test]
fn every_snapshot_has_its_case() {
    let expected: Vec<String> = cases()
        .iter()
        .map(|dir| {
            format!(
                "golden_current__{}.snap",
                dir.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    let snapshots = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let mut found: Vec<String> = std::fs::read_dir(snapshots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("golden_current__") && name.ends_with(".snap"))
        .collect();
    found.sort();
    assert_eq!(found, expected);
}

#[test]
fn every_case_has_the_objects_helm_renders() {
    let mut problems = Vec::new();
    for dir in cases() {
        let reference_path = reference_of(&dir);
        let reference = std::fs::read_to_string(&reference_path)
            .unwrap_or_else(|e| panic!("{}: {e}", reference_path.display()));
        // the reference was made from the same values
        let name = reference_path.file_stem().unwrap().to_string_lossy();
        let reference_values =
            std::fs::read_to_string(Path::new(REFERENCE).join(format!("{name}.values.yaml")))
                .unwrap();
        let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
        assert_eq!(
            strip_helm_args(&reference_values),
            strip_helm_args(&values),
            "{}: not the values of {}",
            dir.display(),
            reference_path.display()
        );
        let host_aliases = has_runner_host_aliases(&values);
        let ours = render_case(&dir);
        for difference in differences(&reference, &ours, host_aliases) {
            problems.push(format!("{}: {difference}", dir.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn strip_helm_args(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("# helm-args:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_runner_host_aliases(values: &str) -> bool {
    let parsed: Value = serde_yaml::from_str(values).unwrap();
    parsed
        .get("runners")
        .and_then(|r| r.get("hostAliases"))
        .is_some()
}

/// The objects of a stream, with the parts that are ours by design replaced by markers.
fn objects(text: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    for part in split_stream(text) {
        let cleaned = keep_last_duplicate(&part);
        if cleaned
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let mut value: Value =
            serde_yaml::from_str(&cleaned).unwrap_or_else(|e| panic!("{e}:\n{cleaned}"));
        if value["kind"] == "ConfigMap" {
            if let Some(data) = value.get_mut("data").and_then(Value::as_mapping_mut) {
                for key in OUR_SCRIPTS {
                    if let Some(script) = data.get_mut(key) {
                        *script = Value::from("<script>");
                    }
                }
            }
        }
        if value["kind"] == "Deployment" {
            let annotations = value
                .get_mut("spec")
                .and_then(|s| s.get_mut("template"))
                .and_then(|t| t.get_mut("metadata"))
                .and_then(|m| m.get_mut("annotations"))
                .and_then(Value::as_mapping_mut);
            if let Some(annotations) = annotations {
                for (key, value) in annotations.iter_mut() {
                    if key.as_str().is_some_and(|k| k.starts_with("checksum/")) {
                        *value = Value::from("<checksum>");
                    }
                }
            }
        }
        docs.push(value);
    }
    docs
}

fn split_stream(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            parts.push(String::new());
        } else {
            let last = parts.last_mut().unwrap();
            last.push_str(line);
            last.push('\n');
        }
    }
    parts
}

/// Drops the earlier of two `key: scalar` lines with the same key among the sibling lines of
/// one block mapping (the official chart prints some labels twice; the last one wins).
fn keep_last_duplicate(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut dropped = vec![false; lines.len()];
    // (indentation, keys with their line) of the open mappings
    let mut open: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let rest = line.trim_start();
        while open.last().is_some_and(|(d, _)| *d > indent) {
            open.pop();
        }
        if rest.starts_with('-') {
            open.retain(|(d, _)| *d < indent);
            continue;
        }
        let Some((key, value)) = rest.split_once(": ") else {
            if open.last().is_none_or(|(d, _)| *d != indent) {
                open.push((indent, Vec::new()));
            }
            continue;
        };
        if value.trim().is_empty() || value.trim_start().starts_with(['|', '>']) {
            continue;
        }
        if open.last().is_none_or(|(d, _)| *d != indent) {
            open.push((indent, Vec::new()));
        }
        let (_, keys) = open.last_mut().unwrap();
        let key = key.trim_matches(['"', '\'']).to_string();
        if let Some(entry) = keys.iter_mut().find(|(k, _)| *k == key) {
            dropped[entry.1] = true;
            entry.1 = i;
        } else {
            keys.push((key, i));
        }
    }
    lines
        .iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(l, _)| format!("{l}\n"))
        .collect()
}

fn id(value: &Value) -> String {
    format!(
        "{}/{}",
        value["kind"].as_str().unwrap_or("?"),
        value["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// Every difference between the reference render and ours, but the allowed ones.
fn differences(reference: &str, ours: &str, host_aliases: bool) -> Vec<String> {
    let theirs = objects(reference);
    let mut mine = objects(ours);
    let their_ids: Vec<String> = theirs.iter().map(id).collect();
    let my_ids: Vec<String> = mine.iter().map(id).collect();
    if their_ids != my_ids {
        return vec![format!(
            "other objects or order: Helm {their_ids:?}, ours {my_ids:?}"
        )];
    }
    let mut out = Vec::new();
    for (theirs, mine) in theirs.iter().zip(mine.iter_mut()) {
        if host_aliases && mine["kind"] == "ConfigMap" {
            allow_host_aliases(theirs, mine, &mut out);
        }
        compare(theirs, mine, &id(theirs), &mut out);
    }
    out
}

/// Our config.template.toml is Helm's followed by host alias tables only: those are removed.
fn allow_host_aliases(theirs: &Value, mine: &mut Value, out: &mut Vec<String>) {
    let key = "config.template.toml";
    let (Some(helm), Some(ours)) = (
        theirs["data"][key].as_str(),
        mine["data"][key].as_str().map(str::to_string),
    ) else {
        return;
    };
    let Some(added) = ours.strip_prefix(helm) else {
        out.push(format!("data.{key}: does not start with Helm's text"));
        return;
    };
    let only_aliases = added.lines().all(|l| {
        let l = l.trim_start();
        l.is_empty()
            || l == "[[runners.kubernetes.host_aliases]]"
            || l.starts_with("ip = ")
            || l.starts_with("hostnames = ")
    });
    if added.is_empty() || !only_aliases {
        out.push(format!(
            "data.{key}: adds more than host alias tables: {added:?}"
        ));
    }
    mine["data"][key] = Value::from(helm);
}

fn compare(theirs: &Value, mine: &Value, path: &str, out: &mut Vec<String>) {
    match (theirs, mine) {
        (Value::Mapping(a), Value::Mapping(b)) => {
            for (key, value) in a {
                let sub = format!("{path}.{}", key.as_str().unwrap_or("?"));
                match b.get(key) {
                    Some(other) => compare(value, other, &sub, out),
                    None if null_like(value) => {}
                    None => out.push(format!("{sub}: only in Helm's render")),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!(
                    "{path}.{}: only in ours",
                    key.as_str().unwrap_or("?")
                ));
            }
        }
        (Value::Sequence(a), Value::Sequence(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (a, b) if a == b => {}
        (Value::Null, Value::String(s)) if s.is_empty() => {}
        (a, b) => out.push(format!("{path}: Helm {a:?}, ours {b:?}")),
    }
}

/// Null, or a list of nulls only: what ours may leave out.
fn null_like(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Sequence(items) => !items.is_empty() && items.iter().all(Value::is_null),
        _ => false,
    }
}

#[test]
fn duplicate_keys_of_a_reference_keep_the_last() {
    let text = "a:\n  labels:\n    release: \"ci\"\n    x: 1\n    release: prometheus\n  b: 2\n";
    let cleaned = keep_last_duplicate(text);
    let value: Value = serde_yaml::from_str(&cleaned).unwrap();
    assert_eq!(value["a"]["labels"]["release"], "prometheus");
    assert_eq!(value["a"]["labels"]["x"], 1);
    // keys of different mappings are not duplicates
    let text = "a:\n  name: x\nb:\n  name: y\nc:\n- name: 1\n- name: 2\n";
    assert_eq!(keep_last_duplicate(text), text);
}

#[test]
fn the_comparison_finds_a_difference() {
    let reference = std::fs::read_to_string(Path::new(REFERENCE).join("minimal.yaml")).unwrap();
    assert!(differences(&reference, &reference, false).is_empty());
    let changed = reference.replace(
        "terminationGracePeriodSeconds: 3600",
        "terminationGracePeriodSeconds: 30",
    );
    let found = differences(&reference, &changed, false);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("terminationGracePeriodSeconds"),
        "{found:?}"
    );
    let reordered = reference.replacen("kind: ServiceAccount", "kind: Widget", 1);
    assert!(differences(&reference, &reordered, false)[0].contains("other objects"));
}
