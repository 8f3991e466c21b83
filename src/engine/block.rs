//! `yamlText`: a string as the value of a mapping key, written as a YAML literal block
//! (`|`, `|-`, `|+`) when that reads back as exactly the same string, as Helm's charts write
//! file contents (`config.template.toml: |`), so that a person can read it; otherwise as the one
//! safe scalar [`toYaml`](super::yaml::to_yaml) gives.
//!
//! A literal block is used only for text that every YAML reader reads back unchanged inside an
//! indented block: no control character other than tab and newline, no `\r`, no byte-order mark
//! or Unicode line separator, no tab, no first line with text that starts with a
//! space, and no trailing line of spaces only. Document markers (`---`, `...`) cannot end a block
//! whose lines are indented, so they need nothing.

use minijinja::{Error, ErrorKind, Value};

/// The filter: `{{ text | yamlText(4) }}` after `key: ` writes the block header and the lines
/// indented by 4 spaces (or a one-line scalar when a block would not read back the same).
pub fn yaml_text(value: &Value, indent: usize) -> Result<String, Error> {
    let Some(text) = value.as_str() else {
        return super::yaml::to_yaml(value);
    };
    if indent == 0 || indent > 64 {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "yamlText: the indentation must be between 1 and 64 spaces",
        ));
    }
    match literal_block(text, indent) {
        Some(block) => Ok(block),
        None => super::yaml::to_yaml(value),
    }
}

/// `text` as a literal block with its lines at `indent` spaces, if it reads back the same.
fn literal_block(text: &str, indent: usize) -> Option<String> {
    if !text.contains('\n') || !block_safe(text) {
        return None;
    }
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let first_with_text = body.lines().find(|l| !l.is_empty())?;
    if first_with_text.starts_with(' ') {
        return None;
    }
    // A last line of spaces only would be read as indentation, not text.
    if body
        .lines()
        .last()
        .is_some_and(|l| l.trim_matches(' ').is_empty())
    {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + 4 + body.lines().count() * indent);
    out.push('|');
    out.push_str(chomp);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    // `|+` keeps the final line breaks: write them as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(out)
}

/// No character a literal block cannot hold, or that YAML readers normalise.
fn block_safe(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
    }) && !text.contains('\t')
        && !text
            .split('\n')
            .any(|line| line.ends_with([' ', '\t']) && line.trim().is_empty() && !line.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key: <filter output>` under a parent key, read back by a YAML reader.
    fn read_back(text: &str) -> String {
        let out = yaml_text(&Value::from(text), 4).unwrap();
        let doc = format!("data:\n  key: {out}\n  after: x\n");
        let parsed: serde_yaml::Value =
            serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?} does not parse: {e}"));
        let read = parsed["data"]["key"].as_str().unwrap().to_string();
        // and as Helm reads YAML (go-yaml v2, YAML 1.1), with this crate's values loader
        let helm = crate::values::load::parse_values("doc", &doc)
            .unwrap_or_else(|e| panic!("{doc:?} does not load: {e}"));
        let data = helm
            .get("data")
            .and_then(|d| d.get("key"))
            .and_then(|k| k.as_str());
        assert_eq!(data, Some(read.as_str()), "{doc:?}");
        read
    }

    #[test]
    fn multi_line_text_is_a_literal_block() {
        let text = "[[runners]]\n  [runners.kubernetes]\n    namespace = \"gitlab\"\n";
        assert_eq!(
            yaml_text(&Value::from(text), 4).unwrap(),
            "|\n    [[runners]]\n      [runners.kubernetes]\n        namespace = \"gitlab\""
        );
        assert_eq!(read_back(text), text);
    }

    #[test]
    fn the_final_line_breaks_are_kept() {
        for text in ["a\nb", "a\nb\n", "a\nb\n\n", "a\n\nb\n\n\n", "a\n\n\nb"] {
            assert_eq!(read_back(text), text, "{text:?}");
        }
        assert!(
            yaml_text(&Value::from("a\nb"), 2)
                .unwrap()
                .starts_with("|-\n")
        );
        assert!(
            yaml_text(&Value::from("a\nb\n\n"), 2)
                .unwrap()
                .starts_with("|+\n")
        );
    }

    #[test]
    fn text_a_block_cannot_hold_is_one_scalar() {
        for text in [
            " leading space\nx\n",
            "\tleading tab\nx\n",
            "a\r\nb\n",
            "a\u{7}\nb",
            "a\n  \n",
            "a\u{2028}b\nc",
            "one line",
            "",
        ] {
            let out = yaml_text(&Value::from(text), 4).unwrap();
            assert!(!out.starts_with('|'), "{text:?} gave {out:?}");
            assert_eq!(read_back(text), text, "{text:?}");
        }
    }

    #[test]
    fn hostile_text_stays_text() {
        for text in [
            "---\nkind: Secret\n",
            "...\n# comment\nkey: value\n",
            "a\n- item\n? key\n: value\n",
            "x: |\n  y\n\"q\" 'q' {{ t }} $(rm -rf /) `b`\n",
            "a\n\tindented by a tab\n",
            "a\nb\tc",
            "a\n    deeper\n  less\n",
        ] {
            assert_eq!(read_back(text), text, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_back_the_same(text in "[ a-z#:\\-\"'|>{}\t\n\r\u{85}\u{2028}é]{0,40}") {
            proptest::prop_assert_eq!(read_back(&text), text);
        }
    }

    #[test]
    fn values_that_are_not_strings_are_to_yaml() {
        assert_eq!(yaml_text(&Value::from(3), 4).unwrap(), "3");
        assert!(yaml_text(&Value::from("a\nb"), 0).is_err());
    }
}
