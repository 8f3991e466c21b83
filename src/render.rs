//! [`Renderer`]: the chart's templates compiled once, rendered many times.

mod guard;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

use crate::context::{Capabilities, CurrentTemplate};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin, Severity, drop_repeated_notes};
use crate::manifest::{Manifests, sort_by_install_order, split_documents};
use crate::schema::check::Checker;
use crate::values::{Values, merge};
use crate::{Chart, ChartError, Error, KubeVersion, Release, TemplateError};

/// Where and for what a chart is rendered: the release, the target Kubernetes version, and
/// whether unknown keys in the values are errors. Built from [`RenderOptions::new`] (or
/// `default()`) and a `with_` method for each field.
///
/// ```
/// use gitlab_runner_chart::{KubeVersion, Release, RenderOptions};
/// let options = RenderOptions::new(Release::new("ci", "gitlab")?)
///     .with_kube_version("1.30".parse()?)
///     .with_api_versions(vec!["monitoring.coreos.com/v1".into()])
///     .with_strict(false);
/// assert_eq!(options.kube_version, KubeVersion::new(1, 30, 0));
/// assert_eq!(options.release.namespace, "gitlab");
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderOptions {
    /// `Release.Name`, `Release.Namespace`, ...
    pub release: Release,
    /// `Capabilities.KubeVersion` (selects API versions, e.g. of the HPA).
    pub kube_version: KubeVersion,
    /// Unknown keys in the values are errors (true, the default) or warnings.
    pub strict: bool,
    /// `Capabilities.APIVersions`: the API versions (`group/version`, or `group/version/Kind`)
    /// the cluster is said to serve, as `helm template --api-versions` gives them (empty by
    /// default; Helm adds its built-in list of Kubernetes API versions, not modelled here).
    pub api_versions: Vec<String>,
}

impl Default for RenderOptions {
    /// The options of `helm template` without flags: release `release-name` in `default`.
    fn default() -> RenderOptions {
        RenderOptions::new(Release::default())
    }
}

impl RenderOptions {
    /// Options for `release`, the default Kubernetes version ([`KubeVersion::DEFAULT`]),
    /// strict about unknown keys, no API versions.
    ///
    /// ```
    /// use gitlab_runner_chart::{KubeVersion, Release, RenderOptions};
    /// let options = RenderOptions::new(Release::new("ci", "gitlab")?);
    /// assert_eq!((options.kube_version, options.strict), (KubeVersion::DEFAULT, true));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn new(release: Release) -> RenderOptions {
        RenderOptions {
            release,
            kube_version: KubeVersion::DEFAULT,
            strict: true,
            api_versions: Vec::new(),
        }
    }

    /// The same options for another release.
    ///
    /// ```
    /// use gitlab_runner_chart::{Release, RenderOptions};
    /// let options = RenderOptions::default().with_release(Release::new("ci", "gitlab")?);
    /// assert_eq!(options.release.name, "ci");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn with_release(mut self, release: Release) -> RenderOptions {
        self.release = release;
        self
    }

    /// The same options for another Kubernetes version (`Capabilities.KubeVersion`: it selects
    /// API versions, e.g. of the HPA).
    ///
    /// ```
    /// use gitlab_runner_chart::{KubeVersion, RenderOptions};
    /// let options = RenderOptions::default().with_kube_version(KubeVersion::new(1, 20, 0));
    /// assert!(!options.kube_version.at_least(1, 23));
    /// ```
    pub fn with_kube_version(mut self, kube_version: KubeVersion) -> RenderOptions {
        self.kube_version = kube_version;
        self
    }

    /// The same options with `Capabilities.APIVersions` set to `api_versions`.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  \
    ///     prom: \"{{ 'monitoring.coreos.com/v1' in Capabilities.APIVersions }}\"\n";
    /// let chart = Chart::from_parts("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n", "",
    ///     [("cm.yaml".to_string(), template.to_string())])?;
    /// let renderer = Renderer::new(chart)?;
    /// let render = |options: &RenderOptions| renderer.render(&Values::new(), options);
    /// let plain = render(&RenderOptions::default())?;
    /// assert!(plain.find("ConfigMap").unwrap().content().ends_with("prom: \"false\""));
    /// let options = RenderOptions::default().with_api_versions(vec!["monitoring.coreos.com/v1".into()]);
    /// assert!(render(&options)?.find("ConfigMap").unwrap().content().ends_with("prom: \"true\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_api_versions(mut self, api_versions: Vec<String>) -> RenderOptions {
        self.api_versions = api_versions;
        self
    }

    /// The same options, with unknown keys as errors (`true`) or as warnings (`false`, for
    /// values files shared with other tools).
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
    /// let mut values = Values::new();
    /// values.set("myOwnKey=1")?;
    /// let renderer = Renderer::new(Chart::builtin())?;
    /// assert!(renderer.render(&values, &RenderOptions::default()).is_err());
    /// let lenient = RenderOptions::default().with_strict(false);
    /// assert!(renderer.render(&values, &lenient)?.warnings().iter().any(|w| w.path == "myOwnKey"));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn with_strict(mut self, strict: bool) -> RenderOptions {
        self.strict = strict;
        self
    }
}

