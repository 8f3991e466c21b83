//! What to tell a user about a key the schema does not know: the key spelled another way
//! (`poll_timeout`, `poll-timeout`, `PollTimeout` → `pollTimeout`), a typo, the key at another
//! level (`runners.cacheType` → `runners.cache.cacheType`, `poll_timeout` →
//! `runners.pollTimeout`), a path written as one key (`runnerTags` → `runners.tags`), and, for a
//! key of the *other* embedded GitLab Runner schema (the 0.16 schema of [`Chart::builtin`] and
//! the official 0.86 schema of [`Chart::current`]), which `--chart` the file is written for,
//! with what this chart has instead where it has something.
//!
//! A [`Suggester`] is built once per schema: it holds every key path of the schema and the
//! keys of each of its mappings, and those of the other schema. Which keys belong to which
//! chart is computed from the two typed models' schemas; only the "instead" texts are written
//! by hand.
//!
//! [`Chart::builtin`]: crate::Chart::builtin
//! [`Chart::current`]: crate::Chart::current

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::chart::ChartRules;
use crate::values::path::{Path, Segment};

/// What the 0.16 chart has instead of a key of the official chart 0.86, where it has something:
/// the values path in the 0.86 chart (a path ending in `.*` stands for every key under it), and
/// the help.
const SEED_INSTEAD_OF_CURRENT: &[(&str, &str)] = &[
    (
        "image",
        "write the image as one string, `registry/image:tag`, e.g. `registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v18.6.3`",
    ),
    (
        "runners.config",
        "config.toml is written from the keys of `runners` (`image`, `privileged`, `cache`, `builds`, ...)",
    ),
    ("runners.jobNamespace", "use `runners.namespace`"),
    (
        "runners.executor",
        "the runner always registers a `kubernetes` executor",
    ),
    (
        "rbac.rules",
        "use `rbac.resources` and `rbac.verbs` (one rule, for the core API group)",
    ),
    (
        "serviceAccount",
        "use `rbac.create` (creates the service account), `rbac.serviceAccountName` and `rbac.serviceAccountAnnotations`",
    ),
    (
        "podSecurityContext",
        "`securityContext` is the security context of the pod (`runAsUser`, `fsGroup`)",
    ),
    (
        "securityContext.*",
        "`securityContext` is the security context of the pod (`runAsUser`, `fsGroup`); `containerSecurityContext` is the containers'",
    ),
    ("extraEnv", "use `envVars`, a list of `name`/`value` pairs"),
];

/// What the official chart 0.86 has instead of a key of the 0.16 chart, where it has something.
const CURRENT_INSTEAD_OF_SEED: &[(&str, &str)] = &[
    (
        "image",
        "give the image as a map: `registry`, `image` and `tag`",
    ),
    (
        "runners.image",
        "set `image = \"...\"` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.privileged",
        "set `privileged = true` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.namespace",
        "use `runners.jobNamespace` (the default `runners.config` reads it), or `namespace` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.imagePullSecrets",
        "set `image_pull_secrets = [...]` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.imagePullPolicy",
        "set `pull_policy` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.pollTimeout",
        "set `poll_timeout` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.serviceAccountName",
        "set `service_account` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.nodeSelector",
        "set `[runners.kubernetes.node_selector]` in `runners.config`",
    ),
    (
        "runners.podLabels",
        "set `[runners.kubernetes.pod_labels]` in `runners.config`",
    ),
    (
        "runners.podAnnotations",
        "set `[runners.kubernetes.pod_annotations]` in `runners.config`",
    ),
    (
        "runners.builds",
        "set `cpu_limit`, `memory_limit`, `cpu_request`, `memory_request` under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.services",
        "set `service_cpu_limit`, `service_memory_limit`, ... under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.helpers",
        "set `helper_image`, `helper_cpu_limit`, `helper_memory_limit`, ... under `[runners.kubernetes]` in `runners.config`",
    ),
    (
        "runners.cache.*",
        "configure the cache under `[runners.cache]` in `runners.config`; `runners.cache.secretName` names the Secret with its credentials",
    ),
    (
        "runners.env",
        "set `environment = [\"NAME=value\"]` under `[[runners]]` in `runners.config`",
    ),
    (
        "runners.cloneUrl",
        "set `clone_url` under `[[runners]]` in `runners.config`",
    ),
    (
        "runners.outputLimit",
        "set `output_limit` under `[[runners]]` in `runners.config`",
    ),
    (
        "runners.requestConcurrency",
        "set `request_concurrency` under `[[runners]]` in `runners.config`",
    ),
    (
        "runners.hostAliasesFromManager",
        "list the job pods' hosts in `runners.hostAliases`",
    ),
    (
        "containerSecurityContext",
        "use `securityContext`, the security context of the runner container",
    ),
    (
        "securityContext.*",
        "`securityContext` is the runner container's here; the pod's is `podSecurityContext`",
    ),
    (
        "rbac.resources",
        "use `rbac.rules`, a list of `apiGroups`/`resources`/`verbs`",
    ),
    (
        "rbac.verbs",
        "use `rbac.rules`, a list of `apiGroups`/`resources`/`verbs`",
    ),
];

