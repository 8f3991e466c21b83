//! Helm's `tpl` for values that are Go templates (`runners.config`, `runners.secret`, ...):
//! a string evaluated with Go text/template semantics by `gtmpl-ng`, with Helm's functions
//! ([`functions`]) and the render context (`.Values`, `.Release`, `.Chart`, `.Capabilities`,
//! `.Template`).
//!
//! In a chart template: `{{ Values.runners.config | tpl("runners.config") }}`, the argument
//! being the values path of the string (for errors). `include` reaches the helpers the
//! renderer imported for the render ([`share_helpers`]); `tpl(h, "path")` names another
//! helpers module (`{% import "_helpers.tpl" as h %}`) explicitly.
//!
//! - A string without `{{` is returned unchanged, without running the evaluator.
//! - `include "CHART.HELPER" .` is what the helper `HELPER` of `h` renders (`-` and `.` in its
//!   name written `_`: `gitlab-runner.fullname` is `h.fullname`), so the chart's helpers stay
//!   the one source of truth. Only the root context may be passed to it. Helpers are rendered
//!   on first use and kept for the rest of the template's render.
//! - `<no value>` (a missing key) prints as nothing, as in Helm.
//! - Numbers: see [`convert`] (the project's rule: `1000000`, not Go's `1e+06`).
//! - Errors ([`TplError`]) carry the values path and the line and column inside the value.

pub mod convert;
pub mod error;
pub mod functions;
mod session;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use gtmpl_ng::{Context, Limits, Template, Value as GoValue};
use minijinja::value::{Object, ValueKind};
use minijinja::{Error, ErrorKind, State, Value};

pub use error::TplError;

use crate::engine::format::{go_string, is_macro};
use session::Session;

/// The names the Go template sees at its top level, as the render context has them.
const ROOT_NAMES: [&str; 5] = ["Values", "Release", "Chart", "Capabilities", "Template"];

/// How often one value may ask for a helper not rendered yet (each time the evaluation runs
/// again); more distinct helpers than this in one value is an error.
const MAX_HELPER_ROUNDS: usize = 32;

/// The bounds of one evaluation: gtmpl-ng's defaults (10,000 iterations per `range`, a
/// million in all), output at most 16 MiB.
fn limits() -> Limits {
    Limits::default().with_output_bytes(16 * 1024 * 1024)
}

/// Parses and runs `text` with `dot` as `.`, under the current session; `<no value>`
/// removed from the result, as Helm does.
pub(crate) fn run(text: &str, dot: GoValue) -> Result<String, gtmpl_ng::TemplateError> {
    let mut template = Template::with_name("tpl");
    template.limits = limits();
    template.add_funcs(functions::FUNCTIONS);
    template.parse(text)?;
    let out = template.render(&Context::from(dot))?;
    Ok(out.replace("<no value>", ""))
}

/// Line, column (1-based, in characters) and message of a gtmpl-ng error in `text`.
pub(crate) fn locate(error: &gtmpl_ng::TemplateError, text: &str) -> (usize, usize, String) {
    use gtmpl_ng::{ExecError, ParseError, TemplateError as E};
    let (line, byte_col, message) = match error {
        E::ParseError(ParseError::WithContext(ctx, message)) => {
            (ctx.line, ctx.col, message.clone())
        }
        E::ExecError(ExecError::Structured(s)) => {
            (s.context.line, s.context.col, s.message.clone())
        }
        other => (1, 1, other.to_string()),
    };
    let column = text
        .split('\n')
        .nth(line.saturating_sub(1))
        .map(|l| {
            let end = byte_col.saturating_sub(1).min(l.len());
            let end = (0..=end)
                .rev()
                .find(|&i| l.is_char_boundary(i))
                .unwrap_or(0);
            l[..end].chars().count() + 1
        })
        .unwrap_or(byte_col);
    (line.max(1), column, message)
}

/// What one run of the evaluator gave.
enum Outcome {
    Done(String),
    /// `include` asked for a helper not rendered yet.
    Wants(String),
    Failed(TplError),
}

