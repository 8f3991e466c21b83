//! `--set-json` and `--set-file`, which the command line reads itself (`--set` and
//! `--set-string` are the library's: [`Values::set`]); messages name the key, never the value
//! (it may be a secret).

use gitlab_runner_chart::Values;

use super::failure::Failure;
use super::files::read_text_file;

/// A `--set-json` or `--set-file` expression that cannot be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum SetFlagError {
    #[error("--set-json {rest:?}: expected KEY=JSON (Helm 3.16 takes no bare JSON object)")]
    JsonWithoutKey { rest: String },
    #[error("--set-json {key}=...: invalid JSON: {error}")]
    InvalidJson {
        key: String,
        #[source]
        error: serde_json::Error,
    },
    #[error("--set-json {key}=: no JSON value")]
    NoJsonValue { key: String },
    #[error("--set-json {key}=...: unexpected text after the JSON value (expected `,` or the end)")]
    AfterJson { key: String },
    #[error("--set-json {key}=...: {error}")]
    JsonAsYaml {
        key: String,
        #[source]
        error: serde_yaml::Error,
    },
    #[error("--set-json {key}=...: empty name in the key")]
    EmptyName { key: String },
    #[error(
        "--set-json {key}=...: list indexes are not supported in --set-json keys: set the whole list, e.g. key=[...]"
    )]
    ListIndex { key: String },
    #[error("--set-file {assignment}: expected KEY=PATH")]
    FileWithoutKey { assignment: String },
    /// The key as `--set-string` reads it is refused; `message` is the library's, without its
    /// `--set-string: ` prefix.
    #[error("--set-file {assignment}: {message}")]
    FileKey { assignment: String, message: String },
    #[error("--set-file {key}={path}: the file is larger than {limit} bytes")]
    FileTooLarge {
        key: String,
        path: String,
        limit: usize,
    },
}

/// Splits `text` at each `separator` not escaped by `\` (the escapes are kept).
pub(super) fn split_unescaped(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == separator => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `--set-json K=JSON[,K=JSON]...`: each JSON value replaces what the files set at `K`, as in
/// Helm. Keys are names joined by `.` (`\.` for a dot in a name); list indexes are refused.
/// Messages name the key, never the value (it may be a secret).
pub(super) fn add_set_json(values: &mut Values, expr: &str) -> Result<(), SetFlagError> {
    let mut rest = expr;
    while !rest.is_empty() {
        let Some(eq) = split_unescaped(rest, '=').first().map(|k| k.len()) else {
            break;
        };
        if eq == rest.len() {
            return Err(SetFlagError::JsonWithoutKey {
                rest: rest.to_string(),
            });
        }
        let key = &rest[..eq];
        let names = json_key_names(key)?;
        let mut stream =
            serde_json::Deserializer::from_str(&rest[eq + 1..]).into_iter::<serde_json::Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(error)) => {
                let key = key.to_string();
                return Err(SetFlagError::InvalidJson { key, error });
            }
            None => {
                let key = key.to_string();
                return Err(SetFlagError::NoJsonValue { key });
            }
        };
        let after = rest[eq + 1 + stream.byte_offset()..].trim_start();
        rest = match after.strip_prefix(',') {
            Some(next) => next,
            None if after.is_empty() => after,
            None => {
                let key = key.to_string();
                return Err(SetFlagError::AfterJson { key });
            }
        };
        let value: serde_yaml::Value =
            serde_yaml::to_value(&value).map_err(|error| SetFlagError::JsonAsYaml {
                key: key.to_string(),
                error,
            })?;
        // A map merges into what the files set: a null first makes it replace it, as in Helm.
        if value.is_mapping() {
            values.add_mapping(nest(&names, serde_yaml::Value::Null));
        }
        values.add_mapping(nest(&names, value));
    }
    Ok(())
}

/// The names of a `--set-json` key (`a.b\.c` is `a`, `b.c`).
fn json_key_names(key: &str) -> Result<Vec<String>, SetFlagError> {
    let names: Vec<String> = split_unescaped(key, '.')
        .into_iter()
        .map(|name| {
            let mut unescaped = String::new();
            let mut chars = name.chars();
            while let Some(c) = chars.next() {
                unescaped.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            unescaped
        })
        .collect();
    if names.iter().any(String::is_empty) {
        let key = key.to_string();
        return Err(SetFlagError::EmptyName { key });
    }
    if split_unescaped(key, '[').len() > 1 {
        let key = key.to_string();
        return Err(SetFlagError::ListIndex { key });
    }
    Ok(names)
}

/// `{a: {b: value}}` for the names `a`, `b`.
fn nest(names: &[String], value: serde_yaml::Value) -> serde_yaml::Mapping {
    let mut value = value;
    for name in names.iter().skip(1).rev() {
        let mut inner = serde_yaml::Mapping::new();
        inner.insert(name.clone().into(), value);
        value = inner.into();
    }
    let mut top = serde_yaml::Mapping::new();
    if let Some(first) = names.first() {
        top.insert(first.clone().into(), value);
    }
    top
}

/// The `(key, path)` pairs of a `--set-file K=PATH[,K=PATH]...` expression (`\\,` in a path
/// is a comma; the key keeps its escapes, read as in `--set`).
pub(super) fn set_file_assignments(expr: &str) -> Result<Vec<(&str, String)>, SetFlagError> {
    let mut pairs = Vec::new();
    for assignment in split_unescaped(expr, ',') {
        if assignment.is_empty() {
            continue;
        }
        let Some(eq) = split_unescaped(assignment, '=').first().map(|k| k.len()) else {
            continue;
        };
        if eq == assignment.len() {
            let assignment = assignment.to_string();
            return Err(SetFlagError::FileWithoutKey { assignment });
        }
        let key = &assignment[..eq];
        // The key is checked alone, so that its errors do not show the file's text.
        Values::new().set_string(&format!("{key}=x")).map_err(|e| {
            let e = e.to_string();
            SetFlagError::FileKey {
                assignment: assignment.to_string(),
                message: e.strip_prefix("--set-string: ").unwrap_or(&e).to_string(),
            }
        })?;
        pairs.push((key, unescape(&assignment[eq + 1..])));
    }
    Ok(pairs)
}

/// Sets each key to the text of its file, as a `--set-string` applied after every other one
/// (Helm's order). Errors name the file.
pub(super) fn add_set_file(values: &mut Values, pairs: &[(&str, String)]) -> Result<(), Failure> {
    for (key, path) in pairs {
        let (_, text) = read_text_file(path, "--set-file")?;
        let limit = Values::MAX_FILE_BYTES;
        if text.len() > limit {
            let (key, path) = (key.to_string(), path.clone());
            return Err(SetFlagError::FileTooLarge { key, path, limit }.into());
        }
        values.set_string(&format!("{key}={}", escape_set_value(&text)))?;
    }
    Ok(())
}

/// `text` with each `\\x` read as `x`.
fn unescape(text: &str) -> String {
    let mut unescaped = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        unescaped.push(match c {
            '\\' => chars.next().unwrap_or(c),
            _ => c,
        });
    }
    unescaped
}

/// `text` as a `--set-string` value that reads back as `text`.
fn escape_set_value(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | ',' | '{' | '}' | '[' | ']' | '=' | '.') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
