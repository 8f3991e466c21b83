//! The HorizontalPodAutoscaler metrics of the GitLab Runner chart (`hpa.metrics`), typed: one
//! [`Metric`] type gives the values schema (through [`super::model::Hpa`]), the checks
//! ([`metric_problems`]) and what the `hpa.yaml` template writes (the filters
//! `hpaMetricsV2` and `hpaMetricsV2beta1`: [`metrics_v2`], [`metrics_v2beta1`]).
//!
//! A metric is written in the `autoscaling/v2beta1` form of the chart (`metricName`,
//! `targetAverageValue`, ...) or in the `autoscaling/v2` form (`metric`, `target: {type: ...}`);
//! a source block holds the keys of both, and [`metric_problems`] says which form it is in and
//! what it lacks. For Kubernetes 1.23 and later the HPA is `autoscaling/v2` and v2beta1
//! metrics are converted:
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
//! Before 1.23 the HPA is `autoscaling/v2beta1`, where a v2 metric cannot be written. A key
//! whose value is null counts as absent; quantities and selectors are copied as they are.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::model::{FreeForm, Quantity};

/// A label selector, copied as given (its schema is [`FreeForm`]'s).
pub type Selector = serde_json::Map<String, Json>;

/// One metric of `hpa.metrics`: its type and the source block of that type.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metric {
    /// The kind of metric; the source block of the same name (`Pods`: `pods`) describes it.
    #[serde(rename = "type")]
    pub kind: MetricType,
    /// A resource of the pods (cpu, memory), for `type: Resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceSource>,
    /// A resource of one container of the pods, for `type: ContainerResource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_resource: Option<ResourceSource>,
    /// A custom metric of the pods, for `type: Pods`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsSource>,
    /// A metric of another Kubernetes object, for `type: Object`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectSource>,
    /// A metric from outside the cluster, for `type: External`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalSource>,
}

/// The kind of an HPA metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[allow(missing_docs)]
pub enum MetricType {
    Resource,
    Pods,
    Object,
    External,
    ContainerResource,
}

impl MetricType {
    /// The key of this type's source block (`Pods`: `pods`).
    pub fn source_key(self) -> &'static str {
        match self {
            MetricType::Resource => "resource",
            MetricType::Pods => "pods",
            MetricType::Object => "object",
            MetricType::External => "external",
            MetricType::ContainerResource => "containerResource",
        }
    }
}

/// `resource` or `containerResource`: v2beta1 `{name, targetAverageUtilization |
/// targetAverageValue}` or v2 `{name, target}`; `container` for `containerResource`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceSource {
    /// The resource: cpu or memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The container (containerResource only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// v2beta1: the target use, in percent of the requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2147483647))]
    pub target_average_utilization: Option<i64>,
    /// v2beta1: the target value per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub target_average_value: Option<Json>,
    /// v2: the target (`type: Utilization` or `AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<MetricTarget>,
}

/// `pods`: v2beta1 `{metricName, targetAverageValue, selector?}` or v2 `{metric, target}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodsSource {
    /// v2beta1: the metric's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// v2beta1: the target value per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub target_average_value: Option<Json>,
    /// v2beta1: a label selector of the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<FreeForm>")]
    pub selector: Option<Selector>,
    /// v2: the metric's name and selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricIdentifier>,
    /// v2: the target (`type: AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<MetricTarget>,
}

/// `object`: v2beta1 `{target: <object>, metricName, targetValue | averageValue, selector?}` or
/// v2 `{describedObject, metric, target}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectSource {
    /// v2beta1: the object described (`kind`, `name`, `apiVersion`); v2: the target (`type`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ObjectTarget>,
    /// v2beta1: the metric's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// v2beta1: the target value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub target_value: Option<Json>,
    /// v2beta1: the target value per pod (wins over targetValue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub average_value: Option<Json>,
    /// v2beta1: a label selector of the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<FreeForm>")]
    pub selector: Option<Selector>,
    /// v2: the object described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub described_object: Option<ObjectReference>,
    /// v2: the metric's name and selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricIdentifier>,
}

/// `external`: v2beta1 `{metricName, metricSelector?, targetValue | targetAverageValue}` or v2
/// `{metric, target}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExternalSource {
    /// v2beta1: the metric's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// v2beta1: a label selector of the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<FreeForm>")]
    pub metric_selector: Option<Selector>,
    /// v2beta1: the target value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub target_value: Option<Json>,
    /// v2beta1: the target value per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub target_average_value: Option<Json>,
    /// v2: the metric's name and selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricIdentifier>,
    /// v2: the target (`type: Value` or `AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<MetricTarget>,
}

