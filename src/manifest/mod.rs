//! Rendered manifests: splitting template output into documents ([`split_documents`]), Helm's install
//! order ([`sort_by_install_order`]) and the output stream ([`Manifests`]'s `Display`).

mod fast;
mod order;
mod split;

use std::fmt;

use crate::diagnostic::Diagnostic;

pub use order::{INSTALL_ORDER, sort_by_install_order};
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
    /// A rendered object does not fit the type it was deserialized into
    /// ([`Manifest::deserialize`]).
    #[error("{kind} {name} (from {source_name}) does not fit {type_name}: {message}")]
    Deserialize {
        /// The object's kind.
        kind: String,
        /// The object's name.
        name: String,
        /// The template it came from.
        source_name: String,
        /// The type asked for.
        type_name: &'static str,
        /// What the deserializer said.
        message: String,
    },
}

/// One rendered Kubernetes object: its YAML text as `helm template` prints it
/// ([`content`](Manifest::content)), as a YAML value ([`to_value`](Manifest::to_value)) or
/// deserialized into a type of yours ([`deserialize`](Manifest::deserialize)).
///
/// ```
/// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
/// let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
/// let deployment = manifests.find("Deployment").unwrap();
/// assert_eq!(deployment.source(), "gitlab-runner/templates/deployment.yaml");
/// assert_eq!(deployment.name(), "release-name-gitlab-runner");
/// assert!(deployment.content().starts_with("apiVersion: apps/v1\nkind: Deployment\n"));
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    source: String,
    kind: String,
    name: String,
    content: String,
}

impl Manifest {
    /// A manifest from its parts: `source` is the template path printed in `# Source:`.
    #[doc(hidden)]
    pub fn new(source: &str, kind: &str, name: &str, content: String) -> Manifest {
        Manifest {
            source: source.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            content,
        }
    }

    /// The template it came from, e.g. `gitlab-runner/templates/deployment.yaml`.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let sources: Vec<&str> = manifests.iter().map(|m| m.source()).collect();
    /// assert_eq!(sources, ["gitlab-runner/templates/configmap.yaml",
    ///                      "gitlab-runner/templates/deployment.yaml"]);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The object's `kind`.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// assert_eq!(manifests.iter().next().unwrap().kind(), "ConfigMap");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The object's `metadata.name`.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, Release, RenderOptions, Renderer, Values};
    /// # let renderer = Renderer::new(Chart::builtin())?;
    /// let options = RenderOptions::new(Release::new("ci", "gitlab")?);
    /// let manifests = renderer.render(&Values::new(), &options)?;
    /// assert_eq!(manifests.find("ConfigMap").unwrap().name(), "ci-gitlab-runner");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The object's YAML text (no leading `---`, no trailing newline).
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let config_map = manifests.find("ConfigMap").unwrap();
    /// assert!(config_map.content().starts_with("apiVersion: v1\nkind: ConfigMap\n"));
    /// assert!(!config_map.content().ends_with('\n'));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn content(&self) -> &str {
        &self.content
    }

    /// The object as a YAML value (a mapping with `apiVersion`, `kind`, `metadata`, ...).
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// let mut values = Values::new();
    /// values.set("concurrent=3")?;
    /// let manifests = Renderer::new(Chart::builtin())?.render(&values, &RenderOptions::default())?;
    /// let deployment = manifests.find("Deployment").unwrap().to_value();
    /// assert_eq!(deployment["spec"]["replicas"].as_u64(), Some(1));
    /// assert_eq!(deployment["metadata"]["labels"]["app"].as_str(), Some("release-name-gitlab-runner"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn to_value(&self) -> serde_yaml::Value {
        // Every rendered document was parsed as YAML when the template's output was split
        // ([`split_documents`]): parsing the same text again gives the same value.
        serde_yaml::from_str(&self.content).unwrap_or(serde_yaml::Value::Null)
    }

    /// The object deserialized into `T`: a type of yours, or a typed Kubernetes API object
    /// (`k8s_openapi::api::apps::v1::Deployment`). An object that does not fit `T` is an
    /// [`Error`](crate::Error) of kind [`Deserialize`](crate::ErrorKind::Deserialize) naming
    /// the object and the type.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Object { api_version: String, metadata: Metadata }
    /// #[derive(serde::Deserialize)]
    /// struct Metadata { name: String }
    ///
    /// let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let deployment: Object = manifests.find("Deployment").unwrap().deserialize()?;
    /// assert_eq!(deployment.api_version, "apps/v1");
    /// assert_eq!(deployment.metadata.name, "release-name-gitlab-runner");
    /// assert!(manifests.find("Deployment").unwrap().deserialize::<Vec<u8>>().is_err());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::Error> {
        serde_yaml::from_str(&self.content).map_err(|e| {
            ManifestError::Deserialize {
                kind: self.kind.clone(),
                name: self.name.clone(),
                source_name: self.source.clone(),
                type_name: std::any::type_name::<T>(),
                message: e.to_string(),
            }
            .into()
        })
    }
}

