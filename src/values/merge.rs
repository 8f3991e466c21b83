//! Helm's two merge rules.
//!
//! - [`merge_maps`] combines user sources (`-f` files in order): maps merge key by key, any
//!   other value (scalars, lists, `null`) replaces.
//! - [`coalesce`] lays the merged user values over the chart defaults: maps merge key by key,
//!   user scalars and lists win, and a user `null` deletes the default's key. Where a user gives
//!   a scalar for a default map (or the reverse), the user value is kept and a warning is
//!   produced, quoting the warning Helm 3.16 prints there, if it prints one.

use serde_yaml::{Mapping, Value};

use super::path::Path;

/// Merges `src` into `dst`: where both have a map at a key the maps are merged recursively,
/// anything else in `src` replaces what `dst` had.
///
/// ```
/// use gitlab_runner_chart::__private::values::merge::merge_maps;
/// let mut dst: serde_yaml::Mapping = serde_yaml::from_str("a: {x: 1, y: [1, 2]}").unwrap();
/// let src: serde_yaml::Mapping = serde_yaml::from_str("a: {y: [3], z: null}").unwrap();
/// merge_maps(&mut dst, src);
/// assert_eq!(dst, serde_yaml::from_str::<serde_yaml::Mapping>("a: {x: 1, y: [3], z: null}").unwrap());
/// ```
pub fn merge_maps(dst: &mut Mapping, src: Mapping) {
    for (key, value) in src {
        match (dst.get_mut(&key), value) {
            (Some(Value::Mapping(existing)), Value::Mapping(incoming)) => {
                merge_maps(existing, incoming)
            }
            (_, value) => {
                dst.insert(key, value);
            }
        }
    }
}

/// Lays `user` over `defaults` with Helm's coalescing rules and returns the result, with a
/// warning for every place where a map and a value that is not one meet (e.g.
/// `runners.cache: s3`, where the default is a map), each with its values path. The user's
/// value is kept there, as Helm keeps it. Where Helm 3.16 prints a warning for the same case,
/// the message quotes it exactly (Helm names the place `<chart_name>.<keys>`):
///
/// | where | default | given | Helm 3.16 prints |
/// | --- | --- | --- | --- |
/// | top level | not a map, not null | a map | `skipped value for gitlab-runner.tolerations: Not a table.` |
/// | top level | a map | not a map, not null | nothing |
/// | deeper | a map | not a map, not null | `cannot overwrite table with non table for gitlab-runner.runners.cache (map[])` |
/// | deeper | not a map, not null | a map | `destination for gitlab-runner.rbac.create is a table. Ignoring non-table value (false)` |
///
/// (the value in parentheses is the default as Go prints it; it is left out of the quote
/// when it is, or holds, a secret). A `null` on either side gives no warning: a user `null`
/// deletes the default, a default `null` is replaced.
///
/// ```
/// use gitlab_runner_chart::__private::values::merge::coalesce;
/// let defaults: serde_yaml::Mapping = serde_yaml::from_str("a: 1\nb: {c: 2, d: 3}\ne: 4").unwrap();
/// let user: serde_yaml::Mapping = serde_yaml::from_str("b: {d: null, f: 5}\ne: null").unwrap();
/// let (merged, warnings) = coalesce(user, &defaults, "chart");
/// assert_eq!(merged, serde_yaml::from_str::<serde_yaml::Mapping>("a: 1\nb: {c: 2, f: 5}").unwrap());
/// assert!(warnings.is_empty());
///
/// let user: serde_yaml::Mapping = serde_yaml::from_str("b: {c: {x: 1}}").unwrap();
/// let (_, warnings) = coalesce(user, &defaults, "chart");
/// assert_eq!(warnings[0].0.to_string(), "b.c");
/// assert_eq!(
///     warnings[0].1,
///     "the chart default here is a number, the given map replaces it (Helm 3.16 warns: \
///      \"destination for chart.b.c is a table. Ignoring non-table value (2)\")"
/// );
/// ```
pub fn coalesce(
    user: Mapping,
    defaults: &Mapping,
    chart_name: &str,
) -> (Mapping, Vec<(Path, String)>) {
    let mut warnings = Vec::new();
    let merged = coalesce_at(chart_name, &Path::default(), user, defaults, &mut warnings);
    (merged, warnings)
}

