//! Golden renders, as `insta` snapshots: `tests/golden/<case>/values.yaml` rendered with the
//! builtin chart is the snapshot `tests/snapshots/golden__<case>.snap`, and
//! `tests/golden-shell/<case>/values.yaml` rendered with the shell chart is
//! `tests/snapshots/golden__shell-<case>.snap`. A snapshot is the whole manifest stream, as
//! `helm template` would print it, below a short header naming its values file.
//!
//! An optional `<case>/options.yaml` sets `release` (default `ci`), `namespace` (default
//! `gitlab`), `kubeVersion` (default: the library's default version) and
//! `skipSchemaValidation` (default false).
//!
//! A failing case prints the diff of the whole file and leaves the new render beside the
//! snapshot (`.snap.new`). After an intended change: `cargo insta review` (from `cargo install
//! cargo-insta`) shows each diff to accept or reject; without cargo-insta,
//! `INSTA_UPDATE=always cargo test --test golden` (or `make golden`) rewrites every snapshot,
//! then review `git diff tests/snapshots` before committing: a golden render is a promise to
//! users about the manifests they get. A new case is a new directory with its `values.yaml`;
//! its first run writes `golden__<case>.snap.new` to review.

mod support;

use std::path::{Path, PathBuf};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, Values};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A directory of golden cases, the chart its cases render and the prefix of their snapshots.
struct Suite {
    dir: &'static str,
    chart: fn() -> Chart,
    prefix: &'static str,
}

const BUILTIN: Suite = Suite {
    dir: "tests/golden",
    chart: Chart::builtin,
    prefix: "",
};
const SHELL: Suite = Suite {
    dir: "tests/golden-shell",
    chart: Chart::shell,
    prefix: "shell-",
};

impl Suite {
    fn cases(&self) -> Vec<PathBuf> {
        support::case_dirs(&format!("{ROOT}/{}", self.dir))
    }
}

fn case_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn render_case(dir: &Path, chart: Chart) -> String {
    let values = std::fs::read_to_string(dir.join("values.yaml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let options: support::Options = match std::fs::read_to_string(dir.join("options.yaml")) {
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

/// Every case of `suite` against its snapshot. Each case is asserted on its own, so that one
/// run prints the diff of every failing case (and writes every `.snap.new`), not only the
/// first.
fn check_suite(suite: &Suite) {
    let mut failed = Vec::new();
    for dir in suite.cases() {
        let name = format!("{}{}", suite.prefix, case_name(&dir));
        let actual = render_case(&dir, (suite.chart)());
        // insta compares text without its final newlines: the stream's framing is checked here
        assert!(
            actual.ends_with('\n') && !actual.ends_with("\n\n"),
            "{name}: a render ends with exactly one newline"
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_description(format!("{}/{}/values.yaml", suite.dir, case_name(&dir)));
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
         or accept all with INSTA_UPDATE=always cargo test --test golden, then git diff)",
        failed.len(),
        failed.join(", ")
    );
}

#[test]
fn golden_renders_of_the_builtin_chart() {
    check_suite(&BUILTIN);
}

#[test]
fn golden_renders_of_the_shell_chart() {
    check_suite(&SHELL);
}

/// Every snapshot belongs to a case: a renamed or deleted case leaves no stale snapshot.
#[test]
fn every_snapshot_has_its_case() {
    let mut expected: Vec<String> = [BUILTIN, SHELL]
        .iter()
        .flat_map(|suite| {
            suite
                .cases()
                .into_iter()
                .map(|dir| format!("golden__{}{}.snap", suite.prefix, case_name(&dir)))
        })
        .collect();
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(format!("{ROOT}/tests/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("golden__") && name.ends_with(".snap"))
        .collect();
    found.sort();
    assert_eq!(found, expected);
}

/// The suite must keep covering the spec's branches.
#[test]
fn there_are_enough_golden_cases() {
    let builtin = BUILTIN.cases().len();
    assert!(builtin >= 15, "only {builtin} golden cases");
    let shell = SHELL.cases().len();
    assert!(shell >= 4, "only {shell} golden cases of the shell chart");
}

/// The shell chart's golden renders hold its two objects, from its own templates.
#[test]
fn shell_golden_outputs_are_a_secret_and_a_deployment() {
    for dir in SHELL.cases() {
        let docs = support::parse_stream(&render_case(&dir, Chart::shell()));
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

/// Every object of every golden render is valid YAML and a Kubernetes object, and the golden
/// cases together render every kind the chart can render, in both API flavours.
#[test]
fn golden_outputs_are_kubernetes_objects_covering_every_kind() {
    let mut seen = std::collections::BTreeSet::new();
    for dir in BUILTIN.cases() {
        for doc in support::parse_stream(&render_case(&dir, Chart::builtin())) {
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