/// A chart whose templates are compiled and ready to render.
///
/// ```
/// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, Values};
/// let renderer = Renderer::new(Chart::builtin())?;
/// let manifests = renderer.render(&Values::new(), &RenderOptions::default())?;
/// assert_eq!(manifests.kinds(), ["ConfigMap", "Deployment"]);
/// assert_eq!(manifests.find("Deployment").unwrap().name(), "release-name-gitlab-runner");
/// # Ok::<(), gitlab_runner_chart::Error>(())
/// ```
pub struct Renderer {
    chart: Chart,
    env: Environment<'static>,
    checker: Option<Checker>,
    /// Templates that produce manifests (not `_` helpers), sorted by name, and whether each
    /// reads `Rendered` (the text of the others).
    manifest_templates: Vec<ManifestTemplate>,
}

/// A template that produces manifests.
#[derive(Debug)]
struct ManifestTemplate {
    /// Its file name, e.g. `deployment.yaml`.
    name: String,
    /// It reads `Rendered`: it is rendered after the templates that do not.
    reads_rendered: bool,
    /// Its guard, for a template that is one `if` block (an embedded chart's): rendered
    /// first; the template itself only where the condition holds (see [`guard`]).
    guard: Option<Guard>,
}

/// The guard of a [`ManifestTemplate`].
#[derive(Debug)]
struct Guard {
    /// The name the guard is compiled under.
    name: String,
    /// The template itself has been rendered (and so compiled) once: the guard would only
    /// add work from then on.
    template_compiled: std::sync::atomic::AtomicBool,
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
    /// Compiles every template of `chart`; a syntax error is an error of kind
    /// [`Chart`](crate::ErrorKind::Chart) naming the template and line. (An embedded chart's
    /// templates that are one `if` block and its partials, which its tests compile, are
    /// compiled at their first use: where the condition first holds, at the first include.)
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, ErrorKind, Renderer};
    /// let renderer = Renderer::new(Chart::current())?;
    /// assert_eq!(renderer.chart().metadata().name, "gitlab-runner");
    /// let broken = Chart::from_parts("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n", "",
    ///     [("cm.yaml".to_string(), "{% if %}".to_string())])?;
    /// assert_eq!(Renderer::new(broken).unwrap_err().kind(), ErrorKind::Chart);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn new(chart: Chart) -> Result<Renderer, Error> {
        let (env, manifest_templates) = compile_templates(&chart)?;
        let checker = compile_checker(&chart)?;
        Ok(Renderer {
            chart,
            env,
            checker,
            manifest_templates,
        })
    }

    /// `h.fullname` of the chart's helpers for these merged values (as templates see them)
    /// and `release`: the name the templates give the objects, for the check of the chart's
    /// rules (the name is written once, in `_helpers.tpl`). `None` when the helpers cannot be
    /// rendered for the values (values the schema refuses; the render reports the rest).
    pub(crate) fn fullname(&self, values: &Value, release: &Release) -> Option<String> {
        let ctx = context! {
            Values => values,
            Release => Serde(release),
            Chart => Serde(self.chart.metadata()),
        };
        self.env.get_template(FULLNAME).ok()?.render(ctx).ok()
    }

    /// The chart being rendered.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, Renderer};
    /// let renderer = Renderer::new(Chart::shell())?;
    /// assert_eq!(renderer.chart().metadata().name, "gitlab-runner-shell");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// The values templates see: the user's values coalesced over the chart defaults, and
    /// checked against the chart's schema. Problems are returned all at once (an error of
    /// kind [`Invalid`](crate::ErrorKind::Invalid)); warnings (unknown keys when not strict, the merge warnings of a map
    /// meeting a value that is not one, unless the schema refuses that value anyway) come with
    /// the values.
    ///
    /// ```
    /// use gitlab_runner_chart::{yaml, Chart, RenderOptions, Renderer, Values};
    /// let mut values = Values::new();
    /// values.set("concurrent=4")?;
    /// let renderer = Renderer::new(Chart::builtin())?;
    /// let (merged, warnings) = renderer.checked_values(&values, &RenderOptions::default())?;
    /// assert_eq!(merged["concurrent"], yaml::Value::from(4));
    /// assert!(merged.contains_key("rbac")); // a chart default
    /// assert!(warnings.iter().all(|warning| !warning.is_error()));
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn checked_values(
        &self,
        values: &Values,
        options: &RenderOptions,
    ) -> Result<(serde_yaml::Mapping, Vec<Diagnostic>), Error> {
        self.check_values(values, options, &std::cell::OnceCell::new())
    }

    /// [`Renderer::checked_values`], keeping in `as_template_value` the merged values as
    /// templates see them when the check needed them (the chart's rules render the object
    /// name): the render then takes them as they are, not converted a second time.
    fn check_values(
        &self,
        values: &Values,
        options: &RenderOptions,
        as_template_value: &std::cell::OnceCell<Value>,
    ) -> Result<(serde_yaml::Mapping, Vec<Diagnostic>), Error> {
        let user = values.merged();
        let (mut merged, merge_warnings) = merge::coalesce(
            user,
            self.chart.default_values(),
            &self.chart.metadata().name,
        );
        let schema = self.chart.shared_schema().map(|schema| &**schema);
        let notes = crate::schema::yaml11::apply_notes(values, &mut merged, schema);
        let mut diagnostics: Vec<Diagnostic> = merge_warnings
            .into_iter()
            .map(|(path, message)| Diagnostic {
                severity: Severity::Warning,
                origin: values.origin(&path, false),
                path: path.to_string(),
                message,
                help: None,
                notes: Vec::new(),
            })
            .chain(notes)
            .collect();
        // The chart's warnings about what would render come only with values that render:
        // next to errors they are noise.
        let mut advice = Vec::new();
        if let Some(checker) = &self.checker {
            let fullname = || {
                let values = as_template_value.get_or_init(|| Value::from(Serde(&merged)));
                self.fullname(values, &options.release)
            };
            let problems =
                checker.check(&merged, &options.release, options.kube_version, &fullname);
            // A merge warning where the value is refused anyway would say the same twice.
            let refused: std::collections::HashSet<String> = problems
                .iter()
                .filter(|p| !p.unknown_key && !p.warning)
                .map(|p| p.path.to_string())
                .collect();
            diagnostics.retain(|warning| !refused.contains(&warning.path));
            for problem in problems {
                let severity = if problem.warning || (problem.unknown_key && !options.strict) {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                let origin = origin_of(
                    values,
                    self.chart.default_values(),
                    &problem.path,
                    problem.on_key,
                );
                let diagnostic = Diagnostic {
                    severity,
                    path: problem.path.to_string(),
                    message: problem.message,
                    origin,
                    help: problem.help,
                    notes: problem.notes,
                };
                if problem.warning {
                    advice.push(diagnostic);
                } else {
                    diagnostics.push(diagnostic);
                }
            }
        }
        if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
            diagnostics.append(&mut advice);
        }
        sort_diagnostics(&mut diagnostics, values);
        drop_repeated_notes(&mut diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(Diagnostics(diagnostics).into());
        }
        Ok((merged, diagnostics))
    }

    /// Renders every template and returns the objects in Helm's install order. Values the
    /// chart refuses are an error of kind [`Invalid`](crate::ErrorKind::Invalid) with every
    /// problem at once.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, ErrorKind, RenderOptions, Renderer, Values};
    /// let renderer = Renderer::new(Chart::current())?;
    /// let mut values = Values::new();
    /// values.add_yaml("values.yaml", "gitlabUrl: https://gitlab.example.com/\nrunnerToken: glrt-x\n")?;
    /// let manifests = renderer.render(&values, &RenderOptions::default())?;
    /// assert!(manifests.kinds().contains(&"Deployment"));
    /// values.add_yaml("typo.yaml", "concurent: 4\n")?;
    /// let error = renderer.render(&values, &RenderOptions::default()).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Invalid);
    /// assert_eq!(error.diagnostics()[0].path, "concurent");
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn render(&self, values: &Values, options: &RenderOptions) -> Result<Manifests, Error> {
        let as_template_value = std::cell::OnceCell::new();
        let (merged, warnings) = self.check_values(values, options, &as_template_value)?;
        let merged = as_template_value
            .into_inner()
            .unwrap_or_else(|| Value::from(Serde(&merged)));
        // a value that is a Go template and failed: shown at its line in the values file
        self.render_values(merged, warnings, options)
            .map_err(|e| match e.into_template_error() {
                Ok(error) => template_error(values, error),
                Err(other) => other,
            })
    }

    /// Renders every template from values already coalesced and checked by
    /// [`Renderer::checked_values`] (their warnings are passed through to the result): the
    /// second half of [`Renderer::render`], for callers that render the same values for
    /// several releases or Kubernetes versions, and for the benchmarks of rendering alone.
    /// Values that did not come from `checked_values` are rendered as they are, unchecked.
    ///
    /// ```
    /// use gitlab_runner_chart::{Chart, RenderOptions, Renderer, UserValues};
    /// let renderer = Renderer::new(Chart::builtin())?;
    /// let options = RenderOptions::default();
    /// let (merged, warnings) = renderer.checked_values(&UserValues::new(), &options)?;
    /// let manifests = renderer.render_checked(&merged, warnings, &options)?;
    /// assert_eq!(manifests, renderer.render(&UserValues::new(), &options)?);
    /// # Ok::<(), gitlab_runner_chart::Error>(())
    /// ```
    pub fn render_checked(
        &self,
        merged: &serde_yaml::Mapping,
        warnings: Vec<Diagnostic>,
        options: &RenderOptions,
    ) -> Result<Manifests, Error> {
        self.render_values(Value::from(Serde(merged)), warnings, options)
    }

    /// [`Renderer::render_checked`] with the merged values as templates see them.
    fn render_values(
        &self,
        merged: Value,
        warnings: Vec<Diagnostic>,
        options: &RenderOptions,
    ) -> Result<Manifests, Error> {
        let chart_name = &self.chart.metadata().name;
        let base_path = format!("{chart_name}/templates");
        let current = std::sync::Arc::new(CurrentTemplate::new(&base_path));
        let base = context! {
            Template => Value::from_dyn_object(current.clone()),
            Values => merged,
            Release => Value::from(Serde(&options.release)),
            Chart => Value::from(Serde(self.chart.metadata())),
            Capabilities => Value::from(Serde(Capabilities::new(options.kube_version, &options.api_versions))),
        };
        // One evaluation for the whole render: the root template imports the helpers once
        // and each manifest template is rendered by its `render` macro in that same state
        // (a helper macro can only be called from the state that imported it).
        let root = self.env.get_template(ROOT).map_err(TemplateError::from)?;
        let mut captured = root.render_captured(base).map_err(TemplateError::from)?;
        let texts = captured.with_state_mut(|state| {
            let helpers = state.lookup(HELPERS).unwrap_or(Value::UNDEFINED);
            crate::tpl::share_helpers(state, helpers.clone());
            // Templates that read `Rendered` come second, with the text of the others.
            let mut texts: Vec<Option<String>> = vec![None; self.manifest_templates.len()];
            let mut rendered = Value::UNDEFINED;
            for second in [false, true] {
                for (i, manifest) in self.manifest_templates.iter().enumerate() {
                    if manifest.reads_rendered != second {
                        continue;
                    }
                    if second && rendered.is_undefined() {
                        // the text of every template of the first pass, built once, and only
                        // for a chart with a template that reads it
                        let texts = self.manifest_templates.iter().zip(&texts);
                        rendered = Value::from(
                            texts
                                .filter_map(|(m, text)| Some((m.name.clone(), text.clone()?)))
                                .collect::<std::collections::BTreeMap<String, String>>(),
                        );
                    }
                    current.enter(format!("{base_path}/{}", manifest.name));
                    let args = |name: &str| [Value::from(name), rendered.clone(), helpers.clone()];
                    let compiled = std::sync::atomic::Ordering::Relaxed;
                    // a guard until the template itself has been compiled
                    let guard = manifest
                        .guard
                        .as_ref()
                        .filter(|guard| !guard.template_compiled.load(compiled));
                    let guarded =
                        guard.map(|guard| state.call_macro(RENDER_MACRO, &args(&guard.name)));
                    texts[i] = Some(match guarded {
                        // the condition is false: the guard's output is the template's
                        Some(Ok(text)) if !guard::held(&text) => text,
                        // it holds, there is no guard, or the guard failed (the template
                        // itself gives the error, with its own name)
                        _ => {
                            let text = state.call_macro(RENDER_MACRO, &args(&manifest.name))?;
                            if let Some(guard) = guard {
                                guard.template_compiled.store(true, compiled);
                            }
                            text
                        }
                    });
                }
            }
            Ok::<_, minijinja::Error>(texts)
        });
        let texts = texts.map_err(TemplateError::from)?;
        let mut manifests = Vec::new();
        for (manifest, text) in self.manifest_templates.iter().zip(&texts) {
            let source = format!("{base_path}/{}", manifest.name);
            manifests.extend(split_documents(
                &source,
                text.as_deref().unwrap_or_default(),
            )?);
        }
        sort_by_install_order(&mut manifests);
        Ok(Manifests::new(manifests, warnings))
    }
}

