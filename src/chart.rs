//! The chart: `Chart.yaml` metadata, default values and templates.
//!
//! Two charts are compiled into the library: the GitLab Runner chart ([`Chart::builtin`]) and
//! the shell-executor chart for an already registered runner ([`Chart::shell`]); another chart
//! directory in the same layout can be loaded with [`Chart::from_dir`]. This module and the
//! example CLI are the only places that touch the file system.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::schema::compiled::CompiledSchema;
use crate::schema::document::SchemaDocument;
use crate::values::{self, ValuesError};

/// The builtin chart's files, embedded at compile time.
mod builtin {
    pub const CHART_YAML: &str = include_str!("../chart/Chart.yaml");
    pub const VALUES_YAML: &str = include_str!("../values/values.yaml");
    /// `VALUES_YAML` as the loader reads it, as JSON (a test checks that they are the same):
    /// a process reads this instead of 15 KB of commented YAML.
    pub const DEFAULTS_JSON: &str = include_str!("../chart/values.defaults.json");
    /// The values schema, as checked in: what [`crate::schema::values_schema`] generates from
    /// the typed model (`tests/schema.rs` checks that they are the same), embedded so that a
    /// process does not generate it at start.
    pub const SCHEMA_JSON: &str = include_str!("../chart/values.schema.json");
    /// The templates that read `Rendered` (a test checks the list against the templates).
    pub const READ_RENDERED: &[&str] = &["deployment.yaml"];
    /// The manifest templates that are one `if` block, rendered through their guard
    /// (`src/render/guard.rs`; a test checks the list against the templates).
    pub const GUARDED: &[&str] = &[
        "hpa.yaml",
        "role-binding.yaml",
        "role.yaml",
        "secrets.yaml",
        "service-account.yaml",
    ];
    /// Every file of `chart/templates/`, by name (a test checks that the list is complete).
    pub const TEMPLATES: &[(&str, &str)] = &[
        (
            "_helpers.tpl",
            include_str!("../chart/templates/_helpers.tpl"),
        ),
        (
            "_check-live.sh",
            include_str!("../chart/templates/_check-live.sh"),
        ),
        (
            "_configure.sh",
            include_str!("../chart/templates/_configure.sh"),
        ),
        (
            "_entrypoint.sh",
            include_str!("../chart/templates/_entrypoint.sh"),
        ),
        (
            "_register-the-runner.sh",
            include_str!("../chart/templates/_register-the-runner.sh"),
        ),
        (
            "configmap.yaml",
            include_str!("../chart/templates/configmap.yaml"),
        ),
        (
            "deployment.yaml",
            include_str!("../chart/templates/deployment.yaml"),
        ),
        ("hpa.yaml", include_str!("../chart/templates/hpa.yaml")),
        (
            "role-binding.yaml",
            include_str!("../chart/templates/role-binding.yaml"),
        ),
        ("role.yaml", include_str!("../chart/templates/role.yaml")),
        (
            "secrets.yaml",
            include_str!("../chart/templates/secrets.yaml"),
        ),
        (
            "service-account.yaml",
            include_str!("../chart/templates/service-account.yaml"),
        ),
    ];
}

/// The shell-executor chart's files (`chart/shell/`), embedded at compile time.
mod shell {
    pub const CHART_YAML: &str = include_str!("../chart/shell/Chart.yaml");
    pub const VALUES_YAML: &str = include_str!("../chart/shell/values.yaml");
    /// `VALUES_YAML` as the loader reads it, as JSON (a test checks that they are the same).
    pub const DEFAULTS_JSON: &str = include_str!("../chart/shell/values.defaults.json");
    pub const SCHEMA_JSON: &str = include_str!("../chart/shell/values.schema.json");
    /// The templates that read `Rendered` (a test checks the list against the templates).
    pub const READ_RENDERED: &[&str] = &[];
    /// The manifest templates that are one `if` block, rendered through their guard
    /// (`src/render/guard.rs`; a test checks the list against the templates).
    pub const GUARDED: &[&str] = &[];
    /// Every file of `chart/shell/templates/`, by name (a test checks that the list is complete).
    pub const TEMPLATES: &[(&str, &str)] = &[
        (
            "_helpers.tpl",
            include_str!("../chart/shell/templates/_helpers.tpl"),
        ),
        (
            "deployment.yaml",
            include_str!("../chart/shell/templates/deployment.yaml"),
        ),
        (
            "secret.yaml",
            include_str!("../chart/shell/templates/secret.yaml"),
        ),
    ];
}

