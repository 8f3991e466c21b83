//! Encodings: base64 and sha256 (sprig's `b64enc`, `sha256sum`), and quoting for the two other
//! languages the chart writes values into: shell (`shquote`, for the ConfigMap scripts) and
//! TOML (`tomlString`, `tomlValue`, for the runner configuration).
//!
//! Both quoters write only printable characters: the scripts and TOML files are embedded in
//! YAML block scalars, where a raw control character or a Unicode line separator would end the
//! block (go-yaml treats U+0085, U+2028 and U+2029 as line breaks) and let a value inject YAML.

use base64::Engine as _;
use minijinja::value::{Value, ValueKind};
use minijinja::{Error, ErrorKind};
use sha2::Digest as _;

use super::format::go_text;

/// `b64enc`: standard base64 (with padding) of the value's text.
pub fn b64enc(value: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(go_text(value).as_bytes())
}

/// `sha256sum`: lowercase hex sha256 of the value's text.
pub fn sha256sum(value: &Value) -> String {
    // a string is hashed where it is (a ConfigMap's text is not copied)
    let digest = sha2::Sha256::digest(go_text(value).as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

/// Characters that must never appear raw in a block scalar: controls (tab included), DEL, C1
/// controls, the Unicode line/paragraph separators, BOM and the non-characters U+FFFE/U+FFFF.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// `shquote`: one bash word that expands to exactly the value's text, never to a command.
///
/// Plain text is single-quoted (`'it'\''s'`); text with control or line-separator characters
/// uses bash's `$'...'` with each such character's UTF-8 bytes as `\xHH`, which bash decodes
/// the same in every locale.
///
/// A NUL character cannot be passed in a command-line argument at all, so a value with one is
/// an error rather than a silently shortened argument.
///
/// ```
/// use gitlab_runner_chart::__private::engine::encoding::shquote;
/// use minijinja::Value;
/// assert_eq!(shquote(&Value::from("$(id)")).unwrap(), "'$(id)'");
/// assert_eq!(shquote(&Value::from("it's")).unwrap(), r"'it'\''s'");
/// assert_eq!(shquote(&Value::from("a\nb")).unwrap(), r"$'a\x0ab'");
/// assert!(shquote(&Value::from("a\0b")).is_err());
/// ```
pub fn shquote(value: &Value) -> Result<String, Error> {
    let s = go_text(value);
    if s.contains('\0') {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "a value passed to gitlab-runner register contains a NUL character, which a command-line argument cannot hold",
        ));
    }
    if !s.chars().any(needs_escape) {
        return Ok(format!("'{}'", s.replace('\'', r"'\''")));
    }
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("$'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            c if needs_escape(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    Ok(out)
}

/// `tomlString`: a single-line TOML basic string (`"..."`) of the value's text.
///
/// ```
/// use gitlab_runner_chart::__private::engine::encoding::toml_string;
/// use minijinja::Value;
/// assert_eq!(toml_string(&Value::from("a\"b\n")), r#""a\"b\n""#);
/// ```
pub fn toml_string(value: &Value) -> String {
    let s = go_text(value);
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `tomlValue`: a TOML value for a scalar: integers and booleans as TOML writes them, whole
/// floats as integers, other floats as TOML floats, strings as [`toml_string`]. Lists, maps
/// and missing values are an error that names `path` (the values path, e.g. `concurrent`).
pub fn toml_value(value: &Value, path: Option<&str>) -> Result<String, Error> {
    let text = match value.kind() {
        ValueKind::Bool => toml::Value::Boolean(value.is_true()).to_string(),
        ValueKind::Number => match i64::try_from(value.clone()) {
            Ok(n) => toml::Value::Integer(n).to_string(),
            Err(_) => match f64::try_from(value.clone()) {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    toml::Value::Integer(f as i64).to_string()
                }
                Ok(f) => toml::Value::Float(f).to_string(),
                Err(_) => return Err(not_a_toml_scalar(value, path)),
            },
        },
        ValueKind::String => toml_string(value),
        _ => return Err(not_a_toml_scalar(value, path)),
    };
    Ok(text)
}

fn not_a_toml_scalar(value: &Value, path: Option<&str>) -> Error {
    let found = match value.kind() {
        ValueKind::Undefined | ValueKind::None => {
            "nothing (the value is missing or null)".to_string()
        }
        kind => format!("a {kind}"),
    };
    let prefix = path.map(|p| format!("{p}: ")).unwrap_or_default();
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{prefix}expected a number, string or boolean, found {found}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64_and_sha256() {
        assert_eq!(
            b64enc(&Value::from("vrLSyXrLNXKvq5o_5nGo")),
            "dnJMU3lYckxOWEt2cTVvXzVuR28="
        );
        assert_eq!(b64enc(&Value::from("")), "");
        assert_eq!(
            sha256sum(&Value::from("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256sum(&Value::from("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // a value that is not a string is hashed as Go prints it
        assert_eq!(
            sha256sum(&Value::from(12)),
            "6b51d431df5d7f141cbececcf79edf3dd861c3b4069f0b11661a3eefacbba918"
        );
    }

    #[test]
    fn shquote_escapes_control_and_separator_characters() {
        let q = |v: Value| shquote(&v).unwrap();
        assert_eq!(q(Value::from("")), "''");
        assert_eq!(q(Value::from("a\tb")), r"$'a\x09b'");
        assert_eq!(q(Value::from("x\u{2028}'\\")), r"$'x\xe2\x80\xa8\'\\'");
        assert_eq!(q(Value::from(42)), "'42'");
        let err = shquote(&Value::from("a\0")).unwrap_err();
        assert!(err.detail().unwrap().contains("NUL"), "{err}");
    }

    #[test]
    fn toml_strings_round_trip_through_the_toml_crate() {
        for s in [
            "",
            "plain",
            "q\"uote",
            "back\\slash",
            "new\nline\r\t",
            "\u{1}\u{7f}\u{85}\u{2028}\u{feff}",
            "ü → 😀",
        ] {
            let doc = format!("v = {}", toml_string(&Value::from(s)));
            let parsed: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(parsed["v"].as_str(), Some(s), "{doc}");
            assert!(!doc.chars().any(needs_escape), "{doc:?}");
        }
    }

    #[test]
    fn toml_values() {
        assert_eq!(toml_value(&Value::from(10), None).unwrap(), "10");
        assert_eq!(toml_value(&Value::from(10.0), None).unwrap(), "10");
        assert_eq!(toml_value(&Value::from(1.5), None).unwrap(), "1.5");
        assert_eq!(toml_value(&Value::from(true), None).unwrap(), "true");
        assert_eq!(toml_value(&Value::from("x"), None).unwrap(), "\"x\"");
        let err = toml_value(&Value::from(vec![1]), Some("concurrent")).unwrap_err();
        assert_eq!(
            err.detail(),
            Some("concurrent: expected a number, string or boolean, found a sequence")
        );
        let err = toml_value(&Value::UNDEFINED, Some("checkInterval")).unwrap_err();
        assert_eq!(
            err.detail(),
            Some(
                "checkInterval: expected a number, string or boolean, found nothing (the value is missing or null)"
            )
        );
    }
}
