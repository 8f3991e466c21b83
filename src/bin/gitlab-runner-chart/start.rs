//! The binary's start on Linux with glibc: C's `main`, without Rust's runtime start.
//!
//! Rust's start (`std::rt::lang_start`) prepares three things before `main`: SIGPIPE ignored
//! (a write to a closed pipe is an error, which the command line reports as it documents), the
//! standard streams open (a closed one is opened on `/dev/null`, so that no file the program
//! opens takes its number), and a report for a stack overflow, for which glibc reads the whole
//! of `/proc/self/maps` to find the main thread's stack and a signal stack is mapped: 0.11 M
//! instructions and about 20 system calls, 0.2-0.5 ms of a 3 ms run on the VM of the README's
//! figures, whose system calls are slow. The first two are done here as Rust does them; without
//! the third, a stack overflow (which the limit on the nesting of values and minijinja's
//! recursion limit are there to prevent) ends the process with SIGSEGV and no message: the same
//! end without its line of text. Arguments and the environment come from glibc as usual; the
//! exit status goes through `std::process::exit`, which flushes stdout as a return from Rust's
//! `main` does.

use std::ffi::{c_char, c_int};

/// What glibc calls: the command line's run, then its exit status.
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    prepare();
    std::process::exit(i32::from(crate::cli::main("gitlab-runner-chart")))
}

/// SIGPIPE ignored and the standard streams open, as Rust's start leaves them.
fn prepare() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        if closed {
            // SAFETY: a NUL-terminated path; the lowest free number is `fd`, the closed one.
            let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if opened != fd {
                // what Rust's start does too when it cannot
                std::process::abort();
            }
        }
    }
    // SAFETY: SIG_IGN is a valid disposition for SIGPIPE.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}
