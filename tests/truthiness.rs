//! Go template truthiness: where the official chart 0.16 writes `{{ if .Values.x }}` or
//! `{{ default "" .Values.x }}`, an empty string, 0, false, an empty map or list count as not
//! set; where it prints a value as is (`concurrent = {{ .Values.concurrent }}`), a number given
//! as text renders as the number. Every expectation below was taken from the output of real
//! Helm 3.16.4 with the official chart 0.16.0, rendered over the same base values
//! (`helm template ci gitlab-runner-0.16.0 -n gitlab -f base.yaml -f case.yaml`); the commands
//! are not run here.
//!
//! - [`CASES`]: one values file (and `--set-string` expressions) per class and key, with the
//!   fields Helm rendered: `env/NAME` (the runner container's environment, the same in the
//!   init container), `toml/KEY` (the text after `KEY = ` in config.toml, `~absent` when the
//!   line is missing), `kinds` (sorted), or `Kind/path.to[0].field` (`~absent` when missing),
//!   each as JSON; and the values paths we warn about (numbers given as text).
//! - [`SAME_AS_NOT_SET`]: values that Helm renders byte for byte as the base values alone.
//! - [`SAME_AS_NUMBER`]: numbers given as text that Helm renders byte for byte as the numbers.
//! - [`SAME_AS_FALSE`]: booleans given as `""`, which Helm renders byte for byte as `false`
//!   (`runners.locked: ""` too: the key is there, and empty).

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Severity, Values};
use serde_json::Value as Json;

/// The base values of every case: the official chart's defaults differ from ours in these keys.
const BASE: &str = "gitlabUrl: https://gitlab.example.com/
runnerRegistrationToken: tok
runners:
  privileged: false
  secret: ci-gitlab-runner
";

const ABSENT: &str = "~absent";

