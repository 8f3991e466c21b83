//! The typed model of the chart's values: one struct per map of `values/values.yaml`, with the
//! documented type and allowed values of every key. The JSON Schema of the values
//! (`chart/values.schema.json`) is generated from these types, and the merged values are
//! validated against it before rendering.
//!
//! Every field is optional here: the model describes a values *file*, which sets only what it
//! changes (editors check files with the schema). Keys the chart cannot render without are
//! checked on the merged values by [`super::check`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

/// Declares a transparent newtype with its own inline JSON Schema.
macro_rules! newtype_schema {
    ($(#[$doc:meta])* $name:ident($inner:ty) => $schema:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// Declares a newtype whose schema is `{"type": ..., "format": ...}` with a description; the
/// formats are checked by [`super::formats`].
macro_rules! formatted {
    ($(#[$doc:meta])* $name:ident: $inner:ty, $types:expr, $format:literal, $description:literal) => {
        newtype_schema!(
            $(#[$doc])* $name($inner) => { "type": $types, "format": $format, "description": $description }
        );
    };
}

formatted!(
    /// An absolute `http://` or `https://` URL, or `""` (not set: the chart prints it as is).
    HttpUrl: String, "string", "http-url-or-empty",
    "An absolute http:// or https:// URL; empty is the same as not set."
);
newtype_schema!(
    /// A Kubernetes resource quantity (`500m`, `2`, `1Gi`), passed to Kubernetes as is.
    Quantity(serde_json::Value) => {
        "type": ["string", "number"],
        "format": "k8s-quantity",
        "minimum": 0,
        "description": "A Kubernetes quantity, e.g. 500m, 2, 1.5, 256Mi, 1Gi."
    }
);
newtype_schema!(
    /// A quantity of job containers (`runners.builds.cpuLimit`, ...): the chart writes it with
    /// `default ""`, so `""` and the number `0` are not set (the text `"0"` is zero).
    JobQuantity(serde_json::Value) => {
        "type": ["string", "number"],
        "format": "k8s-quantity-or-empty",
        "minimum": 0,
        "description": "A Kubernetes quantity, e.g. 500m, 2, 1.5, 256Mi, 1Gi; empty or the number 0 is the same as not set (the cluster's default)."
    }
);
formatted!(
    /// The name of a Kubernetes object (DNS-1123 subdomain).
    ObjectName: String, "string", "dns-subdomain",
    "The name of a Kubernetes object: lowercase letters, digits, '-' and '.', at most 253 characters."
);
formatted!(
    /// The name of a Kubernetes object, or `""`: optional names the chart tests with `if` or
    /// `default`, where Go templates treat `""` as not set.
    OptionalObjectName: String, "string", "dns-subdomain-or-empty",
    "The name of a Kubernetes object: lowercase letters, digits, '-' and '.', at most 253 characters; empty is the same as not set."
);
formatted!(
    /// A Kubernetes namespace name (DNS-1123 label), or `""` (the release namespace).
    NamespaceName: String, "string", "dns-label-or-empty",
    "A Kubernetes namespace: lowercase letters, digits and '-', at most 63 characters; empty is the same as not set."
);
newtype_schema!(
    /// A whole number that `config.toml` needs (`concurrent`, `checkInterval`). The chart
    /// prints it as is, so a number given as text (`--set-string concurrent=5`) gives the
    /// same output; it is accepted with a warning.
    Count(serde_json::Value) => {
        "type": ["integer", "string"],
        "format": "integer-text",
        "minimum": 0,
        "maximum": 2147483647,
        "description": "A whole number (0 to 2147483647); a number given as text (\"5\") is accepted with a warning."
    }
);
newtype_schema!(
    /// An optional whole number: `""` is not set, and a number given as text is accepted with
    /// a warning (the chart prints it as is). Whether `0` counts as set depends on the key.
    OptionalCount(serde_json::Value) => {
        "type": ["integer", "string"],
        "format": "integer-text-or-empty",
        "minimum": 0,
        "maximum": 2147483647,
        "description": "A whole number (0 to 2147483647); empty is the same as not set; a number given as text (\"5\") is accepted with a warning."
    }
);
newtype_schema!(
    /// A number of replicas: the chart writes it with `default 1`, so `0` and `""` mean 1.
    ReplicaCount(serde_json::Value) => {
        "type": ["integer", "string"],
        "format": "positive-integer-text-or-empty",
        "minimum": 0,
        "maximum": 2147483647,
        "description": "A number of replicas (1 to 2147483647); 0 or empty is the same as not set (1); a number given as text (\"2\") is accepted with a warning."
    }
);
formatted!(
    /// An IPv4 or IPv6 address.
    IpAddress: String, "string", "ip-address", "An IPv4 or IPv6 address."
);
formatted!(
    /// A host name (DNS-1123 subdomain).
    Hostname: String, "string", "dns-subdomain",
    "A host name: lowercase letters, digits, '-' and '.', at most 253 characters."
);
formatted!(
    /// An environment variable name.
    EnvVarName: String, "string", "env-var-name",
    "An environment variable name: letters, digits, '_', '-' and '.', not starting with a digit."
);

macro_rules! whole_number_accessor {
    ($($name:ident),*) => {
        $(
            impl $name {
                /// The number, also when given as text (`"5"`); `None` for `""` or another value.
                pub fn as_u64(&self) -> Option<u64> {
                    match &self.0 {
                        serde_json::Value::Number(n) => n.as_u64(),
                        serde_json::Value::String(s) => s.parse().ok(),
                        _ => None,
                    }
                }
            }
        )*
    };
}
whole_number_accessor!(Count, OptionalCount, ReplicaCount);

newtype_schema!(
    /// A boolean; `""` is false, as Go templates read it (`{{ if .Values.rbac.create }}`).
    /// A quoted "true" or "false" is refused: Helm reads both as true.
    Flag(serde_json::Value) => {
        "type": ["boolean", "string"],
        "enum": [true, false, ""],
        "description": "true or false; empty is the same as false."
    }
);

impl Flag {
    /// The value as the chart reads it: `""` is false.
    pub fn is_true(&self) -> bool {
        self.0 == serde_json::Value::Bool(true)
    }
}

newtype_schema!(
    /// A string, number or boolean, used as text (environment values, annotation values).
    Scalar(serde_json::Value) => { "type": ["string", "number", "boolean"] }
);

newtype_schema!(
    /// Kubernetes labels: valid label keys and values.
    Labels(BTreeMap<String, serde_json::Value>) => {
        "type": "object",
        "propertyNames": { "format": "k8s-label-key" },
        "additionalProperties": { "type": ["string", "number", "boolean"], "format": "k8s-label-value" },
        "description": "Kubernetes labels: keys are an optional DNS prefix and '/', then a name of at most 63 letters, digits, '-', '_' and '.'; values are at most 63 such characters (or empty)."
    }
);

newtype_schema!(
    /// Kubernetes annotations: valid annotation keys, any text values.
    Annotations(BTreeMap<String, serde_json::Value>) => {
        "type": "object",
        "propertyNames": { "format": "k8s-annotation-key" },
        "additionalProperties": { "type": ["string", "number", "boolean"] },
        "description": "Kubernetes annotations: keys are an optional DNS prefix and '/', then a name of at most 63 letters, digits, '-', '_' and '.'."
    }
);

newtype_schema!(
    /// A map from names to values given as text (`gitlab-runner register --env NAME=VALUE`).
    EnvMap(BTreeMap<String, serde_json::Value>) => {
        "type": "object",
        "propertyNames": { "format": "env-var-name" },
        "additionalProperties": { "type": ["string", "number", "boolean"] }
    }
);

newtype_schema!(
    /// Any Kubernetes object given as is (e.g. `affinity`), passed through `toYaml`.
    FreeForm(BTreeMap<String, serde_json::Value>) => { "type": "object" }
);

/// Image pull policy of the runner manager pod (empty: the cluster's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum PullPolicy {
    #[serde(rename = "")]
    Default,
    Always,
    IfNotPresent,
    Never,
}

/// Image pull policy of job pods (gitlab-runner accepts both spellings; empty: the cluster's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum JobPullPolicy {
    #[serde(rename = "")]
    Default,
    #[serde(rename = "always")]
    AlwaysLower,
    #[serde(rename = "if-not-present")]
    IfNotPresentLower,
    #[serde(rename = "never")]
    NeverLower,
    Always,
    IfNotPresent,
    Never,
}

/// gitlab-runner's log level (empty: info).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum LogLevel {
    #[serde(rename = "")]
    Default,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    Panic,
}

/// gitlab-runner's log format (empty: gitlab-runner's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum LogFormat {
    #[serde(rename = "")]
    Default,
    Runner,
    Text,
    Json,
}

/// The distributed cache backend (empty: no distributed cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum CacheType {
    #[serde(rename = "")]
    None,
    S3,
    Gcs,
}

