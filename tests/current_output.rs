//! The current chart's output is injection-proof: a hostile string (quotes, a newline, `---`,
//! `#`, `$(...)`, backquotes, `{{`) in any value that reaches a manifest, the TOML files or a
//! script comes out unchanged and inert: the render has the same objects as without it, and
//! the string is found whole where it belongs (a string of a manifest, a string of the parsed
//! TOML, or the word a shell reads from the script).
//!
//! Values that go through `tpl` get the hostile string without `{{` (a template there is a
//! template by design), and once more through a template that prints a hostile value.

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
use serde_yaml::{Mapping, Value};

/// Every character that could end a YAML scalar, start a document, a comment, a TOML string or
/// a shell substitution.
const HOSTILE: &str = "a\"b'c\\d\n---\nkind: Secret\n# x: [y] {z} $(touch /tmp/pwned) `id` ${HOME} ; | & {{ .Release.Name }}\r\t%";

/// The same without `{{` (for values that go through tpl).
fn hostile_plain() -> String {
    HOSTILE.replace("{{ .Release.Name }}", "{ .Release.Name }")
}

/// Where a value must come out.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A string of a manifest contains it.
    Manifest,
    /// A string of the TOML file of this ConfigMap entry contains it.
    Toml(&'static str),
    /// A shell word of this ConfigMap script, after a flag, reads as it.
    Script(&'static str, &'static str),
}

const BASE: &str = r#"
gitlabUrl: https://gitlab.example.com/
runnerToken: glrt-EXAMPLEexampleEXAMPLE0
rbac: {create: true}
sessionServer: {enabled: true, serviceType: ClusterIP, ingress: {enabled: true}}
metrics: {enabled: true, serviceMonitor: {enabled: true}, podMonitor: {enabled: true}}
service: {enabled: true}
"#;

/// (values path, templated, where it comes out)
const PATHS: &[(&str, bool, Place)] = &[
    ("gitlabUrl", false, Place::Manifest),
    ("runners.tags", false, Place::Manifest),
    ("runners.executor", false, Place::Manifest),
    ("runners.jobNamespace", false, Place::Manifest),
    (
        "runners.name",
        false,
        Place::Script("register-the-runner", "--name"),
    ),
    ("logLevel", false, Place::Toml("config.toml")),
    ("logFormat", false, Place::Toml("config.toml")),
    ("sentryDsn", false, Place::Toml("config.toml")),
    ("connectionMaxAge", false, Place::Toml("config.toml")),
    (
        "runners.hostAliases.0.ip",
        false,
        Place::Toml("config.template.toml"),
    ),
    (
        "runners.hostAliases.0.hostnames.0",
        false,
        Place::Toml("config.template.toml"),
    ),
    ("podAnnotations.example", false, Place::Manifest),
    ("deploymentAnnotations.example", false, Place::Manifest),
    ("envVars.0.value", false, Place::Manifest),
    ("extraEnv.EXAMPLE", false, Place::Manifest),
    ("imagePullPolicy", false, Place::Manifest),
    ("priorityClassName", false, Place::Manifest),
    ("runtimeClassName", false, Place::Manifest),
    ("schedulerName", false, Place::Manifest),
    ("hostname", false, Place::Manifest),
    ("certsSecretName", false, Place::Manifest),
    ("configMaps.example", false, Place::Manifest),
    ("preEntrypointScript", false, Place::Manifest),
    ("sessionServer.publicIP", false, Place::Manifest),
    ("sessionServer.annotations.example", false, Place::Manifest),
    ("service.labels.example", false, Place::Manifest),
    ("service.annotations.example", false, Place::Manifest),
    (
        "metrics.serviceMonitor.labels.example",
        false,
        Place::Manifest,
    ),
    ("metrics.podMonitor.labels.example", false, Place::Manifest),
    ("rbac.rules.0.verbs.0", false, Place::Manifest),
    (
        "rbac.serviceAccountAnnotations.example",
        false,
        Place::Manifest,
    ),
    ("serviceAccount.name", false, Place::Manifest),
    ("runners.cache.secretName", false, Place::Manifest),
    ("nodeSelector.example", false, Place::Manifest),
    ("podLabels.example", true, Place::Manifest),
    ("deploymentLabels.example", true, Place::Manifest),
    ("serviceAccount.annotations.example", true, Place::Manifest),
    ("runners.secret", true, Place::Manifest),
    ("image.tag", true, Place::Manifest),
    ("runners.config", true, Place::Manifest),
    (
        "metrics.serviceMonitor.metricRelabelings.0.regex",
        true,
        Place::Manifest,
    ),
    ("extraObjects.0.data.example", true, Place::Manifest),
];

