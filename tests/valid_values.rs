//! Property tests with *valid* values: values drawn from the domain the typed model
//! (`src/schema/model.rs`) documents for every key — any subset of the keys and nested maps,
//! explicit nulls now and then, enums from their allowed values, integers ≥ 0, quantities,
//! http(s) URLs, DNS names, IP addresses, label and annotation keys by Kubernetes syntax, and
//! arbitrary text (any Unicode, control characters included) wherever the model takes text.
//!
//! With the values schema on (`Chart::builtin()`), such values must:
//! - render, for the default Kubernetes version and for 1.20 (where only v2beta1-style HPA
//!   metrics exist: a v2-style one is refused with a message naming it);
//! - give a `helm template` stream whose every document parses as YAML and is a Kubernetes
//!   object (string apiVersion and kind, a valid name, valid labels and annotations, string
//!   maps where Kubernetes wants them), the same bytes on every render, and the same bytes
//!   whether the values come as a mapping (`add_mapping`) or as YAML text (`add_yaml`);
//! - come out where the chart puts them, unchanged (env of both containers, pod labels and
//!   annotations, the ServiceAccount, Role rules, the Secret, the HPA, config.toml, the
//!   registration script, ...);
//! - deserialize into the typed model once merged with the chart defaults.
//!
//! The `regression_` tests at the end keep the valid values these properties found that do not
//! render or do not give a Kubernetes object; the generators leave those values out.
//! `PROPTEST_CASES=2000 cargo test --release --test valid_values` searches longer.

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::Engine as _;
use gitlab_runner_chart::__private::schema::check::Checker;
use gitlab_runner_chart::__private::schema::model::ChartValues;
use gitlab_runner_chart::__private::schema::values_schema;
use gitlab_runner_chart::{
    Chart, ErrorKind, KubeVersion, Manifests, Release, RenderOptions, Renderer, Values,
};
use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

// ---------------------------------------------------------------------------------------------
// Generators of valid values
// ---------------------------------------------------------------------------------------------

type S = BoxedStrategy<Value>;

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// Arbitrary text: any Unicode (control characters included, but NUL, which the values check
/// refuses everywhere), weighted towards the syntax of YAML, TOML and shell.
fn text() -> BoxedStrategy<String> {
    let pieces = prop::sample::select(vec![
        ": ", " #", "#", "-", "- ", "*", "&", "!", "{", "}", "[", "]", ",", "|", ">", "'", "\"",
        "\\", "%", "@", "`", "\n", "\r", "\t", "\u{1b}", "\u{7f}", "\u{85}", "\u{2028}",
        "\u{feff}", "---", "...", "~", "null", "true", "yes", "no", "on", "1e3", "0x1F", "0755",
        "1:20", ".inf", "<<", "=", "$(id)", "${x}", "é", "😀", " ", "", "a", "Z9",
    ]);
    prop_oneof![
        3 => any::<String>(),
        3 => prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat()),
        1 => "[a-z0-9:/._-]{0,20}",
    ]
    .prop_map(|t| t.replace('\0', ""))
    .boxed()
}

fn nonempty_text() -> BoxedStrategy<String> {
    text()
        .prop_map(|t| if t.is_empty() { "x".to_string() } else { t })
        .boxed()
}

fn text_value() -> S {
    text().prop_map(Value::String).boxed()
}

/// A value or, now and then, an explicit `null` (which deletes a chart default).
fn nullable(strategy: S) -> S {
    prop_oneof![1 => Just(Value::Null), 12 => strategy].boxed()
}

/// A map with any subset of `fields`.
fn fields(list: Vec<(&'static str, S)>) -> S {
    let parts: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = list
        .into_iter()
        .map(|(key, strategy)| prop::option::of(strategy.prop_map(move |v| (key, v))).boxed())
        .collect();
    parts
        .prop_map(|entries| {
            Value::Mapping(
                entries
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (s(k), v))
                    .collect(),
            )
        })
        .boxed()
}

fn pick(options: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(options)
        .prop_map(str::to_string)
        .boxed()
}

fn one_of(options: &'static [&'static str]) -> S {
    prop::sample::select(options).prop_map(s).boxed()
}

fn boolean() -> S {
    any::<bool>().prop_map(Value::Bool).boxed()
}

/// An integer from 0 to 2^31 - 1 (the model's range for counts and seconds), mostly small.
fn count() -> S {
    prop_oneof![
        4 => (0u64..=10_000).prop_map(Value::from),
        1 => (0u64..=2_147_483_647).prop_map(Value::from),
    ]
    .boxed()
}

/// Now and then the empty string: where the chart tests a key with `if` or `default`, Go
/// templates treat `""` as not set.
fn or_empty(strategy: S) -> S {
    prop_oneof![6 => strategy, 1 => Just(s(""))].boxed()
}

/// A whole number or, now and then, the same number as text (`--set-string`; accepted with a
/// warning where the chart prints it as is).
fn or_text(strategy: S) -> S {
    (strategy, 0u8..5)
        .prop_map(|(v, pick)| match v.as_u64() {
            Some(n) if pick == 0 => Value::String(n.to_string()),
            _ => v,
        })
        .boxed()
}

/// An optional count: a number (0 more often), the number as text, or empty.
fn optional_count() -> S {
    or_empty(or_text(
        prop_oneof![5 => count(), 1 => Just(Value::from(0))].boxed(),
    ))
}

/// A boolean, or `""` (false in Go templates).
fn flag() -> S {
    prop_oneof![6 => boolean(), 1 => Just(s(""))].boxed()
}

fn non_negative_i64() -> S {
    prop_oneof![
        4 => (0i64..=70_000).prop_map(Value::from),
        1 => (0i64..=2_147_483_647).prop_map(Value::from),
    ]
    .boxed()
}

/// A DNS-1123 label, at most `max` (2..=63) characters.
fn dns_label_max(max: usize) -> BoxedStrategy<String> {
    let long = format!("[a-z0-9]([-a-z0-9]{{0,{}}}[a-z0-9])?", max - 2);
    prop_oneof![
        3 => "[a-z][a-z0-9]{0,6}".boxed(),
        1 => "[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?".boxed(),
        1 => proptest::string::string_regex(&long).unwrap().boxed(),
    ]
    .boxed()
}

fn dns_label() -> BoxedStrategy<String> {
    dns_label_max(63)
}

/// A DNS-1123 subdomain.
fn dns_subdomain() -> BoxedStrategy<String> {
    prop::collection::vec(dns_label(), 1..5)
        .prop_map(|labels| labels.join("."))
        .prop_filter("at most 253 characters", |s| s.len() <= 253)
        .boxed()
}

/// A host name whose last label starts with a letter (a URL host ending in a number is read
/// as an IPv4 address).
fn host_name() -> BoxedStrategy<String> {
    (
        prop::collection::vec(dns_label_max(20), 0..3),
        "[a-z]([-a-z0-9]{0,8}[a-z0-9])?",
    )
        .prop_map(|(mut labels, last)| {
            labels.push(last);
            labels.join(".")
        })
        .boxed()
}

fn ipv4() -> BoxedStrategy<String> {
    any::<std::net::Ipv4Addr>()
        .prop_map(|ip| ip.to_string())
        .boxed()
}

fn ipv6() -> BoxedStrategy<String> {
    prop_oneof![
        3 => any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
        1 => pick(&["::1", "fd00::10", "::ffff:10.0.0.1", "2001:db8:0:0:0:0:0:1", "::"]),
    ]
    .boxed()
}

fn ip_address() -> S {
    prop_oneof![ipv4(), ipv6()].prop_map(Value::String).boxed()
}

/// An absolute http(s) URL.
fn http_url() -> S {
    let scheme = prop::sample::select(vec!["http", "https", "HTTPS", "Http"]);
    let host = prop_oneof![
        4 => host_name(),
        1 => ipv4(),
        1 => ipv6().prop_map(|ip| format!("[{ip}]")),
        1 => pick(&["localhost", "GitLab.Example.COM", "exämple.com", "xn--bcher-kva.example"]),
    ];
    let port = prop::option::of(1u16..=65535);
    let path = prop_oneof![
        Just(String::new()),
        Just("/".to_string()),
        "(/[A-Za-z0-9._~%-]{0,8}){1,3}/?"
    ];
    let query = prop::option::of("[a-z0-9=&]{0,10}");
    (scheme, host, port, path, query)
        .prop_map(|(scheme, host, port, path, query)| {
            let mut url = format!("{scheme}://{host}");
            if let Some(port) = port {
                url.push_str(&format!(":{port}"));
            }
            url.push_str(&path);
            if let Some(query) = query {
                url.push('?');
                url.push_str(&query);
            }
            Value::String(url)
        })
        .boxed()
}

/// The quantities the model accepts, with at most 5 digits before and 3 after the point.
const QUANTITY: &str =
    r"\+?([0-9]{1,5}(\.[0-9]{0,3})?|\.[0-9]{1,3})([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]{1,2})?";

/// A Kubernetes quantity: a string (`500m`, `2`, `1.5`, `256Mi`, `1e3`) or a number ≥ 0.
fn quantity() -> S {
    prop_oneof![
        2 => one_of(&["500m", "2", "1.5", "256Mi", "1Gi", "100k", ".5", "+1", "1e3", "0"]),
        3 => QUANTITY.prop_map(Value::String),
        1 => (0u64..=1_000_000).prop_map(Value::from),
        1 => (0u32..=100_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
    ]
    .boxed()
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters.
fn name_part() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,8}[a-zA-Z0-9])?",
        1 => "[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?",
    ]
    .boxed()
}

