//! The values schema: `chart/values.schema.json` is what the typed model generates (so that
//! editors check values files as the renderer does), it is a valid JSON Schema, and the
//! typed model reads every valid values file.
//!
//! After changing `src/schema/model.rs`: `UPDATE_GOLDEN=1 cargo test --test schema` rewrites
//! the file (or `cargo run --example render -- --values-schema > chart/values.schema.json`).

use gitlab_runner_chart::__private::schema::{
    model::ChartValues, values_schema, values_schema_json,
};
use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/chart/values.schema.json");

#[test]
fn checked_in_schema_is_up_to_date() {
    let generated = values_schema_json();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(SCHEMA_FILE, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        on_disk == generated,
        "chart/values.schema.json is out of date: run `UPDATE_GOLDEN=1 cargo test --test schema` and commit it"
    );
}

#[test]
fn schema_is_a_valid_draft_07_schema() {
    let schema = values_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(jsonschema::meta::is_valid(&schema));
    // every object of the model refuses unknown keys
    fn closed(node: &serde_json::Value, at: &str) {
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            assert_eq!(
                node["additionalProperties"], false,
                "{at} accepts unknown keys"
            );
            for (key, child) in props {
                closed(child, &format!("{at}.{key}"));
                if let Some(branches) = child.get("anyOf").and_then(|a| a.as_array()) {
                    for branch in branches {
                        closed(branch, &format!("{at}.{key}"));
                    }
                }
                if let Some(items) = child.get("items") {
                    closed(items, &format!("{at}.{key}[]"));
                }
            }
        }
    }
    closed(&schema, "(top)");
}

#[test]
fn schema_documents_every_key() {
    fn described(node: &serde_json::Value, at: &str, missing: &mut Vec<String>) {
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            for (key, child) in props {
                let path = format!("{at}{key}");
                let branch = child
                    .get("anyOf")
                    .and_then(|a| a.as_array())
                    .and_then(|a| {
                        a.iter()
                            .find(|b| b.get("type") != Some(&serde_json::json!("null")))
                    })
                    .unwrap_or(child);
                let has = |n: &serde_json::Value| n.get("description").is_some();
                if !has(child)
                    && !has(branch)
                    && !at.contains("Resources.")
                    && !path.contains("tolerations")
                {
                    missing.push(path.clone());
                }
                described(branch, &format!("{path}."), missing);
            }
        }
    }
    let mut missing = Vec::new();
    described(&values_schema(), "", &mut missing);
    // resource settings of job containers and toleration fields speak for themselves
    missing.retain(|p| {
        !p.contains("Limit") && !p.contains("Requests") && !p.starts_with("tolerations")
    });
    assert!(
        missing.is_empty(),
        "keys without a description: {missing:?}"
    );
}

