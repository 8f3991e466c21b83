//! Equivalence with the official chart: for each reference render in `tests/fixtures/reference`
//! (what `helm template ci <official chart 0.16.0> -n gitlab -f <case>.values.yaml` printed),
//! our render of the same values has the same objects, in the same order, with the same fields
//! and values (see `support::differences` for what is ours by design).

mod support;

use gitlab_runner_chart::KubeVersion;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference");

fn check_case(case: &str) {
    let values = std::fs::read_to_string(format!("{FIXTURES}/{case}.values.yaml")).unwrap();
    let reference = std::fs::read_to_string(format!("{FIXTURES}/{case}.yaml")).unwrap();
    let ours = support::render(&values, "ci", "gitlab", KubeVersion::DEFAULT);
    let diffs = support::differences(&reference, &ours);
    assert!(
        diffs.is_empty(),
        "{case}: our render differs from the official chart:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn default_values_match_the_official_chart() {
    check_case("default");
}

#[test]
fn seed_values_match_the_official_chart() {
    check_case("seed");
}

#[test]
fn tokens_match_the_official_chart() {
    check_case("tokens");
}

#[test]
fn namespaced_rbac_matches_the_official_chart() {
    check_case("rbac-namespaced");
}

#[test]
fn s3_cache_matches_the_official_chart() {
    check_case("cache-s3");
}

#[test]
fn scheduling_matches_the_official_chart() {
    check_case("scheduling");
}

#[test]
fn every_reference_case_is_checked() {
    let mut cases: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".values.yaml").map(str::to_string)
        })
        .collect();
    cases.sort();
    assert_eq!(
        cases,
        [
            "cache-s3",
            "default",
            "rbac-namespaced",
            "scheduling",
            "seed",
            "tokens"
        ]
    );
}

/// The seed's values file in `values/seed.yaml` is the one the reference `seed` case used.
#[test]
fn seed_example_is_the_reference_seed() {
    let ours =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/values/seed.yaml")).unwrap();
    let reference = std::fs::read_to_string(format!("{FIXTURES}/seed.values.yaml")).unwrap();
    assert_eq!(ours, reference);
}

/// Our default values have the same keys and defaults as the official chart's.
#[test]
fn default_values_are_the_official_defaults() {
    let official: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/official-default-values.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let ours: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/values/values.yaml"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ours, official);
}

// The comparison itself must be able to fail.

const REFERENCE: &str = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    chart: c-1\ndata:\n  entrypoint: <script elided>\n  k: v\n  env:\n  - name: A\n    value: \n";

#[test]
fn comparison_accepts_what_is_ours_by_design() {
    let ours = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    chart: gitlab-runner-9\ndata:\n  entrypoint: \"#!/bin/bash\"\n  k: v\n  env:\n  - name: A\n    value: \"\"\n";
    assert_eq!(support::differences(REFERENCE, ours), Vec::<String>::new());
}

#[test]
fn comparison_reports_changed_missing_and_extra_fields() {
    let ours = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    chart: gitlab-runner-9\ndata:\n  k: w\n  extra: 1\n  env:\n  - name: B\n    value: \"\"\n";
    let diffs = support::differences(REFERENCE, ours);
    assert_eq!(
        diffs,
        [
            "ConfigMap/x.data.entrypoint: missing in ours (reference String(\"<script elided>\"))",
            "ConfigMap/x.data.k: reference String(\"v\"), ours String(\"w\")",
            "ConfigMap/x.data.env[0].name: reference String(\"A\"), ours String(\"B\")",
            "ConfigMap/x.data.extra: only in ours",
        ]
    );
}

#[test]
fn comparison_reports_objects_in_another_order() {
    let two = |a: &str, b: &str| {
        format!(
            "---\napiVersion: v1\nkind: {a}\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: {b}\nmetadata:\n  name: x\n"
        )
    };
    let diffs = support::differences(&two("Secret", "ConfigMap"), &two("ConfigMap", "Secret"));
    assert_eq!(diffs.len(), 1);
    assert!(diffs[0].starts_with("objects differ"), "{diffs:?}");
}
