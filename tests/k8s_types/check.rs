//! The typed check of one rendered Kubernetes object: its apiVersion/kind is one the chart may
//! render for the Kubernetes version, and it survives a round trip through its `k8s-openapi`
//! struct unchanged (see `tests/k8s_types.rs`). A module of its own so that other test crates
//! (the property tests) can check their renders too:
//! `#[path = "k8s_types/check.rs"] mod check;`, then `check::check_object(&json, minor)`.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// Deserializes `object` into `T` and serializes it back.
pub type RoundTrip = fn(&Json) -> Result<Json, String>;

/// An apiVersion/kind the chart renders, and how it is checked.
pub struct Typed {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The first Kubernetes minor version (1.x) that serves this apiVersion.
    pub since_minor: u32,
    /// The first Kubernetes minor version the chart must no longer render it for.
    pub until_minor: Option<u32>,
    /// The typed round trip, or `None` for an apiVersion the latest API no longer has (see the
    /// module documentation: checked by `.ci/run`'s strict schema check instead).
    pub round_trip: Option<RoundTrip>,
}

/// Every apiVersion/kind the chart can render. `since_minor` is when the apiVersion became GA
/// (core v1: 1.0, rbac v1: 1.8, apps/v1: 1.9, autoscaling/v2: 1.23); autoscaling/v2beta1 was
/// served until 1.24 (removed in 1.25) and the chart switches to v2 from 1.23.
pub const TYPED: &[Typed] = &[
    typed::<Secret>("v1", "Secret", 0),
    typed::<ConfigMap>("v1", "ConfigMap", 0),
    typed::<ServiceAccount>("v1", "ServiceAccount", 0),
    typed::<Role>("rbac.authorization.k8s.io/v1", "Role", 8),
    typed::<RoleBinding>("rbac.authorization.k8s.io/v1", "RoleBinding", 8),
    typed::<ClusterRole>("rbac.authorization.k8s.io/v1", "ClusterRole", 8),
    typed::<ClusterRoleBinding>("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", 8),
    typed::<Deployment>("apps/v1", "Deployment", 9),
    // the current chart's metrics and session-server Services and Ingress, and a Namespace of
    // its extraObjects golden case
    typed::<Service>("v1", "Service", 0),
    typed::<Namespace>("v1", "Namespace", 0),
    typed::<Ingress>("networking.k8s.io/v1", "Ingress", 19),
    typed::<HorizontalPodAutoscaler>("autoscaling/v2", "HorizontalPodAutoscaler", 23),
    Typed {
        api_version: "autoscaling/v2beta1",
        kind: "HorizontalPodAutoscaler",
        since_minor: 0,
        until_minor: Some(23),
        round_trip: None,
    },
];

const fn typed<T>(api_version: &'static str, kind: &'static str, since_minor: u32) -> Typed
where
    T: DeserializeOwned + Serialize + k8s_openapi::Resource,
{
    Typed {
        api_version,
        kind,
        since_minor,
        until_minor: None,
        round_trip: Some(round_trip::<T>),
    }
}

fn round_trip<T: DeserializeOwned + Serialize + k8s_openapi::Resource>(
    object: &Json,
) -> Result<Json, String> {
    let typed: T = serde_json::from_value(object.clone()).map_err(|e| {
        format!(
            "does not deserialize as {} {}: {e}",
            T::API_VERSION,
            T::KIND
        )
    })?;
    serde_json::to_value(&typed).map_err(|e| format!("does not serialize again: {e}"))
}

/// How an object was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Deserialized into its typed struct and compared after the round trip.
    Typed,
    /// An apiVersion the typed structs do not have (autoscaling/v2beta1): left to `.ci/run`.
    Untyped,
}

/// Checks one rendered object for Kubernetes 1.`minor`; `Err` lists every problem.
pub fn check_object(object: &Json, minor: u32) -> Result<Checked, Vec<String>> {
    let entry = entry_of(object).map_err(|e| vec![e])?;
    check_served(entry, minor).map_err(|e| vec![e])?;
    check_typed(entry, object)
}