/// Every template of `chart` compiled, and the templates that produce manifests.
fn compile_templates(
    chart: &Chart,
) -> Result<(Environment<'static>, Vec<ManifestTemplate>), Error> {
    let mut env = crate::engine::environment();
    let mut manifest_templates = Vec::new();
    // An embedded chart's templates are known to compile (its tests compile them all): those
    // that are one `if` block are compiled where their guard first holds (their guards now),
    // its partials (the scripts, ...: `_` files but the helpers) at their first include.
    // Every other template, and every template of another chart, is compiled now.
    let guarded = chart.guarded();
    let mut later = Vec::new();
    let mut with_guard = Vec::new();
    for (name, source) in chart.templates() {
        let guard = guarded
            .is_some_and(|guarded| guarded.contains(&name.as_str()))
            .then(|| guard::guard_source(source))
            .flatten();
        let (name, source) = match guard {
            Some(guard) => {
                later.push((name.clone(), source.clone()));
                with_guard.push(name.as_str());
                (guard::guard_name(name), guard)
            }
            None if guarded.is_some() && name.starts_with('_') && name != "_helpers.tpl" => {
                later.push((name.clone(), source.clone()));
                continue;
            }
            None => (name.clone(), source.clone()),
        };
        env.add_template_owned(name.clone(), source)
            .map_err(|e| ChartError::Template {
                name,
                error: TemplateError::from(e),
            })?;
    }
    if !later.is_empty() {
        env.set_loader(move |name| {
            let found = later.iter().find(|(later, _)| later == name);
            Ok(found.map(|(_, source)| source.clone()))
        });
    }
    if let Some((name, _)) = chart
        .templates()
        .iter()
        .find(|(name, _)| [ROOT, FULLNAME].contains(&name.as_str()))
    {
        let message = format!(
            "a template file cannot be named {name}: the renderer's own template has that name"
        );
        let error = TemplateError {
            template: Some(name.clone()),
            line: None,
            message,
            in_value: None,
        };
        return Err(ChartError::Template {
            name: name.clone(),
            error,
        }
        .into());
    }
    let has_helpers = chart
        .templates()
        .iter()
        .any(|(name, _)| name == "_helpers.tpl");
    let mut own = vec![(ROOT, root_source(has_helpers))];
    if has_helpers {
        own.push((FULLNAME, FULLNAME_SOURCE.to_string()));
    }
    for (name, source) in own {
        env.add_template_owned(name, source)
            .map_err(|e| ChartError::Template {
                name: name.to_string(),
                error: TemplateError::from(e),
            })?;
    }
    for (name, source) in chart.templates() {
        if name.starts_with('_') {
            continue;
        }
        // An embedded chart lists the templates that read the variable (tests check the
        // lists); in another, a template whose text lacks the word cannot read it: only the
        // others are parsed again to find out (minijinja re-parses the source for this).
        let reads_rendered = if let Some(listed) = chart.read_rendered() {
            listed.contains(&name.as_str())
        } else {
            source.contains(RENDERED)
                && env
                    .get_template(name)
                    .map(|t| t.undeclared_variables(false).contains(RENDERED))
                    .map_err(|e| ChartError::Template {
                        name: name.clone(),
                        error: TemplateError::from(e),
                    })?
        };
        let guard = with_guard.contains(&name.as_str()).then(|| Guard {
            name: guard::guard_name(name),
            template_compiled: std::sync::atomic::AtomicBool::new(false),
        });
        manifest_templates.push(ManifestTemplate {
            name: name.clone(),
            reads_rendered,
            guard,
        });
    }
    Ok((env, manifest_templates))
}