/// The current official chart's files (`chart/current/`), embedded at compile time.
mod current {
    pub const CHART_YAML: &str = include_str!("../chart/current/Chart.yaml");
    pub const VALUES_YAML: &str = include_str!("../chart/current/values.yaml");
    /// `VALUES_YAML` as the loader reads it, as JSON (a test checks that they are the same).
    pub const DEFAULTS_JSON: &str = include_str!("../chart/current/values.defaults.json");
    /// The values schema, as checked in: what [`crate::schema::current::values_schema`]
    /// generates from the typed model (`tests/schema.rs` checks that they are the same).
    pub const SCHEMA_JSON: &str = include_str!("../chart/current/values.schema.json");
    /// The templates that read `Rendered` (a test checks the list against the templates).
    pub const READ_RENDERED: &[&str] = &["deployment.yaml"];
    /// The manifest templates that are one `if` block, rendered through their guard
    /// (`src/render/guard.rs`; a test checks the list against the templates).
    pub const GUARDED: &[&str] = &[
        "hpa.yaml",
        "ingress-session-server.yaml",
        "podmonitor.yaml",
        "role-binding-session-server.yaml",
        "role-binding.yaml",
        "role-session-server.yaml",
        "role.yaml",
        "secrets.yaml",
        "service-account.yaml",
        "service-session-server.yaml",
        "service.yaml",
        "servicemonitor.yaml",
    ];
    /// Every file of `chart/current/templates/`, by name (a test checks that the list is
    /// complete).
    pub const TEMPLATES: &[(&str, &str)] = &[
        (
            "_check-live.sh",
            include_str!("../chart/current/templates/_check-live.sh"),
        ),
        (
            "_config-template.toml",
            include_str!("../chart/current/templates/_config-template.toml"),
        ),
        (
            "_entrypoint.sh",
            include_str!("../chart/current/templates/_entrypoint.sh"),
        ),
        (
            "_helpers.tpl",
            include_str!("../chart/current/templates/_helpers.tpl"),
        ),
        (
            "_register-the-runner.sh",
            include_str!("../chart/current/templates/_register-the-runner.sh"),
        ),
        (
            "_set-session-server-address.sh",
            include_str!("../chart/current/templates/_set-session-server-address.sh"),
        ),
        (
            "_set-session-server-port.sh",
            include_str!("../chart/current/templates/_set-session-server-port.sh"),
        ),
        (
            "configmap.yaml",
            include_str!("../chart/current/templates/configmap.yaml"),
        ),
        (
            "deployment.yaml",
            include_str!("../chart/current/templates/deployment.yaml"),
        ),
        (
            "extra-manifests.yaml",
            include_str!("../chart/current/templates/extra-manifests.yaml"),
        ),
        (
            "hpa.yaml",
            include_str!("../chart/current/templates/hpa.yaml"),
        ),
        (
            "ingress-session-server.yaml",
            include_str!("../chart/current/templates/ingress-session-server.yaml"),
        ),
        (
            "podmonitor.yaml",
            include_str!("../chart/current/templates/podmonitor.yaml"),
        ),
        (
            "role-binding-session-server.yaml",
            include_str!("../chart/current/templates/role-binding-session-server.yaml"),
        ),
        (
            "role-binding.yaml",
            include_str!("../chart/current/templates/role-binding.yaml"),
        ),
        (
            "role-session-server.yaml",
            include_str!("../chart/current/templates/role-session-server.yaml"),
        ),
        (
            "role.yaml",
            include_str!("../chart/current/templates/role.yaml"),
        ),
        (
            "secrets.yaml",
            include_str!("../chart/current/templates/secrets.yaml"),
        ),
        (
            "service-account.yaml",
            include_str!("../chart/current/templates/service-account.yaml"),
        ),
        (
            "service-session-server.yaml",
            include_str!("../chart/current/templates/service-session-server.yaml"),
        ),
        (
            "service.yaml",
            include_str!("../chart/current/templates/service.yaml"),
        ),
        (
            "servicemonitor.yaml",
            include_str!("../chart/current/templates/servicemonitor.yaml"),
        ),
    ];
}

