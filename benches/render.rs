//! Benchmarks of rendering the embedded chart (issue 10's ids):
//!
//! - `compile`: building the renderer for the embedded chart (`Renderer::new(Chart::builtin())`);
//! - `render/default`, `render/seed`, `render/full`: rendering alone, one reused renderer, the
//!   values already loaded, merged and checked: templates, install order and the output string;
//! - `pipeline/seed`: from the YAML text of `values/seed.yaml` to the output string (load, merge,
//!   check, render, order, write);
//! - `scaling/<field>/<n>`: the whole pipeline with `n` entries (10 to 10,000) of `hostAliases`,
//!   `podLabels`, `envVars` or `runners.env` added to the seed values.
//!
//! Throughput is in output bytes.
//!
//! ```text
//! cargo bench --bench render
//! cargo bench --bench render -- --warm-up-time 1 --measurement-time 3   # quicker
//! cargo bench --bench render -- scaling                                 # one group
//! ```

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};

const SEED: &str = include_str!("../values/seed.yaml");
/// Values that reach every template: RBAC, S3 cache, HPA, job pods, registration flags.
const FULL: &str = include_str!("../tests/golden/21-registration-flags/values.yaml");

fn values_from(name: &str, yaml: &str) -> Values {
    let mut values = Values::new();
    values.add_yaml(name, yaml).expect("valid values");
    values
}

fn options() -> RenderOptions {
    RenderOptions::new(Release::new("ci", "gitlab").expect("valid release"))
}

/// The whole pipeline: values text to output text.
fn pipeline(renderer: &Renderer, yaml: &str, options: &RenderOptions) -> String {
    let values = values_from("values.yaml", yaml);
    renderer
        .render(&values, options)
        .expect("renders")
        .to_string()
}

fn compile(c: &mut Criterion) {
    c.bench_function("compile", |b| {
        b.iter(|| Renderer::new(black_box(Chart::builtin())).expect("chart compiles"))
    });
}

fn render(c: &mut Criterion) {
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let options = options();
    let mut group = c.benchmark_group("render");
    for (id, yaml) in [("default", ""), ("seed", SEED), ("full", FULL)] {
        let (merged, warnings) = renderer
            .checked_values(&values_from("values.yaml", yaml), &options)
            .expect("valid values");
        let render = || {
            renderer
                .render_checked(black_box(&merged), warnings.clone(), black_box(&options))
                .expect("renders")
                .to_string()
        };
        group.throughput(Throughput::Bytes(render().len() as u64));
        group.bench_function(id, |b| b.iter(render));
    }
    group.finish();
}

fn pipeline_seed(c: &mut Criterion) {
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let options = options();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(
        pipeline(&renderer, SEED, &options).len() as u64
    ));
    group.bench_function("seed", |b| {
        b.iter(|| pipeline(&renderer, black_box(SEED), &options))
    });
    group.finish();
}

/// The fields of the scaling benchmarks, and how `n` entries of each are written.
const FIELDS: &[&str] = &["hostAliases", "podLabels", "envVars", "runnersEnv"];

/// The seed values with `n` entries of `field` added, and a string the output then holds (the
/// last entry reached the manifests).
fn scaled_values(field: &str, n: usize) -> (String, String) {
    let last = n - 1;
    let entries = |line: &dyn Fn(usize) -> String| (0..n).map(line).collect::<String>();
    // (what the generated entries go after in the seed, the entries, the marker)
    let (after, added, marker) = match field {
        // the seed has one entry: the generated ones follow it
        "hostAliases" => (
            "hostAliases: \n",
            entries(&|i| {
                format!(
                    "  - ip: \"10.{}.{}.{}\"\n    hostnames:\n      - \"host-{i}.example.com\"\n",
                    i / 65536,
                    i / 256 % 256,
                    i % 256
                )
            }),
            format!("host-{last}.example.com"),
        ),
        "podLabels" => (
            "\npodLabels: {}\n",
            entries(&|i| format!("  example.com/label-{i}: \"value-{i}\"\n")),
            format!("example.com/label-{last}"),
        ),
        "envVars" => (
            "tolerations: []\n",
            entries(&|i| {
                format!("  - name: VARIABLE_{i}\n    value: \"value {i}, with spaces\"\n")
            }),
            format!("VARIABLE_{last}"),
        ),
        "runnersEnv" => (
            "\nrunners:\n",
            entries(&|i| format!("    VARIABLE_{i}: \"value {i}, with spaces\"\n")),
            format!("VARIABLE_{last}="),
        ),
        other => panic!("no such field {other}"),
    };
    let replacement = match field {
        "podLabels" => format!("\npodLabels:\n{added}"),
        "envVars" => format!("{after}envVars:\n{added}"),
        "runnersEnv" => format!("{after}  env:\n{added}"),
        _ => format!("{after}{added}"),
    };
    assert!(SEED.contains(after), "the seed values have {after:?}");
    (SEED.replacen(after, &replacement, 1), marker)
}

fn scaling(c: &mut Criterion) {
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let options = options();
    for field in FIELDS {
        let mut group = c.benchmark_group(format!("scaling/{field}"));
        group.sample_size(10);
        for n in [10, 100, 1_000, 10_000] {
            let (yaml, marker) = scaled_values(field, n);
            let output = pipeline(&renderer, &yaml, &options);
            assert!(
                output.contains(&marker),
                "{field}/{n}: {marker} not rendered"
            );
            group.throughput(Throughput::Bytes(output.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &yaml, |b, yaml| {
                b.iter(|| pipeline(&renderer, black_box(yaml), &options))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, compile, render, pipeline_seed, scaling);
criterion_main!(benches);