/// Sets `path` (dots; numbers index lists) in `values`, creating maps and lists on the way.
fn set(values: &mut Value, path: &str, leaf: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut node = values;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
        let child = || {
            if last {
                leaf.clone()
            } else if next_is_index {
                Value::Sequence(Vec::new())
            } else {
                Value::Mapping(Mapping::new())
            }
        };
        node = match part.parse::<usize>() {
            Ok(index) => {
                let list = node.as_sequence_mut().expect("a list");
                while list.len() <= index {
                    list.push(child());
                }
                if last {
                    list[index] = leaf.clone();
                }
                &mut list[index]
            }
            Err(_) => {
                let map = node.as_mapping_mut().expect("a map");
                let key = Value::from(*part);
                if last || !map.contains_key(&key) {
                    map.insert(key.clone(), child());
                }
                map.get_mut(&key).unwrap()
            }
        };
    }
}

fn with_extras(values: &mut Value, path: &str) {
    // what some paths need to be rendered at all
    if path.starts_with("runners.hostAliases") {
        set(values, "runners.hostAliases.0.ip", Value::from("10.0.0.1"));
        set(
            values,
            "runners.hostAliases.0.hostnames.0",
            Value::from("a.example"),
        );
    }
    if path.starts_with("envVars") {
        set(values, "envVars.0.name", Value::from("EXAMPLE"));
    }
    if path.starts_with("rbac.rules") {
        set(values, "rbac.rules.0.resources.0", Value::from("pods"));
    }
    if path.starts_with("serviceAccount.") {
        set(values, "serviceAccount.create", Value::from(true));
    }
    if path.starts_with("metrics.serviceMonitor.metricRelabelings") {
        set(
            values,
            "metrics.serviceMonitor.metricRelabelings.0.action",
            Value::from("drop"),
        );
    }
    if path.starts_with("extraObjects") {
        set(values, "extraObjects.0.apiVersion", Value::from("v1"));
        set(values, "extraObjects.0.kind", Value::from("ConfigMap"));
        set(values, "extraObjects.0.metadata.name", Value::from("extra"));
    }
}

fn render(values: &Value) -> Result<String, gitlab_runner_chart::Error> {
    let mut user = Values::new();
    user.add_yaml("values.yaml", &serde_yaml::to_string(values).unwrap())?;
    let options = RenderOptions::new(Release::new("ci", "gitlab")?)
        .with_api_versions(vec!["monitoring.coreos.com/v1".to_string()]);
    // compiled once for every case: the tests are about the values, not the chart
    static RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
    let renderer = RENDERER
        .get_or_init(|| Renderer::new(Chart::current().without_schema()).expect("the chart"));
    Ok(renderer.render(&user, &options)?.to_string())
}

fn objects(text: &str) -> Vec<Value> {
    text.split("\n---\n")
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
        })
        .map(|d| serde_yaml::from_str(d).unwrap_or_else(|e| panic!("{e}:\n{d}")))
        .collect()
}

fn ids(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap().to_string())
        .collect()
}

fn strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Mapping(map) => map.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        _ => {}
    }
}

fn toml_strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|v| toml_strings(v, out)),
        toml::Value::Table(table) => table.values().for_each(|v| toml_strings(v, out)),
        _ => {}
    }
}

fn config_map_entry<'a>(objects: &'a [Value], key: &str) -> &'a str {
    objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "ci-gitlab-runner")
        .and_then(|o| o["data"][key].as_str())
        .unwrap_or_else(|| panic!("no ConfigMap entry {key}"))
}

