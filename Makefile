# Everyday commands. `make ci` is what CI runs (.ci/run).
.PHONY: test lint fmt golden bench doc ci

test:            ## the README's test command
	cargo test

lint:            ## formatting and clippy, as CI checks them
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all

golden:          ## rewrite the golden files after an intended change, then review `git diff tests/`
	UPDATE_GOLDEN=1 cargo test --test golden --test bad --test schema

bench:           ## criterion benchmarks (benches/render.rs)
	cargo bench --bench render

doc:             ## the API documentation, without warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

ci:              ## the whole CI script
	bash .ci/run
