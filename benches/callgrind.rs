//! A fixed amount of work for instruction counts under valgrind (criterion's wall-clock figures
//! move with the machine's load; instruction counts do not): renders a case `N` times.
//!
//! ```text
//! cargo bench --bench callgrind --no-run   # prints the executable's path
//! valgrind --tool=callgrind target/release/deps/callgrind-<hash> render-seed 100
//! ```
//!
//! Cases: `compile`, `render-seed` (rendering alone, values checked once before), `pipeline-seed`
//! (values text to output text). Divide the `Ir` total by `N` (minus the start-up counted with
//! `N` = 0) for the instructions of one.

use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};

const SEED: &str = include_str!("../values/seed.yaml");

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let case = args.next().unwrap_or_else(|| "render-seed".to_string());
    let n: usize = args.next().map_or(100, |n| n.parse().expect("a count"));
    let options = RenderOptions::new(Release::new("ci", "gitlab").expect("valid release"));
    let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
    let mut values = Values::new();
    values.add_yaml("seed.yaml", SEED).expect("valid values");
    let (merged, warnings) = renderer
        .checked_values(&values, &options)
        .expect("valid values");
    let mut bytes = 0;
    for _ in 0..n {
        bytes += match case.as_str() {
            "compile" => {
                let renderer = Renderer::new(Chart::builtin()).expect("chart compiles");
                std::hint::black_box(renderer).chart().templates().len()
            }
            "render-seed" => renderer
                .render_checked(&merged, warnings.clone(), &options)
                .expect("renders")
                .to_string()
                .len(),
            "pipeline-seed" => {
                let mut values = Values::new();
                values.add_yaml("seed.yaml", SEED).expect("valid values");
                renderer
                    .render(&values, &options)
                    .expect("renders")
                    .to_string()
                    .len()
            }
            other => panic!("unknown case {other}"),
        };
    }
    println!("{case} x{n}: {bytes} bytes");
}
