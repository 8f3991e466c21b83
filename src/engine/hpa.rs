//! Conversion of HorizontalPodAutoscaler metrics from the `autoscaling/v2beta1`
//! form to the `autoscaling/v2` form (which `v2beta2` shares).
//!
//! | v2beta1 source block | v2 source block |
//! | --- | --- |
//! | `resource: {name, targetAverageUtilization}` | `resource: {name, target: {type: Utilization, averageUtilization}}` |
//! | `resource: {name, targetAverageValue}` | `resource: {name, target: {type: AverageValue, averageValue}}` |
//! | `containerResource: {name, container, targetAverage…}` | as `resource`, keeping `container` |
//! | `pods: {metricName, targetAverageValue, selector?}` | `pods: {metric: {name, selector?}, target: {type: AverageValue, averageValue}}` |
//! | `object: {target, metricName, targetValue?, averageValue?, selector?}` | `object: {describedObject, metric: {name, selector?}, target: {type: Value, value} or {type: AverageValue, averageValue}}` |
//! | `external: {metricName, metricSelector?, targetValue?, targetAverageValue?}` | `external: {metric: {name, selector?}, target: {type: Value, value} or {type: AverageValue, averageValue}}` |
//!
//! A metric whose source block already has `metric:` or a `target:` map with a
//! `type` key is taken to be in v2 form and passes unchanged. Quantities and
//! selectors are copied as they are (numbers stay numbers). A key whose value
//! is null counts as absent. Anything that cannot be converted faithfully
//! (unknown keys, missing fields, wrong shapes) is an error naming the metric
//! index, e.g. `hpa.metrics[1].pods: missing "targetAverageValue"`.

use std::collections::BTreeMap;

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};

/// Convert a list of HorizontalPodAutoscaler metrics written for
/// `autoscaling/v2beta1` into the `autoscaling/v2` form.
///
/// Metrics already in v2 form pass unchanged; undefined or none gives an
/// empty list. Output maps are built from `BTreeMap`s, so their key order is
/// stable (sorted).
pub fn metrics_v2beta1_to_v2(metrics: &Value) -> Result<Value, Error> {
    if metrics.is_undefined() || metrics.is_none() {
        return Ok(Value::from(Vec::<Value>::new()));
    }
    if metrics.kind() != ValueKind::Seq {
        return Err(fail(
            "hpa.metrics",
            format!("expected a list of metrics, got {}", describe(metrics)),
        ));
    }
    let mut out = Vec::new();
    for (index, metric) in metrics.try_iter()?.enumerate() {
        out.push(convert_metric(index, &metric)?);
    }
    Ok(Value::from(out))
}

/// Check a list of metrics for `autoscaling/v2beta1` (Kubernetes before 1.23) and return it as
/// given. A metric written in the v2 form (`metric:` / `target: {type: ...}`) cannot be
/// expressed there and is an error naming it; a v2beta1 metric that could not be converted to
/// v2 is an error too (same rules as [`metrics_v2beta1_to_v2`]). The values check reports the
/// same problems first ([`metric_problems`]); this is for charts rendered without it.
pub fn metrics_for_v2beta1(metrics: &Value) -> Result<Value, Error> {
    match metric_problems(metrics, false).into_iter().next() {
        Some(problem) => Err(fail(
            &problem.path,
            match problem.help {
                Some(help) => format!("{}: {help}", problem.message),
                None => problem.message,
            },
        )),
        None if is_absent(metrics) => Ok(Value::from(Vec::<Value>::new())),
        None => Ok(metrics.clone()),
    }
}

/// A metric of `hpa.metrics` that cannot be written into the HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricProblem {
    /// The values path, e.g. `hpa.metrics[1].pods`.
    pub path: String,
    /// What is wrong, e.g. `missing "targetAverageValue"`.
    pub message: String,
    /// What to do about it, when there is more to say than the message does.
    pub help: Option<String>,
}

