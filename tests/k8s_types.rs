//! Every rendered object is a well-typed Kubernetes object, for every Kubernetes version we
//! render for.
//!
//! Every values file of the tests — `tests/golden/*/values.yaml` (with the release, namespace
//! and schema switch of its `options.yaml`; its `kubeVersion` is ignored since every version is
//! rendered), `values/*.yaml`, `tests/fixtures/reference/*.values.yaml` and
//! `tests/fixtures/official-default-values.yaml`, and `tests/k8s_types/edge-values.yaml` (values
//! at the edges of the schema for fields that reach Kubernetes objects) — is rendered for every
//! Kubernetes minor version from 1.20 to the newest one the typed API structs model
//! ([`NEWEST_MINOR`], the `latest` feature of the `k8s-openapi` dev-dependency; the library's
//! default version must not be newer). Every object is then checked by
//! `tests/k8s_types/check.rs`:
//!
//! 1. looked up by `apiVersion` and `kind` in [`check::TYPED`]: an object of an
//!    apiVersion/kind not in the table fails the test (a new template is never silently
//!    skipped), and so does an apiVersion rendered for a Kubernetes version that does not serve
//!    it;
//! 2. deserialized into its `k8s-openapi` struct (a wrong type, an integer out of the field's
//!    range, a bad base64 string fails here);
//! 3. serialized again and compared, as JSON, with the object as rendered: a field the struct
//!    does not know is dropped by the round trip, so an unknown or misspelt field fails here,
//!    and so does a missing required field (the struct fills in a default) or a `null`. The
//!    comparison is exact but for the one normalisation of [`check::same_after_round_trip`],
//!    explained there. A failure names the values file, the object, the Kubernetes versions and
//!    the differing path.
//!
//! `autoscaling/v2beta1` HorizontalPodAutoscalers (rendered for Kubernetes before 1.23) cannot
//! be typed: the latest API (and so `k8s-openapi`'s `latest` structs) no longer has that
//! apiVersion, and reading one as the v2 struct after a field mapping would test the mapping,
//! not the object. The test only checks that they appear for those versions alone; their
//! fields are proven by the strict schema check of `.ci/run` (k8s-manifest-check's
//! `validate.sh --kube-version 1.20`, with the Kubernetes 1.20 OpenAPI schemas), which also
//! covers what typing cannot see (label syntax, name lengths, YAML 1.1 scalars as Kubernetes
//! reads them).
//!
//! Values that hold an HPA metric in the autoscaling/v2 form render only for 1.23 and later:
//! they are listed in [`V2_ONLY`], and for older versions the test checks that the render is
//! refused with a message naming autoscaling/v2.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, Values};
use serde_json::Value as Json;

#[path = "k8s_types/check.rs"]
mod check;

use check::{
    Checked, TYPED, Typed, check_object, check_served, check_typed, entry_of, same_after_round_trip,
};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The oldest Kubernetes version the chart is rendered for.
const OLDEST_MINOR: u32 = 20;

// The newest Kubernetes version the `k8s-openapi` structs model: its `latest` feature. If a new
// k8s-openapi release moves `latest` on, this constant disappears and the test no longer
// compiles: bump both together.
k8s_openapi::k8s_if_1_37! {
    /// The newest Kubernetes version tested: the version of the typed API structs.
    const NEWEST_MINOR: u32 = 37;
}

/// Values files whose HPA metrics are written in the autoscaling/v2 form, which the render
/// refuses for Kubernetes before 1.23 (autoscaling/v2beta1 cannot express them).
const V2_ONLY: &[&str] = &["tests/golden/13-hpa-v2/values.yaml", "values/hpa.yaml"];

// ---------------------------------------------------------------------------------------------
// The values files
// ---------------------------------------------------------------------------------------------

/// One values file and how it is rendered.
struct Input {
    /// Path relative to the crate root.
    name: String,
    values: String,
    release: String,
    namespace: String,
    /// False for a golden case rendered without the values schema (`skipSchemaValidation`).
    checked: bool,
}

use support::Options;

