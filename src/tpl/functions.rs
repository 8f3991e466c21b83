//! The Helm (sprig) functions a templated value may call, with Helm's behaviour: Go
//! emptiness for `default`/`empty`/`coalesce`, `%q` quoting, sprig's argument order
//! (`trimSuffix SUFFIX STRING`, `replace OLD NEW STRING`), `cast.ToInt` for `int`, and
//! `include`/`tpl` through the evaluation in progress (the module `session`).
//!
//! gtmpl-ng calls plain `fn` pointers: what `include` and `tpl` need (the chart's helpers,
//! the nesting depth) is in the thread's evaluation session, set by `evaluate`.

use base64::Engine as _;
use gtmpl_ng::{Func, FuncError, NumberKind, Value};

use super::convert;
use super::session;

/// Every function, by its Helm name.
pub const FUNCTIONS: &[(&str, Func)] = &[
    ("default", default as Func),
    ("empty", empty as Func),
    ("coalesce", coalesce as Func),
    ("ternary", ternary as Func),
    ("required", required as Func),
    ("quote", quote as Func),
    ("squote", squote as Func),
    ("toString", to_string as Func),
    ("toYaml", to_yaml as Func),
    ("toJson", to_json as Func),
    ("indent", indent as Func),
    ("nindent", nindent as Func),
    ("trim", trim as Func),
    ("upper", upper as Func),
    ("lower", lower as Func),
    ("replace", replace as Func),
    ("trimSuffix", trim_suffix as Func),
    ("trimPrefix", trim_prefix as Func),
    ("contains", contains as Func),
    ("hasPrefix", has_prefix as Func),
    ("hasSuffix", has_suffix as Func),
    ("b64enc", b64enc as Func),
    ("b64dec", b64dec as Func),
    ("hasKey", has_key as Func),
    ("list", list as Func),
    ("dict", dict as Func),
    ("join", join as Func),
    ("splitList", split_list as Func),
    ("int", int as Func),
    ("include", include as Func),
    ("tpl", tpl as Func),
];

fn fail(message: impl Into<String>) -> FuncError {
    FuncError::Generic(message.into())
}

/// Go's name for the type of a value, as its error messages print it.
pub(crate) fn go_type(value: &Value) -> &'static str {
    match value {
        Value::NoValue | Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::Number(n) => match n.kind() {
            NumberKind::Float(_) => "float64",
            _ => "int",
        },
        Value::Array(_) => "[]interface {}",
        Value::Map(_) | Value::Object(_) => "map[string]interface {}",
        Value::Function(_) => "func",
    }
}

/// Exactly `n` arguments, as Go checks a function's arity.
fn arity(name: &str, args: &[Value], n: usize) -> Result<(), FuncError> {
    if args.len() != n {
        return Err(fail(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// Argument `i` of a function whose parameter is a Go `string`.
fn string_arg<'a>(name: &str, args: &'a [Value], i: usize) -> Result<&'a str, FuncError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        Some(Value::NoValue | Value::Nil) => Err(fail(format!(
            "{name}: invalid value; expected string (argument {})",
            i + 1
        ))),
        Some(other) => Err(fail(format!(
            "{name}: wrong type for value; expected string; got {} (argument {})",
            go_type(other),
            i + 1
        ))),
        None => Err(FuncError::AtLeastXArgs(name.to_string(), i + 1)),
    }
}

/// Argument `i` of a function whose parameter is a Go `int`.
fn int_arg(name: &str, args: &[Value], i: usize) -> Result<i64, FuncError> {
    match args.get(i) {
        Some(Value::Number(n)) => match n.kind() {
            NumberKind::Signed(v) => Ok(v),
            NumberKind::Unsigned(v) => {
                i64::try_from(v).map_err(|_| fail(format!("{name}: {v} overflows int")))
            }
            NumberKind::Float(f) => Err(fail(format!(
                "{name}: wrong type for value; expected int; got float64 ({f})"
            ))),
        },
        Some(other) => Err(fail(format!(
            "{name}: wrong type for value; expected int; got {} (argument {})",
            go_type(other),
            i + 1
        ))),
        None => Err(FuncError::AtLeastXArgs(name.to_string(), i + 1)),
    }
}

