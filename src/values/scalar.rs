//! What a YAML scalar means to Helm: go-yaml v2's YAML 1.1 resolution, then the JSON round
//! trip of `sigs.k8s.io/yaml` (every number a float64).
//!
//! A plain (unquoted, untagged) scalar is resolved as go-yaml v2 resolves it:
//!
//! | text | value |
//! | --- | --- |
//! | `y Y yes Yes YES on On ON true True TRUE` | `true` |
//! | `n N no No NO off Off OFF false False FALSE` | `false` |
//! | empty, `~ null Null NULL` | null |
//! | `.inf .Inf .INF +.inf +.Inf +.INF`, `-.inf -.Inf -.INF`, `.nan .NaN .NAN` | infinite and NaN floats (which Helm then refuses: JSON has no such numbers) |
//! | an integer in Go's syntax after removing every `_`: `12`, `+12`, `-12`, `0777` (octal), `0o17`, `0x1F`, `0b101` | that integer |
//! | `[-+]?(\.[0-9]+\|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (after removing `_`), or `.5`-like | a float |
//! | anything else (timestamps like `2001-12-14` included) | the string itself |
//!
//! Quoted scalars and block scalars are strings. Tags: `!!str` and `!!binary` keep the text
//! (go-yaml decodes `!!binary` as base64, see [`resolve`]), `!!int`, `!!float`, `!!bool`,
//! `!!null` require their kind, any other tag (`!foo`) is ignored (the text stays a string),
//! as in go-yaml.
//!
//! Numbers: Helm ends with a float64 for every number. Here an integer that fits an `i64` or a
//! `u64`, and a float with no fractional part in the `i64` range, are kept as exact integers
//! (printed in full, `1000000` where Helm prints `1e+06`; see COMPATIBILITY.md); a larger
//! integer becomes the float64 Helm has (`123456789012345678901` is `1.2345678901234568e+20`).

use serde_yaml::{Number, Value};

/// How a scalar was written, as far as resolution cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted, on one or several lines.
    Plain,
    /// Quoted (`'..'`, `".."`) or a block scalar (`|`, `>`).
    Quoted,
}

/// A scalar whose meaning differs from what a reader of today's YAML (1.2) expects: Helm reads
/// YAML 1.1, where `yes`, `on`, `y` are booleans, `0777` is octal and `1_000` is a thousand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surprise {
    /// A YAML 1.1 boolean word that YAML 1.2 reads as a string (`yes`, `off`, `Y`, ...).
    Boolean,
    /// A number that YAML 1.2 reads otherwise: octal `0777`, `1_000`, `0b101`, `+1`, ...
    Number,
}

/// Why a scalar has no value for Helm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalarError {
    /// A tag that requires a kind the text is not (`!!int abc`), as go-yaml says it.
    Tag(String),
    /// `!!binary` text that is not base64.
    Binary,
}

/// The value Helm reads for a scalar with `text`, `style` and an optional `tag`: its
/// core-schema name (`"str"`, `"int"`, ... for `!!str`, `!!int`) or, for another tag, the tag
/// as written (`"!foo"`; the text then stays a string).
///
/// ```
/// use gitlab_runner_chart::__private::values::scalar::{resolve, Style};
/// use serde_yaml::Value;
/// assert_eq!(resolve("yes", Style::Plain, None), Ok(Value::Bool(true)));
/// assert_eq!(resolve("0777", Style::Plain, None), Ok(Value::from(511)));
/// assert_eq!(resolve("1_000", Style::Plain, None), Ok(Value::from(1000)));
/// assert_eq!(resolve("yes", Style::Quoted, None), Ok(Value::from("yes")));
/// assert_eq!(resolve("2001-12-14", Style::Plain, None), Ok(Value::from("2001-12-14")));
/// ```
pub fn resolve(text: &str, style: Style, tag: Option<&str>) -> Result<Value, ScalarError> {
    match tag {
        Some("str") => return Ok(Value::String(text.to_string())),
        Some("binary") => return binary(text),
        Some(tag @ ("int" | "float" | "bool" | "null" | "merge")) => {
            if tag == "merge" {
                return Ok(Value::String(text.to_string()));
            }
            let value = plain(text);
            return match (tag, &value) {
                ("int", Value::Number(n)) if !n.is_f64() => Ok(value),
                ("float", Value::Number(n)) => {
                    Ok(n.as_f64().map_or(value.clone(), number_from_f64))
                }
                ("bool", Value::Bool(_)) | ("null", Value::Null) => Ok(value),
                _ => Err(ScalarError::Tag(format!(
                    "cannot decode !!{} `{text}` as a !!{tag}",
                    kind(&value)
                ))),
            };
        }
        Some(_) => return Ok(Value::String(text.to_string())),
        None => {}
    }
    Ok(match style {
        Style::Quoted => Value::String(text.to_string()),
        Style::Plain => plain(text),
    })
}

