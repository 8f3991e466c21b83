//! Values YAML + up to three `--set` / `--set-string` expressions → load, merge, render, with
//! and without the values schema. Every bad input must come back as an `Err`; no panic, no hang.
//!
//! Input layout (bytes, split on NUL `\0`):
//!
//! ```text
//! <values.yaml> [\0 <part>]...
//! ```
//!
//! - part 0 is the values file text;
//! - a part starting with `\x01` is a `--set-string` expression (the rest of the part);
//! - a part starting with `\x02` is a Kubernetes version (`1.20`, `v1.22.3`, ...) to render for;
//! - a part that is exactly `\x03` renders non-strict (unknown keys are warnings);
//! - any other part is a `--set` expression.
//!
//! At most three expressions are used; later ones are ignored. Inputs that are not valid UTF-8
//! are skipped (the CLI rejects them before the library sees them).

#![no_main]

use std::sync::OnceLock;

use gitlab_runner_chart::{Chart, KubeVersion, Release, RenderOptions, Renderer, UserValues};
use libfuzzer_sys::fuzz_target;

struct Renderers {
    with_schema: Renderer,
    without_schema: Renderer,
    release: Release,
}

fn renderers() -> &'static Renderers {
    static RENDERERS: OnceLock<Renderers> = OnceLock::new();
    RENDERERS.get_or_init(|| Renderers {
        with_schema: Renderer::new(Chart::builtin()).expect("the builtin chart compiles"),
        without_schema: Renderer::new(Chart::builtin().with_schema(None))
            .expect("the builtin chart compiles without its schema"),
        release: Release::new("ci", "gitlab").expect("a valid release"),
    })
}

enum Part<'a> {
    Set(&'a str),
    SetString(&'a str),
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let Some(yaml) = parts.next() else { return };
    let Ok(yaml) = std::str::from_utf8(yaml) else {
        return;
    };

    let r = renderers();
    let mut options = RenderOptions::new(r.release.clone());
    let mut exprs = Vec::new();
    for part in parts {
        let Ok(text) = std::str::from_utf8(part) else {
            return;
        };
        if let Some(version) = text.strip_prefix('\u{2}') {
            match version.parse::<KubeVersion>() {
                Ok(v) => {
                    let _ = v.to_string();
                    options = options.with_kube_version(v);
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        } else if text == "\u{3}" {
            options = options.with_strict(false);
        } else if exprs.len() < 3 {
            exprs.push(match text.strip_prefix('\u{1}') {
                Some(rest) => Part::SetString(rest),
                None => Part::Set(text),
            });
        }
    }

    let mut values = UserValues::new();
    if let Err(e) = values.add_yaml("values.yaml", yaml) {
        let _ = e.to_string();
    }
    for expr in &exprs {
        let result = match expr {
            Part::Set(e) => values.set(e),
            Part::SetString(e) => values.set_string(e),
        };
        if let Err(e) = result {
            let _ = e.to_string();
        }
    }

    for renderer in [&r.with_schema, &r.without_schema] {
        match renderer.render(&values, &options) {
            Ok(manifests) => {
                let _ = manifests.to_string();
                for warning in manifests.warnings() {
                    let _ = warning.to_string();
                }
                for m in &manifests {
                    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(m.content()) {
                        panic!(
                            "rendered document {} ({}) is not valid YAML: {e}\n{}",
                            m.name(),
                            m.source(),
                            m.content()
                        );
                    }
                }
            }
            Err(e) => {
                let _ = e.to_string();
                let _ = format!("{e:?}");
            }
        }
    }
});
