//! Render the GitLab Runner Helm chart in pure Rust: what `helm template` does, with no helm
//! binary, no Go, no network and no chart repository.
//!
//! The chart (templates and default values) is compiled into the library. User values are
//! loaded from YAML, merged over the chart defaults with Helm's rules, `--set` expressions are
//! applied, and the templates are rendered into a deterministic stream of Kubernetes manifests,
//! ready for `kubectl apply -f -`.
//!
//! ```
//! use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, UserValues};
//!
//! let renderer = Renderer::new(Chart::builtin())?;
//! let mut values = UserValues::new();
//! values.add_yaml("my-values.yaml", "gitlabUrl: https://gitlab.example.com/\nrunnerRegistrationToken: abc\n")?;
//! values.set("runners.tags=k8s\\,docker")?;
//! let options = RenderOptions::new(Release::new("ci", "gitlab")?);
//! let manifests = renderer.render(&values, &options)?;
//! assert_eq!(manifests.kinds(), ["Secret", "ConfigMap", "Deployment"]);
//! print!("{manifests}"); // ---\n# Source: gitlab-runner/templates/secrets.yaml\n...
//! # Ok::<(), gitlab_runner_chart::Error>(())
//! ```
//!
//! Data flows one way, one module a step:
//! [`values`] (load, merge, `--set`) → [`context`] (Release, Chart, Capabilities) →
//! [`engine`] (minijinja with Helm's functions) → [`manifest`] (split, install order, output).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod chart;
mod context;
mod diagnostic;
mod engine;
mod error;
mod manifest;
mod render;
mod schema;
mod tpl;
mod values;

pub use chart::{Chart, ChartMetadata};
pub use context::{KubeVersion, Release};
pub use diagnostic::{Diagnostic, Diagnostics, Origin, Severity};
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
        from_str, from_value, to_string, to_value, Error, Mapping, Number, Value,
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
