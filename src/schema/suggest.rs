//! What to tell a user about a key the schema does not know: the key spelled another way
//! (`poll_timeout`, `poll-timeout`, `PollTimeout` → `pollTimeout`), a typo, the key at another
//! level (`runners.cacheType` → `runners.cache.cacheType`, `poll_timeout` →
//! `runners.pollTimeout`), a path written as one key (`runnerTags` → `runners.tags`), and, for a
//! key of the newer official chart (0.86) that this chart (the 0.16 schema) lacks, a note
//! saying so, with what this chart has instead where it has something.
//!
//! A [`Suggester`] is built once per schema: it holds every key path of the schema and the
//! keys of each of its mappings.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::values::path::{Path, Segment};

/// The key paths of the newer official chart (0.86), with where they come from.
const NEWER_CHART_KEYS: &str = include_str!("newer_chart_keys.txt");

/// What this chart has instead of a key of the newer chart, where it has something: the values
/// path in the newer chart (a path ending in `.*` stands for every key under it), and the help.
const NEWER_CHART_EQUIVALENTS: &[(&str, &str)] = &[
    (
        "image",
        "write the image as one string, `registry/image:tag`, e.g. `registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v18.6.3`",
    ),
    (
        "runners.config",
        "this chart writes config.toml itself, from the keys of `runners` (`image`, `privileged`, `cache`, `builds`, ...)",
    ),
    ("runners.jobNamespace", "use `runners.namespace`"),
    (
        "runners.executor",
        "this chart always registers a `kubernetes` executor",
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
        "this chart's `securityContext` is the security context of the pod (`runAsUser`, `fsGroup`)",
    ),
    (
        "securityContext.*",
        "this chart's `securityContext` is the security context of the pod (`runAsUser`, `fsGroup`); it sets none for the container",
    ),
    (
        "extraEnv",
        "use `envVars`, a list of `name`/`value` pairs",
    ),
];

/// A help line and notes for one problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestion {
    /// What to do, e.g. "did you mean `pollTimeout`?".
    pub help: Option<String>,
    /// Facts that explain the problem, e.g. the keys a mapping has.
    pub notes: Vec<String>,
}

/// The key paths of a schema and of the newer official chart, to explain unknown keys.
#[derive(Debug, Clone)]
pub struct Suggester {
    /// Every key path of the schema (list elements as index 0), in the schema's order.
    paths: Vec<Path>,
    /// The keys of each mapping of the schema, sorted.
    keys: BTreeMap<Path, Vec<String>>,
    /// The key paths of the newer official chart.
    newer: BTreeSet<Path>,
    /// For each of `paths`, its last key made canonical ([`canonical`]), computed once.
    canonical_keys: Vec<String>,
    /// For each of `paths`, its last 2 and 3 keys joined and made canonical (`runnerstags`).
    joined_keys: Vec<Vec<String>>,
}

impl Suggester {
    /// Collects the key paths of `schema` (a JSON Schema as generated for the values: objects
    /// with `properties`, lists with `items`, optional values as `anyOf: [T, null]`).
    pub fn new(schema: &Json) -> Suggester {
        let mut suggester = Suggester {
            paths: Vec::new(),
            keys: BTreeMap::new(),
            newer: newer_chart_paths(),
            canonical_keys: Vec::new(),
            joined_keys: Vec::new(),
        };
        suggester.walk(schema, &Path::root(), 0, &mut BTreeSet::new());
        for keys in suggester.keys.values_mut() {
            keys.sort_unstable();
            keys.dedup();
        }
        suggester.canonical_keys = suggester
            .paths
            .iter()
            .map(|p| last_key(p).map(canonical).unwrap_or_default())
            .collect();
        suggester.joined_keys = suggester
            .paths
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
        suggester
    }

    fn walk(&mut self, node: &Json, at: &Path, depth: usize, seen: &mut BTreeSet<Path>) {
        if depth > 32 {
            return;
        }
        if let Some(props) = node.get("properties").and_then(Json::as_object) {
            let keys = self.keys.entry(at.clone()).or_default();
            keys.extend(props.keys().cloned());
            for (name, child) in props {
                let path = at.child_key(name);
                if seen.insert(path.clone()) {
                    self.paths.push(path.clone());
                }
                self.walk(child, &path, depth + 1, seen);
            }
        }
        if let Some(items) = node.get("items").filter(|i| i.is_object()) {
            self.walk(items, &at.child_index(0), depth + 1, seen);
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            for branch in node
                .get(combinator)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                self.walk(branch, at, depth + 1, seen);
            }
        }
    }

    /// Whether `path` (list indices any) is a key path of the newer official chart.
    pub fn in_newer_chart(&self, path: &Path) -> bool {
        self.newer.contains(&shape(path))
    }

    /// What to say about the unknown key `key` of the mapping at `parent`: a spelling or place
    /// where the schema has it, or, for a key of the newer official chart, a note saying so (and
    /// what this chart has instead). When there is no help, a note lists the keys the mapping
    /// has (the same text for every unknown key of that mapping, so that a report can print it
    /// once).
    pub fn unknown_key(&self, parent: &Path, key: &str) -> Suggestion {
        let parent = shape(parent);
        let path = parent.child_key(key);
        let mut suggestion = Suggestion::default();
        if self.newer.contains(&path) {
            suggestion.notes.push(format!(
                "`{path}` belongs to the newer official chart (0.86); this chart (the 0.16 schema) does not support it"
            ));
            suggestion.help = newer_chart_equivalent(&path);
        } else {
            suggestion.help = self.spelling(&parent, key);
        }
        if suggestion.help.is_none() {
            suggestion.notes.extend(self.keys_note(&parent));
        }
        suggestion
    }

    /// What to say about a value at `path` of the wrong type that has the shape the newer
    /// official chart gives that key (a map where this chart has a string: `image`).
    pub fn newer_chart_shape(&self, path: &Path, found: &Json) -> Suggestion {
        let path = shape(path);
        let newer_map = self
            .newer
            .iter()
            .any(|p| p.parent().as_ref() == Some(&path));
        let this_map = self.keys.contains_key(&path);
        if !found.is_object() || !newer_map || this_map {
            return Suggestion::default();
        }
        let mut keys: Vec<String> = self
            .newer
            .iter()
            .filter(|p| p.parent().as_ref() == Some(&path))
            .filter_map(|p| p.last().and_then(Segment::as_key).map(|k| format!("`{k}`")))
            .collect();
        keys.sort_unstable();
        Suggestion {
            help: newer_chart_equivalent(&path),
            notes: vec![format!(
                "`{path}` is a map ({}) in the newer official chart (0.86), not in this chart (the 0.16 schema)",
                keys.join(", ")
            )],
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

fn newer_chart_paths() -> BTreeSet<Path> {
    NEWER_CHART_KEYS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut path = Path::root();
            for key in l.split('.') {
                path.push_key(key);
            }
            path
        })
        .collect()
}

