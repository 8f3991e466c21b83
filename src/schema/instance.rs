//! The merged values as the JSON instance the schema checks.
//!
//! Values read by this crate have string keys and no tags, and are copied node by node; anything
//! else (a key that is not a string, a tagged value: possible in a [`Mapping`] a library user
//! builds) goes through serde, which gives the same JSON for what both can take and the error
//! for the rest.

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

/// `values` as JSON: the same as `serde_json::to_value(values)`, without serde's round trip
/// for the common case.
pub(crate) fn to_json(values: &Mapping) -> Result<Json, serde_json::Error> {
    match object(values) {
        Some(json) => Ok(json),
        None => serde_json::to_value(values),
    }
}

/// `None` where serde is needed (see the module documentation).
fn copy(value: &Value) -> Option<Json> {
    Some(match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Json::from(u),
            (None, Some(i), _) => Json::from(i),
            (None, None, Some(f)) => Json::from(f),
            (None, None, None) => return None,
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(copy).collect::<Option<_>>()?),
        Value::Mapping(map) => object(map)?,
        Value::Tagged(_) => return None,
    })
}

fn object(map: &Mapping) -> Option<Json> {
    let mut out = serde_json::Map::with_capacity(map.len());
    for (key, value) in map {
        out.insert(key.as_str()?.to_owned(), copy(value)?);
    }
    Some(Json::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    fn same_as_serde(values: &Mapping) {
        let ours = to_json(values).map_err(|e| e.to_string());
        let serde = serde_json::to_value(values).map_err(|e| e.to_string());
        assert_eq!(ours, serde, "{values:?}");
    }

    #[test]
    fn every_kind_of_node_as_serde_gives_it() {
        same_as_serde(&yaml(
            "a: 1\nb: -2\nc: 18446744073709551615\nd: -9223372036854775808\ne: 1.5\nf: 2.0\n\
             g: ~\nh: true\ni: text\nj: [1, [x], {k: v}]\nk: {nested: {deep: [null]}}\nl: []\nm: {}\n",
        ));
        // what the copy leaves to serde: tags, keys that are not strings
        same_as_serde(&yaml("a: !custom {x: 1}\n"));
        same_as_serde(&yaml("a: {1: one, true: yes, ~: none}\n"));
        same_as_serde(&yaml("a: {[1, 2]: list}\n"));
        same_as_serde(&yaml("a: [1, {2.5: x}]\n"));
        assert!(to_json(&yaml("a: {[1, 2]: list}\n")).is_err());
        assert_eq!(
            to_json(&yaml("a: {1: one}\n")).unwrap(),
            serde_json::json!({"a": {"1": "one"}})
        );
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[a-z0-9 ]{0,6}".prop_map(Value::String),
        ]
    }

    fn key() -> impl Strategy<Value = Value> {
        prop_oneof![
            8 => "[a-z]{0,4}".prop_map(Value::String),
            1 => any::<i64>().prop_map(Value::from),
            1 => any::<bool>().prop_map(Value::Bool),
        ]
    }

    fn tree() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Sequence),
                prop::collection::vec((key(), inner), 0..5)
                    .prop_map(|entries| Value::Mapping(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_values_as_serde_gives_them(entries in prop::collection::vec(("[a-z]{1,4}", tree()), 0..6)) {
            let values: Mapping = entries
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect();
            same_as_serde(&values);
        }
    }
}
