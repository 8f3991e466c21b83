//! The Kubernetes objects the current chart writes into the runner's pod as they are given
//! (with `toYaml`): the security contexts, the update strategy, resources, volume mounts,
//! secrets to project, image pull secrets and RBAC rules. Each is closed, with every field of
//! its Kubernetes type (API 1.33), so that a misspelt field is caught here rather than silently
//! dropped by the API server's pruning or refused at `kubectl apply`. Objects with many or
//! growing variants (volumes, affinity, probes' handlers, lifecycle hooks, environment sources)
//! are free maps in [`super::model`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::schema::model::{Capabilities, ObjectName, Quantity, SeccompProfile};

/// The security context of the runner manager pod (a Kubernetes PodSecurityContext).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodSecurityContext {
    /// The user the pod's containers run as (the official chart: 100, the alpine image's
    /// gitlab-runner user; 999 for the ubuntu image). With 0 (root) the chart keeps the
    /// configuration in /etc/gitlab-runner/.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_user: Option<i64>,
    /// The primary group of the pod's processes.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_group: Option<i64>,
    /// Refuse to start a container whose user is root (uid 0).
    pub run_as_non_root: Option<bool>,
    /// The group that owns mounted volumes (the official chart: 65533).
    #[schemars(range(min = 0, max = 2147483647))]
    pub fs_group: Option<i64>,
    /// When to change the ownership of volumes to fsGroup: OnRootMismatch or Always.
    pub fs_group_change_policy: Option<FsGroupChangePolicy>,
    /// More groups of the pod's processes.
    pub supplemental_groups: Option<Vec<GroupId>>,
    /// How supplementalGroups combine with the image's groups: Merge or Strict.
    pub supplemental_groups_policy: Option<SupplementalGroupsPolicy>,
    /// The seccomp profile of the pod's containers.
    pub seccomp_profile: Option<SeccompProfile>,
    /// The AppArmor profile of the pod's containers.
    pub app_armor_profile: Option<AppArmorProfile>,
    /// The SELinux context of the pod's containers.
    pub se_linux_options: Option<SeLinuxOptions>,
    /// How SELinux labels are applied to volumes: MountOption or Recursive.
    pub se_linux_change_policy: Option<String>,
    /// Namespaced kernel parameters of the pod.
    pub sysctls: Option<Vec<Sysctl>>,
    /// Windows-specific settings.
    pub windows_options: Option<WindowsOptions>,
}

/// A group id (0 to 2147483647).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct GroupId(#[schemars(range(min = 0, max = 2147483647))] pub i64);

/// When Kubernetes changes the ownership of a volume to the pod's fsGroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum FsGroupChangePolicy {
    OnRootMismatch,
    Always,
}

/// How the pod's supplementalGroups combine with the groups of the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum SupplementalGroupsPolicy {
    Merge,
    Strict,
}

/// The security context of the runner container (a Kubernetes SecurityContext).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ContainerSecurityContext {
    /// Whether a process may gain more privileges than its parent (setuid binaries; the
    /// official chart: false).
    pub allow_privilege_escalation: Option<bool>,
    /// Mount the container's root filesystem read-only.
    pub read_only_root_filesystem: Option<bool>,
    /// Refuse to start the container if its user is root (the official chart: true).
    pub run_as_non_root: Option<bool>,
    /// Run the container privileged (the official chart: false).
    pub privileged: Option<bool>,
    /// Linux capabilities to add and drop (the official chart drops ALL).
    pub capabilities: Option<Capabilities>,
    /// The user the container runs as.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_user: Option<i64>,
    /// The primary group of the container's processes.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_group: Option<i64>,
    /// The seccomp profile of the container.
    pub seccomp_profile: Option<SeccompProfile>,
    /// The AppArmor profile of the container.
    pub app_armor_profile: Option<AppArmorProfile>,
    /// The SELinux context of the container.
    pub se_linux_options: Option<SeLinuxOptions>,
    /// The /proc mount type: Default or Unmasked.
    pub proc_mount: Option<ProcMount>,
    /// Windows-specific settings.
    pub windows_options: Option<WindowsOptions>,
}

/// The /proc mount of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum ProcMount {
    Default,
    Unmasked,
}

/// An AppArmor profile.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct AppArmorProfile {
    /// RuntimeDefault, Localhost or Unconfined.
    #[serde(rename = "type")]
    pub kind: Option<AppArmorProfileType>,
    /// With type Localhost: the name of the profile loaded on the node.
    pub localhost_profile: Option<String>,
}

/// The kind of an AppArmor profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum AppArmorProfileType {
    RuntimeDefault,
    Localhost,
    Unconfined,
}

/// An SELinux context.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SeLinuxOptions {
    /// The SELinux level label.
    pub level: Option<String>,
    /// The SELinux role label.
    pub role: Option<String>,
    /// The SELinux type label.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The SELinux user label.
    pub user: Option<String>,
}