/// The values of the GitLab Runner chart.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(title = "GitLab Runner chart values")]
pub struct ChartValues {
    /// The runner image; by default gitlab/gitlab-runner:alpine-v{appVersion of Chart.yaml}.
    pub image: Option<String>,
    /// Image pull policy of the runner manager pod (empty: the cluster's default).
    pub image_pull_policy: Option<PullPolicy>,
    /// The GitLab server URL (with protocol) the runner registers with (empty: not set).
    pub gitlab_url: Option<HttpUrl>,
    /// A registration token of the GitLab instance (legacy registration flow).
    pub runner_registration_token: Option<String>,
    /// The token of a registered runner, e.g. an authentication token `glrt-...`.
    pub runner_token: Option<String>,
    /// Unregister all runners before the manager pod terminates (empty: false).
    pub unregister_runners: Option<Flag>,
    /// Seconds Kubernetes waits for running jobs when the runner pod stops (empty: Kubernetes'
    /// default, 30).
    pub termination_grace_period_seconds: Option<OptionalCount>,
    /// A Secret with custom certificates, mounted at /home/gitlab-runner/.gitlab-runner/certs/
    /// (empty: none).
    pub certs_secret_name: Option<OptionalObjectName>,
    /// The maximum number of concurrent jobs (a number given as text is accepted with a
    /// warning).
    pub concurrent: Option<Count>,
    /// How often (seconds) to check GitLab for new jobs (a number given as text is accepted with
    /// a warning).
    pub check_interval: Option<Count>,
    /// gitlab-runner's log level (default and empty: info).
    pub log_level: Option<LogLevel>,
    /// gitlab-runner's log format (empty: gitlab-runner's default).
    pub log_format: Option<LogFormat>,
    /// RBAC objects for the runner.
    pub rbac: Option<Rbac>,
    /// The Prometheus metrics exporter.
    pub metrics: Option<Metrics>,
    /// The pods of CI jobs.
    pub runners: Option<Runners>,
    /// The security context of the runner manager pod.
    pub security_context: Option<SecurityContext>,
    /// The security context of both containers of the runner manager pod (the `configure`
    /// init container and the runner). An extension of this chart.
    pub container_security_context: Option<ContainerSecurityContext>,
    /// Resource requests and limits of the runner manager containers.
    pub resources: Option<Resources>,
    /// Affinity of the runner manager pod (a Kubernetes Affinity object).
    pub affinity: Option<FreeForm>,
    /// Node labels for the runner manager pod.
    pub node_selector: Option<Labels>,
    /// Tolerations of the runner manager pod.
    pub tolerations: Option<Vec<Toleration>>,
    /// Extra environment variables of the runner manager containers.
    pub env_vars: Option<Vec<EnvVar>>,
    /// Hosts entries of the runner manager pod.
    pub host_aliases: Option<Vec<HostAlias>>,
    /// Annotations of the runner manager pod.
    pub pod_annotations: Option<Annotations>,
    /// Labels of the runner manager pod.
    pub pod_labels: Option<Labels>,
    /// Autoscaling of the runner manager (HorizontalPodAutoscaler).
    pub hpa: Option<Hpa>,
    /// Replaces the chart name in object names.
    pub name_override: Option<String>,
    /// Replaces the whole object name (release name and chart name).
    pub fullname_override: Option<String>,
}