/// The rules of an embedded chart that its values schema cannot say (names after truncation,
/// `hpa.minReplicas <= maxReplicas`, ...). They belong to the chart: a chart loaded from a
/// directory has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ChartRules {
    /// No rules beyond the schema.
    #[default]
    None,
    /// The rules of the GitLab Runner chart of this project ([`Chart::builtin`]).
    Seed,
    /// The rules of the current official chart's schema ([`Chart::current`]).
    Current,
}

/// Errors while loading a chart.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A file of the chart could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `Chart.yaml` is not valid.
    #[error("{file}: invalid Chart.yaml: {message}")]
    Metadata {
        /// Where the Chart.yaml came from.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The chart's default values are not valid.
    #[error("chart default values: {0}")]
    DefaultValues(#[source] ValuesError),
    /// A template has a syntax error.
    #[error("template {name}: {error}")]
    Template {
        /// The template's file name, e.g. `deployment.yaml`.
        name: String,
        /// The compiler's error: the template where it failed, its line, the message.
        error: crate::engine::TemplateError,
    },
    /// The chart's `values.schema.json` is not a JSON Schema this crate can compile.
    #[error("{file}: not a valid JSON Schema: {source}")]
    Schema {
        /// Where the schema came from.
        file: String,
        /// What the schema compiler said.
        source: crate::schema::check::SchemaError,
    },
}

/// The metadata of `Chart.yaml`, with the field names templates see (`Chart.Name`, ...).
///
/// ```
/// let metadata = gitlab_runner_chart::Chart::current().metadata().clone();
/// assert_eq!((metadata.name.as_str(), metadata.api_version.as_str()), ("gitlab-runner", "v1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChartMetadata {
    /// `apiVersion` of the chart format (`v1` or `v2`).
    #[serde(rename(serialize = "APIVersion", deserialize = "apiVersion"))]
    pub api_version: String,
    /// The chart name (`gitlab-runner`).
    #[serde(rename(serialize = "Name", deserialize = "name"))]
    pub name: String,
    /// The chart version (SemVer).
    #[serde(rename(serialize = "Version", deserialize = "version"))]
    pub version: String,
    /// The version of the application the chart deploys.
    #[serde(
        rename(serialize = "AppVersion", deserialize = "appVersion"),
        default,
        deserialize_with = "string_or_number"
    )]
    pub app_version: String,
    /// A one-line description.
    #[serde(
        rename(serialize = "Description", deserialize = "description"),
        default
    )]
    pub description: String,
}

/// `appVersion: 12.10` is a number in YAML; Helm reads it as text.
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_yaml::Value::deserialize(d)? {
        serde_yaml::Value::String(s) => Ok(s),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        serde_yaml::Value::Null => Ok(String::new()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string, found {other:?}"
        ))),
    }
}

/// A chart: metadata, default values and templates (by file name, sorted). Two are embedded:
/// [`Chart::builtin`] (values of the chart's 2019 schema) and [`Chart::current`] (values of
/// today's official chart); [`Chart::from_dir`] loads another one.
///
/// ```
/// use gitlab_runner_chart::Chart;
/// for chart in [Chart::builtin(), Chart::current(), Chart::shell()] {
///     assert!(chart.template_names().any(|t| t == "deployment.yaml"));
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Chart {
    metadata: ChartMetadata,
    default_values: serde_yaml::Mapping,
    /// The text of `values.yaml`, as given.
    values_yaml: String,
    templates: Vec<(String, String)>,
    /// Shared with the renderer's schema checker, which keeps it.
    schema: Option<std::sync::Arc<SchemaDocument>>,
    /// The templates that read `Rendered`, as an embedded chart declares them; `None` for other
    /// charts, whose templates the renderer parses to find out.
    read_rendered: Option<&'static [&'static str]>,
    /// The manifest templates that are one `if` block, as an embedded chart declares them;
    /// `None` for other charts, whose templates are all compiled at once.
    guarded: Option<&'static [&'static str]>,
    rules: ChartRules,
}