/// The entry of [`TYPED`] for the object's apiVersion and kind.
pub fn entry_of(object: &Json) -> Result<&'static Typed, String> {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    TYPED
        .iter()
        .find(|t| t.api_version == api_version && t.kind == kind)
        .ok_or_else(|| {
            format!(
                "apiVersion {api_version:?} kind {kind:?} has no typed check: add it to TYPED in \
                 tests/k8s_types.rs"
            )
        })
}

/// Is the entry's apiVersion one the chart may render for Kubernetes 1.`minor`?
pub fn check_served(entry: &Typed, minor: u32) -> Result<(), String> {
    if minor < entry.since_minor {
        return Err(format!(
            "{} is served from Kubernetes 1.{} only",
            entry.api_version, entry.since_minor
        ));
    }
    if entry.until_minor.is_some_and(|until| minor >= until) {
        return Err(format!(
            "{} must not be rendered for Kubernetes 1.{minor}",
            entry.api_version
        ));
    }
    Ok(())
}

/// The typed round trip of an object and its comparison with the object (the same for every
/// Kubernetes version).
pub fn check_typed(entry: &Typed, object: &Json) -> Result<Checked, Vec<String>> {
    let Some(round_trip) = entry.round_trip else {
        return Ok(Checked::Untyped);
    };
    let again = round_trip(object).map_err(|e| vec![e])?;
    let mut differences = Vec::new();
    compare("", object, &again, &mut differences);
    if differences.is_empty() {
        Ok(Checked::Typed)
    } else {
        Err(differences)
    }
}

/// True if `rendered` and `typed` (its typed round trip) are the same value. The only
/// normalisation:
///
/// - A resource quantity written as a YAML number (`cpu: 1`, `memory: 1.5`, as in
///   `tests/k8s_types/edge-values.yaml`): `k8s-openapi`'s `Quantity` keeps the number's decimal
///   text and serializes it back as a JSON string. The API server accepts both forms (`resource.Quantity` unmarshals a JSON number as a quantity).
///   This cannot hide a mistyped field: every other string field of the structs refuses a number
///   at deserialization, and `IntOrString` keeps a number a number.
///
/// Nothing else is normalised: key order does not matter in JSON objects; a `null` the struct
/// drops, a base64 string that does not come back identical (`ByteString` re-encodes in standard
/// base64 with padding), an integer that comes back as a float, a field the struct does not know
/// or one it adds (a default) are all differences.
pub fn same_after_round_trip(rendered: &Json, typed: &Json) -> bool {
    match (rendered, typed) {
        (Json::Number(n), Json::String(s)) => *s == n.to_string(),
        _ => rendered == typed,
    }
}

/// Records every path where `rendered` and `typed` differ, as `path: explanation`.
fn compare(path: &str, rendered: &Json, typed: &Json, out: &mut Vec<String>) {
    match (rendered, typed) {
        (Json::Object(r), Json::Object(t)) => {
            for (key, rv) in r {
                let here = format!("{path}.{key}");
                match t.get(key) {
                    Some(tv) => compare(&here, rv, tv, out),
                    None => out.push(format!(
                        "{}: dropped by the typed struct (unknown field, or null): rendered {}",
                        &here[1..],
                        short(rv)
                    )),
                }
            }
            for (key, tv) in t {
                if !r.contains_key(key) {
                    out.push(format!(
                        "{}: added by the typed struct: {}",
                        &format!("{path}.{key}")[1..],
                        short(tv)
                    ));
                }
            }
        }
        (Json::Array(r), Json::Array(t)) if r.len() == t.len() => {
            for (i, (rv, tv)) in r.iter().zip(t).enumerate() {
                compare(&format!("{path}[{i}]"), rv, tv, out);
            }
        }
        _ if same_after_round_trip(rendered, typed) => {}
        _ => out.push(format!(
            "{}: rendered {}, typed {}",
            if path.is_empty() {
                "(object)"
            } else {
                &path[1..]
            },
            short(rendered),
            short(typed)
        )),
    }
}

/// A JSON value for a message, cut to a readable length.
fn short(value: &Json) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}
