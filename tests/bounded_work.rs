//! Hostile input costs bounded work, checked by counting the bytes allocated (not by timing,
//! which depends on the machine): `--set` expressions that pad lists, a values file of one
//! 4 MB line with an error on it, an alias bomb.
//!
//! A counting allocator wraps the system allocator and counts, for the thread that allocates,
//! the bytes live at the peak and the bytes allocated in all; tests run on threads of their
//! own, so they do not see each other's allocations. [`measure`] gives both for a closure.
//!
//! (The crate forbids `unsafe` in `src/`; a `GlobalAlloc` cannot be written without it, so
//! this test file has the few lines of it that one needs.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use gitlab_runner_chart::__private::values::strvals::{MAX_LIST_INDEX, MAX_PADDED_ELEMENTS};
use gitlab_runner_chart::{Chart, Error, ErrorKind, Release, RenderOptions, Renderer, Values};

// ---- the counting allocator ----

thread_local! {
    /// Bytes allocated and not yet freed by this thread (freeing what another thread
    /// allocated can take it below zero).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The most `LIVE` has been since the last [`measure`] started.
    static PEAK: Cell<isize> = const { Cell::new(0) };
    /// Bytes allocated in all by this thread.
    static TOTAL: Cell<usize> = const { Cell::new(0) };
}

fn allocated(bytes: usize) {
    // `try_with`: nothing to count while the thread's locals are torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes as isize;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
    let _ = TOTAL.try_with(|total| total.set(total.get() + bytes));
}

fn freed(bytes: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get() - bytes as isize));
}

/// The system allocator, counting.
struct Counting;

// SAFETY: every call is passed on to `System` unchanged; the counting touches only
// thread-locals with constant initializers (no allocation, no destructor).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are those `System.alloc` needs.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            allocated(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            allocated(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        freed(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and `new_size` is valid as the caller guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            freed(layout.size());
            allocated(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What a closure allocated on this thread.
#[derive(Debug, Clone, Copy)]
struct Usage {
    /// The most bytes live at once, above what was live when it started.
    peak: usize,
    /// The bytes allocated in all (freed or not).
    total: usize,
}

/// Runs `f` and says what it allocated.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let total = TOTAL.with(Cell::get);
    let result = f();
    let usage = Usage {
        peak: (PEAK.with(Cell::get) - start).max(0) as usize,
        total: TOTAL.with(Cell::get) - total,
    };
    (result, usage)
}

const MB: usize = 1024 * 1024;

// ---- inputs ----

/// A values file where one anchor holds a list of `scalars` strings and `references` keys
/// refer to it: small text, `scalars * references` scalars once aliases are expanded.
/// `alias_bomb_yaml(1_000, 10_000)` is about 190 KB of text for ten million scalars.
fn alias_bomb_yaml(scalars: usize, references: usize) -> String {
    let mut yaml = String::from("podAnnotations:\n  base: &a [");
    for i in 0..scalars {
        if i > 0 {
            yaml.push_str(", ");
        }
        yaml.push_str(&format!("s{i}"));
    }
    yaml.push_str("]\nrunners:\n  podLabels:\n");
    for i in 0..references {
        yaml.push_str(&format!("    r{i}: *a\n"));
    }
    yaml
}

/// One line of `{"podAnnotations": {"a": "xxx…"}, "concurrent": "many"}` (JSON is YAML) of
/// about `bytes` bytes: a minified values file with an error at its very end.
fn one_long_line_with_an_error_at_the_end(bytes: usize) -> String {
    let head = r#"{"podAnnotations": {"a": ""#;
    let tail = r#""}, "concurrent": "many"}"#;
    format!(
        "{head}{}{tail}",
        "x".repeat(bytes - head.len() - tail.len())
    )
}

fn render(values: &Values) -> Result<String, Error> {
    let renderer = Renderer::new(Chart::builtin())?;
    let options = RenderOptions::new(Release::new("ci", "gitlab")?);
    Ok(renderer.render(values, &options)?.to_string())
}