/// Evaluates `text` (the value at `path`) with `root` as `.` and the helper outputs given.
fn evaluate(
    text: &str,
    path: &str,
    root: &Arc<GoValue>,
    prefix: &str,
    helpers: Arc<BTreeMap<String, Option<String>>>,
) -> Outcome {
    let session = Session {
        root: root.clone(),
        prefix: prefix.to_string(),
        helpers,
        wanted: None,
        depth: 0,
    };
    let (result, session) = session::with_session(session, || run(text, (**root).clone()));
    if let Some(name) = session.wanted {
        return Outcome::Wants(name);
    }
    match result {
        Ok(out) => Outcome::Done(out),
        Err(e) => {
            let (line, column, message) = locate(&e, text);
            Outcome::Failed(TplError::new(path, line, column, message))
        }
    }
}

/// The root context and the helper outputs of one render (minijinja temps). The root is
/// kept with the `Template.Name` it was built for: the templates of a render share one state.
#[derive(Debug, Default)]
struct RenderCache {
    /// The helpers module of the render (see [`share_helpers`]).
    module: Mutex<Option<Value>>,
    root: Mutex<Option<(Value, Arc<GoValue>)>>,
    helpers: Mutex<Arc<BTreeMap<String, Option<String>>>>,
}

impl Object for RenderCache {}

const CACHE_KEY: &str = "gitlab_runner_chart::tpl";

fn render_cache(state: &mut State) -> Arc<RenderCache> {
    if let Some(cache) = state
        .get_temp(CACHE_KEY)
        .and_then(|v| v.downcast_object::<RenderCache>())
    {
        return cache;
    }
    let cache = Arc::new(RenderCache::default());
    state.set_temp(CACHE_KEY, Value::from_dyn_object(cache.clone()));
    cache
}

/// Makes `helpers` (the chart's `_helpers.tpl` as imported in `state`) what `include` reaches
/// in a value given to `tpl(path)` during this render. The renderer calls it once per render,
/// so that the helpers themselves can use `tpl` without importing their own file again.
pub(crate) fn share_helpers(state: &mut State, helpers: Value) {
    let cache = render_cache(state);
    *cache.module.lock().unwrap_or_else(|p| p.into_inner()) = Some(helpers);
}

/// `.` of a templated value: the render context's top-level names as Go values.
fn root_context(state: &State) -> GoValue {
    let mut map = std::collections::HashMap::new();
    for name in ROOT_NAMES {
        if let Some(value) = state.lookup(name) {
            map.insert(name.to_string(), convert::to_go(&value));
        }
    }
    GoValue::Map(map)
}

/// The chart helper a Helm name means (`gitlab-runner.fullname` → `fullname`).
fn helper_name(prefix: &str, name: &str) -> Option<String> {
    let rest = name.strip_prefix(prefix)?;
    Some(rest.replace(['-', '.'], "_"))
}

/// What helper `name` of `helpers` renders: a macro called without arguments, or a value's
/// text; `None` if there is no such helper.
fn render_helper(
    state: &mut State,
    helpers: &Value,
    prefix: &str,
    name: &str,
) -> Result<Option<String>, Error> {
    let Some(helper) = helper_name(prefix, name) else {
        return Ok(None);
    };
    if helpers.is_undefined() || helpers.is_none() {
        return Ok(None); // a chart without `_helpers.tpl`
    }
    let value = helpers.get_attr(&helper)?;
    if value.is_undefined() {
        return Ok(None);
    }
    if is_macro(&value) {
        let out = value.call(state, &[]).map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("include {name:?}: the helper {helper} failed"),
            )
            .with_source(e)
        })?;
        return Ok(Some(match out.as_str() {
            Some(s) => s.to_string(),
            None => go_string(&out),
        }));
    }
    Ok(Some(go_string(&value)))
}

