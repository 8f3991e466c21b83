//! The public API, listed item by item in `tests/public-api.txt`, so that every change to it
//! shows in review.
//!
//! The listing comes from rustdoc's JSON output (read by the `public-api` crate). That output
//! is unstable in rustdoc: the stable toolchain gives it with `RUSTC_BOOTSTRAP=1` (set here
//! for the `cargo rustdoc` run only). It takes a build of the documentation (~20 s), so the
//! test is ignored by a plain `cargo test`; `.ci/run` runs it:
//!
//! ```text
//! cargo test --test public_api -- --ignored                   # compare
//! UPDATE_GOLDEN=1 cargo test --test public_api -- --ignored   # rewrite tests/public-api.txt
//! ```
//!
//! Items marked `#[doc(hidden)]` (`__private`, the `UserValues` alias) are not listed: they
//! are not part of the API.

use std::path::{Path, PathBuf};

#[test]
#[ignore = "builds the rustdoc JSON (~20 s): cargo test --test public_api -- --ignored"]
fn public_api_is_the_listed_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A target directory of its own: the one of `cargo test` is locked while it runs.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("public-api");
    let json = rustdoc_json::Builder::default()
        .manifest_path(root.join("Cargo.toml"))
        .target_dir(&target)
        .env("RUSTC_BOOTSTRAP", "1")
        .silent(false)
        .quiet(true)
        .build()
        .expect("cargo rustdoc --output-format json");
    // Blanket impls (`impl<T> From<T> for T`, `Borrow`, ...) are the same for every type:
    // left out. Auto traits (`Send`, `Sync`, ...) are kept: losing one breaks users.
    let api = public_api::Builder::from_rustdoc_json(&json)
        .omit_blanket_impls(true)
        .build()
        .expect("the rustdoc JSON can be read (format 57, rustc 1.95)");
    let listing = format!("{api}");
    let golden = root.join("tests/public-api.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &listing).expect("write tests/public-api.txt");
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if listing != expected {
        let old: Vec<&str> = expected.lines().collect();
        let new: Vec<&str> = listing.lines().collect();
        let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
        let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
        panic!(
            "the public API changed (if on purpose: UPDATE_GOLDEN=1 cargo test --test public_api \
             -- --ignored, and review tests/public-api.txt)\nremoved:\n{}\nadded:\n{}",
            removed
                .iter()
                .map(|l| format!("- {l}\n"))
                .collect::<String>(),
            added.iter().map(|l| format!("+ {l}\n")).collect::<String>(),
        );
    }
}
