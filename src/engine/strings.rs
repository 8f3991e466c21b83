//! String and logic functions with sprig's semantics (Go "empty" for `default`, `required`,
//! `coalesce`; sprig's `indent` that pads every line).

use minijinja::value::{Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind};

use super::{
    format::{go_string, go_text},
    yaml::quote_double,
};

/// Go template emptiness: undefined, none, false, 0, "", empty list or map.
pub fn is_empty(value: &Value) -> bool {
    !value.is_true()
}

/// `quote`: the value's text as a YAML double-quoted string. Unlike sprig, a missing or null
/// value gives `""` (sprig prints nothing, which YAML reads as null).
///
/// ```
/// use gitlab_runner_chart::__private::engine::strings::quote;
/// use minijinja::Value;
/// assert_eq!(quote(&Value::from("a: \"b\"")), r#""a: \"b\"""#);
/// assert_eq!(quote(&Value::from(4096)), r#""4096""#);
/// assert_eq!(quote(&Value::UNDEFINED), r#""""#);
/// ```
pub fn quote(value: &Value) -> String {
    // a string prints as itself (no copy to print it first)
    quote_double(&go_text(value))
}

/// `default(fallback)`: the value, or `fallback` when the value is empty.
pub fn default(value: Value, fallback: Value) -> Value {
    if is_empty(&value) { fallback } else { value }
}

/// `asNumber`: a value printed where a number belongs (`concurrent = {{ .Values.concurrent }}`,
/// `runAsUser: {{ ... }}`), as Go prints it: a string holding a whole number in decimal
/// (`"5"`, as `--set-string` gives) is that number, and the empty string, which Go prints as
/// nothing, is none (YAML's null). Any other value is unchanged, so the filter that prints it
/// next (`toYaml`, `tomlValue`) still quotes any other string.
///
/// ```
/// use gitlab_runner_chart::__private::engine::strings::as_number;
/// use minijinja::Value;
/// assert_eq!(as_number(Value::from("5")), Value::from(5));
/// assert_eq!(as_number(Value::from("")), Value::from(()));
/// assert_eq!(as_number(Value::from("05")), Value::from("05"));
/// assert_eq!(as_number(Value::from(7)), Value::from(7));
/// ```
pub fn as_number(value: Value) -> Value {
    let Some(text) = value.as_str() else {
        return value;
    };
    if text.is_empty() {
        return Value::from(());
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    match text.parse::<i64>() {
        Ok(n) if canonical => Value::from(n),
        _ => value,
    }
}

/// `toString`: the value's text as Go prints it.
pub fn to_string(value: &Value) -> String {
    go_string(value)
}

/// `trunc(n)`: the first `n` characters (the last `-n` when negative).
pub fn trunc(value: &Value, n: i64) -> String {
    let s = go_string(value);
    let count = s.chars().count() as i64;
    if n >= 0 {
        s.chars().take(n as usize).collect()
    } else if count + n > 0 {
        s.chars().skip((count + n) as usize).collect()
    } else {
        s
    }
}

/// `trimSuffix(suffix)`: removes one trailing `suffix`.
pub fn trim_suffix(value: &Value, suffix: &str) -> String {
    let s = go_text(value);
    s.strip_suffix(suffix).unwrap_or(&s).to_string()
}

/// `trimPrefix(prefix)`: removes one leading `prefix`.
pub fn trim_prefix(value: &Value, prefix: &str) -> String {
    let s = go_text(value);
    s.strip_prefix(prefix).unwrap_or(&s).to_string()
}

/// `trimRight(cutset)`: removes every trailing character that is in `cutset` (Go's
/// `strings.TrimRight`), e.g. all trailing `-` of a truncated name.
pub fn trim_right(value: &Value, cutset: &str) -> String {
    go_text(value)
        .trim_end_matches(|c| cutset.contains(c))
        .to_string()
}

/// `indent(n)`: sprig's indent: `n` spaces before every line, the first one included.
pub fn indent(value: &Value, width: usize) -> String {
    indented(value, width, "")
}

/// `nindent(n)`: a newline, then `indent(n)`.
pub fn nindent(value: &Value, width: usize) -> String {
    indented(value, width, "\n")
}

/// `before`, then the value's text with `width` spaces before every line. A string is read
/// where it is, and the output is allocated once.
fn indented(value: &Value, width: usize, before: &str) -> String {
    let text = &*go_text(value);
    let lines = 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let mut out = String::with_capacity(before.len() + text.len() + width * lines);
    out.push_str(before);
    for (i, line) in crate::lines::split_lines(text).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_spaces(&mut out, width);
        out.push_str(line);
    }
    out
}

/// `n` spaces at the end of `out`, copied from a run of them (not pushed one by one).
pub(crate) fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// `cond | ternary(a, b)`: `a` if the condition is true (not empty), else `b`.
pub fn ternary(condition: &Value, if_true: Value, if_false: Value) -> Value {
    if is_empty(condition) {
        if_false
    } else {
        if_true
    }
}

