//! Spans recorded by the loader ([`super::load`]), checked against the text and against
//! serde_yaml's locations.

use super::*;
use crate::values::load::NoteKind;
use crate::values::path::{Path, Segment};
use crate::values::spans::{Span, SpanIndex};

/// The spans of a values file (empty where it does not load).
fn build(text: &str) -> SpanIndex {
    load("t.yaml", text).map(|l| l.spans).unwrap_or_default()
}

fn p(text: &str) -> Path {
    Path::parse(text).unwrap()
}

/// (line, column, len) of the value at `path`.
fn val(index: &SpanIndex, path: &str) -> (usize, usize, usize) {
    let s = index
        .value(&p(path))
        .unwrap_or_else(|| panic!("no value for {path}"));
    (s.line, s.column, s.len)
}

/// (line, column, len) of the key of `path`.
fn key(index: &SpanIndex, path: &str) -> (usize, usize, usize) {
    let s = index
        .key(&p(path))
        .unwrap_or_else(|| panic!("no key for {path}"));
    (s.line, s.column, s.len)
}

/// The text a span starts with, `len` characters.
fn token(index: &SpanIndex, span: Span) -> String {
    index.text()[span.offset..].chars().take(span.len).collect()
}

fn paths(index: &SpanIndex) -> Vec<String> {
    index
        .entries()
        .into_iter()
        .map(|(path, _, _)| path.to_string())
        .collect()
}

#[test]
fn nested_maps() {
    let index = build(
        "gitlabUrl: https://gitlab.example.com/\nrunners:\n  cache:\n    cacheType: s4\n  tags: \"a,b\"\n",
    );
    assert_eq!(key(&index, "gitlabUrl"), (1, 1, 9));
    assert_eq!(val(&index, "gitlabUrl"), (1, 12, 27));
    assert_eq!(key(&index, "runners"), (2, 1, 7));
    assert_eq!(val(&index, "runners"), (3, 3, 1));
    assert_eq!(val(&index, "runners.cache"), (4, 5, 1));
    assert_eq!(key(&index, "runners.cache.cacheType"), (4, 5, 9));
    assert_eq!(val(&index, "runners.cache.cacheType"), (4, 16, 2));
    assert_eq!(val(&index, "runners.tags"), (5, 9, 5));
    let span = index.value(&p("runners.tags")).unwrap();
    assert_eq!(token(&index, span), "\"a,b\"");
    assert_eq!(
        paths(&index),
        [
            "",
            "gitlabUrl",
            "runners",
            "runners.cache",
            "runners.cache.cacheType",
            "runners.tags"
        ]
    );
    assert_eq!(index.value(&p("runners.nope")), None);
    assert_eq!(index.key(&p("runners.cache.cacheType.deeper")), None);
    assert_eq!(index.key(&p("runners[0]")), None);
    assert_eq!(index.key(&Path::root()), None);
    assert_eq!(val(&index, ""), (1, 1, 1));
}

#[test]
fn sequences_of_maps() {
    let text = "hostAliases:\n- ip: 127.0.0.1\n  hostnames: [a.local]\n- ip: 10.0.0.1\n  hostnames:\n    - foo.local\n    - \"bar.local\"\n";
    let index = build(text);
    assert_eq!(val(&index, "hostAliases"), (2, 1, 1));
    assert_eq!(val(&index, "hostAliases[0]"), (2, 3, 1));
    assert_eq!(key(&index, "hostAliases[0]"), (2, 3, 1));
    assert_eq!(val(&index, "hostAliases[0].ip"), (2, 7, 9));
    assert_eq!(val(&index, "hostAliases[0].hostnames[0]"), (3, 15, 7));
    assert_eq!(val(&index, "hostAliases[1].ip"), (4, 7, 8));
    assert_eq!(val(&index, "hostAliases[1].hostnames"), (6, 5, 1));
    assert_eq!(val(&index, "hostAliases[1].hostnames[0]"), (6, 7, 9));
    assert_eq!(val(&index, "hostAliases[1].hostnames[1]"), (7, 7, 11));
    assert_eq!(index.value(&p("hostAliases[2]")), None);
    assert_eq!(index.value(&p("hostAliases.ip")), None);
}

