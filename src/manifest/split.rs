//! Splitting a template's output into Kubernetes objects.

use serde_yaml::Value;

use super::{Manifest, ManifestError};

/// Splits rendered text at `---` lines into documents, drops the empty ones (whitespace and
/// comments only) and parses each of the others to check that it is YAML and a Kubernetes
/// object (`apiVersion`, `kind` and `metadata.name` are strings).
///
/// ```
/// use gitlab_runner_chart::__private::manifest::split_documents;
/// let text = "\n---\n# nothing\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
/// let docs = split_documents("chart/templates/cm.yaml", text).unwrap();
/// assert_eq!(docs.len(), 1);
/// assert_eq!((docs[0].kind(), docs[0].name()), ("ConfigMap", "a"));
/// assert_eq!(docs[0].content(), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a");
/// ```
pub fn split_documents(source: &str, text: &str) -> Result<Vec<Manifest>, ManifestError> {
    let mut manifests = Vec::new();
    let mut document = 0;
    for raw in separate(text) {
        if raw
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        document += 1;
        let content = trim_document(raw);
        let (kind, name) = identify(source, document, content)?;
        manifests.push(Manifest::new(source, &kind, &name, content.to_string()));
    }
    Ok(manifests)
}

/// The documents of `text`: the parts between lines that are exactly `---` (trailing
/// whitespace allowed).
fn separate(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            parts.push(&text[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    parts.push(&text[start..]);
    parts
}

/// Drops blank lines before the document and whitespace after it.
fn trim_document(raw: &str) -> &str {
    let mut start = 0;
    for line in raw.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    raw[start..].trim_end()
}

fn identify(
    source: &str,
    document: usize,
    content: &str,
) -> Result<(String, String), ManifestError> {
    let value: Value = serde_yaml::from_str(content).map_err(|e| ManifestError::InvalidYaml {
        source_name: source.to_string(),
        document,
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })?;
    let missing = |what: &str| ManifestError::NotAnObject {
        source_name: source.to_string(),
        document,
        message: format!("{what} is missing or not a string"),
    };
    if !value.is_mapping() {
        return Err(ManifestError::NotAnObject {
            source_name: source.to_string(),
            document,
            message: "it is not a mapping".to_string(),
        });
    }
    value
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("apiVersion"))?;
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("kind"))?;
    let name = value
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| missing("metadata.name"))?;
    Ok((kind.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a";

    #[test]
    fn separators_split_and_empty_documents_drop() {
        let text = format!("---\n\n{CM}\n---   \n\n  \n---\n{CM}\n\n");
        let docs = split_documents("s", &text).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.content() == CM));
    }

    #[test]
    fn indented_dashes_are_content() {
        let text = format!("{CM}\ndata:\n  script: |\n    ---\n    echo\n");
        let docs = split_documents("s", &text).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(docs[0].content().ends_with("    ---\n    echo"));
    }

    #[test]
    fn non_objects_are_errors() {
        let err = split_documents("t.yaml", "a: 1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: document 1 is not a Kubernetes object: apiVersion is missing or not a string"
        );
        let err = split_documents("t.yaml", "- a\n").unwrap_err();
        assert!(err.to_string().ends_with("it is not a mapping"), "{err}");
        let err = split_documents("t.yaml", &format!("{CM}\n---\nkind: [\n")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.yaml: document 2 is not valid YAML"),
            "{err}"
        );
        let err = split_documents("t.yaml", "apiVersion: v1\nkind: X\nmetadata: {}\n").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("metadata.name is missing or not a string"),
            "{err}"
        );
    }
}