impl Chart {
    /// The GitLab Runner chart compiled into this library.
    ///
    /// ```
    /// let chart = gitlab_runner_chart::Chart::builtin();
    /// assert_eq!(chart.metadata().name, "gitlab-runner");
    /// assert!(chart.template_names().any(|t| t == "deployment.yaml"));
    /// ```
    pub fn builtin() -> Chart {
        Chart::embedded(
            "chart/Chart.yaml",
            builtin::CHART_YAML,
            builtin::VALUES_YAML,
            builtin::DEFAULTS_JSON,
            builtin::TEMPLATES,
        )
        .with_embedded_schema(builtin::SCHEMA_JSON, CompiledSchema::Seed)
        .with_read_rendered(builtin::READ_RENDERED)
        .with_guarded(builtin::GUARDED)
        .with_rules(ChartRules::Seed)
    }

    /// The GitLab Runner chart with the values schema of today's official chart (0.86.0):
    /// `runners.config` as a TOML template, `image` as a map, `rbac.rules`, `serviceAccount`,
    /// `metrics`, `sessionServer`, ... Its templates are this project's own.
    ///
    /// ```
    /// let chart = gitlab_runner_chart::Chart::current();
    /// assert_eq!(chart.metadata().name, "gitlab-runner");
    /// assert_eq!(chart.metadata().version, "0.86.0");
    /// ```
    pub fn current() -> Chart {
        Chart::embedded(
            "chart/current/Chart.yaml",
            current::CHART_YAML,
            current::VALUES_YAML,
            current::DEFAULTS_JSON,
            current::TEMPLATES,
        )
        .with_embedded_schema(current::SCHEMA_JSON, CompiledSchema::Current)
        .with_read_rendered(current::READ_RENDERED)
        .with_guarded(current::GUARDED)
        .with_rules(ChartRules::Current)
    }