struct Case {
    name: &'static str,
    values: &'static str,
    set_string: &'static [&'static str],
    /// (selector, the value Helm rendered as JSON, or `~absent`)
    expected: &'static [(&'static str, &'static str)],
    /// The values paths with a warning (a number given as text), sorted.
    warnings: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "manager pull policy empty",
        values: "imagePullPolicy: \"\"",
        set_string: &[],
        expected: &[
            (
                "Deployment/spec.template.spec.containers[0].imagePullPolicy",
                "\"\"",
            ),
            (
                "Deployment/spec.template.spec.initContainers[0].imagePullPolicy",
                "\"\"",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "manager pull policy null",
        values: "imagePullPolicy: null",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.containers[0].imagePullPolicy",
            "\"\"",
        )],
        warnings: &[],
    },
    Case {
        name: "gitlabUrl empty",
        values: "gitlabUrl: \"\"",
        set_string: &[],
        expected: &[("env/CI_SERVER_URL", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "both tokens empty: no Secret",
        values: "runnerRegistrationToken: \"\"\nrunnerToken: \"\"",
        set_string: &[],
        expected: &[
            ("kinds", "[\"ConfigMap\", \"Deployment\"]"),
            (
                "Deployment/spec.template.spec.containers[0].lifecycle",
                "~absent",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "unregisterRunners false",
        values: "unregisterRunners: false",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.containers[0].lifecycle",
            "~absent",
        )],
        warnings: &[],
    },
    Case {
        name: "terminationGracePeriodSeconds 0 is printed",
        values: "terminationGracePeriodSeconds: 0",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.terminationGracePeriodSeconds",
            "0",
        )],
        warnings: &[],
    },
    Case {
        name: "terminationGracePeriodSeconds empty prints nothing",
        values: "terminationGracePeriodSeconds: \"\"",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.terminationGracePeriodSeconds",
            "null",
        )],
        warnings: &[],
    },
    Case {
        name: "terminationGracePeriodSeconds as text",
        values: "terminationGracePeriodSeconds: \"60\"",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.terminationGracePeriodSeconds",
            "60",
        )],
        warnings: &["terminationGracePeriodSeconds"],
    },
    Case {
        name: "concurrent 0 is printed",
        values: "concurrent: 0",
        set_string: &[],
        expected: &[("toml/concurrent", "\"0\"")],
        warnings: &[],
    },
    Case {
        name: "concurrent as text",
        values: "concurrent: \"5\"",
        set_string: &[],
        expected: &[("toml/concurrent", "\"5\"")],
        warnings: &["concurrent"],
    },
    Case {
        name: "concurrent with --set-string",
        values: "{}",
        set_string: &["concurrent=5", "checkInterval=0"],
        expected: &[
            ("toml/concurrent", "\"5\""),
            ("toml/check_interval", "\"0\""),
        ],
        warnings: &["checkInterval", "concurrent"],
    },
    Case {
        name: "checkInterval 0 is printed",
        values: "checkInterval: 0",
        set_string: &[],
        expected: &[("toml/check_interval", "\"0\"")],
        warnings: &[],
    },
    Case {
        name: "logLevel empty is info",
        values: "logLevel: \"\"",
        set_string: &[],
        expected: &[("toml/log_level", "\"\\\"info\\\"\"")],
        warnings: &[],
    },
    Case {
        name: "logFormat empty is not written",
        values: "logFormat: \"\"",
        set_string: &[],
        expected: &[("toml/log_format", "~absent")],
        warnings: &[],
    },
    Case {
        name: "metrics disabled",
        values: "metrics: {enabled: false}",
        set_string: &[],
        expected: &[
            ("toml/listen_address", "~absent"),
            (
                "Deployment/spec.template.metadata.annotations.prometheus.io/scrape",
                "~absent",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "rbac empty lists are all",
        values: "rbac: {create: true, resources: [], verbs: [], serviceAccountAnnotations: {}}",
        set_string: &[],
        expected: &[
            (
                "kinds",
                "[\"ConfigMap\", \"Deployment\", \"Role\", \"RoleBinding\", \"Secret\", \"ServiceAccount\"]",
            ),
            (
                "Role/rules",
                "[{\"apiGroups\": [\"\"], \"resources\": [\"*\"], \"verbs\": [\"*\"]}]",
            ),
            ("Role/kind", "\"Role\""),
            (
                "Deployment/spec.template.spec.serviceAccountName",
                "\"ci-gitlab-runner\"",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "rbac clusterWideAccess false",
        values: "rbac: {create: true, clusterWideAccess: false}",
        set_string: &[],
        expected: &[
            (
                "kinds",
                "[\"ConfigMap\", \"Deployment\", \"Role\", \"RoleBinding\", \"Secret\", \"ServiceAccount\"]",
            ),
            ("RoleBinding/roleRef.kind", "\"Role\""),
        ],
        warnings: &[],
    },
    Case {
        name: "rbac serviceAccountName empty",
        values: "rbac: {create: false, serviceAccountName: \"\"}",
        set_string: &[],
        expected: &[("Deployment/spec.template.spec.serviceAccountName", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "runners image empty",
        values: "runners: {image: \"\"}",
        set_string: &[],
        expected: &[("env/KUBERNETES_IMAGE", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "requestConcurrency 0 is 1",
        values: "runners: {requestConcurrency: 0}",
        set_string: &[],
        expected: &[("env/RUNNER_REQUEST_CONCURRENCY", "\"1\"")],
        warnings: &[],
    },
    Case {
        name: "requestConcurrency empty is 1",
        values: "runners: {requestConcurrency: \"\"}",
        set_string: &[],
        expected: &[("env/RUNNER_REQUEST_CONCURRENCY", "\"1\"")],
        warnings: &[],
    },
    Case {
        name: "requestConcurrency as text",
        values: "runners: {requestConcurrency: \"5\"}",
        set_string: &[],
        expected: &[("env/RUNNER_REQUEST_CONCURRENCY", "\"5\"")],
        warnings: &["runners.requestConcurrency"],
    },
    Case {
        name: "requestConcurrency text 0 is 0",
        values: "runners: {requestConcurrency: \"0\"}",
        set_string: &[],
        expected: &[("env/RUNNER_REQUEST_CONCURRENCY", "\"0\"")],
        warnings: &["runners.requestConcurrency"],
    },
    Case {
        name: "locked false",
        values: "runners: {locked: false}",
        set_string: &[],
        expected: &[("env/REGISTER_LOCKED", "\"false\"")],
        warnings: &[],
    },
    Case {
        name: "tags empty",
        values: "runners: {tags: \"\"}",
        set_string: &[],
        expected: &[("env/RUNNER_TAG_LIST", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "privileged false",
        values: "runners: {privileged: false}",
        set_string: &[],
        expected: &[("env/KUBERNETES_PRIVILEGED", "~absent")],
        warnings: &[],
    },
    Case {
        name: "runners secret empty is the chart secret",
        values: "runners: {secret: \"\"}",
        set_string: &[],
        expected: &[
            (
                "Deployment/spec.template.spec.volumes[2].projected.sources",
                "[{\"secret\": {\"items\": [{\"key\": \"runner-registration-token\", \"path\": \"runner-registration-token\"}, {\"key\": \"runner-token\", \"path\": \"runner-token\"}], \"name\": \"ci-gitlab-runner\"}}]",
            ),
            ("Secret/metadata.name", "\"ci-gitlab-runner\""),
        ],
        warnings: &[],
    },
    Case {
        name: "runners namespace empty is the release namespace",
        values: "runners: {namespace: \"\"}",
        set_string: &[],
        expected: &[("env/KUBERNETES_NAMESPACE", "\"gitlab\"")],
        warnings: &[],
    },
    Case {
        name: "pollTimeout 0 is not set",
        values: "runners: {pollTimeout: 0}",
        set_string: &[],
        expected: &[("env/KUBERNETES_POLL_TIMEOUT", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "pollTimeout empty",
        values: "runners: {pollTimeout: \"\"}",
        set_string: &[],
        expected: &[("env/KUBERNETES_POLL_TIMEOUT", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "pollTimeout as text",
        values: "runners: {pollTimeout: \"60\"}",
        set_string: &[],
        expected: &[("env/KUBERNETES_POLL_TIMEOUT", "\"60\"")],
        warnings: &["runners.pollTimeout"],
    },
    Case {
        name: "pollTimeout text 0 is 0",
        values: "runners: {pollTimeout: \"0\"}",
        set_string: &[],
        expected: &[("env/KUBERNETES_POLL_TIMEOUT", "\"0\"")],
        warnings: &["runners.pollTimeout"],
    },
    Case {
        name: "outputLimit 0 is not set",
        values: "runners: {outputLimit: 0}",
        set_string: &[],
        expected: &[("env/RUNNER_OUTPUT_LIMIT", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "outputLimit empty",
        values: "runners: {outputLimit: \"\"}",
        set_string: &[],
        expected: &[("env/RUNNER_OUTPUT_LIMIT", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "outputLimit with --set-string",
        values: "{}",
        set_string: &["runners.outputLimit=8192"],
        expected: &[("env/RUNNER_OUTPUT_LIMIT", "\"8192\"")],
        warnings: &["runners.outputLimit"],
    },
    Case {
        name: "outputLimit text 0 is 0",
        values: "runners: {outputLimit: \"0\"}",
        set_string: &[],
        expected: &[("env/RUNNER_OUTPUT_LIMIT", "\"0\"")],
        warnings: &["runners.outputLimit"],
    },
    Case {
        name: "cacheType empty: no cache",
        values: "runners: {cache: {cacheType: \"\", secretName: \"\"}}",
        set_string: &[],
        expected: &[
            ("env/CACHE_TYPE", "~absent"),
            (
                "Deployment/spec.template.spec.volumes[2].projected.sources",
                "[{\"secret\": {\"items\": [{\"key\": \"runner-registration-token\", \"path\": \"runner-registration-token\"}, {\"key\": \"runner-token\", \"path\": \"runner-token\"}], \"name\": \"ci-gitlab-runner\"}}]",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "s3 cache with empty settings",
        values: "runners: {cache: {cacheType: s3, cachePath: \"\", s3CachePath: \"p\", cacheShared: false, s3ServerAddress: \"\", s3BucketName: \"\", s3BucketLocation: \"\", s3CacheInsecure: false, secretName: \"\"}}",
        set_string: &[],
        expected: &[
            ("env/CACHE_TYPE", "\"s3\""),
            ("env/CACHE_PATH", "\"p\""),
            ("env/CACHE_SHARED", "~absent"),
            ("env/CACHE_S3_SERVER_ADDRESS", "\"\""),
            ("env/CACHE_S3_BUCKET_NAME", "\"\""),
            ("env/CACHE_S3_BUCKET_LOCATION", "\"\""),
            ("env/CACHE_S3_INSECURE", "~absent"),
            (
                "Deployment/spec.template.spec.volumes[2].projected.sources",
                "[{\"secret\": {\"items\": [{\"key\": \"runner-registration-token\", \"path\": \"runner-registration-token\"}, {\"key\": \"runner-token\", \"path\": \"runner-token\"}], \"name\": \"ci-gitlab-runner\"}}]",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "gcs cache with empty secretName is s3access",
        values: "runners: {cache: {cacheType: gcs, secretName: \"\", gcsBucketName: \"\"}}",
        set_string: &[],
        expected: &[
            ("env/CACHE_GCS_BUCKET_NAME", "\"\""),
            (
                "Deployment/spec.template.spec.volumes[2].projected.sources[0]",
                "{\"secret\": {\"name\": \"s3access\"}}",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "job quantities empty",
        values: "runners: {builds: {cpuLimit: \"\", memoryLimit: \"\"}, services: {cpuRequests: \"\"}, helpers: {memoryRequests: \"\", image: \"\"}}",
        set_string: &[],
        expected: &[
            ("env/KUBERNETES_CPU_LIMIT", "\"\""),
            ("env/KUBERNETES_MEMORY_LIMIT", "\"\""),
            ("env/KUBERNETES_SERVICE_CPU_REQUEST", "\"\""),
            ("env/KUBERNETES_HELPER_MEMORY_REQUEST", "\"\""),
            ("env/KUBERNETES_HELPER_IMAGE", "\"\""),
        ],
        warnings: &[],
    },
    Case {
        name: "job quantities: the number 0 is not set, the text \"0\" is zero",
        values: "runners: {builds: {cpuLimit: 0, memoryLimit: 0.0, cpuRequests: \"0\", memoryRequests: 0.5}, services: {cpuLimit: 0, memoryLimit: \"0\"}, helpers: {memoryRequests: 0, cpuLimit: 0.25}}",
        set_string: &[],
        expected: &[
            ("env/KUBERNETES_CPU_LIMIT", "\"\""),
            ("env/KUBERNETES_MEMORY_LIMIT", "\"\""),
            ("env/KUBERNETES_CPU_REQUEST", "\"0\""),
            ("env/KUBERNETES_MEMORY_REQUEST", "\"0.5\""),
            ("env/KUBERNETES_SERVICE_CPU_LIMIT", "\"\""),
            ("env/KUBERNETES_SERVICE_MEMORY_LIMIT", "\"0\""),
            ("env/KUBERNETES_HELPER_MEMORY_REQUEST", "\"\""),
            ("env/KUBERNETES_HELPER_CPU_LIMIT", "\"0.25\""),
        ],
        warnings: &[],
    },
    Case {
        name: "job serviceAccountName and cloneUrl empty",
        values: "runners: {serviceAccountName: \"\", cloneUrl: \"\"}",
        set_string: &[],
        expected: &[
            ("env/KUBERNETES_SERVICE_ACCOUNT", "\"\""),
            ("env/CLONE_URL", "\"\""),
        ],
        warnings: &[],
    },
    Case {
        name: "securityContext 0: runAsUser printed, fsGroup not set",
        values: "securityContext: {runAsUser: 0, fsGroup: 0}",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.securityContext",
            "{\"runAsUser\": 0}",
        )],
        warnings: &[],
    },
    Case {
        name: "securityContext empty strings",
        values: "securityContext: {runAsUser: \"\", fsGroup: \"\"}",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.securityContext",
            "{\"runAsUser\": null}",
        )],
        warnings: &[],
    },
    Case {
        name: "securityContext as text",
        values: "securityContext: {runAsUser: \"1000\", fsGroup: \"2000\"}",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.securityContext",
            "{\"fsGroup\": 2000, \"runAsUser\": 1000}",
        )],
        warnings: &["securityContext.fsGroup", "securityContext.runAsUser"],
    },
    Case {
        name: "securityContext text 0 is set",
        values: "{}",
        set_string: &["securityContext.runAsUser=0", "securityContext.fsGroup=0"],
        expected: &[(
            "Deployment/spec.template.spec.securityContext",
            "{\"fsGroup\": 0, \"runAsUser\": 0}",
        )],
        warnings: &["securityContext.fsGroup", "securityContext.runAsUser"],
    },
    Case {
        name: "certsSecretName empty: no volume",
        values: "certsSecretName: \"\"",
        set_string: &[],
        expected: &[
            (
                "Deployment/spec.template.spec.volumes",
                "[{\"emptyDir\": {\"medium\": \"Memory\"}, \"name\": \"runner-secrets\"}, {\"emptyDir\": {\"medium\": \"Memory\"}, \"name\": \"etc-gitlab-runner\"}, {\"name\": \"init-runner-secrets\", \"projected\": {\"sources\": [{\"secret\": {\"items\": [{\"key\": \"runner-registration-token\", \"path\": \"runner-registration-token\"}, {\"key\": \"runner-token\", \"path\": \"runner-token\"}], \"name\": \"ci-gitlab-runner\"}}]}}, {\"configMap\": {\"name\": \"ci-gitlab-runner\"}, \"name\": \"scripts\"}]",
            ),
            (
                "Deployment/spec.template.spec.containers[0].volumeMounts",
                "[{\"mountPath\": \"/secrets\", \"name\": \"runner-secrets\"}, {\"mountPath\": \"/home/gitlab-runner/.gitlab-runner\", \"name\": \"etc-gitlab-runner\"}, {\"mountPath\": \"/scripts\", \"name\": \"scripts\"}]",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "resources with empty maps",
        values: "resources: {limits: {}, requests: {}}",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.containers[0].resources",
            "{\"limits\": {}, \"requests\": {}}",
        )],
        warnings: &[],
    },
    Case {
        name: "empty maps and lists of the pod",
        values: "affinity: {}\nnodeSelector: {}\ntolerations: []\nhostAliases: []\nenvVars: []\npodAnnotations: {}\npodLabels: {}",
        set_string: &[],
        expected: &[
            ("Deployment/spec.template.spec.affinity", "~absent"),
            ("Deployment/spec.template.spec.nodeSelector", "~absent"),
            ("Deployment/spec.template.spec.tolerations", "~absent"),
            ("Deployment/spec.template.spec.hostAliases", "~absent"),
            (
                "Deployment/spec.template.metadata.annotations.prometheus.io/scrape",
                "~absent",
            ),
        ],
        warnings: &[],
    },
    Case {
        name: "toleration with empty strings",
        values: "tolerations: [{key: \"\", operator: \"\", value: \"\", effect: \"\"}]",
        set_string: &[],
        expected: &[(
            "Deployment/spec.template.spec.tolerations",
            "[{\"effect\": \"\", \"key\": \"\", \"operator\": \"\", \"value\": \"\"}]",
        )],
        warnings: &[],
    },
    Case {
        name: "envVars value empty",
        values: "envVars: [{name: A, value: \"\"}]",
        set_string: &[],
        expected: &[("env/A", "\"\"")],
        warnings: &[],
    },
    Case {
        name: "hpa empty map: no HPA",
        values: "hpa: {}",
        set_string: &[],
        expected: &[("kinds", "[\"ConfigMap\", \"Deployment\", \"Secret\"]")],
        warnings: &[],
    },
    Case {
        name: "hpa replicas 0 are 1",
        values: "hpa: {minReplicas: 0, maxReplicas: 0, metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]}",
        set_string: &[],
        expected: &[
            ("HorizontalPodAutoscaler/spec.minReplicas", "1"),
            ("HorizontalPodAutoscaler/spec.maxReplicas", "1"),
        ],
        warnings: &[],
    },
    Case {
        name: "hpa replicas empty are 1",
        values: "hpa: {minReplicas: \"\", maxReplicas: \"\", metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]}",
        set_string: &[],
        expected: &[
            ("HorizontalPodAutoscaler/spec.minReplicas", "1"),
            ("HorizontalPodAutoscaler/spec.maxReplicas", "1"),
        ],
        warnings: &[],
    },
    Case {
        name: "hpa replicas as text",
        values: "hpa: {minReplicas: \"2\", maxReplicas: \"3\", metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]}",
        set_string: &[],
        expected: &[
            ("HorizontalPodAutoscaler/spec.minReplicas", "2"),
            ("HorizontalPodAutoscaler/spec.maxReplicas", "3"),
        ],
        warnings: &["hpa.maxReplicas", "hpa.minReplicas"],
    },
    Case {
        name: "name overrides empty",
        values: "nameOverride: \"\"\nfullnameOverride: \"\"",
        set_string: &[],
        expected: &[("Deployment/metadata.name", "\"ci-gitlab-runner\"")],
        warnings: &[],
    },
];

/// Values that Helm renders exactly as the base values alone.
const SAME_AS_NOT_SET: &[&str] = &[
    "runners: {cache: {}}",
    "runners: {cache: {cacheType: \"\", secretName: \"\"}}",
    "certsSecretName: \"\"",
    "runners: {cloneUrl: \"\"}",
    "hpa: {}",
    "image: \"\"",
    "logFormat: \"\"",
    "logLevel: \"\"",
    "affinity: {}\nnodeSelector: {}\ntolerations: []\nhostAliases: []\nenvVars: []\npodAnnotations: {}\npodLabels: {}",
    "nameOverride: \"\"\nfullnameOverride: \"\"",
    "runners: {namespace: \"\"}",
    "runners: {builds: {cpuLimit: \"\", memoryLimit: \"\", cpuRequests: \"\", memoryRequests: \"\"}, services: {cpuLimit: \"\", memoryLimit: \"\", cpuRequests: \"\", memoryRequests: \"\"}, helpers: {cpuLimit: \"\", memoryLimit: \"\", cpuRequests: \"\", memoryRequests: \"\", image: \"\"}}",
    "rbac: {create: false, serviceAccountName: \"\"}",
    "rbac: {}",
    "runners: {requestConcurrency: 0}",
    "runners: {requestConcurrency: \"\"}",
    "runners: {nodeSelector: {}, podLabels: {}, podAnnotations: {}, env: {}}",
    "runners: {imagePullPolicy: \"\"}",
    "runners: {imagePullSecrets: []}",
    "runners: {serviceAccountName: \"\"}",
    "runners: {secret: \"\"}",
    "runners: {tags: \"\"}",
    "runners: {runUntagged: false, protected: false}",
];

/// Numbers given as text that Helm renders exactly as the numbers.
const SAME_AS_NUMBER: &[(&str, &str)] = &[
    ("concurrent: \"7\"", "concurrent: 7"),
    ("checkInterval: \"0\"", "checkInterval: 0"),
    (
        "terminationGracePeriodSeconds: \"0\"",
        "terminationGracePeriodSeconds: 0",
    ),
    (
        "securityContext: {runAsUser: \"0\", fsGroup: \"1\"}",
        "securityContext: {runAsUser: 0, fsGroup: 1}",
    ),
    (
        "runners: {requestConcurrency: \"3\", pollTimeout: \"30\", outputLimit: \"1\"}",
        "runners: {requestConcurrency: 3, pollTimeout: 30, outputLimit: 1}",
    ),
    (
        "hpa: {minReplicas: \"2\", maxReplicas: \"4\", metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]}",
        "hpa: {minReplicas: 2, maxReplicas: 4, metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]}",
    ),
];

/// Booleans given as `""`: Helm renders them as with `false` in their place.
const SAME_AS_FALSE: &[&str] = &[
    "runners: {cache: {cacheType: s3, cacheShared: \"\", s3CacheInsecure: \"\"}}",
    "metrics: {enabled: \"\"}",
    "rbac: {create: \"\", clusterWideAccess: \"\"}",
    "rbac: {create: true, clusterWideAccess: \"\"}",
    "runners: {locked: \"\", runUntagged: \"\", protected: \"\", privileged: \"\"}",
    "unregisterRunners: \"\"",
];

/// `--set key=` gives the empty string; Helm renders these as the values file below.
const SET_EMPTY: (&str, &str) = (
    "runners.privileged=,rbac.create=,runners.namespace=,runners.outputLimit=,certsSecretName=",
    "runners: {privileged: false, namespace: \"\", outputLimit: \"\"}\nrbac: {create: false}\ncertsSecretName: \"\"\n",
);

struct Rendered {
    text: String,
    objects: Vec<Json>,
    warnings: Vec<(String, Severity)>,
}

fn render(values: &str, set_string: &[&str]) -> Result<Rendered, String> {
    render_with(values, &[], set_string)
}

fn render_with(values: &str, set: &[&str], set_string: &[&str]) -> Result<Rendered, String> {
    static RENDERER: std::sync::LazyLock<Renderer> =
        std::sync::LazyLock::new(|| Renderer::new(Chart::builtin()).expect("the builtin chart"));
    let renderer = &*RENDERER;
    let mut user = Values::new();
    user.add_yaml("base.yaml", BASE)
        .map_err(|e| e.to_string())?;
    user.add_yaml("case.yaml", values)
        .map_err(|e| e.to_string())?;
    for expr in set {
        user.set(expr).map_err(|e| e.to_string())?;
    }
    for expr in set_string {
        user.set_string(expr).map_err(|e| e.to_string())?;
    }
    let options = RenderOptions::new(Release::new("ci", "gitlab").map_err(|e| e.to_string())?);
    let manifests = renderer
        .render(&user, &options)
        .map_err(|e| e.to_string())?;
    let text = manifests.to_string();
    let objects = text
        .split("\n---\n")
        .map(|doc| doc.trim_start_matches("---\n"))
        .filter(|doc| !doc.trim().is_empty())
        .map(|doc| serde_yaml::from_str::<Json>(doc).map_err(|e| format!("{e}\n{doc}")))
        .collect::<Result<Vec<_>, _>>()?;
    let warnings = manifests
        .warnings()
        .iter()
        .map(|d| (d.path.clone(), d.severity))
        .collect();
    Ok(Rendered {
        text,
        objects,
        warnings,
    })
}

fn object<'a>(objects: &'a [Json], kind: &str) -> Option<&'a Json> {
    objects.iter().find(|o| o["kind"] == kind)
}

/// The value a selector picks from the objects (see the module documentation).
fn select(objects: &[Json], selector: &str) -> Option<Json> {
    if selector == "kinds" {
        let mut kinds: Vec<Json> = objects.iter().map(|o| o["kind"].clone()).collect();
        kinds.sort_by_key(|k| k.as_str().unwrap_or_default().to_string());
        return Some(Json::Array(kinds));
    }
    if let Some(name) = selector.strip_prefix("env/") {
        let spec = &object(objects, "Deployment")?["spec"]["template"]["spec"];
        let find = |container: &Json| {
            container["env"]
                .as_array()?
                .iter()
                .find(|e| e["name"] == name)
                .map(|e| e.get("value").cloned().unwrap_or(Json::Null))
        };
        let main = find(&spec["containers"][0]);
        assert_eq!(main, find(&spec["initContainers"][0]), "{selector}");
        return main;
    }
    if let Some(key) = selector.strip_prefix("toml/") {
        let toml = object(objects, "ConfigMap")?["data"]["config.toml"].as_str()?;
        return toml.lines().find_map(|line| {
            let (k, v) = line.trim().split_once(" = ")?;
            (k == key).then(|| Json::String(v.to_string()))
        });
    }
    let (kind, path) = selector.split_once('/').expect("Kind/path");
    let mut node = object(objects, kind)?;
    for part in path.replace('[', ".[").split('.') {
        node = match part.strip_prefix('[') {
            Some(index) => node.get(index.trim_end_matches(']').parse::<usize>().ok()?)?,
            // annotation keys contain dots: `prometheus.io/scrape`
            None => node.get(part)?,
        };
    }
    Some(node.clone())
}

#[test]
fn each_class_renders_what_helm_renders() {
    let mut failures = Vec::new();
    for case in CASES {
        let rendered = match render(case.values, case.set_string) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        for (selector, expected) in case.expected {
            let actual = select(&rendered.objects, selector);
            let expected: Option<Json> = (*expected != ABSENT)
                .then(|| serde_json::from_str(expected).expect("expected values are JSON"));
            if actual != expected {
                failures.push(format!(
                    "{}: {selector}: Helm rendered {expected:?}, we render {actual:?}",
                    case.name
                ));
            }
        }
        let mut warned: Vec<&str> = rendered.warnings.iter().map(|(p, _)| p.as_str()).collect();
        warned.sort_unstable();
        if warned != case.warnings {
            failures.push(format!(
                "{}: warnings for {warned:?}, expected {:?}",
                case.name, case.warnings
            ));
        }
        assert!(
            rendered
                .warnings
                .iter()
                .all(|(_, severity)| *severity == Severity::Warning)
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn empty_values_render_as_not_set() {
    let base = render("{}", &[]).unwrap().text;
    for values in SAME_AS_NOT_SET {
        let rendered = render(values, &[]).unwrap_or_else(|e| panic!("{values}: {e}"));
        assert_eq!(rendered.text, base, "{values}");
        assert!(rendered.warnings.is_empty(), "{values}");
    }
}

#[test]
fn numbers_given_as_text_render_as_the_numbers() {
    for (text, number) in SAME_AS_NUMBER {
        let as_text = render(text, &[]).unwrap_or_else(|e| panic!("{text}: {e}"));
        let as_number = render(number, &[]).unwrap_or_else(|e| panic!("{number}: {e}"));
        assert_eq!(as_text.text, as_number.text, "{text}");
        assert!(!as_text.warnings.is_empty(), "{text}: no warning");
        assert!(as_number.warnings.is_empty(), "{number}");
    }
}

#[test]
fn empty_booleans_render_as_false() {
    for values in SAME_AS_FALSE {
        let empty = render(values, &[]).unwrap_or_else(|e| panic!("{values}: {e}"));
        let with_false = values.replace("\"\"", "false");
        let as_false = render(&with_false, &[]).unwrap_or_else(|e| panic!("{with_false}: {e}"));
        assert_eq!(empty.text, as_false.text, "{values}");
        assert!(empty.warnings.is_empty(), "{values}");
    }
    let (set, values) = SET_EMPTY;
    let with_set = render_with("{}", &[set], &[]).unwrap();
    assert_eq!(with_set.text, render(values, &[]).unwrap().text);
    assert_ne!(with_set.text, render("{}", &[]).unwrap().text);
}

/// Where Helm's output would be broken or refused by Kubernetes, the values are refused, with
/// the values path: an empty `concurrent` (Helm prints `concurrent = `), a number as text that
/// does not read back as the same number, the text "0" for replicas (Helm prints
/// `minReplicas: 0`), a number as text that the chart passes to Kubernetes as it is, and quoted
/// booleans (Helm reads "false" as true).
#[test]
fn what_helm_would_render_broken_is_refused() {
    for (values, path) in [
        ("concurrent: \"\"", "concurrent"),
        ("checkInterval: \"\"", "checkInterval"),
        ("concurrent: \"05\"", "concurrent"),
        ("checkInterval: \"+5\"", "checkInterval"),
        ("runners: {pollTimeout: \"1e3\"}", "runners.pollTimeout"),
        (
            "securityContext: {runAsUser: \" 5\"}",
            "securityContext.runAsUser",
        ),
        (
            "runners: {outputLimit: \"2147483648\"}",
            "runners.outputLimit",
        ),
        ("hpa: {minReplicas: \"0\"}", "hpa.minReplicas"),
        ("hpa: {maxReplicas: -1}", "hpa.maxReplicas"),
        (
            "terminationGracePeriodSeconds: \"-1\"",
            "terminationGracePeriodSeconds",
        ),
        (
            "tolerations: [{key: a, operator: Exists, tolerationSeconds: \"30\"}]",
            "tolerations[0].tolerationSeconds",
        ),
        ("runners: {privileged: \"false\"}", "runners.privileged"),
        ("rbac: {create: \"true\"}", "rbac.create"),
        (
            "runners: {builds: {cpuLimit: -1}}",
            "runners.builds.cpuLimit",
        ),
        ("resources: {limits: {cpu: \"\"}}", "resources.limits.cpu"),
        (
            "resources: {requests: {memory: -1}}",
            "resources.requests.memory",
        ),
        (
            "runners: {imagePullSecrets: [\"\"]}",
            "runners.imagePullSecrets[0]",
        ),
        (
            "hostAliases: [{ip: \"\", hostnames: [a]}]",
            "hostAliases[0].ip",
        ),
        (
            "hpa: {minReplicas: \"3\", maxReplicas: 2}",
            "hpa.maxReplicas",
        ),
    ] {
        match render(values, &[]) {
            Ok(_) => panic!("{values}: rendered"),
            Err(e) => assert!(e.contains(&format!("{path}:")), "{values}: {e}"),
        }
    }
}
