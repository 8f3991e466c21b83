//! [`Renderer`]: the chart's templates compiled once, rendered many times.

use minijinja::value::Serde;
use minijinja::{context, Environment, Value};

use crate::context::{Capabilities, TemplateView};
use crate::manifest::{sort_by_install_order, split_documents, Manifests};
use crate::values::{merge, UserValues};
use crate::{Chart, ChartError, Error, KubeVersion, Release, TemplateError};

/// Where and for what a chart is rendered: the release and the target Kubernetes version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// `Release.Name`, `Release.Namespace`, ...
    pub release: Release,
    /// `Capabilities.KubeVersion` (selects API versions, e.g. of the HPA).
    pub kube_version: KubeVersion,
}

impl RenderOptions {
    /// Options for `release` and the default Kubernetes version ([`KubeVersion::DEFAULT`]).
    pub fn new(release: Release) -> RenderOptions {
        RenderOptions {
            release,
            kube_version: KubeVersion::DEFAULT,
        }
    }

    /// The same options for another Kubernetes version.
    pub fn with_kube_version(mut self, kube_version: KubeVersion) -> RenderOptions {
        self.kube_version = kube_version;
        self
    }
}

/// A chart whose templates are compiled and ready to render.
///
/// ```
/// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, UserValues};
/// let renderer = Renderer::new(Chart::builtin())?;
/// let manifests = renderer.render(&UserValues::new(), &RenderOptions::default())?;
/// assert_eq!(manifests.kinds(), ["ConfigMap", "Deployment"]);
/// assert_eq!(manifests.find("Deployment").unwrap().name(), "release-name-gitlab-runner");
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
pub struct Renderer {
    chart: Chart,
    env: Environment<'static>,
    /// Templates that produce manifests (not `_` helpers), sorted by name.
    manifest_templates: Vec<String>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("chart", &self.chart.metadata().name)
            .field("manifest_templates", &self.manifest_templates)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Compiles every template of `chart`; a syntax error names the template and line.
    pub fn new(chart: Chart) -> Result<Renderer, ChartError> {
        let mut env = crate::engine::environment();
        let mut manifest_templates = Vec::new();
        for (name, source) in chart.templates() {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|e| ChartError::Template {
                    name: name.clone(),
                    message: TemplateError::from(e).to_string(),
                })?;
            if !name.starts_with('_') {
                manifest_templates.push(name.clone());
            }
        }
        Ok(Renderer {
            chart,
            env,
            manifest_templates,
        })
    }

    /// The chart being rendered.
    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// The values templates see: the user's values coalesced over the chart defaults, and the
    /// warnings of that merge.
    pub fn merged_values(
        &self,
        values: &UserValues,
    ) -> Result<(serde_yaml::Mapping, Vec<String>), Error> {
        let user = values.merged()?;
        Ok(merge::coalesce(user, self.chart.default_values()))
    }

    /// Renders every template and returns the objects in Helm's install order.
    pub fn render(&self, values: &UserValues, options: &RenderOptions) -> Result<Manifests, Error> {
        let (merged, warnings) = self.merged_values(values)?;
        let chart_name = &self.chart.metadata().name;
        let base_path = format!("{chart_name}/templates");
        let base = context! {
            Values => Value::from(Serde(&merged)),
            Release => Value::from(Serde(&options.release)),
            Chart => Value::from(Serde(self.chart.metadata())),
            Capabilities => Value::from(Serde(Capabilities::new(options.kube_version))),
        };
        let mut manifests = Vec::new();
        for name in &self.manifest_templates {
            let source = format!("{base_path}/{name}");
            let template = TemplateView {
                name: source.clone(),
                base_path: base_path.clone(),
            };
            let ctx = context! { Template => Value::from(Serde(&template)), ..base.clone() };
            let text = self
                .env
                .get_template(name)
                .and_then(|t| t.render(ctx))
                .map_err(TemplateError::from)?;
            manifests.extend(split_documents(&source, &text)?);
        }
        sort_by_install_order(&mut manifests);
        Ok(Manifests::new(manifests, warnings))
    }
}
