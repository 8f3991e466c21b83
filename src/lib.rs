//! Render the GitLab Runner Helm chart in pure Rust: what `helm template` does, with no helm
//! binary, no Go, no network and no chart repository.
//!
//! The chart (templates and default values) is compiled into the library. User values are
//! loaded from YAML, merged over the chart defaults with Helm's rules, `--set` expressions are
//! applied, and the templates are rendered into a deterministic stream of Kubernetes manifests,
//! ready for `kubectl apply -f -`.
//!
//! # Render the chart in 10 lines
//!
//! ```
//! use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
//!
//! let mut values = Values::new();
//! values.add_yaml("my-values.yaml", "gitlabUrl: https://gitlab.example.com/\nrunnerToken: glrt-abc\n")?;
//! values.set("concurrent=4")?;
//! let options = RenderOptions::new(Release::new("ci", "gitlab")?);
//! let manifests = Renderer::new(Chart::current())?.render(&values, &options)?;
//! manifests.to_writer(std::io::stdout().lock()).expect("stdout"); // ---\n# Source: gitlab-runner/templates/...
//! # assert!(manifests.kinds().contains(&"Deployment"));
//! # Ok::<(), gitlab_runner_chart::Error>(())
//! ```
//!
//! [`Chart::current()`](Chart::current) takes the values of today's official chart (0.86.0);
//! [`Chart::builtin()`](Chart::builtin) those of the chart's 2019 schema (0.16:
//! `runnerRegistrationToken`, `runners.image`):
//!
//! ```
//! use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
//!
//! let mut values = Values::new();
//! values.add_yaml("my-values.yaml", "gitlabUrl: https://gitlab.example.com/\nrunnerRegistrationToken: abc\n")?;
//! values.set("runners.tags=k8s\\,docker")?;
//! let options = RenderOptions::new(Release::new("ci", "gitlab")?);
//! let manifests = Renderer::new(Chart::builtin())?.render(&values, &options)?;
//! assert_eq!(manifests.kinds(), ["Secret", "ConfigMap", "Deployment"]);
//! print!("{manifests}"); // the same stream as `to_writer`
//! # Ok::<(), gitlab_runner_chart::Error>(())
//! ```
//!
//! # The API
//!
//! - [`Chart`]: an embedded chart or a chart directory; [`Renderer`]: its templates compiled,
//!   rendered with [`Values`] and [`RenderOptions`] ([`Release`], [`KubeVersion`]).
//! - [`Manifests`]: the rendered objects in install order, each a [`Manifest`] readable as
//!   text, as a [`yaml::Value`] or deserialized into your own types (or `k8s-openapi`'s, see
//!   `examples/embed.rs`).
//! - [`Error`]: one type for every failure, whose `Display` is the whole report and whose
//!   [`diagnostics`](Error::diagnostics) are the same problems as [`Diagnostic`]s.
//! - [`yaml`]: the YAML value types of the signatures, those of `yaml_serde` (the maintained
//!   fork of `serde_yaml`); [`Values::add_serialize`] takes any `Serialize` value instead.
//!
//! Everything else (the YAML loader, `--set` parser, schema checks, template functions) is
//! private and may change in any release.
//!
//! Data flows one way, one module a step: values (load, merge, `--set`) → context (Release,
//! Chart, Capabilities) → engine (minijinja with Helm's functions) → manifests (split, install
//! order, output).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod chart;
mod context;
mod diagnostic;
mod engine;
mod error;
mod lines;
mod manifest;
mod render;
mod schema;
mod tpl;
mod values;

pub use chart::{Chart, ChartMetadata};
pub use context::{KubeVersion, Release};
pub use diagnostic::{Diagnostic, Diagnostics, Origin, ReportStyle, Severity};
pub use error::{Error, ErrorKind};
pub use manifest::{Manifest, Manifests};
pub use render::{RenderOptions, Renderer};
pub use values::Values;

// Each step's own error, for the crate's modules (public as [`Error`] and [`ErrorKind`]).
pub(crate) use chart::ChartError;
pub(crate) use context::ReleaseError;
pub(crate) use engine::TemplateError;
pub(crate) use manifest::ManifestError;
pub(crate) use values::ValuesError;

#[doc(hidden)]
pub use values::UserValues;

/// The YAML value types of the API: what [`Values::add_mapping`] takes, what
/// [`Chart::default_values`], [`Renderer::checked_values`] and [`Manifest::to_value`] return.
///
/// They are the types of [`yaml_serde`](https://crates.io/crates/yaml_serde), the maintained
/// fork of the archived `serde_yaml` (same API, other crate): a `serde_yaml::Value` of your own
/// is another type. To pass values built with `serde_yaml`, `serde_json` or your own structs,
/// use [`Values::add_serialize`], which takes anything that implements [`serde::Serialize`].
///
/// ```
/// use gitlab_runner_chart::{yaml, Values};
/// let mut map = yaml::Mapping::new();
/// map.insert("concurrent".into(), yaml::Value::from(4));
/// let mut values = Values::new();
/// values.add_mapping(map);
/// assert_eq!(yaml::to_string(&values.merged()).unwrap(), "concurrent: 4\n");
/// ```
pub mod yaml {
    pub use serde_yaml::{
        Error, Mapping, Number, Value, from_str, from_value, to_string, to_value,
    };
}

/// Not part of the API: internals for this crate's own tests, benches and the examples in the
/// documentation of its private modules. Anything here may change or go in any release.
#[doc(hidden)]
pub mod __private {
    /// Internals of the chart.
    pub mod chart {
        pub use crate::chart::*;
    }
    /// Internals of the diagnostics.
    pub mod diagnostic {
        pub use crate::diagnostic::*;
    }
    /// Internals of the template engine.
    pub mod engine {
        pub use crate::engine::*;
    }
    /// Internals of the manifests.
    pub mod manifest {
        pub use crate::manifest::*;
    }
    /// Internals of the values schema.
    pub mod schema {
        pub use crate::schema::*;
    }
    /// Internals of the values.
    pub mod values {
        pub use crate::values::*;
    }
}
