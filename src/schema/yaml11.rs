//! Warnings for what Helm reads differently from what a reader of the file sees: YAML 1.1
//! booleans and numbers (`on:`, `tags: yes`, `0777`) and documents after the first.
//!
//! The values are rendered as Helm reads them; where the chart expects text, a value that Helm
//! reads as a boolean or a number becomes the text Helm prints for it (`yes` → `"true"`), and
//! a warning names the path and the fix (quote it).

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

use super::document::SchemaDocument;
use crate::diagnostic::{Diagnostic, Origin, Severity};
use crate::engine::format::go_string;
use crate::values::path::{Path, Segment};
use crate::values::{NoteKind, Values};

/// The warnings for the notes of the user's files, and the values made text where the chart
/// expects text (`schema`: the chart's values schema, if it has one; read only for a note on
/// a value).
pub(crate) fn apply_notes(
    user: &Values,
    merged: &mut Mapping,
    schema: Option<&SchemaDocument>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, note) in user.notes() {
        let Some(spans) = user.spans_of(file) else {
            continue;
        };
        let origin = user.file_origin(file, spans, note.span);
        match &note.kind {
            NoteKind::LaterDocuments => out.push(warning(
                Path::root(),
                "only the first YAML document of a values file is read, as Helm does: the documents from here on are ignored".to_string(),
                origin,
                "merge them into the first document, or pass them as another file (`-f`)",
            )),
            NoteKind::Key { written } => {
                let key = note.path.last().map(|s| s.to_string()).unwrap_or_default();
                out.push(warning(
                    note.path.clone(),
                    format!(
                        "the key `{written}` is read as `{key}` (Helm reads YAML 1.1, where `{written}` is a {})",
                        if key == "true" || key == "false" { "boolean" } else { "number" }
                    ),
                    origin,
                    &format!("quote it (`\"{written}\":`) to keep the key `{written}`"),
                ));
            }
            NoteKind::Value { written, .. } => {
                // Only where this very value is what the chart gets, and the chart takes text.
                if user.origin(&note.path, false).as_ref() != Some(&origin) {
                    continue;
                }
                let Some(types) = schema.and_then(|s| types_at(s.json(), &note.path)) else {
                    continue;
                };
                if !types.contains(&"string") {
                    continue;
                }
                let Some(value) = value_at(merged, &note.path) else {
                    continue;
                };
                let text = go_string(&minijinja::Value::from(minijinja::value::Serde(&*value)));
                let kind = match value {
                    Value::Bool(_) => "boolean",
                    _ => "number",
                };
                let keeps_kind = match value {
                    Value::Bool(_) => types.contains(&"boolean"),
                    _ => types.contains(&"number") || types.contains(&"integer"),
                };
                if !keeps_kind {
                    *value = Value::String(text.clone());
                }
                out.push(warning(
                    note.path.clone(),
                    format!(
                        "`{written}` is read as the {kind} {text} (Helm reads YAML 1.1), so the chart gets \"{text}\""
                    ),
                    origin,
                    &format!("quote it (`\"{written}\"`) if you mean the text `{written}`"),
                ));
            }
        }
    }
    out
}

fn warning(path: Path, message: String, origin: Origin, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        path: path.to_string(),
        message,
        origin: Some(origin),
        help: Some(help.to_string()),
        notes: Vec::new(),
    }
}

fn value_at<'a>(values: &'a mut Mapping, path: &Path) -> Option<&'a mut Value> {
    let mut segments = path.segments().iter();
    let Some(Segment::Key(first)) = segments.next() else {
        return None;
    };
    let mut node = values.get_mut(first.as_str())?;
    for segment in segments {
        node = match (segment, node) {
            (Segment::Key(k), Value::Mapping(m)) => m.get_mut(k.as_str())?,
            (Segment::Index(i), Value::Sequence(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The JSON types the schema allows at `path` (`None` where it does not say).
fn types_at<'a>(schema: &'a Json, path: &Path) -> Option<Vec<&'a str>> {
    let mut node = schema;
    for segment in path.segments() {
        node = child(node, segment)?;
    }
    let mut types = Vec::new();
    collect_types(node, &mut types);
    (!types.is_empty()).then_some(types)
}

fn child<'a>(node: &'a Json, segment: &Segment) -> Option<&'a Json> {
    let direct = match segment {
        Segment::Key(key) => node
            .get("properties")
            .and_then(|p| p.get(key.as_str()))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
        Segment::Index(_) => node.get("items"),
    };
    direct.or_else(|| {
        ["anyOf", "oneOf", "allOf"]
            .iter()
            .filter_map(|k| node.get(*k)?.as_array())
            .flatten()
            .find_map(|branch| child(branch, segment))
    })
}

fn collect_types<'a>(node: &'a Json, out: &mut Vec<&'a str>) {
    match node.get("type") {
        Some(Json::String(t)) => out.push(t),
        Some(Json::Array(ts)) => out.extend(ts.iter().filter_map(Json::as_str)),
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        for branch in node.get(key).and_then(Json::as_array).into_iter().flatten() {
            collect_types(branch, out);
        }
    }
}
