//! The template engine: a minijinja [`Environment`] set up once for YAML output, with the
//! Helm/sprig functions the chart needs.
//!
//! - no auto-escaping; values are printed the way Go templates print them
//!   ([`format::go_string`]: `true`, whole numbers without `.0`, integers in full, missing
//!   values as nothing);
//! - undefined values may be tested and compared (`{% if Values.logFormat %}`) but not
//!   printed: a misspelled name fails the render instead of printing nothing;
//! - filters: [`strings`] (quote, default, trunc, trimSuffix, indent, nindent, ternary,
//!   required, hasKey, toString, asNumber, ...), [`encoding`] (b64enc, sha256sum, shquote, tomlString),
//!   [`yaml`] (toYaml), [`crate::tpl`] (tpl: values that are Go templates), and the chart's
//!   hpaMetricsV2, hpaMetricsV2beta1 ([`crate::schema::hpa`]); functions: coalesce, fail;
//!   test: `kubeAtLeast` (`Capabilities.KubeVersion is kubeAtLeast("1.23")`, see
//!   [`crate::context`]).
//!
//! Helm's `include` of a named template is a minijinja macro of `_helpers.tpl`, which the
//! renderer imports once per render and gives every template as `h` (`h.env()`; the
//! templates of a render share one evaluation state, so the helpers' top-level names are
//! computed once), and the text of a whole template file for a checksum is
//! `Rendered["configmap.yaml"]` (the renderer gives it, rendered once: see
//! `Renderer::render_checked`), e.g.
//! `{{ Rendered["configmap.yaml"] | sha256sum }}`; `{% include "configmap.yaml" %}` would
//! render it a second time.

pub mod block;
pub mod encoding;
pub mod format;
pub mod host_aliases;
pub mod strings;
pub mod yaml;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};

/// A template failed to render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", template.as_deref().unwrap_or("template"), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    /// The template file where it failed, e.g. `deployment.yaml`.
    pub template: Option<String>,
    /// The line in that template.
    pub line: Option<usize>,
    /// What went wrong (e.g. the `required` message, or `undefined value`).
    pub message: String,
    /// When a value that is a Go template failed (the `tpl` filter): its values path and the
    /// line and column inside it.
    pub in_value: Option<Box<crate::tpl::TplError>>,
}

impl From<minijinja::Error> for TemplateError {
    fn from(error: minijinja::Error) -> TemplateError {
        // The innermost error names the template and line where it really happened (an
        // include or a macro in another file).
        let mut innermost: &minijinja::Error = &error;
        let mut chain: &dyn std::error::Error = &error;
        let mut in_value = None;
        while let Some(source) = chain.source() {
            if let Some(e) = source.downcast_ref::<minijinja::Error>() {
                if e.name().is_some() {
                    innermost = e;
                }
            }
            if let Some(e) = source.downcast_ref::<crate::tpl::TplError>() {
                in_value = Some(Box::new(e.clone()));
            }
            chain = source;
        }
        let message = match innermost.detail() {
            Some(detail) => detail.to_string(),
            None => innermost.kind().to_string(),
        };
        TemplateError {
            template: innermost.name().map(str::to_string),
            line: innermost.line(),
            message,
            in_value,
        }
    }
}

/// The chart's syntax: the default delimiters; blocks trim their trailing newline and leading
/// indentation (`trim_blocks`, `lstrip_blocks`), and a template's final newline is kept.
pub fn syntax() -> SyntaxConfig {
    SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid")
}