/// `required(message)`: the value, or an error with `message` when it is missing, null or "".
pub fn required(value: Value, message: &str) -> Result<Value, Error> {
    let missing =
        value.is_undefined() || value.is_none() || value.as_str().is_some_and(|s| s.is_empty());
    if missing {
        Err(Error::new(ErrorKind::InvalidOperation, message.to_string()))
    } else {
        Ok(value)
    }
}

/// `map | hasKey(key)`: true if the map has the key (even with a null value).
pub fn has_key(map: &Value, key: &str) -> bool {
    map.kind() == ValueKind::Map
        && map
            .get_item(&Value::from(key))
            .is_ok_and(|v| !v.is_undefined())
}

/// `coalesce(a, b, ...)`: the first argument that is not empty, else none.
pub fn coalesce(values: Rest<Value>) -> Value {
    values
        .0
        .into_iter()
        .find(|v| !is_empty(v))
        .unwrap_or(Value::from(()))
}

/// `fail(message)`: stops the render with `message`.
pub fn fail(message: &str) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_spaces_writes_exactly_n() {
        for n in [0, 1, 63, 64, 65, 128, 200] {
            let mut out = String::from("x");
            push_spaces(&mut out, n);
            assert_eq!(out, format!("x{}", " ".repeat(n)), "{n}");
        }
    }

    #[test]
    fn as_number_reads_only_whole_numbers_in_go_notation() {
        assert_eq!(as_number(Value::from("0")), Value::from(0));
        assert_eq!(as_number(Value::from("-12")), Value::from(-12));
        assert_eq!(
            as_number(Value::from("2147483647")),
            Value::from(2147483647)
        );
        for text in [
            "05",
            "+5",
            "-0",
            "5.0",
            "1e3",
            " 5",
            "5 ",
            "x",
            "-",
            "99999999999999999999",
        ] {
            assert_eq!(as_number(Value::from(text)), Value::from(text), "{text}");
        }
        assert!(as_number(Value::from("")).is_none());
        assert!(as_number(Value::UNDEFINED).is_undefined());
        assert_eq!(as_number(Value::from(true)), Value::from(true));
    }

    fn v(s: &str) -> Value {
        Value::from(s)
    }

    #[test]
    fn emptiness_follows_go() {
        for empty in [
            Value::UNDEFINED,
            Value::from(()),
            Value::from(false),
            Value::from(0),
            Value::from(0.0),
            v(""),
            Value::from(Vec::<Value>::new()),
            Value::from(std::collections::BTreeMap::<String, Value>::new()),
        ] {
            assert!(is_empty(&empty), "{empty:?}");
        }
        for full in [
            Value::from(true),
            Value::from(1),
            v("0"),
            v(" "),
            Value::from(vec![0]),
        ] {
            assert!(!is_empty(&full), "{full:?}");
        }
    }

    #[test]
    fn default_uses_emptiness() {
        assert_eq!(default(v(""), v("x")), v("x"));
        assert_eq!(default(Value::from(0), v("x")), v("x"));
        assert_eq!(
            default(Value::from(false), Value::from(true)),
            Value::from(true)
        );
        assert_eq!(default(v("y"), v("x")), v("y"));
    }

    #[test]
    fn trunc_and_trims() {
        assert_eq!(trunc(&v("abcdef"), 3), "abc");
        assert_eq!(trunc(&v("abcdef"), -2), "ef");
        assert_eq!(trunc(&v("abc"), -5), "abc");
        assert_eq!(trunc(&v("ab"), 5), "ab");
        assert_eq!(trunc(&v("äöü"), 2), "äö");
        assert_eq!(trim_suffix(&v("a--"), "-"), "a-");
        assert_eq!(trim_right(&v("a--"), "-"), "a");
        assert_eq!(trim_prefix(&v("--a"), "-"), "-a");
    }

    #[test]
    fn indent_pads_every_line_like_sprig() {
        assert_eq!(indent(&v("a\nb"), 2), "  a\n  b");
        assert_eq!(indent(&v("a\n\nb\n"), 2), "  a\n  \n  b\n  ");
        assert_eq!(nindent(&v("a"), 4), "\n    a");
        assert_eq!(indent(&Value::from(5), 1), " 5");
    }

    #[test]
    fn required_and_coalesce() {
        assert!(required(Value::UNDEFINED, "x is required").is_err());
        assert!(required(v(""), "x").is_err());
        assert_eq!(required(Value::from(0), "x").unwrap(), Value::from(0));
        let err = required(Value::from(()), "gitlabUrl is required").unwrap_err();
        assert_eq!(err.detail(), Some("gitlabUrl is required"));
        assert_eq!(
            coalesce(Rest(vec![v(""), Value::from(()), v("b"), v("c")])),
            v("b")
        );
        assert!(coalesce(Rest(vec![v("")])).is_none());
    }

    #[test]
    fn has_key_and_ternary() {
        let map = Value::from(std::collections::BTreeMap::from([(
            "locked",
            Value::from(()),
        )]));
        assert!(has_key(&map, "locked"));
        assert!(!has_key(&map, "other"));
        assert!(!has_key(&v("locked"), "locked"));
        assert_eq!(ternary(&Value::from(true), v("a"), v("b")), v("a"));
        assert_eq!(ternary(&v(""), v("a"), v("b")), v("b"));
    }
}
