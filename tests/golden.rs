//! Golden files: `tests/golden/<case>/values.yaml` renders to `tests/golden/<case>/expected.yaml`
//! with the builtin chart, `tests/golden-shell/<case>/...` likewise with the shell chart.
//!
//! An optional `tests/golden/<case>/options.yaml` sets `release` (default `ci`), `namespace`
//! (default `gitlab`), `kubeVersion` (default: the library's default version) and
//! `skipSchemaValidation` (default false).
//!
//! To regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test --test golden`, then
//! review every diff with `git diff tests/golden` before committing: a golden file is a promise
//! to users about the manifests they get.

mod support;

use std::path::{Path, PathBuf};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, Values};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
const GOLDEN_SHELL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden-shell");

/// Each directory of golden cases and the chart its cases render.
type Suite = (&'static str, fn() -> Chart);
const SUITES: [Suite; 2] = [(GOLDEN, Chart::builtin), (GOLDEN_SHELL, Chart::shell)];

use support::Options;

fn cases() -> Vec<PathBuf> {
    support::case_dirs(GOLDEN)
}

fn render_case(dir: &Path, chart: Chart) -> String {
    let values = std::fs::read_to_string(dir.join("values.yaml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let options: Options = match std::fs::read_to_string(dir.join("options.yaml")) {
        Ok(text) => serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{}/options.yaml: {e}", dir.display())),
        Err(_) => serde_yaml::from_str("{}").unwrap(),
    };
    let kube = options
        .kube_version
        .as_deref()
        .map(|v| v.parse().unwrap())
        .unwrap_or(KubeVersion::DEFAULT);
    let chart = if options.skip_schema_validation {
        chart.without_schema()
    } else {
        chart
    };
    let render = || -> Result<String, gitlab_runner_chart::Error> {
        let mut user = Values::new();
        user.add_yaml("values.yaml", &values)?;
        let release = Release::new(&options.release, &options.namespace)?;
        let options = RenderOptions::new(release).with_kube_version(kube);
        Ok(Renderer::new(chart)?.render(&user, &options)?.to_string())
    };
    render().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let all = SUITES.iter().flat_map(|(root, chart)| {
        support::case_dirs(root)
            .into_iter()
            .map(move |d| (d, chart))
    });
    for (dir, chart) in all {
        // e.g. golden-shell/02-seed: both suites have a 02-seed
        let name = dir
            .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/"))
            .unwrap_or(&dir)
            .display()
            .to_string();
        let actual = render_case(&dir, chart());
        let expected_path = dir.join("expected.yaml");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{name}: output differs\n{}",
                first_difference(&expected, &actual)
            )),
            Err(_) => failures.push(format!(
                "{name}: no expected.yaml (run UPDATE_GOLDEN=1 cargo test --test golden)"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden case(s) failed (UPDATE_GOLDEN=1 cargo test --test golden rewrites them; review the diff):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    format!(
        "first difference at line {}:\n  expected: {:?}\n  actual:   {:?}",
        line + 1,
        e.get(line).unwrap_or(&"<end of file>"),
        a.get(line).unwrap_or(&"<end of file>")
    )
}

/// The suite must keep covering the spec's branches (see tests/golden/README.md).
#[test]
fn there_are_enough_golden_cases() {
    assert!(cases().len() >= 15, "only {} golden cases", cases().len());
    let shell = support::case_dirs(GOLDEN_SHELL).len();
    assert!(shell >= 4, "only {shell} golden cases of the shell chart");
}

/// The shell chart's golden files hold its two objects, from its own templates.
#[test]
fn shell_golden_outputs_are_a_secret_and_a_deployment() {
    for dir in support::case_dirs(GOLDEN_SHELL) {
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap_or_default();
        let docs = support::parse_stream(&expected);
        let kinds: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| {
                (
                    d.source.as_str(),
                    d.value["kind"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("gitlab-runner-shell/templates/secret.yaml", "Secret"),
                (
                    "gitlab-runner-shell/templates/deployment.yaml",
                    "Deployment"
                ),
            ],
            "{}",
            dir.display()
        );
    }
}

/// Every object of every golden file is valid YAML and a Kubernetes object, and the golden
/// files together contain every kind the chart can render, in both API flavours.
#[test]
fn golden_outputs_are_kubernetes_objects_covering_every_kind() {
    let mut seen = std::collections::BTreeSet::new();
    for dir in cases() {
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap_or_default();
        for doc in support::parse_stream(&expected) {
            let v = &doc.value;
            for field in ["apiVersion", "kind"] {
                assert!(
                    v[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{}: {field} in {}",
                    dir.display(),
                    doc.source
                );
            }
            assert!(
                v["metadata"]["name"].as_str().is_some(),
                "{}: metadata.name",
                dir.display()
            );
            assert!(
                doc.source.starts_with("gitlab-runner/templates/"),
                "{}",
                doc.source
            );
            seen.insert(format!(
                "{} {}",
                v["apiVersion"].as_str().unwrap(),
                v["kind"].as_str().unwrap()
            ));
        }
    }
    let expected = [
        "apps/v1 Deployment",
        "autoscaling/v2 HorizontalPodAutoscaler",
        "autoscaling/v2beta1 HorizontalPodAutoscaler",
        "rbac.authorization.k8s.io/v1 ClusterRole",
        "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1 Role",
        "rbac.authorization.k8s.io/v1 RoleBinding",
        "v1 ConfigMap",
        "v1 Secret",
        "v1 ServiceAccount",
    ];
    assert_eq!(
        seen.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
}
