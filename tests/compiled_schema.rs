//! The validators compiled into the crate for the embedded charts' schemas
//! (`src/schema/compiled.rs`) give the same errors as jsonschema's run-time validator of the
//! same schema file (what a chart directory gets): on every values file of the tests and
//! examples, and on the charts' defaults with random parts replaced by random JSON.
//!
//! Errors are compared as sets per instance: instance path, schema path, kind and value, with
//! the errors of each `anyOf`/`oneOf` branch (in branch order, which the checker's
//! explanations follow). The differences allowed are the two the checker reads both ways: the
//! run-time validator wraps the error of a mapping's key in `PropertyNames` (the compiled one
//! gives that error itself), and gives a type error that an `enum` beside it says too (the
//! compiled one gives the enum's alone; the checker leaves the type error out).

use std::path::Path;

use gitlab_runner_chart::__private::schema::check::{runtime_validator, without_types_enums_say};
use gitlab_runner_chart::__private::schema::compiled::CompiledSchema;
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as Kind;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const CHARTS: [(CompiledSchema, &str, &str); 3] = [
    (
        CompiledSchema::Seed,
        include_str!("../chart/values.schema.json"),
        include_str!("../chart/values.yaml"),
    ),
    (
        CompiledSchema::Current,
        include_str!("../chart/current/values.schema.json"),
        include_str!("../chart/current/values.yaml"),
    ),
    (
        CompiledSchema::Shell,
        include_str!("../chart/shell/values.schema.json"),
        include_str!("../chart/shell/values.yaml"),
    ),
];

/// The run-time validator of `schema`, as a chart directory's schema gets it.
fn runtime(schema: &str) -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(schema).expect("schema is JSON");
    runtime_validator(&schema).expect("schema compiles")
}

fn describe(error: &ValidationError<'_>) -> String {
    let error = match error.kind() {
        Kind::PropertyNames { error } => error.as_ref(),
        _ => error,
    };
    let head = format!(
        "{} {} {}",
        error.instance_path().as_str(),
        error.schema_path().as_str(),
        error.instance()
    );
    match error.kind() {
        Kind::AnyOf { context } | Kind::OneOfNotValid { context } => {
            let branches: Vec<Vec<String>> =
                context.iter().map(|branch| described(branch)).collect();
            format!("{head} of branches {branches:?}")
        }
        kind => format!("{head} {kind:?}"),
    }
}

/// `errors` described and sorted, without the type errors an enum says too (the checker leaves
/// those out: see `without_types_enums_say`).
fn described(errors: &[ValidationError<'_>]) -> Vec<String> {
    let mut described: Vec<String> = without_types_enums_say(errors).map(describe).collect();
    described.sort();
    described
}

/// Compares both validators of `chart` on `instance`; the error text on a difference.
fn compare(
    compiled: CompiledSchema,
    runtime: &jsonschema::Validator,
    instance: &Json,
) -> Result<(), String> {
    let from_compiled = described(&compiled.iter_errors(instance).collect::<Vec<_>>());
    let from_runtime = described(&runtime.iter_errors(instance).collect::<Vec<_>>());
    if from_compiled == from_runtime {
        Ok(())
    } else {
        Err(format!(
            "{compiled:?} on {instance}:\ncompiled: {from_compiled:#?}\nrun time: {from_runtime:#?}"
        ))
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn same_errors_on_every_values_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "values", "chart"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut instances: Vec<Json> = files
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .filter_map(|text| serde_yaml::from_str::<Json>(&text).ok())
        .filter(Json::is_object)
        .collect();
    assert!(
        instances.len() > 300,
        "only {} values files",
        instances.len()
    );
    instances.push(json!({"podLabels": {"bad key": 1}, "podAnnotations": {"app": "x"}}));
    let mut failures = Vec::new();
    let mut errors = 0;
    for (compiled, schema, _) in CHARTS {
        let runtime = runtime(schema);
        for instance in &instances {
            errors += runtime.iter_errors(instance).count();
            if let Err(e) = compare(compiled, &runtime, instance) {
                failures.push(e);
            }
        }
    }
    assert!(errors > 1000, "the files give only {errors} errors");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Any JSON, weighted towards what the schemas test: formats, enums, empty values.
fn any_json() -> BoxedStrategy<Json> {
    let text = prop::sample::select(vec![
        "",
        "a",
        "Bad Key",
        "bad key",
        "1BAD",
        "A=B",
        "ok-name",
        "x.example.com/role",
        "Example.com/role",
        "app",
        "checksum/secret",
        "100m",
        "1Gi",
        "1.5",
        "-1",
        "0",
        "05",
        "http://gitlab.example.com/",
        "ftp://x",
        "10.0.0.1",
        "::1",
        "999.1.1.1",
        "s3",
        "gcs",
        "azure",
        "Always",
        "IfNotPresent",
        "true",
        "null",
        "RuntimeDefault",
        "Localhost",
    ])
    .prop_map(|s| Json::String(s.to_string()));
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-3i64..70_000).prop_map(|n| json!(n)),
        prop::sample::select(vec![0.5f64, -1.25, 1e20, 3.0]).prop_map(|f| json!(f)),
        text.clone(),
    ];
    leaf.prop_recursive(3, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((text.clone(), inner), 0..4).prop_map(|entries| {
                Json::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
    .boxed()
}

/// `instance` with the value at the path `choices` picks (each choice an index into the keys
/// or items of the value reached so far; the walk stops early at a scalar) replaced by `value`.
fn replace_at(instance: &mut Json, choices: &[usize], value: Json) {
    let Some((&choice, rest)) = choices.split_first() else {
        *instance = value;
        return;
    };
    let next = match instance {
        Json::Object(map) if !map.is_empty() => {
            let len = map.len();
            map.values_mut().nth(choice % len)
        }
        Json::Array(items) if !items.is_empty() => {
            let len = items.len();
            items.get_mut(choice % len)
        }
        _ => None,
    };
    match next {
        Some(next) if next.is_object() || next.is_array() => replace_at(next, rest, value),
        Some(next) => *next = value,
        None => *instance = value,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn same_errors_on_changed_defaults(
        chart in 0..CHARTS.len(),
        changes in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 1..5), any_json()),
            1..5,
        ),
    ) {
        let (compiled, schema, defaults) = CHARTS[chart];
        let runtime = runtime(schema);
        let mut instance: Json = serde_yaml::from_str(defaults).expect("defaults are YAML");
        for (choices, value) in changes {
            replace_at(&mut instance, &choices, value);
        }
        if let Err(e) = compare(compiled, &runtime, &instance) {
            prop_assert!(false, "{}", e);
        }
    }
}