/// Go emptiness (sprig's `empty`): nil, `false`, zero, and empty strings, lists and maps.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::NoValue | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => match n.kind() {
            NumberKind::Signed(i) => i == 0,
            NumberKind::Unsigned(u) => u == 0,
            NumberKind::Float(f) => f == 0.0,
        },
        Value::Array(a) => a.is_empty(),
        Value::Map(m) | Value::Object(m) => m.is_empty(),
        Value::Function(_) => false,
    }
}

/// sprig's `strval`: a string as it is, anything else as Go's `%v` prints it (`<nil>` for
/// nil).
pub fn strval(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::NoValue | Value::Nil => "<nil>".to_string(),
        other => other.to_string(),
    }
}

fn is_nil(value: &Value) -> bool {
    matches!(value, Value::NoValue | Value::Nil)
}

/// `default DEFAULT GIVEN`: GIVEN unless it is empty (or missing).
pub fn default(args: &[Value]) -> Result<Value, FuncError> {
    let Some(fallback) = args.first() else {
        return Err(FuncError::AtLeastXArgs("default".into(), 1));
    };
    match args.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(fallback.clone()),
    }
}

/// `empty X`.
pub fn empty(args: &[Value]) -> Result<Value, FuncError> {
    arity("empty", args, 1)?;
    Ok(Value::Bool(is_empty(&args[0])))
}

/// `coalesce A B ...`: the first non-empty argument, else nil.
pub fn coalesce(args: &[Value]) -> Result<Value, FuncError> {
    Ok(args
        .iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}

/// `ternary IF_TRUE IF_FALSE CONDITION` (CONDITION a boolean).
pub fn ternary(args: &[Value]) -> Result<Value, FuncError> {
    arity("ternary", args, 3)?;
    match &args[2] {
        Value::Bool(true) => Ok(args[0].clone()),
        Value::Bool(false) => Ok(args[1].clone()),
        other => Err(fail(format!(
            "ternary: wrong type for value; expected bool; got {}",
            go_type(other)
        ))),
    }
}

/// `required MESSAGE VALUE`: VALUE, or an error with MESSAGE if it is nil or `""`.
pub fn required(args: &[Value]) -> Result<Value, FuncError> {
    arity("required", args, 2)?;
    let message = string_arg("required", args, 0)?;
    match &args[1] {
        Value::NoValue | Value::Nil => Err(fail(message)),
        Value::String(s) if s.is_empty() => Err(fail(message)),
        value => Ok(value.clone()),
    }
}

/// Go's `%q` of a string (`strconv.Quote`): double quotes, `\"`, `\\`, `\n`, ... and `\x`,
/// `\u` escapes for what is not printable.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control()
                || (c.is_whitespace() && c != ' ')
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}') =>
            {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `quote A B ...`: each non-nil argument as a `%q` string, joined by spaces.
pub fn quote(args: &[Value]) -> Result<Value, FuncError> {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !is_nil(v))
        .map(|v| go_quote(&strval(v)))
        .collect();
    Ok(Value::String(parts.join(" ")))
}

/// `squote A B ...`: each non-nil argument in single quotes (no escaping), joined by spaces.
pub fn squote(args: &[Value]) -> Result<Value, FuncError> {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !is_nil(v))
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    Ok(Value::String(parts.join(" ")))
}

/// `toString X`.
pub fn to_string(args: &[Value]) -> Result<Value, FuncError> {
    arity("toString", args, 1)?;
    Ok(Value::String(strval(&args[0])))
}

/// `toYaml X`: the engine's `toYaml` (one source of truth with the chart templates).
pub fn to_yaml(args: &[Value]) -> Result<Value, FuncError> {
    arity("toYaml", args, 1)?;
    let value = convert::from_go(&args[0]).ok_or_else(|| fail("toYaml: a function is not data"))?;
    crate::engine::yaml::to_yaml(&value)
        .map(Value::String)
        .map_err(|e| {
            fail(format!(
                "toYaml: {}",
                e.detail().unwrap_or("cannot write this value")
            ))
        })
}

/// `toJson X`: Go's `json.Marshal` (sorted keys, `<`, `>`, `&` escaped); `""` for what
/// Go cannot encode, as Helm does.
pub fn to_json(args: &[Value]) -> Result<Value, FuncError> {
    arity("toJson", args, 1)?;
    let Some(json) = convert::to_json(&args[0]) else {
        return Ok(Value::String(String::new()));
    };
    let text = serde_json::to_string(&json).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(Value::String(out))
}