/// The [`Surprise`] of a plain scalar, if YAML 1.2 would read it otherwise than Helm does.
///
/// ```
/// use gitlab_runner_chart::__private::values::scalar::{surprise, Surprise};
/// assert_eq!(surprise("on"), Some(Surprise::Boolean));
/// assert_eq!(surprise("0777"), Some(Surprise::Number));
/// assert_eq!(surprise("true"), None);
/// assert_eq!(surprise("10"), None);
/// ```
pub fn surprise(text: &str) -> Option<Surprise> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "n" | "N" | "no" | "No" | "NO"
        | "off" | "Off" | "OFF" => return Some(Surprise::Boolean),
        _ => {}
    }
    // only a text that starts like a number reads as one: most keys and words end here,
    // without the string value `plain` would build for them
    if !text.bytes().next().is_some_and(starts_number) {
        return None;
    }
    let Value::Number(_) = plain(text) else {
        return None;
    };
    // Numbers that YAML 1.2 (core schema) reads the same: decimal integers without a leading
    // zero or sign `+`, and plain decimal floats.
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let decimal_int = !unsigned.is_empty()
        && unsigned.bytes().all(|b| b.is_ascii_digit())
        && (unsigned == "0" || !unsigned.starts_with('0'));
    let decimal_float = !text.contains('_')
        && !text.starts_with('+')
        && !unsigned.starts_with("0x")
        && !unsigned.starts_with("0o")
        && !unsigned.starts_with("0b")
        && unsigned.contains(['.', 'e', 'E'])
        && !(unsigned.starts_with('0')
            && unsigned.len() > 1
            && unsigned.as_bytes()[1].is_ascii_digit());
    (!decimal_int && !decimal_float).then_some(Surprise::Number)
}

/// Whether a plain scalar starting with `first` may read as a number: go-yaml reads only a
/// sign, a digit or a dot as the start of one (`plain`, `is_go_float`).
fn starts_number(first: u8) -> bool {
    first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')
}