/// The checker of `chart`'s values schema, if it has one.
fn compile_checker(chart: &Chart) -> Result<Option<Checker>, Error> {
    let Some(schema) = chart.shared_schema() else {
        return Ok(None);
    };
    let checker =
        Checker::for_document(std::sync::Arc::clone(schema), chart.rules()).map_err(|source| {
            ChartError::Schema {
                file: "values.schema.json".to_string(),
                source,
            }
        })?;
    Ok(Some(checker))
}

/// The template every render evaluates first (a chart's file of that name is refused): it
/// imports `_helpers.tpl` (when the chart has one) as `h`, once for the whole render, and
/// defines the macro that renders one manifest template with `Rendered` and `h`.
const ROOT: &str = "<render>";
/// The name the helpers are imported as, in [`ROOT`] and in every template.
const HELPERS: &str = "h";
/// The macro of [`ROOT`] that renders the template it is given by name.
const RENDER_MACRO: &str = "render";

/// The source of [`ROOT`] for a chart with (or without) `_helpers.tpl`.
fn root_source(has_helpers: bool) -> String {
    let import = if has_helpers {
        format!("{{% import \"_helpers.tpl\" as {HELPERS} %}}")
    } else {
        String::new()
    };
    format!(
        "{import}{{% macro {RENDER_MACRO}(name, {RENDERED}, {HELPERS}) %}}{{% include name %}}{{% endmacro %}}"
    )
}

