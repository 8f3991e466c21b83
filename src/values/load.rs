//! Loading a values file: every YAML document, merged in order, into one mapping with string
//! keys (Helm converts values to JSON, so keys are always strings: `1: x` has the key `"1"`).

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use super::{merge, ValuesError};

/// Parses the text of a values file. An empty file, or one with only comments or empty
/// documents, gives an empty mapping.
///
/// ```
/// use gitlab_runner_chart::values::load::parse_values;
/// let values = parse_values("v.yaml", "a: 1\n---\nb: {c: true}\n").unwrap();
/// assert_eq!(values.len(), 2);
/// let err = parse_values("v.yaml", "a: [1\n").unwrap_err();
/// assert!(err.to_string().contains(" --> v.yaml:2:1"), "{err}");
/// ```
pub fn parse_values(source_name: &str, text: &str) -> Result<Mapping, ValuesError> {
    check_limits(source_name, text)?;
    let mut merged = Mapping::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = Value::deserialize(document).map_err(|e| yaml_error(source_name, text, &e))?;
        match value {
            Value::Null => {}
            Value::Mapping(map) => {
                let map = normalize_mapping(source_name, "", map)?;
                merge::merge_maps(&mut merged, map);
            }
            other => {
                return Err(ValuesError::NotAMapping {
                    source_name: source_name.to_string(),
                    found: describe(&other).to_string(),
                })
            }
        }
    }
    Ok(merged)
}

/// The largest values file accepted: far above any real values file (a few KiB), low enough
/// that parsing stays fast and small.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The deepest nesting of flow collections (`[[[...]]]`) accepted; the YAML parser refuses
/// more than 128 levels anyway, but only after work that grows with the square of the depth.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Refuses, before parsing, input whose size or nesting would make parsing slow.
fn check_limits(source_name: &str, text: &str) -> Result<(), ValuesError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ValuesError::TooLarge {
            source_name: source_name.to_string(),
            bytes: text.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    // Count flow brackets outside quoted scalars and comments. A bracket inside a plain scalar
    // (`a: x[1]`) is counted too: harmless, as only more than MAX_FLOW_DEPTH open ones fail.
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column, comment) = (line + 1, 0, false);
            if quote.is_none() {
                previous = c;
                continue;
            }
        }
        match quote {
            Some('\'') if c == '\'' => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    column += 1;
                } else {
                    quote = None;
                }
            }
            Some('"') if c == '\\' => {
                if chars.next().is_some() {
                    column += 1;
                }
            }
            Some('"') if c == '"' => quote = None,
            Some(_) => {}
            None if comment => {}
            None => match c {
                '#' if previous.is_whitespace() => comment = true,
                '\'' | '"'
                    if matches!(
                        previous,
                        ' ' | '\t' | '\n' | ':' | '[' | '{' | ',' | '-' | '?'
                    ) =>
                {
                    quote = Some(c)
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(ValuesError::Yaml {
                            source_name: source_name.to_string(),
                            line: Some(line),
                            column: Some(column),
                            message: format!(
                                "collections nested more than {MAX_FLOW_DEPTH} levels deep"
                            ),
                            line_text: line_text(text, line).map(|l| l.chars().take(200).collect()),
                        });
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    Ok(())
}

fn yaml_error(source_name: &str, text: &str, error: &serde_yaml::Error) -> ValuesError {
    let location = error.location();
    let mut message = error.to_string();
    // The parser appends " at line L column C"; the location is printed in front instead.
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    if message.contains("repetition limit exceeded") {
        message = "aliases expand to too much data (more than 100 times the size of the document)"
            .to_string();
    } else if message.contains("recursion limit exceeded") {
        message = "collections nested more than 128 levels deep".to_string();
    }
    let line = location.as_ref().map(|l| l.line());
    ValuesError::Yaml {
        source_name: source_name.to_string(),
        line,
        column: location.as_ref().map(|l| l.column()),
        message,
        line_text: line.and_then(|l| line_text(text, l)),
    }
}

/// Line `n` (1-based) of `text`, with the value of a secret key on it masked.
fn line_text(text: &str, n: usize) -> Option<String> {
    // The end of the text (line count + 1) is a line too: where an unclosed collection ends.
    let line = text.lines().nth(n.checked_sub(1)?).unwrap_or_default();
    let line = line.strip_suffix('\r').unwrap_or(line);
    if let Some((key, _)) = line.split_once(':') {
        let name = key
            .trim()
            .trim_start_matches('-')
            .trim()
            .trim_matches(['"', '\'']);
        if crate::diagnostic::is_secret_key(name) {
            return Some(format!("{key}: ***"));
        }
    }
    Some(line.to_string())
}

/// A short description of a value's kind, for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a sequence",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn normalize_mapping(source: &str, path: &str, map: Mapping) -> Result<Mapping, ValuesError> {
    let mut out = Mapping::with_capacity(map.len());
    for (key, value) in map {
        let key = match key {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => "null".to_string(),
            other => {
                return Err(ValuesError::Unsupported {
                    source_name: source.to_string(),
                    path: if path.is_empty() {
                        "(top level)".to_string()
                    } else {
                        path.to_string()
                    },
                    message: format!("a key must be a string, found {}", describe(&other)),
                })
            }
        };
        let child = join(path, &key);
        let value = normalize_value(source, &child, value)?;
        out.insert(Value::String(key), value);
    }
    Ok(out)
}

