//! Helm's install order: the order in which `helm template` prints objects, by kind.

use super::Manifest;

/// Kinds in the order Helm installs them; other kinds come after these, by kind name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Sorts manifests by [`INSTALL_ORDER`]; the sort is stable, so objects of one kind keep the
/// order of their templates (and of the documents within a template).
///
/// ```
/// use gitlab_runner_chart::__private::manifest::{sort_by_install_order, Manifest};
/// let m = |kind: &str| Manifest::new("t.yaml", kind, "x", String::new());
/// let mut list = vec![m("Deployment"), m("Widget"), m("ConfigMap"), m("ServiceAccount")];
/// sort_by_install_order(&mut list);
/// let kinds: Vec<&str> = list.iter().map(|m| m.kind()).collect();
/// assert_eq!(kinds, ["ServiceAccount", "ConfigMap", "Deployment", "Widget"]);
/// ```
pub fn sort_by_install_order(manifests: &mut [Manifest]) {
    manifests.sort_by(|a, b| rank(a.kind()).cmp(&rank(b.kind())));
}

fn rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}