/// The typed model reads the merged values of every golden case and example values file.
#[test]
fn typed_model_reads_every_valid_values_file() {
    let renderer = Renderer::new(Chart::builtin()).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(format!("{root}/values"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for dir in std::fs::read_dir(format!("{root}/tests/golden")).unwrap() {
        let dir = dir.unwrap().path();
        let skip = std::fs::read_to_string(dir.join("options.yaml"))
            .is_ok_and(|o| o.contains("skipSchemaValidation: true"));
        if !skip {
            files.push(dir.join("values.yaml"));
        }
    }
    assert!(files.len() > 25);
    for file in files {
        let mut values = Values::new();
        values
            .add_yaml(
                &file.display().to_string(),
                &std::fs::read_to_string(&file).unwrap(),
            )
            .unwrap();
        let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
        let (merged, warnings) = renderer
            .checked_values(&values, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // the only warning a valid file may get: an overlay without a token gets the chart's
        // "no runner token" warning
        assert!(
            warnings
                .iter()
                .all(|w| w.path == "runnerToken" && w.message.starts_with("no runner token")),
            "{}: {warnings:?}",
            file.display()
        );
        let typed: Result<ChartValues, _> =
            serde_yaml::from_value(serde_yaml::Value::Mapping(merged));
        assert!(typed.is_ok(), "{}: {:?}", file.display(), typed.err());
    }
}

/// The schema, not only the renderer, refuses what the renderer refuses: an editor using
/// `chart/values.schema.json` flags the same typo.
#[test]
fn schema_flags_a_typo_and_a_wrong_type() {
    let schema = values_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(
        &serde_json::json!({"checkInterval": 5, "runners": {"cache": {"cacheType": "s3"}}})
    ));
    assert!(!validator.is_valid(&serde_json::json!({"checkIntervall": 5})));
    assert!(!validator.is_valid(&serde_json::json!({"runners": {"cache": {"cacheType": "s4"}}})));
    assert!(!validator.is_valid(&serde_json::json!({"concurrent": true})));
    assert!(!validator.is_valid(&serde_json::json!({"concurrent": 1.5})));
    // a number given as text is valid (the chart prints it as the number; the renderer warns)
    assert!(validator.is_valid(&serde_json::json!({"concurrent": "10"})));
}

// --- The current chart (official 0.86.0): `chart/current/values.schema.json`. ---

mod current {
    use gitlab_runner_chart::__private::schema::current::{
        model::CurrentValues, values_schema, values_schema_json,
    };
    use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};

    const SCHEMA_FILE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/chart/current/values.schema.json"
    );

    #[test]
    fn checked_in_schema_is_up_to_date() {
        let generated = values_schema_json();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(SCHEMA_FILE, &generated).unwrap();
        }
        let on_disk = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
        assert!(
            on_disk == generated,
            "chart/current/values.schema.json is out of date: run `UPDATE_GOLDEN=1 cargo test --test schema` and commit it"
        );
        assert_eq!(
            Chart::current().values_schema_json(),
            Some(serde_json::to_string_pretty(&values_schema()).unwrap())
        );
    }

    #[test]
    fn schema_is_valid_closed_and_documented() {
        let schema = values_schema();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::meta::is_valid(&schema));
        fn walk(node: &serde_json::Value, at: &str, problems: &mut Vec<String>) {
            let node = node
                .get("anyOf")
                .and_then(|a| a.as_array())
                .and_then(|a| a.iter().find(|b| b.get("type") != Some(&"null".into())))
                .unwrap_or(node);
            if let Some(items) = node.get("items") {
                walk(items, &format!("{at}[]"), problems);
            }
            let Some(props) = node.get("properties").and_then(|p| p.as_object()) else {
                return;
            };
            if node["additionalProperties"] != false {
                problems.push(format!("{at} accepts unknown keys"));
            }
            for (key, child) in props {
                let path = format!("{at}.{key}");
                let described = child.get("description").is_some()
                    || child["anyOf"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|b| b.get("description").is_some()));
                // toleration fields speak for themselves (the first chart's type)
                if !described && !at.contains("tolerations") {
                    problems.push(format!("{path} has no description"));
                }
                walk(child, &path, problems);
            }
        }
        let mut problems = Vec::new();
        walk(&schema, "", &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// The values files of the six reference renders and the public-style fixtures.
    fn valid_files() -> Vec<std::path::PathBuf> {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = Vec::new();
        for dir in ["tests/reference-current", "tests/fixtures/current"] {
            for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if dir.ends_with("current") && dir.starts_with("tests/fixtures")
                    || name.ends_with(".values.yaml")
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    /// Every valid file passes the checks of the current chart without an error or warning,
    /// and the typed model reads the merged values.
    #[test]
    fn valid_values_files_pass_and_the_model_reads_them() {
        let renderer = Renderer::new(Chart::current()).unwrap();
        let files = valid_files();
        assert!(files.len() >= 18, "{}", files.len());
        for file in files {
            let mut values = Values::new();
            values
                .add_yaml(
                    &file.display().to_string(),
                    &std::fs::read_to_string(&file).unwrap(),
                )
                .unwrap();
            let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
            let (merged, warnings) = renderer
                .checked_values(&values, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // a valid file gets no warning (the chart's default for topologySpreadConstraints
            // is the list `[]`, so a list given there is no map replaced by a list)
            assert!(warnings.is_empty(), "{}: {warnings:?}", file.display());
            let typed: Result<CurrentValues, _> =
                serde_yaml::from_value(serde_yaml::Value::Mapping(merged));
            assert!(typed.is_ok(), "{}: {:?}", file.display(), typed.err());
        }
    }

    /// The chart's own defaults are valid, and the model reads them.
    #[test]
    fn the_chart_defaults_are_valid() {
        let chart = Chart::current();
        let defaults = serde_json::to_value(chart.default_values()).unwrap();
        let validator = jsonschema::validator_for(&values_schema()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&defaults)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        let typed: CurrentValues =
            serde_yaml::from_value(serde_yaml::Value::Mapping(chart.default_values().clone()))
                .unwrap();
        assert_eq!(
            typed.image.unwrap().image.as_deref(),
            Some("gitlab-org/gitlab-runner")
        );
    }

    /// A table of values: valid or not for the schema alone (an editor's view).
    #[test]
    fn schema_table() {
        use serde_json::json;
        let validator = jsonschema::validator_for(&values_schema()).unwrap();
        let valid = [
            json!({"image": {"registry": "r", "image": "i", "tag": "{{ .Chart.AppVersion }}"}}),
            json!({"rbac": {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}}),
            json!({"rbac": {"rules": [{}]}}),
            json!({"runners": {"config": "[[runners]]\n", "jobNamespace": "ci", "executor": "kubernetes"}}),
            json!({"runners": {"secret": "{{ .Release.Name }}-token"}}),
            json!({"podLabels": {"tags.{{ .Values.tag }}/env": "{{ .Values.env }}"}}),
            json!({"topologySpreadConstraints": {}}),
            json!({"topologySpreadConstraints": [{"maxSkew": 1}]}),
            json!({"extraObjects": [{"kind": "ConfigMap"}, "apiVersion: v1\nkind: Secret\n"]}),
            json!({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}}),
            json!({"sessionServer": {"serviceType": "NodePort", "nodePort": 30093, "publicIP": "1.2.3.4"}}),
            json!({"service": {"clusterIP": "None", "externalIPs": ["1.2.3.4"], "type": "LoadBalancer"}}),
            json!({"shutdown_timeout": 30, "concurrent": "10"}),
            json!({"hpa": {}}),
            json!({"runners": {"hostAliases": [{"ip": "10.0.0.1", "hostnames": ["a.example"]}]}}),
        ];
        for values in valid {
            let errors: Vec<String> = validator
                .iter_errors(&values)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{values}: {errors:?}");
        }
        let invalid = [
            json!({"image": "registry.gitlab.com/gitlab-org/gitlab-runner:v18"}),
            json!({"image": {"repository": "x"}}),
            json!({"rbac": {"rules": {"resources": ["pods"]}}}),
            json!({"rbac": {"rules": ["pods"]}}),
            json!({"rbac": {"rules": [{"resources": "pods"}]}}),
            json!({"rbac": {"rules": [{"resourceNames": ["x"]}]}}),
            json!({"replicas": -1}),
            json!({"metrics": {"port": 70000}}),
            json!({"runners": {"config": 5}}),
            json!({"runners": {"executor": "kubernets"}}),
            json!({"runners": {"privileged": true}}),
            json!({"runners": {"cache": {"cacheType": "s3"}}}),
            json!({"topologySpreadConstraints": {"maxSkew": 1}}),
            json!({"strategy": {"rollingUpdate": {"maxSurge": "many"}}}),
            json!({"podSecurityContext": {"runAsUser": "100"}}),
            json!({"securityContext": {"fsGroup": 1}}),
            json!({"serviceAccount": {"annotations": {"a": 5}}}),
            json!({"nodeSelector": {"kubernetes.io/os": true}}),
            json!({"secrets": [{"items": [{"key": "k", "path": "p"}]}]}),
            json!({"volumeMounts": [{"name": "x"}]}),
            json!({"imagePullSecrets": ["regcred"]}),
            json!({"sessionServer": {"serviceType": "Ingress"}}),
        ];
        for values in invalid {
            assert!(!validator.is_valid(&values), "{values} is valid");
        }
    }
}