/// RBAC objects for the runner.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Rbac {
    /// Create a ServiceAccount, a Role (or ClusterRole) and its binding (empty: false).
    pub create: Option<Flag>,
    /// Resources the runner may act on (default all: "*").
    pub resources: Option<Vec<String>>,
    /// Verbs the runner may use (default all: "*").
    pub verbs: Option<Vec<String>>,
    /// Grant the permissions cluster-wide (ClusterRole) instead of in the release namespace
    /// (empty: false).
    pub cluster_wide_access: Option<Flag>,
    /// The ServiceAccount of the manager pod when rbac.create is false (empty: the namespace's
    /// default ServiceAccount).
    pub service_account_name: Option<OptionalObjectName>,
    /// Annotations of the ServiceAccount (e.g. eks.amazonaws.com/role-arn).
    pub service_account_annotations: Option<Annotations>,
}

/// The Prometheus metrics exporter.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Metrics {
    /// Listen on :9252 and annotate the pod for Prometheus (empty: false).
    pub enabled: Option<Flag>,
}

/// The pods of CI jobs (and how the runner registers).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Runners {
    /// Default image of job containers.
    pub image: Option<String>,
    /// Secrets to pull job images with (names of docker-registry Secrets).
    pub image_pull_secrets: Option<Vec<ObjectName>>,
    /// Image pull policy of job pods (empty: the cluster's default).
    pub image_pull_policy: Option<JobPullPolicy>,
    /// Concurrent requests for new jobs (0 or empty: 1).
    pub request_concurrency: Option<OptionalCount>,
    /// Lock the runner to its project (default true; empty: false).
    pub locked: Option<Flag>,
    /// Comma-separated tags of the runner.
    pub tags: Option<String>,
    /// Run jobs without tags (empty: false).
    pub run_untagged: Option<Flag>,
    /// Run only jobs of protected branches and tags (empty: false).
    pub protected: Option<Flag>,
    /// Run job containers privileged (needed for docker:dind; empty: false).
    pub privileged: Option<Flag>,
    /// The Secret holding runner-registration-token and runner-token (empty: the chart's own).
    pub secret: Option<OptionalObjectName>,
    /// Namespace of job pods (default and empty: the release namespace).
    pub namespace: Option<NamespaceName>,
    /// Seconds to wait for a job pod's containers (0 or empty: gitlab-runner's default).
    pub poll_timeout: Option<OptionalCount>,
    /// Maximum job log size in kilobytes (0 or empty: gitlab-runner's default).
    pub output_limit: Option<OptionalCount>,
    /// The distributed cache.
    pub cache: Option<Cache>,
    /// Resources of build containers.
    pub builds: Option<JobResources>,
    /// Resources of service containers.
    pub services: Option<JobResources>,
    /// Resources and image of helper containers.
    pub helpers: Option<HelperResources>,
    /// The ServiceAccount of job pods (empty: the namespace's default).
    pub service_account_name: Option<OptionalObjectName>,
    /// The URL jobs clone from, when GitLab is not reachable through gitlabUrl (empty: not set).
    pub clone_url: Option<HttpUrl>,
    /// Node labels for job pods.
    pub node_selector: Option<Labels>,
    /// Labels of job pods.
    pub pod_labels: Option<Labels>,
    /// Annotations of job pods.
    pub pod_annotations: Option<Annotations>,
    /// Environment variables of job pods (`gitlab-runner register --env NAME=VALUE`).
    pub env: Option<EnvMap>,
    /// Hosts entries of job pods (written to the runner configuration as
    /// [[runners.kubernetes.host_aliases]]). An extension of this chart.
    pub host_aliases: Option<Vec<HostAlias>>,
    /// Give job pods the top-level `hostAliases` (those of the runner manager pod) too, merged
    /// with `runners.hostAliases`. An extension of this chart.
    pub host_aliases_from_manager: Option<bool>,
}

