//! The typed model of the current chart's values (the official chart 0.86.0): one struct per
//! map of `chart/current/values.yaml`, with the documented type and allowed values of every
//! key. `chart/current/values.schema.json` is generated from these types.
//!
//! Every field is optional: the model describes a values *file*, which sets only what it
//! changes. The keys the chart cannot render without are checked on the merged values by
//! [`super::rules`].
//!
//! Free maps, where typing would refuse valid Kubernetes: `affinity`, `volumes`,
//! `topologySpreadConstraints`, `deploymentLifecycle`, `extraEnvFrom` and `extraEnvFromRefs`,
//! `extraContainers`, `hpa.metrics`, `service.additionalPorts`, the monitors' `tlsConfig` and
//! relabelings, `extraObjects` (anything). Values that are Go templates (Helm's `tpl`) are
//! strings whatever they render to: `runners.config`, `runners.secret`, `image.*`, the keys and
//! values of `podLabels` and `deploymentLabels`, the values of `serviceAccount.annotations`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use super::kubernetes::{
    ContainerSecurityContext, NameReference, PodSecurityContext, PolicyRule, Resources,
    SecretProjection, Strategy, VolumeMount,
};
use crate::schema::model::{
    Annotations, Count, EnvMap, EnvVar, Flag, FreeForm, HostAlias, HttpUrl, LogFormat, LogLevel,
    NamespaceName, ObjectName, OptionalCount, OptionalObjectName, PullPolicy, Toleration,
};

newtype_schema!(
    /// Kubernetes labels written as they are (`toYaml`): valid label keys, text values.
    TextLabels(BTreeMap<String, String>) => {
        "type": "object",
        "propertyNames": { "format": "k8s-label-key" },
        "additionalProperties": { "type": "string", "format": "k8s-label-value" },
        "description": "Kubernetes labels: keys are an optional DNS prefix and '/', then a name of at most 63 letters, digits, '-', '_' and '.'; values are text of at most 63 such characters (quote numbers and booleans)."
    }
);

newtype_schema!(
    /// Kubernetes annotations written as they are (`toYaml`): valid annotation keys, text values.
    TextAnnotations(BTreeMap<String, String>) => {
        "type": "object",
        "propertyNames": { "format": "k8s-annotation-key" },
        "additionalProperties": { "type": "string" },
        "description": "Kubernetes annotations: keys are an optional DNS prefix and '/', then a name of at most 63 letters, digits, '-', '_' and '.'; values are text (quote numbers and booleans)."
    }
);

newtype_schema!(
    /// Labels whose keys and values are Go templates (the chart runs them through `tpl`):
    /// text, not checked as what they render to.
    TemplatedLabels(BTreeMap<String, String>) => {
        "type": "object",
        "additionalProperties": { "type": "string" },
        "description": "Kubernetes labels; keys and values may be Go templates, e.g. \"{{ .Values.team }}\" (quote numbers and booleans)."
    }
);

newtype_schema!(
    /// A list of Kubernetes objects given as they are.
    FreeList(Vec<BTreeMap<String, serde_json::Value>>) => {
        "type": "array",
        "items": { "type": "object" }
    }
);

newtype_schema!(
    /// A list of Kubernetes objects given as they are; the official default is an empty map
    /// (`{}`), taken as an empty list.
    FreeListOrEmptyMap(serde_json::Value) => {
        "anyOf": [
            { "type": "array", "items": { "type": "object" } },
            { "type": "object", "maxProperties": 0 }
        ]
    }
);

newtype_schema!(
    /// Anything: a Kubernetes object as a map, or as text (a Go template).
    AnyValue(serde_json::Value) => {}
);

newtype_schema!(
    /// A TCP port number.
    Port(i64) => {
        "type": "integer",
        "minimum": 1,
        "maximum": 65535,
        "description": "A port number, 1 to 65535."
    }
);

newtype_schema!(
    /// An optional port number: `""` or 0 is not set.
    OptionalPort(serde_json::Value) => {
        "type": ["integer", "string"],
        "minimum": 0,
        "maximum": 65535,
        "format": "integer-text-or-empty",
        "description": "A port number, 1 to 65535; 0 or empty is the same as not set."
    }
);