fn files_ending(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn input(path: &Path, options: Options) -> Input {
    let name = path
        .strip_prefix(ROOT)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    Input {
        values: std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}")),
        name,
        release: options.release,
        namespace: options.namespace,
        checked: !options.skip_schema_validation,
    }
}

fn default_options() -> Options {
    serde_yaml::from_str("{}").unwrap()
}

/// Every values file of the tests.
fn inputs() -> Vec<Input> {
    let mut inputs = Vec::new();
    for dir in support::case_dirs(&format!("{ROOT}/tests/golden")) {
        let options = match std::fs::read_to_string(dir.join("options.yaml")) {
            Ok(text) => serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}/options.yaml: {e}", dir.display())),
            Err(_) => default_options(),
        };
        inputs.push(input(&dir.join("values.yaml"), options));
    }
    let others = [
        files_ending("values", ".yaml"),
        files_ending("tests/fixtures/reference", ".values.yaml"),
        vec![
            Path::new(ROOT).join("tests/fixtures/official-default-values.yaml"),
            Path::new(ROOT).join("tests/k8s_types/edge-values.yaml"),
        ],
    ];
    for path in others.iter().flatten() {
        inputs.push(input(path, default_options()));
    }
    inputs
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

/// What rendering one values file for every version found.
#[derive(Default)]
struct Findings {
    /// `object: problem` → the minor versions it was found for.
    failures: BTreeMap<String, BTreeSet<u32>>,
    /// `apiVersion kind` of every object checked, typed or not.
    seen: BTreeSet<String>,
    typed: usize,
    untyped: usize,
}