/// The variable through which a template reads the output of the chart's other manifest
/// templates, by file name: `Rendered["configmap.yaml"]` (for a checksum annotation, without
/// rendering that template a second time). Templates that read it are rendered after those
/// that do not, and do not see each other's text.
const RENDERED: &str = "Rendered";
/// The template that prints the object name of the chart's helpers ([`Renderer::fullname`]),
/// compiled with the chart when it has `_helpers.tpl` (a chart's file of that name is refused).
const FULLNAME: &str = "<fullname>";
/// The source of [`FULLNAME`].
const FULLNAME_SOURCE: &str = "{% import \"_helpers.tpl\" as h %}{{ h.fullname }}";

/// A failed render as the error to report: a value that is a Go template and failed
/// becomes a diagnostic at its line and column inside the user's values file.
fn template_error(values: &Values, error: TemplateError) -> Error {
    let Some(tpl) = &error.in_value else {
        return error.into();
    };
    let Ok(path) = crate::values::Path::parse(&tpl.path) else {
        return error.into();
    };
    let origin = values
        .origin(&path, false)
        .map(|origin| origin_in_value(values, origin, tpl.line, tpl.column));
    Error::from(Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        path: tpl.path.clone(),
        message: format!(
            "in this value's template (line {}, column {}): {}",
            tpl.line, tpl.column, tpl.message
        ),
        origin,
        help: None,
        notes: Vec::new(),
    }]))
}