// ---- --set ----

#[test]
fn set_expressions_padding_lists_past_the_limit_are_refused_with_little_memory() {
    // `--set k0[65536]=1 --set k1[65536]=1 ...`: 661 MB for a hundred before the limit.
    let mut values = Values::new();
    let (results, usage) = measure(|| {
        (0..100)
            .map(|i| values.set(&format!("k{i}[{MAX_LIST_INDEX}]=1")))
            .collect::<Vec<_>>()
    });
    let accepted = MAX_PADDED_ELEMENTS / (MAX_LIST_INDEX + 1);
    assert_eq!(accepted, 2);
    assert!(results[..accepted].iter().all(Result::is_ok), "{results:?}");
    for (i, result) in results.iter().enumerate().skip(accepted) {
        let message = result.as_ref().expect_err("past the limit").to_string();
        let expected = format!(
            "--set: invalid expression `k{i}[65536]=1` at column {}: list index 65536 pads \
             lists past 131074 elements in all",
            if i < 10 { 4 } else { 5 }
        );
        assert!(message.starts_with(&expected), "{message}");
    }
    assert!(usage.peak < MB, "{usage:?}");
    assert!(usage.total < 4 * MB, "{usage:?}");

    // What was accepted is written within the limit: two lists of 65537 values.
    let (merged, usage) = measure(|| values.merged());
    assert_eq!(merged.len(), 2);
    let value = std::mem::size_of::<serde_yaml::Value>();
    assert!(
        usage.peak < (MAX_PADDED_ELEMENTS * value) * 3 / 2,
        "{usage:?} for {MAX_PADDED_ELEMENTS} values of {value} bytes"
    );
}

#[test]
fn one_set_expression_padding_past_the_limit_is_refused_with_little_memory() {
    let expression: String = (0..100)
        .map(|i| format!("k{i}[{MAX_LIST_INDEX}]=1"))
        .collect::<Vec<_>>()
        .join(",");
    let mut values = Values::new();
    let (result, usage) = measure(|| values.set(&expression));
    let message = result.expect_err("past the limit").to_string();
    assert!(
        message.contains("at column 28: list index 65536 pads lists"),
        "{message}"
    );
    assert!(usage.peak < MB, "{usage:?}");
    // The message shows a window of the expression, not all of it.
    assert!(message.len() < 600, "{message}");
}

#[test]
fn an_error_in_a_one_megabyte_set_value_is_a_short_message() {
    let expression = format!("runners.tags={},oops", "x".repeat(MB));
    let mut values = Values::new();
    let (result, usage) = measure(|| values.set(&expression).map_err(|e| e.to_string()));
    let message = result.expect_err("no `=` after `oops`");
    assert!(message.len() < 600, "{} bytes", message.len());
    assert!(
        message.starts_with("--set: invalid expression `…xxxx"),
        "{message}"
    );
    assert!(
        message.contains("xxxx,oops` at column 1048595: "),
        "{message}"
    );
    // The expression is read into characters (4 bytes each) once.
    assert!(usage.peak < 8 * MB, "{usage:?}");
}

// ---- a values file of one long line ----