/// v2: a metric target.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MetricTarget {
    /// Utilization, Value or AverageValue: which of the other keys is the target.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TargetType>,
    /// The target value (`type: Value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub value: Option<Json>,
    /// The target value per pod (`type: AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub average_value: Option<Json>,
    /// The target use in percent of the requests (`type: Utilization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2147483647))]
    pub average_utilization: Option<i64>,
}

/// The kind of a v2 metric target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[allow(missing_docs)]
pub enum TargetType {
    Utilization,
    Value,
    AverageValue,
}

/// v2: a metric's name and selector.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MetricIdentifier {
    /// The metric's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A label selector of the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<FreeForm>")]
    pub selector: Option<Selector>,
}

/// A Kubernetes object an Object metric describes.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectReference {
    /// The object's API version, e.g. v1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The object's kind, e.g. Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The object's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `object.target`: in v2beta1 the object described, in v2 the metric target.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectTarget {
    /// v2beta1: the object's API version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// v2beta1: the object's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// v2beta1: the object's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// v2: Value or AverageValue.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<TargetType>,
    /// v2: the target value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub value: Option<Json>,
    /// v2: the target value per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Quantity>")]
    pub average_value: Option<Json>,
    /// v2: the target use in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2147483647))]
    pub average_utilization: Option<i64>,
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

impl std::fmt::Display for MetricProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        match &self.help {
            Some(help) => write!(f, ": {help}"),
            None => Ok(()),
        }
    }
}

/// A metric's form, once its keys are known to fit one.
enum Form {
    V2beta1,
    V2,
}

/// A problem at `path`.
fn problem(path: &str, message: impl Into<String>) -> MetricProblem {
    MetricProblem {
        path: path.to_string(),
        message: message.into(),
        help: None,
    }
}