fn coalesce_at(
    chart_name: &str,
    prefix: &Path,
    mut user: Mapping,
    defaults: &Mapping,
    warnings: &mut Vec<(Path, String)>,
) -> Mapping {
    // Keys of the defaults come first, in the defaults' order, then keys only the user has.
    let mut out = Mapping::with_capacity(defaults.len() + user.len());
    let top = prefix.is_empty();
    for (key, default) in defaults {
        // built only where a warning or a nested map needs it
        let path = || prefix.child_key(key.as_str().unwrap_or_default());
        // taken where it is (removing it from the ordered map would shift the rest each time);
        // the user's keys the defaults have are skipped below
        let user_value = user
            .get_mut(key)
            .map(|value| std::mem::replace(value, Value::Null));
        match user_value {
            None => {
                out.insert(key.clone(), default.clone());
            }
            // A user null deletes the default.
            Some(Value::Null) => {}
            Some(Value::Mapping(user_map)) => match default {
                Value::Mapping(default_map) => {
                    out.insert(
                        key.clone(),
                        Value::Mapping(coalesce_at(
                            chart_name,
                            &path(),
                            user_map,
                            default_map,
                            warnings,
                        )),
                    );
                }
                Value::Null => {
                    out.insert(key.clone(), Value::Mapping(user_map));
                }
                _ => {
                    let path = path();
                    let helm = helm_name(chart_name, &path);
                    let quote = if top {
                        format!("skipped value for {helm}: Not a table.")
                    } else {
                        format!(
                            "destination for {helm} is a table. Ignoring non-table value{}",
                            go_value_suffix(default, &path)
                        )
                    };
                    warnings.push((
                        path,
                        format!(
                            "the chart default here is {}, the given map replaces it (Helm 3.16 warns: \"{quote}\")",
                            kind(default)
                        ),
                    ));
                    out.insert(key.clone(), Value::Mapping(user_map));
                }
            },
            Some(user_value) => {
                if matches!(default, Value::Mapping(_)) {
                    let path = path();
                    let mut message = format!(
                        "the chart default here is a map, the given {} replaces it",
                        kind(&user_value).trim_start_matches("a ")
                    );
                    // Helm 3.16 prints nothing at the top level.
                    if !top {
                        message.push_str(&format!(
                            " (Helm 3.16 warns: \"cannot overwrite table with non table for {}{}\")",
                            helm_name(chart_name, &path),
                            go_value_suffix(default, &path)
                        ));
                    }
                    warnings.push((path, message));
                }
                out.insert(key.clone(), user_value);
            }
        }
    }
    for (key, value) in user {
        if !defaults.contains_key(&key) {
            out.insert(key, value);
        }
    }
    out
}

/// `a map`, `a string`, ...
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
    }
}

/// How Helm names a place in its warnings: the chart's name and the keys, joined by `.`.
fn helm_name(chart_name: &str, path: &Path) -> String {
    let mut name = chart_name.to_string();
    for segment in path.segments() {
        name.push('.');
        match segment {
            super::path::Segment::Key(key) => name.push_str(key),
            super::path::Segment::Index(i) => name.push_str(&i.to_string()),
        }
    }
    name
}

/// ` (value)` as Helm ends its warning with the default `value` at `path`, or nothing when the
/// value is, or holds, a secret, or is too long to quote.
fn go_value_suffix(value: &Value, path: &Path) -> String {
    const MAX: usize = 200;
    if holds_secret(value, &mut path.clone()) {
        return String::new();
    }
    let text = go_text(value);
    if text.chars().count() > MAX {
        return String::new();
    }
    format!(" ({text})")
}

