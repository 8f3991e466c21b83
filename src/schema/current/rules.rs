//! The current chart's rules that its schema cannot say, checked on the merged values: what
//! the official chart 0.86.0 cannot render without (a `null` in a values file deletes a chart
//! default, and real Helm then fails inside a template), what it would render into objects that
//! Kubernetes refuses (`hpa` without metrics or with `minReplicas > maxReplicas`, object names
//! after truncation, keys that repeat the chart's own labels, annotations and ConfigMap
//! files), and a warning when no runner token is set at all.

use serde_json::Value as Json;

use crate::Release;
use crate::schema::check::Problem;
use crate::values::path::Path;

/// Maps the official chart reads fields of: without them (a `null` over the default) Helm
/// fails with "nil pointer evaluating interface {}".
const REQUIRED_MAPS: &[&str] = &[
    "image",
    "livenessProbe",
    "metrics",
    "metrics.podMonitor",
    "metrics.serviceMonitor",
    "podSecurityContext",
    "rbac",
    "readinessProbe",
    "runners",
    "runners.cache",
    "service",
    "serviceAccount",
    "sessionServer",
];

/// Numbers the chart prints into config.toml as they are: without them, `concurrent = `.
const CONFIG_TOML_NUMBERS: &[&str] = &["concurrent", "checkInterval", "shutdown_timeout"];

/// Labels the chart sets on the Deployment and its pod itself.
const CHART_LABELS: &[&str] = &["app", "chart", "release", "heritage"];
/// Annotations the chart sets on the pod itself (and with metrics, the Prometheus ones).
const CHART_POD_ANNOTATIONS: &[&str] = &["checksum/configmap", "checksum/secrets"];
const METRICS_POD_ANNOTATIONS: &[&str] = &["prometheus.io/scrape", "prometheus.io/port"];
/// The files of the chart's own ConfigMap, which `configMaps` adds to.
const CHART_CONFIGMAP_FILES: &[&str] = &[
    "check-live",
    "config.template.toml",
    "config.toml",
    "entrypoint",
    "pre-entrypoint-script",
    "register-the-runner",
    "set-session-server-address",
    "set-session-server-port",
];

fn problem(path: Path, message: String) -> Problem {
    Problem {
        path,
        on_key: false,
        unknown_key: false,
        message,
        help: None,
        notes: Vec::new(),
        warning: false,
    }
}

fn path(dotted: &str) -> Path {
    let mut out = Path::root();
    for key in dotted.split('.') {
        out.push_key(key);
    }
    out
}

fn at<'a>(values: &'a Json, dotted: &str) -> Option<&'a Json> {
    dotted
        .split('.')
        .try_fold(values, |node, key| node.get(key))
        .filter(|v| !v.is_null())
}

/// Go's truth of a value, as `if` and `default` read it.
fn is_set(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) | Some(Json::Bool(false)) => false,
        Some(Json::String(s)) => !s.is_empty(),
        Some(Json::Number(n)) => n.as_f64() != Some(0.0),
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::Object(m)) => !m.is_empty(),
        Some(Json::Bool(true)) => true,
    }
}

/// Every problem of the merged `values` (as JSON) of the current chart for `release`.
pub fn check(values: &Json, release: &Release, out: &mut Vec<Problem>) {
    required(values, out);
    hpa(values, out);
    reserved_keys(values, out);
    config_map_files(values, out);
    object_name(values, release, out);
    runner_token(values, out);
}

fn required(values: &Json, out: &mut Vec<Problem>) {
    for key in REQUIRED_MAPS {
        // a parent that is missing is reported itself
        let parent_present = key
            .rsplit_once('.')
            .is_none_or(|(parent, _)| at(values, parent).is_some());
        if parent_present && at(values, key).is_none() {
            out.push(problem(
                path(key),
                "is required: the chart reads its keys (a null here deletes the chart default)"
                    .to_string(),
            ));
        }
    }
    if at(values, "runners").is_some() && at(values, "runners.config").is_none() {
        let mut missing = problem(
            path("runners.config"),
            "is required: the chart reads it as text (a null here deletes the chart default)"
                .to_string(),
        );
        missing.help = Some(
            "give the runner configuration as a TOML template, or \"\" to use runners.configPath"
                .to_string(),
        );
        out.push(missing);
    }
    if at(values, "image").is_some_and(Json::is_object) && !is_set(at(values, "image.image")) {
        out.push(problem(
            path("image.image"),
            "is required: the image's repository, e.g. gitlab-org/gitlab-runner".to_string(),
        ));
    }
    for key in CONFIG_TOML_NUMBERS {
        if at(values, key).is_none() {
            out.push(problem(
                path(key),
                "is required by config.toml (a null here deletes the chart default)".to_string(),
            ));
        }
    }
}

