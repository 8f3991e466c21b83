//! Helm's `tpl` conformance: every probe template of `tests/tpl/cases.yaml` evaluated by our
//! `tpl` filter gives what real Helm 3.16.4 gave for it (`tests/tpl/expected.yaml`, made by
//! `tests/tpl/generate.py`), or the same error at the same line and column inside the value.
//! A case with `ours` differs from Helm on purpose (COMPATIBILITY.md).

use base64::Engine as _;
use gitlab_runner_chart::{
    Chart, Error, ErrorKind, KubeVersion, Release, RenderOptions, Renderer, Values,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    t: String,
    #[serde(default)]
    ours: Option<String>,
    #[serde(default)]
    ours_error: Option<String>,
    #[serde(default)]
    ours_column: Option<usize>,
    #[serde(default)]
    skip_helm: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Expected {
    name: String,
    #[serde(default)]
    out: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    line: Option<usize>,
    #[serde(default)]
    go_column: Option<usize>,
}

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tpl");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn renderer() -> Renderer {
    let chart = Chart::from_parts(
        "Chart.yaml",
        &read("helm-chart/Chart.yaml"),
        &read("values.yaml"),
        [
            ("_helpers.tpl".to_string(), read("chart/_helpers.tpl")),
            ("out.yaml".to_string(), read("chart/out.yaml")),
        ],
    )
    .unwrap();
    Renderer::new(chart).unwrap()
}

fn options() -> RenderOptions {
    RenderOptions::new(Release::new("ci", "gitlab").unwrap())
        .with_kube_version("1.30.0".parse::<KubeVersion>().unwrap())
}

/// Our output for template `t`, or the render error.
fn evaluate(renderer: &Renderer, t: &str) -> Result<String, Error> {
    let mut mapping = serde_yaml::Mapping::new();
    mapping.insert("t".into(), t.into());
    let mut values = Values::new();
    values.add_yaml("case.yaml", &serde_yaml::to_string(&mapping).unwrap())?;
    let manifests = renderer.render(&values, &options())?;
    let content = manifests.find("ConfigMap").unwrap().content().to_string();
    let encoded = content
        .lines()
        .find_map(|l| l.trim().strip_prefix("out: "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    Ok(String::from_utf8(bytes).unwrap())
}

/// The error's position inside the value and its message.
fn in_value(error: &Error) -> Option<(usize, usize, String)> {
    if error.kind() != ErrorKind::Invalid {
        return None;
    }
    let d = error.diagnostics().first()?;
    let re = regex::Regex::new(r"\(line (\d+), column (\d+)\): (.*)").unwrap();
    let c = re.captures(&d.message)?;
    Some((c[1].parse().ok()?, c[2].parse().ok()?, c[3].to_string()))
}

#[test]
fn probes_give_what_helm_gives() {
    let cases: Vec<Case> = serde_yaml::from_str(&read("cases.yaml")).unwrap();
    let expected: Vec<Expected> = serde_yaml::from_str(&read("expected.yaml")).unwrap();
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let renderer = renderer();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let ours = evaluate(&renderer, &case.t);
        if let Some(part) = &case.ours_error {
            match &ours {
                Err(e) if e.to_string().contains(part) && in_value(e).is_some() => {}
                other => failures.push(format!(
                    "{}: expected an error with {part:?}, got {other:?}",
                    case.name
                )),
            }
            continue;
        }
        if case.skip_helm.is_some() {
            failures.push(format!("{}: skip_helm without ours_error", case.name));
            continue;
        }
        let Some(helm) = expected.iter().find(|e| e.name == case.name) else {
            failures.push(format!(
                "{}: not in expected.yaml (run tests/tpl/generate.py)",
                case.name
            ));
            continue;
        };
        compared += 1;
        match (&helm.out, &ours) {
            (Some(out), Ok(got)) => {
                let want = case.ours.as_ref().unwrap_or(out);
                if got != want {
                    failures.push(format!(
                        "{}: Helm {out:?}, we want {want:?}, got {got:?}",
                        case.name
                    ));
                }
            }
            (None, Err(e)) => {
                let Some((line, column, message)) = in_value(e) else {
                    failures.push(format!("{}: error without a position: {e}", case.name));
                    continue;
                };
                if helm.line.is_some_and(|l| l != line)
                    || helm
                        .go_column
                        .is_some_and(|c| case.ours_column.unwrap_or(c + 1) != column)
                {
                    failures.push(format!(
                        "{}: Helm at {:?}:{:?} (Go, 0-based column), ours at {line}:{column}: {message}",
                        case.name, helm.line, helm.go_column
                    ));
                }
                // Helm's own words appear in ours where the failure is the same.
                let helm_error = helm.error.as_deref().unwrap_or_default();
                let last = helm_error
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .rsplit(": ")
                    .next()
                    .unwrap_or_default();
                if !message.contains(last) && !e.to_string().contains(last) {
                    println!("{}: Helm says {last:?}, we say {message:?}", case.name);
                }
            }
            (Some(out), Err(e)) => {
                failures.push(format!("{}: Helm {out:?}, we fail: {e}", case.name))
            }
            (None, Ok(got)) if case.ours.as_ref() == Some(got) => {}
            (None, Ok(got)) => failures.push(format!(
                "{}: Helm fails ({}), we give {got:?}",
                case.name,
                helm.error
                    .as_deref()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            )),
        }
    }
    println!("{compared} probes compared with Helm");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The diagnostic of a failing templated value and its line in the values file.
fn diagnostic_for(yaml: &str) -> (usize, usize, String) {
    let mut values = Values::new();
    values.add_yaml("my-values.yaml", yaml).unwrap();
    let error = renderer().render(&values, &options()).unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Invalid,
        "not a diagnostic: {error}"
    );
    let d = &error.diagnostics()[0];
    assert_eq!(d.path, "t");
    match &d.origin {
        Some(gitlab_runner_chart::Origin::File {
            name, line, column, ..
        }) => {
            assert_eq!(name, "my-values.yaml");
            (*line, *column, d.message.clone())
        }
        other => panic!("no file origin: {other:?}"),
    }
}

#[test]
fn errors_point_at_their_line_in_the_values_file() {
    // A block scalar: line 3 of the value is line 5 of the file, indented by 4 (`index` is at
    // column 6 of the value, as Helm says).
    let (line, column, message) =
        diagnostic_for("x: 1\nt: |\n    a\n    b\n      {{ index .Values.list 10 }}\n");
    assert_eq!((line, column), (5, 10), "{message}");
    assert!(message.contains("line 3, column 6"), "{message}");
    assert!(message.contains("unable to get 10"), "{message}");
    // A one-line quoted scalar: the column inside the quotes.
    let (line, column, message) = diagnostic_for("t: \"ab {{ nope }}\"\n");
    assert_eq!((line, column), (1, 11), "{message}");
    assert!(message.contains("nope"), "{message}");
    // A plain scalar.
    let (line, column, message) = diagnostic_for("\nt: ab {{ required \"give x\" .Values.x }}\n");
    assert_eq!((line, column), (2, 10), "{message}");
    assert!(message.contains("give x"), "{message}");
}

#[test]
fn strings_without_templates_pass_unchanged() {
    let renderer = renderer();
    for text in ["", "plain", "<no value>", "{ {x} }", "a }} b", "{{"] {
        if text == "{{" {
            assert!(evaluate(&renderer, text).is_err());
        } else {
            assert_eq!(evaluate(&renderer, text).unwrap(), text);
        }
    }
}
