//! Values between minijinja and gtmpl-ng: the render context handed to a Go template, and a
//! Go template value handed back to the engine's `toYaml`.
//!
//! Numbers follow the project's rule (COMPATIBILITY.md, "Numbers"): integers stay integers and
//! a whole float that a 64-bit integer holds becomes that integer, so that `{{ .Values.x }}` of
//! `1000000` prints `1000000` (Helm, which has only float64, prints `1e+06`); other floats stay
//! floats and print as Go prints them (`1.5`, `1e-05`).

use std::collections::{BTreeMap, HashMap};

use gtmpl_ng::{NumberKind, Value as GoValue};
use minijinja::Value;
use minijinja::value::ValueKind;

use crate::engine::format::is_macro;

/// Deepest nesting converted; deeper values are cut (values are at most 128 deep anyway).
const MAX_DEPTH: usize = 256;

/// The Go template value of a minijinja value. Undefined and none become Go's `nil`; macros
/// and other non-data objects become `nil` too (templates cannot call them).
pub fn to_go(value: &Value) -> GoValue {
    to_go_at(value, 0)
}

fn to_go_at(value: &Value, depth: usize) -> GoValue {
    if depth > MAX_DEPTH {
        return GoValue::Nil;
    }
    match value.kind() {
        ValueKind::Undefined | ValueKind::None | ValueKind::Invalid => GoValue::Nil,
        ValueKind::Bool => GoValue::Bool(value.is_true()),
        ValueKind::Number => number_to_go(value),
        ValueKind::String => GoValue::String(value.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => GoValue::String(
            String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned(),
        ),
        ValueKind::Seq | ValueKind::Iterable => GoValue::Array(
            value
                .try_iter()
                .map(|items| items.map(|item| to_go_at(&item, depth + 1)).collect())
                .unwrap_or_default(),
        ),
        ValueKind::Map if !is_macro(value) => {
            let mut map = HashMap::new();
            if let Ok(keys) = value.try_iter() {
                for key in keys {
                    let item = value.get_item(&key).unwrap_or_default();
                    let name = match key.as_str() {
                        Some(s) => s.to_string(),
                        None => crate::engine::format::go_string(&key),
                    };
                    map.insert(name, to_go_at(&item, depth + 1));
                }
            }
            GoValue::Map(map)
        }
        _ => GoValue::Nil,
    }
}

/// A number under the project's rule: integers as integers, whole floats that fit as
/// integers, other floats as floats.
fn number_to_go(value: &Value) -> GoValue {
    if value.is_integer() {
        if let Ok(i) = i64::try_from(value.clone()) {
            return GoValue::from(i);
        }
        if let Ok(u) = u64::try_from(value.clone()) {
            return GoValue::from(u);
        }
    }
    let f = f64::try_from(value.clone()).unwrap_or(f64::NAN);
    float_to_go(f)
}

/// A float under the project's rule (see the module documentation).
pub fn float_to_go(f: f64) -> GoValue {
    // 2^63: every whole float below it in magnitude is exactly an i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_finite() && f.fract() == 0.0 && f.abs() < TWO_63 && !(f == 0.0 && f.is_sign_negative())
    {
        return GoValue::from(f as i64);
    }
    if f.is_finite() && f.fract() == 0.0 && f > 0.0 && f < 2.0 * TWO_63 {
        return GoValue::from(f as u64);
    }
    GoValue::from(f)
}

/// The minijinja value of a Go template value, maps with sorted keys (for `toYaml`).
/// `None` for a function, which is not data.
pub fn from_go(value: &GoValue) -> Option<Value> {
    Some(match value {
        GoValue::NoValue | GoValue::Nil => Value::from(()),
        GoValue::Bool(b) => Value::from(*b),
        GoValue::String(s) => Value::from(s.as_str()),
        GoValue::Number(n) => match n.kind() {
            NumberKind::Unsigned(u) => Value::from(u),
            NumberKind::Signed(i) => Value::from(i),
            NumberKind::Float(f) => Value::from(f),
        },
        GoValue::Array(items) => {
            Value::from(items.iter().map(from_go).collect::<Option<Vec<Value>>>()?)
        }
        GoValue::Map(map) | GoValue::Object(map) => {
            let mut sorted = BTreeMap::new();
            for (k, v) in map {
                sorted.insert(k.clone(), from_go(v)?);
            }
            Value::from(sorted)
        }
        GoValue::Function(_) => return None,
    })
}

/// The JSON value of a Go template value, as Go's `encoding/json` sees it (maps with sorted
/// keys); `None` for a function or a non-finite float, which Go refuses to encode.
pub fn to_json(value: &GoValue) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    Some(match value {
        GoValue::NoValue | GoValue::Nil => Json::Null,
        GoValue::Bool(b) => Json::Bool(*b),
        GoValue::String(s) => Json::String(s.clone()),
        GoValue::Number(n) => match n.kind() {
            NumberKind::Unsigned(u) => Json::from(u),
            NumberKind::Signed(i) => Json::from(i),
            NumberKind::Float(f) => Json::Number(serde_json::Number::from_f64(f)?),
        },
        GoValue::Array(items) => Json::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        GoValue::Map(map) | GoValue::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for k in keys {
                out.insert(k.clone(), to_json(&map[k])?);
            }
            Json::Object(out)
        }
        GoValue::Function(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_project_rule() {
        assert_eq!(to_go(&Value::from(1_000_000)).to_string(), "1000000");
        assert_eq!(to_go(&Value::from(1e6)).to_string(), "1000000");
        assert_eq!(to_go(&Value::from(-3.0)).to_string(), "-3");
        assert_eq!(to_go(&Value::from(1.5)).to_string(), "1.5");
        assert_eq!(to_go(&Value::from(0.00001)).to_string(), "1e-05");
        assert_eq!(
            to_go(&Value::from(u64::MAX)).to_string(),
            u64::MAX.to_string()
        );
    }

    #[test]
    fn maps_and_lists_round_trip() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"b":[1,"x",null],"a":{"c":true}}"#).unwrap();
        let v = Value::from(minijinja::value::Serde(json));
        let go = to_go(&v);
        assert_eq!(go.to_string(), "map[a:map[c:true] b:[1 x <nil>]]");
        let back = from_go(&go).unwrap();
        assert_eq!(
            crate::engine::format::go_string(&back),
            "map[a:map[c:true] b:[1 x <nil>]]"
        );
        assert_eq!(
            to_json(&go).unwrap().to_string(),
            r#"{"a":{"c":true},"b":[1,"x",null]}"#
        );
    }

    #[test]
    fn undefined_and_macros_are_nil() {
        assert_eq!(to_go(&Value::UNDEFINED), GoValue::Nil);
        assert_eq!(to_go(&Value::from(())), GoValue::Nil);
    }
}