#[test]
fn sequences_in_sequences_and_indentless_sequences() {
    let text = "d:\n- - x\n  - y\n- z\ne:\n  - - q\nf: &anchor\n- 1\n";
    let index = build(text);
    assert_eq!(val(&index, "d"), (2, 1, 1));
    assert_eq!(val(&index, "d[0]"), (2, 3, 1));
    assert_eq!(val(&index, "d[0][0]"), (2, 5, 1));
    assert_eq!(val(&index, "d[0][1]"), (3, 5, 1));
    assert_eq!(val(&index, "d[1]"), (4, 3, 1));
    assert_eq!(val(&index, "e"), (6, 3, 1));
    assert_eq!(val(&index, "e[0]"), (6, 5, 1));
    assert_eq!(val(&index, "e[0][0]"), (6, 7, 1));
    assert_eq!(val(&index, "f"), (8, 1, 1));
    assert_eq!(val(&index, "f[0]"), (8, 3, 1));
}

#[test]
fn flow_style() {
    let index = build("m: {a: 1, b: [x, y], c: {}, 'd': [], e}\n");
    assert_eq!(val(&index, "m"), (1, 4, 1));
    assert_eq!(key(&index, "m.a"), (1, 5, 1));
    assert_eq!(val(&index, "m.a"), (1, 8, 1));
    assert_eq!(val(&index, "m.b"), (1, 14, 1));
    assert_eq!(val(&index, "m.b[0]"), (1, 15, 1));
    assert_eq!(val(&index, "m.b[1]"), (1, 18, 1));
    assert_eq!(val(&index, "m.c"), (1, 25, 1));
    assert_eq!(key(&index, "m.d"), (1, 29, 3));
    assert_eq!(val(&index, "m.d"), (1, 34, 1));
    assert_eq!(key(&index, "m.e"), (1, 38, 1));
    assert_eq!(index.value(&p("m.e")).unwrap().len, 0);
    assert_eq!(
        assert_agrees_with_serde_yaml("m: {a: 1, b: [x, y], c: {}, 'd': [], e, f: }\n"),
        5
    );
}