/// Resolution of a plain scalar (go-yaml v2's `resolve` with no tag).
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(Number::from(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(Number::from(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Value::Number(Number::from(f64::NAN)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        // Go's ParseFloat on the text as written (no `_` removal).
        return match go_parse_float(text) {
            Some(f) => number_from_f64(f),
            None => Value::String(text.to_string()),
        };
    }
    if !starts_number(first) {
        return Value::String(text.to_string());
    }
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(n) = go_parse_int(&digits) {
        return n;
    }
    if is_yaml_style_float(&digits) {
        if let Some(f) = go_parse_float(&digits) {
            return number_from_f64(f);
        }
    }
    let binary = |rest: &str, negative: bool| {
        i64::from_str_radix(rest, 2)
            .ok()
            .map(|v| Value::from(if negative { -v } else { v }))
    };
    if let Some(rest) = digits.strip_prefix("0b") {
        if let Some(v) = binary(rest, false) {
            return v;
        }
    } else if let Some(rest) = digits.strip_prefix("-0b") {
        if let Some(v) = binary(rest, true) {
            return v;
        }
    }
    Value::String(text.to_string())
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: an optional sign, then a
/// decimal number, or `0x`/`0o`/`0b`/`0` followed by hex, octal, binary or octal digits.
fn go_parse_int(s: &str) -> Option<Value> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = unsigned.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &unsigned[2..]),
        Some("0o") => (8, &unsigned[2..]),
        Some("0b") => (2, &unsigned[2..]),
        _ if unsigned.len() > 1 && unsigned.starts_with('0') => (8, &unsigned[1..]),
        _ => (10, unsigned),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(Value::from(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(Value::from(i64::MIN))
        } else {
            None
        }
    } else if magnitude <= i64::MAX as u64 {
        Some(Value::from(magnitude as i64))
    } else {
        Some(Value::from(magnitude))
    }
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms YAML scalars reach here with (no
/// hex floats, no `_`, no `inf`/`nan` words: those are matched before).
fn go_parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if unsigned.is_empty()
        || !unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    // Go accepts an overflowing exponent as ±Inf with an error: treat it as not a float.
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// `.inf`, `-.inf` or `.nan`: a number JSON cannot hold (Helm refuses it: json: unsupported
/// value).
pub(crate) fn is_non_finite(n: &Number) -> bool {
    n.as_f64().is_some_and(|f| !f.is_finite())
}

/// A float as Helm holds it, kept as an exact integer when it is one in the `i64` range.
fn number_from_f64(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.223_372_036_854_775e18 {
        Value::from(f as i64)
    } else {
        Value::Number(Number::from(f))
    }
}

/// `!!binary`: the base64 text decoded; go-yaml then keeps the bytes as a string.
fn binary(text: &str) -> Result<Value, ScalarError> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| ScalarError::Binary)?;
    // go-yaml keeps the bytes; JSON then writes each invalid UTF-8 byte as U+FFFD.
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The string `sigs.k8s.io/yaml` makes of a float map key: Go's
/// `strconv.FormatFloat(f, 'g', -1, 32)` (float32 precision: `123456789.0` is `1.2345679e+08`),
/// and `.inf`, `-.inf`, `.nan` for the non-finite ones.
///
/// ```
/// use gitlab_runner_chart::__private::values::scalar::float_key;
/// assert_eq!(float_key(1.5), "1.5");
/// assert_eq!(float_key(1000.0), "1000");
/// assert_eq!(float_key(123456789.0), "1.2345679e+08");
/// assert_eq!(float_key(1e-7), "1e-07");
/// assert_eq!(float_key(f64::INFINITY), ".inf");
/// assert_eq!(float_key(-1e300), "-.inf"); // beyond float32, as Helm has it
/// ```
pub fn float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let single = f as f32;
    if single.is_infinite() {
        // Beyond float32 it is infinite, and written as the infinities are.
        return if single > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    // `{:e}` of the f32 gives the shortest digits that read back as the same f32.
    crate::engine::format::shortest_layout(&format!("{single:e}"), 6)
}

/// Whether go-yaml v2 reads a plain scalar as a float (not an integer): a key made of it is
/// then written at float32 precision by Helm.
pub(crate) fn is_go_float(text: &str) -> bool {
    if matches!(
        text,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    ) {
        return true;
    }
    let Some(first) = text.bytes().next() else {
        return false;
    };
    if first == b'.' {
        return go_parse_float(text).is_some();
    }
    if !starts_number(first) {
        return false;
    }
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    go_parse_int(&digits).is_none()
        && is_yaml_style_float(&digits)
        && go_parse_float(&digits).is_some()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        _ => "str",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Value {
        resolve(text, Style::Plain, None).unwrap()
    }

    #[test]
    fn yaml_1_1_booleans_and_nulls() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(p(t), Value::Bool(true), "{t}");
        }
        for t in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "FALSE",
        ] {
            assert_eq!(p(t), Value::Bool(false), "{t}");
        }
        for t in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(p(t), Value::Null, "{t}");
        }
        for t in ["yEs", "oN", "TRue", "nULL", "Yes!"] {
            assert_eq!(p(t), Value::from(t), "{t}");
        }
    }

    #[test]
    fn integers_as_go_parses_them() {
        let cases: &[(&str, Value)] = &[
            ("12", Value::from(12)),
            ("+12", Value::from(12)),
            ("-12", Value::from(-12)),
            ("0", Value::from(0)),
            ("0777", Value::from(511)),
            ("0o17", Value::from(15)),
            ("0x1F", Value::from(31)),
            ("0X1f", Value::from(31)),
            ("-0x10", Value::from(-16)),
            ("0b101", Value::from(5)),
            ("-0b101", Value::from(-5)),
            ("1_000", Value::from(1000)),
            ("1__0", Value::from(10)),
            ("9223372036854775807", Value::from(i64::MAX)),
            ("-9223372036854775808", Value::from(i64::MIN)),
            ("18446744073709551615", Value::from(u64::MAX)),
        ];
        for (text, want) in cases {
            assert_eq!(&p(text), want, "{text}");
        }
    }

    #[test]
    fn floats_and_big_numbers() {
        assert_eq!(p("1.5"), Value::Number(Number::from(1.5)));
        assert_eq!(p(".5"), Value::Number(Number::from(0.5)));
        assert_eq!(p("1e3"), Value::from(1000));
        assert_eq!(p("1."), Value::from(1));
        assert_eq!(p("3.0"), Value::from(3));
        assert_eq!(p("08"), Value::from(8)); // not octal, but a float for go-yaml
        assert_eq!(p("1_000.5"), Value::Number(Number::from(1000.5)));
        assert_eq!(
            p("123456789012345678901"),
            Value::Number(Number::from(123_456_789_012_345_678_901_f64))
        );
        assert_eq!(
            p("-9223372036854775809"),
            Value::Number(Number::from(-9_223_372_036_854_775_809_f64))
        );
        assert_eq!(p("1e400"), Value::from("1e400"));
        assert!(p(".inf").as_f64().is_some_and(|f| f == f64::INFINITY));
        assert!(p("-.Inf").as_f64().is_some_and(|f| f == f64::NEG_INFINITY));
        assert!(p(".NaN").as_f64().is_some_and(f64::is_nan));
    }

    #[test]
    fn strings_that_look_like_other_things() {
        for t in [
            "2001-12-14",
            "1.2.3",
            "0x",
            "0xg",
            "+",
            "-",
            "_1",
            "1e",
            "12:30",
            "0b2",
            ".5_0",
            "1 000",
            "<<",
            "- x",
        ] {
            assert_eq!(p(t), Value::from(t), "{t}");
        }
    }

    #[test]
    fn quoted_and_tagged() {
        assert_eq!(resolve("1", Style::Quoted, None), Ok(Value::from("1")));
        assert_eq!(
            resolve("1", Style::Plain, Some("str")),
            Ok(Value::from("1"))
        );
        assert_eq!(resolve("1", Style::Quoted, Some("int")), Ok(Value::from(1)));
        assert_eq!(
            resolve("1", Style::Plain, Some("float")),
            Ok(Value::from(1))
        );
        assert_eq!(
            resolve("yes", Style::Plain, Some("bool")),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            resolve("aGk=", Style::Plain, Some("binary")),
            Ok(Value::from("hi"))
        );
        assert_eq!(
            resolve("abc", Style::Plain, Some("int")),
            Err(ScalarError::Tag(
                "cannot decode !!str `abc` as a !!int".into()
            ))
        );
        assert_eq!(
            resolve("!!!", Style::Plain, Some("binary")),
            Err(ScalarError::Binary)
        );
    }

    #[test]
    fn surprises() {
        for t in ["yes", "No", "OFF", "y", "N"] {
            assert_eq!(surprise(t), Some(Surprise::Boolean), "{t}");
        }
        for t in ["0777", "1_000", "0x1F", "+1", "0b11", "0o7", "08"] {
            assert_eq!(surprise(t), Some(Surprise::Number), "{t}");
        }
        for t in [
            "true", "False", "10", "-3", "1.5", "1e3", "0", "abc", "0.5", "~",
        ] {
            assert_eq!(surprise(t), None, "{t}");
        }
    }

    proptest::proptest! {
        /// `surprise` stops early on text that does not start like a number: `plain` reads no
        /// other text as one.
        #[test]
        fn only_text_that_starts_like_a_number_reads_as_one(
            text in "[+.-]?[0-9._eExob]{1,6}|[a-zA-Z0-9+._:~ -]{1,8}|\\PC{1,4}"
        ) {
            if matches!(plain(&text), Value::Number(_)) {
                proptest::prop_assert!(starts_number(text.as_bytes()[0]), "{text}");
            }
        }
    }
}