fn check_input(input: &Input, renderers: &[Renderer; 2]) -> Findings {
    let renderer = &renderers[usize::from(input.checked)];
    let mut values = Values::new();
    values
        .add_yaml(&input.name, &input.values)
        .unwrap_or_else(|e| panic!("{}: {e}", input.name));
    let release = Release::new(&input.release, &input.namespace).unwrap();
    let v2_only = V2_ONLY.contains(&input.name.as_str());
    let mut findings = Findings::default();
    let mut fail = |what: String, minor: u32| {
        findings.failures.entry(what).or_default().insert(minor);
    };
    // The typed round trip does not depend on the version: identical objects (every version
    // from 1.23 on renders the same objects today) are typed once. Object text → the object's
    // label and entry, and the round trip's result.
    type Cached = Result<(String, &'static Typed, Result<Checked, Vec<String>>), String>;
    let mut cache: BTreeMap<String, Cached> = BTreeMap::new();
    for minor in OLDEST_MINOR..=NEWEST_MINOR {
        let options =
            RenderOptions::new(release.clone()).with_kube_version(KubeVersion::new(1, minor, 0));
        let manifests = match renderer.render(&values, &options) {
            Ok(manifests) => manifests,
            Err(e) if v2_only && minor < 23 && e.to_string().contains("autoscaling/v2") => continue,
            Err(e) => {
                fail(format!("render failed: {e}"), minor);
                continue;
            }
        };
        if v2_only && minor < 23 {
            fail(
                "rendered, but V2_ONLY says it has an autoscaling/v2 metric, refused before 1.23"
                    .to_string(),
                minor,
            );
        }
        if manifests.is_empty() {
            fail("rendered no object".to_string(), minor);
        }
        for manifest in manifests.iter() {
            let cached = cache
                .entry(manifest.content().to_string())
                .or_insert_with(|| {
                    let object: Json = serde_yaml::from_str(manifest.content()).map_err(|e| {
                        format!(
                            "{} from {}: not YAML: {e}",
                            manifest.kind(),
                            manifest.source()
                        )
                    })?;
                    let label = format!(
                        "{} {}/{}",
                        object["apiVersion"].as_str().unwrap_or("?"),
                        object["kind"].as_str().unwrap_or("?"),
                        object["metadata"]["name"].as_str().unwrap_or("?")
                    );
                    let entry = entry_of(&object).map_err(|e| format!("{label}: {e}"))?;
                    Ok((label, entry, check_typed(entry, &object)))
                });
            let (label, entry, result) = match cached {
                Ok(found) => found,
                Err(problem) => {
                    fail(problem.clone(), minor);
                    continue;
                }
            };
            findings
                .seen
                .insert(format!("{} {}", entry.api_version, entry.kind));
            if let Err(problem) = check_served(entry, minor) {
                fail(format!("{label}: {problem}"), minor);
            }
            match result {
                Ok(Checked::Typed) => findings.typed += 1,
                Ok(Checked::Untyped) => findings.untyped += 1,
                Err(problems) => {
                    for problem in problems {
                        fail(format!("{label}: {problem}"), minor);
                    }
                }
            }
        }
    }
    findings
}

/// `1.20-1.22, 1.25` for a set of minor versions.
fn versions(minors: &BTreeSet<u32>) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &m in minors {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == m => *end = m,
            _ => ranges.push((m, m)),
        }
    }
    ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("1.{a}")
            } else {
                format!("1.{a}-1.{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn every_rendered_object_is_a_well_typed_kubernetes_object_for_every_version() {
    assert!(
        KubeVersion::DEFAULT <= KubeVersion::new(1, NEWEST_MINOR, u32::MAX),
        "the default Kubernetes version {} is newer than the typed structs (1.{NEWEST_MINOR}): \
         update k8s-openapi",
        KubeVersion::DEFAULT
    );
    let renderers = [
        Renderer::new(Chart::builtin().without_schema()).unwrap(),
        Renderer::new(Chart::builtin()).unwrap(),
    ];
    let inputs = inputs();
    assert!(inputs.len() >= 39, "only {} values files", inputs.len());
    // Two threads: the machine has two cores, and each values file is independent.
    let (first, second) = inputs.split_at(inputs.len() / 2);
    let run = |inputs: &[Input]| -> Vec<(String, Findings)> {
        inputs
            .iter()
            .map(|input| (input.name.clone(), check_input(input, &renderers)))
            .collect()
    };
    let findings: Vec<(String, Findings)> = std::thread::scope(|scope| {
        let handle = scope.spawn(|| run(second));
        let mut all = run(first);
        all.extend(handle.join().unwrap());
        all
    });

    let mut report = Vec::new();
    let mut seen = BTreeSet::new();
    let (mut typed, mut untyped) = (0, 0);
    for (name, f) in &findings {
        for (problem, minors) in &f.failures {
            report.push(format!(
                "{name}, Kubernetes {}: {problem}",
                versions(minors)
            ));
        }
        seen.extend(f.seen.iter().cloned());
        typed += f.typed;
        untyped += f.untyped;
    }
    assert!(
        report.is_empty(),
        "{} problem(s) in the rendered objects:\n{}",
        report.len(),
        report.join("\n")
    );
    // Every entry of TYPED is exercised (no stale entry, no kind the values files never render);
    // the current chart's own kinds by `the_current_chart_renders_well_typed_objects`.
    let table: BTreeSet<String> = TYPED
        .iter()
        .map(|t| format!("{} {}", t.api_version, t.kind))
        .filter(|k| !CURRENT_CHART_ONLY.contains(&k.as_str()))
        .collect();
    assert_eq!(seen, table, "kinds rendered vs kinds in TYPED");
    assert!(
        typed > 1000 && untyped > 0,
        "typed {typed}, untyped {untyped}"
    );
}

// ---------------------------------------------------------------------------------------------
// The checker itself fails where it must
// ---------------------------------------------------------------------------------------------

fn object(yaml: &str) -> Json {
    serde_yaml::from_str(yaml).unwrap()
}

fn problems(yaml: &str, minor: u32) -> Vec<String> {
    check_object(&object(yaml), minor).expect_err("the object must fail")
}

#[test]
fn an_unknown_kind_or_api_version_fails() {
    let job = problems(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec: {template: {spec: {containers: []}}}\n",
        35,
    );
    assert!(
        job[0].contains("\"batch/v1\" kind \"Job\" has no typed check"),
        "{job:?}"
    );
    let old_deployment = problems(
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: x}\n",
        20,
    );
    assert!(
        old_deployment[0].contains("no typed check"),
        "{old_deployment:?}"
    );
}