#[test]
fn quoted_keys_and_key_normalization() {
    // Keys are the strings Helm makes of them (YAML 1.1: `Off` is false, `007` is octal 7).
    let text = "\"c d\": 1\n'x.y': 2\n\"esc\\\"q\": 3\n1: a\ntrue: b\nnil: c\ntilde: d\n0x10: e\n1.50: f\n007: g\n\"one\": h\n-3: i\n+4: j\n1e2: k\nOff: l\n!!str 8: m\n";
    let index = build(text);
    for (path, line) in [
        (r#""c d""#, 1),
        (r#""x.y""#, 2),
        (r#""esc\"q""#, 3),
        ("1", 4),
        ("true", 5),
        ("16", 8),
        ("\"1.5\"", 9),
        ("7", 10),
        ("-3", 12),
        ("4", 13),
        ("100", 14),
        ("false", 15),
        ("8", 16),
    ] {
        assert_eq!(index.key(&p(path)).map(|s| s.line), Some(line), "{path}");
    }
    assert_eq!(key(&index, r#""c d""#), (1, 1, 5));
    assert_eq!(key(&index, r#""x.y""#), (2, 1, 5));
    assert_eq!(key(&index, "8"), (16, 7, 1));
    // The same keys as the values have.
    let loaded = load(
        "v.yaml",
        "m: {0x10: a, 1.50: b, -3: c, +4: d, 1e2: e, y: f}\n",
    )
    .unwrap();
    let serde_yaml::Value::Mapping(m) = &loaded.values["m"] else {
        panic!()
    };
    assert_eq!(m.len(), 6);
    for k in m.keys() {
        let k = k.as_str().unwrap();
        assert!(loaded.spans.value(&p("m").child_key(k)).is_some(), "{k}");
    }
}

#[test]
fn block_scalars() {
    let text = "config: |\n  [[runners]]\n    name = \"x\"\nfolded: >- # comment\n  text\n\nempty: |\nkeep: |+2\n    x\nafter: 1\n";
    let index = build(text);
    assert_eq!(val(&index, "config"), (1, 9, 1));
    assert_eq!(val(&index, "folded"), (4, 9, 2));
    assert_eq!(val(&index, "empty"), (7, 8, 1));
    assert_eq!(val(&index, "keep"), (8, 7, 3));
    assert_eq!(val(&index, "after"), (10, 8, 1));
    let index = build("a:\n- |\n  x\n- >\n  y\n");
    assert_eq!(val(&index, "a[0]"), (2, 3, 1));
    assert_eq!(val(&index, "a[1]"), (4, 3, 1));
}

#[test]
fn multi_line_scalars_count_their_first_line() {
    let index = build("a: \"first\n  second\"\nb: plain\n  more\nc: 'x\r\n  y'\n");
    assert_eq!(val(&index, "a"), (1, 4, 6));
    assert_eq!(val(&index, "b"), (3, 4, 5));
    assert_eq!(val(&index, "c"), (5, 4, 2));
}

#[test]
fn only_the_first_document_counts() {
    let text = "a: {x: 1, w: 2}\nb: [1, 2, 3]\nc: 1\n---\na: {w: 3}\nb: [9]\nc: {z: 1}\n---\n# empty\n---\n";
    let loaded = load("t.yaml", text).unwrap();
    let index = &loaded.spans;
    assert_eq!(val(index, "a.x"), (1, 8, 1));
    assert_eq!(val(index, "a.w"), (1, 14, 1));
    assert_eq!(val(index, "b[2]"), (2, 11, 1));
    assert_eq!(index.value(&p("c.z")), None);
    assert_eq!(loaded.notes.len(), 1);
    assert_eq!(loaded.notes[0].kind, NoteKind::LaterDocuments);
    assert_eq!(
        (loaded.notes[0].span.line, loaded.notes[0].span.column),
        (4, 1)
    );
    // A comment-only part before `---` is not a document; trailing empty documents are no
    // later documents worth a note.
    let loaded = load("t.yaml", "# values\n---\nk: v\n---\n---\n").unwrap();
    assert_eq!(val(&loaded.spans, "k"), (3, 4, 1));
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    // An empty first document: no values, and the later one is noted.
    let loaded = load("t.yaml", "---\n---\nk: v\n").unwrap();
    assert!(loaded.values.is_empty());
    assert_eq!(loaded.notes.len(), 1);
    // A later document is not even parsed (Helm does not read it).
    let loaded = load("t.yaml", "k: v\n---\n[unclosed\n").unwrap();
    assert_eq!(loaded.values.len(), 1);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &base\n  image: alpine\n  env: {A: 1}\nx: &x 5\nrunner:\n  <<: *base\n  image: ubuntu\nother: *base\nlist: [*x, &y [1]]\n*x : by-alias\nmulti:\n  <<: [*base, {extra: 1}]\n";
    let index = build(text);
    assert_eq!(val(&index, "base"), (2, 3, 1));
    assert_eq!(val(&index, "x"), (4, 7, 1));
    // The own key written after `<<` wins over the merged one.
    assert_eq!(val(&index, "runner.image"), (7, 10, 6));
    // Keys coming from the merge keep the spans of the anchored text.
    assert_eq!(key(&index, "runner.env"), (3, 3, 3));
    assert_eq!(val(&index, "runner.env"), (3, 8, 1));
    assert_eq!(val(&index, "runner.env.A"), (3, 12, 1));
    assert_eq!(index.value(&p(r#"runner."<<""#)), None);
    // An alias is where it is written; what is below it, where the anchor's text is.
    assert_eq!(val(&index, "other"), (8, 8, 5));
    assert_eq!(key(&index, "other"), (8, 1, 5));
    assert_eq!(val(&index, "other.image"), (2, 10, 6));
    assert_eq!(key(&index, "other.env.A"), (3, 9, 1));
    assert_eq!(val(&index, "list[0]"), (9, 8, 2));
    assert_eq!(val(&index, "list[1]"), (9, 15, 1));
    assert_eq!(val(&index, "list[1][0]"), (9, 16, 1));
    assert_eq!(key(&index, "5"), (10, 1, 2));
    assert_eq!(val(&index, "multi.extra"), (12, 23, 1));
    assert_eq!(val(&index, "multi.image"), (2, 10, 6));
}

#[test]
fn alias_bombs_are_refused_at_the_alias() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='z' {
        text.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = name;
    }
    let start = std::time::Instant::now();
    let err = load("bomb.yaml", &text).unwrap_err();
    assert!(start.elapsed().as_secs() < 2);
    match err {
        ValuesError::Yaml { line, message, .. } => {
            // `d` copies 9 × 820 values: more than 99% of the 7,000 decoded by then.
            assert_eq!(line, Some(4), "{message}");
            assert!(message.contains("excessive aliasing"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn crlf_tabs_comments_and_bom() {
    let text = "\u{feff}# top comment\r\na: 1 # trailing\r\nb:\r\n  # inside\r\n  c:\tx\r\n  d: [\t\"y\"]\r\n";
    let index = build(text);
    assert_eq!(key(&index, "a"), (2, 1, 1));
    assert_eq!(val(&index, "a"), (2, 4, 1));
    assert_eq!(val(&index, "b"), (5, 3, 1));
    assert_eq!(val(&index, "b.c"), (5, 6, 1));
    assert_eq!(index.line(1), Some("# top comment"));
    assert_eq!(index.line(5), Some("  c:\tx"));
    assert_eq!(val(&index, "b.d[0]"), (6, 8, 3));
    assert_eq!(index.line(7), Some(""));
    assert_eq!(index.line(8), None);
    let span = index.value(&p("b.c")).unwrap();
    assert_eq!(token(&index, span), "x");
    // A BOM is not a column.
    let index = build("\u{feff}a: 1\n");
    assert_eq!(val(&index, "a"), (1, 4, 1));
    assert_eq!(index.value(&p("a")).unwrap().offset, 6);
    assert_eq!(index.line(1), Some("a: 1"));
    // A lone CR is a line break too.
    let index = build("a: 1\rb: 2\r");
    assert_eq!(val(&index, "b"), (2, 4, 1));
    assert_eq!(index.line(2), Some("b: 2"));
}

#[test]
fn columns_count_characters() {
    let text = "é😀: {x: 1, b: q}\nn: \"é😀\" # é\n".replace("n:", "nm:");
    let index = build(&text);
    assert_eq!(key(&index, r#""é😀""#), (1, 1, 2));
    assert_eq!(val(&index, r#""é😀".b"#), (1, 15, 1));
    assert_eq!(index.value(&p(r#""é😀".b"#)).unwrap().offset, 18);
    assert_eq!(val(&index, "nm"), (2, 5, 4));
    let span = index.value(&p("nm")).unwrap();
    assert_eq!(token(&index, span), "\"é😀\"");
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n", "# comment\n", "---\n", "~\n", "---\n...\n"] {
        let index = build(text);
        assert_eq!(index.nearest(&p("a.b")), None, "{text:?}");
        assert_eq!(index.value(&Path::root()), None, "{text:?}");
    }
    let index = build("");
    assert_eq!(index.line(1), Some(""));
    assert_eq!(index.line_count(), 1);
    assert_eq!(index.line(0), None);
}

#[test]
fn nearest_prefers_values_for_the_path_and_keys_for_ancestors() {
    let index = build("runners:\n  cache:\n    s3: {}\nlist:\n- a\n");
    assert_eq!(
        index.nearest(&p("runners.cache.s3")),
        Some((
            p("runners.cache.s3"),
            index.value(&p("runners.cache.s3")).unwrap()
        ))
    );
    assert_eq!(
        index.nearest(&p("runners.cache.gcs.bucketName")),
        Some((p("runners.cache"), index.key(&p("runners.cache")).unwrap()))
    );
    assert_eq!(
        index.nearest(&p("list[3].x")),
        Some((p("list"), index.key(&p("list")).unwrap()))
    );
    assert_eq!(
        index.nearest(&p("missing")),
        Some((Path::root(), index.value(&Path::root()).unwrap()))
    );
}

#[test]
fn lines() {
    let text: String = (1..=100).map(|i| format!("k{i}: {i}\n")).collect();
    let index = build(&text);
    assert_eq!(index.line_count(), 101);
    for i in 1..=100 {
        let line = format!("k{i}: {i}");
        assert_eq!(index.line(i), Some(line.as_str()));
        assert_eq!(val(&index, &format!("k{i}")).0, i);
    }
    assert_eq!(index.line(101), Some(""));
    assert_eq!(index.line(102), None);
    let text = "a\r\n\r\nb\rc\n";
    let line_starts = crate::values::spans::line_starts(text);
    let index = SpanIndex::with_line_starts(std::sync::Arc::from(text), line_starts, None);
    let lines: Vec<_> = (1..=index.line_count())
        .map(|n| index.line(n).unwrap())
        .collect();
    assert_eq!(lines, ["a", "", "b", "c", ""]);
}

#[test]
fn complex_keys_and_syntax_errors_are_refused_with_their_place() {
    let err = load("t.yaml", "a: 1\n? [x, y]\n: {skipped: 1}\n").unwrap_err();
    match err {
        ValuesError::Yaml {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!((line, column), (Some(2), Some(3)));
            assert_eq!(message, "a key must be a string, found a sequence");
        }
        other => panic!("unexpected {other:?}"),
    }
    // An unclosed `{` is shown where it opens.
    let err = load("t.yaml", "a: 1\nb: {c: 2\nd: 3\n").unwrap_err();
    match err {
        ValuesError::Yaml {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!((line, column), (Some(2), Some(4)), "{message}");
            assert!(message.starts_with("this `{` is never closed"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn non_ascii_quoted_scalars_before_block_scalars() {
    let index = build("\"é😀\": |\n  x\nk: '😀''😀' # é\nl:\n- \"é\\\"😀\"\n- |-\n  y\n");
    assert_eq!(key(&index, r#""é😀""#), (1, 1, 4));
    assert_eq!(val(&index, r#""é😀""#), (1, 7, 1));
    assert_eq!(val(&index, "k"), (3, 4, 6));
    assert_eq!(val(&index, "l[0]"), (5, 3, 6));
    assert_eq!(val(&index, "l[1]"), (6, 3, 2));
}

/// Every path `load` gives for `text` is in the index (exactly: not through an ancestor).
fn assert_all_paths_indexed(text: &str) {
    let loaded = crate::values::load::parse_values("v.yaml", text).unwrap();
    let index = build(text);
    let mut stack = vec![(Path::root(), serde_yaml::Value::Mapping(loaded))];
    while let Some((path, value)) = stack.pop() {
        assert!(index.value(&path).is_some(), "{path} of {text:?}");
        assert_eq!(
            index.nearest(&path).map(|n| n.0),
            Some(path.clone()),
            "{text:?}"
        );
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    stack.push((path.child_key(k.as_str().unwrap()), v));
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for (i, v) in items.into_iter().enumerate() {
                    stack.push((path.child_index(i), v));
                }
            }
            _ => {}
        }
    }
}

/// The location `serde_yaml` gives in an error raised while deserializing the value at
/// `path`: (line, column, byte index).
fn serde_location(text: &str, path: &Path) -> Option<(usize, usize, usize)> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    struct FailAt<'a>(&'a [Segment]);
    struct Fail;
    impl<'de> Visitor<'de> for Fail {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("nothing")
        }
    }
    impl<'de> DeserializeSeed<'de> for FailAt<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            if self.0.is_empty() {
                d.deserialize_any(Fail)
            } else {
                d.deserialize_any(self)
            }
        }
    }
    impl<'de> Visitor<'de> for FailAt<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a collection")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(k) = map.next_key::<serde_yaml::Value>()? {
                let k = match k {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Null => "null".into(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                if self.0[0].as_key() == Some(k.as_str()) {
                    map.next_value_seed(FailAt(&self.0[1..]))?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            loop {
                let found = if self.0[0].as_index() == Some(i) {
                    seq.next_element_seed(FailAt(&self.0[1..]))?
                } else {
                    seq.next_element::<IgnoredAny>()?.map(|_| ())
                };
                if found.is_none() {
                    return Ok(());
                }
                i += 1;
            }
        }
    }
    let err = FailAt(path.segments())
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .err()?;
    let loc = err.location()?;
    Some((loc.line(), loc.column(), loc.index()))
}

/// For every scalar value in `text`, the index and `serde_yaml` agree on where it is.
fn assert_agrees_with_serde_yaml(text: &str) -> usize {
    let loaded = load("t.yaml", text).expect("valid YAML");
    let index = loaded.spans;
    let mut checked = 0;
    for (path, _, value) in index.entries() {
        let scalar = crate::values::lookup(&loaded.values, &path)
            .is_some_and(|v| !v.is_mapping() && !v.is_sequence());
        if !scalar {
            continue;
        }
        let expected = serde_location(text, &path);
        assert_eq!(
            Some((value.line, value.column, value.offset)),
            expected,
            "{path} in {text:?}"
        );
        checked += 1;
    }
    checked
}

const SAMPLE: &str = "# A values file\ngitlabUrl: https://gitlab.example.com/\nconcurrent: 10\nrunners:\n  config: |\n    [[runners]]\n      name = \"é😀\"\n  tags: \"a,b\"\n  cache:\n    cacheType: s3\n    s3: {server: \"é😀\", insecure: false, 'bucket.name': x}\n  emptyValue:\n  folded: >-\n    text\nhostAliases:\n- ip: \"127.0.0.1\"\n  hostnames: [foo.local, \"bar.local\"]\n-   ip: 10.1.2.3\n    hostnames:\n      - a\n      - 'b'\nnodeSelector:\n  kubernetes.io/os: linux\n  é😀key: \"v\"\ntolerations:\n  - key: a\n    operator: Exists\nlist:\n  - - x\n    - y\n  - []\n  - {}\n\"quoted key\": 'single'\n1: one\ntrue: yes\nnullkey: ~\nmulti: \"first\n  second\"\nplainmulti: word1\n  word2\ntabbed:\tvalue\nflow: [ {a: 1}, \"é\", 'it''s', 2.5 ]\n";

#[test]
fn agrees_with_serde_yaml_locations() {
    assert_all_paths_indexed(SAMPLE);
    assert!(assert_agrees_with_serde_yaml(SAMPLE) > 25);
    assert_eq!(assert_agrees_with_serde_yaml("a: é😀\nnm: abc\n"), 2);
    assert_eq!(assert_agrees_with_serde_yaml("{é😀: 1, nm: abc}"), 2);
    assert_eq!(assert_agrees_with_serde_yaml("x: 1\r\nnm: abc\r\n"), 2);
    assert_eq!(
        assert_agrees_with_serde_yaml("x:\té😀\nm: {é😀x: 1, b: q}\n"),
        3
    );
    assert_eq!(
        assert_agrees_with_serde_yaml("x: |2-\n   é\nyy: >\n\n  z\n"),
        2
    );
    // A byte order mark: the same byte offset and line, but libyaml counts it as a column.
    let index = build("\u{feff}n: abc\n".replace("n:", "nm:").as_str());
    let span = index.value(&p("nm")).unwrap();
    assert_eq!(
        serde_location("\u{feff}nm: abc\n", &p("nm")),
        Some((1, 6, 7))
    );
    assert_eq!((span.line, span.column, span.offset), (1, 5, 7));
}

#[test]
fn chart_default_values_are_all_indexed() {
    let text = include_str!("../../chart/values.yaml");
    assert_all_paths_indexed(text);
    let checked = assert_agrees_with_serde_yaml(text);
    assert!(checked > 10, "{checked}");
}

fn any_value() -> impl proptest::strategy::Strategy<Value = serde_yaml::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_yaml::Value::Null),
        any::<bool>().prop_map(serde_yaml::Value::Bool),
        any::<i64>().prop_map(|n| serde_yaml::Value::Number(n.into())),
        (-1e6f64..1e6).prop_map(|f| serde_yaml::Value::Number(f.into())),
        "[a-zé😀 .:#'\"\\-]{0,12}".prop_map(serde_yaml::Value::String),
        "[a-z]{1,3}\n[a-z ]{0,5}\n?".prop_map(serde_yaml::Value::String),
    ];
    leaf.prop_recursive(5, 60, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_yaml::Value::Sequence),
            proptest::collection::vec(("[a-zA-Z0-9é😀 ./\"'_-]{0,8}", inner), 0..5).prop_map(
                |entries| {
                    serde_yaml::Value::Mapping(
                        entries
                            .into_iter()
                            .map(|(k, v)| (serde_yaml::Value::String(k), v))
                            .collect(),
                    )
                }
            ),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn serialized_values_are_indexed_where_serde_yaml_sees_them(
        entries in proptest::collection::vec(("[a-z0-9é.]{1,6}", any_value()), 1..6),
        crlf in proptest::bool::ANY,
    ) {
        let map: serde_yaml::Mapping = entries
            .into_iter()
            .map(|(k, v)| (serde_yaml::Value::String(k), v))
            .collect();
        let mut text = serde_yaml::to_string(&map).unwrap();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        // Only where YAML 1.1 (Helm, the loader) and YAML 1.2 (serde_yaml) read the same
        // values: a key like `7__` is the number 7 for Helm.
        let same = crate::values::load::parse_values("v.yaml", &text)
            .is_ok_and(|values| serde_yaml::from_str::<serde_yaml::Mapping>(&text).is_ok_and(|v| v == values));
        if same {
            assert_all_paths_indexed(&text);
            assert_agrees_with_serde_yaml(&text);
        }
    }

    #[test]
    fn garbage_never_panics(text in "[a-z0-9:\\-\\[\\]{}#&*!|>'\" \t\n\r,?é😀.%@`~<\u{feff}]{0,120}") {
        let index = build(&text);
        for path in ["", "a", "a.b", "a[0]", "[0]", "a[0].b[1]"] {
            let path = p(path);
            let _ = (index.key(&path), index.value(&path), index.nearest(&path));
        }
        for n in 0..=index.line_count() + 1 {
            let _ = index.line(n);
        }
        for (path, key, value) in index.entries() {
            for span in [key, value] {
                assert!(span.offset <= text.len(), "{path}");
                assert!(text.is_char_boundary(span.offset), "{path}");
                let line = index.line(span.line).unwrap();
                assert!(span.column >= 1 && span.column <= line.chars().count() + 1, "{path} {span:?} {line:?}");
            }
        }
    }

    #[test]
    fn mutated_samples_never_panic(cuts in proptest::collection::vec((0usize..2000, 0usize..6, "[:\\-\\[{\"'|>&*!# \t\n]{0,3}"), 1..6)) {
        let mut text: Vec<char> = SAMPLE.chars().collect();
        for (at, remove, insert) in cuts {
            let at = at % (text.len() + 1);
            let end = (at + remove).min(text.len());
            text.splice(at..end, insert.chars());
        }
        let text: String = text.into_iter().collect();
        let index = build(&text);
        for (_, key, value) in index.entries() {
            assert!(text.is_char_boundary(key.offset) && text.is_char_boundary(value.offset));
        }
    }
}

#[test]
fn errors_at_the_end_of_a_text_without_line_break() {
    // The parser reports the end of such a text on a line after the last one.
    let index = build("{><");
    for (_, key, value) in index.entries() {
        assert_eq!((key.line, value.line), (1, 1));
    }
    let index = build("a: 1\nb:");
    assert_eq!(val(&index, "b"), (2, 3, 0));
    assert_eq!(index.line(2), Some("b:"));
}

#[test]
#[ignore = "50 MB: run with --release --ignored"]
fn fifty_megabytes_in_linear_time() {
    let item = "section:\n  image: \"registry.example.com/image:1\"\n  tags: [a, b, \"c d\"]\n  env:\n    - name: VAR\n      value: 'x'\n  config: |\n    line é😀\n  nested: {a: 1, b: {c: true}}\n";
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 50 << 20 {
        text.push_str(&item.replace("section", &format!("s{n}")));
        n += 1;
    }
    let start = std::time::Instant::now();
    let index = build(&text);
    let elapsed = start.elapsed();
    let last = format!("s{}.nested.b.c", n - 1);
    assert_eq!(index.value(&p(&last)).unwrap().line, index.line_count() - 1);
    assert!(elapsed.as_secs() < 60, "{elapsed:?}");
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let depth = 100_000;
    let mut text = String::from("a:\n");
    for _ in 0..depth {
        text.push_str("- ");
    }
    text.push_str("x\n");
    let err = load("t.yaml", &text).unwrap_err();
    assert!(
        err.to_string().contains("nested more than 128 levels deep"),
        "{err}"
    );
    let mut text = String::from("a:\n");
    for _ in 0..100 {
        text.push_str("- ");
    }
    text.push_str("x\n");
    let index = build(&text);
    let mut path = p("a");
    for _ in 0..100 {
        path.push_index(0);
    }
    assert_eq!(index.value(&path).map(|s| s.column), Some(1 + 2 * 100));
    assert_eq!(index.nearest(&path.child_key("z")).unwrap().0, path);
    let text = format!("a: 1\nb: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    assert!(load("t.yaml", &text).is_err());
    let text = format!("a: 1\nb: {}x{}\n", "{k: ".repeat(depth), "}".repeat(depth));
    assert!(load("t.yaml", &text).is_err());
}