/// The helper names a text names as string literals (`"gitlab-runner.secret"`), rendered
/// before the first run so that usually no second run is needed.
fn named_helpers<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(prefix).filter_map(move |(at, _)| {
        let quote = text[..at].chars().next_back()?;
        if quote != '"' && quote != '`' {
            return None;
        }
        let end = text[at..].find(quote)?;
        Some(&text[at..at + end])
    })
}

/// The minijinja filter `tpl("values.path")` (or `tpl(h, "values.path")`): the value
/// evaluated as a Go template (see the module documentation). A string without `{{`, a number
/// and a boolean are returned as they are; none and undefined give `""`.
pub fn tpl_filter(
    state: &mut State,
    text: Value,
    first: Value,
    second: Option<String>,
) -> Result<Value, Error> {
    let (helpers, path) = match second {
        Some(path) => (first, path),
        None => {
            let Some(path) = first.as_str() else {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "tpl needs the values path of the text: tpl(\"values.path\")",
                ));
            };
            let module = render_cache(state)
                .module
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            (module.unwrap_or(Value::UNDEFINED), path.to_string())
        }
    };
    let source = match text.kind() {
        ValueKind::String => text.as_str().unwrap_or_default(),
        ValueKind::Number | ValueKind::Bool => return Ok(text),
        ValueKind::None | ValueKind::Undefined => return Ok(Value::from("")),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{path}: tpl needs a string, got a {other}"),
            ));
        }
    };
    if !source.contains("{{") {
        return Ok(text);
    }
    let source = source.to_string();
    let cache = render_cache(state);
    let root = {
        // the templates of a render share one state: the root is `Template`'s
        let template = state
            .lookup("Template")
            .and_then(|t| t.get_attr("Name").ok())
            .unwrap_or(Value::UNDEFINED);
        let mut slot = cache.root.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Some((built_for, root)) if *built_for == template => root.clone(),
            _ => {
                // a new template: helper outputs may read `Template` too
                *cache.helpers.lock().unwrap_or_else(|p| p.into_inner()) = Arc::default();
                let root = Arc::new(root_context(state));
                *slot = Some((template, root.clone()));
                root
            }
        }
    };
    let chart_name = state
        .lookup("Chart")
        .and_then(|c| c.get_attr("Name").ok())
        .map(|n| go_string(&n))
        .unwrap_or_default();
    let prefix = format!("{chart_name}.");

    let add_helper = |state: &mut State, name: &str| -> Result<(), Error> {
        let known = cache
            .helpers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(name);
        if !known {
            let rendered = render_helper(state, &helpers, &prefix, name)?;
            let mut slot = cache.helpers.lock().unwrap_or_else(|p| p.into_inner());
            Arc::make_mut(&mut slot).insert(name.to_string(), rendered);
        }
        Ok(())
    };
    for name in named_helpers(&source, &prefix) {
        add_helper(state, name)?;
    }
    for _ in 0..MAX_HELPER_ROUNDS {
        let snapshot = cache
            .helpers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        match evaluate(&source, &path, &root, &prefix, snapshot) {
            Outcome::Done(out) => return Ok(Value::from(out)),
            Outcome::Wants(name) => add_helper(state, &name)?,
            Outcome::Failed(error) => {
                return Err(
                    Error::new(ErrorKind::InvalidOperation, error.to_string()).with_source(error)
                );
            }
        }
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("{path}: includes more than {MAX_HELPER_ROUNDS} different helpers"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    const HELPERS: &str = "{% set fullname = Release.Name ~ '-' ~ Chart.Name %}\
        {% macro secret() %}{{ Values.secret | default(fullname) }}{% endmacro %}\
        {% macro broken() %}{{ Values.x | required('x is required') }}{% endmacro %}\
        {% macro wrapped(text) %}[{{ text | tpl(h, 'in.macro') }}]{% endmacro %}";

    fn render(source: &str, values: Value) -> Result<String, crate::TemplateError> {
        let mut env = crate::engine::environment();
        env.add_template("_helpers.tpl", HELPERS).unwrap();
        env.add_template_owned(
            "t.yaml",
            format!("{{% import '_helpers.tpl' as h %}}{source}"),
        )
        .unwrap();
        let ctx = context! {
            Values => values,
            Release => context! { Name => "ci", Namespace => "gitlab" },
            Chart => context! { Name => "gitlab-runner", Version => "0.86.0" },
        };
        Ok(env.get_template("t.yaml").unwrap().render(ctx)?)
    }

    fn values(t: &str) -> Value {
        context! { t => t, n => 1_000_000, secret => "" }
    }

    #[test]
    fn evaluates_with_the_render_context() {
        let out = render(
            "{{ Values.t | tpl(h, 't') }}",
            values("ns={{ .Release.Namespace }}"),
        );
        assert_eq!(out.unwrap(), "ns=gitlab");
        let out = render("{{ Values.t | tpl(h, 't') }}", values("{{ .Values.n }}"));
        assert_eq!(out.unwrap(), "1000000");
    }

    #[test]
    fn include_renders_the_helpers() {
        let t =
            "{{ include \"gitlab-runner.secret\" . }} {{ include \"gitlab-runner.fullname\" $ }}";
        let out = render("{{ Values.t | tpl(h, 't') }}", values(t));
        assert_eq!(out.unwrap(), "ci-gitlab-runner ci-gitlab-runner");
        // A name built at run time is rendered on demand (a second run).
        let t = "{{ include (printf \"%s.%s\" .Chart.Name \"secret\") . }}";
        assert_eq!(
            render("{{ Values.t | tpl(h, 't') }}", values(t)).unwrap(),
            "ci-gitlab-runner"
        );
    }

    #[test]
    fn a_failing_helper_names_itself() {
        let t = "{{ include \"gitlab-runner.broken\" . }}";
        let err = render("{{ Values.t | tpl(h, 't') }}", values(t)).unwrap_err();
        assert!(err.message.contains("x is required"), "{err}");
    }

    #[test]
    fn works_inside_a_macro() {
        let out = render("{{ h.wrapped(Values.t) }}", values("{{ .Release.Name }}"));
        assert_eq!(out.unwrap(), "[ci]");
    }

    #[test]
    fn errors_carry_the_position_inside_the_value() {
        let err = render(
            "{{ Values.t | tpl(h, 'runners.config') }}",
            values("a\n  é{{ nope }}"),
        )
        .unwrap_err();
        let in_value = err.in_value.expect("a tpl error");
        assert_eq!(
            (in_value.path.as_str(), in_value.line, in_value.column),
            ("runners.config", 2, 7)
        );
        assert!(in_value.message.contains("nope"), "{}", in_value.message);
    }

    #[test]
    fn scalars_and_plain_strings_pass_unchanged() {
        assert_eq!(render("{{ 5 | tpl(h, 'x') }}", values("")).unwrap(), "5");
        assert_eq!(render("{{ none | tpl(h, 'x') }}", values("")).unwrap(), "");
        assert_eq!(
            render("{{ Values.t | tpl(h, 't') }}", values("<no value> }}")).unwrap(),
            "<no value> }}"
        );
        assert!(render("{{ [1] | tpl(h, 'x') }}", values("")).is_err());
    }

    #[test]
    fn helper_names() {
        let prefix = "gitlab-runner.";
        assert_eq!(
            helper_name(prefix, "gitlab-runner.fullname").as_deref(),
            Some("fullname")
        );
        assert_eq!(
            helper_name(prefix, "gitlab-runner.runner-env.vars").as_deref(),
            Some("runner_env_vars")
        );
        assert_eq!(helper_name(prefix, "other.fullname"), None);
        let text = "{{ include \"gitlab-runner.secret\" . }} {{ include `gitlab-runner.a-b` . }} gitlab-runner.no";
        let names: Vec<&str> = named_helpers(text, prefix).collect();
        assert_eq!(names, ["gitlab-runner.secret", "gitlab-runner.a-b"]);
    }
}