/// The distributed cache.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Cache {
    /// The backend: s3 or gcs (empty: no distributed cache).
    pub cache_type: Option<CacheType>,
    /// Path prefix of cache objects.
    pub cache_path: Option<String>,
    /// The path prefix under its old name (used when cachePath is not set).
    pub s3_cache_path: Option<String>,
    /// Share the cache between runners (empty: false).
    pub cache_shared: Option<Flag>,
    /// S3 endpoint (`host[:port]`).
    pub s3_server_address: Option<String>,
    /// S3 bucket.
    pub s3_bucket_name: Option<String>,
    /// S3 region.
    pub s3_bucket_location: Option<String>,
    /// Use plain HTTP for S3 (empty: false).
    pub s3_cache_insecure: Option<Flag>,
    /// The Secret with the cache credentials (empty: none for s3, `s3access` for gcs).
    pub secret_name: Option<OptionalObjectName>,
    /// GCS bucket.
    pub gcs_bucket_name: Option<String>,
}

/// Resources of one kind of job container.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[allow(missing_docs)]
pub struct JobResources {
    pub cpu_limit: Option<JobQuantity>,
    pub memory_limit: Option<JobQuantity>,
    pub cpu_requests: Option<JobQuantity>,
    pub memory_requests: Option<JobQuantity>,
}