fn indent_text(width: i64, text: &str) -> String {
    let pad = " ".repeat(usize::try_from(width).unwrap_or(0));
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

fn checked_width(name: &str, width: i64) -> Result<i64, FuncError> {
    // sprig panics on a negative count (strings.Repeat); a huge one would exhaust memory.
    if !(0..=1024).contains(&width) {
        return Err(fail(format!("{name}: width {width} is outside 0..=1024")));
    }
    Ok(width)
}

/// `indent N TEXT`: every line of TEXT indented by N spaces.
pub fn indent(args: &[Value]) -> Result<Value, FuncError> {
    arity("indent", args, 2)?;
    let width = checked_width("indent", int_arg("indent", args, 0)?)?;
    Ok(Value::String(indent_text(
        width,
        string_arg("indent", args, 1)?,
    )))
}

/// `nindent N TEXT`: a newline, then `indent N TEXT`.
pub fn nindent(args: &[Value]) -> Result<Value, FuncError> {
    arity("nindent", args, 2)?;
    let width = checked_width("nindent", int_arg("nindent", args, 0)?)?;
    Ok(Value::String(format!(
        "\n{}",
        indent_text(width, string_arg("nindent", args, 1)?)
    )))
}

/// `trim TEXT`: without leading and trailing white space.
pub fn trim(args: &[Value]) -> Result<Value, FuncError> {
    arity("trim", args, 1)?;
    Ok(Value::String(
        string_arg("trim", args, 0)?.trim().to_string(),
    ))
}

/// `upper TEXT`.
pub fn upper(args: &[Value]) -> Result<Value, FuncError> {
    arity("upper", args, 1)?;
    Ok(Value::String(string_arg("upper", args, 0)?.to_uppercase()))
}

/// `lower TEXT`.
pub fn lower(args: &[Value]) -> Result<Value, FuncError> {
    arity("lower", args, 1)?;
    Ok(Value::String(string_arg("lower", args, 0)?.to_lowercase()))
}

/// `replace OLD NEW TEXT`: every OLD in TEXT replaced by NEW.
pub fn replace(args: &[Value]) -> Result<Value, FuncError> {
    arity("replace", args, 3)?;
    let old = string_arg("replace", args, 0)?;
    let new = string_arg("replace", args, 1)?;
    let text = string_arg("replace", args, 2)?;
    if old.is_empty() {
        // Go inserts NEW before every character and at the end.
        let mut out = String::new();
        for c in text.chars() {
            out.push_str(new);
            out.push(c);
        }
        out.push_str(new);
        return Ok(Value::String(out));
    }
    Ok(Value::String(text.replace(old, new)))
}

/// `trimSuffix SUFFIX TEXT`.
pub fn trim_suffix(args: &[Value]) -> Result<Value, FuncError> {
    arity("trimSuffix", args, 2)?;
    let suffix = string_arg("trimSuffix", args, 0)?;
    let text = string_arg("trimSuffix", args, 1)?;
    Ok(Value::String(
        text.strip_suffix(suffix).unwrap_or(text).to_string(),
    ))
}

/// `trimPrefix PREFIX TEXT`.
pub fn trim_prefix(args: &[Value]) -> Result<Value, FuncError> {
    arity("trimPrefix", args, 2)?;
    let prefix = string_arg("trimPrefix", args, 0)?;
    let text = string_arg("trimPrefix", args, 1)?;
    Ok(Value::String(
        text.strip_prefix(prefix).unwrap_or(text).to_string(),
    ))
}

/// `contains PART TEXT`.
pub fn contains(args: &[Value]) -> Result<Value, FuncError> {
    arity("contains", args, 2)?;
    let part = string_arg("contains", args, 0)?;
    Ok(Value::Bool(string_arg("contains", args, 1)?.contains(part)))
}

/// `hasPrefix PREFIX TEXT`.
pub fn has_prefix(args: &[Value]) -> Result<Value, FuncError> {
    arity("hasPrefix", args, 2)?;
    let prefix = string_arg("hasPrefix", args, 0)?;
    Ok(Value::Bool(
        string_arg("hasPrefix", args, 1)?.starts_with(prefix),
    ))
}

/// `hasSuffix SUFFIX TEXT`.
pub fn has_suffix(args: &[Value]) -> Result<Value, FuncError> {
    arity("hasSuffix", args, 2)?;
    let suffix = string_arg("hasSuffix", args, 0)?;
    Ok(Value::Bool(
        string_arg("hasSuffix", args, 1)?.ends_with(suffix),
    ))
}

/// `b64enc TEXT`: standard base64 with padding.
pub fn b64enc(args: &[Value]) -> Result<Value, FuncError> {
    arity("b64enc", args, 1)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(string_arg("b64enc", args, 0)?),
    ))
}