fn newer_chart_equivalent(path: &Path) -> Option<String> {
    let text = path.to_string();
    NEWER_CHART_EQUIVALENTS
        .iter()
        .find(|(key, _)| match key.strip_suffix(".*") {
            Some(parent) => path.parent().is_some_and(|p| p.to_string() == parent),
            None => *key == text,
        })
        .map(|(_, help)| help.to_string())
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
            Some("`poll_timeout` belongs at `runners.pollTimeout` (the keys of this chart are camelCase)")
        );
        assert_eq!(
            help("runners", "cacheType").as_deref(),
            Some("`cacheType` belongs at `runners.cache.cacheType`")
        );
        assert_eq!(
            help("", "serviceAccountName").as_deref(),
            Some("`serviceAccountName` belongs at `rbac.serviceAccountName` or `runners.serviceAccountName`")
        );
        // the nearest place first
        assert_eq!(
            help("runners.cache", "serviceAccountName").as_deref(),
            Some("`serviceAccountName` belongs at `runners.serviceAccountName` or `rbac.serviceAccountName`")
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
            ["the top-level keys of this chart: checkInterval, hostAliases, image, rbac, runners, securityContext"]
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

    #[test]
    fn keys_of_the_newer_chart() {
        let s = Suggester::new(&schema());
        let session = s.unknown_key(&Path::root(), "sessionServer");
        assert_eq!(
            session.notes[0],
            "`sessionServer` belongs to the newer official chart (0.86); this chart (the 0.16 schema) does not support it"
        );
        assert_eq!(session.help, None);
        assert!(session.notes[1].starts_with("the top-level keys of this chart: "));
        let rules = s.unknown_key(&p("rbac"), "rules");
        assert!(rules.notes[0].starts_with("`rbac.rules` belongs to the newer"));
        assert_eq!(
            rules.help.as_deref(),
            Some("use `rbac.resources` and `rbac.verbs` (one rule, for the core API group)")
        );
        assert_eq!(rules.notes.len(), 1, "no list when there is help");
        let non_root = s.unknown_key(&p("securityContext"), "runAsNonRoot");
        assert!(non_root
            .help
            .unwrap()
            .contains("sets none for the container"));
        // a newer key is not sent elsewhere: `privileged` of the runner's container is not
        // `runners.privileged` of the job pods
        let privileged = s.unknown_key(&p("securityContext"), "privileged");
        assert!(!privileged.help.unwrap().contains("runners.privileged"));
        // keys of the newer chart under a list index
        assert!(s.in_newer_chart(&p("sessionServer.ingress.tls")));
        assert!(!s.in_newer_chart(&p("frobnicate")));
    }

    #[test]
    fn a_map_where_the_newer_chart_has_one() {
        let s = Suggester::new(&schema());
        let image = s.newer_chart_shape(&p("image"), &serde_json::json!({"registry": "r"}));
        assert_eq!(
            image.notes,
            ["`image` is a map (`image`, `registry`, `tag`) in the newer official chart (0.86), not in this chart (the 0.16 schema)"]
        );
        assert!(image
            .help
            .unwrap()
            .starts_with("write the image as one string"));
        // a string, or a key that is a map here too: nothing to say
        assert_eq!(
            s.newer_chart_shape(&p("image"), &serde_json::json!("x")),
            Suggestion::default()
        );
        assert_eq!(
            s.newer_chart_shape(&p("securityContext"), &serde_json::json!({})),
            Suggestion::default()
        );
    }

    #[test]
    fn the_newer_chart_list_is_read() {
        let paths = newer_chart_paths();
        assert!(paths.len() > 150, "{}", paths.len());
        for key in [
            "runners.config",
            "image.registry",
            "image.tag",
            "rbac.rules",
            "serviceAccount.name",
            "podSecurityContext",
            "securityContext.runAsNonRoot",
            "volumes",
            "volumeMounts",
            "secrets",
            "configMaps",
            "metrics.serviceMonitor",
            "sessionServer",
            "service",
            "shutdown_timeout",
            "extraEnv",
            "hostAliases",
        ] {
            assert!(paths.contains(&p(key)), "{key}");
        }
        assert!(!paths.iter().any(|p| p.to_string().starts_with('#')));
    }
}