#[test]
fn an_error_at_the_end_of_a_four_megabyte_line_is_a_short_message() {
    let yaml = one_long_line_with_an_error_at_the_end(4 * MB - 100);
    let mut values = Values::new();
    values.add_yaml("values.json", &yaml).expect("valid YAML");
    let (result, usage) = measure(|| render(&values));
    let Err(error) = result else {
        panic!("expected invalid values");
    };
    assert_eq!(error.kind(), ErrorKind::Invalid, "{error}");
    let (message, formatting) = measure(|| error.to_string());
    assert!(
        message.starts_with("error: concurrent: expected a whole number from 0 to 2147483647"),
        "{message}"
    );
    assert!(message.len() < 1_000, "{} bytes:\n{message}", message.len());
    let column = yaml.len() - r#""many"}"#.len() + 1;
    assert!(
        message.contains(&format!(" --> values.json:1:{column}\n")),
        "{message}"
    );
    assert!(message.contains("\n1 | ...xxxx"), "{message}");
    assert!(
        message.contains(r#"x"}, "concurrent": "many"}"#),
        "{message}"
    );
    // Formatting the report costs the window, not the line.
    assert!(formatting.total < 64 * 1024, "{formatting:?}");
    // The whole render: a few copies of the file, not one per character or per problem.
    assert!(usage.peak < 20 * yaml.len(), "{usage:?}");
}

#[test]
fn a_syntax_error_at_the_end_of_a_four_megabyte_line_is_a_short_message() {
    // A `]` closing the `{`.
    let mut yaml = one_long_line_with_an_error_at_the_end(4 * MB - 100);
    yaml.pop();
    yaml.push(']');
    let mut values = Values::new();
    let (result, usage) = measure(|| values.add_yaml("values.json", &yaml));
    let error = result.expect_err("invalid YAML");
    let (message, formatting) = measure(|| error.to_string());
    assert!(
        message.starts_with(&format!(
            "error: invalid YAML at line 1, column {}: ",
            yaml.len()
        )),
        "{message}"
    );
    assert!(message.len() < 1_000, "{} bytes:\n{message}", message.len());
    assert!(
        message.contains(&format!(" --> values.json:1:{}\n", yaml.len())),
        "{message}"
    );
    assert!(message.contains("\n1 | ...xxxx"), "{message}");
    assert!(
        message.contains(r#"x"}, "concurrent": "many"]"#),
        "{message}"
    );
    // The window, and one copy of the line (the error's report builds an `Origin` holding it).
    assert!(formatting.total < yaml.len() + 64 * 1024, "{formatting:?}");
    assert!(usage.peak < 20 * yaml.len(), "{usage:?}");
}

// ---- aliases ----

/// One anchor of 1,000 scalars referenced 10,000 times (a 32 KB file that Helm refuses, and
/// that once took 15 s and 2.1 GB here): refused, with memory of the order of the file.
#[test]
fn an_alias_bomb_is_refused_with_bounded_memory() {
    let yaml = alias_bomb_yaml(1_000, 10_000);
    assert!(yaml.len() < 200 * 1024, "{} bytes", yaml.len());
    let mut values = Values::new();
    let (result, usage) = measure(|| values.add_yaml("values.yaml", &yaml));
    let message = match result {
        Ok(()) => panic!("an alias bomb accepted, {usage:?}"),
        Err(e) => e.to_string(),
    };
    assert!(
        message.contains("excessive aliasing")
            || message.contains("aliases expand to too much data"),
        "{message}"
    );
    // Refused once about 100,000 values are copied (where go-yaml's ratio rule refuses it too):
    // the memory of those copies, whatever the number of references after them.
    assert!(usage.peak < 40 * MB, "{usage:?}");
    let bigger = alias_bomb_yaml(1_000, 100_000);
    let (result, bigger_usage) = measure(|| Values::new().add_yaml("values.yaml", &bigger));
    assert!(result.is_err());
    assert!(
        bigger_usage.peak < usage.peak + 2 * bigger.len(),
        "{bigger_usage:?} vs {usage:?}"
    );
    // Under the ratio rule, the absolute cap: 40,000 scalars copied 3 times each by one
    // sequence of 120,000 aliases is refused past 100,000 values copied, still bounded.
    let yaml = alias_bomb_yaml(40_000, 3);
    let mut values = Values::new();
    let (result, usage) = measure(|| values.add_yaml("values.yaml", &yaml));
    let message = result
        .expect_err("more than 100,000 values copied")
        .to_string();
    assert!(
        message.contains("aliases expand to too much data"),
        "{message}"
    );
    assert!(usage.peak < 40 * MB, "{usage:?}");
}
