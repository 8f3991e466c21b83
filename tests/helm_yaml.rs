//! Our values loader (`values::load::parse_values`) against the YAML reading of Helm 3.16:
//! `sigs.k8s.io/yaml.Unmarshal` into `map[string]interface{}` (go-yaml v2 with YAML 1.1
//! scalars, only the first document, keys turned into strings, then encoding/json: every
//! number a float64).
//!
//! Two sources of Helm's truth:
//! - `tests/helm_yaml/expected/NAME.json|NAME.error`: what REAL Helm 3.16.4 gave for
//!   `tests/helm_yaml/corpus/NAME.yaml` (written by `tests/helm_yaml/regenerate.sh`); needs
//!   nothing at test time;
//! - `tests/helm_yaml/main.go`, the same call as Helm in a Go program, built once per run
//!   into `CARGO_TARGET_TMPDIR` when `go` and the Debian packages `golang-gopkg-yaml.v2-dev`
//!   and `golang-k8s-sigs-yaml-dev` are there (otherwise the tests that need it print
//!   `skipped: ...` and pass). It answers for generated documents too.
//!
//! Comparison: both refuse, or both accept with the same JSON, numbers compared as Helm sees
//! them (f64). Error texts may differ. Deliberate differences are in [`DELIBERATE`], and
//! nowhere else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use gitlab_runner_chart::__private::values::load::parse_values;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::Value as Json;

// ---------------------------------------------------------------------------------------------
// The deliberate differences from Helm (the ONE list).
// ---------------------------------------------------------------------------------------------

/// What our loader does instead of what Helm does, for one corpus case.
#[derive(Debug, Clone, Copy)]
enum Instead {
    /// We refuse the file (Helm accepts it).
    Refuse,
    /// We accept the file, or read it otherwise (the YAML parser is stricter or looser than
    /// libyaml on a point of syntax no values file relies on).
    Parser,
}

/// Corpus cases where we differ from Helm on purpose: (case, what we do, why).
///
/// Integers that fit i64/u64 are kept exact by us (Helm has float64): not listed, as every
/// comparison is made on f64.
const DELIBERATE: &[(&str, Instead, &str)] = &[
    // Duplicate keys: Helm silently keeps the last one; we refuse, as the YAML spec does,
    // because a duplicated key is almost always a mistake that hides a setting.
    ("dup-top", Instead::Refuse, DUPLICATE),
    ("dup-nested", Instead::Refuse, DUPLICATE),
    ("dup-map-values", Instead::Refuse, DUPLICATE),
    ("dup-flow", Instead::Refuse, DUPLICATE),
    ("dup-in-list-item", Instead::Refuse, DUPLICATE),
    ("dup-bool-spellings", Instead::Refuse, DUPLICATE), // `on:` and `yes:` are both `true`
    ("bool-keys-collide", Instead::Refuse, DUPLICATE),  // `yes:` and `true:`
    ("key-collide-hex-dec", Instead::Refuse, DUPLICATE), // `0x10:` and `16:`
    ("key-collide-nested", Instead::Refuse, DUPLICATE), // `1:` and `01:` (octal 1)
    ("merge-dup-around", Instead::Refuse, DUPLICATE),   // `p: 0`, `<<: *a`, `p: 2`
    // Keys that differ in YAML but give the same string key: Helm keeps one AT RANDOM (Go map
    // iteration order; seen with real Helm), so no answer can match it: we refuse, as for
    // duplicates.
    ("key-collide-int-string", Instead::Refuse, RANDOM),
    ("key-collide-string-int", Instead::Refuse, RANDOM),
    ("key-collide-int-float", Instead::Refuse, RANDOM),
    ("bool-keys-string-collide", Instead::Refuse, RANDOM),
    // Encoding: we read UTF-8 text only. Helm also decodes UTF-16 with a BOM; and it checks
    // UTF-8 only as far as its reader has buffered past the first document.
    ("bom-utf16le", Instead::Refuse, UTF8_ONLY),
    ("bom-utf16be", Instead::Refuse, UTF8_ONLY),
    ("multidoc-second-bad-utf8-far", Instead::Refuse, UTF8_ONLY),
    // Points of syntax where saphyr-parser (YAML 1.2) and libyaml (go-yaml) disagree; none is
    // a construct a values file needs, and every value that both accept is read the same.
    ("anchor-name-dot", Instead::Parser, PARSER), // `&a.b`: libyaml refuses `.` in a name
    ("bom-in-value", Instead::Refuse, PARSER),    // a BOM inside a scalar
    ("bom-middle", Instead::Refuse, PARSER),      // a BOM at the start of a later line
    ("merge-tagged-merge", Instead::Parser, PARSER), // `!!merge <<` (a literal `<<` key here)
    ("multidoc-directive-12", Instead::Parser, PARSER), // `%YAML 1.2` (libyaml knows only 1.1)
    ("multidoc-directive-20", Instead::Parser, PARSER), // `%YAML 2.0`
    ("multidoc-dots-only", Instead::Parser, PARSER), // a lone `...`
    ("multidoc-dots-then-doc", Instead::Parser, PARSER), // `...` before the first document
    ("string-escape-slash", Instead::Parser, PARSER), // `"\/"`, a YAML 1.2 escape
    ("string-nel", Instead::Parser, PARSER),      // U+0085 in a quoted scalar is not folded
    ("tab-after-dash", Instead::Parser, PARSER),  // `-<TAB>1`, accepted as libyaml does after `:`
    ("tab-before-key", Instead::Parser, PARSER),  // a tab before a top-level key
    ("tab-line-only", Instead::Parser, PARSER),   // a line of only a tab
    ("tag-timestamp-bad", Instead::Parser, PARSER), // `!!timestamp x` is not checked
];