/// The position of `line:column` of a string value in its file: inside a literal block
/// scalar (`|`) below its header, or on the line of a one-line scalar; otherwise the value's
/// own position.
fn origin_in_value(values: &Values, origin: Origin, line: usize, column: usize) -> Origin {
    let Origin::File {
        name,
        line: at,
        column: start,
        line_text,
        ..
    } = &origin
    else {
        return origin;
    };
    let Some(spans) = values.spans_of(name) else {
        return origin;
    };
    let token: String = line_text.chars().skip(start.saturating_sub(1)).collect();
    let place = if token.starts_with('|') {
        // The block's indentation is that of its first non-empty line.
        let indent = (at + 1..)
            .map_while(|n| spans.line(n))
            .find(|l| !l.trim().is_empty())
            .map(|l| l.chars().take_while(|c| *c == ' ').count());
        indent.map(|indent| (at + line, indent + column))
    } else if line == 1 && !token.starts_with('>') {
        let quoted = token.starts_with('"') || token.starts_with('\'');
        Some((*at, start + column - 1 + usize::from(quoted)))
    } else {
        None
    };
    match place {
        Some((line, column)) => values.file_origin(
            name,
            spans,
            crate::values::spans::Span {
                line,
                column,
                offset: 0,
                len: 1,
            },
        ),
        None => origin,
    }
}

