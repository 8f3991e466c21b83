//! Benchmarks of the values and of the output (rendering itself: `benches/render.rs`): loading
//! a large values file, merging values with `--set` expressions, printing the manifests, and
//! reporting the problems of values with many unknown keys.
//!
//! ```text
//! cargo bench --bench values
//! cargo bench --bench values -- --warm-up-time 1 --measurement-time 3   # quicker
//! cargo bench --bench values -- diagnostics                             # one group
//! ```

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gitlab_runner_chart::{
    Chart, Diagnostics, ErrorKind, Release, RenderOptions, Renderer, Values,
};

const SEED: &str = include_str!("../values/seed.yaml");
const REGISTRATION_FLAGS: &str = include_str!("../tests/golden/21-registration-flags/values.yaml");

/// How many `runners.podLabels` and `runners.env` entries the large values file adds.
const LARGE_ENTRIES: usize = 500;

/// `tests/golden/21-registration-flags/values.yaml` with [`LARGE_ENTRIES`] more pod labels and
/// environment variables.
fn large_values_yaml() -> String {
    let mut labels = String::from("  podLabels:\n");
    let mut env = String::from("  env:\n");
    for i in 0..LARGE_ENTRIES {
        labels.push_str(&format!("    example.com/label-{i}: \"value-{i}\"\n"));
        env.push_str(&format!("    VARIABLE_{i}: \"value {i}, with spaces\"\n"));
    }
    assert!(
        REGISTRATION_FLAGS.contains("\n  podLabels:\n")
            && REGISTRATION_FLAGS.contains("\n  env:\n")
    );
    REGISTRATION_FLAGS
        .replacen("  podLabels:\n", &labels, 1)
        .replacen("  env:\n", &env, 1)
}

/// 100 `--set` expressions of various shapes: nested keys, escaped dots, list indices, lists,
/// typed and untyped values, several assignments in one expression.
fn set_expressions() -> Vec<String> {
    (0..100)
        .map(|i| match i % 5 {
            0 => format!("runners.podLabels.label-{i}=value-{i}"),
            1 => format!("runners.nodeSelector.example\\.com/zone-{i}=zone-{i},concurrent={i}"),
            2 => format!(
                "envVars[{}].name=VAR_{i},envVars[{}].value=true",
                i / 5,
                i / 5
            ),
            3 => format!("runners.imagePullSecrets={{registry-{i},other-{i}}}"),
            _ => format!("runners.env.VARIABLE_{i}=a\\,b\\,c {i},rbac.create=false"),
        })
        .collect()
}

fn values_from(name: &str, yaml: &str) -> Values {
    let mut values = Values::new();
    values.add_yaml(name, yaml).expect("valid values");
    values
}

fn options() -> RenderOptions {
    RenderOptions::new(Release::new("ci", "gitlab").expect("valid release"))
}

fn values(c: &mut Criterion) {
    let large_yaml = large_values_yaml();
    c.bench_function("values: add_yaml of the large values file", |b| {
        b.iter(|| values_from("large.yaml", black_box(&large_yaml)))
    });

    let base = values_from("seed.yaml", SEED);
    let exprs = set_expressions();
    c.bench_function(
        "values: 100 --set expressions + Values::merged (seed)",
        |b| {
            b.iter_batched(
                || base.clone(),
                |mut values| {
                    for expr in &exprs {
                        values.set(black_box(expr)).expect("valid expression");
                    }
                    values.merged()
                },
                BatchSize::SmallInput,
            )
        },
    );
}

fn output(c: &mut Criterion) {
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let options = options();
    let seed = renderer
        .render(&values_from("seed.yaml", SEED), &options)
        .expect("renders");
    let large = renderer
        .render(&values_from("large.yaml", &large_values_yaml()), &options)
        .expect("renders");
    c.bench_function("output: Manifests::to_string (seed)", |b| {
        b.iter(|| black_box(&seed).to_string())
    });
    c.bench_function("output: Manifests::to_string (large)", |b| {
        b.iter(|| black_box(&large).to_string())
    });
}