/// Windows-specific security settings.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct WindowsOptions {
    /// The GMSA credential spec, inlined.
    pub gmsa_credential_spec: Option<String>,
    /// The name of the GMSA credential spec to use.
    pub gmsa_credential_spec_name: Option<String>,
    /// Run as a Windows HostProcess container.
    pub host_process: Option<bool>,
    /// The Windows user the entrypoint runs as.
    pub run_as_user_name: Option<String>,
}

/// A namespaced kernel parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sysctl {
    /// The parameter, e.g. net.ipv4.ip_unprivileged_port_start.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// How the Deployment replaces its pods (a Kubernetes DeploymentStrategy).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Strategy {
    /// RollingUpdate (Kubernetes' default) or Recreate.
    #[serde(rename = "type")]
    pub kind: Option<StrategyType>,
    /// With type RollingUpdate: how many pods may be added or missing during the update.
    pub rolling_update: Option<RollingUpdate>,
}

/// The kind of a Deployment strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum StrategyType {
    RollingUpdate,
    Recreate,
}

/// The limits of a rolling update.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct RollingUpdate {
    /// Pods above the wanted number during the update: a number or a percentage (`25%`).
    pub max_surge: Option<IntOrPercent>,
    /// Pods that may be unavailable during the update: a number or a percentage (`25%`).
    pub max_unavailable: Option<IntOrPercent>,
}

newtype_schema!(
    /// A whole number or a percentage (`1`, `25%`), as Kubernetes' IntOrString takes them.
    IntOrPercent(serde_json::Value) => {
        "type": ["integer", "string"],
        "minimum": 0,
        "pattern": "^[0-9]+%$",
        "description": "A whole number (0 or more) or a percentage, e.g. 1 or 25%."
    }
);

/// Resource requests and limits of the runner container (a Kubernetes ResourceRequirements).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Resources {
    /// Limits by resource name (cpu, memory, ephemeral-storage, ...).
    pub limits: Option<BTreeMap<String, Quantity>>,
    /// Requests by resource name (cpu, memory, ephemeral-storage, ...).
    pub requests: Option<BTreeMap<String, Quantity>>,
    /// Dynamic resource claims of the pod the container uses.
    pub claims: Option<Vec<ResourceClaim>>,
}

/// A resource claim a container uses.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceClaim {
    /// The name of a claim of the pod (spec.resourceClaims).
    pub name: String,
    /// The request of that claim to use, if not all.
    #[serde(default)]
    pub request: Option<String>,
}

/// A volume mounted into the runner container (a Kubernetes VolumeMount).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VolumeMount {
    /// The name of a volume of the pod (`volumes`).
    pub name: String,
    /// Where the volume is mounted in the container.
    pub mount_path: String,
    /// A path inside the volume to mount instead of its root.
    #[serde(default)]
    pub sub_path: Option<String>,
    /// Like subPath, with $(VAR) references to the container's environment expanded.
    #[serde(default)]
    pub sub_path_expr: Option<String>,
    /// Mount read-only.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Make a read-only mount recursively read-only: Disabled, IfPossible or Enabled.
    #[serde(default)]
    pub recursive_read_only: Option<String>,
    /// How mounts propagate: None, HostToContainer or Bidirectional.
    #[serde(default)]
    pub mount_propagation: Option<String>,
}

/// A Secret whose keys are projected into the runner's secrets (a Kubernetes
/// SecretProjection).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretProjection {
    /// The Secret's name.
    pub name: ObjectName,
    /// The keys to project and their file names (default: every key, as its own file).
    #[serde(default)]
    pub items: Option<Vec<KeyToPath>>,
    /// Start the pod even when the Secret or a key is missing.
    #[serde(default)]
    pub optional: Option<bool>,
}

/// A key of a Secret or ConfigMap and the file it becomes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KeyToPath {
    /// The key.
    pub key: String,
    /// The relative path of its file.
    pub path: String,
    /// The file's mode bits (0 to 0777, e.g. 0400 written in YAML as 256).
    #[serde(default)]
    #[schemars(range(min = 0, max = 511))]
    pub mode: Option<i64>,
}

/// A reference to an object by name, e.g. an image pull Secret (a Kubernetes
/// LocalObjectReference).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NameReference {
    /// The object's name.
    pub name: ObjectName,
}

/// One rule of the runner's Role or ClusterRole. The official chart writes only these three
/// keys of each rule, each defaulted when missing or empty.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PolicyRule {
    /// API groups (missing or empty: `[""]`, the core group).
    pub api_groups: Option<Vec<String>>,
    /// Resources, e.g. pods, pods/exec, secrets (missing or empty: `["*"]`).
    pub resources: Option<Vec<String>>,
    /// Verbs, e.g. get, list, create (missing or empty: `["*"]`).
    pub verbs: Option<Vec<String>>,
}