const PARSER: &str = "saphyr-parser and libyaml differ on this point of YAML syntax";

const DUPLICATE: &str = "duplicate keys are refused";
const RANDOM: &str = "Helm picks one of two colliding keys at random";
const UTF8_ONLY: &str = "values files are UTF-8 text";

/// Corpus cases where Helm's own answer is random: the committed expected file holds one of
/// the possible answers, and the Go program may give another.
const HELM_IS_RANDOM: &[&str] = &[
    "key-collide-int-string",
    "key-collide-string-int",
    "key-collide-int-float",
    "bool-keys-string-collide",
];

// ---------------------------------------------------------------------------------------------
// Answers and their comparison.
// ---------------------------------------------------------------------------------------------

/// What a reader made of one values file.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    /// The values, as JSON.
    Values(Json),
    /// Refused, with this message.
    Refused(String),
}

impl Answer {
    fn show(&self) -> String {
        match self {
            Answer::Values(v) => v.to_string(),
            Answer::Refused(e) => format!("refused: {e}"),
        }
    }
}

/// The same values as Helm sees them: equal JSON, numbers compared as f64.
fn same_values(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_values(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_values(v, w)))
        }
        _ => a == b,
    }
}

/// Helm and we agree: both refuse, or both accept the same values.
fn agree(helm: &Answer, ours: &Answer) -> bool {
    match (helm, ours) {
        (Answer::Refused(_), Answer::Refused(_)) => true,
        (Answer::Values(h), Answer::Values(o)) => same_values(h, o),
        _ => false,
    }
}

/// Our loader on the bytes of a values file: UTF-8 text, then `parse_values`, then JSON.
fn ours(name: &str, bytes: &[u8]) -> Answer {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Answer::Refused("not UTF-8".to_string());
    };
    match parse_values(name, text) {
        Err(e) => Answer::Refused(e.to_string()),
        Ok(map) => Answer::Values(to_json(&serde_yaml::Value::Mapping(map))),
    }
}

/// Our values as JSON. What JSON cannot hold (Helm's values never do) becomes a string
/// starting with `<not JSON:`, which no Helm answer equals.
fn to_json(value: &serde_yaml::Value) -> Json {
    use serde_yaml::Value as Yaml;
    match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or_else(
                    || Json::String(format!("<not JSON: float {f}>")),
                    Json::Number,
                )
            }
        }
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Yaml::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => format!("<not JSON: key {other:?}>"),
                };
                object.insert(key, to_json(v));
            }
            Json::Object(object)
        }
        Yaml::Tagged(t) => Json::String(format!("<not JSON: tagged {t:?}>")),
    }
}