/// A whole number (seconds, a count), from 0 to 2147483647.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct WholeNumber(#[schemars(range(min = 0, max = 2147483647))] pub i64);

/// The values of today's official GitLab Runner chart (0.86.0).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(title = "GitLab Runner chart values (official chart 0.86.0)")]
pub struct CurrentValues {
    /// The namespace of every object of the chart (empty: the release namespace); jobs run in
    /// runners.jobNamespace.
    pub namespace: Option<NamespaceName>,
    /// The runner image, as registry/image:tag (the three parts may be Go templates).
    pub image: Option<Image>,
    /// Start the runner with tini instead of dumb-init (for the UBI images, which lack
    /// dumb-init).
    pub use_tini: Option<Flag>,
    /// Image pull policy of the runner manager pod (not of jobs: set pull_policy in
    /// [runners.kubernetes] of runners.config for those).
    pub image_pull_policy: Option<PullPolicy>,
    /// Secrets to pull the runner image with: a list of {name: ...}.
    pub image_pull_secrets: Option<Vec<NameReference>>,
    /// Timeout in seconds of the liveness and readiness probes (0 or not set: 4).
    pub probe_timeout_seconds: Option<WholeNumber>,
    /// Timing of the runner's liveness probe (its command is the chart's).
    pub liveness_probe: Option<LivenessProbe>,
    /// Timing of the runner's readiness probe (its command is the chart's).
    pub readiness_probe: Option<ReadinessProbe>,
    /// How many runner pods to run (not with hpa; not set: Kubernetes' default, 1).
    pub replicas: Option<WholeNumber>,
    /// How many old ReplicaSets the Deployment keeps (0 or not set: 10).
    pub revision_history_limit: Option<WholeNumber>,
    /// The GitLab server URL (with protocol) the runner registers with.
    pub gitlab_url: Option<HttpUrl>,
    /// A registration token of the GitLab instance (the legacy registration flow).
    pub runner_registration_token: Option<String>,
    /// The token of a runner created in GitLab, e.g. an authentication token `glrt-...`.
    pub runner_token: Option<String>,
    /// Unregister the runner (for a glrt- token: the runner manager) before the pod stops
    /// (ignored when deploymentLifecycle is set).
    pub unregister_runners: Option<Flag>,
    /// WholeNumber Kubernetes waits for running jobs when the runner pod stops (official: 3600).
    pub termination_grace_period_seconds: Option<OptionalCount>,
    /// A Secret with custom certificates, mounted at /home/gitlab-runner/.gitlab-runner/certs/.
    pub certs_secret_name: Option<OptionalObjectName>,
    /// The maximum number of concurrent jobs.
    pub concurrent: Option<Count>,
    /// WholeNumber until a forced shutdown of gitlab-runner times out (0: gitlab-runner's default).
    #[serde(rename = "shutdown_timeout")]
    pub shutdown_timeout: Option<Count>,
    /// How often (seconds) to check GitLab for new jobs.
    pub check_interval: Option<Count>,
    /// gitlab-runner's log level (not set: info).
    pub log_level: Option<LogLevel>,
    /// gitlab-runner's log format (not set: gitlab-runner's default).
    pub log_format: Option<LogFormat>,
    /// The Sentry DSN gitlab-runner reports errors to.
    pub sentry_dsn: Option<String>,
    /// The maximum age of TLS keepalive connections to GitLab, a Go duration (e.g. 15m).
    pub connection_max_age: Option<String>,
    /// A bash script run before gitlab-runner starts.
    pub pre_entrypoint_script: Option<String>,
    /// The session server (interactive web terminals of jobs); only with one replica.
    pub session_server: Option<SessionServer>,
    /// RBAC objects for the runner.
    pub rbac: Option<Rbac>,
    /// The runner's ServiceAccount.
    pub service_account: Option<ServiceAccount>,
    /// The Prometheus metrics exporter of gitlab-runner.
    pub metrics: Option<Metrics>,
    /// A Service in front of the metrics port (needed by the deprecated ServiceMonitor).
    pub service: Option<Service>,
    /// The runner: its configuration template, its secret, registration settings.
    pub runners: Option<Runners>,
    /// The scheduler of the runner pod (not set: Kubernetes' default scheduler).
    pub scheduler_name: Option<OptionalObjectName>,
    /// The security context of the runner container.
    pub security_context: Option<ContainerSecurityContext>,
    /// How the Deployment replaces its pods (a Kubernetes DeploymentStrategy).
    pub strategy: Option<Strategy>,
    /// The security context of the runner pod.
    pub pod_security_context: Option<PodSecurityContext>,
    /// Resource requests and limits of the runner container.
    pub resources: Option<Resources>,
    /// Affinity of the runner pod (a Kubernetes Affinity object, not checked here).
    pub affinity: Option<FreeForm>,
    /// Topology spread constraints of the runner pod (Kubernetes objects, not checked here).
    pub topology_spread_constraints: Option<FreeListOrEmptyMap>,
    /// The RuntimeClass of the runner pod.
    pub runtime_class_name: Option<OptionalObjectName>,
    /// Node labels the runner pod must match.
    pub node_selector: Option<TextLabels>,
    /// Tolerations of the runner pod.
    pub tolerations: Option<Vec<Toleration>>,
    /// Environment variables of the registration and of the runner (a list of name/value).
    pub env_vars: Option<Vec<EnvVar>>,
    /// Environment variables of the runner by name.
    pub extra_env: Option<EnvMap>,
    /// Environment variables of the runner by name, from other sources: each value is a
    /// Kubernetes EnvVarSource (secretKeyRef, configMapKeyRef, fieldRef, ...; not checked here).
    pub extra_env_from: Option<BTreeMap<String, FreeForm>>,
    /// Whole Secrets or ConfigMaps as environment variables (Kubernetes EnvFromSource objects,
    /// not checked here).
    pub extra_env_from_refs: Option<FreeList>,
    /// Hosts entries of the runner pod.
    pub host_aliases: Option<Vec<HostAlias>>,
    /// Annotations of the Deployment.
    pub deployment_annotations: Option<TextAnnotations>,
    /// Labels of the Deployment (keys and values may be Go templates).
    pub deployment_labels: Option<TemplatedLabels>,
    /// The lifecycle hooks of the runner container (a Kubernetes Lifecycle, not checked here);
    /// replaces the chart's unregistering preStop hook.
    pub deployment_lifecycle: Option<FreeForm>,
    /// The host name of the runner pod.
    pub hostname: Option<OptionalObjectName>,
    /// Annotations of the runner pod.
    pub pod_annotations: Option<Annotations>,
    /// Labels of the runner pod (keys and values may be Go templates).
    pub pod_labels: Option<TemplatedLabels>,
    /// A HorizontalPodAutoscaler for the runner Deployment (an empty map: none).
    pub hpa: Option<Hpa>,
    /// The PriorityClass of the runner pod.
    pub priority_class_name: Option<OptionalObjectName>,
    /// More Secrets projected into the runner's secrets (a list of Kubernetes
    /// SecretProjection: name and optional items).
    pub secrets: Option<Vec<SecretProjection>>,
    /// Whether the runner pod mounts its ServiceAccount token (not set: Kubernetes' default).
    pub automount_service_account_token: Option<bool>,
    /// More files of the chart's ConfigMap, mounted in /configmaps: file name to content.
    pub config_maps: Option<BTreeMap<String, String>>,
    /// More volume mounts of the runner container.
    pub volume_mounts: Option<Vec<VolumeMount>>,
    /// More volumes of the runner pod (Kubernetes Volume objects, not checked here).
    pub volumes: Option<FreeList>,
    /// More Kubernetes objects to render, each a map or a text, run through Helm's tpl.
    pub extra_objects: Option<Vec<AnyValue>>,
    /// More containers of the runner pod, e.g. sidecars (Kubernetes Container objects, not
    /// checked here).
    pub extra_containers: Option<FreeList>,
    /// Replaces the chart name in object names.
    pub name_override: Option<String>,
    /// Replaces the whole object name (release name and chart name).
    pub fullname_override: Option<String>,
}

