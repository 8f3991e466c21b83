//! Splitting a template's output into Kubernetes objects.

use serde_yaml::Value;

use super::{Manifest, ManifestError};

/// Splits rendered text at `---` lines into documents, drops the empty ones (whitespace and
/// comments only) and checks each of the others: it is YAML and a Kubernetes object
/// (`apiVersion`, `kind` and `metadata.name` are strings).
///
/// The check does not build a YAML tree when it need not: a line scanner
/// (`manifest::fast`, private) reads the block YAML templates write and, when it is sure the
/// document is valid, gives its kind and name; anything it is not sure of is parsed by the full
/// YAML parser, whose result and error messages are then the answer, as before.
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
/// whitespace allowed). One vectorized search for `---` over the whole text, not a look at
/// every line: a hit counts when it starts a line and only whitespace follows it there.
fn separate(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    // matches do not overlap, but none hides a `---` that starts a line: a match before it
    // would have to contain the `\n` that ends the line before
    for at in memchr::memmem::find_iter(bytes, b"---") {
        if at > 0 && bytes[at - 1] != b'\n' {
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i);
        // `---` and its line's end are character boundaries (ASCII bytes)
        if text[at + 3..end].trim_end().is_empty() {
            parts.push(&text[start..at]);
            start = (end + 1).min(text.len());
        }
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
    match super::fast::identify(content) {
        Some((kind, name)) => Ok((kind.to_string(), name.to_string())),
        None => identify_by_parsing(source, document, content),
    }
}

/// [`identify`] by the full YAML parser.
fn identify_by_parsing(
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

    /// [`separate`] written the plain way (a line at a time with `split_inclusive`).
    fn separate_plainly(text: &str) -> Vec<&str> {
        let mut parts = Vec::new();
        let (mut start, mut offset) = (0, 0);
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

    proptest::proptest! {
        #[test]
        fn separate_cuts_where_the_plain_way_cuts(text in "(---|--- |-- |a|é|\n|\r| ){0,40}") {
            proptest::prop_assert_eq!(separate(&text), separate_plainly(&text));
        }
    }

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

    /// The documents of every golden render (the insta snapshots of the three charts).
    fn golden_documents() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for entry in std::fs::read_dir(root.join("tests/snapshots"))
            .unwrap()
            .flatten()
        {
            files.push(entry.path());
        }
        files.sort();
        let mut docs = Vec::new();
        {
            for file in files {
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                // a snapshot starts with insta's header, between two `---` lines
                let text = match text.strip_prefix("---\n") {
                    Some(rest) if file.extension().is_some_and(|e| e == "snap") => rest
                        .split_once("\n---\n")
                        .map_or(String::new(), |(_, body)| format!("---\n{body}")),
                    _ => text,
                };
                for raw in separate(&text) {
                    let content = trim_document(raw);
                    let body = content
                        .split_once('\n')
                        .filter(|(first, _)| first.starts_with("# Source:"))
                        .map_or(content, |(_, body)| body);
                    if !body.trim().is_empty() {
                        docs.push(body.to_string());
                    }
                }
            }
        }
        assert!(docs.len() > 50, "golden renders found: {}", docs.len());
        // many cases share documents (the same Secret, the same ServiceAccount): each once
        let mut seen = std::collections::HashSet::new();
        docs.retain(|d| seen.insert(d.clone()));
        docs
    }

    /// The scanner and the parser agree: where the scanner is sure, the parser says the same.
    fn agree(content: &str) -> bool {
        agrees_with(content, &identify_by_parsing("t.yaml", 1, content))
    }

    /// [`agree`] with the parser's answer already known.
    fn agrees_with(content: &str, full: &Result<(String, String), ManifestError>) -> bool {
        match super::super::fast::identify(content) {
            Some((kind, name)) => {
                assert_eq!(
                    full,
                    &Ok((kind.to_string(), name.to_string())),
                    "the scanner accepted:\n{content}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_scanner_reads_every_golden_document_as_the_parser_does() {
        let docs = golden_documents();
        let fast = docs.iter().filter(|d| agree(d)).count();
        // the scanner is an optimisation: most documents must take it
        assert!(
            fast * 10 >= docs.len() * 9,
            "{fast} of {} documents",
            docs.len()
        );
    }

    #[test]
    fn the_scanner_never_accepts_what_the_parser_refuses() {
        // Every golden document, mutated line by line: indentation moved, characters
        // dropped or added, lines repeated. Where the scanner is sure, the parser agrees.
        let docs = golden_documents();
        let inserts = [
            ":", ": ", " #", "- ", "\"", "'", "|", "[", "{", "&a ", "*a", "\t", "\\", "?",
        ];
        let mut checked = 0;
        let mut refused = 0;
        for (d, doc) in docs.iter().enumerate() {
            let lines: Vec<&str> = doc.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if (i + d) % 37 != 0 {
                    continue; // one line in 37, different ones per document
                }
                let seed = i * 31 + d * 7;
                let at = if line.is_empty() {
                    0
                } else {
                    seed % line.len()
                };
                let at = (0..=at)
                    .rev()
                    .find(|&p| line.is_char_boundary(p))
                    .unwrap_or(0);
                let mutated = [
                    format!(" {line}"),
                    line.strip_prefix(' ').unwrap_or(line).to_string(),
                    format!("  {line}"),
                    format!("{}{}", &line[..at], inserts[seed % inserts.len()]),
                    format!(
                        "{}{}{}",
                        &line[..at],
                        inserts[(seed / 3) % inserts.len()],
                        &line[at..]
                    ),
                    format!("{line}\n{line}"),
                    line.trim_start().to_string(),
                ];
                for m in mutated {
                    let mut copy = lines.clone();
                    copy[i] = &m;
                    let text = copy.join("\n");
                    checked += 1;
                    let full = identify_by_parsing("t.yaml", 1, &text);
                    if full.is_err() {
                        refused += 1;
                        assert!(
                            !agrees_with(&text, &full),
                            "accepted an invalid document:\n{text}"
                        );
                    } else {
                        agrees_with(&text, &full);
                    }
                }
            }
        }
        assert!(
            checked > 1000 && refused > 100,
            "{checked} mutations, {refused} invalid"
        );
    }

    #[test]
    fn the_scanner_leaves_doubtful_documents_to_the_parser() {
        let doubtful = [
            "apiVersion: v1\nkind: 1\nmetadata:\n  name: a",
            "apiVersion: v1\nkind: true\nmetadata:\n  name: a",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  name: b",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: \"a\\u00e9\"",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n   b",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: a\ndata:\n  k: |\n      x\n    y",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: \"\u{e9}\"",
            "apiVersion: v1\nkind: X\nmetadata: &m\n  name: a",
            "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n\"name\": b\nname: c",
        ];
        for doc in doubtful {
            assert_eq!(super::super::fast::identify(doc), None, "{doc}");
        }
        assert_eq!(super::super::fast::identify(CM), Some(("ConfigMap", "a")));
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