/// The labels and annotations the chart sets on the runner manager pod itself.
const CHART_POD_LABELS: &[&str] = &["app", "chart", "release", "heritage"];
const CHART_POD_ANNOTATIONS: &[&str] = &[
    "checksum/configmap",
    "checksum/secrets",
    "prometheus.io/scrape",
    "prometheus.io/port",
];

/// A label or annotation key: `[prefix/]name`, now and then a well-known one; never one of
/// `excluded` (see the BUG tests at the end: the chart's own pod labels and annotations).
fn qualified_name(excluded: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        6 => (prop::option::of(dns_subdomain()), name_part())
            .prop_map(|(prefix, name)| match prefix {
                Some(prefix) => format!("{prefix}/{name}"),
                None => name,
            }),
        1 => pick(CHART_POD_LABELS),
        1 => pick(CHART_POD_ANNOTATIONS),
        1 => pick(&["node-role.kubernetes.io/worker", "iam.amazonaws.com/role"]),
    ]
    .prop_filter("a key the chart sets", move |k| {
        !excluded.contains(&k.as_str())
    })
    .boxed()
}

/// A label value: empty or a name part (strings), or a number or boolean.
fn label_value() -> S {
    prop_oneof![
        1 => Just(s("")),
        6 => name_part().prop_map(Value::String),
        1 => (0u64..100_000).prop_map(Value::from),
        1 => boolean(),
    ]
    .boxed()
}

/// A string, number or boolean used as text (annotation and environment values).
fn scalar() -> S {
    prop_oneof![
        6 => text_value(),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => (-1.0e6f64..1.0e6).prop_map(Value::from),
        1 => boolean(),
    ]
    .boxed()
}

fn string_map(keys: BoxedStrategy<String>, values: S, max: usize) -> S {
    prop::collection::btree_map(keys, values, 0..max)
        .prop_map(|m| Value::Mapping(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()))
        .boxed()
}

fn labels() -> S {
    string_map(qualified_name(&[]), label_value(), 4)
}

/// Labels with string values only, for where Kubernetes takes a map of strings as is
/// (nodeSelector of the manager pod, matchLabels of HPA metric selectors; BUG test below).
fn string_labels() -> S {
    let value = prop_oneof![
        1 => Just(String::new()),
        6 => name_part(),
    ];
    string_map(
        qualified_name(&[]),
        value.prop_map(Value::String).boxed(),
        4,
    )
}

/// podLabels of the manager pod: not the chart's own labels (BUG tests below).
fn pod_labels() -> S {
    string_map(qualified_name(CHART_POD_LABELS), label_value(), 4)
}

fn annotations() -> S {
    string_map(qualified_name(&[]), scalar(), 4)
}

/// podAnnotations of the manager pod: not the chart's own annotations (BUG tests below).
fn pod_annotations() -> S {
    string_map(qualified_name(CHART_POD_ANNOTATIONS), scalar(), 4)
}

/// Values passed to `gitlab-runner register` on its command line (runners.env,
/// runners.podAnnotations): any scalar but text with a NUL (BUG test below).
fn register_scalar() -> S {
    scalar()
        .prop_map(|v| match v {
            Value::String(t) => Value::String(t.replace('\0', "")),
            other => other,
        })
        .boxed()
}

fn env_var_name() -> BoxedStrategy<String> {
    prop_oneof![
        1 => pick(&["RUNNER_EXECUTOR", "GIT_DEPTH", "a.b-c", "_X", "RUNNER_TAG_LIST"]),
        4 => "[-._a-zA-Z][-._a-zA-Z0-9]{0,20}",
    ]
    .boxed()
}

fn env_var() -> S {
    (env_var_name(), prop::option::of(nullable(scalar())))
        .prop_map(|(name, value)| {
            let mut m = Mapping::new();
            m.insert(s("name"), Value::String(name));
            if let Some(value) = value {
                m.insert(s("value"), value);
            }
            Value::Mapping(m)
        })
        .boxed()
}

fn host_alias() -> S {
    (
        ip_address(),
        prop::collection::vec(dns_subdomain().prop_map(Value::String), 0..3),
    )
        .prop_map(|(ip, hostnames)| {
            Value::Mapping(Mapping::from_iter([
                (s("ip"), ip),
                (s("hostnames"), Value::Sequence(hostnames)),
            ]))
        })
        .boxed()
}

fn list(item: S, max: usize) -> S {
    prop::collection::vec(item, 0..max)
        .prop_map(Value::Sequence)
        .boxed()
}

fn toleration() -> S {
    fields(vec![
        ("key", nullable(text_value())),
        ("operator", nullable(one_of(&["Exists", "Equal", ""]))),
        ("value", nullable(text_value())),
        (
            "effect",
            nullable(one_of(&["", "NoSchedule", "PreferNoSchedule", "NoExecute"])),
        ),
        (
            "tolerationSeconds",
            nullable(any::<i64>().prop_map(Value::from).boxed()),
        ),
    ])
}

fn resource_list() -> S {
    let names = prop::sample::select(vec![
        "cpu",
        "memory",
        "ephemeral-storage",
        "nvidia.com/gpu",
        "hugepages-2Mi",
    ])
    .prop_map(str::to_string)
    .boxed();
    string_map(names, quantity(), 4)
}

fn resources() -> S {
    fields(vec![
        ("limits", nullable(resource_list())),
        ("requests", nullable(resource_list())),
    ])
}

fn affinity() -> S {
    let node_affinity = (
        text_value(),
        one_of(&["In", "NotIn", "Exists"]),
        list(text_value(), 3),
    )
        .prop_map(|(key, operator, values)| {
            let expression = map(vec![
                ("key", key),
                ("operator", operator),
                ("values", values),
            ]);
            let term = map(vec![(
                "matchExpressions",
                Value::Sequence(vec![expression]),
            )]);
            let required = map(vec![("nodeSelectorTerms", Value::Sequence(vec![term]))]);
            let node = map(vec![(
                "requiredDuringSchedulingIgnoredDuringExecution",
                required,
            )]);
            map(vec![("nodeAffinity", node)])
        });
    prop_oneof![
        1 => Just(Value::Mapping(Mapping::new())),
        3 => node_affinity,
    ]
    .boxed()
}

fn job_resources(with_image: bool) -> S {
    // the chart writes them with `default ""`: "" and the number 0 are not set
    let quantity = || or_empty(prop_oneof![6 => quantity(), 1 => Just(Value::from(0))].boxed());
    let mut list = vec![
        ("cpuLimit", nullable(quantity())),
        ("memoryLimit", nullable(quantity())),
        ("cpuRequests", nullable(quantity())),
        ("memoryRequests", nullable(quantity())),
    ];
    if with_image {
        list.push(("image", nullable(text_value())));
    }
    fields(list)
}

fn cache() -> S {
    fields(vec![
        ("cacheType", nullable(one_of(&["s3", "gcs", ""]))),
        ("cachePath", nullable(text_value())),
        ("s3CachePath", nullable(text_value())),
        ("cacheShared", nullable(flag())),
        ("s3ServerAddress", nullable(text_value())),
        ("s3BucketName", nullable(text_value())),
        ("s3BucketLocation", nullable(text_value())),
        ("s3CacheInsecure", nullable(flag())),
        (
            "secretName",
            nullable(or_empty(dns_subdomain().prop_map(Value::String).boxed())),
        ),
        ("gcsBucketName", nullable(text_value())),
    ])
}

fn runners() -> S {
    let object_name = || dns_subdomain().prop_map(Value::String).boxed();
    fields(vec![
        ("image", nullable(text_value())),
        ("imagePullSecrets", nullable(list(object_name(), 3))),
        (
            "imagePullPolicy",
            nullable(one_of(&[
                "",
                "always",
                "if-not-present",
                "never",
                "Always",
                "IfNotPresent",
                "Never",
            ])),
        ),
        (
            "requestConcurrency",
            nullable(or_empty(or_text(
                prop_oneof![4 => 1u64..=100, 1 => 1u64..=2_147_483_647, 1 => Just(0)]
                    .prop_map(Value::from)
                    .boxed(),
            ))),
        ),
        ("locked", nullable(flag())),
        ("tags", nullable(text_value())),
        ("runUntagged", nullable(flag())),
        ("protected", nullable(flag())),
        ("privileged", nullable(flag())),
        ("secret", nullable(or_empty(object_name()))),
        (
            "namespace",
            nullable(or_empty(dns_label().prop_map(Value::String).boxed())),
        ),
        ("pollTimeout", nullable(optional_count())),
        ("outputLimit", nullable(optional_count())),
        ("cache", nullable(cache())),
        ("builds", nullable(job_resources(false))),
        ("services", nullable(job_resources(false))),
        ("helpers", nullable(job_resources(true))),
        ("serviceAccountName", nullable(or_empty(object_name()))),
        ("cloneUrl", nullable(or_empty(http_url()))),
        ("nodeSelector", nullable(labels())),
        ("podLabels", nullable(labels())),
        (
            "podAnnotations",
            nullable(string_map(qualified_name(&[]), register_scalar(), 4)),
        ),
        (
            "env",
            nullable(string_map(env_var_name(), register_scalar(), 4)),
        ),
        ("hostAliases", nullable(list(host_alias(), 3))),
        ("hostAliasesFromManager", nullable(boolean())),
    ])
}

fn seccomp_profile() -> S {
    one_of(&["RuntimeDefault", "Unconfined"])
        .prop_map(|t| Value::Mapping(Mapping::from_iter([(s("type"), t)])))
        .boxed()
}