/// The runner image: `registry/image:tag`, run through Helm's tpl as a whole.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Image {
    /// The registry (empty: none, the image name alone).
    pub registry: Option<String>,
    /// The repository in the registry, e.g. gitlab-org/gitlab-runner.
    pub image: Option<String>,
    /// The tag (not set: alpine-v{appVersion}).
    pub tag: Option<String>,
}

/// Timing of the liveness probe (0 or not set: the chart's default).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct LivenessProbe {
    /// WholeNumber before the first probe (default 60).
    pub initial_delay_seconds: Option<WholeNumber>,
    /// WholeNumber between probes (default 60).
    pub period_seconds: Option<WholeNumber>,
    /// Successes after a failure to count as alive (default 1).
    pub success_threshold: Option<WholeNumber>,
    /// Failures in a row to count as dead (default 3).
    pub failure_threshold: Option<WholeNumber>,
    /// WholeNumber a pod found dead has to stop (default: the pod's).
    pub termination_grace_period_seconds: Option<WholeNumber>,
}

/// Timing of the readiness probe (0 or not set: the chart's default).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ReadinessProbe {
    /// WholeNumber before the first probe (default 60).
    pub initial_delay_seconds: Option<WholeNumber>,
    /// WholeNumber between probes (default 60).
    pub period_seconds: Option<WholeNumber>,
    /// Successes in a row to count as ready (default 1).
    pub success_threshold: Option<WholeNumber>,
    /// Failures in a row to count as not ready (default 3).
    pub failure_threshold: Option<WholeNumber>,
}

