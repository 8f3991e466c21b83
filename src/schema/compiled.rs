//! The values schemas of the embedded charts as validators compiled with this crate
//! (jsonschema's `validator` macro reads `chart/*/values.schema.json` at build time): a process
//! that renders an embedded chart neither compiles its schema nor checks the schema against the
//! draft-07 meta-schema at start. A chart directory's schema is compiled at run time
//! ([`jsonschema::Validator`]); `tests/compiled_schema.rs` checks that both give the same
//! errors for the embedded schemas.

use serde_json::Value as Json;

/// One embedded chart's values schema, compiled into the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompiledSchema {
    /// `chart/values.schema.json` ([`crate::Chart::builtin`]).
    Seed,
    /// `chart/current/values.schema.json` ([`crate::Chart::current`]).
    Current,
    /// `chart/shell/values.schema.json` ([`crate::Chart::shell`]).
    Shell,
}

impl CompiledSchema {
    /// Every error of `instance`, as the run-time validator of the same schema gives them
    /// (possibly in another order: the checker sorts its problems).
    pub fn iter_errors<'i>(
        self,
        instance: &'i Json,
    ) -> Box<dyn Iterator<Item = jsonschema::ValidationError<'i>> + 'i> {
        match self {
            CompiledSchema::Seed => Box::new(Seed::iter_errors(instance)),
            CompiledSchema::Current => Box::new(Current::iter_errors(instance)),
            CompiledSchema::Shell => Box::new(Shell::iter_errors(instance)),
        }
    }
}

// The format list is the one `formats::FORMATS` gives the run-time validator; a format missing
// here would be ignored by the compiled validator: tests/compiled_schema.rs checks every format.
macro_rules! compiled_schema {
    ($name:ident, $path:literal) => {
        #[jsonschema::validator(
            path = $path,
            draft = Draft7,
            validate_formats = true,
            methods = { is_valid = false, validate = false, iter_errors = true },
            formats = {
                "http-url" => crate::schema::formats::is_http_url,
                "http-url-or-empty" => crate::schema::formats::is_http_url_or_empty,
                "k8s-quantity" => crate::schema::formats::is_quantity,
                "k8s-quantity-or-empty" => crate::schema::formats::is_quantity_or_empty,
                "dns-subdomain" => crate::schema::formats::is_dns_subdomain,
                "dns-subdomain-or-empty" => crate::schema::formats::is_dns_subdomain_or_empty,
                "dns-label" => crate::schema::formats::is_dns_label,
                "dns-label-or-empty" => crate::schema::formats::is_dns_label_or_empty,
                "integer-text" => crate::schema::formats::is_integer_text,
                "integer-text-or-empty" => crate::schema::formats::is_integer_text_or_empty,
                "positive-integer-text-or-empty" => crate::schema::formats::is_positive_integer_text_or_empty,
                "ip-address" => crate::schema::formats::is_ip_address,
                "env-var-name" => crate::schema::formats::is_env_var_name,
                "k8s-label-key" => crate::schema::formats::is_qualified_name,
                "k8s-annotation-key" => crate::schema::formats::is_qualified_name,
                "k8s-label-value" => crate::schema::formats::is_label_value,
            }
        )]
        struct $name;
    };
}

compiled_schema!(Seed, "chart/values.schema.json");
compiled_schema!(Current, "chart/current/values.schema.json");
compiled_schema!(Shell, "chart/shell/values.schema.json");
