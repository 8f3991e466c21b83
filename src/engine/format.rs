//! Go `text/template`'s way of printing values, as Helm shows them.
//!
//! `{{ .Values.x }}` in a Helm chart prints the value with Go's `fmt`
//! (`%v`).  This module reproduces that text for minijinja values:
//!
//! * strings as they are, booleans `true` / `false`;
//! * integers in full (never in exponent form);
//! * floats: whole floats below `1e21` in magnitude without a decimal point
//!   (like integers: Go writes `1e+06`; see COMPATIBILITY.md), other floats
//!   in the shortest form that reads back as the same float, written in
//!   exponent form (`1e-05`, `1.2345675e+06`) when the decimal exponent is
//!   below -4 or at least 6, as Go does; `NaN`, `+Inf`, `-Inf`;
//! * none / undefined at the top as the empty string (Helm prints a missing
//!   value as nothing), and as `<nil>` inside a list or map (as Go prints a
//!   nil element);
//! * sequences as Go prints `[]interface{}` (`[a b 1]`), maps as Go prints
//!   `map[string]interface{}` (`map[a:1 b:[x y]]`, keys sorted);
//! * bytes as their UTF-8 text (invalid sequences replaced).
//!
//! Values that have no Go counterpart (functions, macros, other plain
//! objects, invalid values) print as minijinja displays them.

use std::borrow::Cow;

use minijinja::Value;
use minijinja::value::ValueKind;

/// How deep [`go_string`] descends into nested sequences and maps before it
/// prints `...` instead (guards against self-referencing objects).
const MAX_DEPTH: usize = 512;

/// Text of a value as Go's text/template prints it in Helm (what `{{ .Values.x }}` gives).
///
/// See the module documentation for the rules.
pub fn go_string(value: &Value) -> String {
    let mut out = String::new();
    write_go(&mut out, value, true, 0);
    out
}

/// The text [`go_string`] gives, borrowed where the value is a string (whose text is itself),
/// for the functions that only read it (`quote`, `indent`, `sha256sum`, ...).
pub fn go_text(value: &Value) -> Cow<'_, str> {
    match value.as_str() {
        Some(text) if value.kind() == ValueKind::String => Cow::Borrowed(text),
        _ => Cow::Owned(go_string(value)),
    }
}

/// A float as Go prints it with `%v` in Helm (see the module documentation), except that a
/// whole float below `1e21` is written in full like an integer (`1000000` where Go writes
/// `1e+06`, a deliberate difference): `1.5`, `10`, `-3`, `0.0001`, `1e-05`, `1.2345675e+06`,
/// `1e+21`, `1.5e+300`, `NaN`, `+Inf`, `-Inf`.
pub fn format_float(f: f64) -> String {
    if f.is_finite() && f != 0.0 && f.fract() == 0.0 && f.abs() < 1e21 {
        return float_layout(f, false);
    }
    go_float(f)
}

/// A float exactly as Go's `%v` (and `strconv.FormatFloat(f, 'g', -1, 64)`) prints it: the
/// shortest digits, in exponent form when the exponent is below -4 or at least 6 (`1e+06`,
/// `1e-05`); `NaN`, `+Inf`, `-Inf`, `-0`.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    shortest_layout(&format!("{f:e}"), 6)
}

/// A finite float always in Go's exponent layout (`1e+20`, `-5.5e+19`,
/// `1.5e-07`), shortest digits.  Used where a whole float must not look
/// like an integer.
pub(crate) fn format_float_exponent(f: f64) -> String {
    if !f.is_finite() {
        return format_float(f);
    }
    float_layout(f, true)
}

fn float_layout(f: f64, force_exponent: bool) -> String {
    // Rust's `{:e}` gives the shortest digits that read back as `f`
    // (the same digits as Go's strconv with precision -1), e.g. `-1.5e300`.
    let exponent_from = if force_exponent { -4 } else { 21 };
    shortest_layout(&format!("{f:e}"), exponent_from)
}