/// The other embedded GitLab Runner schema, to name the `--chart` a values file is written for.
#[derive(Debug, Clone)]
struct OtherChart {
    /// How a message names the other chart: "the newer official chart (0.86)".
    name: &'static str,
    /// How a message names this chart: "this chart (the 0.16 schema)".
    this_name: &'static str,
    /// The option that renders with the other chart: "--chart gitlab-runner-current".
    option: &'static str,
    /// Every key path of the other schema (list elements as index 0).
    paths: BTreeSet<Path>,
    /// The keys of each mapping of the other schema, sorted.
    keys: BTreeMap<Path, Vec<String>>,
    /// What this chart has instead of a key of the other one.
    instead: &'static [(&'static str, &'static str)],
}

impl OtherChart {
    fn for_rules(rules: ChartRules) -> Option<OtherChart> {
        let (schema, name, this_name, option, instead) = match rules {
            ChartRules::Seed => (
                super::current::values_schema(),
                "the newer official chart (0.86)",
                "this chart (the 0.16 schema)",
                "--chart gitlab-runner-current",
                SEED_INSTEAD_OF_CURRENT,
            ),
            ChartRules::Current => (
                super::values_schema(),
                "the chart 0.16 schema",
                "today's chart (0.86)",
                "--chart gitlab-runner",
                CURRENT_INSTEAD_OF_SEED,
            ),
            _ => return None,
        };
        let (paths, keys) = key_paths(&schema);
        Some(OtherChart {
            name,
            this_name,
            option,
            paths: paths.into_iter().collect(),
            keys,
            instead,
        })
    }

    /// The help that names the other chart's option.
    fn render_with(&self) -> String {
        format!(
            "render with `{}` if the file is written for {}",
            self.option, self.name
        )
    }

    /// What this chart has instead of `path` of the other chart, as a note.
    fn instead_note(&self, path: &Path) -> Option<String> {
        let text = path.to_string();
        self.instead
            .iter()
            .find(|(key, _)| match key.strip_suffix(".*") {
                Some(parent) => text.starts_with(&format!("{parent}.")),
                None => *key == text,
            })
            .map(|(_, help)| format!("in {}: {help}", self.this_name))
    }
}

/// A help line and notes for one problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestion {
    /// What to do, e.g. "did you mean `pollTimeout`?".
    pub help: Option<String>,
    /// Facts that explain the problem, e.g. the keys a mapping has.
    pub notes: Vec<String>,
}

