//! Values you can trust: the typed model of the chart's values ([`model`]), the JSON Schema
//! generated from it (checked in as `chart/values.schema.json`), and the check of merged values
//! against it ([`check`]) with diagnostics that name the values path, file and line, and what
//! to tell about unknown keys ([`suggest`]).

pub mod check;
pub mod compiled;
pub mod document;
pub mod formats;
pub mod hpa;
mod instance;
// the model's `newtype_schema!` serves the current chart's model too
#[macro_use]
pub mod model;
pub mod current;
pub mod suggest;
pub(crate) mod yaml11;

use schemars::generate::SchemaSettings;

/// The JSON Schema (draft-07) of the chart's values, generated from [`model::ChartValues`]
/// (with schemars, at the first call). [`crate::Chart::builtin`] does not call it: it embeds the
/// checked-in `chart/values.schema.json`, which the tests keep equal to this.
///
/// ```
/// let schema = gitlab_runner_chart::__private::schema::values_schema();
/// assert_eq!(schema["properties"]["concurrent"]["minimum"], 0);
/// assert_eq!(schema["additionalProperties"], false);
/// ```
pub fn values_schema() -> serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(generate::<model::ChartValues>).clone()
}

/// [`values_schema`] as the text of `chart/values.schema.json` (pretty-printed, final newline).
pub fn values_schema_json() -> String {
    schema_text(&values_schema())
}

/// The JSON Schema (draft-07, subschemas inlined) of a chart's values model `T`.
pub(crate) fn generate<T: schemars::JsonSchema>() -> serde_json::Value {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// A schema as the text of a checked-in `values.schema.json` (pretty-printed, final newline).
pub(crate) fn schema_text(schema: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a JSON value serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtin_charts_embed_the_generated_schemas() {
        assert_eq!(
            crate::Chart::builtin().schema(),
            Some(&super::values_schema())
        );
        assert_eq!(
            crate::Chart::current().schema(),
            Some(&super::current::values_schema())
        );
    }
}