/// Every metric of `metrics` that cannot be written for the HPA's API version: `v2` (Kubernetes
/// 1.23 and later; see [`metrics_v2beta1_to_v2`]) or v2beta1 (see [`metrics_for_v2beta1`]).
/// One problem per such metric (the first found in it), for the values check to report them
/// all before anything is rendered.
///
/// ```
/// use gitlab_runner_chart::__private::engine::hpa::metric_problems;
/// let metrics: serde_yaml::Value = serde_yaml::from_str(
///     "- {type: Pods, pods: {metricName: jobs}}\n- {type: Pods, pods: {metric: {name: j}, target: {type: AverageValue, averageValue: 1}}}",
/// ).unwrap();
/// let metrics = minijinja::Value::from(minijinja::value::Serde(&metrics));
/// let problems = metric_problems(&metrics, true);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].path, "hpa.metrics[0].pods");
/// assert_eq!(problems[0].message, "missing \"targetAverageValue\"");
/// assert_eq!(metric_problems(&metrics, false).len(), 2); // v2 form, on Kubernetes before 1.23
/// ```
pub fn metric_problems(metrics: &Value, v2: bool) -> Vec<MetricProblem> {
    if is_absent(metrics) {
        return Vec::new();
    }
    if metrics.kind() != ValueKind::Seq {
        return vec![problem(fail(
            "hpa.metrics",
            format!("expected a list of metrics, got {}", describe(metrics)),
        ))];
    }
    let Ok(items) = metrics.try_iter() else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (index, metric) in items.enumerate() {
        match convert_metric(index, &metric) {
            Err(e) => problems.push(problem(e)),
            // unchanged by the conversion: it was already in the v2 form
            Ok(converted) if !v2 && converted == metric => problems.push(MetricProblem {
                path: format!("hpa.metrics[{index}]"),
                message: "is written for autoscaling/v2 (`metric`, `target.type`), but Kubernetes \
                    before 1.23 only has autoscaling/v2beta1"
                    .to_string(),
                help: Some(
                    "write it as a v2beta1 metric (`metricName`, `targetAverageValue`, ...) or \
                     render for --kube-version 1.23 or later"
                        .to_string(),
                ),
            }),
            Ok(_) => {}
        }
    }
    problems
}

/// The path and message of an error made by [`fail`] (`hpa.metrics[1].pods: missing ...`).
fn problem(error: Error) -> MetricProblem {
    let detail = error.detail().unwrap_or_default();
    match detail.split_once(": ") {
        Some((path, message)) if path.starts_with("hpa.metrics") => MetricProblem {
            path: path.to_string(),
            message: message.to_string(),
            help: None,
        },
        _ => MetricProblem {
            path: "hpa.metrics".to_string(),
            message: detail.to_string(),
            help: None,
        },
    }
}

fn fail(path: &str, msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{path}: {msg}"))
}

fn describe(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined => "undefined".to_string(),
        ValueKind::None => "null".to_string(),
        ValueKind::Bool => format!("boolean {}", value.is_true()),
        ValueKind::Number => format!("number {value}"),
        ValueKind::String => format!("string {:?}", value.as_str().unwrap_or_default()),
        ValueKind::Seq => "a list".to_string(),
        ValueKind::Map => "a map".to_string(),
        other => other.to_string(),
    }
}

fn is_absent(value: &Value) -> bool {
    value.is_undefined() || value.is_none()
}

/// The non-null entries of a map value, keyed by name.
fn map_entries(value: &Value, path: &str) -> Result<BTreeMap<String, Value>, Error> {
    if value.kind() != ValueKind::Map {
        return Err(fail(
            path,
            format!("expected a map, got {}", describe(value)),
        ));
    }
    let mut entries = BTreeMap::new();
    for key in value.try_iter()? {
        let Some(name) = key.as_str() else {
            return Err(fail(path, format!("key {key} is not a string")));
        };
        let item = value.get_item(&key)?;
        if !is_absent(&item) {
            entries.insert(name.to_string(), item);
        }
    }
    Ok(entries)
}

fn quoted_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A source block being taken apart field by field.
struct Block {
    path: String,
    fields: BTreeMap<String, Value>,
}

impl Block {
    fn new(value: &Value, path: String) -> Result<Block, Error> {
        let fields = map_entries(value, &path)?;
        Ok(Block { path, fields })
    }