fn rbac() -> S {
    fields(vec![
        (
            "create",
            nullable(
                prop_oneof![
                    6 => Just(Value::Bool(true)),
                    2 => Just(Value::Bool(false)),
                    1 => Just(s("")),
                ]
                .boxed(),
            ),
        ),
        ("resources", nullable(list(text_value(), 4))),
        ("verbs", nullable(list(text_value(), 4))),
        ("clusterWideAccess", nullable(flag())),
        (
            "serviceAccountName",
            nullable(or_empty(dns_subdomain().prop_map(Value::String).boxed())),
        ),
        ("serviceAccountAnnotations", nullable(annotations())),
    ])
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Mapping(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

fn metric_name() -> S {
    prop_oneof![
        1 => one_of(&["gitlab_runner_jobs", "requests_per_second"]),
        1 => nonempty_text().prop_map(Value::String),
    ]
    .boxed()
}

fn selector() -> BoxedStrategy<Option<Value>> {
    prop::option::of(string_labels().prop_map(|l| map(vec![("matchLabels", l)]))).boxed()
}

/// An HPA metric: `Pods` or `Resource`, in the autoscaling/v2beta1 form, or (with `v2`) also
/// in the v2 form.
fn metric(v2: bool) -> S {
    let pods_v2beta1 = (metric_name(), quantity(), selector())
        .prop_map(|(name, value, selector)| {
            let mut pods = vec![("metricName", name), ("targetAverageValue", value)];
            if let Some(selector) = selector {
                pods.push(("selector", selector));
            }
            map(vec![("type", s("Pods")), ("pods", map(pods))])
        })
        .boxed();
    let resource_v2beta1 = (
        one_of(&["cpu", "memory"]),
        prop_oneof![
            (1u64..=100).prop_map(|n| ("targetAverageUtilization", Value::from(n))),
            quantity().prop_map(|q| ("targetAverageValue", q)),
        ],
    )
        .prop_map(|(name, (key, target))| {
            map(vec![
                ("type", s("Resource")),
                ("resource", map(vec![("name", name), (key, target)])),
            ])
        })
        .boxed();
    if !v2 {
        return prop_oneof![pods_v2beta1, resource_v2beta1].boxed();
    }
    let pods_v2 = (metric_name(), quantity(), selector())
        .prop_map(|(name, value, selector)| {
            let mut metric = vec![("name", name)];
            if let Some(selector) = selector {
                metric.push(("selector", selector));
            }
            map(vec![
                ("type", s("Pods")),
                (
                    "pods",
                    map(vec![
                        ("metric", map(metric)),
                        (
                            "target",
                            map(vec![("type", s("AverageValue")), ("averageValue", value)]),
                        ),
                    ]),
                ),
            ])
        })
        .boxed();
    let resource_v2 = (one_of(&["cpu", "memory"]), 1u64..=100)
        .prop_map(|(name, utilization)| {
            map(vec![
                ("type", s("Resource")),
                (
                    "resource",
                    map(vec![
                        ("name", name),
                        (
                            "target",
                            map(vec![
                                ("type", s("Utilization")),
                                ("averageUtilization", Value::from(utilization)),
                            ]),
                        ),
                    ]),
                ),
            ])
        })
        .boxed();
    prop_oneof![pods_v2beta1, resource_v2beta1, pods_v2, resource_v2].boxed()
}

/// `hpa`: minReplicas ≤ maxReplicas (1 when not set).
fn hpa(v2: bool) -> S {
    let replicas = prop_oneof![4 => 1u32..=1000, 1 => 1u32..=2_147_483_647];
    // 0: absent, 1: null, 2: a number, 3: the number as text, 4: 0 or "" (1 for the chart)
    let given = || {
        prop_oneof![
            Just(0u8),
            Just(1u8),
            Just(2u8),
            Just(2u8),
            Just(3u8),
            Just(4u8)
        ]
    };
    let empty = prop_oneof![Just(Value::from(0)), Just(s(""))];
    (
        given(),
        given(),
        replicas.clone(),
        replicas,
        prop::option::of(nullable(list(metric(v2), 4))),
        empty,
    )
        .prop_map(|(min_given, max_given, a, b, metrics, empty)| {
            let (low, high) = (a.min(b), a.max(b));
            let mut m = Mapping::new();
            let max = match max_given {
                0 => None,
                1 => Some(Value::Null),
                2 => Some(Value::from(high)),
                3 => Some(Value::String(high.to_string())),
                _ => Some(empty.clone()),
            };
            let min_limit = if matches!(max_given, 2 | 3) { high } else { 1 };
            let min = match min_given {
                0 => None,
                1 => Some(Value::Null),
                2 => Some(Value::from(low.min(min_limit))),
                3 => Some(Value::String(low.min(min_limit).to_string())),
                _ => Some(empty),
            };
            if let Some(min) = min {
                m.insert(s("minReplicas"), min);
            }
            if let Some(max) = max {
                m.insert(s("maxReplicas"), max);
            }
            if let Some(metrics) = metrics {
                m.insert(s("metrics"), metrics);
            }
            Value::Mapping(m)
        })
        .boxed()
}

/// The chart's values (any subset of the keys); `v2`: HPA metrics may be in the v2 form.
fn chart_values(v2: bool) -> BoxedStrategy<Mapping> {
    fields(vec![
        ("image", nullable(text_value())),
        (
            "imagePullPolicy",
            nullable(one_of(&["Always", "IfNotPresent", "Never", ""])),
        ),
        ("gitlabUrl", nullable(or_empty(http_url()))),
        (
            "runnerRegistrationToken",
            nullable(nonempty_text().prop_map(Value::String).boxed()),
        ),
        (
            "runnerToken",
            nullable(nonempty_text().prop_map(Value::String).boxed()),
        ),
        ("unregisterRunners", nullable(flag())),
        ("terminationGracePeriodSeconds", nullable(optional_count())),
        (
            "certsSecretName",
            nullable(or_empty(dns_subdomain().prop_map(Value::String).boxed())),
        ),
        ("concurrent", or_text(count())),
        ("checkInterval", or_text(count())),
        (
            "logLevel",
            nullable(one_of(&[
                "debug", "info", "warn", "error", "fatal", "panic", "",
            ])),
        ),
        (
            "logFormat",
            nullable(one_of(&["runner", "text", "json", ""])),
        ),
        ("rbac", nullable(rbac())),
        (
            "metrics",
            nullable(fields(vec![("enabled", nullable(flag()))])),
        ),
        ("runners", nullable(runners())),
        (
            "securityContext",
            nullable(fields(vec![
                ("runAsUser", nullable(or_empty(or_text(non_negative_i64())))),
                (
                    "fsGroup",
                    nullable(or_empty(or_text(
                        prop_oneof![5 => non_negative_i64(), 1 => Just(Value::from(0))].boxed(),
                    ))),
                ),
                ("runAsNonRoot", nullable(boolean())),
                ("seccompProfile", nullable(seccomp_profile())),
            ])),
        ),
        (
            "containerSecurityContext",
            nullable(fields(vec![
                ("allowPrivilegeEscalation", nullable(boolean())),
                ("readOnlyRootFilesystem", nullable(boolean())),
                ("runAsNonRoot", nullable(boolean())),
                ("runAsGroup", nullable(non_negative_i64())),
                ("seccompProfile", nullable(seccomp_profile())),
            ])),
        ),
        ("resources", nullable(resources())),
        ("affinity", nullable(affinity())),
        ("nodeSelector", nullable(string_labels())),
        ("tolerations", nullable(list(toleration(), 3))),
        ("envVars", nullable(list(env_var(), 4))),
        ("hostAliases", nullable(list(host_alias(), 3))),
        ("podAnnotations", nullable(pod_annotations())),
        ("podLabels", nullable(pod_labels())),
        ("hpa", nullable(hpa(v2))),
        (
            "nameOverride",
            nullable(
                prop_oneof![1 => Just(String::new()), 4 => dns_label_max(20)]
                    .prop_map(Value::String)
                    .boxed(),
            ),
        ),
        (
            "fullnameOverride",
            nullable(
                prop_oneof![1 => Just(String::new()), 4 => dns_label()]
                    .prop_map(Value::String)
                    .boxed(),
            ),
        ),
    ])
    .prop_map(|v| match v {
        Value::Mapping(m) => m,
        _ => unreachable!(),
    })
    .boxed()
}

/// Values and a release: the release name is a DNS-1123 label of at most 53 characters (or a
/// dotted name when fullnameOverride names the objects), the namespace a DNS-1123 label.
#[derive(Debug, Clone)]
struct Case {
    values: Mapping,
    release: String,
    namespace: String,
}

fn case(v2: bool) -> BoxedStrategy<Case> {
    chart_values(v2)
        .prop_flat_map(|values| {
            let dotted_ok = values
                .get("fullnameOverride")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty());
            let release = if dotted_ok {
                prop_oneof![
                    dns_label_max(53),
                    prop::collection::vec(dns_label_max(12), 2..4).prop_map(|l| l.join(".")),
                ]
                .boxed()
            } else {
                dns_label_max(53)
            };
            (Just(values), release, dns_label())
        })
        .prop_map(|(values, release, namespace)| Case {
            values,
            release,
            namespace,
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::new(Chart::builtin()).expect("the builtin chart compiles"))
}

fn options(case: &Case, kube: KubeVersion) -> RenderOptions {
    let release = Release::new(&case.release, &case.namespace).expect("a valid release");
    RenderOptions::new(release).with_kube_version(kube)
}

fn user_values(case: &Case) -> Values {
    let mut values = Values::new();
    values.add_mapping(case.values.clone());
    values
}

/// Values and manifests as YAML text, for failure messages.
fn yaml_text(values: &Mapping) -> String {
    serde_yaml::to_string(values).unwrap_or_else(|e| format!("<not serializable: {e}>"))
}

// ---------------------------------------------------------------------------------------------
// Helpers of the checks
// ---------------------------------------------------------------------------------------------

/// The value at `path`, `None` if missing or null.
fn at<'a>(root: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut node = root;
    for key in path {
        node = node.as_mapping()?.get(*key)?;
    }
    (!node.is_null()).then_some(node)
}

/// Go template truthiness: false, 0, "", empty collections and null are false.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Sequence(items)) => !items.is_empty(),
        Some(Value::Mapping(m)) => !m.is_empty(),
        Some(Value::Tagged(_)) => true,
    }
}