/// Go's layout of the shortest digits of a float, given as Rust's `{:e}` text (`-1.5e300`;
/// `{:e}` of an `f64` or an `f32` gives the digits Go's strconv gives for that precision):
/// plain notation for exponents from -4 up to `exponent_from` (excluded), else `d.ddde±XX`
/// with at least two exponent digits. Go's `%v` uses 21, `strconv.FormatFloat(f, 'g', -1, _)`
/// uses 6.
pub(crate) fn shortest_layout(scientific: &str, exponent_from: i32) -> String {
    let Some((mantissa, exp)) = scientific.split_once('e') else {
        return scientific.to_string();
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return scientific.to_string();
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..exponent_from).contains(&exp) {
        // d.ddde±XX with at least two exponent digits, as Go writes it.
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// The text of a number value: integers in full, floats via [`format_float`].
fn number_text(value: &Value) -> String {
    if value.is_integer() {
        if let Ok(i) = i128::try_from(value.clone()) {
            return i.to_string();
        }
        if let Ok(u) = u128::try_from(value.clone()) {
            return u.to_string();
        }
    }
    match f64::try_from(value.clone()) {
        Ok(f) => format_float(f),
        Err(_) => value.to_string(),
    }
}

/// True for a minijinja macro.  Macros present themselves as maps (with
/// `name`, `arguments`, `caller`) but are not data: they render as
/// `<macro NAME>`, which no data map does (maps render as `{...}`).
pub(crate) fn is_macro(value: &Value) -> bool {
    use std::fmt::Write;

    /// Keeps the first bytes written and then refuses more, so that rendering
    /// a large map stops at once.
    struct Prefix(String);
    impl Write for Prefix {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for c in s.chars() {
                if self.0.len() >= 7 {
                    return Err(std::fmt::Error);
                }
                self.0.push(c);
            }
            Ok(())
        }
    }

    if value.kind() != ValueKind::Map {
        return false;
    }
    // a map of data (what values and `dict` give) is no macro: no need to print it
    if value
        .downcast_object_ref::<std::collections::BTreeMap<Value, Value>>()
        .is_some()
    {
        return false;
    }
    let mut prefix = Prefix(String::new());
    let _ = write!(prefix, "{value}");
    prefix.0 == "<macro "
}

fn write_go(out: &mut String, value: &Value, top: bool, depth: usize) {
    if is_macro(value) {
        out.push_str(&value.to_string());
        return;
    }
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => {
            if !top {
                out.push_str("<nil>");
            }
        }
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => out.push_str(&number_text(value)),
        ValueKind::String => out.push_str(value.as_str().unwrap_or_default()),
        ValueKind::Bytes => out.push_str(&String::from_utf8_lossy(
            value.as_bytes().unwrap_or_default(),
        )),
        ValueKind::Seq | ValueKind::Iterable => {
            if depth >= MAX_DEPTH {
                out.push_str("...");
                return;
            }
            out.push('[');
            if let Ok(iter) = value.try_iter() {
                for (i, item) in iter.enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    write_go(out, &item, false, depth + 1);
                }
            }
            out.push(']');
        }
        ValueKind::Map => {
            if depth >= MAX_DEPTH {
                out.push_str("...");
                return;
            }
            let mut entries: Vec<(String, Value)> = Vec::new();
            if let Some(pairs) = value.as_object().and_then(|o| o.try_iter_pairs()) {
                for (k, v) in pairs {
                    let mut key = String::new();
                    write_go(&mut key, &k, false, depth + 1);
                    entries.push((key, v));
                }
            }
            // Go's fmt sorts string keys bytewise, as Rust's `str` ordering does.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push_str("map[");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go(out, v, false, depth + 1);
            }
            out.push(']');
        }
        ValueKind::Plain | ValueKind::Invalid => out.push_str(&value.to_string()),
        // ValueKind is non-exhaustive: print anything new as minijinja does.
        _ => out.push_str(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
    }

    #[test]
    fn strings_and_bools() {
        assert_eq!(go_string(&Value::from("hello world")), "hello world");
        assert_eq!(go_string(&Value::from("")), "");
        assert_eq!(go_string(&Value::from("a\nb\t\"c\"")), "a\nb\t\"c\"");
        assert_eq!(go_string(&Value::from_safe_string("<b>".into())), "<b>");
        assert_eq!(go_string(&Value::from(true)), "true");
        assert_eq!(go_string(&Value::from(false)), "false");
    }

    #[test]
    fn none_and_undefined_print_empty() {
        assert_eq!(go_string(&Value::from(())), "");
        assert_eq!(go_string(&Value::UNDEFINED), "");
    }

    #[test]
    fn integers_in_full() {
        assert_eq!(go_string(&Value::from(0)), "0");
        assert_eq!(go_string(&Value::from(1000000)), "1000000");
        assert_eq!(go_string(&Value::from(-42i64)), "-42");
        assert_eq!(go_string(&Value::from(i64::MIN)), "-9223372036854775808");
        assert_eq!(go_string(&Value::from(u64::MAX)), "18446744073709551615");
        assert_eq!(
            go_string(&Value::from(i128::MIN)),
            "-170141183460469231731687303715884105728"
        );
        assert_eq!(
            go_string(&Value::from(u128::MAX)),
            "340282366920938463463374607431768211455"
        );
    }

    #[test]
    fn floats() {
        let cases: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (10.0, "10"),
            (-3.0, "-3"),
            (0.0, "0"),
            (-0.0, "-0"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000012345, "1.2345e-05"),
            (-0.00001, "-1e-05"),
            (1e6, "1000000"),
            (1234567.5, "1.2345675e+06"),
            (123456.5, "123456.5"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (-1e21, "-1e+21"),
            (1.5e300, "1.5e+300"),
            (123456789.125, "1.23456789125e+08"),
            (1.0000000000000002, "1.0000000000000002"),
            (0.1 + 0.2, "0.30000000000000004"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(*f), *want, "format_float({f:e})");
            assert_eq!(go_string(&Value::from(*f)), *want, "go_string({f:e})");
        }
    }

    #[test]
    fn exponent_layout() {
        assert_eq!(format_float_exponent(1e20), "1e+20");
        assert_eq!(format_float_exponent(-5.5e19), "-5.5e+19");
        assert_eq!(format_float_exponent(1.5e-7), "1.5e-07");
        assert_eq!(format_float_exponent(1.5e300), "1.5e+300");
        assert_eq!(format_float_exponent(0.0), "0e+00");
        assert_eq!(format_float_exponent(f64::NAN), "NaN");
    }

    #[test]
    fn float_format_reads_back() {
        for f in [
            0.1,
            2.5e-5,
            123.456,
            9.999999999999999e20,
            1e-4,
            7e22,
            -4.2e-7,
            3.0e15,
        ] {
            assert_eq!(format_float(f).parse::<f64>().unwrap(), f);
        }
    }

    #[test]
    fn sequences() {
        let v = Value::from(vec![Value::from("a"), Value::from("b"), Value::from(1)]);
        assert_eq!(go_string(&v), "[a b 1]");
        assert_eq!(go_string(&Value::from(Vec::<Value>::new())), "[]");
        let nested = Value::from(vec![
            Value::from(vec![Value::from("x"), Value::from(true)]),
            Value::from(()),
            Value::from(2.5),
            Value::from("two words"),
        ]);
        assert_eq!(go_string(&nested), "[[x true] <nil> 2.5 two words]");
    }

    #[test]
    fn maps_sorted() {
        let v = map(&[
            ("b", Value::from(vec![Value::from("x"), Value::from("y")])),
            ("a", Value::from(1)),
        ]);
        assert_eq!(go_string(&v), "map[a:1 b:[x y]]");
        let empty: BTreeMap<String, Value> = BTreeMap::new();
        assert_eq!(go_string(&Value::from(empty)), "map[]");
        let nested = map(&[
            ("z", map(&[("k", Value::from(()))])),
            ("B", Value::from(false)),
            ("a", Value::from(1e21)),
        ]);
        assert_eq!(go_string(&nested), "map[B:false a:1e+21 z:map[k:<nil>]]");
        let in_seq = Value::from(vec![map(&[("a", Value::from("b"))])]);
        assert_eq!(go_string(&in_seq), "[map[a:b]]");
    }

    #[test]
    fn bytes_lossy() {
        assert_eq!(go_string(&Value::from_bytes(b"hi".to_vec())), "hi");
        assert_eq!(
            go_string(&Value::from_bytes(vec![b'a', 0xff, b'b'])),
            "a\u{FFFD}b"
        );
    }

    #[test]
    fn iterables_and_plain_objects() {
        let it = Value::make_one_shot_iterator(vec![Value::from(1), Value::from(2)].into_iter());
        assert_eq!(go_string(&it), "[1 2]");
        let f = Value::from_function(|| 1);
        // Functions have no Go counterpart; they print as minijinja shows them.
        assert_eq!(go_string(&f), f.to_string());
    }

    #[test]
    fn macros_print_as_minijinja_shows_them() {
        let mut env = minijinja::Environment::new();
        env.add_function("go", |v: Value| go_string(&v));
        env.add_template(
            "t",
            "{% macro m(a) %}x{% endmacro %}{{ go(m) }}|{{ go({'name': 'm'}) }}",
        )
        .unwrap();
        assert_eq!(
            env.get_template("t").unwrap().render(()).unwrap(),
            "<macro m>|map[name:m]"
        );
        assert!(!is_macro(&Value::from_pairs(vec![("<macro ", 1)])));
        assert!(!is_macro(&Value::from("<macro x>")));
    }
}