    /// Rejects any key outside `allowed`, explaining what is expected.
    fn only(&self, allowed: &[&str], what: &str) -> Result<(), Error> {
        if let Some(key) = self.fields.keys().find(|k| !allowed.contains(&k.as_str())) {
            let mut msg = format!(
                "unexpected key {key:?} (an autoscaling/v2beta1 {what} takes {})",
                quoted_list(allowed)
            );
            if key == "target" || key == "metric" {
                msg.push_str("; a v2 block needs both \"metric\" and \"target\" with a \"type\"");
            }
            return Err(fail(&self.path, msg));
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    fn required(&self, key: &str) -> Result<&Value, Error> {
        self.get(key)
            .ok_or_else(|| fail(&self.path, format!("missing {key:?}")))
    }

    fn string(&self, key: &str) -> Result<Value, Error> {
        let value = self.required(key)?;
        match value.as_str() {
            Some(s) if !s.is_empty() => Ok(value.clone()),
            Some(_) => Err(fail(&self.path, format!("{key:?} must not be empty"))),
            None => Err(fail(
                &self.path,
                format!("{key:?} must be a string, got {}", describe(value)),
            )),
        }
    }

    fn optional_map(&self, key: &str) -> Result<Option<Value>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.kind() == ValueKind::Map => Ok(Some(v.clone())),
            Some(v) => Err(fail(
                &self.path,
                format!("{key:?} must be a map, got {}", describe(v)),
            )),
        }
    }

    /// A Kubernetes quantity: a string such as `400m` or a number.
    fn quantity(&self, key: &str) -> Result<Option<Value>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if matches!(v.kind(), ValueKind::String | ValueKind::Number) => {
                Ok(Some(v.clone()))
            }
            Some(v) => Err(fail(
                &self.path,
                format!(
                    "{key:?} must be a quantity (string or number), got {}",
                    describe(v)
                ),
            )),
        }
    }

    fn number(&self, key: &str) -> Result<Option<Value>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.kind() == ValueKind::Number => Ok(Some(v.clone())),
            Some(v) => Err(fail(
                &self.path,
                format!("{key:?} must be a number, got {}", describe(v)),
            )),
        }
    }

    /// Exactly one of two alternative target fields.
    fn one_of(&self, a: (&str, Option<Value>), b: (&str, Option<Value>)) -> Result<Target, Error> {
        match (a.1, b.1) {
            (Some(_), Some(_)) => Err(fail(
                &self.path,
                format!("set only one of {:?} and {:?}", a.0, b.0),
            )),
            (Some(v), None) => Ok(Target::First(v)),
            (None, Some(v)) => Ok(Target::Second(v)),
            (None, None) => Err(fail(&self.path, format!("missing {:?} or {:?}", a.0, b.0))),
        }
    }
}

enum Target {
    First(Value),
    Second(Value),
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::from(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<String, Value>>(),
    )
}

fn target(kind: &str, field: &str, value: Value) -> Value {
    map(vec![("type", Value::from(kind)), (field, value)])
}

fn metric_identifier(name: Value, selector: Option<Value>) -> Value {
    let mut entries = vec![("name", name)];
    if let Some(selector) = selector {
        entries.push(("selector", selector));
    }
    map(entries)
}

const TYPES: [(&str, &str); 5] = [
    ("Resource", "resource"),
    ("Pods", "pods"),
    ("Object", "object"),
    ("External", "external"),
    ("ContainerResource", "containerResource"),
];

/// Is this source block already in v2 form?
fn is_v2(source: &Value) -> Result<bool, Error> {
    if !is_absent(&source.get_attr("metric")?) {
        return Ok(true);
    }
    let target = source.get_attr("target")?;
    Ok(target.kind() == ValueKind::Map && !is_absent(&target.get_attr("type")?))
}

fn convert_metric(index: usize, metric: &Value) -> Result<Value, Error> {
    let path = format!("hpa.metrics[{index}]");
    let fields = map_entries(metric, &path)?;
    let type_value = fields
        .get("type")
        .ok_or_else(|| fail(&path, "missing \"type\""))?;
    let type_name = type_value.as_str().ok_or_else(|| {
        fail(
            &format!("{path}.type"),
            format!("expected a string, got {}", describe(type_value)),
        )
    })?;
    let Some(&(_, key)) = TYPES.iter().find(|(t, _)| *t == type_name) else {
        return Err(fail(
            &format!("{path}.type"),
            format!(
                "unknown metric type {type_name:?} (expected one of {})",
                quoted_list(&TYPES.map(|(t, _)| t))
            ),
        ));
    };
    let source = fields.get(key).ok_or_else(|| {
        fail(
            &path,
            format!("missing {key:?} for a metric of type {type_name}"),
        )
    })?;
    let source_path = format!("{path}.{key}");
    if source.kind() != ValueKind::Map {
        return Err(fail(
            &source_path,
            format!("expected a map, got {}", describe(source)),
        ));
    }
    if is_v2(source)? {
        return Ok(metric.clone());
    }
    if let Some(extra) = fields.keys().find(|k| *k != "type" && *k != key) {
        return Err(fail(
            &path,
            format!("unexpected key {extra:?} for a metric of type {type_name}"),
        ));
    }
    let block = Block::new(source, source_path)?;
    let converted = match type_name {
        "Resource" => resource(&block, false)?,
        "ContainerResource" => resource(&block, true)?,
        "Pods" => pods(&block)?,
        "Object" => object(&block)?,
        _ => external(&block)?,
    };
    Ok(map(vec![("type", type_value.clone()), (key, converted)]))
}