#[test]
fn an_api_version_for_a_kubernetes_that_does_not_serve_it_fails() {
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n\
               spec: {maxReplicas: 2, scaleTargetRef: {kind: Deployment, name: x}}\n";
    assert_eq!(check_object(&object(hpa), 23), Ok(Checked::Typed));
    assert!(problems(hpa, 22)[0].contains("served from Kubernetes 1.23 only"));
    let beta =
        "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n";
    assert_eq!(check_object(&object(beta), 22), Ok(Checked::Untyped));
    assert!(problems(beta, 23)[0].contains("must not be rendered for Kubernetes 1.23"));
}

#[test]
fn unknown_and_mistyped_fields_fail_with_their_path() {
    let good = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: 1\n  \
                selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    \
                spec:\n      containers:\n      - name: c\n        image: i\n        \
                resources: {limits: {cpu: 1, memory: 0.5Gi}}\n";
    assert_eq!(check_object(&object(good), 35), Ok(Checked::Typed));

    let unknown = good.replace("image: i", "image: i\n        imagePullPolicyy: Always");
    assert_eq!(
        problems(&unknown, 35),
        [
            "spec.template.spec.containers[0].imagePullPolicyy: dropped by the typed struct \
             (unknown field, or null): rendered \"Always\""
        ]
    );
    let misplaced = good.replace("  replicas: 1", "  replicas: 1\n  hostAliases: []");
    assert_eq!(
        problems(&misplaced, 35),
        ["spec.hostAliases: dropped by the typed struct (unknown field, or null): rendered []"]
    );
    let string_for_int = good.replace("replicas: 1", "replicas: \"1\"");
    assert!(
        problems(&string_for_int, 35)[0].contains("does not deserialize as apps/v1 Deployment"),
        "{:?}",
        problems(&string_for_int, 35)
    );
    // int32 fields: Kubernetes refuses larger numbers (the schema validator does not check it)
    let too_large = good.replace("replicas: 1", "replicas: 4224811081");
    assert!(
        problems(&too_large, 35)[0].contains("expected i32"),
        "{:?}",
        problems(&too_large, 35)
    );
    let int_for_string = good.replace("image: i", "image: 5");
    assert!(problems(&int_for_string, 35)[0].contains("invalid type: integer"));
    let null = good.replace("  replicas: 1", "  replicas: null");
    assert_eq!(
        problems(&null, 35),
        ["spec.replicas: dropped by the typed struct (unknown field, or null): rendered null"]
    );
}