/// Resources and image of helper containers.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[allow(missing_docs)]
pub struct HelperResources {
    pub cpu_limit: Option<JobQuantity>,
    pub memory_limit: Option<JobQuantity>,
    pub cpu_requests: Option<JobQuantity>,
    pub memory_requests: Option<JobQuantity>,
    /// The helper image.
    pub image: Option<String>,
}

/// The security context of the runner manager pod.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SecurityContext {
    /// The user the containers run as (empty: the image's user).
    pub run_as_user: Option<OptionalCount>,
    /// The group that owns mounted volumes (0 or empty: not set; the text "0" is group 0).
    pub fs_group: Option<OptionalCount>,
    /// Refuse to start a container whose user is root (uid 0). An extension of this chart.
    pub run_as_non_root: Option<bool>,
    /// The seccomp profile of the pod's containers. An extension of this chart.
    pub seccomp_profile: Option<SeccompProfile>,
}

/// A seccomp profile.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SeccompProfile {
    /// RuntimeDefault (the container runtime's profile), Localhost or Unconfined.
    #[serde(rename = "type")]
    pub kind: Option<SeccompProfileType>,
    /// With type Localhost: the profile's path, relative to the kubelet's seccomp directory.
    pub localhost_profile: Option<String>,
}

/// The kind of a seccomp profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum SeccompProfileType {
    RuntimeDefault,
    Localhost,
    Unconfined,
}

/// The security context of a container (the fields that matter for the runner manager).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ContainerSecurityContext {
    /// Whether a process may gain more privileges than its parent (setuid binaries).
    pub allow_privilege_escalation: Option<bool>,
    /// Linux capabilities to add and drop.
    pub capabilities: Option<Capabilities>,
    /// Run the container privileged.
    pub privileged: Option<bool>,
    /// Mount the container's root filesystem read-only. The chart then gives the runner
    /// writable in-memory volumes for what it writes: /home/gitlab-runner and /tmp.
    pub read_only_root_filesystem: Option<bool>,
    /// Refuse to start the container if its user is root (uid 0).
    pub run_as_non_root: Option<bool>,
    /// The user the container runs as.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_user: Option<i64>,
    /// The primary group of the container's processes.
    #[schemars(range(min = 0, max = 2147483647))]
    pub run_as_group: Option<i64>,
    /// The seccomp profile of the container.
    pub seccomp_profile: Option<SeccompProfile>,
}

/// Linux capabilities of a container.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Capabilities {
    /// Capabilities to add (e.g. NET_BIND_SERVICE).
    pub add: Option<Vec<String>>,
    /// Capabilities to drop (e.g. ALL).
    pub drop: Option<Vec<String>>,
}

/// Resource requests and limits of a container.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Resources {
    /// Limits by resource name (cpu, memory, ...).
    pub limits: Option<BTreeMap<String, Quantity>>,
    /// Requests by resource name (cpu, memory, ...).
    pub requests: Option<BTreeMap<String, Quantity>>,
}

/// A Kubernetes toleration.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[allow(missing_docs)]
pub struct Toleration {
    pub key: Option<String>,
    pub operator: Option<TolerationOperator>,
    pub value: Option<String>,
    pub effect: Option<TaintEffect>,
    pub toleration_seconds: Option<i64>,
}

/// How a toleration matches a taint (empty: Equal, as Kubernetes defaults it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum TolerationOperator {
    #[serde(rename = "")]
    Default,
    Exists,
    Equal,
}

/// The effect of a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum TaintEffect {
    #[serde(rename = "")]
    All,
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// An environment variable of the runner manager containers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvVar {
    /// The variable name.
    pub name: EnvVarName,
    /// Its value (as text).
    #[serde(default)]
    pub value: Option<Scalar>,
}

/// A hosts-file entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HostAlias {
    /// The address.
    pub ip: IpAddress,
    /// The names resolving to it.
    pub hostnames: Vec<Hostname>,
}

/// Autoscaling of the runner manager.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Hpa {
    /// Minimum replicas (default, 0 and empty: 1).
    pub min_replicas: Option<ReplicaCount>,
    /// Maximum replicas (default, 0 and empty: 1).
    pub max_replicas: Option<ReplicaCount>,
    /// Metrics, in the autoscaling/v2beta1 form (converted for autoscaling/v2) or the v2 form
    /// (the type and checks: `src/schema/hpa.rs`).
    #[serde(skip_serializing_if = "Option::is_none")] // no `default` in the schema
    pub metrics: Option<Vec<super::hpa::Metric>>,
}