fn normalize_value(source: &str, path: &str, value: Value) -> Result<Value, ValuesError> {
    Ok(match value {
        Value::Mapping(map) => Value::Mapping(normalize_mapping(source, path, map)?),
        Value::Sequence(items) => Value::Sequence(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| normalize_value(source, &format!("{path}[{i}]"), item))
                .collect::<Result<_, _>>()?,
        ),
        Value::Tagged(tagged) => {
            return Err(ValuesError::Unsupported {
                source_name: source.to_string(),
                path: path.to_string(),
                message: format!("YAML tag {} is not supported in values", tagged.tag),
            })
        }
        scalar => scalar,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn empty_and_comment_only_files_have_no_values() {
        for text in ["", "\n", "# just a comment\n", "---\n", "---\n---\n", "~\n"] {
            assert_eq!(
                parse_values("v.yaml", text).unwrap(),
                Mapping::new(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn documents_are_merged_in_order() {
        let got = parse_values("v.yaml", "a: {x: 1, y: 2}\nb: 1\n---\na: {y: 3}\n---\n").unwrap();
        assert_eq!(got, yaml("a: {x: 1, y: 3}\nb: 1"));
    }

    #[test]
    fn keys_become_strings() {
        let got = parse_values("v.yaml", "m: {1: a, true: b, null: c, 1.5: d}\n").unwrap();
        assert_eq!(got, yaml("m: {'1': a, 'true': b, 'null': c, '1.5': d}"));
    }

    #[test]
    fn non_mapping_documents_are_errors() {
        let err = parse_values("v.yaml", "- a\n- b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.yaml: the top level of a values file must be a mapping of keys to values, found a sequence"
        );
        let err = parse_values("v.yaml", "a: 1\n---\nhello\n").unwrap_err();
        assert!(err.to_string().ends_with("found a string"), "{err}");
    }

    #[test]
    fn complex_keys_and_tags_are_errors_with_their_path() {
        let err =
            parse_values("v.yaml", "runners:\n  podLabels:\n    ? [a]\n    : b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.yaml: runners.podLabels: a key must be a string, found a sequence"
        );
        let err = parse_values("v.yaml", "hostAliases:\n- !custom x\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.yaml: hostAliases[0]: YAML tag !custom is not supported in values"
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = parse_values("values/x.yaml", "a: 1\nb: [\n").unwrap_err();
        match &err {
            ValuesError::Yaml { line, column, .. } => {
                assert_eq!((*line, *column), (Some(3), Some(1)));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            err.to_string().contains(" --> values/x.yaml:3:1\n"),
            "{err}"
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let start = std::time::Instant::now();
        let err = parse_values("deep.yaml", &deep).unwrap_err();
        assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
        match &err {
            ValuesError::Yaml {
                line,
                column,
                message,
                ..
            } => {
                assert_eq!((*line, *column), (Some(1), Some(132)));
                assert_eq!(message, "collections nested more than 128 levels deep");
            }
            other => panic!("unexpected {other:?}"),
        }
        let fine = format!(
            "a: {}{}\nb: '[[[['\nc: \"{{{{\" # [[[[\n",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(parse_values("ok.yaml", &fine).is_ok());
    }

    #[test]
    fn large_files_are_refused() {
        let big = "a: 1\n".repeat(MAX_FILE_BYTES / 5 + 1);
        let err = parse_values("big.yaml", &big).unwrap_err();
        assert_eq!(
            err.to_string(),
            "big.yaml: the file is larger than 4194304 bytes (4 MiB), the limit for a values file"
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse_values("bomb.yaml", &text).unwrap_err();
        assert!(
            err.to_string().contains("aliases expand to too much data"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_values("v.yaml", "a: 1\na: 2\n").unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }
}
