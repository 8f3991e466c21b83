//! The one public error type: a variant per stage of the pipeline, each wrapping that stage's
//! own error (which carries the values path, file, line or template location).

use crate::diagnostic::Diagnostics;
use crate::{ChartError, ManifestError, ReleaseError, TemplateError, ValuesError};

/// Anything that can go wrong between reading values and writing manifests.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chart (Chart.yaml, default values, templates) could not be loaded or compiled.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A values file or a `--set` expression is invalid.
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// The merged values break the chart's schema: every problem, each with its values path,
    /// file and line (warnings included).
    #[error(transparent)]
    Invalid(#[from] Diagnostics),
    /// The release name, namespace or Kubernetes version is invalid.
    #[error(transparent)]
    Release(#[from] ReleaseError),
    /// A template failed while rendering (e.g. a `required` value is missing).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A template produced output that is not a valid Kubernetes manifest.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}
