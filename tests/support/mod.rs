//! Helpers shared by the integration tests: rendering, parsing a manifest stream, and the
//! comparison of our output with a reference render of the official chart.

#![allow(dead_code)] // each test crate uses a part of this module

use std::path::{Path, PathBuf};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, Values};
use serde_yaml::Value;

/// Renders `values_yaml` (one values file) for release `release` in `namespace`.
pub fn render(values_yaml: &str, release: &str, namespace: &str, kube: KubeVersion) -> String {
    try_render(values_yaml, release, namespace, kube, true)
        .unwrap_or_else(|e| panic!("render failed: {e}"))
}

/// Like [`render`], returning the error; `checked: false` skips the values schema (to test
/// the quoting of values the schema would refuse).
pub fn try_render(
    values_yaml: &str,
    release: &str,
    namespace: &str,
    kube: KubeVersion,
    checked: bool,
) -> Result<String, gitlab_runner_chart::Error> {
    let chart = if checked {
        Chart::builtin()
    } else {
        Chart::builtin().without_schema()
    };
    let renderer = Renderer::new(chart)?;
    let mut values = Values::new();
    values.add_yaml("values.yaml", values_yaml)?;
    let options = RenderOptions::new(Release::new(release, namespace)?).with_kube_version(kube);
    Ok(renderer.render(&values, &options)?.to_string())
}

/// One object of a manifest stream: its `# Source:` and its parsed YAML.
#[derive(Debug, Clone)]
pub struct Doc {
    pub source: String,
    pub value: Value,
}

/// Splits a `helm template` style stream into documents (dropping empty ones) and parses each.
pub fn parse_stream(text: &str) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        let body = std::mem::take(current);
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return;
        }
        let source = body
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .unwrap_or_default()
            .to_string();
        let value: Value = serde_yaml::from_str(&body)
            .unwrap_or_else(|e| panic!("document from {source} is not YAML: {e}\n{body}"));
        docs.push(Doc { source, value });
    };
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            flush(&mut current);
        } else {
            current.push_str(line);
        }
    }
    flush(&mut current);
    docs
}