// ---------------------------------------------------------------------------------------------
// The corpus and the committed truth.
// ---------------------------------------------------------------------------------------------

fn helm_yaml_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm_yaml")
}

/// The corpus cases: name -> file.
fn corpus() -> BTreeMap<String, PathBuf> {
    let dir = helm_yaml_dir().join("corpus");
    let mut cases = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("corpus entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name");
        let name = name
            .strip_suffix(".yaml")
            .unwrap_or_else(|| panic!("{}: not a .yaml file", path.display()));
        cases.insert(name.to_string(), path);
    }
    cases
}

/// What real Helm gave for a corpus case (the committed expected file).
fn committed_truth(name: &str) -> Answer {
    let dir = helm_yaml_dir().join("expected");
    let json = dir.join(format!("{name}.json"));
    let error = dir.join(format!("{name}.error"));
    match (
        std::fs::read_to_string(&json),
        std::fs::read_to_string(&error),
    ) {
        (Ok(text), Err(_)) => Answer::Values(
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", json.display())),
        ),
        (Err(_), Ok(text)) => Answer::Refused(text.trim_end_matches('\n').to_string()),
        _ => panic!("{name}: exactly one of {name}.json and {name}.error must be in expected/"),
    }
}

// ---------------------------------------------------------------------------------------------
// The Go program.
// ---------------------------------------------------------------------------------------------

/// GOPATH with the Debian Go packages (override: HELM_YAML_GOPATH).
fn gopath() -> PathBuf {
    std::env::var_os("HELM_YAML_GOPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/gocode"))
}

/// The built Go program, or why it is not available. Built once per test process.
fn go_program() -> Result<&'static Path, &'static str> {
    static PROGRAM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PROGRAM
        .get_or_init(build_go_program)
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(String::as_str)
}