/// A values file (seed values) with `n` unknown keys, one a line: half of them under `runners`,
/// half at the top level.
fn unknown_keys_yaml(n: usize) -> String {
    let mut runners = String::from("runners:\n");
    let mut top = String::new();
    for i in 0..n {
        if i % 2 == 0 {
            runners.push_str(&format!("  unknownRunnerKey{i}: {i}\n"));
        } else {
            top.push_str(&format!("unknownTopLevelKey{i}: {i}\n"));
        }
    }
    assert!(SEED.contains("\nrunners:\n"));
    format!(
        "{}{top}",
        SEED.replacen("\nrunners:\n", &format!("\n{runners}"), 1)
    )
}

/// A values file (seed values) with `n` values of the wrong type: `envVars` entries whose value
/// is a list, not text.
fn type_errors_yaml(n: usize) -> String {
    let mut yaml = format!("{SEED}envVars:\n");
    for i in 0..n {
        yaml.push_str(&format!("- name: VAR{i}\n  value: [{i}]\n"));
    }
    yaml
}

/// The whole path of a values file with `n` problems: load, merge, check, and the report
/// formatted, strict (errors) and not (warnings, then rendered). Time per key should not grow
/// with `n`.
fn diagnostics(c: &mut Criterion) {
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let strict = options();
    let lenient = options().with_strict(false);
    let mut strict_group = c.benchmark_group("diagnostics/unknown_keys");
    strict_group.sample_size(10);
    let mut cases = Vec::new();
    for n in [100, 1_000, 10_000] {
        let yaml = unknown_keys_yaml(n);
        // Every key is reported.
        let (count, text) = report(&renderer, &yaml, &strict);
        assert_eq!(count, n);
        let last = (n - 1) / 2 * 2;
        assert!(text.contains(&format!("unknown key `unknownRunnerKey{last}`")));
        assert_eq!(report(&renderer, &yaml, &lenient).0, n);
        strict_group.throughput(Throughput::Elements(n as u64));
        strict_group.bench_with_input(BenchmarkId::from_parameter(n), &yaml, |b, yaml| {
            b.iter(|| report(&renderer, black_box(yaml), &strict))
        });
        cases.push((n, yaml));
    }
    strict_group.finish();
    let mut lenient_group = c.benchmark_group("diagnostics/unknown_keys_as_warnings");
    lenient_group.sample_size(10);
    for (n, yaml) in &cases {
        lenient_group.throughput(Throughput::Elements(*n as u64));
        lenient_group.bench_with_input(BenchmarkId::from_parameter(n), yaml, |b, yaml| {
            b.iter(|| report(&renderer, black_box(yaml), &lenient))
        });
    }
    lenient_group.finish();
    // the schema's errors are sorted and filtered (type errors an enum says too): linear
    let mut types_group = c.benchmark_group("diagnostics/type_errors");
    types_group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let yaml = type_errors_yaml(n);
        let (count, text) = report(&renderer, &yaml, &strict);
        assert_eq!(count, n);
        assert!(text.contains(&format!("envVars[{}].value: expected a string", n - 1)));
        types_group.throughput(Throughput::Elements(n as u64));
        types_group.bench_with_input(BenchmarkId::from_parameter(n), &yaml, |b, yaml| {
            b.iter(|| report(&renderer, black_box(yaml), &strict))
        });
    }
    types_group.finish();
}

/// Loads `yaml`, renders it, and formats the problems: how many, and the report.
fn report(renderer: &Renderer, yaml: &str, options: &RenderOptions) -> (usize, String) {
    let values = values_from("values.yaml", yaml);
    match renderer.render(&values, options) {
        Err(e) if e.kind() == ErrorKind::Invalid => (e.diagnostics().len(), e.to_string()),
        Ok(manifests) => (
            manifests.warnings().len(),
            Diagnostics::new(manifests.warnings().to_vec()).to_string(),
        ),
        Err(e) => panic!("{e}"),
    }
}

criterion_group!(benches, values, output, diagnostics);
criterion_main!(benches);