/// The key paths of a schema and of the other embedded chart's schema, to explain unknown keys.
#[derive(Debug, Clone)]
pub struct Suggester {
    /// Every key path of the schema (list elements as index 0), in the schema's order.
    paths: Vec<Path>,
    /// The keys of each mapping of the schema, sorted.
    keys: BTreeMap<Path, Vec<String>>,
    /// The other embedded GitLab Runner schema, if this is one of the two.
    other: Option<OtherChart>,
    /// Keys the chart leaves out on purpose, with what to do instead (the chart's own list).
    left_out: &'static [(&'static str, &'static str)],
    /// For each of `paths`, its last key made canonical ([`canonical`]), computed once.
    canonical_keys: Vec<String>,
    /// For each of `paths`, its last 2 and 3 keys joined and made canonical (`runnerstags`).
    joined_keys: Vec<Vec<String>>,
}

/// Every key path of `schema` (a JSON Schema as generated for the values: objects with
/// `properties`, lists with `items`, optional values as `anyOf: [T, null]`), in the schema's
/// order, and the keys of each of its mappings, sorted.
fn key_paths(schema: &Json) -> (Vec<Path>, BTreeMap<Path, Vec<String>>) {
    fn walk(
        node: &Json,
        at: &Path,
        depth: usize,
        seen: &mut BTreeSet<Path>,
        paths: &mut Vec<Path>,
        keys: &mut BTreeMap<Path, Vec<String>>,
    ) {
        if depth > 32 {
            return;
        }
        if let Some(props) = node.get("properties").and_then(Json::as_object) {
            keys.entry(at.clone())
                .or_default()
                .extend(props.keys().cloned());
            for (name, child) in props {
                let path = at.child_key(name);
                if seen.insert(path.clone()) {
                    paths.push(path.clone());
                }
                walk(child, &path, depth + 1, seen, paths, keys);
            }
        }
        if let Some(items) = node.get("items").filter(|i| i.is_object()) {
            walk(items, &at.child_index(0), depth + 1, seen, paths, keys);
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            for branch in node
                .get(combinator)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                walk(branch, at, depth + 1, seen, paths, keys);
            }
        }
    }
    let (mut paths, mut keys) = (Vec::new(), BTreeMap::new());
    walk(
        schema,
        &Path::root(),
        0,
        &mut BTreeSet::new(),
        &mut paths,
        &mut keys,
    );
    for list in keys.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    (paths, keys)
}

impl Suggester {
    /// Collects the key paths of `schema` (a JSON Schema as generated for the values: objects
    /// with `properties`, lists with `items`, optional values as `anyOf: [T, null]`).
    pub fn new(schema: &Json) -> Suggester {
        let (paths, keys) = key_paths(schema);
        let canonical_keys = paths
            .iter()
            .map(|p| last_key(p).map(canonical).unwrap_or_default())
            .collect();
        let joined_keys = paths
            .iter()
            .map(|path| {
                let keys: Vec<&str> = path
                    .segments()
                    .iter()
                    .rev()
                    .map_while(Segment::as_key)
                    .collect();
                (2..=keys.len().min(3))
                    .map(|n| keys[..n].iter().rev().map(|k| canonical(k)).collect())
                    .collect()
            })
            .collect();
        Suggester {
            paths,
            keys,
            other: None,
            left_out: &[],
            canonical_keys,
            joined_keys,
        }
    }

    /// [`Suggester::new`], and for one of the two embedded GitLab Runner charts (by its
    /// `rules`), the key paths of the other one's schema, to tell which `--chart` a file that
    /// uses them is written for.
    pub fn for_chart(schema: &Json, rules: ChartRules) -> Suggester {
        let left_out = match rules {
            ChartRules::Current => super::current::LEFT_OUT_KEYS,
            _ => &[],
        };
        Suggester {
            other: OtherChart::for_rules(rules),
            left_out,
            ..Suggester::new(schema)
        }
    }

    /// Whether `path` (list indices any) is a key path of the other embedded chart's schema.
    pub fn in_other_chart(&self, path: &Path) -> bool {
        self.other
            .as_ref()
            .is_some_and(|o| o.paths.contains(&shape(path)))
    }