/// A new environment with the chart's [`syntax`], formatter, filters and functions, and no
/// templates.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_syntax(syntax());
    // Lenient lets templates test and compare missing values (`cache.cacheType == "s3"`);
    // printing one is refused by the formatter, and attribute access on one fails.
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::UndefinedError,
                "cannot print an undefined (missing) value; use a filter that handles one (quote, default, toYaml)",
            ));
        }
        // a string (most of what templates print: quoted values, indented blocks) is
        // written where it is, not copied into a text of its own first
        out.write_str(&format::go_text(value))
            .map_err(minijinja::Error::from)
    });
    env.set_recursion_limit(64);

    // strings
    env.add_filter("quote", strings::quote);
    env.add_filter("default", strings::default);
    env.add_filter("toString", strings::to_string);
    env.add_filter("asNumber", strings::as_number);
    env.add_filter("trunc", strings::trunc);
    env.add_filter("trimSuffix", strings::trim_suffix);
    env.add_filter("trimPrefix", strings::trim_prefix);
    env.add_filter("trimRight", strings::trim_right);
    env.add_filter("indent", strings::indent);
    env.add_filter("nindent", strings::nindent);
    env.add_filter("ternary", strings::ternary);
    env.add_filter("required", strings::required);
    env.add_filter("hasKey", strings::has_key);
    env.add_function("coalesce", strings::coalesce);
    env.add_function("fail", strings::fail);
    // encoding
    env.add_filter("b64enc", encoding::b64enc);
    env.add_filter("sha256sum", encoding::sha256sum);
    env.add_filter("shquote", encoding::shquote);
    env.add_filter("tomlString", encoding::toml_string);
    env.add_filter("tomlValue", encoding::toml_value);
    // yaml
    env.add_filter("toYaml", |value: minijinja::Value| yaml::to_yaml(&value));
    env.add_filter(
        "mergeHostAliases",
        |text: &str, aliases: minijinja::Value, path: &str| {
            host_aliases::merge_host_aliases(text, &aliases, path)
        },
    );
    env.add_filter("yamlText", |value: minijinja::Value, indent: usize| {
        block::yaml_text(&value, indent)
    });
    // kubernetes
    // the GitLab Runner chart's HPA metrics, typed in its model (crate::schema::hpa)
    env.add_filter("hpaMetricsV2", |metrics: minijinja::Value| {
        crate::schema::hpa::metrics_v2(&metrics)
    });
    env.add_filter("hpaMetricsV2beta1", |metrics: minijinja::Value| {
        crate::schema::hpa::metrics_v2beta1(&metrics)
    });
    // values that are Go templates (Helm's `tpl`)
    env.add_filter("tpl", crate::tpl::tpl_filter);
    env.add_test("kubeAtLeast", crate::context::kube_at_least);
    env
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render(source: &str, ctx: minijinja::Value) -> Result<String, TemplateError> {
        let mut env = environment();
        env.add_template_owned("t.yaml", source.to_string())
            .map_err(TemplateError::from)?;
        Ok(env.get_template("t.yaml").unwrap().render(ctx)?)
    }

    #[test]
    fn prints_values_like_go_templates() {
        let out = render(
            "{{ a }} {{ b }} {{ c }} {{ d }} {{ e }}",
            context! { a => true, b => 10.0, c => 1_000_000, d => 1.5, e => () },
        )
        .unwrap();
        assert_eq!(out, "true 10 1000000 1.5 ");
    }

    #[test]
    fn undefined_values_can_be_tested_but_not_printed() {
        let v = context! { Values => context! { a => 1 } };
        assert_eq!(
            render("{% if Values.b %}x{% endif %}y", v.clone()).unwrap(),
            "y"
        );
        assert_eq!(render("{{ Values.b | quote }}", v.clone()).unwrap(), "\"\"");
        let err = render("line\n{{ Values.b }}", v).unwrap_err();
        assert_eq!(err.template.as_deref(), Some("t.yaml"));
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("undefined"), "{err}");
    }

    #[test]
    fn errors_inside_includes_name_the_included_template() {
        let mut env = environment();
        env.add_template("inner.yaml", "a\nb\n{{ 'x' | required(none) }}{{ nope.x }}")
            .unwrap();
        env.add_template("outer.yaml", "{% include 'inner.yaml' %}")
            .unwrap();
        let err: TemplateError = env
            .get_template("outer.yaml")
            .unwrap()
            .render(())
            .unwrap_err()
            .into();
        assert_eq!(err.template.as_deref(), Some("inner.yaml"));
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn blocks_do_not_leave_blank_lines() {
        let out = render(
            "a:\n{% if x %}\n  b: 1\n{% endif %}\nc: 2\n",
            context! { x => true },
        )
        .unwrap();
        assert_eq!(out, "a:\n  b: 1\nc: 2\n");
    }
}
