//! The binary's start on Linux with glibc: C's `main`, without Rust's runtime start.
//!
//! Rust's start (`std::rt::lang_start`) prepares three things before `main`: SIGPIPE ignored
//! (a write to a closed pipe is an error, which the command line reports as it documents),
//! the standard streams open (a closed one is opened on `/dev/null`, so that no file the
//! program opens takes its number), and a report for a stack overflow, for which glibc reads
//! the whole of `/proc/self/maps` to find the main thread's stack, and a signal stack is
//! mapped: 0.11 M instructions and about 20 system calls, 0.4-0.5 ms of a 3 ms run on the machine
//! of the README's figures (this VM's system calls are slow).
//! The first two are done here as Rust does them; without the third, a stack overflow (which
//! the limit on the nesting of values and minijinja's recursion limit are there to prevent)
//! ends the process with SIGSEGV and no message: the same end without its line of text. Arguments and the environment
//! come from glibc as usual; the exit status through `std::process::exit`, which flushes
//! stdout as a return from Rust's `main` does.

use std::ffi::{c_char, c_int};

/// What glibc calls: the command line's run, then its exit status.
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    prepare();
    std::process::exit(i32::from(crate::cli::main("gitlab-runner-chart")))
}

/// SIGPIPE ignored and the standard streams open, as Rust's start leaves them.
fn prepare() {
    let mut streams = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: three valid `pollfd`s; a timeout of 0 returns at once.
    if unsafe { libc::poll(streams.as_mut_ptr(), 3, 0) } == -1 {
        // Rust's start gives up too where it cannot tell
        std::process::abort();
    }
    for stream in streams {
        if stream.revents & libc::POLLNVAL != 0 {
            // SAFETY: a NUL-terminated path; the lowest free number is this closed stream's.
            let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if opened != stream.fd {
                std::process::abort();
            }
        }
    }
    // SAFETY: SIG_IGN is a valid disposition for SIGPIPE.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}