fn build_go_program() -> Result<PathBuf, String> {
    let go_ok = Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !go_ok {
        return Err("no `go` command (apt-get install golang-go)".to_string());
    }
    let gopath = gopath();
    for package in ["sigs.k8s.io/yaml", "gopkg.in/yaml.v2"] {
        if !gopath.join("src").join(package).is_dir() {
            return Err(format!(
                "{package} is not in {}/src (apt-get install golang-gopkg-yaml.v2-dev \
                 golang-k8s-sigs-yaml-dev)",
                gopath.display()
            ));
        }
    }
    // Never in the source tree: cargo's scratch directory for integration tests.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("helm_yaml");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let partial = dir.join(format!("helm_yaml.{}", std::process::id()));
    let mut build = Command::new("go");
    build
        .arg("build")
        .arg("-o")
        .arg(&partial)
        .arg(helm_yaml_dir().join("main.go"))
        .env("GO111MODULE", "off")
        .env("GOPATH", &gopath)
        .env("GOFLAGS", "");
    if std::env::var_os("GOCACHE").is_none() {
        build.env("GOCACHE", dir.join("gocache"));
    }
    let output = build
        .output()
        .map_err(|e| format!("running go build: {e}"))?;
    // Go and its packages are there: a failing build is a real failure, not a skip.
    assert!(
        output.status.success(),
        "go build of tests/helm_yaml/main.go failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let program = dir.join("helm_yaml");
    std::fs::rename(&partial, &program).map_err(|e| format!("{}: {e}", program.display()))?;
    Ok(program)
}

/// Runs the Go program once on `files`; its answers in the same order.
fn helm_answers(program: &Path, files: &[PathBuf]) -> Vec<Answer> {
    let output = Command::new(program)
        .args(files)
        .output()
        .expect("run the Go program");
    assert!(
        output.status.success(),
        "Go program failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_go_output(&output.stdout, files)
}

fn parse_go_output(stdout: &[u8], files: &[PathBuf]) -> Vec<Answer> {
    let text = std::str::from_utf8(stdout).expect("Go output is UTF-8");
    let answers: Vec<Answer> = text
        .lines()
        .zip(files)
        .map(|(line, file)| {
            let record: Json = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("Go output line {line:?}: {e}"));
            assert_eq!(
                record["file"].as_str(),
                file.to_str(),
                "Go output out of order"
            );
            match (record.get("values"), record.get("error")) {
                (Some(values), None) => Answer::Values(values.clone()),
                (None, Some(Json::String(e))) => Answer::Refused(e.clone()),
                _ => panic!("Go output line without values or error: {line}"),
            }
        })
        .collect();
    assert_eq!(answers.len(), files.len(), "one Go output line per file");
    answers
}

/// `None` (after saying so on stderr) when the Go program cannot be built here.
fn go_or_skip(test: &str) -> Option<&'static Path> {
    match go_program() {
        Ok(program) => Some(program),
        Err(why) => {
            // Straight to stderr, past the test harness's capture, so that it shows.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Differences report.
// ---------------------------------------------------------------------------------------------

/// One line per case where we and Helm differ (deliberate differences checked, not skipped).
fn differences<'a>(
    cases: impl Iterator<Item = (String, String, Answer, Answer)> + 'a,
) -> Vec<String> {
    let mut report = Vec::new();
    for (name, input, helm, ours) in cases {
        let deliberate = DELIBERATE
            .iter()
            .find(|(case, _, _)| *case == name.as_str());
        let ok = match deliberate {
            Some((_, Instead::Refuse, _)) => matches!(ours, Answer::Refused(_)),
            Some((_, Instead::Parser, _)) => !agree(&helm, &ours),
            None => agree(&helm, &ours),
        };
        if !ok {
            let why = deliberate.map_or(String::new(), |(_, instead, reason)| {
                format!(" (deliberate: {instead:?}, {reason})")
            });
            report.push(format!(
                "--- {name}{why}\n  input: {input:?}\n  helm:  {}\n  ours:  {}",
                helm.show(),
                ours.show()
            ));
        }
    }
    report
}

fn assert_no_differences(what: &str, total: usize, report: &[String]) {
    assert!(
        report.is_empty(),
        "{what}: {} of {total} cases differ from Helm:\n{}",
        report.len(),
        report.join("\n")
    );
}

fn shown_input(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() > 300 {
        format!("{}...", text.chars().take(300).collect::<String>())
    } else {
        text.into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// Tests that need neither Go nor the new loader.
// ---------------------------------------------------------------------------------------------

#[test]
fn corpus_and_committed_truth_are_consistent() {
    let cases = corpus();
    assert!(cases.len() >= 250, "corpus has {} cases", cases.len());
    for (name, path) in &cases {
        let bytes = std::fs::read(path).expect("corpus file");
        // Only the empty-file cases may be empty.
        if !name.starts_with("top-empty") {
            assert!(!bytes.is_empty(), "{name}: empty corpus file");
        }
        match committed_truth(name) {
            Answer::Values(Json::Object(_)) => {}
            Answer::Values(other) => panic!("{name}: Helm values are not a map: {other}"),
            Answer::Refused(e) => assert!(
                e.starts_with("error converting YAML to JSON: ")
                    || e.starts_with("error unmarshaling JSON: "),
                "{name}: not a sigs.k8s.io/yaml error: {e}"
            ),
        }
    }
    // No expected file without its corpus file.
    let expected = helm_yaml_dir().join("expected");
    for entry in std::fs::read_dir(&expected).expect("expected/") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("name");
        assert!(
            cases.contains_key(stem),
            "{}: no corpus file",
            path.display()
        );
    }
    // The deliberate differences name real cases, each once; where we refuse, Helm accepts.
    for (i, (case, instead, _)) in DELIBERATE.iter().enumerate() {
        assert!(cases.contains_key(*case), "DELIBERATE: no case {case}");
        assert!(
            !DELIBERATE[..i].iter().any(|(c, _, _)| c == case),
            "DELIBERATE: {case} twice"
        );
        assert!(
            matches!(instead, Instead::Parser)
                || matches!(committed_truth(case), Answer::Values(_)),
            "DELIBERATE: Helm already refuses {case}"
        );
    }
    for case in HELM_IS_RANDOM {
        assert!(cases.contains_key(*case), "HELM_IS_RANDOM: no case {case}");
    }
}

#[test]
fn comparison_sees_numbers_as_helm_does() {
    let helm: Json = serde_json::from_str(r#"{"a":9223372036854776000,"b":[1,0.5]}"#).unwrap();
    let exact: Json = serde_json::from_str(r#"{"a":9223372036854775807,"b":[1.0,0.5]}"#).unwrap();
    assert!(same_values(&helm, &exact));
    let other: Json = serde_json::from_str(r#"{"a":9223372036854775807,"b":[1,0.25]}"#).unwrap();
    assert!(!same_values(&helm, &other));
    let string: Json = serde_json::from_str(r#"{"a":"9223372036854775807","b":[1,0.5]}"#).unwrap();
    assert!(!same_values(&helm, &string));
    let extra: Json = serde_json::from_str(r#"{"a":1,"b":[1,0.5],"c":null}"#).unwrap();
    assert!(!same_values(
        &serde_json::json!({"a":1,"b":[1,0.5]}),
        &extra
    ));
    assert!(agree(
        &Answer::Refused("x".into()),
        &Answer::Refused("y".into())
    ));
    assert!(!agree(
        &Answer::Refused("x".into()),
        &Answer::Values(serde_json::json!({}))
    ));
}

// ---------------------------------------------------------------------------------------------
// The Go program against real Helm (needs Go, not the new loader).
// ---------------------------------------------------------------------------------------------

#[test]
fn go_program_gives_what_real_helm_gave() {
    let Some(program) = go_or_skip("go_program_gives_what_real_helm_gave") else {
        return;
    };
    let cases = corpus();
    let files: Vec<PathBuf> = cases.values().cloned().collect();
    let answers = helm_answers(program, &files);
    let mut report = Vec::new();
    for ((name, _), go) in cases.iter().zip(answers) {
        let helm = committed_truth(name);
        let same = if HELM_IS_RANDOM.contains(&name.as_str()) {
            // One of the colliding keys' values: the same keys, and accepted.
            match (&helm, &go) {
                (Answer::Values(Json::Object(h)), Answer::Values(Json::Object(g))) => {
                    h.keys().eq(g.keys())
                }
                _ => false,
            }
        } else {
            // Exactly: same values (same encoder) or the same error text.
            helm == go
        };
        if !same {
            report.push(format!(
                "--- {name}\n  helm: {}\n  go:   {}",
                helm.show(),
                go.show()
            ));
        }
    }
    assert!(
        report.is_empty(),
        "the Go program differs from real Helm:\n{}",
        report.join("\n")
    );
}

#[test]
fn go_program_reads_paths_from_stdin_in_order() {
    let Some(program) = go_or_skip("go_program_reads_paths_from_stdin_in_order") else {
        return;
    };
    let cases = corpus();
    let files: Vec<PathBuf> = ["merge-list", "top-list", "bool-values"]
        .iter()
        .map(|n| cases[*n].clone())
        .collect();
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the Go program");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        for f in &files {
            writeln!(stdin, "{}", f.display()).expect("write path");
        }
    }
    let output = child.wait_with_output().expect("Go program output");
    assert!(output.status.success());
    let answers = parse_go_output(&output.stdout, &files);
    assert_eq!(answers, helm_answers(program, &files));
    assert!(matches!(&answers[1], Answer::Refused(e) if e.contains("cannot unmarshal array")));
    assert_eq!(
        answers[0],
        Answer::Values(serde_json::json!({
            "a": {"p": 1, "q": 1}, "b": {"q": 2, "r": 2}, "m": {"p": 1, "q": 1, "r": 2}
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// Our loader against Helm.
// ---------------------------------------------------------------------------------------------

#[test]

fn loader_matches_committed_helm_truth() {
    let cases = corpus();
    let report = differences(cases.iter().map(|(name, path)| {
        let bytes = std::fs::read(path).expect("corpus file");
        let ours = ours(&format!("{name}.yaml"), &bytes);
        (
            name.clone(),
            shown_input(&bytes),
            committed_truth(name),
            ours,
        )
    }));
    assert_no_differences("corpus vs committed Helm truth", cases.len(), &report);
}

#[test]

fn loader_matches_go_program_on_corpus() {
    let Some(program) = go_or_skip("loader_matches_go_program_on_corpus") else {
        return;
    };
    let cases = corpus();
    let files: Vec<PathBuf> = cases.values().cloned().collect();
    let helm = helm_answers(program, &files);
    let report = differences(cases.iter().zip(helm).map(|((name, path), helm)| {
        let bytes = std::fs::read(path).expect("corpus file");
        let ours = ours(&format!("{name}.yaml"), &bytes);
        (name.clone(), shown_input(&bytes), helm, ours)
    }));
    assert_no_differences("corpus vs Go program", cases.len(), &report);
}

#[test]

fn loader_matches_go_program_on_generated_documents() {
    let Some(program) = go_or_skip("loader_matches_go_program_on_generated_documents") else {
        return;
    };
    let count: usize = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(400);
    let docs = generated_documents(count);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("helm_yaml_generated.{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let files: Vec<PathBuf> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let file = dir.join(format!("{i:04}.yaml"));
            std::fs::write(&file, doc).expect("write generated document");
            file
        })
        .collect();
    let helm = helm_answers(program, &files);
    std::fs::remove_dir_all(&dir).expect("remove scratch dir");
    let mut refusals: BTreeMap<&str, usize> = BTreeMap::new();
    for answer in &helm {
        if let Answer::Refused(e) = answer {
            *refusals
                .entry(e.split('`').next().unwrap_or(e))
                .or_default() += 1;
        }
    }
    eprintln!(
        "Helm refuses {} of {} generated documents: {refusals:#?}",
        refusals.values().sum::<usize>(),
        docs.len()
    );
    let report = differences(docs.iter().zip(helm).enumerate().map(|(i, (doc, helm))| {
        let ours = ours("generated.yaml", doc.as_bytes());
        (format!("generated #{i}"), doc.clone(), helm, ours)
    }));
    assert_no_differences("generated documents vs Go program", docs.len(), &report);
}

// ---------------------------------------------------------------------------------------------
// Generated YAML documents.
// ---------------------------------------------------------------------------------------------

/// Plain scalars from every YAML 1.1 class Helm distinguishes, all safe in flow and block
/// context (no `,[]{}#` and no `: `).
#[rustfmt::skip]
const PLAIN_SCALARS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "NO", "on", "On", "OFF", "off", "true", "True",
    "FALSE", "false", "yEs", "tRUE", "null", "Null", "NULL", "~", "nULL", "0", "1", "-1", "+1",
    "-0", "0777", "-0777", "08", "0o17", "0o8", "0x1F", "0X1f", "-0x1F", "0x_1F", "0b101", "-0b11",
    "0b2", "1_000", "1__0", "_1", "1_", "190:20:30", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616", "0xFFFFFFFFFFFFFFFF",
    "0x10000000000000000", "1000000000000000000000000000000", "9007199254740993", "1.0", "-1.5",
    "+.5", ".5", "1.", "1e3", "1E+3", "1.0e-3", "1_000.5", "1e309", "-1e309", "1e-400", "0.1",
    "-0.0", "1.e3", "._5", "1e1_0", ".iNf", "inf", "nan", "0x", "1e",
    "1.2.3", "v1", "0x1p3", "12e", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "hello", "a b",
    "x-y", "http://h:80/p", "é", "日本",
];

/// Keys that stay distinct once Helm turns them into strings (a map draws a subset).
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "a", "b", "name", "x_y", "yes", "off", "7", "0x20", "2.5", "'on'", "\"q k\"", "1e3", "-3",
    "'1'", "2001-12-15", "'null'",
];

/// Infinities and NaN: Helm refuses them (JSON has none).
const NON_FINITE: &[&str] = &[".inf", "-.Inf", "+.INF", ".NaN", ".nan"];

/// Scalars as written: plain, single- or double-quoted, or tagged; rarely one that Helm
/// refuses (a non-finite float, a tag that does not fit), so that most documents are accepted.
fn scalar() -> impl Strategy<Value = String> {
    let plain = || proptest::sample::select(PLAIN_SCALARS).prop_map(str::to_string);
    prop_oneof![
        80 => plain(),
        5 => plain().prop_map(|s| format!("'{s}'")),
        5 => plain().prop_map(|s| format!("\"{s}\"")),
        2 => plain().prop_map(|s| format!("!!str {s}")),
        1 => (
            proptest::sample::select(&["!!int", "!!float", "!!bool", "!!null", "!foo"][..]),
            plain()
        )
            .prop_map(|(tag, s)| format!("{tag} {s}")),
        1 => proptest::sample::select(NON_FINITE).prop_map(str::to_string),
    ]
}

/// A document as a tree, rendered to text later (anchors need the rendering order).
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    /// An alias to the n-th anchor rendered so far (modulo their number).
    Alias(usize),
    List(Vec<Node>, bool),
    /// Entries (key index into KEYS, value), an optional merge (position among the entries,
    /// sources), whether it gets an anchor.
    Map(Vec<(usize, Node)>, Option<(usize, Merge)>, bool),
}

#[derive(Debug, Clone)]
enum Merge {
    /// `<<: *m` or `<<: [*m, *n]`: the n-th anchored MAP so far.
    Aliases(Vec<usize>),
    /// `<<: {k: v}`.
    Inline(Vec<(usize, String)>),
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        5 => scalar().prop_map(Node::Scalar),
        1 => any::<usize>().prop_map(Node::Alias),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            (
                proptest::collection::vec(inner.clone(), 0..4),
                any::<bool>()
            )
                .prop_map(|(items, anchored)| Node::List(items, anchored)),
            (
                proptest::sample::subsequence((0..KEYS.len()).collect::<Vec<_>>(), 0..5),
                proptest::collection::vec(inner, 5),
                proptest::option::weighted(0.4, (0..5usize, merge())),
                proptest::bool::weighted(0.5),
            )
                .prop_map(|(keys, values, merge, anchored)| {
                    Node::Map(keys.into_iter().zip(values).collect(), merge, anchored)
                }),
        ]
    })
}

fn merge() -> impl Strategy<Value = Merge> {
    prop_oneof![
        2 => proptest::collection::vec(any::<usize>(), 1..3).prop_map(Merge::Aliases),
        1 => (
            proptest::sample::subsequence((0..KEYS.len()).collect::<Vec<_>>(), 0..3),
            proptest::collection::vec(scalar(), 3)
        )
            .prop_map(|(keys, values)| Merge::Inline(keys.into_iter().zip(values).collect())),
    ]
}

/// Renders block YAML; anchors `&aN` in document order. An anchor can be aliased only once its
/// node is complete (an alias inside its own anchor's node is a recursion, which the corpus
/// covers).
#[derive(Default)]
struct Renderer {
    out: String,
    next_anchor: usize,
    anchors: Vec<usize>,
    map_anchors: Vec<usize>,
}

impl Renderer {
    /// Writes `node` as the value after `prefix` (`key:` or `-`) at `indent`.
    fn value(&mut self, prefix: &str, node: &Node, indent: usize) {
        let pad = " ".repeat(indent);
        match node {
            Node::Scalar(s) => self.out.push_str(&format!("{pad}{prefix} {s}\n")),
            Node::Alias(n) if !self.anchors.is_empty() => {
                let a = self.anchors[n % self.anchors.len()];
                self.out.push_str(&format!("{pad}{prefix} *a{a}\n"));
            }
            Node::Alias(_) => self.out.push_str(&format!("{pad}{prefix} x\n")),
            Node::List(items, anchored) => {
                let anchor = anchored.then(|| self.new_anchor());
                let shown = anchor.map_or(String::new(), |a| format!(" &a{a}"));
                if items.is_empty() {
                    self.out.push_str(&format!("{pad}{prefix}{shown} []\n"));
                } else {
                    self.out.push_str(&format!("{pad}{prefix}{shown}\n"));
                    for item in items {
                        self.value("-", item, indent + 2);
                    }
                }
                self.anchors.extend(anchor);
            }
            Node::Map(entries, merge, anchored) => {
                let anchor = anchored.then(|| self.new_anchor());
                let shown = anchor.map_or(String::new(), |a| format!(" &a{a}"));
                if entries.is_empty() && merge.is_none() {
                    self.out.push_str(&format!("{pad}{prefix}{shown} {{}}\n"));
                } else {
                    self.out.push_str(&format!("{pad}{prefix}{shown}\n"));
                    self.map_body(entries, merge.as_ref(), indent + 2);
                }
                self.anchors.extend(anchor);
                self.map_anchors.extend(anchor);
            }
        }
    }

    fn new_anchor(&mut self) -> usize {
        self.next_anchor += 1;
        self.next_anchor - 1
    }

    fn map_body(
        &mut self,
        entries: &[(usize, Node)],
        merge: Option<&(usize, Merge)>,
        indent: usize,
    ) {
        let at = merge.map(|(at, _)| (*at).min(entries.len()));
        for i in 0..=entries.len() {
            if at == Some(i) {
                if let Some((_, m)) = merge {
                    self.merge(m, indent);
                }
            }
            if let Some((key, value)) = entries.get(i) {
                self.value(&format!("{}:", KEYS[*key]), value, indent);
            }
        }
    }

    fn merge(&mut self, merge: &Merge, indent: usize) {
        let pad = " ".repeat(indent);
        match merge {
            Merge::Aliases(picks) if !self.map_anchors.is_empty() => {
                let names: Vec<String> = picks
                    .iter()
                    .map(|p| format!("*a{}", self.map_anchors[p % self.map_anchors.len()]))
                    .collect();
                if names.len() == 1 {
                    self.out.push_str(&format!("{pad}<<: {}\n", names[0]));
                } else {
                    self.out
                        .push_str(&format!("{pad}<<: [{}]\n", names.join(", ")));
                }
            }
            Merge::Aliases(_) => self.out.push_str(&format!("{pad}<<: {{}}\n")),
            Merge::Inline(pairs) => {
                let body: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}: {v}", KEYS[*k]))
                    .collect();
                self.out
                    .push_str(&format!("{pad}<<: {{{}}}\n", body.join(", ")));
            }
        }
    }
}

/// A whole file: an optional leading `---` or comment, the top map, optional later documents.
fn document() -> impl Strategy<Value = String> {
    (
        0..3u8,
        proptest::sample::subsequence((0..KEYS.len()).collect::<Vec<_>>(), 1..7),
        proptest::collection::vec(node(), 6),
        proptest::option::weighted(0.3, (0..6usize, merge())),
        proptest::option::weighted(
            0.3,
            prop_oneof![
                node().prop_map(|n| vec![n]),
                Just(vec![Node::Scalar("[unclosed".to_string())]),
            ],
        ),
    )
        .prop_map(|(head, keys, values, merge, later)| {
            let mut r = Renderer::default();
            match head {
                1 => r.out.push_str("---\n"),
                2 => r.out.push_str("# comment\n---\n"),
                _ => {}
            }
            let entries: Vec<(usize, Node)> = keys.into_iter().zip(values).collect();
            r.map_body(&entries, merge.as_ref(), 0);
            if let Some(later) = later {
                r.out.push_str("---\n");
                for node in &later {
                    r.value("later:", node, 0);
                }
            }
            r.out
        })
}

/// `count` documents, the same on every run (a fixed seed).
fn generated_documents(count: usize) -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("generate a document")
                .current()
        })
        .collect()
}

#[test]
fn generated_documents_cover_the_interesting_constructs() {
    let docs = generated_documents(400);
    let all = docs.concat();
    for construct in [
        "<<: *a", "<<: [*a", "<<: {", "*a", "&a", "\n---\n", "'", "!!", "yes",
    ] {
        assert!(
            all.contains(construct),
            "no generated document has {construct:?}"
        );
    }
    // Every document is different (the generator does not collapse).
    let distinct: std::collections::BTreeSet<&String> = docs.iter().collect();
    assert!(
        distinct.len() > 380,
        "only {} distinct documents",
        distinct.len()
    );
}