/// `kind/name` of a parsed object.
pub fn id(value: &Value) -> String {
    format!(
        "{}/{}",
        value["kind"].as_str().unwrap_or("?"),
        value["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// The ConfigMap keys whose text is ours (the scripts), compared by presence only.
const SCRIPT_KEYS: &[&str] = &[
    "entrypoint",
    "register-the-runner",
    "check-live",
    "configure",
];

/// Compares our render with a reference render of the official chart: the same objects in the
/// same order with the same fields and values, except for what is ours by design (script
/// bodies, checksums, the `chart` label value, the default image tag) and the spec's "where we
/// do better" (a null env value or null annotations in the reference are `""` or absent in
/// ours). Returns every difference, one per line, as `path: explanation`.
pub fn differences(reference: &str, ours: &str) -> Vec<String> {
    let mut reference = parse_stream(reference);
    drop_projections_of_missing_runner_secret(&mut reference);
    let ours = parse_stream(ours);
    let mut diffs = Vec::new();
    let ref_ids: Vec<String> = reference.iter().map(|d| id(&d.value)).collect();
    let our_ids: Vec<String> = ours.iter().map(|d| id(&d.value)).collect();
    if ref_ids != our_ids {
        diffs.push(format!(
            "objects differ: reference {ref_ids:?}, ours {our_ids:?}"
        ));
        return diffs;
    }
    for (r, o) in reference.iter().zip(&ours) {
        if r.source != o.source {
            diffs.push(format!(
                "{}: source {:?} vs ours {:?}",
                id(&r.value),
                r.source,
                o.source
            ));
        }
        compare(&id(&r.value), &r.value, &o.value, &mut diffs);
    }
    diffs
}

/// Where we do better: without a token the official chart renders no Secret but its pod still
/// projects the chart's Secret (named like the Deployment), so the pod never starts; ours
/// projects only Secrets that exist, and drops the `init-runner-secrets` volume (and its mount)
/// when nothing is left to project. This applies the same to the reference.
fn drop_projections_of_missing_runner_secret(docs: &mut [Doc]) {
    let secrets: Vec<String> = docs
        .iter()
        .filter(|d| d.value["kind"] == "Secret")
        .filter_map(|d| d.value["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    for doc in docs.iter_mut().filter(|d| d.value["kind"] == "Deployment") {
        let Some(name) = doc.value["metadata"]["name"].as_str().map(str::to_string) else {
            continue;
        };
        if secrets.contains(&name) {
            continue;
        }
        let spec = &mut doc.value["spec"]["template"]["spec"];
        let mut volume_gone = false;
        if let Some(volumes) = spec["volumes"].as_sequence_mut() {
            for volume in volumes.iter_mut() {
                if volume["name"] != "init-runner-secrets" {
                    continue;
                }
                if let Some(sources) = volume["projected"]["sources"].as_sequence_mut() {
                    sources.retain(|s| s["secret"]["name"].as_str() != Some(name.as_str()));
                    volume_gone = sources.is_empty();
                }
            }
            if volume_gone {
                volumes.retain(|v| v["name"] != "init-runner-secrets");
            }
        }
        if volume_gone {
            if let Some(containers) = spec["initContainers"].as_sequence_mut() {
                for container in containers {
                    if let Some(mounts) = container["volumeMounts"].as_sequence_mut() {
                        mounts.retain(|m| m["name"] != "init-runner-secrets");
                    }
                }
            }
        }
    }
}

fn compare(path: &str, reference: &Value, ours: &Value, diffs: &mut Vec<String>) {
    if ignored(path, reference, ours) {
        return;
    }
    match (reference, ours) {
        (Value::Mapping(r), Value::Mapping(o)) => {
            for (key, rv) in r {
                let child = format!("{path}.{}", key_text(key));
                match o.get(key) {
                    Some(ov) => compare(&child, rv, ov, diffs),
                    // The official chart prints `annotations:` (null) with no annotations.
                    None if rv.is_null() && child.ends_with(".annotations") => {}
                    None => diffs.push(format!("{child}: missing in ours (reference {rv:?})")),
                }
            }
            for key in o.keys() {
                if !r.contains_key(key) {
                    diffs.push(format!("{path}.{}: only in ours", key_text(key)));
                }
            }
        }
        (Value::Sequence(r), Value::Sequence(o)) => {
            if r.len() != o.len() {
                diffs.push(format!(
                    "{path}: {} items in the reference, {} in ours",
                    r.len(),
                    o.len()
                ));
                return;
            }
            for (i, (rv, ov)) in r.iter().zip(o).enumerate() {
                compare(&format!("{path}[{i}]"), rv, ov, diffs);
            }
        }
        // Where we do better: sprig's quote prints nothing for a missing value (null); ours "".
        (Value::Null, Value::String(s)) if s.is_empty() && path.ends_with(".value") => {}
        (r, o) if r == o => {}
        (r, o) => diffs.push(format!("{path}: reference {r:?}, ours {o:?}")),
    }
}

fn ignored(path: &str, reference: &Value, ours: &Value) -> bool {
    let present = !ours.is_null();
    if path.starts_with("ConfigMap/")
        && SCRIPT_KEYS
            .iter()
            .any(|k| path.ends_with(&format!(".data.{k}")))
    {
        return present && reference.as_str() == Some("<script elided>");
    }
    if path.contains(".annotations.checksum/") {
        return present && reference.as_str() == Some("<checksum elided>");
    }
    if path.ends_with(".labels.chart") {
        return ours
            .as_str()
            .is_some_and(|s| s.starts_with("gitlab-runner-"));
    }
    if path.ends_with(".image") {
        let default = |v: &Value| {
            v.as_str()
                .is_some_and(|s| s.starts_with("gitlab/gitlab-runner:alpine-"))
        };
        return default(reference) && default(ours);
    }
    false
}

fn key_text(key: &Value) -> String {
    key.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{key:?}"))
}

/// The `render` example binary, built by `cargo test` next to the test binaries. `cargo test
/// --test <name>` alone does not rebuild it: this fails loudly when it is missing or older than
/// a source it is built from (`src/`, `examples/`, `Cargo.toml`), so that no test passes or
/// fails on a stale binary. (Tests where the program's name does not matter run
/// `env!("CARGO_BIN_EXE_gitlab-runner-chart")`, which Cargo always rebuilds.)
pub fn render_example() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test binary");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/deps/");
    let path = profile_dir
        .join("examples")
        .join(format!("render{}", std::env::consts::EXE_SUFFIX));
    let rebuild = "run `cargo test` (which builds the examples before the tests), or \
                   `cargo build --examples` before `cargo test --test <name>`";
    let built = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| panic!("{} not found: {rebuild}", path.display()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (newest, source) = newest_source(root);
    assert!(
        newest <= built,
        "{} is older than {}: {rebuild}",
        path.display(),
        source.display()
    );
    path
}

/// The newest modification time of the files the example is built from, and which file it is:
/// the code (`src/`, `examples/`) and the chart files it embeds (`chart/`, whose `values.yaml`
/// links to `values/values.yaml`). Not `Cargo.toml`: a comment-only edit rebuilds nothing, and
/// the guard would then fail until a source changed.
fn newest_source(root: &Path) -> (std::time::SystemTime, PathBuf) {
    let modified = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH)
    };
    let mut newest = (std::time::UNIX_EPOCH, root.to_path_buf());
    let mut dirs = vec![root.join("src"), root.join("examples"), root.join("chart")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if modified(&path) > newest.0 {
                newest = (modified(&path), path);
            }
        }
    }
    newest
}

/// The case directories under `dir` (e.g. `tests/golden`), sorted by name.
pub fn case_dirs(dir: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// A golden case's `options.yaml`: the release, namespace and Kubernetes version it is rendered
/// for, and whether without the values schema.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Options {
    /// `Release.Name` (default `ci`).
    #[serde(default = "default_release")]
    pub release: String,
    /// `Release.Namespace` (default `gitlab`).
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// The Kubernetes version (default: the renderer's).
    pub kube_version: Option<String>,
    /// Render without the values schema (for values Kubernetes would refuse, to test quoting).
    #[serde(default)]
    pub skip_schema_validation: bool,
}

fn default_release() -> String {
    "ci".to_string()
}

fn default_namespace() -> String {
    "gitlab".to_string()
}