/// The session server of the runner (interactive web terminals).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SessionServer {
    /// Start the session server (with one replica only).
    pub enabled: Option<Flag>,
    /// Annotations of its Service.
    pub annotations: Option<TextAnnotations>,
    /// WholeNumber a session may stay open (0 or not set: 1800).
    pub timeout: Option<WholeNumber>,
    /// The port the runner listens on (0 or not set: 8093).
    pub internal_port: Option<OptionalPort>,
    /// The port of the Service (0 or not set: 9000).
    pub external_port: Option<OptionalPort>,
    /// With serviceType NodePort: the node port (not set: one is assigned).
    pub node_port: Option<OptionalPort>,
    /// The address jobs' terminals are reached at (an IP or host name; not set: discovered).
    #[serde(rename = "publicIP")]
    pub public_ip: Option<String>,
    /// Source ranges (CIDR) allowed through a LoadBalancer.
    pub load_balancer_source_ranges: Option<Vec<String>>,
    /// The Service type: ClusterIP, Headless, NodePort or LoadBalancer (default).
    pub service_type: Option<SessionServiceType>,
    /// The Service's external traffic policy: Cluster or Local.
    pub external_traffic_policy: Option<TrafficPolicy>,
    /// The Service's internal traffic policy: Cluster or Local.
    pub internal_traffic_policy: Option<TrafficPolicy>,
    /// An Ingress to the session server (set publicIP to its host).
    pub ingress: Option<SessionIngress>,
}

/// The Service type of the session server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum SessionServiceType {
    #[serde(rename = "")]
    Default,
    ClusterIP,
    Headless,
    NodePort,
    LoadBalancer,
}

/// A Service's traffic policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum TrafficPolicy {
    #[serde(rename = "")]
    Default,
    Cluster,
    Local,
}

/// The Ingress of the session server.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SessionIngress {
    /// Create the Ingress.
    pub enabled: Option<Flag>,
    /// Its IngressClass (empty: the cluster's default).
    pub class_name: Option<OptionalObjectName>,
    /// Its annotations.
    pub annotations: Option<TextAnnotations>,
    /// Its TLS settings (Kubernetes IngressTLS: secretName and hosts).
    pub tls: Option<Vec<IngressTls>>,
}