    /// What to say about the unknown key `key` of the mapping at `parent`: for a key of the
    /// other embedded chart's schema, a note saying so, a help naming its `--chart`, and what
    /// this chart has instead; otherwise a spelling or place where the schema has it. When there
    /// is no help, a note lists the keys the mapping has (the same text for every unknown key of
    /// that mapping, so that a report can print it once).
    pub fn unknown_key(&self, parent: &Path, key: &str) -> Suggestion {
        let parent = shape(parent);
        let path = parent.child_key(key);
        let mut suggestion = Suggestion::default();
        let shown = path.to_string();
        if let Some((_, help)) = self.left_out.iter().find(|(p, _)| *p == shown) {
            suggestion.help = Some(help.to_string());
            return suggestion;
        }
        match self.other.as_ref().filter(|o| o.paths.contains(&path)) {
            Some(other) => {
                suggestion.notes.push(format!(
                    "`{path}` belongs to {}; {} does not have it",
                    other.name, other.this_name
                ));
                suggestion.help = Some(other.render_with());
                suggestion.notes.extend(other.instead_note(&path));
            }
            None => suggestion.help = self.spelling(&parent, key),
        }
        if suggestion.help.is_none() {
            suggestion.notes.extend(self.keys_note(&parent));
        }
        suggestion
    }

    /// What to say about a value at `path` of the wrong type that has the shape the other
    /// embedded chart gives that key: a map where this chart has a string (`image` of the 0.86
    /// chart given to the 0.16 one), or a string where this chart has a map (the other way).
    pub fn other_chart_shape(&self, path: &Path, found: &Json) -> Suggestion {
        let Some(other) = &self.other else {
            return Suggestion::default();
        };
        let path = shape(path);
        let map_keys = |keys: &BTreeMap<Path, Vec<String>>| {
            keys.get(&path).map(|k| {
                k.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        };
        let (this_map, other_map) = (map_keys(&self.keys), map_keys(&other.keys));
        let other_scalar = other.paths.contains(&path) && other_map.is_none();
        let note = match (this_map, other_map) {
            (None, Some(keys)) if found.is_object() => format!(
                "`{path}` is a map ({keys}) in {}, not in {}",
                other.name, other.this_name
            ),
            (Some(keys), None) if other_scalar && !found.is_object() && !found.is_array() => {
                format!(
                    "`{path}` is a map ({keys}) in {}, a single value in {}",
                    other.this_name, other.name
                )
            }
            _ => return Suggestion::default(),
        };
        let mut notes = vec![note];
        notes.extend(other.instead_note(&path));
        Suggestion {
            help: Some(other.render_with()),
            notes,
        }
    }

    /// "the keys of `rbac` in this chart: ...", or `None` when the mapping has none.
    fn keys_note(&self, parent: &Path) -> Option<String> {
        let keys = self.keys.get(parent).filter(|k| !k.is_empty())?;
        let keys = keys.join(", ");
        Some(match parent.last() {
            None => format!("the top-level keys of this chart: {keys}"),
            Some(Segment::Index(_)) => {
                let list = parent.parent().unwrap_or_default();
                format!("the keys of an element of `{list}` in this chart: {keys}")
            }
            Some(Segment::Key(_)) => format!("the keys of `{parent}` in this chart: {keys}"),
        })
    }

    /// The key as the schema spells it, or where the schema has it: of the candidates below,
    /// the most similar (canonical forms compared), the first listed among equals.
    fn spelling(&self, parent: &Path, key: &str) -> Option<String> {
        let wanted = canonical(key);
        if wanted.is_empty() {
            return None;
        }
        let siblings: &[String] = self.keys.get(parent).map_or(&[], Vec::as_slice);
        // 1. A key of this mapping, spelled another way.
        if let Some(same) = siblings.iter().find(|s| canonical(s) == wanted) {
            return Some(format!("did you mean `{same}`? ({})", why_spelled(key)));
        }
        // 2. The key, maybe spelled another way, in another mapping.
        let mut elsewhere: Vec<&Path> = self
            .paths
            .iter()
            .zip(&self.canonical_keys)
            .filter(|(_, k)| **k == wanted)
            .map(|(p, _)| p)
            .filter(|p| p.parent().as_ref() != Some(parent))
            .collect();
        if !elsewhere.is_empty() {
            rank(&mut elsewhere, parent);
            let places: Vec<String> = elsewhere.iter().take(3).map(|p| format!("`{p}`")).collect();
            let spelled = last_key(elsewhere[0]).unwrap_or_default();
            let why = if spelled == key {
                String::new()
            } else {
                format!(" ({})", why_spelled(key))
            };
            return Some(format!("`{key}` belongs at {}{why}", places.join(" or ")));
        }
        let mut best: Option<(f64, String)> = None;
        let mut consider = |score: f64, text: String| {
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, text));
            }
        };
        // 3. A path written as one key: `runnerTags` for `runners.tags`.
        let mut joined: Vec<(f64, &Path)> = Vec::new();
        for (path, texts) in self.paths.iter().zip(&self.joined_keys) {
            for text in texts {
                if let Some(score) = similar_enough(text, &wanted, 0.9) {
                    joined.push((score, path));
                }
            }
        }
        if let Some((score, path)) = best_scored(joined, parent) {
            consider(score, format!("did you mean `{path}`?"));
        }
        // 4. A typo of a key of this mapping.
        if let Some((score, close)) = closest(&wanted, siblings.iter().map(String::as_str), 0.7) {
            consider(score, format!("did you mean `{close}`?"));
        }
        // 5. A typo of a key of another mapping.
        if wanted.chars().count() >= 5 {
            let typos: Vec<(f64, &Path)> = self
                .paths
                .iter()
                .zip(&self.canonical_keys)
                .filter_map(|(p, k)| Some((similar_enough(k, &wanted, 0.9)?, p)))
                .collect();
            if let Some((score, path)) = best_scored(typos, parent) {
                consider(score, format!("did you mean `{path}`?"));
            }
        }
        best.map(|(_, text)| text)
    }
}