/// The result of a render: manifests in Helm's install order, and warnings about the values
/// (Helm's merge warnings; unknown keys when not strict). `Display` (and
/// [`to_writer`](Manifests::to_writer)) gives the stream `helm template` prints.
///
/// ```
/// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
/// let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
/// for manifest in &manifests {
///     println!("{} {}", manifest.kind(), manifest.name());
/// }
/// assert!(manifests.to_string().starts_with("---\n# Source: gitlab-runner/templates/configmap.yaml\n"));
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifests {
    items: Vec<Manifest>,
    warnings: Vec<Diagnostic>,
}

impl Manifests {
    /// Manifests (to be printed in the given order) and warnings.
    #[doc(hidden)]
    pub fn new(items: Vec<Manifest>, warnings: Vec<Diagnostic>) -> Manifests {
        Manifests { items, warnings }
    }

    /// The manifests, in install order.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let names: Vec<&str> = manifests.iter().map(|m| m.name()).collect();
    /// assert_eq!(names, ["release-name-gitlab-runner"; 2]);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Manifest> {
        self.items.iter()
    }

    /// How many objects were rendered.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// assert_eq!(manifests.len(), 2);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if nothing was rendered.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// assert!(!manifests.is_empty());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The kinds, in output order.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// assert_eq!(manifests.kinds(), ["ConfigMap", "Deployment"]);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn kinds(&self) -> Vec<&str> {
        self.items.iter().map(Manifest::kind).collect()
    }

    /// The first object of `kind`, if any.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// assert!(manifests.find("Deployment").is_some());
    /// assert!(manifests.find("Secret").is_none());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn find(&self, kind: &str) -> Option<&Manifest> {
        self.items.iter().find(|m| m.kind == kind)
    }

    /// Every object deserialized into `T`, in install order (see [`Manifest::deserialize`]):
    /// `T` is a type every object fits, e.g. [`yaml::Value`](crate::yaml::Value), a struct of
    /// the fields you read, or an enum of the kinds you expect.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// #[derive(serde::Deserialize)]
    /// struct Object { kind: String, metadata: Metadata }
    /// #[derive(serde::Deserialize)]
    /// struct Metadata { name: String }
    ///
    /// let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let objects: Vec<Object> = manifests.objects()?;
    /// assert_eq!(objects[1].kind, "Deployment");
    /// assert!(objects.iter().all(|o| o.metadata.name == "release-name-gitlab-runner"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn objects<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>, crate::Error> {
        self.items.iter().map(Manifest::deserialize).collect()
    }

    /// Writes the stream `helm template` prints (the same bytes as `Display`): for each object
    /// `---`, `# Source: <template>`, the object and a line break.
    ///
    /// ```
    /// # use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// # let manifests = Renderer::new(Chart::builtin())?.render(&Values::new(), &RenderOptions::default())?;
    /// let mut out = Vec::new();
    /// manifests.to_writer(&mut out).expect("a Vec takes every byte");
    /// assert_eq!(out, manifests.to_string().into_bytes());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn to_writer(&self, mut writer: impl std::io::Write) -> std::io::Result<()> {
        for manifest in &self.items {
            write!(writer, "{manifest}")?;
        }
        writer.flush()
    }

    /// Warnings about the values, with their path and origin (print them on stderr).
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Severity, Values};
    /// let mut values = Values::new();
    /// values.add_yaml("values.yaml", "runners:\n  privileged: yes\n")?;
    /// let manifests = Renderer::new(Chart::builtin())?.render(&values, &RenderOptions::default())?;
    /// let warning = &manifests.warnings()[0];
    /// assert_eq!((warning.severity, warning.path.as_str()), (Severity::Warning, "runners.privileged"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
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