/// The TLS settings of an Ingress.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct IngressTls {
    /// The Secret with the certificate and key.
    pub secret_name: Option<OptionalObjectName>,
    /// The hosts of the certificate.
    pub hosts: Option<Vec<String>>,
}

/// RBAC objects for the runner.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Rbac {
    /// Create a Role (or ClusterRole) and its binding; set serviceAccount.create too.
    pub create: Option<Flag>,
    /// The name of the created ServiceAccount (deprecated: use serviceAccount.name).
    pub generated_service_account_name: Option<OptionalObjectName>,
    /// The rules of the Role (empty: every verb on every resource of the core group).
    pub rules: Option<Vec<PolicyRule>>,
    /// Grant the permissions cluster-wide (a ClusterRole) instead of in the namespace.
    pub cluster_wide_access: Option<Flag>,
    /// The ServiceAccount when rbac.create is false (deprecated: use serviceAccount.name).
    pub service_account_name: Option<OptionalObjectName>,
    /// Annotations of the ServiceAccount, values run through tpl (deprecated: use
    /// serviceAccount.annotations).
    pub service_account_annotations: Option<TextAnnotations>,
    /// Let the runner use PodSecurityPolicies (Kubernetes before 1.25).
    pub pod_security_policy: Option<PodSecurityPolicy>,
    /// Image pull secrets of the ServiceAccount (deprecated: use
    /// serviceAccount.imagePullSecrets).
    pub image_pull_secrets: Option<Vec<NameReference>>,
}

/// The PodSecurityPolicies the runner's Role may use.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodSecurityPolicy {
    /// Add the rule that lets the runner use them.
    pub enabled: Option<Flag>,
    /// Their names.
    pub resource_names: Option<Vec<String>>,
}

/// The runner's ServiceAccount.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ServiceAccount {
    /// Create it (not set: created when rbac.create is true, with a warning).
    pub create: Option<Flag>,
    /// Its name (empty: the release's full name when created).
    pub name: Option<OptionalObjectName>,
    /// Its annotations (e.g. eks.amazonaws.com/role-arn); values run through tpl.
    pub annotations: Option<TextAnnotations>,
    /// Its image pull secrets: a list of {name: ...}.
    pub image_pull_secrets: Option<Vec<NameReference>>,
}

/// The Prometheus metrics exporter.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Metrics {
    /// Listen for metrics scrapes on metrics.port.
    pub enabled: Option<Flag>,
    /// The name of the metrics port (at most 15 characters, an IANA service name).
    pub port_name: Option<String>,
    /// The metrics port (official: 9252).
    pub port: Option<Port>,
    /// A ServiceMonitor (prometheus-operator; deprecated: use podMonitor).
    pub service_monitor: Option<Monitor>,
    /// A PodMonitor (prometheus-operator; recommended).
    pub pod_monitor: Option<Monitor>,
}

/// A ServiceMonitor or PodMonitor of prometheus-operator.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Monitor {
    /// Create it (rendered only when the cluster has monitoring.coreos.com/v1).
    pub enabled: Option<Flag>,
    /// Its namespace (empty: the release namespace).
    pub namespace: Option<NamespaceName>,
    /// Its labels (e.g. the release label the Prometheus selects).
    pub labels: Option<TextLabels>,
    /// Its annotations.
    pub annotations: Option<TextAnnotations>,
    /// The label whose value names the Prometheus job.
    pub job_label: Option<String>,
    /// The scrape interval, e.g. 30s (empty: Prometheus' default).
    pub interval: Option<String>,
    /// The scrape scheme: http or https.
    pub scheme: Option<MonitorScheme>,
    /// The TLS settings of the scrape (a prometheus-operator TLSConfig, not checked here).
    pub tls_config: Option<FreeForm>,
    /// The metrics path (default /metrics).
    pub path: Option<String>,
    /// Relabelings of samples before ingestion (run through tpl; not checked here).
    pub metric_relabelings: Option<FreeList>,
    /// Relabelings before scraping (not checked here).
    pub relabelings: Option<FreeList>,
}

/// The scheme of a scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum MonitorScheme {
    #[serde(rename = "")]
    Default,
    Http,
    Https,
}