/// `b64dec TEXT`: the decoded text; as in sprig, the error message itself when TEXT is not
/// base64 (`illegal base64 data at input byte N`).
pub fn b64dec(args: &[Value]) -> Result<Value, FuncError> {
    arity("b64dec", args, 1)?;
    let text = string_arg("b64dec", args, 0)?;
    Ok(Value::String(
        match base64::engine::general_purpose::STANDARD.decode(text) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(base64::DecodeError::InvalidByte(at, _))
            | Err(base64::DecodeError::InvalidLastSymbol { offset: at, .. }) => {
                format!("illegal base64 data at input byte {at}")
            }
            Err(_) => format!(
                "illegal base64 data at input byte {}",
                text.len() - text.len() % 4
            ),
        },
    ))
}

/// `hasKey MAP KEY`.
pub fn has_key(args: &[Value]) -> Result<Value, FuncError> {
    arity("hasKey", args, 2)?;
    let key = string_arg("hasKey", args, 1)?;
    match &args[0] {
        Value::Map(m) | Value::Object(m) => Ok(Value::Bool(m.contains_key(key))),
        other => Err(fail(format!(
            "hasKey: wrong type for value; expected map[string]interface {{}}; got {}",
            go_type(other)
        ))),
    }
}

/// `list A B ...`.
pub fn list(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Array(
        args.iter()
            .map(|v| if is_nil(v) { Value::Nil } else { v.clone() })
            .collect(),
    ))
}

/// `dict K1 V1 K2 V2 ...`: keys as text; a last key without a value maps to `""`.
pub fn dict(args: &[Value]) -> Result<Value, FuncError> {
    let mut map = std::collections::HashMap::new();
    for pair in args.chunks(2) {
        let value = match pair.get(1) {
            Some(v) if is_nil(v) => Value::Nil,
            Some(v) => v.clone(),
            None => Value::String(String::new()),
        };
        map.insert(strval(&pair[0]), value);
    }
    Ok(Value::Map(map))
}

