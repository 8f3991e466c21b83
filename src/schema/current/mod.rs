//! The values of today's official GitLab Runner chart (0.86.0), the schema of
//! [`Chart::current`](crate::Chart::current): its typed model ([`model`], with the Kubernetes
//! objects it passes to the pod in [`kubernetes`]), the JSON Schema generated from it (checked
//! in as `chart/current/values.schema.json`), and the rules a schema cannot say ([`rules`]).
//!
//! The keys are those of the official chart's `values.yaml` (also the ones it documents only
//! in comments) and the keys its templates read without documenting them (`runners.tags`,
//! `runners.locked`, `metrics.serviceMonitor.jobLabel`, ...), plus `runners.hostAliases`, an
//! addition of this project. Values the chart runs through Helm's `tpl` (`runners.config`,
//! `runners.secret`, the parts of `image`, label keys and values, ...) are strings here, never
//! checked as what they render to.

pub mod kubernetes;
pub mod model;
pub mod rules;

/// Keys a user may expect in this chart's values but that the official chart leaves out of what
/// it renders (Helm drops them silently), with what to do instead: refused here, with this help.
/// Paths with list indices as `[0]`.
pub const LEFT_OUT_KEYS: &[(&str, &str)] = &[
    (
        "rbac.rules[0].resourceNames",
        "the chart writes only `apiGroups`, `resources` and `verbs` of a rule (Helm drops \
         `resourceNames`, which widens the rule to every object of those resources): give a Role \
         of your own in `extraObjects` for a rule on named objects",
    ),
    (
        "rbac.rules[0].nonResourceURLs",
        "the chart writes only `apiGroups`, `resources` and `verbs` of a rule (Helm drops \
         `nonResourceURLs`): give a ClusterRole of your own in `extraObjects`",
    ),
];

/// The JSON Schema (draft-07) of the current chart's values, generated from
/// [`model::CurrentValues`].
///
/// ```
/// let schema = gitlab_runner_chart::__private::schema::current::values_schema();
/// assert_eq!(schema["properties"]["image"]["properties"]["registry"]["type"], serde_json::json!(["string", "null"]));
/// assert_eq!(schema["additionalProperties"], false);
/// ```
pub fn values_schema() -> serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA
        .get_or_init(super::generate::<model::CurrentValues>)
        .clone()
}

/// [`values_schema`] as the text of `chart/current/values.schema.json` (pretty-printed, final
/// newline).
pub fn values_schema_json() -> String {
    super::schema_text(&values_schema())
}