/// The keys of a block that are set, among `keys` (name, is it set).
fn set_keys(keys: &[(&'static str, bool)]) -> Vec<&'static str> {
    keys.iter()
        .filter(|(_, set)| *set)
        .map(|(k, _)| *k)
        .collect()
}

fn quoted_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The form of a block from the keys of each form that are set; both at once is a problem.
fn form(path: &str, v2beta1: &[&str], v2: &[&str]) -> Result<Form, MetricProblem> {
    match (v2beta1.is_empty(), v2.is_empty()) {
        (false, false) => Err(MetricProblem {
            help: Some(
                "write the whole block in one form: v2beta1 (`metricName`, `targetAverageValue`, ...) or v2 (`metric`, `target: {type: ...}`)"
                    .to_string(),
            ),
            ..problem(
                path,
                format!(
                    "mixes autoscaling/v2beta1 keys ({}) with autoscaling/v2 keys ({})",
                    quoted_list(v2beta1),
                    quoted_list(v2)
                ),
            )
        }),
        (true, false) => Ok(Form::V2),
        _ => Ok(Form::V2beta1),
    }
}

fn non_empty(path: &str, key: &str, value: &Option<String>) -> Result<(), MetricProblem> {
    match value.as_deref() {
        None => Err(problem(path, format!("missing {key:?}"))),
        Some("") => Err(problem(path, format!("{key:?} must not be empty"))),
        Some(_) => Ok(()),
    }
}

/// Exactly one of two alternative fields.
fn one_of(path: &str, a: (&str, bool), b: (&str, bool)) -> Result<(), MetricProblem> {
    match (a.1, b.1) {
        (true, true) => Err(problem(
            path,
            format!("set only one of {:?} and {:?}", a.0, b.0),
        )),
        (false, false) => Err(problem(path, format!("missing {:?} or {:?}", a.0, b.0))),
        _ => Ok(()),
    }
}

/// A v2 target: its `type`, allowed by the source (`allowed`), and the key that type names.
fn check_target(
    path: &str,
    kind: Option<TargetType>,
    (value, average_value, average_utilization): (bool, bool, bool),
    allowed: &[TargetType],
) -> Result<(), MetricProblem> {
    let path = format!("{path}.target");
    let names = |types: &[TargetType]| {
        types
            .iter()
            .map(|t| format!("{t:?}"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let Some(kind) = kind else {
        return Err(problem(
            &path,
            format!("missing \"type\" ({})", names(allowed)),
        ));
    };
    if !allowed.contains(&kind) {
        return Err(problem(
            &path,
            format!(
                "type {kind:?} is not a target of this metric (expected {})",
                names(allowed)
            ),
        ));
    }
    let (key, set) = match kind {
        TargetType::Utilization => ("averageUtilization", average_utilization),
        TargetType::Value => ("value", value),
        TargetType::AverageValue => ("averageValue", average_value),
    };
    if !set {
        return Err(problem(
            &path,
            format!("missing {key:?} (for type {kind:?})"),
        ));
    }
    let others = [
        ("value", value),
        ("averageValue", average_value),
        ("averageUtilization", average_utilization),
    ];
    if let Some((other, _)) = others.iter().find(|(k, set)| *set && *k != key) {
        return Err(problem(
            &path,
            format!("{other:?} does not go with type {kind:?} (it takes {key:?})"),
        ));
    }
    Ok(())
}

impl ResourceSource {
    fn check(&self, path: &str, container: bool) -> Result<Form, MetricProblem> {
        let v2beta1 = set_keys(&[
            (
                "targetAverageUtilization",
                self.target_average_utilization.is_some(),
            ),
            ("targetAverageValue", self.target_average_value.is_some()),
        ]);
        let v2 = set_keys(&[("target", self.target.is_some())]);
        let form = form(path, &v2beta1, &v2)?;
        non_empty(path, "name", &self.name)?;
        if container {
            non_empty(path, "container", &self.container)?;
        } else if self.container.is_some() {
            return Err(problem(
                path,
                "unexpected key \"container\" (only a ContainerResource metric has one)",
            ));
        }
        match (&form, &self.target) {
            (Form::V2, Some(t)) => check_target(
                path,
                t.kind,
                (
                    t.value.is_some(),
                    t.average_value.is_some(),
                    t.average_utilization.is_some(),
                ),
                &[TargetType::Utilization, TargetType::AverageValue],
            )?,
            _ => one_of(
                path,
                (
                    "targetAverageUtilization",
                    self.target_average_utilization.is_some(),
                ),
                ("targetAverageValue", self.target_average_value.is_some()),
            )?,
        }
        Ok(form)
    }

    fn to_v2(&self) -> Json {
        if self.target.is_some() {
            return json!(self);
        }
        let target = match (&self.target_average_utilization, &self.target_average_value) {
            (Some(u), _) => json!({"type": "Utilization", "averageUtilization": u}),
            (None, v) => json!({"type": "AverageValue", "averageValue": v}),
        };
        let mut block = json!({"name": self.name, "target": target});
        if let Some(container) = &self.container {
            block["container"] = json!(container);
        }
        block
    }
}

impl PodsSource {
    fn check(&self, path: &str) -> Result<Form, MetricProblem> {
        let v2beta1 = set_keys(&[
            ("metricName", self.metric_name.is_some()),
            ("targetAverageValue", self.target_average_value.is_some()),
            ("selector", self.selector.is_some()),
        ]);
        let v2 = set_keys(&[
            ("metric", self.metric.is_some()),
            ("target", self.target.is_some()),
        ]);
        let form = form(path, &v2beta1, &v2)?;
        match form {
            Form::V2beta1 => {
                non_empty(path, "metricName", &self.metric_name)?;
                if self.target_average_value.is_none() {
                    return Err(problem(path, "missing \"targetAverageValue\""));
                }
            }
            Form::V2 => {
                check_identifier(path, &self.metric)?;
                let Some(t) = &self.target else {
                    return Err(problem(path, "missing \"target\""));
                };
                check_target(
                    path,
                    t.kind,
                    (
                        t.value.is_some(),
                        t.average_value.is_some(),
                        t.average_utilization.is_some(),
                    ),
                    &[TargetType::AverageValue],
                )?;
            }
        }
        Ok(form)
    }

    fn to_v2(&self) -> Json {
        if self.metric.is_some() {
            return json!(self);
        }
        json!({
            "metric": identifier(&self.metric_name, &self.selector),
            "target": {"type": "AverageValue", "averageValue": self.target_average_value},
        })
    }
}

impl ObjectSource {
    fn check(&self, path: &str) -> Result<Form, MetricProblem> {
        let target = self.target.clone().unwrap_or_default();
        let reference_set =
            target.kind.is_some() || target.name.is_some() || target.api_version.is_some();
        let target_set = target.target_type.is_some()
            || target.value.is_some()
            || target.average_value.is_some()
            || target.average_utilization.is_some();
        let v2beta1 = set_keys(&[
            ("target.kind/name", reference_set),
            ("metricName", self.metric_name.is_some()),
            ("targetValue", self.target_value.is_some()),
            ("averageValue", self.average_value.is_some()),
            ("selector", self.selector.is_some()),
        ]);
        let v2 = set_keys(&[
            ("describedObject", self.described_object.is_some()),
            ("metric", self.metric.is_some()),
            ("target.type", target_set),
        ]);
        let form = form(path, &v2beta1, &v2)?;
        match form {
            Form::V2beta1 => {
                let Some(reference) = &self.target else {
                    return Err(problem(path, "missing \"target\""));
                };
                let at = format!("{path}.target");
                non_empty(&at, "kind", &reference.kind)?;
                non_empty(&at, "name", &reference.name)?;
                non_empty(path, "metricName", &self.metric_name)?;
                // v2beta1 requires targetValue even when averageValue is what counts;
                // Kubernetes converts such a metric to an AverageValue target.
                if self.target_value.is_none() && self.average_value.is_none() {
                    return Err(problem(path, "missing \"targetValue\" or \"averageValue\""));
                }
            }
            Form::V2 => {
                let Some(described) = &self.described_object else {
                    return Err(problem(path, "missing \"describedObject\""));
                };
                let at = format!("{path}.describedObject");
                non_empty(&at, "kind", &described.kind)?;
                non_empty(&at, "name", &described.name)?;
                check_identifier(path, &self.metric)?;
                if self.target.is_none() {
                    return Err(problem(path, "missing \"target\""));
                }
                check_target(
                    path,
                    target.target_type,
                    (
                        target.value.is_some(),
                        target.average_value.is_some(),
                        target.average_utilization.is_some(),
                    ),
                    &[TargetType::Value, TargetType::AverageValue],
                )?;
            }
        }
        Ok(form)
    }

    fn to_v2(&self) -> Json {
        if self.described_object.is_some() {
            return json!(self);
        }
        let reference = self.target.clone().unwrap_or_default();
        let target = match (&self.target_value, &self.average_value) {
            (_, Some(avg)) => json!({"type": "AverageValue", "averageValue": avg}),
            (value, None) => json!({"type": "Value", "value": value}),
        };
        json!({
            "describedObject": ObjectReference {
                api_version: reference.api_version,
                kind: reference.kind,
                name: reference.name,
            },
            "metric": identifier(&self.metric_name, &self.selector),
            "target": target,
        })
    }
}

impl ExternalSource {
    fn check(&self, path: &str) -> Result<Form, MetricProblem> {
        let v2beta1 = set_keys(&[
            ("metricName", self.metric_name.is_some()),
            ("metricSelector", self.metric_selector.is_some()),
            ("targetValue", self.target_value.is_some()),
            ("targetAverageValue", self.target_average_value.is_some()),
        ]);
        let v2 = set_keys(&[
            ("metric", self.metric.is_some()),
            ("target", self.target.is_some()),
        ]);
        let form = form(path, &v2beta1, &v2)?;
        match form {
            Form::V2beta1 => {
                non_empty(path, "metricName", &self.metric_name)?;
                one_of(
                    path,
                    ("targetValue", self.target_value.is_some()),
                    ("targetAverageValue", self.target_average_value.is_some()),
                )?;
            }
            Form::V2 => {
                check_identifier(path, &self.metric)?;
                let Some(t) = &self.target else {
                    return Err(problem(path, "missing \"target\""));
                };
                check_target(
                    path,
                    t.kind,
                    (
                        t.value.is_some(),
                        t.average_value.is_some(),
                        t.average_utilization.is_some(),
                    ),
                    &[TargetType::Value, TargetType::AverageValue],
                )?;
            }
        }
        Ok(form)
    }

    fn to_v2(&self) -> Json {
        if self.metric.is_some() {
            return json!(self);
        }
        let target = match (&self.target_value, &self.target_average_value) {
            (Some(v), _) => json!({"type": "Value", "value": v}),
            (None, avg) => json!({"type": "AverageValue", "averageValue": avg}),
        };
        json!({
            "metric": identifier(&self.metric_name, &self.metric_selector),
            "target": target,
        })
    }
}

fn check_identifier(path: &str, metric: &Option<MetricIdentifier>) -> Result<(), MetricProblem> {
    match metric {
        None => Err(problem(path, "missing \"metric\"")),
        Some(m) => non_empty(&format!("{path}.metric"), "name", &m.name),
    }
}

/// A v2 metric identifier from v2beta1's name and selector.
fn identifier(name: &Option<String>, selector: &Option<Selector>) -> MetricIdentifier {
    MetricIdentifier {
        name: name.clone(),
        selector: selector.clone(),
    }
}

impl Metric {
    /// The metric's first problem, if any, and its form. `index` is its place in the list.
    fn check(&self, index: usize) -> Result<Form, MetricProblem> {
        let path = format!("hpa.metrics[{index}]");
        let key = self.kind.source_key();
        let blocks = [
            ("resource", self.resource.is_some()),
            ("containerResource", self.container_resource.is_some()),
            ("pods", self.pods.is_some()),
            ("object", self.object.is_some()),
            ("external", self.external.is_some()),
        ];
        if let Some((extra, _)) = blocks.iter().find(|(k, set)| *set && *k != key) {
            return Err(problem(
                &path,
                format!(
                    "unexpected key {extra:?} for a metric of type {:?}",
                    self.kind
                ),
            ));
        }
        let missing = || {
            problem(
                &path,
                format!("missing {key:?} for a metric of type {:?}", self.kind),
            )
        };
        let source = format!("{path}.{key}");
        match self.kind {
            MetricType::Resource => self
                .resource
                .as_ref()
                .ok_or_else(missing)?
                .check(&source, false),
            MetricType::ContainerResource => self
                .container_resource
                .as_ref()
                .ok_or_else(missing)?
                .check(&source, true),
            MetricType::Pods => self.pods.as_ref().ok_or_else(missing)?.check(&source),
            MetricType::Object => self.object.as_ref().ok_or_else(missing)?.check(&source),
            MetricType::External => self.external.as_ref().ok_or_else(missing)?.check(&source),
        }
    }

    /// The metric in the `autoscaling/v2` form (a checked metric).
    fn to_v2(&self) -> Json {
        let key = self.kind.source_key();
        let source = match self.kind {
            MetricType::Resource => self.resource.as_ref().map(ResourceSource::to_v2),
            MetricType::ContainerResource => {
                self.container_resource.as_ref().map(ResourceSource::to_v2)
            }
            MetricType::Pods => self.pods.as_ref().map(PodsSource::to_v2),
            MetricType::Object => self.object.as_ref().map(ObjectSource::to_v2),
            MetricType::External => self.external.as_ref().map(ExternalSource::to_v2),
        };
        let mut metric = serde_json::Map::new();
        metric.insert("type".to_string(), json!(self.kind));
        metric.insert(key.to_string(), source.unwrap_or(Json::Null));
        Json::Object(metric)
    }
}

const V2_ON_OLD_KUBERNETES: &str = "is written for autoscaling/v2 (`metric`, `target.type`), but Kubernetes before 1.23 only has autoscaling/v2beta1";
const V2_ON_OLD_KUBERNETES_HELP: &str = "write it as a v2beta1 metric (`metricName`, `targetAverageValue`, ...) or render for --kube-version 1.23 or later";

/// Every metric of `metrics` (the merged `hpa.metrics`) that cannot be written for the HPA's
/// API version: `v2` (Kubernetes 1.23 and later) or v2beta1. One problem per such metric (the
/// first found in it), for the values check to report them all before anything is rendered.
/// A metric whose keys or types do not fit [`Metric`] is left to the values schema, which is
/// generated from the same type.
///
/// ```
/// use gitlab_runner_chart::__private::schema::hpa::metric_problems;
/// let metrics = serde_json::json!([
///     {"type": "Pods", "pods": {"metricName": "jobs"}},
///     {"type": "Pods", "pods": {"metric": {"name": "j"}, "target": {"type": "AverageValue", "averageValue": 1}}},
/// ]);
/// let problems = metric_problems(&metrics, true);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].path, "hpa.metrics[0].pods");
/// assert_eq!(problems[0].message, "missing \"targetAverageValue\"");
/// assert_eq!(metric_problems(&metrics, false).len(), 2); // v2 form, on Kubernetes before 1.23
/// ```
pub fn metric_problems(metrics: &Json, v2: bool) -> Vec<MetricProblem> {
    let Json::Array(items) = metrics else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let metric = serde_json::from_value::<Metric>(item.clone()).ok()?;
            problem_of(&metric, index, v2)
        })
        .collect()
}

fn problem_of(metric: &Metric, index: usize, v2: bool) -> Option<MetricProblem> {
    match metric.check(index) {
        Err(problem) => Some(problem),
        Ok(Form::V2) if !v2 => Some(MetricProblem {
            path: format!("hpa.metrics[{index}]"),
            message: V2_ON_OLD_KUBERNETES.to_string(),
            help: Some(V2_ON_OLD_KUBERNETES_HELP.to_string()),
        }),
        Ok(_) => None,
    }
}

/// The metrics of a template value, typed and checked for `v2` or v2beta1; undefined or none
/// is no metrics. Errors name the values path (for charts rendered without the values check,
/// which reports the same problems first).
fn typed(metrics: &minijinja::Value, v2: bool) -> Result<Vec<Metric>, minijinja::Error> {
    let fail =
        |message: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message);
    if metrics.is_undefined() || metrics.is_none() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_value(metrics).map_err(|e| fail(format!("hpa.metrics: {e}")))?;
    let Json::Array(items) = json else {
        return Err(fail(format!(
            "hpa.metrics: expected a list of metrics, got {}",
            match &json {
                Json::Object(_) => "a map".to_string(),
                other => other.to_string(),
            }
        )));
    };
    let mut typed = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let metric: Metric =
            serde_json::from_value(item).map_err(|e| fail(format!("hpa.metrics[{index}]: {e}")))?;
        if let Some(problem) = problem_of(&metric, index, v2) {
            return Err(fail(problem.to_string()));
        }
        typed.push(metric);
    }
    Ok(typed)
}

/// The filter `hpaMetricsV2`: `hpa.metrics` for an `autoscaling/v2` HPA, v2beta1 metrics
/// converted (see the module's table), v2 ones as written.
pub fn metrics_v2(metrics: &minijinja::Value) -> Result<minijinja::Value, minijinja::Error> {
    let converted: Vec<Json> = typed(metrics, true)?.iter().map(Metric::to_v2).collect();
    Ok(minijinja::Value::from(minijinja::value::Serde(&converted)))
}

/// The filter `hpaMetricsV2beta1`: `hpa.metrics` for an `autoscaling/v2beta1` HPA (Kubernetes
/// before 1.23), as written; a metric in the v2 form is an error.
pub fn metrics_v2beta1(metrics: &minijinja::Value) -> Result<minijinja::Value, minijinja::Error> {
    Ok(minijinja::Value::from(minijinja::value::Serde(typed(
        metrics, false,
    )?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A YAML list of metrics as templates see it.
    fn value(yaml: &str) -> minijinja::Value {
        let parsed: serde_yaml::Value = serde_yaml::from_str(yaml).expect("test YAML");
        minijinja::Value::from(minijinja::value::Serde(&parsed))
    }

    fn json(yaml: &str) -> Json {
        serde_yaml::from_str(yaml).expect("test YAML")
    }

    fn assert_converts(input: &str, expected: &str) {
        let out = metrics_v2(&value(input)).unwrap();
        assert_eq!(
            serde_json::to_value(&out).unwrap(),
            json(expected),
            "{input}"
        );
    }

    /// The problem (path: message) of the first metric of `input`, for Kubernetes 1.23+.
    fn first_problem(input: &str) -> String {
        metric_problems(&json(input), true)
            .first()
            .map(|p| format!("{}: {}", p.path, p.message))
            .unwrap_or_default()
    }

    #[test]
    fn resource_metrics_are_converted() {
        assert_converts(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 50}",
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}",
        );
        assert_converts(
            "- type: Resource\n  resource: {name: memory, targetAverageValue: 1Gi}",
            "- type: Resource\n  resource: {name: memory, target: {type: AverageValue, averageValue: 1Gi}}",
        );
        assert_converts(
            "- type: ContainerResource\n  containerResource: {name: cpu, container: runner, targetAverageUtilization: 60}",
            "- type: ContainerResource\n  containerResource: {name: cpu, container: runner, target: {type: Utilization, averageUtilization: 60}}",
        );
    }

    #[test]
    fn pods_object_and_external_metrics_are_converted() {
        assert_converts(
            "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 400m, selector: {matchLabels: {a: b}}}",
            "- type: Pods\n  pods: {metric: {name: jobs, selector: {matchLabels: {a: b}}}, target: {type: AverageValue, averageValue: 400m}}",
        );
        assert_converts(
            "- type: Object\n  object: {target: {apiVersion: v1, kind: Service, name: web}, metricName: rps, targetValue: 10}",
            "- type: Object\n  object: {describedObject: {apiVersion: v1, kind: Service, name: web}, metric: {name: rps}, target: {type: Value, value: 10}}",
        );
        // v2beta1 requires targetValue even when averageValue is what counts
        assert_converts(
            "- type: Object\n  object: {target: {kind: Service, name: web}, metricName: rps, targetValue: 1, averageValue: 3}",
            "- type: Object\n  object: {describedObject: {kind: Service, name: web}, metric: {name: rps}, target: {type: AverageValue, averageValue: 3}}",
        );
        assert_converts(
            "- type: External\n  external: {metricName: q, metricSelector: {matchLabels: {queue: w}}, targetAverageValue: 30}",
            "- type: External\n  external: {metric: {name: q, selector: {matchLabels: {queue: w}}}, target: {type: AverageValue, averageValue: 30}}",
        );
        assert_converts(
            "- type: External\n  external: {metricName: q, targetValue: \"5\"}",
            "- type: External\n  external: {metric: {name: q}, target: {type: Value, value: \"5\"}}",
        );
    }

    #[test]
    fn v2_metrics_pass_unchanged_in_order() {
        let v2 = "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n\
                  - type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 400m}}\n\
                  - type: Object\n  object: {describedObject: {kind: Service, name: web}, metric: {name: rps}, target: {type: Value, value: 10}}\n\
                  - type: ContainerResource\n  containerResource: {name: cpu, container: r, target: {type: AverageValue, averageValue: 1}}";
        assert_converts(v2, v2);
        assert_converts(
            "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 2}\n- type: External\n  external: {metric: {name: q}, target: {type: Value, value: 3}}",
            "- type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 2}}\n- type: External\n  external: {metric: {name: q}, target: {type: Value, value: 3}}",
        );
    }

    #[test]
    fn null_keys_are_absent_and_no_metrics_is_an_empty_list() {
        assert_converts(
            "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 50, targetAverageValue: null}\n  pods: null",
            "- type: Resource\n  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}",
        );
        for input in [
            minijinja::Value::UNDEFINED,
            minijinja::Value::from(()),
            value("[]"),
        ] {
            assert_eq!(metrics_v2(&input).unwrap().len(), Some(0));
            assert_eq!(metrics_v2beta1(&input).unwrap().len(), Some(0));
        }
    }

    #[test]
    fn v2beta1_metrics_are_written_as_given_before_kubernetes_1_23() {
        let input = "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 400m}\n";
        let out = metrics_v2beta1(&value(input)).unwrap();
        assert_eq!(serde_json::to_value(&out).unwrap(), json(input));
        let v2 = "- type: Pods\n  pods: {metricName: jobs, targetAverageValue: 1}\n- type: Pods\n  pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: 1}}\n";
        let err = metrics_v2beta1(&value(v2)).unwrap_err();
        assert!(
            err.detail()
                .unwrap()
                .starts_with("hpa.metrics[1]: is written for autoscaling/v2"),
            "{err}"
        );
        let problems = metric_problems(&json(v2), false);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].help.as_deref(), Some(V2_ON_OLD_KUBERNETES_HELP));
        assert!(metric_problems(&json(v2), true).is_empty());
    }

    #[test]
    fn each_type_needs_its_own_block_and_fields() {
        for (input, expected) in [
            (
                "- type: Pods\n  resource: {name: cpu, targetAverageUtilization: 5}",
                "hpa.metrics[0]: unexpected key \"resource\" for a metric of type Pods",
            ),
            (
                "- type: Pods",
                "hpa.metrics[0]: missing \"pods\" for a metric of type Pods",
            ),
            (
                "- type: Pods\n  pods: {metricName: jobs}",
                "hpa.metrics[0].pods: missing \"targetAverageValue\"",
            ),
            (
                "- type: Pods\n  pods: {targetAverageValue: 1}",
                "hpa.metrics[0].pods: missing \"metricName\"",
            ),
            (
                "- type: Pods\n  pods: {metricName: \"\", targetAverageValue: 1}",
                "hpa.metrics[0].pods: \"metricName\" must not be empty",
            ),
            (
                "- type: Resource\n  resource: {name: cpu}",
                "hpa.metrics[0].resource: missing \"targetAverageUtilization\" or \"targetAverageValue\"",
            ),
            (
                "- type: Resource\n  resource: {name: cpu, targetAverageUtilization: 5, targetAverageValue: 1}",
                "hpa.metrics[0].resource: set only one of \"targetAverageUtilization\" and \"targetAverageValue\"",
            ),
            (
                "- type: Resource\n  resource: {targetAverageUtilization: 5}",
                "hpa.metrics[0].resource: missing \"name\"",
            ),
            (
                "- type: Resource\n  resource: {name: cpu, container: c, targetAverageUtilization: 5}",
                "hpa.metrics[0].resource: unexpected key \"container\" (only a ContainerResource metric has one)",
            ),
            (
                "- type: ContainerResource\n  containerResource: {name: cpu, targetAverageUtilization: 5}",
                "hpa.metrics[0].containerResource: missing \"container\"",
            ),
            (
                "- type: External\n  external: {metricName: q}",
                "hpa.metrics[0].external: missing \"targetValue\" or \"targetAverageValue\"",
            ),
            (
                "- type: External\n  external: {metricName: q, targetValue: 1, targetAverageValue: 2}",
                "hpa.metrics[0].external: set only one of \"targetValue\" and \"targetAverageValue\"",
            ),
            (
                "- type: Object\n  object: {target: {kind: Service, name: s}, metricName: m}",
                "hpa.metrics[0].object: missing \"targetValue\" or \"averageValue\"",
            ),
            (
                "- type: Object\n  object: {metricName: m, targetValue: 1}",
                "hpa.metrics[0].object: missing \"target\"",
            ),
            (
                "- type: Object\n  object: {target: {name: s}, metricName: m, targetValue: 1}",
                "hpa.metrics[0].object.target: missing \"kind\"",
            ),
        ] {
            assert_eq!(first_problem(input), expected, "{input}");
            assert!(metrics_v2(&value(input)).is_err(), "{input}");
        }
    }

    #[test]
    fn v2_blocks_are_checked_too() {
        for (input, expected) in [
            (
                "- type: Resource\n  resource: {name: cpu, target: {averageUtilization: 5}}",
                "hpa.metrics[0].resource.target: missing \"type\" (Utilization or AverageValue)",
            ),
            (
                "- type: Resource\n  resource: {name: cpu, target: {type: Value, value: 5}}",
                "hpa.metrics[0].resource.target: type Value is not a target of this metric (expected Utilization or AverageValue)",
            ),
            (
                "- type: Pods\n  pods: {metric: {name: j}, target: {type: AverageValue}}",
                "hpa.metrics[0].pods.target: missing \"averageValue\" (for type AverageValue)",
            ),
            (
                "- type: Pods\n  pods: {metric: {name: j}, target: {type: AverageValue, averageValue: 1, value: 2}}",
                "hpa.metrics[0].pods.target: \"value\" does not go with type AverageValue (it takes \"averageValue\")",
            ),
            (
                "- type: Pods\n  pods: {target: {type: AverageValue, averageValue: 1}}",
                "hpa.metrics[0].pods: missing \"metric\"",
            ),
            (
                "- type: External\n  external: {metric: {}, target: {type: Value, value: 1}}",
                "hpa.metrics[0].external.metric: missing \"name\"",
            ),
            (
                "- type: Object\n  object: {metric: {name: m}, target: {type: Value, value: 1}}",
                "hpa.metrics[0].object: missing \"describedObject\"",
            ),
            (
                "- type: External\n  external: {metricName: q, metric: {name: q}, targetValue: 1}",
                "hpa.metrics[0].external: mixes autoscaling/v2beta1 keys (\"metricName\", \"targetValue\") with autoscaling/v2 keys (\"metric\")",
            ),
        ] {
            assert_eq!(first_problem(input), expected, "{input}");
        }
    }

    /// Keys and types the type does not take are the values schema's to report (it is
    /// generated from the same type); the filters refuse them with the values path.
    #[test]
    fn shapes_the_type_refuses() {
        let unknown = "- type: Pods\n  pods: {metricName: jobs, targetAverageValu: 4}";
        assert!(metric_problems(&json(unknown), true).is_empty());
        let err = metrics_v2(&value(unknown)).unwrap_err();
        assert!(
            err.detail()
                .unwrap()
                .starts_with("hpa.metrics[0]: unknown field `targetAverageValu`"),
            "{err}"
        );
        let err = metrics_v2(&value("{type: Resource}")).unwrap_err();
        assert_eq!(
            err.detail(),
            Some("hpa.metrics: expected a list of metrics, got a map")
        );
        let schema = crate::schema::values_schema();
        let metric = &schema["properties"]["hpa"]["properties"]["metrics"]["items"];
        assert_eq!(metric["required"], serde_json::json!(["type"]));
        assert_eq!(
            metric["properties"]["pods"]["properties"]["targetAverageValue"]["format"],
            "k8s-quantity"
        );
    }
}