#[test]
fn secrets_and_config_maps_are_checked_to_the_byte() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ntype: Opaque\n\
                  data: {a: \"YWI=\", b: \"\"}\n";
    assert_eq!(check_object(&object(secret), 35), Ok(Checked::Typed));
    // Base64 without its padding decodes nowhere in Kubernetes (standard encoding, padded).
    let unpadded = secret.replace("YWI=", "YWI");
    assert!(problems(&unpadded, 35)[0].contains("does not deserialize"));
    let number_in_config_map =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1}\n";
    assert!(problems(number_in_config_map, 35)[0].contains("invalid type: integer"));
    let missing_required = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x}\n\
                            rules: [{apiGroups: [\"\"], resources: [pods]}]\n";
    // k8s-openapi fills a missing required list with its default, which the comparison sees.
    assert_eq!(
        problems(missing_required, 35),
        ["rules[0].verbs: added by the typed struct: []"]
    );
}

#[test]
fn the_one_normalisation_is_a_number_for_a_quantity() {
    assert!(same_after_round_trip(&Json::from(1), &Json::from("1")));
    assert!(same_after_round_trip(&Json::from(0.5), &Json::from("0.5")));
    assert!(!same_after_round_trip(&Json::from(1), &Json::from("1.0")));
    assert!(!same_after_round_trip(&Json::from("1"), &Json::from(1)));
    assert!(!same_after_round_trip(&Json::Null, &Json::from("")));
}

#[test]
fn versions_are_listed_as_ranges() {
    let set = |v: &[u32]| v.iter().copied().collect::<BTreeSet<u32>>();
    assert_eq!(
        versions(&set(&[20, 21, 22, 25, 30, 31])),
        "1.20-1.22, 1.25, 1.30-1.31"
    );
    assert_eq!(versions(&set(&[37])), "1.37");
}

/// The shell chart (`Chart::shell()`): every golden case of `tests/golden-shell`, rendered for
/// every Kubernetes version, gives well-typed objects.
#[test]
fn the_shell_chart_renders_well_typed_objects_for_every_version() {
    use gitlab_runner_chart::{Chart, Release, RenderOptions, Values};
    let renderer = Renderer::new(Chart::shell()).unwrap();
    let mut checked = 0;
    for dir in support::case_dirs(&format!("{ROOT}/tests/golden-shell")) {
        let text = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
        let mut values = Values::new();
        values.add_yaml("values.yaml", &text).unwrap();
        for minor in 20..=37 {
            let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap())
                .with_kube_version(KubeVersion::new(1, minor, 0));
            let manifests = renderer
                .render(&values, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for manifest in &manifests {
                let object: Json = serde_yaml::from_str(manifest.content()).unwrap();
                if let Err(problems) = check_object(&object, minor) {
                    panic!("{} (1.{minor}): {problems:?}", dir.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 5 * 18 * 2, "{checked}");
}

/// The current chart (`Chart::current()`): every golden case of `tests/golden-current`, rendered
/// for Kubernetes 1.25, 1.33 and the newest the typed structs model, gives well-typed objects.
/// The Prometheus operator's ServiceMonitor and PodMonitor (`monitoring.coreos.com/v1`, custom
/// resources that neither `k8s-openapi` nor the validator of `.ci/run` has a schema for) are
/// only counted; their fields are compared with Helm's by `tests/golden_current.rs`.
/// The kinds of [`TYPED`] that only the current chart's golden cases render.
const CURRENT_CHART_ONLY: &[&str] = &["v1 Service", "v1 Namespace", "networking.k8s.io/v1 Ingress"];

#[test]
fn the_current_chart_renders_well_typed_objects() {
    use gitlab_runner_chart::{Chart, Release, RenderOptions, Values};
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct CaseOptions {
        #[serde(default)]
        api_versions: Vec<String>,
    }
    let renderer = Renderer::new(Chart::current()).unwrap();
    let (mut checked, mut monitors) = (0, 0);
    let mut seen = BTreeSet::new();
    for dir in support::case_dirs(&format!("{ROOT}/tests/golden-current")) {
        let text = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
        let case: CaseOptions = std::fs::read_to_string(dir.join("options.yaml"))
            .map(|t| serde_yaml::from_str(&t).unwrap())
            .unwrap_or_default();
        let mut values = Values::new();
        values.add_yaml("values.yaml", &text).unwrap();
        for minor in [25, 33, NEWEST_MINOR] {
            let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap())
                .with_kube_version(KubeVersion::new(1, minor, 0))
                .with_api_versions(case.api_versions.clone());
            let manifests = renderer
                .render(&values, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for manifest in &manifests {
                let object: Json = serde_yaml::from_str(manifest.content()).unwrap();
                if object["apiVersion"] == "monitoring.coreos.com/v1" {
                    monitors += 1;
                    continue;
                }
                if let Err(problems) = check_object(&object, minor) {
                    panic!("{} (1.{minor}): {problems:?}", dir.display());
                }
                seen.insert(format!(
                    "{} {}",
                    object["apiVersion"].as_str().unwrap(),
                    manifest.kind()
                ));
                checked += 1;
            }
        }
    }
    for kind in CURRENT_CHART_ONLY {
        assert!(
            seen.contains(*kind),
            "no golden case of the current chart renders {kind}"
        );
    }
    assert!(checked >= 17 * 3 * 4, "{checked}");
    assert!(monitors >= 3 * 3, "{monitors}");
}
