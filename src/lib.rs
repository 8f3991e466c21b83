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

pub mod chart;
pub mod context;
pub mod diagnostic;
pub mod engine;
mod error;
pub mod manifest;
mod render;
pub mod schema;
pub mod tpl;
pub mod values;

pub use chart::{Chart, ChartError, ChartMetadata, ChartRules};
pub use context::{KubeVersion, Release, ReleaseError};
pub use diagnostic::{Diagnostic, Diagnostics, Origin, ReportStyle, Severity};
pub use engine::TemplateError;
pub use error::Error;
pub use manifest::{Manifest, ManifestError, Manifests};
pub use render::{RenderOptions, Renderer};
pub use values::{UserValues, ValuesError};