/// Why a key spelled like `key` is another key: case or separators.
fn why_spelled(key: &str) -> &'static str {
    if key.contains(['_', '-']) {
        "the keys of this chart are camelCase"
    } else {
        "keys are case-sensitive"
    }
}

/// The path with every list index 0, as the schema's paths are.
fn shape(path: &Path) -> Path {
    let mut out = Path::root();
    for segment in path.segments() {
        match segment {
            Segment::Key(k) => out.push_key(k.as_str()),
            Segment::Index(_) => out.push_index(0),
        }
    }
    out
}

fn last_key(path: &Path) -> Option<&str> {
    path.last().and_then(Segment::as_key)
}

/// A key reduced to what a spelling variant keeps: lower case, without `_` and `-`.
fn canonical(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_damerau_levenshtein(a, b)
}

/// [`similarity`] of `a` and `b` if it is at least `threshold`. Strings whose lengths differ
/// by more than `1 - threshold` of the longer cannot be that similar (every missing character
/// is an edit), and are skipped without computing the distance.
fn similar_enough(a: &str, b: &str, threshold: f64) -> Option<f64> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = la.max(lb);
    if longest > 0 && (longest - la.min(lb)) as f64 > (1.0 - threshold) * longest as f64 + 1e-9 {
        return None;
    }
    let score = similarity(a, b);
    (score >= threshold).then_some(score)
}