/// Problems in the order a person fixes them: file by file in the order given, line by line,
/// then `--set` expressions, then chart defaults; by values path where there is no location.
fn sort_diagnostics(diagnostics: &mut [Diagnostic], values: &Values) {
    let files = values.file_names();
    let rank = |d: &Diagnostic| match &d.origin {
        Some(Origin::File {
            name, line, column, ..
        }) => (
            0,
            files.iter().position(|f| f == name).unwrap_or(usize::MAX),
            *line,
            *column,
        ),
        Some(Origin::Set { column, .. }) => (1, 0, 0, *column),
        Some(Origin::ChartDefault) => (2, 0, 0, 0),
        None => (3, 0, 0, 0),
    };
    diagnostics.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(&b.path)));
}

/// Where the problem at `path` comes from: a user source, else the chart defaults; for a path
/// that is in neither (a missing key), the nearest enclosing value.
fn origin_of(
    values: &Values,
    defaults: &serde_yaml::Mapping,
    path: &crate::values::Path,
    on_key: bool,
) -> Option<Origin> {
    let mut at = Some(path.clone());
    let mut exact = true;
    while let Some(p) = at {
        if let Some(origin) = values.origin(&p, on_key && exact) {
            return Some(origin);
        }
        if values.sets(&p) {
            return None; // given as a parsed mapping: no file position to show
        }
        if crate::values::lookup(defaults, &p).is_some() {
            return Some(Origin::ChartDefault);
        }
        exact = false;
        at = p.parent().filter(|parent| !parent.is_empty());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 1.0.0\n";

    fn render(templates: &[(&str, &str)], values: &str) -> Result<Vec<String>, Error> {
        let templates = templates
            .iter()
            .map(|(name, source)| (name.to_string(), source.to_string()));
        let chart = Chart::from_parts("Chart.yaml", CHART_YAML, "", templates)?;
        let renderer = Renderer::new(chart)?;
        let mut user = Values::new();
        user.add_yaml("values.yaml", values)?;
        let manifests = renderer.render(&user, &RenderOptions::default())?;
        Ok(manifests.iter().map(|m| m.content().to_string()).collect())
    }

    /// A renderer is shared between threads; the templates it compiles at their first use
    /// (an embedded chart's guarded templates and partials) are compiled once, whichever
    /// thread comes first, and every thread renders the same text.
    #[test]
    fn threads_share_a_renderer_that_compiles_at_first_use() {
        fn shared<T: Send + Sync>(_: &T) {}
        let renderer = Renderer::new(Chart::current()).unwrap();
        shared(&renderer);
        let mut values = Values::new();
        values
            .add_yaml(
                "v.yaml",
                "gitlabUrl: https://gitlab.example.com/\nrunnerToken: glrt-x\nrbac: {create: true}\n\
                 sessionServer: {enabled: true}\nmetrics: {enabled: true}\n",
            )
            .unwrap();
        let options = RenderOptions::default();
        let alone = Renderer::new(Chart::current())
            .unwrap()
            .render(&values, &options)
            .unwrap()
            .to_string();
        let texts: Vec<String> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| renderer.render(&values, &options).unwrap().to_string()))
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(alone.contains("kind: Service\n") && alone.contains("kind: Role\n"));
        for text in texts {
            assert_eq!(text, alone);
        }
    }

    /// The renderer compiles some of an embedded chart's templates only where a render
    /// reaches them: every one must compile.
    #[test]
    fn every_template_of_the_embedded_charts_compiles() {
        for chart in [Chart::builtin(), Chart::current(), Chart::shell()] {
            let mut env = crate::engine::environment();
            for (name, source) in chart.templates() {
                env.add_template(name, source)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }

    #[test]
    fn the_embedded_charts_list_the_templates_that_read_rendered() {
        for chart in [Chart::builtin(), Chart::current(), Chart::shell()] {
            let listed = chart.read_rendered().expect("an embedded chart lists them");
            // the same templates, as a chart directory gives them: parsed to find out
            let templates = chart.templates().iter().cloned();
            let parsed = Chart::from_parts("Chart.yaml", CHART_YAML, "", templates).unwrap();
            assert_eq!(parsed.read_rendered(), None);
            let (_, found) = compile_templates(&parsed).unwrap();
            let found: Vec<&str> = found
                .iter()
                .filter(|t| t.reads_rendered)
                .map(|t| t.name.as_str())
                .collect();
            assert_eq!(listed, found, "{}", chart.metadata().name);
        }
    }

    fn config_map(name: &str, data: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  v: {data}")
    }

    #[test]
    fn every_template_sees_the_helpers_and_its_own_name() {
        let helpers = "{% set prefix = Release.Name ~ '-x' %}\
            {% macro fullname() %}{{ prefix }}{% endmacro %}\
            {% macro templated() %}{{ Values.t | tpl('t') }}{% endmacro %}";
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ h.fullname() }}-a\n\
            data:\n  v: {{ Values.t | tpl('t') | quote }}\n  w: {{ h.templated() | quote }}\n  \
            x: {{ Values.u | tpl('u') | quote }}\n";
        let b = a.replace("-a\n", "-b\n");
        let out = render(
            &[("_helpers.tpl", helpers), ("a.yaml", a), ("b.yaml", &b)],
            "t: '{{ .Template.Name }} {{ include \"c.fullname\" . }}'\n\
             u: '{{ include \"c.templated\" . }}'\n",
        )
        .unwrap();
        // `Template` is each template's own, in the template and in the helpers it calls
        // through tpl; `include` reaches the helpers imported once for the render
        assert_eq!(
            out,
            [
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-name-x-a\ndata:\n  \
                 v: \"c/templates/a.yaml release-name-x\"\n  w: \"c/templates/a.yaml release-name-x\"\n  \
                 x: \"c/templates/a.yaml release-name-x\"",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-name-x-b\ndata:\n  \
                 v: \"c/templates/b.yaml release-name-x\"\n  w: \"c/templates/b.yaml release-name-x\"\n  \
                 x: \"c/templates/b.yaml release-name-x\"",
            ]
        );
    }

    #[test]
    fn a_template_may_import_the_helpers_itself() {
        let helpers = "{% set name = 'from-helpers' %}";
        let a = format!(
            "{{% import \"_helpers.tpl\" as own %}}{}\n",
            config_map("a", "{{ own.name }}-{{ h.name }}")
        );
        let out = render(&[("_helpers.tpl", helpers), ("a.yaml", &a)], "").unwrap();
        assert_eq!(out, [config_map("a", "from-helpers-from-helpers")]);
    }

    #[test]
    fn a_chart_without_helpers_renders() {
        let a = format!("{}\n", config_map("a", "{{ Values.t | tpl('t') }}"));
        let out = render(&[("a.yaml", &a)], "t: '{{ .Template.Name }}'\n").unwrap();
        assert_eq!(out, [config_map("a", "c/templates/a.yaml")]);
        let err = render(&[("a.yaml", &a)], "t: '{{ include \"c.x\" . }}'\n").unwrap_err();
        assert!(err.to_string().contains("no such helper"), "{err}");
    }

    #[test]
    fn a_file_named_like_the_root_template_is_refused() {
        let a = format!("{}\n", config_map("a", "x"));
        let err = render(&[("a.yaml", &a), (ROOT, "")], "").unwrap_err();
        assert!(
            err.to_string().contains("cannot be named <render>"),
            "{err}"
        );
        let err = render(&[("a.yaml", &a), (FULLNAME, "")], "").unwrap_err();
        assert!(
            err.to_string().contains("cannot be named <fullname>"),
            "{err}"
        );
    }

    #[test]
    fn a_template_error_names_its_template_and_line() {
        let a = format!("{}\n", config_map("a", "x"));
        let b = format!(
            "{}\n{{{{ Values.missing.deeper }}}}\n",
            config_map("b", "x")
        );
        let err = render(&[("a.yaml", &a), ("b.yaml", &b)], "").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("b.yaml:7"), "{text}");
    }
}