    /// The shell-executor chart compiled into this library (`chart/shell/`): the manual setup
    /// of the blog post this project started from, as a chart. One Deployment runs
    /// `gitlab-runner run` with a `config.toml` (from a Secret: it holds the token) for an
    /// already registered runner (`runnerToken`, e.g. a `glrt-` authentication token) with the
    /// shell executor; there is no registration step. Values are checked against its
    /// `values.schema.json`.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// let renderer = Renderer::new(Chart::shell())?;
    /// let mut values = Values::new();
    /// values.add_yaml("v.yaml", "gitlabUrl: https://gitlab.example.com/\nrunnerToken: glrt-abc\n")?;
    /// let manifests = renderer.render(&values, &RenderOptions::default())?;
    /// assert_eq!(manifests.kinds(), ["Secret", "Deployment"]);
    /// assert_eq!(manifests.find("Deployment").unwrap().name(), "release-name-gitlab-runner-shell");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn shell() -> Chart {
        Chart::embedded(
            "chart/shell/Chart.yaml",
            shell::CHART_YAML,
            shell::VALUES_YAML,
            shell::DEFAULTS_JSON,
            shell::TEMPLATES,
        )
        .with_embedded_schema(shell::SCHEMA_JSON, CompiledSchema::Shell)
        .with_read_rendered(shell::READ_RENDERED)
        .with_guarded(shell::GUARDED)
    }

    /// Loads a chart directory: `Chart.yaml`, `values.yaml` (optional), `values.schema.json`
    /// (optional: values are checked against it, as Helm does) and every file of `templates/`.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, ErrorKind};
    /// let dir = std::env::temp_dir().join(format!("chart-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("templates")).unwrap();
    /// std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: mine\nversion: 0.1.0\n").unwrap();
    /// std::fs::write(dir.join("templates/cm.yaml"), "kind: ConfigMap\n").unwrap();
    /// let chart = Chart::from_dir(&dir)?;
    /// assert_eq!(chart.metadata().name, "mine");
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// assert_eq!(Chart::from_dir(&dir).unwrap_err().kind(), ErrorKind::Chart);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Chart, crate::Error> {
        let dir = dir.as_ref();
        let read = |path: PathBuf| {
            std::fs::read_to_string(&path).map_err(|source| ChartError::Io { path, source })
        };
        let chart_yaml = read(dir.join("Chart.yaml"))?;
        let values_path = dir.join("values.yaml");
        let values_yaml = if values_path.exists() {
            read(values_path)?
        } else {
            String::new()
        };
        let templates_dir = dir.join("templates");
        let entries = std::fs::read_dir(&templates_dir).map_err(|source| ChartError::Io {
            path: templates_dir.clone(),
            source,
        })?;
        let mut templates = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| ChartError::Io {
                path: templates_dir.clone(),
                source,
            })?;
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            templates.push((name, read(path)?));
        }
        let schema_path = dir.join("values.schema.json");
        let schema = if schema_path.exists() {
            let text = read(schema_path.clone())?;
            let value = serde_json::from_str(&text).map_err(|e| ChartError::Schema {
                file: schema_path.display().to_string(),
                source: crate::schema::check::SchemaError {
                    message: format!("invalid JSON: {e}"),
                    at: None,
                },
            })?;
            Some(value)
        } else {
            None
        };
        let chart_file = dir.join("Chart.yaml").display().to_string();
        Ok(
            Chart::from_parts(&chart_file, &chart_yaml, &values_yaml, templates)?
                .with_schema(schema),
        )
    }

    /// The same chart without its values schema: values are not checked, as with Helm's
    /// `--skip-schema-validation` (the chart's other rules are not checked either).
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// let mut values = Values::new();
    /// values.set("concurrent=-1")?;
    /// let options = RenderOptions::default();
    /// assert!(Renderer::new(Chart::builtin())?.render(&values, &options).is_err());
    /// let unchecked = Renderer::new(Chart::builtin().without_schema())?;
    /// assert!(unchecked.render(&values, &options)?.to_string().contains("concurrent = -1"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn without_schema(self) -> Chart {
        self.with_schema(None).with_rules(ChartRules::None)
    }

    /// The chart's values schema (`values.schema.json`) as pretty-printed JSON, if it has one:
    /// what the values are checked against.
    ///
    /// ```
    /// use gitlab_runner_chart::Chart;
    /// let schema = Chart::builtin().values_schema_json().unwrap();
    /// assert!(schema.contains("\"concurrent\""));
    /// assert_eq!(Chart::builtin().without_schema().values_schema_json(), None);
    /// ```
    pub fn values_schema_json(&self) -> Option<String> {
        let schema = self.schema()?;
        Some(serde_json::to_string_pretty(schema).expect("a JSON value prints as JSON"))
    }

    /// The same chart with another values schema (`None`: values are not checked).
    pub(crate) fn with_schema(mut self, schema: Option<serde_json::Value>) -> Chart {
        self.schema = schema.map(|json| std::sync::Arc::new(SchemaDocument::Parsed(json)));
        self
    }

    /// The same chart with an embedded schema: its `text` (parsed at its first use) and
    /// `compiled`, the validator built from that text into the crate.
    fn with_embedded_schema(mut self, text: &'static str, compiled: CompiledSchema) -> Chart {
        self.schema = Some(std::sync::Arc::new(SchemaDocument::embedded(
            text, compiled,
        )));
        self
    }

    /// The same chart with the list of its templates that read `Rendered` (an embedded chart's).
    fn with_read_rendered(mut self, templates: &'static [&'static str]) -> Chart {
        self.read_rendered = Some(templates);
        self
    }

    /// The templates that read `Rendered`, if the chart declares them (an embedded chart).
    pub(crate) fn read_rendered(&self) -> Option<&'static [&'static str]> {
        self.read_rendered
    }

    /// The same chart with the list of its templates that are one `if` block (an embedded
    /// chart's).
    fn with_guarded(mut self, templates: &'static [&'static str]) -> Chart {
        self.guarded = Some(templates);
        self
    }

    /// The manifest templates that are one `if` block, if the chart declares them (an embedded
    /// chart).
    pub(crate) fn guarded(&self) -> Option<&'static [&'static str]> {
        self.guarded
    }

    /// The same chart with other rules beyond its schema.
    pub(crate) fn with_rules(mut self, rules: ChartRules) -> Chart {
        self.rules = rules;
        self
    }

    /// The chart's rules beyond its schema ([`ChartRules::None`] for a chart directory).
    pub(crate) fn rules(&self) -> ChartRules {
        self.rules
    }

    /// The JSON Schema the values are checked against, if the chart has one.
    pub(crate) fn schema(&self) -> Option<&serde_json::Value> {
        self.schema.as_deref().map(SchemaDocument::json)
    }

    /// The chart's schema document, shared (for a checker that keeps it), not parsed yet if
    /// it is an embedded chart's.
    pub(crate) fn shared_schema(&self) -> Option<&std::sync::Arc<SchemaDocument>> {
        self.schema.as_ref()
    }

    /// Builds a chart from the text of its files. `chart_file` names `Chart.yaml` in errors.
    ///
    /// ```
    /// use gitlab_runner_chart::Chart;
    /// let chart = Chart::from_parts("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    ///     "replicas: 1\n", [("cm.yaml".to_string(), "kind: ConfigMap\n".to_string())])?;
    /// assert_eq!(chart.metadata().version, "1.0.0");
    /// assert!(Chart::from_parts("Chart.yaml", "name: c\n", "", []).is_err());
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn from_parts(
        chart_file: &str,
        chart_yaml: &str,
        values_yaml: &str,
        templates: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Chart, crate::Error> {
        let metadata = read_metadata(chart_file, chart_yaml)?;
        let default_values = values::load::parse_values("chart values.yaml", values_yaml)
            .map_err(ChartError::DefaultValues)?;
        Ok(Chart::assemble(
            metadata,
            default_values,
            values_yaml,
            templates.into_iter().collect(),
        ))
    }

    /// An embedded chart from its files: `defaults_json` is `values_yaml` as the loader reads
    /// it (the test suite checks both, and that the files are a valid chart: failing here is a
    /// build defect).
    fn embedded(
        chart_file: &str,
        chart_yaml: &str,
        values_yaml: &str,
        defaults_json: &str,
        templates: &[(&str, &str)],
    ) -> Chart {
        let metadata = read_metadata(chart_file, chart_yaml)
            .expect("an embedded Chart.yaml is valid (checked by tests)");
        let default_values = serde_json::from_str(defaults_json)
            .expect("an embedded values.defaults.json is valid (checked by tests)");
        let templates = templates
            .iter()
            .map(|(name, source)| (name.to_string(), source.to_string()))
            .collect();
        Chart::assemble(metadata, default_values, values_yaml, templates)
    }

    /// A chart of these parts, with no schema and no rules yet.
    fn assemble(
        metadata: ChartMetadata,
        default_values: serde_yaml::Mapping,
        values_yaml: &str,
        mut templates: Vec<(String, String)>,
    ) -> Chart {
        templates.sort();
        Chart {
            metadata,
            default_values,
            values_yaml: values_yaml.to_string(),
            templates,
            schema: None,
            read_rendered: None,
            guarded: None,
            rules: ChartRules::None,
        }
    }

    /// The `Chart.yaml` metadata.
    ///
    /// ```
    /// assert_eq!(gitlab_runner_chart::Chart::shell().metadata().name, "gitlab-runner-shell");
    /// ```
    pub fn metadata(&self) -> &ChartMetadata {
        &self.metadata
    }

    /// The chart's default values (`values.yaml`).
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Chart};
    /// assert_eq!(Chart::builtin().default_values()["concurrent"], yaml::Value::from(10));
    /// ```
    pub fn default_values(&self) -> &serde_yaml::Mapping {
        &self.default_values
    }

    /// The text of the chart's `values.yaml` (comments included; empty when the chart has
    /// none), what `helm show values` prints.
    ///
    /// ```
    /// let chart = gitlab_runner_chart::Chart::builtin();
    /// assert!(chart.values_yaml().contains("concurrent:"));
    /// ```
    pub fn values_yaml(&self) -> &str {
        &self.values_yaml
    }

    /// The names of all template files, sorted (helpers start with `_`).
    ///
    /// ```
    /// let chart = gitlab_runner_chart::Chart::builtin();
    /// assert!(chart.template_names().any(|name| name == "_helpers.tpl"));
    /// ```
    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|(name, _)| name.as_str())
    }

    /// All templates as `(file name, source)`, sorted by name.
    ///
    /// ```
    /// let chart = gitlab_runner_chart::Chart::builtin();
    /// let helpers = chart.templates().iter().find(|(name, _)| name == "_helpers.tpl").unwrap();
    /// assert!(helpers.1.contains("{% macro env()"));
    /// ```
    pub fn templates(&self) -> &[(String, String)] {
        &self.templates
    }
}

