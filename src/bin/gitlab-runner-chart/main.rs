//! `gitlab-runner-chart`: the GitLab Runner chart rendered like `helm template`, without helm.
//! Installed with `cargo install gitlab-runner-chart` (or `cargo install --path .`); the
//! command line itself is in [`cli`], shared with the `render` example.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main("gitlab-runner-chart")
}