/// The candidate closest to `wanted` (a canonical key) and its score, if at least `threshold`
/// similar.
fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
    threshold: f64,
) -> Option<(f64, &'a str)> {
    candidates
        .filter_map(|c| Some((similar_enough(wanted, &canonical(c), threshold)?, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
}

/// Places nearest to `parent` first (longest common start), then shorter, then by name.
fn rank(paths: &mut [&Path], parent: &Path) {
    paths.sort_by(|a, b| {
        common(b, parent)
            .cmp(&common(a, parent))
            .then(a.len().cmp(&b.len()))
            .then(a.to_string().cmp(&b.to_string()))
    });
}

/// The best scored path and its score, ties broken as [`rank`] does.
fn best_scored<'a>(mut scored: Vec<(f64, &'a Path)>, parent: &Path) -> Option<(f64, &'a Path)> {
    let best = scored.iter().map(|(s, _)| *s).fold(f64::NAN, f64::max);
    scored.retain(|(s, _)| *s >= best);
    let mut paths: Vec<&Path> = scored.into_iter().map(|(_, p)| p).collect();
    rank(&mut paths, parent);
    paths.first().map(|p| (best, *p))
}

fn common(a: &Path, b: &Path) -> usize {
    a.segments()
        .iter()
        .zip(b.segments())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "checkInterval": {"type": ["integer", "null"]},
                "image": {"type": ["string", "null"]},
                "rbac": {"anyOf": [{"type": "object", "properties": {
                    "create": {"type": "boolean"},
                    "resources": {"type": "array"},
                    "serviceAccountName": {"type": "string"},
                    "verbs": {"type": "array"}
                }}, {"type": "null"}]},
                "runners": {"type": "object", "properties": {
                    "pollTimeout": {"type": "integer"},
                    "serviceAccountName": {"type": "string"},
                    "tags": {"type": "string"},
                    "cache": {"type": "object", "properties": {
                        "cacheType": {"type": "string"},
                        "s3BucketName": {"type": "string"}
                    }}
                }},
                "hostAliases": {"type": "array", "items": {"type": "object", "properties": {
                    "ip": {"type": "string"},
                    "hostnames": {"type": "array"}
                }}},
                "securityContext": {"type": "object", "properties": {
                    "fsGroup": {"type": "integer"},
                    "runAsUser": {"type": "integer"}
                }}
            }
        })
    }

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    fn help(parent: &str, key: &str) -> Option<String> {
        Suggester::new(&schema()).unknown_key(&p(parent), key).help
    }

    #[test]
    fn collects_every_key_path_once() {
        let s = Suggester::new(&schema());
        let paths: Vec<String> = s.paths.iter().map(Path::to_string).collect();
        assert!(paths.contains(&"runners.cache.s3BucketName".to_string()));
        assert!(paths.contains(&"hostAliases[0].ip".to_string()));
        assert!(paths.contains(&"rbac.verbs".to_string()), "through anyOf");
        let mut unique = paths.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), paths.len());
        assert_eq!(s.keys[&p("securityContext")], ["fsGroup", "runAsUser"]);
    }

    #[test]
    fn spellings_of_a_key_of_the_same_mapping() {
        for key in ["poll_timeout", "poll-timeout"] {
            assert_eq!(
                help("runners", key).as_deref(),
                Some("did you mean `pollTimeout`? (the keys of this chart are camelCase)")
            );
        }
        assert_eq!(
            help("runners", "PollTimeout").as_deref(),
            Some("did you mean `pollTimeout`? (keys are case-sensitive)")
        );
        assert_eq!(
            help("", "checkIntervall").as_deref(),
            Some("did you mean `checkInterval`?")
        );
    }

    #[test]
    fn keys_at_another_level() {
        assert_eq!(
            help("", "poll_timeout").as_deref(),
            Some(
                "`poll_timeout` belongs at `runners.pollTimeout` (the keys of this chart are camelCase)"
            )
        );
        assert_eq!(
            help("runners", "cacheType").as_deref(),
            Some("`cacheType` belongs at `runners.cache.cacheType`")
        );
        assert_eq!(
            help("", "serviceAccountName").as_deref(),
            Some(
                "`serviceAccountName` belongs at `rbac.serviceAccountName` or `runners.serviceAccountName`"
            )
        );
        // the nearest place first
        assert_eq!(
            help("runners.cache", "serviceAccountName").as_deref(),
            Some(
                "`serviceAccountName` belongs at `runners.serviceAccountName` or `rbac.serviceAccountName`"
            )
        );
        assert_eq!(
            help("", "hostnames").as_deref(),
            Some("`hostnames` belongs at `hostAliases[0].hostnames`")
        );
    }

    #[test]
    fn a_path_written_as_one_key() {
        assert_eq!(
            help("", "runnerTags").as_deref(),
            Some("did you mean `runners.tags`?")
        );
        assert_eq!(
            help("", "rbac_create").as_deref(),
            Some("did you mean `rbac.create`?")
        );
        assert_eq!(
            help("runners", "cacheS3BucketName").as_deref(),
            Some("did you mean `runners.cache.s3BucketName`?")
        );
    }

    #[test]
    fn typos_of_keys_elsewhere() {
        assert_eq!(
            help("", "polTimeout").as_deref(),
            Some("did you mean `runners.pollTimeout`?")
        );
        // short keys are not guessed at, nor keys less close
        assert_eq!(help("", "tag"), None);
        assert_eq!(help("rbac", "tagz"), None);
        assert_eq!(help("rbac", "cacheTyp"), None);
        assert_eq!(
            help("rbac", "cacheTypee").as_deref(),
            Some("did you mean `runners.cache.cacheType`?")
        );
    }

    #[test]
    fn without_help_the_keys_of_the_mapping_are_a_note() {
        let s = Suggester::new(&schema());
        let at_top = s.unknown_key(&Path::root(), "frobnicate");
        assert_eq!(at_top.help, None);
        assert_eq!(
            at_top.notes,
            [
                "the top-level keys of this chart: checkInterval, hostAliases, image, rbac, runners, securityContext"
            ]
        );
        // the same note for every unknown key of a mapping, whatever the list index
        let a = s.unknown_key(&p("hostAliases[0]"), "zzz");
        let b = s.unknown_key(&p("hostAliases[3]"), "yyy");
        assert_eq!(a.notes, b.notes);
        assert_eq!(
            a.notes,
            ["the keys of an element of `hostAliases` in this chart: hostnames, ip"]
        );
        // with help, no list
        assert!(s.unknown_key(&p("runners"), "tag").notes.is_empty());
    }

    fn seed_with_other() -> Suggester {
        Suggester::for_chart(&schema(), ChartRules::Seed)
    }

    #[test]
    fn keys_of_the_newer_chart() {
        let s = seed_with_other();
        let session = s.unknown_key(&Path::root(), "sessionServer");
        assert_eq!(
            session.notes,
            [
                "`sessionServer` belongs to the newer official chart (0.86); this chart (the 0.16 schema) does not have it"
            ]
        );
        assert_eq!(
            session.help.as_deref(),
            Some(
                "render with `--chart gitlab-runner-current` if the file is written for the newer official chart (0.86)"
            )
        );
        let rules = s.unknown_key(&p("rbac"), "rules");
        assert!(rules.notes[0].starts_with("`rbac.rules` belongs to the newer"));
        assert_eq!(
            rules.notes[1],
            "in this chart (the 0.16 schema): use `rbac.resources` and `rbac.verbs` (one rule, for the core API group)"
        );
        assert_eq!(rules.notes.len(), 2, "no list when there is help");
        let non_root = s.unknown_key(&p("securityContext"), "allowPrivilegeEscalation");
        assert!(non_root.notes[1].contains("`containerSecurityContext` is the containers'"));
        // a newer key is not sent elsewhere: `privileged` of the runner's container is not
        // `runners.privileged` of the job pods
        let privileged = s.unknown_key(&p("securityContext"), "privileged");
        assert!(!privileged.help.unwrap().contains("runners.privileged"));
        // keys of the newer chart under a list index, computed from its schema
        assert!(s.in_other_chart(&p("sessionServer.ingress.tls[3].secretName")));
        assert!(s.in_other_chart(&p("rbac.rules[0].apiGroups")));
        assert!(!s.in_other_chart(&p("frobnicate")));
        // without the other chart, a plain unknown key
        let alone = Suggester::new(&schema()).unknown_key(&Path::root(), "sessionServer");
        assert_eq!(alone.help, None);
        assert!(alone.notes[0].starts_with("the top-level keys of this chart: "));
    }

    #[test]
    fn keys_of_the_older_schema_given_to_the_current_chart() {
        let current = super::super::current::values_schema();
        let s = Suggester::for_chart(&current, ChartRules::Current);
        for (parent, key, instead) in [
            ("runners", "privileged", "set `privileged = true`"),
            ("runners", "image", "set `image = \"...\"`"),
            ("runners", "builds", "set `cpu_limit`"),
            ("runners.cache", "cacheType", "under `[runners.cache]`"),
            ("", "containerSecurityContext", "use `securityContext`"),
            (
                "securityContext",
                "fsGroup",
                "the pod's is `podSecurityContext`",
            ),
        ] {
            let got = s.unknown_key(&p(parent), key);
            assert_eq!(
                got.help.as_deref(),
                Some(
                    "render with `--chart gitlab-runner` if the file is written for the chart 0.16 schema"
                ),
                "{parent}.{key}"
            );
            assert!(got.notes[0].ends_with(
                "belongs to the chart 0.16 schema; today's chart (0.86) does not have it"
            ));
            assert!(
                got.notes[1].starts_with("in today's chart (0.86): "),
                "{got:?}"
            );
            assert!(got.notes[1].contains(instead), "{got:?}");
        }
        // a key of neither chart: a spelling, as before
        assert_eq!(
            s.unknown_key(&p("runners"), "jobNamespce").help.as_deref(),
            Some("did you mean `jobNamespace`?")
        );
        // the keys of both charts are not hints
        assert!(!s.in_other_chart(&p("runners.jobNamespace")));
        assert!(s.in_other_chart(&p("runners.jobNamespace").parent().unwrap()));
    }

    #[test]
    fn the_shape_the_other_chart_gives_a_key() {
        let s = seed_with_other();
        let image = s.other_chart_shape(&p("image"), &serde_json::json!({"registry": "r"}));
        assert_eq!(
            image.notes[0],
            "`image` is a map (`image`, `registry`, `tag`) in the newer official chart (0.86), not in this chart (the 0.16 schema)"
        );
        assert!(image.notes[1].contains("write the image as one string"));
        assert!(
            image
                .help
                .unwrap()
                .contains("--chart gitlab-runner-current")
        );
        // a string, or a key that is a map here too: nothing to say
        assert_eq!(
            s.other_chart_shape(&p("image"), &serde_json::json!("x")),
            Suggestion::default()
        );
        assert_eq!(
            s.other_chart_shape(&p("securityContext"), &serde_json::json!({})),
            Suggestion::default()
        );
        // the other way: a string where today's chart has a map
        let current = super::super::current::values_schema();
        let s = Suggester::for_chart(&current, ChartRules::Current);
        let image = s.other_chart_shape(&p("image"), &serde_json::json!("r/i:t"));
        assert_eq!(
            image.notes[0],
            "`image` is a map (`image`, `registry`, `tag`) in today's chart (0.86), a single value in the chart 0.16 schema"
        );
        assert!(image.help.unwrap().contains("--chart gitlab-runner`"));
    }

    #[test]
    fn the_keys_of_each_chart_come_from_its_model() {
        let current = super::super::current::values_schema();
        let (paths, _) = key_paths(&current);
        for key in [
            "runners.config",
            "image.registry",
            "image.tag",
            "rbac.rules",
            "rbac.rules[0].verbs",
            "serviceAccount.name",
            "podSecurityContext.fsGroup",
            "securityContext.runAsNonRoot",
            "volumes",
            "volumeMounts[0].mountPath",
            "secrets[0].items[0].key",
            "configMaps",
            "metrics.serviceMonitor.jobLabel",
            "sessionServer.ingress.tls",
            "service.metrics.nodePort",
            "shutdown_timeout",
            "extraEnv",
            "hostAliases",
            "runners.hostAliases[0].hostnames",
        ] {
            assert!(paths.contains(&p(key)), "{key}");
        }
        assert!(paths.len() > 150, "{}", paths.len());
    }
}