/// The metadata of `Chart.yaml` (`chart_file` names it in errors): `name` and `version` must
/// be given.
fn read_metadata(chart_file: &str, chart_yaml: &str) -> Result<ChartMetadata, ChartError> {
    let metadata: ChartMetadata =
        serde_yaml::from_str(chart_yaml).map_err(|e| ChartError::Metadata {
            file: chart_file.to_string(),
            message: e.to_string(),
        })?;
    if metadata.name.is_empty() || metadata.version.is_empty() {
        return Err(ChartError::Metadata {
            file: chart_file.to_string(),
            message: "`name` and `version` must not be empty".to_string(),
        });
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_template_list_matches_the_chart_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart/templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let chart = Chart::builtin();
        let builtin: Vec<&str> = chart.template_names().collect();
        assert_eq!(builtin, on_disk);
    }

    /// `UPDATE_GOLDEN=1 cargo test --lib values_defaults_json` rewrites the files after a change
    /// of a chart's `values.yaml` (or of the loader).
    #[test]
    fn each_values_defaults_json_is_its_values_yaml_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (yaml, json, compiled_in) in [
            (
                "values/values.yaml",
                "chart/values.defaults.json",
                builtin::DEFAULTS_JSON,
            ),
            (
                "chart/current/values.yaml",
                "chart/current/values.defaults.json",
                current::DEFAULTS_JSON,
            ),
            (
                "chart/shell/values.yaml",
                "chart/shell/values.defaults.json",
                shell::DEFAULTS_JSON,
            ),
        ] {
            let text = std::fs::read_to_string(root.join(yaml)).unwrap();
            let read = values::load::parse_values("chart values.yaml", &text).unwrap();
            let generated = serde_json::to_string_pretty(&read).unwrap() + "\n";
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                // the files are compiled in: the next build and run checks them
                std::fs::write(root.join(json), &generated).unwrap();
                continue;
            }
            let on_disk = std::fs::read_to_string(root.join(json)).unwrap_or_default();
            let stale =
                "is out of date: run `UPDATE_GOLDEN=1 cargo test --lib values_defaults_json`";
            assert!(on_disk == generated, "{json} {stale} and commit it");
            assert!(compiled_in == generated, "{json} {stale} and build again");
            // read back, the JSON gives the same values: same keys in the same order, same
            // number types (JSON prints an integer and a float differently)
            let back: serde_yaml::Mapping = serde_json::from_str(compiled_in).unwrap();
            assert_eq!(back, read, "{json}");
            assert_eq!(
                serde_json::to_string_pretty(&back).unwrap() + "\n",
                generated
            );
            assert_eq!(
                serde_yaml::to_string(&back).unwrap(),
                serde_yaml::to_string(&read).unwrap()
            );
        }
    }

    #[test]
    fn from_dir_loads_the_same_chart_as_builtin() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart");
        let loaded = Chart::from_dir(dir).unwrap();
        let builtin = Chart::builtin();
        assert_eq!(loaded.metadata(), builtin.metadata());
        assert_eq!(loaded.default_values(), builtin.default_values());
        assert_eq!(loaded.templates(), builtin.templates());
        assert_eq!(loaded.schema(), builtin.schema());
    }

    #[test]
    fn a_schema_that_does_not_compile_is_a_schema_error() {
        let chart = Chart::shell().with_schema(Some(serde_json::json!({"type": 5})));
        let error = crate::Renderer::new(chart).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Chart);
        let message = error.to_string();
        assert!(
            message.starts_with("values.schema.json: not a valid JSON Schema: "),
            "{message}"
        );
        assert!(message.ends_with("(at /type)"), "{message}");
    }

    #[test]
    fn a_schema_that_is_not_json_names_its_file() {
        let dir = std::env::temp_dir().join(format!("grc-schema-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v1\nname: c\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(dir.join("values.yaml"), "{}\n").unwrap();
        std::fs::write(dir.join("templates/cm.yaml"), "kind: ConfigMap\n").unwrap();
        std::fs::write(dir.join("values.schema.json"), "{\"type\": ").unwrap();
        let error = Chart::from_dir(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        let message = error.to_string();
        assert!(
            message.contains("values.schema.json: not a valid JSON Schema: invalid JSON: "),
            "{message}"
        );
        assert!(!message.contains("Chart.yaml"), "{message}");
    }

    #[test]
    fn shell_template_list_matches_its_chart_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart/shell/templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let chart = Chart::shell();
        let embedded: Vec<&str> = chart.template_names().collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn from_dir_loads_the_same_chart_as_shell() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart/shell");
        let loaded = Chart::from_dir(dir).unwrap();
        let shell = Chart::shell();
        assert_eq!(loaded.metadata(), shell.metadata());
        assert_eq!(loaded.metadata().name, "gitlab-runner-shell");
        assert_eq!(loaded.default_values(), shell.default_values());
        assert_eq!(loaded.templates(), shell.templates());
        assert_eq!(loaded.schema(), shell.schema());
        assert!(shell.schema().is_some());
    }

    #[test]
    fn the_two_embedded_charts_share_no_template_text() {
        // chart/shell/ lies inside chart/: the builtin chart must not pick up its files.
        let builtin = Chart::builtin();
        let shell = Chart::shell();
        assert_ne!(builtin.metadata().name, shell.metadata().name);
        for (name, source) in shell.templates() {
            assert!(
                !builtin.templates().iter().any(|(_, s)| s == source),
                "the builtin chart contains the shell chart's {name}"
            );
        }
        let from_dir =
            Chart::from_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("chart")).unwrap();
        assert_eq!(from_dir.templates(), builtin.templates());
    }

    #[test]
    fn current_template_list_matches_its_chart_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart/current/templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let chart = Chart::current();
        let embedded: Vec<&str> = chart.template_names().collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn from_dir_loads_the_same_chart_as_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("chart/current");
        let loaded = Chart::from_dir(dir).unwrap();
        let current = Chart::current();
        assert_eq!(loaded.metadata(), current.metadata());
        assert_eq!(loaded.metadata().version, "0.86.0");
        assert_eq!(loaded.default_values(), current.default_values());
        assert_eq!(loaded.templates(), current.templates());
        // the same templates, but none of the first chart's
        let builtin = Chart::builtin();
        for (name, source) in current.templates() {
            assert!(
                !builtin.templates().iter().any(|(_, s)| s == source),
                "the builtin chart contains the current chart's {name}"
            );
        }
    }

    #[test]
    fn app_version_may_be_a_number() {
        let chart = Chart::from_parts(
            "Chart.yaml",
            "apiVersion: v1\nname: x\nversion: 1.0.0\nappVersion: 18\n",
            "",
            Vec::new(),
        )
        .unwrap();
        assert_eq!(chart.metadata().app_version, "18");
    }

    #[test]
    fn default_values_are_read_as_helm_reads_them() {
        // Merge keys, YAML 1.1 scalars and only the first document, as for a user's file.
        let values = "base: &base {image: alpine, tag: on}\nrunner:\n  <<: *base\n  image: ubuntu\n---\nlater: 1\n";
        let chart = Chart::from_parts(
            "Chart.yaml",
            "apiVersion: v1\nname: x\nversion: 1.0.0\n",
            values,
            Vec::new(),
        )
        .unwrap();
        let expected: serde_yaml::Mapping = serde_yaml::from_str(
            "base: {image: alpine, tag: true}\nrunner: {image: ubuntu, tag: true}",
        )
        .unwrap();
        assert_eq!(chart.default_values(), &expected);
    }

    #[test]
    fn metadata_errors_name_the_file() {
        let err = Chart::from_parts("my/Chart.yaml", "name: [", "", Vec::new()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("my/Chart.yaml: invalid Chart.yaml"),
            "{err}"
        );
        let err = Chart::from_dir("/nonexistent-chart-dir").unwrap_err();
        assert!(
            err.to_string()
                .contains("/nonexistent-chart-dir/Chart.yaml"),
            "{err}"
        );
    }
}
