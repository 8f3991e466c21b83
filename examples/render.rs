//! `render`: the command line of the `gitlab-runner-chart` binary under the name `render`, for
//! `cargo run --example render -- ...` from a checkout. The code is the binary's
//! (`src/bin/gitlab-runner-chart/cli/`): see there, or `--help`.

use std::process::ExitCode;

#[path = "../src/bin/gitlab-runner-chart/cli/mod.rs"]
mod cli;

fn main() -> ExitCode {
    ExitCode::from(cli::main("render"))
}
