# Everyday commands. `make ci` is what CI runs (.ci/run).
.PHONY: test lint fmt golden golden-review bench doc ci

test:            ## the README's test command
	cargo test

lint:            ## formatting and clippy, as CI checks them
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all

golden:          ## rewrite the golden files after an intended change, then review `git diff tests/`
	INSTA_UPDATE=always cargo test --test golden --test golden_current
	UPDATE_GOLDEN=1 cargo test --test bad --test schema

golden-review:   ## review each changed golden render (tests/snapshots) one by one; needs `cargo install cargo-insta`
	cargo insta test --review --test golden --test golden_current

bench:           ## criterion benchmarks (benches/render.rs)
	cargo bench --bench render

doc:             ## the API documentation, without warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

ci:              ## the whole CI script
	bash .ci/run
