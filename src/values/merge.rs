//! Helm's two merge rules.
//!
//! - [`merge_maps`] combines user sources (`-f` files in order): maps merge key by key, any
//!   other value (scalars, lists, `null`) replaces.
//! - [`coalesce`] lays the merged user values over the chart defaults: maps merge key by key,
//!   user scalars and lists win, and a user `null` deletes the default's key. Where a user gives
//!   a scalar for a default map (or the reverse), the user value is kept and a warning is
//!   produced, as Helm prints one.

use serde_yaml::{Mapping, Value};

use super::path::Path;

/// Merges `src` into `dst`: where both have a map at a key the maps are merged recursively,
/// anything else in `src` replaces what `dst` had.
///
/// ```
/// use gitlab_runner_chart::values::merge::merge_maps;
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

/// Lays `user` over `defaults` with Helm's coalescing rules and returns the result, with the
/// warnings Helm would print (e.g. for `runners.cache: s3`, where the default is a map), each
/// with its values path.
///
/// ```
/// use gitlab_runner_chart::values::merge::coalesce;
/// let defaults: serde_yaml::Mapping = serde_yaml::from_str("a: 1\nb: {c: 2, d: 3}\ne: 4").unwrap();
/// let user: serde_yaml::Mapping = serde_yaml::from_str("b: {d: null, f: 5}\ne: null").unwrap();
/// let (merged, warnings) = coalesce(user, &defaults);
/// assert_eq!(merged, serde_yaml::from_str::<serde_yaml::Mapping>("a: 1\nb: {c: 2, f: 5}").unwrap());
/// assert!(warnings.is_empty());
/// ```
pub fn coalesce(user: Mapping, defaults: &Mapping) -> (Mapping, Vec<(Path, String)>) {
    let mut warnings = Vec::new();
    let merged = coalesce_at(&Path::default(), user, defaults, &mut warnings);
    (merged, warnings)
}

fn coalesce_at(
    prefix: &Path,
    mut user: Mapping,
    defaults: &Mapping,
    warnings: &mut Vec<(Path, String)>,
) -> Mapping {
    // Keys of the defaults come first, in the defaults' order, then keys only the user has.
    let mut out = Mapping::with_capacity(defaults.len() + user.len());
    for (key, default) in defaults {
        let path = prefix.child_key(key.as_str().unwrap_or_default());
        match user.shift_remove(key) {
            None => {
                out.insert(key.clone(), default.clone());
            }
            // A user null deletes the default.
            Some(Value::Null) => {}
            Some(Value::Mapping(user_map)) => match default {
                Value::Mapping(default_map) => {
                    out.insert(
                        key.clone(),
                        Value::Mapping(coalesce_at(&path, user_map, default_map, warnings)),
                    );
                }
                Value::Null => {
                    out.insert(key.clone(), Value::Mapping(user_map));
                }
                _ => {
                    warnings.push((
                        path,
                        "the chart default is not a map; the given map replaces it (Helm: \"skipped value ... Not a table\")".to_string(),
                    ));
                    out.insert(key.clone(), Value::Mapping(user_map));
                }
            },
            Some(user_value) => {
                if matches!(default, Value::Mapping(_)) {
                    warnings.push((
                        path,
                        "the chart default is a map; the given value replaces it (Helm: \"cannot overwrite table with non table\")".to_string(),
                    ));
                }
                out.insert(key.clone(), user_value);
            }
        }
    }
    for (key, value) in user {
        out.insert(key, value);
    }
    out
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
        let (merged, warnings) = coalesce(map("runners: {secret: null}"), &defaults);
        assert_eq!(merged, map("runners: {image: u, cache: {}}"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn coalesce_keeps_null_for_keys_without_default() {
        let (merged, _) = coalesce(map("x: null"), &map("a: 1"));
        assert_eq!(merged, map("a: 1\nx: null"));
    }

    #[test]
    fn coalesce_warns_on_table_mismatch_and_keeps_user_value() {
        let defaults = map("cache: {}\nimage: u");
        let (merged, warnings) = coalesce(map("cache: s3\nimage: {a: 1}"), &defaults);
        assert_eq!(merged, map("cache: s3\nimage: {a: 1}"));
        let paths: Vec<String> = warnings.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(paths, ["cache", "image"]);
        assert!(
            warnings[0].1.starts_with("the chart default is a map"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].1.starts_with("the chart default is not a map"),
            "{warnings:?}"
        );
    }

    #[test]
    fn coalesce_replaces_lists() {
        let (merged, _) = coalesce(map("l: [3]"), &map("l: [1, 2]"));
        assert_eq!(merged, map("l: [3]"));
    }

    #[test]
    fn coalesce_keeps_default_key_order() {
        let (merged, _) = coalesce(map("z: 1\nb: 2"), &map("a: 0\nb: 0"));
        let keys: Vec<&str> = merged.keys().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, ["a", "b", "z"]);
    }
}