/// The metrics Service.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Service {
    /// Create it (with metrics.enabled).
    pub enabled: Option<Flag>,
    /// Its labels.
    pub labels: Option<TextLabels>,
    /// Its annotations.
    pub annotations: Option<TextAnnotations>,
    /// A fixed cluster IP (empty: assigned).
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    /// External IPs of the Service.
    #[serde(rename = "externalIPs")]
    pub external_ips: Option<Vec<String>>,
    /// The IP of an external load balancer.
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
    /// Source ranges (CIDR) allowed through a LoadBalancer.
    pub load_balancer_source_ranges: Option<Vec<String>>,
    /// The Service type (not set: ClusterIP).
    #[serde(rename = "type")]
    pub kind: Option<ServiceType>,
    /// The metrics port of a NodePort Service.
    pub metrics: Option<ServiceMetrics>,
    /// More ports of the Service (Kubernetes ServicePort objects, not checked here).
    pub additional_ports: Option<FreeList>,
    /// The external traffic policy: Cluster or Local.
    pub external_traffic_policy: Option<TrafficPolicy>,
    /// The internal traffic policy: Cluster or Local.
    pub internal_traffic_policy: Option<TrafficPolicy>,
}

/// The type of a Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum ServiceType {
    #[serde(rename = "")]
    Default,
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

/// The metrics port of a NodePort Service.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ServiceMetrics {
    /// The node port (with service.type NodePort; not set: one is assigned).
    pub node_port: Option<OptionalPort>,
}

/// The runner.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Runners {
    /// The runner configuration, a TOML Go template (Helm's tpl) merged into config.toml at
    /// registration.
    pub config: Option<String>,
    /// The path of an existing configuration template file (used when config is empty).
    pub config_path: Option<String>,
    /// The namespace of job pods (empty: the release namespace), as the default config reads
    /// it.
    pub job_namespace: Option<NamespaceName>,
    /// The executor registered (not set: kubernetes).
    pub executor: Option<Executor>,
    /// The runner's name in GitLab.
    pub name: Option<String>,
    /// The Secret holding runner-token and runner-registration-token (a Go template; empty:
    /// the chart's own).
    pub secret: Option<String>,
    /// The distributed cache's credentials (the cache itself is set in runners.config).
    pub cache: Option<Cache>,
    /// Comma-separated tags (legacy registration only).
    pub tags: Option<String>,
    /// Lock the runner to its project (legacy registration only; not set: true).
    pub locked: Option<Flag>,
    /// Run jobs without tags (legacy registration only).
    pub run_untagged: Option<Flag>,
    /// Run only jobs of protected branches (legacy registration only).
    pub protected: Option<Flag>,
    /// The maximum job timeout in seconds (legacy registration only).
    pub maximum_timeout: Option<OptionalCount>,
    /// Hosts entries of job pods (added to runners.config as
    /// [[runners.kubernetes.host_aliases]]). An addition of this project.
    pub host_aliases: Option<Vec<HostAlias>>,
}

/// gitlab-runner's executors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum Executor {
    #[serde(rename = "")]
    Default,
    Kubernetes,
    Shell,
    Docker,
    DockerWindows,
    #[serde(rename = "docker+machine")]
    DockerMachine,
    DockerAutoscaler,
    Instance,
    Custom,
    Ssh,
    Parallels,
    Virtualbox,
}

/// The distributed cache's credentials.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Cache {
    /// The Secret with the cache credentials (s3access, gcsaccess,
    /// google-application-credentials or azureaccess, by their keys).
    pub secret_name: Option<ObjectName>,
}

/// A HorizontalPodAutoscaler for the runner Deployment.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Hpa {
    /// Minimum replicas (0 or not set: 1).
    pub min_replicas: Option<WholeNumber>,
    /// Maximum replicas (0 or not set: 1).
    pub max_replicas: Option<WholeNumber>,
    /// The metrics to scale on (Kubernetes MetricSpec objects of the cluster's autoscaling
    /// version, not checked here); required with hpa.
    pub metrics: Option<FreeList>,
}