/// sprig's `strslice`: a list's non-nil items as text, nil as no items, anything else as one.
fn strslice(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter(|v| !is_nil(v)).map(strval).collect(),
        Value::NoValue | Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// `join SEP LIST`.
pub fn join(args: &[Value]) -> Result<Value, FuncError> {
    arity("join", args, 2)?;
    let sep = string_arg("join", args, 0)?;
    Ok(Value::String(strslice(&args[1]).join(sep)))
}

/// `splitList SEP TEXT`: Go's `strings.Split` (an empty SEP splits into characters).
pub fn split_list(args: &[Value]) -> Result<Value, FuncError> {
    arity("splitList", args, 2)?;
    let sep = string_arg("splitList", args, 0)?;
    let text = string_arg("splitList", args, 1)?;
    let parts: Vec<Value> = if sep.is_empty() {
        text.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        text.split(sep)
            .map(|p| Value::String(p.to_string()))
            .collect()
    };
    Ok(Value::Array(parts))
}

/// `int X`: `cast.ToInt` as sprig uses it: floats truncated, booleans 1/0, text read as a
/// Go integer literal (`0x1f`, `0o17`, `017`, `1_000`; a trailing `.0` dropped), anything
/// else 0.
pub fn int(args: &[Value]) -> Result<Value, FuncError> {
    arity("int", args, 1)?;
    let n: i64 = match &args[0] {
        Value::Number(n) => match n.kind() {
            NumberKind::Signed(i) => i,
            NumberKind::Unsigned(u) => u as i64,
            NumberKind::Float(f) => f as i64,
        },
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_go_int(s).unwrap_or(0),
        _ => 0,
    };
    Ok(Value::from(n))
}

/// `strconv.ParseInt(s, 0, 0)` after cast's `trimZeroDecimal`.
fn parse_go_int(s: &str) -> Option<i64> {
    let mut s = s;
    if let Some(dot) = s.find('.') {
        if s[dot + 1..].bytes().all(|b| b == b'0') && dot + 1 < s.len() || dot + 1 == s.len() {
            s = &s[..dot];
        }
    }
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    // Underscores only with a base prefix, between digits.
    if digits.contains('_')
        && (!prefixed || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__"))
    {
        return None;
    }
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// `include "CHART.HELPER" .`: what the chart's helper renders (see [`super`]).
pub fn include(args: &[Value]) -> Result<Value, FuncError> {
    arity("include", args, 2)?;
    let name = string_arg("include", args, 0)?;
    session::include(name, &args[1]).map(Value::String)
}

/// `tpl TEXT CONTEXT`: TEXT evaluated as a template with CONTEXT as `.`.
pub fn tpl(args: &[Value]) -> Result<Value, FuncError> {
    arity("tpl", args, 2)?;
    let text = string_arg("tpl", args, 0)?;
    session::nested_tpl(text, &args[1]).map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    #[test]
    fn emptiness_is_gos() {
        for v in [
            Value::Nil,
            Value::NoValue,
            Value::Bool(false),
            s(""),
            Value::from(0i64),
            Value::from(0.0),
            Value::Array(vec![]),
        ] {
            assert!(is_empty(&v), "{v:?}");
        }
        for v in [
            Value::Bool(true),
            s("0"),
            Value::from(1i64),
            Value::Array(vec![Value::Nil]),
        ] {
            assert!(!is_empty(&v), "{v:?}");
        }
    }

    #[test]
    fn quote_is_go_percent_q() {
        assert_eq!(
            go_quote("a\"b\\c\n\t\u{1}é\u{a0}"),
            r#""a\"b\\c\n\t\x01é\u00a0""#
        );
        assert_eq!(
            quote(&[s("a"), Value::Nil, Value::from(2i64)]).unwrap(),
            s("\"a\" \"2\"")
        );
        assert_eq!(squote(&[s("a b")]).unwrap(), s("'a b'"));
    }

    #[test]
    fn ints_are_cast_to_int() {
        for (text, n) in [
            ("12", 12),
            ("0x1f", 31),
            ("017", 15),
            ("0o17", 15),
            ("1_000", 0),
            ("0x1_0", 16),
            ("5.0", 5),
            ("5.", 5),
            ("5.5", 0),
            ("x", 0),
            ("-3", -3),
            ("", 0),
        ] {
            assert_eq!(int(&[s(text)]).unwrap(), Value::from(n as i64), "{text}");
        }
        assert_eq!(int(&[Value::from(2.9)]).unwrap(), Value::from(2i64));
        assert_eq!(int(&[Value::Bool(true)]).unwrap(), Value::from(1i64));
    }

    #[test]
    fn string_functions_take_sprigs_argument_order() {
        assert_eq!(trim_suffix(&[s("-"), s("a-")]).unwrap(), s("a"));
        assert_eq!(replace(&[s("a"), s("b"), s("aXa")]).unwrap(), s("bXb"));
        assert_eq!(replace(&[s(""), s("-"), s("ab")]).unwrap(), s("-a-b-"));
        assert_eq!(contains(&[s("b"), s("abc")]).unwrap(), Value::Bool(true));
        assert_eq!(
            indent(&[Value::from(2i64), s("a\nb")]).unwrap(),
            s("  a\n  b")
        );
        assert!(indent(&[Value::from(-1i64), s("a")]).is_err());
        assert!(upper(&[Value::from(1i64)]).is_err());
    }

    #[test]
    fn b64dec_returns_the_error_text() {
        assert_eq!(b64dec(&[s("aGk=")]).unwrap(), s("hi"));
        assert_eq!(
            b64dec(&[s("a*b=")]).unwrap(),
            s("illegal base64 data at input byte 1")
        );
    }

    #[test]
    fn to_json_escapes_like_go() {
        let m = dict(&[s("b"), s("<&>"), s("a"), Value::from(1i64)]).unwrap();
        assert_eq!(
            to_json(&[m]).unwrap(),
            s(r#"{"a":1,"b":"\u003c\u0026\u003e"}"#)
        );
    }

    #[test]
    fn required_refuses_nil_and_empty_text() {
        assert!(required(&[s("need x"), Value::NoValue]).is_err());
        assert!(required(&[s("need x"), s("")]).is_err());
        assert_eq!(
            required(&[s("m"), Value::Bool(false)]).unwrap(),
            Value::Bool(false)
        );
    }
}