fn holds_secret(value: &Value, at: &mut Path) -> bool {
    if crate::diagnostic::is_secret_path(at) {
        return true;
    }
    match value {
        Value::Mapping(map) => map.iter().any(|(k, v)| {
            at.push_key(key_text(k));
            let secret = holds_secret(v, at);
            at.pop();
            secret
        }),
        Value::Sequence(items) => items.iter().enumerate().any(|(i, v)| {
            at.push_index(i);
            let secret = holds_secret(v, at);
            at.pop();
            secret
        }),
        _ => false,
    }
}

/// A map key as Helm has it: values reach Helm through JSON, where every key is a string.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => go_text(other),
    }
}

/// `value` as Go's `%v` prints it after Helm read it (numbers are float64; maps are printed
/// `map[k:v ...]` with sorted keys, lists `[a b]`, null `<nil>`).
fn go_text(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::engine::format::go_float(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => s.clone(),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(go_text).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Mapping(map) => {
            let mut entries: Vec<(String, String)> =
                map.iter().map(|(k, v)| (key_text(k), go_text(v))).collect();
            entries.sort();
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect();
            format!("map[{}]", entries.join(" "))
        }
        Value::Tagged(tagged) => go_text(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn merge_maps_replaces_lists_and_scalars() {
        let mut dst = map("a: [1, 2]\nb: x\nc: {d: 1}");
        merge_maps(&mut dst, map("a: [3]\nb: {y: 1}\nc: 5"));
        assert_eq!(dst, map("a: [3]\nb: {y: 1}\nc: 5"));
    }

    #[test]
    fn merge_maps_keeps_null_for_coalesce_to_delete() {
        let mut dst = map("a: 1");
        merge_maps(&mut dst, map("a: null"));
        assert_eq!(dst, map("a: null"));
    }

    #[test]
    fn coalesce_deletes_nested_defaults_on_null() {
        let defaults = map("runners: {secret: s, image: u, cache: {}}");
        let (merged, warnings) =
            coalesce(map("runners: {secret: null}"), &defaults, "gitlab-runner");
        assert_eq!(merged, map("runners: {image: u, cache: {}}"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn coalesce_keeps_null_for_keys_without_default() {
        let (merged, _) = coalesce(map("x: null"), &map("a: 1"), "gitlab-runner");
        assert_eq!(merged, map("a: 1\nx: null"));
    }

    #[test]
    fn coalesce_warns_on_table_mismatch_and_keeps_user_value() {
        let defaults = map("cache: {}\nimage: u");
        let (merged, warnings) =
            coalesce(map("cache: s3\nimage: {a: 1}"), &defaults, "gitlab-runner");
        assert_eq!(merged, map("cache: s3\nimage: {a: 1}"));
        let paths: Vec<String> = warnings.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(paths, ["cache", "image"]);
        assert!(
            warnings[0].1.starts_with("the chart default here is a map"),
            "{warnings:?}"
        );
        assert!(
            warnings[1]
                .1
                .starts_with("the chart default here is a string"),
            "{warnings:?}"
        );
    }

    /// The four cases of Helm 3.16's coalescing, with what `helm template` printed on stderr
    /// for them (chart `gitlab-runner` 0.16.0, and a small chart for other defaults).
    #[test]
    fn coalesce_quotes_what_helm_prints() {
        let defaults = map(
            "tolerations: []\nimagePullPolicy: IfNotPresent\nrbac: {create: false}\n\
             runners: {image: \"ubuntu:16.04\", cache: {}, big: 1000000, frac: 0.00001, list: [x, 1, true, 1.5], map: {k: v, b: [1], a: {z: 1}}, empty: \"\"}\n\
             affinity: {}",
        );
        let user = map(
            "tolerations: {a: 1}\nimagePullPolicy: {}\nrbac: {create: {a: 1}}\n\
             runners: {image: {a: 1}, cache: s3, big: {q: 1}, frac: {q: 1}, list: {q: 1}, map: 7, empty: {q: 1}}\n\
             affinity: [1]",
        );
        let (_, warnings) = coalesce(user, &defaults, "gitlab-runner");
        let quotes: Vec<(String, Option<&str>)> = warnings
            .iter()
            .map(|(p, m)| {
                let quote = m
                    .split_once("(Helm 3.16 warns: \"")
                    .map(|(_, q)| q.strip_suffix("\")").unwrap());
                (p.to_string(), quote)
            })
            .collect();
        let expected: Vec<(String, Option<&str>)> = vec![
            (
                "tolerations".into(),
                Some("skipped value for gitlab-runner.tolerations: Not a table."),
            ),
            (
                "imagePullPolicy".into(),
                Some("skipped value for gitlab-runner.imagePullPolicy: Not a table."),
            ),
            (
                "rbac.create".into(),
                Some(
                    "destination for gitlab-runner.rbac.create is a table. Ignoring non-table value (false)",
                ),
            ),
            (
                "runners.image".into(),
                Some(
                    "destination for gitlab-runner.runners.image is a table. Ignoring non-table value (ubuntu:16.04)",
                ),
            ),
            (
                "runners.cache".into(),
                Some(
                    "cannot overwrite table with non table for gitlab-runner.runners.cache (map[])",
                ),
            ),
            (
                "runners.big".into(),
                Some(
                    "destination for gitlab-runner.runners.big is a table. Ignoring non-table value (1e+06)",
                ),
            ),
            (
                "runners.frac".into(),
                Some(
                    "destination for gitlab-runner.runners.frac is a table. Ignoring non-table value (1e-05)",
                ),
            ),
            (
                "runners.list".into(),
                Some(
                    "destination for gitlab-runner.runners.list is a table. Ignoring non-table value ([x 1 true 1.5])",
                ),
            ),
            (
                "runners.map".into(),
                Some(
                    "cannot overwrite table with non table for gitlab-runner.runners.map (map[a:map[z:1] b:[1] k:v])",
                ),
            ),
            (
                "runners.empty".into(),
                Some(
                    "destination for gitlab-runner.runners.empty is a table. Ignoring non-table value ()",
                ),
            ),
            // a list over a map at the top level: Helm prints nothing
            ("affinity".into(), None),
        ];
        assert_eq!(quotes, expected);
        assert_eq!(
            warnings[10].1,
            "the chart default here is a map, the given list replaces it"
        );
    }

    #[test]
    fn coalesce_is_silent_about_nulls() {
        let defaults = map("a: null\nb: {c: null, d: 1}\ne: {f: 1}");
        let user = map("a: {x: 1}\nb: {c: {y: 1}, d: null}\ne: null");
        let (merged, warnings) = coalesce(user, &defaults, "c");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(merged, map("a: {x: 1}\nb: {c: {y: 1}}"));
    }

    #[test]
    fn secret_defaults_are_not_quoted() {
        let defaults = map("runners: {token: glrt-SECRET, cache: {secretKey: SECRET}}");
        let user = map("runners: {token: {a: 1}, cache: 5}");
        let (_, warnings) = coalesce(user, &defaults, "c");
        assert_eq!(warnings.len(), 2);
        for (_, message) in &warnings {
            assert!(!message.contains("SECRET"), "{message}");
        }
        assert!(
            warnings[0].1.ends_with("Ignoring non-table value\")"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].1.ends_with("for c.runners.cache\")"),
            "{warnings:?}"
        );
    }

    #[test]
    fn floats_as_go_prints_them() {
        for (f, text) in [
            (0.0, "0"),
            (1.0, "1"),
            (3600.0, "3600"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1e21, "1e+21"),
            (1.5e-300, "1.5e-300"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(crate::engine::format::go_float(f), text, "{f}");
        }
        assert_eq!(crate::engine::format::go_float(f64::NAN), "NaN");
    }

    #[test]
    fn coalesce_replaces_lists() {
        let (merged, _) = coalesce(map("l: [3]"), &map("l: [1, 2]"), "gitlab-runner");
        assert_eq!(merged, map("l: [3]"));
    }

    #[test]
    fn coalesce_keeps_default_key_order() {
        let (merged, _) = coalesce(map("z: 1\nb: 2"), &map("a: 0\nb: 0"), "gitlab-runner");
        let keys: Vec<&str> = merged.keys().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, ["a", "b", "z"]);
    }
}