/// The HorizontalPodAutoscaler, rendered when `hpa` is a non-empty map.
fn hpa(values: &Json, out: &mut Vec<Problem>) {
    let Some(hpa) = at(values, "hpa").filter(|h| is_set(Some(h))) else {
        return;
    };
    if !is_set(hpa.get("metrics")) {
        let mut missing = problem(
            path("hpa.metrics"),
            "is required with hpa: the chart renders no valid HorizontalPodAutoscaler without metrics"
                .to_string(),
        );
        missing.help = Some(
            "list the metrics to scale on, e.g. `[{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]`, or remove hpa".to_string(),
        );
        out.push(missing);
    }
    // as the chart writes them: `default 1`
    let replicas = |key: &str| {
        hpa.get(key)
            .and_then(Json::as_u64)
            .filter(|n| *n != 0)
            .unwrap_or(1)
    };
    let (min, max) = (replicas("minReplicas"), replicas("maxReplicas"));
    if min > max {
        let key = if hpa.get("maxReplicas").is_some() {
            "hpa.maxReplicas"
        } else {
            "hpa.minReplicas"
        };
        out.push(problem(
            path(key),
            format!("hpa.minReplicas ({min}) must not be greater than hpa.maxReplicas ({max}; 1 when not set)"),
        ));
    }
}

