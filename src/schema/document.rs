//! A chart's values schema as a JSON document. An embedded chart's schema is validated by a
//! validator compiled into the crate ([`super::compiled`]) and its JSON is parsed at its first
//! use: a render reads it only to explain a problem, to find a number given as text, or to tell
//! which values the chart takes as text; values with none of these never parse it.

use std::sync::OnceLock;

use serde_json::Value as Json;

use super::compiled::CompiledSchema;

/// A values schema: a chart directory's, parsed when it was read, or an embedded chart's, with
/// its validator compiled into the crate and its JSON parsed when first asked for.
#[derive(Debug)]
pub enum SchemaDocument {
    /// A schema already parsed (a chart directory's, read and checked when it was loaded).
    Parsed(Json),
    /// An embedded chart's schema.
    Embedded {
        /// Its text; the test suite checks that it is JSON.
        text: &'static str,
        /// The validator built from `text` into the crate.
        compiled: CompiledSchema,
        /// `text` parsed, at its first use.
        json: OnceLock<Json>,
    },
}

impl SchemaDocument {
    /// An embedded chart's schema: its `text` and `compiled`, the validator built from it.
    pub fn embedded(text: &'static str, compiled: CompiledSchema) -> SchemaDocument {
        SchemaDocument::Embedded {
            text,
            compiled,
            json: OnceLock::new(),
        }
    }

    /// The schema's JSON.
    pub fn json(&self) -> &Json {
        match self {
            SchemaDocument::Parsed(json) => json,
            SchemaDocument::Embedded { text, json, .. } => json.get_or_init(|| {
                serde_json::from_str(text)
                    .expect("an embedded values.schema.json is valid JSON (checked by tests)")
            }),
        }
    }

    /// The validator compiled into the crate for this schema, if it is an embedded one.
    pub fn compiled(&self) -> Option<CompiledSchema> {
        match self {
            SchemaDocument::Parsed(_) => None,
            SchemaDocument::Embedded { compiled, .. } => Some(*compiled),
        }
    }
}