fn str_of(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str)
}

/// Asserts that `actual` is the text Helm prints for the scalar `expected` (missing or null:
/// empty; a float: text that reads back as the same float).
/// A value the chart prints where a number belongs, as Helm reads it: the number, also when
/// given as text; none for a missing value, null or "".
fn number_of(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::Number(n) => Some(Value::Number(n.clone())),
        Value::String(t) if !t.is_empty() => {
            Some(Value::from(t.parse::<u64>().expect("a number as text")))
        }
        _ => None,
    }
}

fn assert_text(actual: &Value, expected: Option<&Value>, what: &str) {
    let Some(actual_text) = actual.as_str() else {
        panic!("{what}: expected a string, found {actual:?}");
    };
    match expected {
        None | Some(Value::Null) => assert_eq!(actual_text, "", "{what}"),
        Some(Value::String(s)) => assert_eq!(actual_text, s, "{what}"),
        Some(Value::Bool(b)) => assert_eq!(actual_text, b.to_string(), "{what}"),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => {
            assert_eq!(actual_text, n.to_string(), "{what}")
        }
        Some(Value::Number(n)) => {
            let f = n.as_f64().unwrap();
            let back: f64 = actual_text
                .parse()
                .unwrap_or_else(|_| panic!("{what}: {actual_text:?} is not the float {f}"));
            assert_eq!(back, f, "{what}: {actual_text:?}");
        }
        Some(other) => panic!("{what}: not a scalar: {other:?}"),
    }
}

/// Structural equality where numbers compare by value (toYaml prints `2.0` as `2`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Mapping(x), Value::Mapping(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (x, y) => x == y,
    }
}

fn assert_same(actual: &Value, expected: &Value, what: &str) {
    assert!(
        same(actual, expected),
        "{what}:\n  actual:   {actual:?}\n  expected: {expected:?}"
    );
}

fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&b.len())
        && alnum(&b[0])
        && alnum(&b[b.len() - 1])
        && b.iter().all(|c| alnum(c) || *c == b'-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_name_part(name),
        None => is_name_part(s),
    }
}

/// Labels and annotations of an object are Kubernetes labels and annotations.
fn assert_metadata_maps(metadata: &Value, what: &str) {
    if let Some(labels) = at(metadata, &["labels"]) {
        for (k, v) in labels.as_mapping().expect("labels are a map") {
            let key = k
                .as_str()
                .unwrap_or_else(|| panic!("{what}: label key {k:?}"));
            let value = v
                .as_str()
                .unwrap_or_else(|| panic!("{what}: label {key} has a non-string value {v:?}"));
            assert!(is_qualified_name(key), "{what}: invalid label key {key:?}");
            assert!(
                value.is_empty() || is_name_part(value),
                "{what}: invalid label value {value:?}"
            );
        }
    }
    if let Some(annotations) = at(metadata, &["annotations"]) {
        for (k, v) in annotations.as_mapping().expect("annotations are a map") {
            let key = k
                .as_str()
                .unwrap_or_else(|| panic!("{what}: annotation key {k:?}"));
            assert!(
                is_qualified_name(key),
                "{what}: invalid annotation key {key:?}"
            );
            assert!(
                v.is_string(),
                "{what}: annotation {key} has a non-string value {v:?}"
            );
        }
    }
}

/// Maps that Kubernetes types as `map[string]string` (nodeSelector, matchLabels) have string
/// values, wherever they are in the object.
fn assert_string_maps(value: &Value, what: &str) {
    match value {
        Value::Mapping(m) => {
            for (k, v) in m {
                if matches!(k.as_str(), Some("nodeSelector" | "matchLabels")) {
                    for (key, item) in v.as_mapping().into_iter().flatten() {
                        assert!(
                            item.is_string(),
                            "{what}: {}.{key:?} is not a string: {item:?}",
                            k.as_str().unwrap()
                        );
                    }
                }
                assert_string_maps(v, what);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| assert_string_maps(v, what)),
        _ => {}
    }
}

/// Property 2: the stream has Helm's framing, every document parses as YAML and is a
/// Kubernetes object. Returns the parsed documents.
fn check_stream(manifests: &Manifests, text: &str) -> Vec<support::Doc> {
    assert!(
        text.starts_with("---\n# Source: gitlab-runner/templates/"),
        "{text}"
    );
    assert!(
        !text.contains("\n\n---"),
        "no blank line before a separator"
    );
    let mut framed = String::new();
    for m in manifests {
        assert!(
            m.source().starts_with("gitlab-runner/templates/") && m.source().ends_with(".yaml"),
            "source {:?}",
            m.source()
        );
        assert!(!m.source()["gitlab-runner/templates/".len()..].starts_with('_'));
        assert!(
            !m.content()
                .lines()
                .any(|l| l == "---" || l.starts_with("# Source:")),
            "a document of {} contains a separator:\n{}",
            m.source(),
            m.content()
        );
        framed.push_str(&format!("---\n# Source: {}\n{}\n", m.source(), m.content()));
    }
    assert_eq!(text, framed);
    let docs = support::parse_stream(text);
    assert_eq!(docs.len(), manifests.len(), "one document per manifest");
    for (doc, m) in docs.iter().zip(manifests) {
        assert_eq!(doc.source, m.source());
        // (as a file: a final block scalar keeps its line break)
        let alone: Value = serde_yaml::from_str(&format!("{}\n", m.content())).unwrap();
        assert!(
            alone == doc.value,
            "{}: the document alone parses differently",
            m.source()
        );
        let v = &doc.value;
        let what = format!("{} ({})", support::id(v), m.source());
        assert!(v.is_mapping(), "{what}: not a map");
        assert!(
            v["apiVersion"].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: apiVersion"
        );
        assert_eq!(v["kind"].as_str(), Some(m.kind()), "{what}: kind");
        let name = v["metadata"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: metadata.name is not a string"));
        assert_eq!(name, m.name());
        assert!(is_dns_subdomain(name), "{what}: invalid name {name:?}");
        if let Some(ns) = at(v, &["metadata", "namespace"]) {
            assert!(ns.as_str().is_some_and(is_dns_label), "{what}: namespace");
        }
        assert_metadata_maps(&v["metadata"], &what);
        assert_string_maps(v, &what);
        if m.kind() == "Deployment" {
            let template = &v["spec"]["template"];
            assert_metadata_maps(&template["metadata"], &format!("{what} pod template"));
            for containers in ["initContainers", "containers"] {
                for c in template["spec"][containers].as_sequence().unwrap() {
                    assert!(
                        c["name"].as_str().is_some_and(is_dns_label),
                        "{what}: container name {:?}",
                        c["name"]
                    );
                    for e in c["env"].as_sequence().unwrap() {
                        assert!(e["name"].is_string(), "{what}: env name {e:?}");
                        assert!(e["value"].is_string(), "{what}: env value {e:?}");
                    }
                }
            }
        }
    }
    docs
}

fn objects<'a>(docs: &'a [support::Doc], kind: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|d| d.value["kind"] == kind)
        .map(|d| &d.value)
        .collect()
}

fn object<'a>(docs: &'a [support::Doc], kind: &str) -> &'a Value {
    let found = objects(docs, kind);
    assert_eq!(found.len(), 1, "one {kind}");
    found[0]
}