fn resource(block: &Block, with_container: bool) -> Result<Value, Error> {
    if with_container {
        block.only(
            &[
                "name",
                "container",
                "targetAverageUtilization",
                "targetAverageValue",
            ],
            "ContainerResource metric",
        )?;
    } else {
        block.only(
            &["name", "targetAverageUtilization", "targetAverageValue"],
            "Resource metric",
        )?;
    }
    let mut entries = vec![("name", block.string("name")?)];
    if with_container {
        entries.push(("container", block.string("container")?));
    }
    let target = match block.one_of(
        (
            "targetAverageUtilization",
            block.number("targetAverageUtilization")?,
        ),
        ("targetAverageValue", block.quantity("targetAverageValue")?),
    )? {
        Target::First(v) => target("Utilization", "averageUtilization", v),
        Target::Second(v) => target("AverageValue", "averageValue", v),
    };
    entries.push(("target", target));
    Ok(map(entries))
}

fn pods(block: &Block) -> Result<Value, Error> {
    block.only(
        &["metricName", "targetAverageValue", "selector"],
        "Pods metric",
    )?;
    let name = block.string("metricName")?;
    let selector = block.optional_map("selector")?;
    let value = block
        .quantity("targetAverageValue")?
        .ok_or_else(|| fail(&block.path, "missing \"targetAverageValue\""))?;
    Ok(map(vec![
        ("metric", metric_identifier(name, selector)),
        ("target", target("AverageValue", "averageValue", value)),
    ]))
}

fn object(block: &Block) -> Result<Value, Error> {
    block.only(
        &[
            "target",
            "metricName",
            "targetValue",
            "averageValue",
            "selector",
        ],
        "Object metric",
    )?;
    let described = block.required("target")?;
    let described_path = format!("{}.target", block.path);
    let reference = Block::new(described, described_path)?;
    reference.only(&["apiVersion", "kind", "name"], "object reference (target)")?;
    reference.string("kind")?;
    reference.string("name")?;
    if reference.get("apiVersion").is_some() {
        reference.string("apiVersion")?;
    }
    let name = block.string("metricName")?;
    let selector = block.optional_map("selector")?;
    let value = block.quantity("targetValue")?;
    let average = block.quantity("averageValue")?;
    // v2beta1 requires targetValue even when averageValue is what counts;
    // Kubernetes converts such a metric to an AverageValue target.
    let target = match (value, average) {
        (_, Some(avg)) => target("AverageValue", "averageValue", avg),
        (Some(v), None) => target("Value", "value", v),
        (None, None) => {
            return Err(fail(
                &block.path,
                "missing \"targetValue\" or \"averageValue\"",
            ))
        }
    };
    Ok(map(vec![
        ("describedObject", described.clone()),
        ("metric", metric_identifier(name, selector)),
        ("target", target),
    ]))
}

