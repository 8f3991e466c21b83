//! Rendered manifests: splitting template output into documents ([`split_documents`]), Helm's install
//! order ([`sort_by_install_order`]) and the output stream ([`Manifests`]'s `Display`).

mod fast;
mod order;
mod split;

use std::fmt;

use crate::diagnostic::Diagnostic;

pub use order::{sort_by_install_order, INSTALL_ORDER};
pub use split::split_documents;

/// A template produced something that is not a Kubernetes object. This is a defect of the
/// chart (or of a value the chart failed to quote), never silently printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// A document is not valid YAML.
    #[error("{source_name}: document {document} is not valid YAML{}: {message}", line.map(|l| format!(" (line {l} of the document)")).unwrap_or_default())]
    InvalidYaml {
        /// `gitlab-runner/templates/<file>`.
        source_name: String,
        /// 1-based index of the document in the template's output.
        document: usize,
        /// Line in the document, when known.
        line: Option<usize>,
        /// What the parser said.
        message: String,
    },
    /// A document is YAML but not a Kubernetes object.
    #[error("{source_name}: document {document} is not a Kubernetes object: {message}")]
    NotAnObject {
        /// `gitlab-runner/templates/<file>`.
        source_name: String,
        /// 1-based index of the document in the template's output.
        document: usize,
        /// What is missing.
        message: String,
    },
}

/// One rendered Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    source: String,
    kind: String,
    name: String,
    content: String,
}

impl Manifest {
    /// A manifest from its parts: `source` is the template path printed in `# Source:`.
    pub fn new(source: &str, kind: &str, name: &str, content: String) -> Manifest {
        Manifest {
            source: source.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            content,
        }
    }

    /// The template it came from, e.g. `gitlab-runner/templates/deployment.yaml`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The object's `kind`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The object's `metadata.name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The object's YAML text (no leading `---`, no trailing newline).
    pub fn content(&self) -> &str {
        &self.content
    }
}

/// The result of a render: manifests in install order, and warnings about the values (Helm's
/// merge warnings; unknown keys when not strict).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifests {
    items: Vec<Manifest>,
    warnings: Vec<Diagnostic>,
}

impl Manifests {
    /// Manifests (to be printed in the given order) and warnings.
    pub fn new(items: Vec<Manifest>, warnings: Vec<Diagnostic>) -> Manifests {
        Manifests { items, warnings }
    }

    /// The manifests, in install order.
    pub fn iter(&self) -> std::slice::Iter<'_, Manifest> {
        self.items.iter()
    }

    /// How many objects were rendered.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if nothing was rendered.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The kinds, in output order.
    pub fn kinds(&self) -> Vec<&str> {
        self.items.iter().map(Manifest::kind).collect()
    }

    /// The first object of `kind`, if any.
    pub fn find(&self, kind: &str) -> Option<&Manifest> {
        self.items.iter().find(|m| m.kind == kind)
    }

    /// Warnings about the values, with their path and origin (print them on stderr).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

impl<'a> IntoIterator for &'a Manifests {
    type Item = &'a Manifest;
    type IntoIter = std::slice::Iter<'a, Manifest>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl fmt::Display for Manifest {
    /// One object as `helm template` prints it: `---`, `# Source: <template>`, the object,
    /// a line break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "---\n# Source: {}\n{}", self.source, self.content)
    }
}

impl fmt::Display for Manifests {
    /// The stream `helm template` prints: `---`, `# Source: <template>`, the object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.items {
            write!(f, "{m}")?;
        }
        Ok(())
    }
}
