//! Properties of the output stream: deterministic bytes, every document a Kubernetes object,
//! and no value can inject YAML structure (every string from the values, and every key of a
//! user map, comes out as exactly that string after parsing).

mod support;

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

/// The chart without its values schema: these tests put strings the schema refuses (URLs with
/// newlines, label keys with `: `) into every field, to test that the output quotes them.
fn renderer() -> &'static Renderer {
    static RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
    RENDERER.get_or_init(|| Renderer::new(Chart::builtin().without_schema()).unwrap())
}

fn render_mapping(values: Mapping) -> Vec<support::Doc> {
    let mut user = Values::new();
    user.add_mapping(values);
    let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
    let out = renderer().render(&user, &options).unwrap().to_string();
    support::parse_stream(&out)
}

fn object<'a>(docs: &'a [support::Doc], kind: &str) -> &'a Value {
    &docs
        .iter()
        .find(|d| d.value["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
        .value
}

/// The value of env var `name` in the runner container (`containers`) or the init container
/// (`initContainers`).
fn env_value(docs: &[support::Doc], containers: &str, name: &str) -> Value {
    let deployment = object(docs, "Deployment");
    let env = &deployment["spec"]["template"]["spec"][containers][0]["env"];
    env.as_sequence()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["value"].clone())
        .unwrap_or_else(|| panic!("no env {name}"))
}

fn yaml(text: &str) -> Mapping {
    serde_yaml::from_str(text).unwrap()
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

#[test]
fn rendering_is_deterministic() {
    let values = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/24-hostile-strings/values.yaml"
    ))
    .unwrap();
    let mut user = Values::new();
    user.add_yaml("hostile.yaml", &values).unwrap();
    user.add_yaml(
        "more.yaml",
        "podLabels: {z: 1, a: 2, m: 3}\nnodeSelector: {b: x, a: y}\n",
    )
    .unwrap();
    let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
    let first = renderer().render(&user, &options).unwrap().to_string();
    for _ in 0..20 {
        let again = Renderer::new(Chart::builtin().without_schema())
            .unwrap()
            .render(&user, &options)
            .unwrap()
            .to_string();
        assert_eq!(again, first);
    }
}

#[test]
fn output_stream_has_helm_framing() {
    let docs_text = renderer()
        .render(&Values::new(), &RenderOptions::default())
        .unwrap()
        .to_string();
    assert!(
        docs_text
            .starts_with("---\n# Source: gitlab-runner/templates/configmap.yaml\napiVersion: v1\n")
    );
    assert!(docs_text.contains(
        "\n---\n# Source: gitlab-runner/templates/deployment.yaml\napiVersion: apps/v1\n"
    ));
    assert!(docs_text.ends_with("configMap:\n          name: \"release-name-gitlab-runner\"\n"));
    assert!(
        !docs_text.contains("\n\n---"),
        "no blank line before a separator"
    );
}

/// The hostile-strings golden case, checked field by field after parsing.
#[test]
fn hostile_strings_come_out_unchanged() {
    let values = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/24-hostile-strings/values.yaml"
    ))
    .unwrap();
    let input: Mapping = serde_yaml::from_str(&values).unwrap();
    let docs = render_mapping(input.clone());
    let deployment = object(&docs, "Deployment");
    let pod = &deployment["spec"]["template"];
    assert_eq!(
        env_value(&docs, "containers", "CI_SERVER_URL"),
        input["gitlabUrl"]
    );
    assert_eq!(
        env_value(&docs, "containers", "RUNNER_TAG_LIST"),
        input["runners"]["tags"]
    );
    assert_eq!(
        env_value(&docs, "containers", "KUBERNETES_IMAGE"),
        input["runners"]["image"]
    );
    assert_eq!(env_value(&docs, "containers", "A: B"), s("{ x: 1 }"));
    assert_eq!(pod["metadata"]["labels"]["x\ny"], s("true"));
    assert_eq!(pod["metadata"]["labels"]["é"], s("ünï"));
    assert_eq!(pod["metadata"]["annotations"]["a/b"], s("'quoted'"));
    assert_eq!(pod["metadata"]["annotations"]["empty"], s(""));
    let sa = object(&docs, "ServiceAccount");
    assert_eq!(
        sa["metadata"]["annotations"]["note"],
        s("multi\nline: value")
    );
    let role = object(&docs, "Role");
    assert_eq!(
        role["rules"][0]["verbs"],
        serde_yaml::from_str::<Value>("['*', 'get: x']").unwrap()
    );
    let secret = object(&docs, "Secret");
    assert_eq!(
        secret["data"]["runner-registration-token"],
        s("dG9rOiBlbiAjIG5vdCBhIGNvbW1lbnQ=")
    );
    let config = object(&docs, "ConfigMap");
    let template: toml::Table =
        toml::from_str(config["data"]["config.template.toml"].as_str().unwrap()).unwrap();
    let alias = &template["runners"][0]["kubernetes"]["host_aliases"][0];
    assert_eq!(alias["ip"].as_str(), Some("10.0.0.1\"\n[[runners]]"));
    assert_eq!(alias["hostnames"][1].as_str(), Some("c\u{2028}d"));
}