/// Keys of user maps the chart also writes itself: the object would have the key twice.
fn reserved_keys(values: &Json, out: &mut Vec<Problem>) {
    let metrics = at(values, "metrics.enabled") == Some(&Json::Bool(true));
    let mut annotations = CHART_POD_ANNOTATIONS.to_vec();
    if metrics {
        annotations.extend(METRICS_POD_ANNOTATIONS);
    }
    for (map, reserved, what) in [
        ("podLabels", CHART_LABELS, "label"),
        ("deploymentLabels", CHART_LABELS, "label"),
        ("podAnnotations", annotations.as_slice(), "annotation"),
    ] {
        let keys = at(values, map).and_then(Json::as_object);
        for key in keys.into_iter().flat_map(|m| m.keys()) {
            if reserved.contains(&key.as_str()) {
                let mut found = problem(
                    path(map).child_key(key),
                    format!("the chart sets the {what} `{key}` itself"),
                );
                found.on_key = true;
                found.help = Some(format!(
                    "the chart's own {what}s here are {}; choose another key",
                    reserved
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.push(found);
            }
        }
    }
}

/// `configMaps` adds files to the chart's ConfigMap: valid keys, none of the chart's own.
fn config_map_files(values: &Json, out: &mut Vec<Problem>) {
    let files = at(values, "configMaps").and_then(Json::as_object);
    for key in files.into_iter().flat_map(|m| m.keys()) {
        let valid = !key.is_empty()
            && key.len() <= 253
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let message = if CHART_CONFIGMAP_FILES.contains(&key.as_str()) {
            format!("the chart's ConfigMap has the file `{key}` itself")
        } else if !valid {
            "invalid file name: letters, digits, '-', '_' and '.' (a ConfigMap key)".to_string()
        } else {
            continue;
        };
        let mut found = problem(path("configMaps").child_key(key), message);
        found.on_key = true;
        out.push(found);
    }
}

/// The object names: the full name as the chart computes it, cut to 63 characters.
fn object_name(values: &Json, release: &Release, out: &mut Vec<Problem>) {
    let text = |key: &str| {
        at(values, key)
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
    };
    let (source, fullname) = match text("fullnameOverride") {
        Some(name) => ("fullnameOverride", name.to_string()),
        None => {
            let name = text("nameOverride").unwrap_or("gitlab-runner");
            let full = if release.name.starts_with(name) {
                release.name.clone()
            } else {
                format!("{}-{name}", release.name)
            };
            ("nameOverride", full)
        }
    };
    let cut: String = fullname.chars().take(63).collect();
    let cut = cut.trim_end_matches('-');
    if !crate::context::is_dns1123_label(cut) {
        out.push(problem(
            Path::root().child_key(source),
            format!(
                "the object name {} is not a valid DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (after cutting to 63 characters)",
                serde_json::to_string(cut).unwrap_or_default()
            ),
        ));
    }
}

/// A warning when neither token nor an existing Secret is given: the pod cannot register.
fn runner_token(values: &Json, out: &mut Vec<Problem>) {
    let set = |key: &str| is_set(at(values, key));
    if set("runnerToken") || set("runnerRegistrationToken") || set("runners.secret") {
        return;
    }
    let key = if at(values, "runnerRegistrationToken").is_some() {
        "runnerRegistrationToken"
    } else {
        "runnerToken"
    };
    out.push(Problem {
        warning: true,
        help: Some("set runnerToken (the glrt-... authentication token of a runner created in GitLab), or name an existing Secret that holds it with runners.secret".to_string()),
        ..problem(
            path(key),
            "no runner token is set: the runner pod starts, cannot register with GitLab, and exits".to_string(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules' problems for `yaml` merged over the current chart's defaults, as
    /// (path, warning) pairs.
    fn problems(yaml: &str) -> Vec<(String, bool)> {
        let user: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
        let chart = crate::Chart::current();
        let (merged, _) =
            crate::values::merge::coalesce(user, chart.default_values(), "gitlab-runner");
        let json = serde_json::to_value(&merged).unwrap();
        let mut out = Vec::new();
        check(&json, &Release::new("ci", "gitlab").unwrap(), &mut out);
        out.into_iter()
            .map(|p| (p.path.to_string(), p.warning))
            .collect()
    }

    fn error(p: &str) -> (String, bool) {
        (p.to_string(), false)
    }

    const TOKEN: &str = "runnerToken: glrt-x\n";

    #[test]
    fn the_defaults_with_a_token_have_no_problem() {
        assert_eq!(problems(TOKEN), []);
        assert_eq!(problems("{}"), [("runnerToken".to_string(), true)]);
        assert_eq!(problems("runners: {secret: existing}"), []);
    }

    #[test]
    fn a_null_that_deletes_what_the_chart_reads() {
        for key in REQUIRED_MAPS.iter().chain(CONFIG_TOML_NUMBERS) {
            let yaml = match key.split_once('.') {
                Some((a, b)) => format!("{TOKEN}{a}: {{{b}: null}}"),
                None => format!("{TOKEN}{key}: null"),
            };
            let got = problems(&yaml);
            assert!(got.contains(&error(key)), "{yaml}: {got:?}");
        }
        assert_eq!(
            problems(&format!("{TOKEN}runners: {{config: null}}")),
            [error("runners.config")]
        );
        assert_eq!(
            problems(&format!("{TOKEN}runners: {{config: ''}}")),
            [],
            "empty: the chart uses configPath"
        );
        assert_eq!(
            problems(&format!("{TOKEN}image: {{image: ''}}")),
            [error("image.image")]
        );
    }

    #[test]
    fn hpa_needs_metrics_and_min_at_most_max() {
        let metrics = "metrics: [{type: Resource}]";
        for (hpa, expected) in [
            ("{}".to_string(), vec![]),
            (format!("{{maxReplicas: 3, {metrics}}}"), vec![]),
            (
                format!("{{minReplicas: 2, maxReplicas: 2, {metrics}}}"),
                vec![],
            ),
            ("{maxReplicas: 3}".to_string(), vec![error("hpa.metrics")]),
            (
                format!("{{minReplicas: 5, maxReplicas: 2, {metrics}}}"),
                vec![error("hpa.maxReplicas")],
            ),
            (
                format!("{{minReplicas: 2, {metrics}}}"),
                vec![error("hpa.minReplicas")],
            ),
            // 0 is "not set", 1
            (
                format!("{{minReplicas: 0, maxReplicas: 0, {metrics}}}"),
                vec![],
            ),
        ] {
            assert_eq!(problems(&format!("{TOKEN}hpa: {hpa}")), expected, "{hpa}");
        }
    }

    #[test]
    fn keys_the_chart_writes_itself() {
        assert_eq!(
            problems(&format!(
                "{TOKEN}podLabels: {{app: x, team: y}}\ndeploymentLabels: {{release: r}}\npodAnnotations: {{checksum/secrets: x, prometheus.io/port: '1'}}"
            )),
            [
                error("podLabels.app"),
                error("deploymentLabels.release"),
                error("podAnnotations.checksum/secrets"),
            ]
        );
        // the Prometheus annotations are the chart's only with metrics
        assert_eq!(
            problems(&format!(
                "{TOKEN}metrics: {{enabled: true}}\npodAnnotations: {{prometheus.io/port: '1'}}"
            )),
            [error("podAnnotations.\"prometheus.io/port\"")]
        );
        assert_eq!(
            problems(&format!(
                "{TOKEN}configMaps: {{entrypoint: x, 'a b': y, extra.toml: z}}"
            )),
            [error("configMaps.\"a b\""), error("configMaps.entrypoint")]
        );
    }

    #[test]
    fn object_names_after_truncation() {
        let long = "a".repeat(62);
        assert_eq!(
            problems(&format!("{TOKEN}fullnameOverride: {long}-b")),
            [],
            "cut to 63 and the trailing '-' trimmed"
        );
        assert_eq!(
            problems(&format!("{TOKEN}fullnameOverride: Runner")),
            [error("fullnameOverride")]
        );
        assert_eq!(
            problems(&format!("{TOKEN}nameOverride: My_Runner")),
            [error("nameOverride")]
        );
    }
}