fn external(block: &Block) -> Result<Value, Error> {
    block.only(
        &[
            "metricName",
            "metricSelector",
            "targetValue",
            "targetAverageValue",
        ],
        "External metric",
    )?;
    let name = block.string("metricName")?;
    let selector = block.optional_map("metricSelector")?;
    let target = match block.one_of(
        ("targetValue", block.quantity("targetValue")?),
        ("targetAverageValue", block.quantity("targetAverageValue")?),
    )? {
        Target::First(v) => target("Value", "value", v),
        Target::Second(v) => target("AverageValue", "averageValue", v),
    };
    Ok(map(vec![
        ("metric", metric_identifier(name, selector)),
        ("target", target),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::Serde;

    fn value(yaml: &str) -> Value {
        let parsed: serde_yaml::Value = serde_yaml::from_str(yaml).expect("test YAML");
        Value::from(Serde(&parsed))
    }

    fn to_yaml(v: &Value) -> serde_yaml::Value {
        serde_yaml::to_value(v).expect("serializable")
    }

    fn assert_converts(input: &str, expected: &str) {
        let out = metrics_v2beta1_to_v2(&value(input))
            .unwrap_or_else(|e| panic!("conversion failed: {e}\ninput:\n{input}"));
        let want: serde_yaml::Value = serde_yaml::from_str(expected).expect("expected YAML");
        assert_eq!(to_yaml(&out), want, "input:\n{input}");
    }

    fn assert_unchanged(input: &str) {
        assert_converts(input, input);
    }

    fn error(input: &str) -> String {
        match metrics_v2beta1_to_v2(&value(input)) {
            Ok(v) => panic!("expected an error, got {v:?}\ninput:\n{input}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidOperation);
                e.to_string()
            }
        }
    }

    fn assert_error(input: &str, needle: &str) {
        let msg = error(input);
        assert!(msg.contains(needle), "error {msg:?} lacks {needle:?}");
    }

    #[test]
    fn resource_utilization() {
        assert_converts(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 50}",
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}",
        );
    }

    #[test]
    fn resource_average_value() {
        assert_converts(
            "- type: Resource\n  resource: {name: memory, targetAverageValue: 400Mi}",
            "- type: Resource\n  resource: {name: memory, target: {type: AverageValue, averageValue: 400Mi}}",
        );
    }

    #[test]
    fn numbers_stay_numbers() {
        let out = metrics_v2beta1_to_v2(&value(
            "- type: Resource\n  resource: {name: cpu, targetAverageValue: 2}\n\
             - type: Resource\n  resource: {name: cpu, targetAverageUtilization: 75}",
        ))
        .unwrap();
        let avg = out
            .get_item_by_index(0)
            .and_then(|m| m.get_attr("resource"))
            .and_then(|r| r.get_attr("target"))
            .and_then(|t| t.get_attr("averageValue"))
            .unwrap();
        assert_eq!(avg.kind(), ValueKind::Number);
        assert_eq!(avg, Value::from(2));
        let util = out
            .get_item_by_index(1)
            .and_then(|m| m.get_attr("resource"))
            .and_then(|r| r.get_attr("target"))
            .and_then(|t| t.get_attr("averageUtilization"))
            .unwrap();
        assert_eq!(util, Value::from(75));
    }

    #[test]
    fn quantity_strings_are_copied_verbatim() {
        assert_converts(
            "- type: Pods\n  pods: {metricName: m, targetAverageValue: \"400m\"}\n\
             - type: Pods\n  pods: {metricName: n, targetAverageValue: \"1k\"}\n\
             - type: Pods\n  pods: {metricName: o, targetAverageValue: \"1.5\"}",
            "- type: Pods\n  pods: {metric: {name: m}, target: {type: AverageValue, averageValue: \"400m\"}}\n\
             - type: Pods\n  pods: {metric: {name: n}, target: {type: AverageValue, averageValue: \"1k\"}}\n\
             - type: Pods\n  pods: {metric: {name: o}, target: {type: AverageValue, averageValue: \"1.5\"}}",
        );
    }

    #[test]
    fn pods_basic() {
        assert_converts(
            "- type: Pods\n  pods:\n    metricName: gitlab_runner_jobs\n    targetAverageValue: 400m",
            "- type: Pods\n  pods:\n    metric: {name: gitlab_runner_jobs}\n    target: {type: AverageValue, averageValue: 400m}",
        );
    }

    #[test]
    fn pods_with_selector() {
        assert_converts(
            "- type: Pods\n  pods:\n    metricName: jobs\n    targetAverageValue: 1\n    selector:\n      matchLabels: {queue: ci}",
            "- type: Pods\n  pods:\n    metric:\n      name: jobs\n      selector:\n        matchLabels: {queue: ci}\n    target: {type: AverageValue, averageValue: 1}",
        );
    }

    #[test]
    fn object_value() {
        assert_converts(
            "- type: Object\n  object:\n    target: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}\n    metricName: requests-per-second\n    targetValue: 2k",
            "- type: Object\n  object:\n    describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}\n    metric: {name: requests-per-second}\n    target: {type: Value, value: 2k}",
        );
    }

    #[test]
    fn object_average_value_wins_over_target_value() {
        assert_converts(
            "- type: Object\n  object:\n    target: {kind: Service, name: web}\n    metricName: rps\n    targetValue: 10\n    averageValue: 500m\n    selector: {matchLabels: {a: b}}",
            "- type: Object\n  object:\n    describedObject: {kind: Service, name: web}\n    metric: {name: rps, selector: {matchLabels: {a: b}}}\n    target: {type: AverageValue, averageValue: 500m}",
        );
    }

    #[test]
    fn object_average_value_only() {
        assert_converts(
            "- type: Object\n  object: {target: {kind: Service, name: web}, metricName: rps, averageValue: 3}",
            "- type: Object\n  object: {describedObject: {kind: Service, name: web}, metric: {name: rps}, target: {type: AverageValue, averageValue: 3}}",
        );
    }

    #[test]
    fn external_value() {
        assert_converts(
            "- type: External\n  external: {metricName: queue_messages_ready, targetValue: 30}",
            "- type: External\n  external: {metric: {name: queue_messages_ready}, target: {type: Value, value: 30}}",
        );
    }

    #[test]
    fn external_average_value_with_selector() {
        assert_converts(
            "- type: External\n  external:\n    metricName: queue_messages_ready\n    metricSelector:\n      matchLabels: {queue: worker_tasks}\n    targetAverageValue: 30",
            "- type: External\n  external:\n    metric:\n      name: queue_messages_ready\n      selector:\n        matchLabels: {queue: worker_tasks}\n    target: {type: AverageValue, averageValue: 30}",
        );
    }

    #[test]
    fn container_resource_v2beta1_is_converted() {
        assert_converts(
            "- type: ContainerResource\n  containerResource: {name: cpu, container: runner, targetAverageUtilization: 60}",
            "- type: ContainerResource\n  containerResource: {name: cpu, container: runner, target: {type: Utilization, averageUtilization: 60}}",
        );
    }

    #[test]
    fn container_resource_v2_passes_unchanged() {
        assert_unchanged(
            "- type: ContainerResource\n  containerResource: {name: cpu, container: runner, target: {type: Utilization, averageUtilization: 60}}",
        );
    }

    #[test]
    fn resource_v2_passes_unchanged() {
        assert_unchanged(
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}",
        );
    }

    #[test]
    fn pods_v2_passes_unchanged() {
        assert_unchanged(
            "- type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 400m}}",
        );
    }

    #[test]
    fn object_and_external_v2_pass_unchanged() {
        assert_unchanged(
            "- type: Object\n  object:\n    describedObject: {kind: Service, name: web}\n    metric: {name: rps}\n    target: {type: Value, value: 10}\n\
             - type: External\n  external: {metric: {name: q}, target: {type: Value, value: 3}, extra: kept}",
        );
    }

    #[test]
    fn v2_passthrough_keeps_the_metric_value_itself() {
        let input = value("- type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 1}}");
        let out = metrics_v2beta1_to_v2(&input).unwrap();
        assert_eq!(
            out.get_item_by_index(0).unwrap(),
            input.get_item_by_index(0).unwrap()
        );
    }

    #[test]
    fn mixed_list_keeps_order() {
        assert_converts(
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n\
             - type: Pods\n  pods: {metricName: jobs, targetAverageValue: 2}\n\
             - type: External\n  external: {metricName: q, targetValue: 5}\n\
             - type: Resource\n  resource: {name: memory, targetAverageUtilization: 80}",
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n\
             - type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 2}}\n\
             - type: External\n  external: {metric: {name: q}, target: {type: Value, value: 5}}\n\
             - type: Resource\n  resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}",
        );
    }

    #[test]
    fn undefined_none_and_empty_give_empty_list() {
        for input in [Value::UNDEFINED, Value::from(()), value("[]")] {
            let out = metrics_v2beta1_to_v2(&input).unwrap();
            assert_eq!(out.kind(), ValueKind::Seq);
            assert_eq!(out.len(), Some(0));
        }
    }

    #[test]
    fn null_fields_count_as_absent() {
        assert_converts(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 50, targetAverageValue: null}\n  pods: null",
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}",
        );
    }

    #[test]
    fn output_keys_are_sorted() {
        let out = metrics_v2beta1_to_v2(&value(
            "- type: Object\n  object: {target: {kind: Service, name: web}, metricName: rps, targetValue: 1}",
        ))
        .unwrap();
        let object = out
            .get_item_by_index(0)
            .unwrap()
            .get_attr("object")
            .unwrap();
        let keys: Vec<String> = object.try_iter().unwrap().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["describedObject", "metric", "target"]);
    }

    #[test]
    fn works_as_a_template_function() {
        let mut env = minijinja::Environment::new();
        env.add_function("convert", |m: Value| metrics_v2beta1_to_v2(&m));
        let tmpl = env
            .template_from_str(
                "{% for m in convert(metrics) %}{{ m.type }}:{{ (m.resource or m.pods).target.type }};{% endfor %}",
            )
            .unwrap();
        let ctx = minijinja::context! {
            metrics => value("- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 50}\n- type: Pods\n  pods: {metricName: j, targetAverageValue: 1}"),
        };
        assert_eq!(
            tmpl.render(ctx).unwrap(),
            "Resource:Utilization;Pods:AverageValue;"
        );
        let err = tmpl
            .render(
                minijinja::context! { metrics => value("- type: Pods\n  pods: {metricName: j}") },
            )
            .unwrap_err();
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(inner) = source {
            text.push_str(&inner.to_string());
            source = inner.source();
        }
        assert!(
            text.contains("hpa.metrics[0].pods: missing \"targetAverageValue\""),
            "{text}"
        );
    }

    #[test]
    fn error_not_a_list() {
        assert_error(
            "{type: Resource}",
            "hpa.metrics: expected a list of metrics, got a map",
        );
        assert_error(
            "\"cpu\"",
            "hpa.metrics: expected a list of metrics, got string \"cpu\"",
        );
    }

    #[test]
    fn error_metric_not_a_map() {
        assert_error(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 5}\n- cpu",
            "hpa.metrics[1]: expected a map, got string \"cpu\"",
        );
    }

    #[test]
    fn error_missing_type() {
        assert_error(
            "- resource: {name: cpu, targetAverageUtilization: 5}",
            "hpa.metrics[0]: missing \"type\"",
        );
    }

    #[test]
    fn error_type_not_a_string() {
        assert_error(
            "- type: [Resource]\n  resource: {}",
            "hpa.metrics[0].type: expected a string, got a list",
        );
    }

    #[test]
    fn error_unknown_type() {
        assert_error(
            "- type: resource\n  resource: {name: cpu, targetAverageUtilization: 5}",
            "hpa.metrics[0].type: unknown metric type \"resource\"",
        );
    }

    #[test]
    fn error_missing_source_block() {
        assert_error(
            "- type: Pods\n  resource: {name: cpu, targetAverageUtilization: 5}",
            "hpa.metrics[0]: missing \"pods\" for a metric of type Pods",
        );
    }

    #[test]
    fn error_source_block_not_a_map() {
        assert_error(
            "- type: External\n  external: [1]",
            "hpa.metrics[0].external: expected a map, got a list",
        );
    }

    #[test]
    fn error_unknown_key_in_source_block() {
        let msg = error(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 5}\n\
             - type: Pods\n  pods: {metricName: jobs, targetAverageValu: 4}",
        );
        assert!(
            msg.contains("hpa.metrics[1].pods: unexpected key \"targetAverageValu\""),
            "{msg}"
        );
        assert!(msg.contains("\"targetAverageValue\""), "{msg}");
    }

    #[test]
    fn error_half_v2_block() {
        // `target` without `type` is neither v1beta1 nor v2.
        assert_error(
            "- type: Resource\n  resource: {name: cpu, target: {averageUtilization: 5}}",
            "hpa.metrics[0].resource: unexpected key \"target\"",
        );
    }

    #[test]
    fn error_extra_metric_level_key() {
        assert_error(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 5}\n  pods: {metricName: j, targetAverageValue: 1}",
            "hpa.metrics[0]: unexpected key \"pods\" for a metric of type Resource",
        );
    }

    #[test]
    fn error_missing_metric_name() {
        assert_error(
            "- type: Pods\n  pods: {targetAverageValue: 1}",
            "hpa.metrics[0].pods: missing \"metricName\"",
        );
        assert_error(
            "- type: External\n  external: {targetValue: 1}",
            "hpa.metrics[0].external: missing \"metricName\"",
        );
        assert_error(
            "- type: Object\n  object: {target: {kind: Service, name: s}, targetValue: 1}",
            "hpa.metrics[0].object: missing \"metricName\"",
        );
    }

    #[test]
    fn error_metric_name_not_a_string() {
        assert_error(
            "- type: Pods\n  pods: {metricName: {a: 1}, targetAverageValue: 1}",
            "hpa.metrics[0].pods: \"metricName\" must be a string, got a map",
        );
        assert_error(
            "- type: Pods\n  pods: {metricName: \"\", targetAverageValue: 1}",
            "hpa.metrics[0].pods: \"metricName\" must not be empty",
        );
    }

    #[test]
    fn error_missing_pods_target() {
        assert_error(
            "- type: Pods\n  pods: {metricName: jobs}",
            "hpa.metrics[0].pods: missing \"targetAverageValue\"",
        );
    }

    #[test]
    fn error_resource_targets() {
        assert_error(
            "- type: Resource\n  resource: {name: cpu}",
            "hpa.metrics[0].resource: missing \"targetAverageUtilization\" or \"targetAverageValue\"",
        );
        assert_error(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 5, targetAverageValue: 1}",
            "hpa.metrics[0].resource: set only one of \"targetAverageUtilization\" and \"targetAverageValue\"",
        );
        assert_error(
            "- type: Resource\n  resource: {targetAverageUtilization: 5}",
            "hpa.metrics[0].resource: missing \"name\"",
        );
        assert_error(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: \"50\"}",
            "hpa.metrics[0].resource: \"targetAverageUtilization\" must be a number, got string \"50\"",
        );
    }

    #[test]
    fn error_container_resource_missing_container() {
        assert_error(
            "- type: ContainerResource\n  containerResource: {name: cpu, targetAverageUtilization: 5}",
            "hpa.metrics[0].containerResource: missing \"container\"",
        );
    }

    #[test]
    fn error_external_targets() {
        assert_error(
            "- type: External\n  external: {metricName: q}",
            "hpa.metrics[0].external: missing \"targetValue\" or \"targetAverageValue\"",
        );
        assert_error(
            "- type: External\n  external: {metricName: q, targetValue: 1, targetAverageValue: 2}",
            "hpa.metrics[0].external: set only one of \"targetValue\" and \"targetAverageValue\"",
        );
    }

    #[test]
    fn error_object_targets_and_reference() {
        assert_error(
            "- type: Object\n  object: {target: {kind: Service, name: s}, metricName: m}",
            "hpa.metrics[0].object: missing \"targetValue\" or \"averageValue\"",
        );
        assert_error(
            "- type: Object\n  object: {metricName: m, targetValue: 1}",
            "hpa.metrics[0].object: missing \"target\"",
        );
        assert_error(
            "- type: Object\n  object: {target: {name: s}, metricName: m, targetValue: 1}",
            "hpa.metrics[0].object.target: missing \"kind\"",
        );
        assert_error(
            "- type: Object\n  object: {target: {kind: Service, name: s, namespace: x}, metricName: m, targetValue: 1}",
            "hpa.metrics[0].object.target: unexpected key \"namespace\"",
        );
        assert_error(
            "- type: Object\n  object: {target: Service/s, metricName: m, targetValue: 1}",
            "hpa.metrics[0].object.target: expected a map, got string",
        );
    }

    #[test]
    fn error_bad_quantity_and_selector() {
        assert_error(
            "- type: Pods\n  pods: {metricName: j, targetAverageValue: {a: 1}}",
            "hpa.metrics[0].pods: \"targetAverageValue\" must be a quantity (string or number), got a map",
        );
        assert_error(
            "- type: Pods\n  pods: {metricName: j, targetAverageValue: true}",
            "must be a quantity (string or number), got boolean true",
        );
        assert_error(
            "- type: External\n  external: {metricName: q, targetValue: 1, metricSelector: app=x}",
            "hpa.metrics[0].external: \"metricSelector\" must be a map, got string \"app=x\"",
        );
    }

    #[test]
    fn error_non_string_keys() {
        assert_error(
            "- type: Pods\n  pods: {1: x}",
            "hpa.metrics[0].pods: key 1 is not a string",
        );
    }

    #[test]
    fn v2beta1_targets_keep_v2beta1_metrics_and_refuse_v2_ones() {
        let v1: Value = Value::from(Serde(
            serde_yaml::from_str::<serde_yaml::Value>(
                "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 400m}\n",
            )
            .unwrap(),
        ));
        assert_eq!(metrics_for_v2beta1(&v1).unwrap(), v1);
        let v2: Value = Value::from(Serde(
            serde_yaml::from_str::<serde_yaml::Value>(
                "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 1}\n- type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 1}}\n",
            )
            .unwrap(),
        ));
        let err = metrics_for_v2beta1(&v2).unwrap_err();
        assert!(
            err.detail()
                .unwrap()
                .starts_with("hpa.metrics[1]: is written for autoscaling/v2"),
            "{err}"
        );
        let bad: Value = Value::from(Serde(
            serde_yaml::from_str::<serde_yaml::Value>("- type: Pods\n  pods: {metricName: jobs}\n")
                .unwrap(),
        ));
        assert!(metrics_for_v2beta1(&bad).is_err());
        assert_eq!(
            metrics_for_v2beta1(&Value::UNDEFINED).unwrap().len(),
            Some(0)
        );
    }
}