#[test]
fn numbers_print_in_full() {
    let docs = render_mapping(yaml(
        "concurrent: 1000000\nrunners: {outputLimit: 10000000, pollTimeout: 1.5}\nterminationGracePeriodSeconds: 100000000",
    ));
    let config = object(&docs, "ConfigMap");
    assert!(
        config["data"]["config.toml"]
            .as_str()
            .unwrap()
            .contains("concurrent = 1000000\n")
    );
    assert_eq!(
        env_value(&docs, "containers", "RUNNER_OUTPUT_LIMIT"),
        s("10000000")
    );
    assert_eq!(
        env_value(&docs, "containers", "KUBERNETES_POLL_TIMEOUT"),
        s("1.5")
    );
    let deployment = object(&docs, "Deployment");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
        Value::from(100_000_000)
    );
}

#[test]
fn user_null_deletes_a_default() {
    let docs = render_mapping(yaml(
        "metrics: null\nsecurityContext: {fsGroup: null}\nrunners: {image: null}",
    ));
    let deployment = object(&docs, "Deployment");
    let pod = &deployment["spec"]["template"];
    assert!(
        pod["metadata"]["annotations"]
            .get("prometheus.io/scrape")
            .is_none()
    );
    assert!(pod["spec"]["securityContext"].get("fsGroup").is_none());
    assert_eq!(env_value(&docs, "containers", "KUBERNETES_IMAGE"), s(""));
}

