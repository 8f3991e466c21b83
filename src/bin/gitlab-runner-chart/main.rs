//! `gitlab-runner-chart`: the GitLab Runner chart rendered like `helm template`, without helm.
//! Installed with `cargo install gitlab-runner-chart` (or `cargo install --path .`); the
//! command line itself is in [`cli`], shared with the `render` example.
//!
//! On Linux with glibc the binary starts from C's `main` (see [`start`]): Rust's own start
//! reads `/proc/self/maps` for its stack-overflow message, a sixth of a short run here. (Its
//! unit tests keep Rust's start: the test harness is a `main` of its own.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod cli;
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod start;

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::main("gitlab-runner-chart"))
}
