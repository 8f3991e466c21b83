//! The corpus of bad inputs: `tests/bad/<case>/` holds a `values.yaml` (any bytes; or the
//! files its `args` name) and optionally `args` (the command line of the `gitlab-runner-chart`
//! binary, which Cargo builds for this test, one argument a line; default
//! `ci -n gitlab -f values.yaml`; the cases of today's chart, `current-*`, give
//! `--chart current` there) and `exit-code` (default 1). `expected.txt` is exactly what the
//! binary prints on stderr, run in the case's directory.
//!
//! No case may print a secret: every token in the corpus contains `SECRET`, and no output may.
//!
//! After an intended change: `UPDATE_GOLDEN=1 cargo test --test bad`, then review the diff.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

const BAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad");

fn cases() -> Vec<PathBuf> {
    support::case_dirs(BAD)
}

fn run_case(binary: &Path, dir: &Path) -> (i32, String, String) {
    let args: Vec<String> = match std::fs::read_to_string(dir.join("args")) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(_) => ["ci", "-n", "gitlab", "-f", "values.yaml"]
            .map(String::from)
            .to_vec(),
    };
    let output = Command::new(binary)
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bad_inputs_give_the_expected_errors() {
    let binary = Path::new(env!("CARGO_BIN_EXE_gitlab-runner-chart"));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let dirs = cases();
    // each case is a process of its own: run them on every core, then check them in order
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runs: Vec<(i32, String, String)> = std::thread::scope(|scope| {
        let chunks: Vec<_> = dirs
            .chunks(dirs.len().div_ceil(workers).max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|dir| run_case(binary, dir))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    for (dir, (code, stdout, stderr)) in dirs.iter().zip(runs) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected_code: i32 = std::fs::read_to_string(dir.join("exit-code"))
            .map(|t| t.trim().parse().unwrap())
            .unwrap_or(1);
        if code != expected_code {
            failures.push(format!(
                "{name}: exit code {code}, expected {expected_code}\n{stderr}"
            ));
        }
        if expected_code != 0 && !stdout.is_empty() {
            failures.push(format!("{name}: printed manifests despite the error"));
        }
        if stderr.contains("SECRET") || (expected_code != 0 && stdout.contains("SECRET")) {
            failures.push(format!("{name}: a secret reached the output:\n{stderr}"));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked:\n{stderr}"));
        }
        let expected_path = dir.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &stderr).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == stderr => {}
            Ok(expected) => failures.push(format!(
                "{name}: stderr differs\n--- expected\n{expected}--- actual\n{stderr}"
            )),
            Err(_) => failures.push(format!(
                "{name}: no expected.txt (UPDATE_GOLDEN=1 cargo test --test bad)"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_corpus_is_large_enough() {
    let count = cases().len();
    assert!(count >= 40, "only {count} bad inputs");
}