/// The env of the first container of `containers` as (name, value) pairs.
fn env_of(pod: &Value, containers: &str) -> Vec<(String, Value)> {
    pod["spec"][containers][0]["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e["value"].clone()))
        .collect()
}

fn env_value<'a>(env: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    env.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Decodes one bash word made of `'...'`, `\'` and `$'...'` (with `\\`, `\'`, `\xHH`)
/// parts, as the chart's `shquote` writes them; panics on anything unquoted.
fn sh_unquote(word: &str) -> String {
    let b = word.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            let end = i
                + 1
                + b[i + 1..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .expect("closing '");
            out.extend_from_slice(&b[i + 1..end]);
            i = end + 1;
        } else if b[i] == b'\\' && b.get(i + 1) == Some(&b'\'') {
            out.push(b'\'');
            i += 2;
        } else if b[i..].starts_with(b"$'") {
            i += 2;
            loop {
                match b[i] {
                    b'\'' => {
                        i += 1;
                        break;
                    }
                    b'\\' if b[i + 1] == b'x' => {
                        let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                        out.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 4;
                    }
                    b'\\' => {
                        assert!(matches!(b[i + 1], b'\\' | b'\''), "escape in {word:?}");
                        out.push(b[i + 1]);
                        i += 2;
                    }
                    c => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            panic!("unquoted text in shell word {word:?}");
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The decoded arguments of every `args+=(FLAG WORD)` line of the registration script.
fn script_args(script: &str, flag: &str) -> Vec<String> {
    let prefix = format!("args+=({flag} ");
    script
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&prefix))
        .map(|rest| sh_unquote(rest.strip_suffix(')').expect("args+=(... )")))
        .collect()
}

/// The script has one `FLAG 'KEY<sep>VALUE'` argument per entry of `map`, with the value as
/// text.
fn assert_map_args(script: &str, flag: &str, map: &Value, sep: &str) {
    let map = map.as_mapping().unwrap();
    let args = script_args(script, flag);
    assert_eq!(args.len(), map.len(), "{flag}: {args:?} for {map:?}");
    let by_key: BTreeMap<&str, &str> = args
        .iter()
        .map(|arg| {
            arg.split_once(sep)
                .unwrap_or_else(|| panic!("{flag} {arg:?}"))
        })
        .collect();
    for (key, value) in map {
        let key = key.as_str().unwrap();
        let actual = by_key
            .get(key)
            .unwrap_or_else(|| panic!("{flag}: no {key:?} in {args:?}"));
        assert_text(&s(actual), Some(value), &format!("{flag} {key}"));
    }
}

/// `hpa.metrics` converted to autoscaling/v2 (for the Pods and Resource metrics generated).
fn metric_to_v2(metric: &Value) -> Value {
    let kind = metric["type"].as_str().unwrap();
    let key = if kind == "Pods" { "pods" } else { "resource" };
    let source = &metric[key];
    if at(source, &["metric"]).is_some() || at(source, &["target", "type"]).is_some() {
        return metric.clone();
    }
    let converted = if kind == "Pods" {
        let mut id = vec![("name", source["metricName"].clone())];
        if let Some(selector) = at(source, &["selector"]) {
            id.push(("selector", selector.clone()));
        }
        map(vec![
            ("metric", map(id)),
            (
                "target",
                map(vec![
                    ("type", s("AverageValue")),
                    ("averageValue", source["targetAverageValue"].clone()),
                ]),
            ),
        ])
    } else {
        let target = match at(source, &["targetAverageUtilization"]) {
            Some(u) => map(vec![
                ("type", s("Utilization")),
                ("averageUtilization", u.clone()),
            ]),
            None => map(vec![
                ("type", s("AverageValue")),
                ("averageValue", source["targetAverageValue"].clone()),
            ]),
        };
        map(vec![("name", source["name"].clone()), ("target", target)])
    };
    map(vec![("type", s(kind)), (key, converted)])
}

fn is_v2_metric(metric: &Value) -> bool {
    metric_to_v2(metric) == *metric
}

/// Every non-null value the user gave is in the merged values, unchanged; a null deletes.
fn assert_user_values_kept(user: &Mapping, merged: &Mapping, path: &str) {
    for (k, v) in user {
        let key = k.as_str().unwrap();
        let here = format!("{path}.{key}");
        match (v, merged.get(key)) {
            (Value::Null, found) => assert!(
                found.is_none_or(Value::is_null),
                "{here}: a null did not delete {found:?}"
            ),
            (Value::Mapping(u), Some(Value::Mapping(m))) => assert_user_values_kept(u, m, &here),
            (v, found) => assert_eq!(Some(v), found, "{here}"),
        }
    }
}

/// The object name the chart computes: fullnameOverride, or `<release>-<nameOverride or
/// chart name>`, cut to 63 characters and trailing dashes trimmed.
fn fullname(values: &Value, release: &str) -> String {
    let non_empty = |key| str_of(at(values, &[key])).filter(|s| !s.is_empty());
    let name = match non_empty("fullnameOverride") {
        Some(f) => f.to_string(),
        None => format!(
            "{release}-{}",
            non_empty("nameOverride").unwrap_or("gitlab-runner")
        ),
    };
    let cut: String = name.chars().take(63).collect();
    cut.trim_end_matches('-').to_string()
}

/// Property 3: what one render must show, computed from the merged values (so that chart
/// defaults and nulls that delete them count) and the release.
struct Expected<'a> {
    case: &'a Case,
    kube: KubeVersion,
    /// The merged values.
    m: Value,
    empty: Value,
    /// The name of every object but the Secret.
    name: String,
}

impl<'a> Expected<'a> {
    fn new(case: &'a Case, merged: &Mapping, kube: KubeVersion) -> Expected<'a> {
        assert_user_values_kept(&case.values, merged, "");
        let m = Value::Mapping(merged.clone());
        let name = fullname(&m, &case.release);
        Expected {
            case,
            kube,
            m,
            empty: Value::Mapping(Mapping::new()),
            name,
        }
    }

    /// The merged value at `path`, `None` if missing or null.
    fn get(&self, path: &[&str]) -> Option<&Value> {
        at(&self.m, path)
    }

    /// The merged map at `path`, empty if missing or null.
    fn map(&self, path: &[&str]) -> &Value {
        self.get(path).unwrap_or(&self.empty)
    }

    fn is(&self, path: &[&str]) -> bool {
        truthy(self.get(path))
    }

    /// A non-empty string at `path`.
    fn text(&self, path: &[&str]) -> Option<&str> {
        str_of(self.get(path)).filter(|s| !s.is_empty())
    }

    fn secret_name(&self) -> String {
        self.text(&["runners", "secret"])
            .unwrap_or(&self.name)
            .to_string()
    }

    fn check(&self, docs: &[support::Doc]) {
        let deployment = object(docs, "Deployment");
        assert_eq!(deployment["metadata"]["name"], s(&self.name));
        self.check_env(&deployment["spec"]["template"]);
        self.check_pod(&deployment["spec"]["template"]);
        self.check_rbac(docs);
        self.check_secret(docs);
        self.check_hpa(docs);
        self.check_config_map(docs);
    }

    /// The env of both containers: what `gitlab-runner register` reads.
    fn check_env(&self, pod: &Value) {
        let env = env_of(pod, "containers");
        assert_eq!(
            env,
            env_of(pod, "initContainers"),
            "both containers have the same env"
        );
        let env_is = |var: &str, expected: Option<&Value>| {
            let actual = env_value(&env, var).unwrap_or_else(|| panic!("no env {var}"));
            assert_text(actual, expected, &format!("env {var}"));
        };
        let has = |var: &str| env_value(&env, var).is_some();
        env_is("CI_SERVER_URL", self.get(&["gitlabUrl"]));
        env_is("CLONE_URL", self.get(&["runners", "cloneUrl"]));
        env_is("RUNNER_TAG_LIST", self.get(&["runners", "tags"]));
        env_is("KUBERNETES_IMAGE", self.get(&["runners", "image"]));
        // `default ""`: the number 0 and "" are not set (the text "0" is)
        let set = |path: &[&str]| self.get(path).filter(|v| truthy(Some(v)));
        env_is("RUNNER_OUTPUT_LIMIT", set(&["runners", "outputLimit"]));
        env_is("KUBERNETES_POLL_TIMEOUT", set(&["runners", "pollTimeout"]));
        env_is(
            "KUBERNETES_SERVICE_ACCOUNT",
            self.get(&["runners", "serviceAccountName"]),
        );
        env_is(
            "KUBERNETES_PULL_POLICY",
            self.get(&["runners", "imagePullPolicy"]),
        );
        env_is(
            "KUBERNETES_HELPER_IMAGE",
            self.get(&["runners", "helpers", "image"]),
        );
        let one = Value::from(1);
        env_is(
            "RUNNER_REQUEST_CONCURRENCY",
            Some(set(&["runners", "requestConcurrency"]).unwrap_or(&one)),
        );
        // "false" when runners has the key `locked` (Helm's hasKey: a user null stays in the
        // merged values when the chart has no default) and it is not true
        let runners = self.map(&["runners"]).as_mapping().unwrap();
        let locked = !runners.contains_key("locked") || self.is(&["runners", "locked"]);
        env_is("REGISTER_LOCKED", Some(&s(&locked.to_string())));
        let namespace = self
            .text(&["runners", "namespace"])
            .unwrap_or(&self.case.namespace);
        env_is("KUBERNETES_NAMESPACE", Some(&s(namespace)));
        assert_eq!(
            has("KUBERNETES_PRIVILEGED"),
            self.is(&["runners", "privileged"])
        );
        for (kind, prefix) in [
            ("builds", "KUBERNETES_"),
            ("services", "KUBERNETES_SERVICE_"),
            ("helpers", "KUBERNETES_HELPER_"),
        ] {
            for (key, var) in [
                ("cpuLimit", "CPU_LIMIT"),
                ("memoryLimit", "MEMORY_LIMIT"),
                ("cpuRequests", "CPU_REQUEST"),
                ("memoryRequests", "MEMORY_REQUEST"),
            ] {
                env_is(&format!("{prefix}{var}"), set(&["runners", kind, key]));
            }
        }
        let cache = |key: &str| self.get(&["runners", "cache", key]);
        let cache_type = self.text(&["runners", "cache", "cacheType"]);
        assert_eq!(has("CACHE_TYPE"), cache_type.is_some());
        if let Some(cache_type) = cache_type {
            env_is("CACHE_TYPE", Some(&s(cache_type)));
            // coalesce: the first that is not empty
            let path = [cache("cachePath"), cache("s3CachePath")]
                .into_iter()
                .find(|v| truthy(*v))
                .flatten();
            env_is("CACHE_PATH", path);
            assert_eq!(has("CACHE_SHARED"), truthy(cache("cacheShared")));
            if cache_type == "s3" {
                env_is("CACHE_S3_SERVER_ADDRESS", cache("s3ServerAddress"));
                env_is("CACHE_S3_BUCKET_NAME", cache("s3BucketName"));
                env_is("CACHE_S3_BUCKET_LOCATION", cache("s3BucketLocation"));
                assert_eq!(has("CACHE_S3_INSECURE"), truthy(cache("s3CacheInsecure")));
            } else {
                env_is("CACHE_GCS_BUCKET_NAME", cache("gcsBucketName"));
            }
        }
        // envVars: the last entries of the env, in order
        let env_vars = self
            .get(&["envVars"])
            .and_then(Value::as_sequence)
            .cloned()
            .unwrap_or_default();
        assert!(env.len() >= env_vars.len());
        for (item, (name, value)) in env_vars.iter().zip(&env[env.len() - env_vars.len()..]) {
            assert_eq!(Some(name.as_str()), item["name"].as_str(), "envVars name");
            assert_text(value, at(item, &["value"]), &format!("envVars {name}"));
        }
    }

    /// The pod template of the Deployment: containers, pod spec, labels and annotations.
    fn check_pod(&self, pod: &Value) {
        let spec = &pod["spec"];
        for containers in ["initContainers", "containers"] {
            let c = &spec[containers][0];
            match self.text(&["image"]) {
                Some(image) => assert_eq!(c["image"], s(image)),
                None => assert!(
                    c["image"]
                        .as_str()
                        .unwrap()
                        .starts_with("gitlab/gitlab-runner:alpine-")
                ),
            }
            assert_text(
                &c["imagePullPolicy"],
                self.get(&["imagePullPolicy"]),
                "imagePullPolicy",
            );
            assert_same(&c["resources"], self.map(&["resources"]), "resources");
        }
        assert_eq!(spec["containers"][0]["name"], s(&self.name));
        assert_eq!(
            at(&spec["containers"][0], &["lifecycle", "preStop"]).is_some(),
            self.is(&["unregisterRunners"]) && self.is(&["runnerRegistrationToken"])
        );
        for (out, path) in [
            (
                &spec["terminationGracePeriodSeconds"],
                &["terminationGracePeriodSeconds"][..],
            ),
            (
                &spec["securityContext"]["runAsUser"],
                &["securityContext", "runAsUser"],
            ),
        ] {
            let expected = number_of(self.get(path)).unwrap_or(Value::Null);
            assert_same(out, &expected, path[0]);
        }
        match self.get(&["securityContext", "runAsNonRoot"]) {
            Some(Value::Null) | None => {
                assert!(at(spec, &["securityContext", "runAsNonRoot"]).is_none())
            }
            Some(expected) => assert_same(
                &spec["securityContext"]["runAsNonRoot"],
                expected,
                "runAsNonRoot",
            ),
        }
        match self
            .get(&["securityContext", "seccompProfile"])
            .filter(|v| truthy(Some(v)))
        {
            Some(expected) => assert_same(
                &spec["securityContext"]["seccompProfile"],
                expected,
                "seccompProfile",
            ),
            None => assert!(at(spec, &["securityContext", "seccompProfile"]).is_none()),
        }
        let container_security = self
            .get(&["containerSecurityContext"])
            .filter(|v| truthy(Some(v)));
        for containers in ["initContainers", "containers"] {
            let out = at(&spec[containers][0], &["securityContext"]);
            match container_security {
                Some(expected) => assert_same(out.unwrap(), expected, "containerSecurityContext"),
                None => assert!(out.is_none(), "{containers}: securityContext"),
            }
        }
        let read_only = self.is(&["containerSecurityContext", "readOnlyRootFilesystem"]);
        let mounts: Vec<&str> = spec["containers"][0]["volumeMounts"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|m| m["mountPath"].as_str().unwrap())
            .collect();
        for path in ["/home/gitlab-runner", "/tmp"] {
            assert_eq!(mounts.contains(&path), read_only, "{path} mounted");
        }
        // `if`: the number 0 and "" are not set, the text "0" is
        let fs_group = self
            .get(&["securityContext", "fsGroup"])
            .filter(|v| truthy(Some(v)));
        assert_eq!(
            at(spec, &["securityContext", "fsGroup"]).map(Value::as_i64),
            number_of(fs_group).map(|n| n.as_i64())
        );
        for key in ["affinity", "nodeSelector", "tolerations", "hostAliases"] {
            match self.get(&[key]).filter(|v| truthy(Some(v))) {
                Some(expected) => assert_same(&spec[key], expected, key),
                None => assert!(at(spec, &[key]).is_none(), "{key} without values"),
            }
        }
        let service_account = if self.is(&["rbac", "create"]) {
            s(&self.name)
        } else {
            self.get(&["rbac", "serviceAccountName"])
                .cloned()
                .unwrap_or(s(""))
        };
        assert_eq!(spec["serviceAccountName"], service_account);
        let volumes = spec["volumes"].as_sequence().unwrap();
        let volume = |name: &str| volumes.iter().find(|v| v["name"] == name);
        match self.text(&["certsSecretName"]) {
            Some(certs) => assert_eq!(
                volume("custom-certs").unwrap()["secret"]["secretName"],
                s(certs)
            ),
            None => assert!(volume("custom-certs").is_none()),
        }
        // only Secrets that exist are projected: the chart's (a token is set) or runners.secret,
        // and the cache's
        let runner_secret = self.is(&["runnerRegistrationToken"])
            || self.is(&["runnerToken"])
            || self.is(&["runners", "secret"]);
        let cache_secret = match self.text(&["runners", "cache", "cacheType"]) {
            Some("s3") => self.is(&["runners", "cache", "secretName"]),
            Some("gcs") => true,
            _ => false,
        };
        match volume("init-runner-secrets") {
            Some(projected) => {
                let sources = projected["projected"]["sources"].as_sequence().unwrap();
                assert_eq!(
                    sources.len(),
                    usize::from(runner_secret) + usize::from(cache_secret)
                );
                if runner_secret {
                    assert_eq!(
                        sources.last().unwrap()["secret"]["name"],
                        s(&self.secret_name())
                    );
                }
            }
            None => assert!(
                !runner_secret && !cache_secret,
                "init-runner-secrets missing"
            ),
        }

        let meta = &pod["metadata"];
        for (field, out) in [("podLabels", "labels"), ("podAnnotations", "annotations")] {
            for (k, v) in self.map(&[field]).as_mapping().unwrap() {
                let key = k.as_str().unwrap();
                assert_text(&meta[out][key], Some(v), &format!("{field} {key}"));
            }
        }
        assert_eq!(
            at(meta, &["annotations", "prometheus.io/scrape"]).is_some(),
            self.is(&["metrics", "enabled"])
        );
    }

    /// ServiceAccount, Role or ClusterRole, and the binding.
    fn check_rbac(&self, docs: &[support::Doc]) {
        let create = self.is(&["rbac", "create"]);
        let (role_kind, other_kind, binding_kind) = if self.is(&["rbac", "clusterWideAccess"]) {
            ("ClusterRole", "Role", "ClusterRoleBinding")
        } else {
            ("Role", "ClusterRole", "RoleBinding")
        };
        assert!(objects(docs, other_kind).is_empty());
        for kind in ["ServiceAccount", role_kind, binding_kind] {
            assert_eq!(objects(docs, kind).len(), usize::from(create), "{kind}");
        }
        if !create {
            return;
        }
        let sa = object(docs, "ServiceAccount");
        assert_eq!(sa["metadata"]["name"], s(&self.name));
        let annotations = self.map(&["rbac", "serviceAccountAnnotations"]);
        let annotations = annotations.as_mapping().unwrap();
        if annotations.is_empty() {
            assert!(at(sa, &["metadata", "annotations"]).is_none());
        } else {
            let out = &sa["metadata"]["annotations"];
            assert_eq!(out.as_mapping().unwrap().len(), annotations.len());
            for (k, v) in annotations {
                let key = k.as_str().unwrap();
                let what = format!("serviceAccountAnnotations {key}");
                assert_text(&out[key], Some(v), &what);
            }
        }
        let role = object(docs, role_kind);
        assert_eq!(role["metadata"]["name"], s(&self.name));
        let star = Value::Sequence(vec![s("*")]);
        for key in ["resources", "verbs"] {
            let expected = self
                .get(&["rbac", key])
                .filter(|v| truthy(Some(v)))
                .unwrap_or(&star);
            assert_eq!(&role["rules"][0][key], expected, "rbac.{key}");
        }
        let binding = object(docs, binding_kind);
        assert_eq!(binding["roleRef"]["kind"], s(role_kind));
        assert_eq!(binding["roleRef"]["name"], s(&self.name));
        assert_eq!(binding["subjects"][0]["name"], s(&self.name));
        assert_eq!(binding["subjects"][0]["namespace"], s(&self.case.namespace));
    }

    /// The Secret with the tokens, base64-encoded.
    fn check_secret(&self, docs: &[support::Doc]) {
        let tokens = self.is(&["runnerRegistrationToken"]) || self.is(&["runnerToken"]);
        assert_eq!(objects(docs, "Secret").len(), usize::from(tokens));
        if !tokens {
            return;
        }
        let secret = object(docs, "Secret");
        assert_eq!(secret["metadata"]["name"], s(&self.secret_name()));
        for (key, value) in [
            ("runner-registration-token", "runnerRegistrationToken"),
            ("runner-token", "runnerToken"),
        ] {
            let data = secret["data"][key].as_str().unwrap();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap();
            let expected = self.text(&[value]).unwrap_or_default();
            assert_eq!(String::from_utf8(decoded).unwrap(), expected, "{value}");
        }
    }

    /// The HorizontalPodAutoscaler: v2 (metrics converted) or v2beta1 (metrics as given).
    fn check_hpa(&self, docs: &[support::Doc]) {
        let hpa = self.get(&["hpa"]).filter(|h| truthy(Some(h)));
        let found = objects(docs, "HorizontalPodAutoscaler");
        assert_eq!(found.len(), usize::from(hpa.is_some()));
        let Some(hpa) = hpa else { return };
        let out = found[0];
        let v2 = self.kube.at_least(1, 23);
        let api = if v2 {
            "autoscaling/v2"
        } else {
            "autoscaling/v2beta1"
        };
        assert_eq!(out["apiVersion"], s(api));
        assert_eq!(out["spec"]["scaleTargetRef"]["name"], s(&self.name));
        assert_eq!(out["metadata"]["namespace"], s(&self.case.namespace));
        for key in ["minReplicas", "maxReplicas"] {
            // `default 1`: missing, null, 0 and "" are 1
            let given = at(hpa, &[key]).filter(|v| truthy(Some(v)));
            let expected = number_of(given).unwrap_or(Value::from(1));
            assert_same(&out["spec"][key], &expected, key);
        }
        match at(hpa, &["metrics"]).filter(|v| truthy(Some(v))) {
            Some(metrics) => {
                let metrics = metrics.as_sequence().unwrap();
                let expected = if v2 {
                    metrics.iter().map(metric_to_v2).collect()
                } else {
                    metrics.clone()
                };
                let expected = Value::Sequence(expected);
                assert_same(&out["spec"]["metrics"], &expected, "hpa.metrics");
            }
            None => assert!(at(out, &["spec", "metrics"]).is_none()),
        }
    }

    /// config.toml, config.template.toml and the registration script.
    fn check_config_map(&self, docs: &[support::Doc]) {
        let config = object(docs, "ConfigMap");
        assert_eq!(config["metadata"]["name"], s(&self.name));
        let text = config["data"]["config.toml"].as_str().unwrap();
        let toml: toml::Table =
            toml::from_str(text).unwrap_or_else(|e| panic!("config.toml is not TOML: {e}\n{text}"));
        for (key, value) in [
            ("concurrent", "concurrent"),
            ("check_interval", "checkInterval"),
        ] {
            let n = number_of(self.get(&[value])).unwrap().as_u64().unwrap();
            match i64::try_from(n) {
                Ok(n) => assert_eq!(toml[key].as_integer(), Some(n), "{key}"),
                // A TOML integer is an i64: a larger value cannot be written as one.
                Err(_) => assert!(toml.contains_key(key)),
            }
        }
        let level = self.text(&["logLevel"]).unwrap_or("info");
        assert_eq!(toml["log_level"].as_str(), Some(level));
        assert_eq!(
            toml.get("log_format").and_then(|f| f.as_str()),
            self.text(&["logFormat"])
        );
        assert_eq!(
            toml.contains_key("listen_address"),
            self.is(&["metrics", "enabled"])
        );

        // job pods' hosts entries: runners.hostAliases, then (with hostAliasesFromManager) the
        // manager's, merged by ip; an ip and a hostname of an ip once, where first given
        let mut given: Vec<Value> = self
            .get(&["runners", "hostAliases"])
            .and_then(Value::as_sequence)
            .cloned()
            .unwrap_or_default();
        if self.is(&["runners", "hostAliasesFromManager"]) {
            given.extend(
                self.get(&["hostAliases"])
                    .and_then(Value::as_sequence)
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let mut job_aliases: Vec<(String, Vec<String>)> = Vec::new();
        for alias in &given {
            let ip = alias["ip"].as_str().unwrap().to_string();
            let names = alias["hostnames"].as_sequence().unwrap();
            let index = match job_aliases.iter().position(|(i, _)| *i == ip) {
                Some(index) => index,
                None => {
                    job_aliases.push((ip, Vec::new()));
                    job_aliases.len() - 1
                }
            };
            for name in names {
                let name = name.as_str().unwrap().to_string();
                if !job_aliases[index].1.contains(&name) {
                    job_aliases[index].1.push(name);
                }
            }
        }
        if job_aliases.is_empty() {
            assert!(at(config, &["data", "config.template.toml"]).is_none());
        } else {
            let text = config["data"]["config.template.toml"].as_str().unwrap();
            let template: toml::Table = toml::from_str(text).unwrap();
            let out: Vec<(String, Vec<String>)> =
                template["runners"][0]["kubernetes"]["host_aliases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| {
                        let hostnames = o["hostnames"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|h| h.as_str().unwrap().to_string())
                            .collect();
                        (o["ip"].as_str().unwrap().to_string(), hostnames)
                    })
                    .collect();
            assert_eq!(out, job_aliases);
        }

        let script = config["data"]["register-the-runner"].as_str().unwrap();
        let pull_secrets: Vec<String> = self
            .get(&["runners", "imagePullSecrets"])
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            script_args(script, "--kubernetes-image-pull-secrets"),
            pull_secrets
        );
        for (flag, key, sep) in [
            ("--kubernetes-node-selector", "nodeSelector", ":"),
            ("--kubernetes-pod-labels", "podLabels", ":"),
            ("--kubernetes-pod-annotations", "podAnnotations", ":"),
            ("--env", "env", "="),
        ] {
            assert_map_args(script, flag, self.map(&["runners", key]), sep);
        }
        for (line, expected) in [
            ("args+=(--template-config ", !job_aliases.is_empty()),
            (
                "args+=(--run-untagged=true)",
                self.is(&["runners", "runUntagged"]),
            ),
            (
                "args+=(--access-level=ref_protected)",
                self.is(&["runners", "protected"]),
            ),
        ] {
            assert_eq!(script.contains(line), expected, "{line}");
        }
    }
}

/// Renders `case` (twice: the same bytes), checks the stream (property 2) and where the values
/// went (property 3); returns the output.
fn check_case(case: &Case, kube: KubeVersion) -> String {
    let values = user_values(case);
    let options = options(case, kube);
    let manifests = renderer().render(&values, &options).unwrap_or_else(|e| {
        panic!(
            "valid values failed to render: {e}\n{}",
            yaml_text(&case.values)
        )
    });
    let text = manifests.to_string();
    let again = renderer().render(&values, &options).unwrap().to_string();
    assert_eq!(text, again, "rendering twice gives the same bytes");
    let docs = check_stream(&manifests, &text);
    let (merged, _) = renderer().checked_values(&values, &options).unwrap();
    Expected::new(case, &merged, kube).check(&docs);
    text
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

/// `cases` cases, or `PROPTEST_CASES` when set (for a longer search).
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Property 4: values the schema accepts deserialize into the typed model, merged with the
/// chart defaults (what `checked_values` returns) and alone (a values file); the schema
/// generated from the model (`values_schema()`) accepts them too.
fn check_typed_model(case: &Case) {
    let values = user_values(case);
    let options = options(case, KubeVersion::DEFAULT);
    let (merged, _) = renderer()
        .checked_values(&values, &options)
        .unwrap_or_else(|e| panic!("valid values refused: {e}\n{}", yaml_text(&case.values)));
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    let checker = CHECKER.get_or_init(|| {
        Checker::new(
            values_schema(),
            gitlab_runner_chart::__private::chart::ChartRules::Seed,
        )
        .unwrap()
    });
    // (the object-name rule, which is not the schema's, is left to `checked_values` above)
    let problems = checker.check(&merged, &options.release, options.kube_version, &|| None);
    // numbers given as text, chart advice: warnings; nothing else is found
    assert!(
        problems.iter().all(|p| p.warning),
        "values_schema(): {problems:?}"
    );
    let typed: ChartValues =
        serde_yaml::from_value(Value::Mapping(merged.clone())).unwrap_or_else(|e| {
            panic!(
                "merged values do not fit the model: {e}\n{}",
                yaml_text(&merged)
            )
        });
    serde_yaml::from_value::<ChartValues>(Value::Mapping(case.values.clone())).unwrap_or_else(
        |e| {
            panic!(
                "the values file does not fit the model: {e}\n{}",
                yaml_text(&case.values)
            )
        },
    );
    let m = Value::Mapping(merged);
    let u64_at = |path: &[&str]| number_of(at(&m, path)).and_then(|n| n.as_u64());
    let len_at = |path: &[&str]| match at(&m, path) {
        Some(Value::Mapping(map)) => map.len(),
        Some(Value::Sequence(items)) => items.len(),
        _ => 0,
    };
    assert_eq!(
        typed.concurrent.and_then(|c| c.as_u64()),
        u64_at(&["concurrent"])
    );
    assert_eq!(
        typed.check_interval.and_then(|c| c.as_u64()),
        u64_at(&["checkInterval"])
    );
    let runners = typed.runners.unwrap_or_default();
    assert_eq!(
        runners.tags.as_deref(),
        str_of(at(&m, &["runners", "tags"]))
    );
    let env_len = runners.env.map(|e| e.0.len()).unwrap_or_default();
    assert_eq!(env_len, len_at(&["runners", "env"]));
    let env_vars_len = typed.env_vars.map(|e| e.len()).unwrap_or_default();
    assert_eq!(env_vars_len, len_at(&["envVars"]));
    let hpa = typed.hpa.unwrap_or_default();
    assert_eq!(
        hpa.min_replicas.and_then(|r| r.as_u64()),
        u64_at(&["hpa", "minReplicas"])
    );
    assert_eq!(
        hpa.max_replicas.and_then(|r| r.as_u64()),
        u64_at(&["hpa", "maxReplicas"])
    );
}

/// Kubernetes 1.20 (autoscaling/v2beta1 only): every v2-style HPA metric is refused by the
/// values check, each with its own path; without one the values render.
fn check_v2_refusal(case: &Case) {
    let values = user_values(case);
    let (merged, _) = renderer()
        .checked_values(&values, &options(case, KubeVersion::DEFAULT))
        .unwrap();
    let m = Value::Mapping(merged);
    let v2: Vec<String> = at(&m, &["hpa"])
        .filter(|h| truthy(Some(h)))
        .and_then(|h| at(h, &["metrics"]))
        .and_then(Value::as_sequence)
        .map(|metrics| {
            metrics
                .iter()
                .enumerate()
                .filter(|(_, metric)| is_v2_metric(metric))
                .map(|(index, _)| format!("hpa.metrics[{index}]"))
                .collect()
        })
        .unwrap_or_default();
    let options = options(case, KubeVersion::new(1, 20, 0));
    match renderer().render(&values, &options) {
        Ok(_) if v2.is_empty() => {}
        Ok(_) => panic!("v2 metrics {v2:?} rendered for 1.20"),
        Err(e) if e.kind() == ErrorKind::Invalid && !v2.is_empty() => {
            let errors = || e.diagnostics().iter().filter(|d| d.is_error());
            let refused: Vec<String> = errors().map(|d| d.path.clone()).collect();
            assert_eq!(refused, v2, "{e}");
            for d in errors() {
                assert!(
                    d.message.starts_with(
                        "is written for autoscaling/v2 (`metric`, `target.type`), \
                         but Kubernetes before 1.23 only has autoscaling/v2beta1"
                    ),
                    "{d}"
                );
            }
        }
        Err(e) => panic!("unexpected error: {e}\n{}", yaml_text(&case.values)),
    }
}

/// The values as YAML text (`add_yaml`) are the same values, and render to the same bytes.
/// The text is written as Helm's `toYaml` writes it (YAML 1.1-safe: the string `no` quoted),
/// since values files are read as Helm reads them.
/// The values with every number as a float64, as Helm holds them.
fn as_helm_sees(values: &Mapping) -> serde_json::Value {
    fn walk(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Number(n) => n
                .as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            serde_json::Value::Array(items) => items.into_iter().map(walk).collect(),
            serde_json::Value::Object(map) => map.into_iter().map(|(k, v)| (k, walk(v))).collect(),
            other => other,
        }
    }
    walk(serde_json::to_value(values).unwrap())
}

fn check_yaml_text(case: &Case) {
    let text = gitlab_runner_chart::__private::engine::yaml::to_yaml(&minijinja::Value::from(
        minijinja::value::Serde(&case.values),
    ))
    .unwrap();
    let mut from_text = Values::new();
    from_text
        .add_yaml("values.yaml", &text)
        .unwrap_or_else(|e| panic!("valid values as YAML refused: {e}\n{text}"));
    // Compared as Helm sees values: every number a float64 (`3.0` written by toYaml as `3`
    // reads back as the integer 3).
    assert!(
        as_helm_sees(&from_text.merged()) == as_helm_sees(&user_values(case).merged()),
        "the YAML text reads back as other values:\n{text}"
    );
    let expected = check_case(case, KubeVersion::DEFAULT);
    let options = options(case, KubeVersion::DEFAULT);
    let actual = renderer()
        .render(&from_text, &options)
        .unwrap_or_else(|e| panic!("valid values as YAML failed to render: {e}\n{text}"))
        .to_string();
    assert!(
        actual == expected,
        "the YAML text renders differently:\n{text}"
    );
}

proptest! {
    #![proptest_config(config(96))]

    /// Valid values render for the default Kubernetes version; the output is a stream of
    /// Kubernetes objects, deterministic, with every value where the chart puts it.
    #[test]
    fn valid_values_render_and_come_out_unchanged(case in case(true)) {
        check_case(&case, KubeVersion::DEFAULT);
    }

    /// Valid values deserialize into the typed model.
    #[test]
    fn valid_values_deserialize_into_the_typed_model(case in case(true)) {
        check_typed_model(&case);
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Kubernetes 1.20: the same properties with v2beta1-style HPA metrics
    /// (autoscaling/v2beta1, metrics as given).
    #[test]
    fn valid_values_render_for_kubernetes_1_20(case in case(false)) {
        check_case(&case, KubeVersion::new(1, 20, 0));
    }

    /// Kubernetes 1.20 with v2-style metrics too.
    #[test]
    fn v2_metrics_are_refused_before_1_23(case in case(true)) {
        check_v2_refusal(&case);
    }

    /// Values given as YAML text.
    #[test]
    fn yaml_text_renders_like_the_mapping(case in case(true)) {
        check_yaml_text(&case);
    }
}

// ---------------------------------------------------------------------------------------------
// Bugs found by the properties above: values the schema accepts that do not render, or render
// to something that is not a Kubernetes object. The generators leave these values out so that
// the properties test the rest; each test fails until the library either renders such values
// correctly or refuses them in `checked_values` (with a values path): the assertions accept
// both.
// ---------------------------------------------------------------------------------------------

/// Asserts that every values file that `checked_values` accepts also renders.
fn assert_valid_values_render(values_yamls: &[String]) {
    let mut failures = Vec::new();
    for values_yaml in values_yamls {
        let mut values = Values::new();
        values.add_yaml("values.yaml", values_yaml).unwrap();
        let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
        if renderer().checked_values(&values, &options).is_err() {
            continue; // refused up front, with a values path: fine
        }
        if let Err(e) = renderer().render(&values, &options) {
            failures.push(format!("{}\n  => {e}", values_yaml.trim_end()));
        }
    }
    assert!(
        failures.is_empty(),
        "values accepted by the schema fail to render:\n{}",
        failures.join("\n")
    );
}

// Regression (found by the properties, fixed): a podLabels key the chart sets itself on the manager pod (app, chart, release,
// heritage) is a valid label key, but the Deployment's pod template then has that key twice
// and the render fails: `podLabels: {app: x}` => "deployment.yaml: document 1 is not valid
// YAML: spec.template.metadata.labels: duplicate entry with key "app"".
#[test]
fn regression_pod_label_named_like_a_chart_label() {
    let cases: Vec<String> = CHART_POD_LABELS
        .iter()
        .map(|key| format!("podLabels: {{{key}: x}}\n"))
        .collect();
    assert_valid_values_render(&cases);
}

// Regression (found by the properties, fixed): a podAnnotations key the chart sets itself (checksum/configmap, checksum/secrets, and
// prometheus.io/scrape, prometheus.io/port while metrics.enabled, the default) is a valid
// annotation key, but the pod template then has it twice and the render fails:
// `podAnnotations: {checksum/configmap: x}` => "spec.template.metadata.annotations: duplicate
// entry with key "checksum/configmap"".
#[test]
fn regression_pod_annotation_named_like_a_chart_annotation() {
    let cases: Vec<String> = CHART_POD_ANNOTATIONS
        .iter()
        .map(|key| format!("podAnnotations: {{{key}: x}}\n"))
        .collect();
    assert_valid_values_render(&cases);
}

// Regression (found by the properties, fixed): runners.env and runners.podAnnotations take any text (the schema allows any string),
// but a value with a NUL character fails in the template (`shquote` refuses it for the
// `gitlab-runner register` command line) instead of being refused by the values check with
// its path: `runners: {env: {A: "a\0b"}}` => "_register-the-runner.sh:40: a value passed to
// gitlab-runner register contains a NUL character, which a command-line argument cannot
// hold". (envVars values with a NUL render: they go to the env, YAML-escaped.)
#[test]
fn regression_nul_in_a_value_passed_to_register() {
    assert_valid_values_render(&[
        "runners: {env: {A: \"a\\0b\"}}\n".to_string(),
        "runners: {podAnnotations: {a: \"a\\0b\"}}\n".to_string(),
    ]);
}

// Regression (found by the properties, fixed): nodeSelector takes Kubernetes labels, whose values the schema allows as strings,
// numbers or booleans (`"additionalProperties": {"type": ["string", "number", "boolean"]}`),
// but the chart copies the map with toYaml, so `nodeSelector: {disktype: true, zone: 1}`
// renders `nodeSelector: {disktype: true, zone: 1}` in the pod spec: not a Kubernetes
// PodSpec (nodeSelector is a map of strings; the API server refuses the Deployment). The
// values must either come out as strings ("true", "1") or be refused by the values check.
#[test]
fn regression_node_selector_with_number_or_boolean_values() {
    let mut values = Values::new();
    values
        .add_yaml("values.yaml", "nodeSelector: {disktype: true, zone: 1}\n")
        .unwrap();
    let options = RenderOptions::default();
    if renderer().checked_values(&values, &options).is_err() {
        return; // refused up front, with a values path: fine
    }
    let out = renderer().render(&values, &options).unwrap().to_string();
    let docs = support::parse_stream(&out);
    let deployment = object(&docs, "Deployment");
    let node_selector = &deployment["spec"]["template"]["spec"]["nodeSelector"];
    assert_eq!(node_selector["disktype"], s("true"), "{node_selector:?}");
    assert_eq!(node_selector["zone"], s("1"), "{node_selector:?}");
}