/// The word a shell reads after `flag` in `script` (bash evaluates the quoted text).
fn shell_word_after(script: &str, flag: &str) -> Option<String> {
    let line = script.lines().find(|l| l.contains(&format!("({flag} ")))?;
    let start = line.find(&format!("({flag} "))? + flag.len() + 2;
    let quoted = line[start..].strip_suffix(')')?;
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("printf '%s' {quoted}"))
        .output()
        .ok()?;
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn hostile_strings_come_out_unchanged_and_inert() {
    let base: Value = serde_yaml::from_str(BASE).unwrap();
    let has_bash = std::process::Command::new("bash")
        .arg("-c")
        .arg("true")
        .status()
        .is_ok();
    if !has_bash {
        eprintln!("note: bash not found: the script words are not evaluated");
    }
    let mut failures = Vec::new();
    for &(path, templated, place) in PATHS {
        let hostile = if templated {
            hostile_plain()
        } else {
            HOSTILE.to_string()
        };
        let mut plain = base.clone();
        with_extras(&mut plain, path);
        set(&mut plain, path, Value::from("placeholder"));
        let mut values = plain.clone();
        set(&mut values, path, Value::from(hostile.clone()));
        let expected_ids = ids(&objects(
            &render(&plain).unwrap_or_else(|e| panic!("{path}: {e}")),
        ));
        let text = match render(&values) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{path}: render failed: {e}"));
                continue;
            }
        };
        let found = objects(&text);
        if ids(&found) != expected_ids {
            failures.push(format!("{path}: other objects: {:?}", ids(&found)));
            continue;
        }
        let ok = match place {
            Place::Manifest => {
                let mut all = Vec::new();
                found.iter().for_each(|o| strings(o, &mut all));
                all.iter().any(|s| s.contains(hostile.as_str()))
            }
            Place::Toml(key) => {
                let parsed: Result<toml::Value, _> = toml::from_str(config_map_entry(&found, key));
                match parsed {
                    Ok(parsed) => {
                        let mut all = Vec::new();
                        toml_strings(&parsed, &mut all);
                        all.iter().any(|s| s == &hostile)
                    }
                    Err(e) => {
                        failures.push(format!("{path}: {key} is not TOML: {e}"));
                        continue;
                    }
                }
            }
            Place::Script(key, flag) => {
                if !has_bash {
                    continue;
                }
                shell_word_after(config_map_entry(&found, key), flag).as_deref()
                    == Some(hostile.as_str())
            }
        };
        if !ok {
            failures.push(format!("{path}: the string does not come out whole"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_template_that_prints_a_hostile_value_stays_one_string() {
    let mut values: Value = serde_yaml::from_str(BASE).unwrap();
    set(&mut values, "hostileText", Value::from(HOSTILE));
    set(
        &mut values,
        "podLabels.example",
        Value::from("{{ .Values.hostileText }}"),
    );
    set(&mut values, "extraObjects.0.apiVersion", Value::from("v1"));
    set(&mut values, "extraObjects.0.kind", Value::from("ConfigMap"));
    set(
        &mut values,
        "extraObjects.0.metadata.name",
        Value::from("extra"),
    );
    set(
        &mut values,
        "extraObjects.0.data.example",
        Value::from("{{ .Values.hostileText }}"),
    );
    let found = objects(&render(&values).unwrap());
    let deployment = found.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["labels"]["example"],
        HOSTILE
    );
    let extra = found
        .iter()
        .find(|o| o["metadata"]["name"] == "extra")
        .unwrap();
    assert_eq!(extra["data"]["example"], HOSTILE);
}

#[test]
fn host_aliases_are_merged_into_the_configuration_template() {
    let values: Value = serde_yaml::from_str(
        r#"
runners:
  config: |
    [[runners]]
      [runners.kubernetes]
        image = "alpine"
        [[runners.kubernetes.host_aliases]]
          ip = "10.0.0.5"
          hostnames = ["registry.example"]
      [runners.cache]
        Type = "s3"
  hostAliases:
    - {ip: 10.0.0.10, hostnames: [gitlab.example]}
    - {ip: 10.0.0.11, hostnames: [minio.example]}
    - {ip: 10.0.0.10, hostnames: [pages.example, gitlab.example]}
"#,
    )
    .unwrap();
    let found = objects(&render(&values).unwrap());
    let template: toml::Table =
        toml::from_str(config_map_entry(&found, "config.template.toml")).unwrap();
    let runners = template["runners"].as_array().unwrap();
    assert_eq!(runners.len(), 1);
    let aliases = runners[0]["kubernetes"]["host_aliases"].as_array().unwrap();
    let pairs: Vec<(String, Vec<String>)> = aliases
        .iter()
        .map(|a| {
            (
                a["ip"].as_str().unwrap().to_string(),
                a["hostnames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let expected = [
        ("10.0.0.5", vec!["registry.example"]),
        ("10.0.0.10", vec!["gitlab.example", "pages.example"]),
        ("10.0.0.11", vec!["minio.example"]),
    ];
    assert_eq!(pairs.len(), expected.len(), "{pairs:?}");
    for ((ip, hostnames), (want_ip, want)) in pairs.iter().zip(expected) {
        assert_eq!(ip, want_ip);
        assert_eq!(hostnames, &want);
    }
    // the rest of runners.config is untouched
    assert_eq!(runners[0]["cache"]["Type"].as_str(), Some("s3"));
    assert_eq!(runners[0]["kubernetes"]["image"].as_str(), Some("alpine"));
}