/// Strings for property tests: arbitrary Unicode, weighted towards YAML/shell/TOML syntax.
fn nasty_string() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        ": ", " #", "#", "-", "- ", "*", "&", "!", "{", "}", "[", "]", ",", "|", ">", "'", "\"",
        "\\", "%", "@", "`", "\n", "\r", "\t", "\u{0}", "\u{7f}", "\u{85}", "\u{2028}", "\u{feff}",
        "---", "...", "~", "null", "true", "yes", "no", "on", "1e3", "0x1F", "0755", "1:20",
        ".inf", "<<", "=", "$(id)", "${x}", "é", "😀", " ", "",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat()),
        (
            prop::collection::vec(
                prop::sample::select(vec!["a", "1", " ", ": ", "\n", "'", "\""]),
                0..4
            ),
            any::<String>()
        )
            .prop_map(|(v, tail)| format!("{}{tail}", v.concat())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any string in any string-valued field reaches its place in the output unchanged.
    #[test]
    fn string_values_are_never_reinterpreted(v in nasty_string()) {
        let values = yaml(
            "rbac: {create: true}\nrunners: {cache: {cacheType: s3, secretName: x}, builds: {}, helpers: {}}\n",
        );
        let mut values = Value::Mapping(values);
        values["gitlabUrl"] = s(&v);
        values["runnerRegistrationToken"] = s(&v);
        values["imagePullPolicy"] = s(&v);
        values["certsSecretName"] = s(&v);
        values["runners"]["tags"] = s(&v);
        values["runners"]["cloneUrl"] = s(&v);
        values["runners"]["namespace"] = s(&v);
        values["runners"]["secret"] = s(&v);
        values["runners"]["builds"]["cpuLimit"] = s(&v);
        values["runners"]["helpers"]["image"] = s(&v);
        values["runners"]["cache"]["s3BucketName"] = s(&v);
        values["runners"]["cache"]["secretName"] = s(&v);
        values["rbac"]["resources"] = Value::Sequence(vec![s(&v)]);
        values["envVars"] = serde_yaml::to_value(vec![Mapping::from_iter([(s("name"), s(&v)), (s("value"), s(&v))])]).unwrap();
        values["tolerations"] = serde_yaml::to_value(vec![Mapping::from_iter([(s("key"), s(&v))])]).unwrap();
        let docs = render_mapping(values.as_mapping().unwrap().clone());
        prop_assert_eq!(env_value(&docs, "containers", "CI_SERVER_URL"), s(&v));
        prop_assert_eq!(env_value(&docs, "initContainers", "CLONE_URL"), s(&v));
        prop_assert_eq!(env_value(&docs, "containers", "RUNNER_TAG_LIST"), s(&v));
        prop_assert_eq!(env_value(&docs, "containers", "KUBERNETES_CPU_LIMIT"), s(&v));
        prop_assert_eq!(env_value(&docs, "containers", "KUBERNETES_HELPER_IMAGE"), s(&v));
        prop_assert_eq!(env_value(&docs, "containers", "CACHE_S3_BUCKET_NAME"), s(&v));
        let ns = if v.is_empty() { "gitlab".to_string() } else { v.clone() };
        prop_assert_eq!(env_value(&docs, "containers", "KUBERNETES_NAMESPACE"), s(&ns));
        let deployment = object(&docs, "Deployment");
        let pod = &deployment["spec"]["template"]["spec"];
        prop_assert_eq!(&pod["containers"][0]["imagePullPolicy"], &s(&v));
        prop_assert_eq!(&pod["containers"][0]["env"].as_sequence().unwrap().last().unwrap()["name"], &s(&v));
        prop_assert_eq!(&pod["tolerations"][0]["key"], &s(&v));
        let volumes = pod["volumes"].as_sequence().unwrap();
        let init_secrets = volumes.iter().find(|x| x["name"] == "init-runner-secrets");
        // an empty string sets no Secret: nothing to project, no volume
        prop_assert_eq!(init_secrets.is_some(), !v.is_empty());
        if let Some(volume) = init_secrets {
            let sources = &volume["projected"]["sources"];
            prop_assert_eq!(&sources[0]["secret"]["name"], &s(&v));
            prop_assert_eq!(&sources[1]["secret"]["name"], &s(&v));
            let certs = volumes.iter().find(|x| x["name"] == "custom-certs").unwrap();
            prop_assert_eq!(&certs["secret"]["secretName"], &s(&v));
            let secret = object(&docs, "Secret");
            prop_assert_eq!(&secret["metadata"]["name"], &s(&v));
        }
        let role = object(&docs, "Role");
        prop_assert_eq!(&role["rules"][0]["resources"][0], &s(&v));
    }

    /// Any key and value in user maps (labels, annotations, selectors) comes out unchanged.
    #[test]
    fn map_keys_and_values_are_never_reinterpreted(k in nasty_string(), v in nasty_string()) {
        let map = Value::Mapping(Mapping::from_iter([(s(&k), s(&v))]));
        let mut values = Value::Mapping(yaml("rbac: {create: true}"));
        values["podLabels"] = map.clone();
        values["podAnnotations"] = map.clone();
        values["nodeSelector"] = map.clone();
        values["rbac"]["serviceAccountAnnotations"] = map.clone();
        values["affinity"] = Value::Mapping(Mapping::from_iter([(s("x"), map.clone())]));
        let docs = render_mapping(values.as_mapping().unwrap().clone());
        let deployment = object(&docs, "Deployment");
        let template = &deployment["spec"]["template"];
        // A user label cannot replace the chart's own labels.
        if !["app", "chart", "release", "heritage"].contains(&k.as_str()) {
            prop_assert_eq!(&template["metadata"]["labels"][k.as_str()], &s(&v));
        }
        if !k.starts_with("checksum/") && !k.starts_with("prometheus.io/") {
            prop_assert_eq!(&template["metadata"]["annotations"][k.as_str()], &s(&v));
        }
        prop_assert_eq!(&template["spec"]["nodeSelector"], &map);
        prop_assert_eq!(&template["spec"]["affinity"]["x"], &map);
        let sa = object(&docs, "ServiceAccount");
        prop_assert_eq!(&sa["metadata"]["annotations"], &map);
    }
}
