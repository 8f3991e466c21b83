//! A chart's values schema as a JSON document, parsed at its first use: an embedded chart's
//! schema is validated by a validator compiled into the crate ([`super::compiled`]), so a
//! render reads its JSON only to explain a problem, to find a number given as text, or to tell
//! which values the chart takes as text; values with none of these never parse it.

use std::sync::OnceLock;

use serde_json::Value as Json;

/// A values schema: its JSON, parsed when first asked for.
#[derive(Debug)]
pub struct SchemaDocument {
    /// The embedded text, for a schema not parsed yet.
    text: Option<&'static str>,
    json: OnceLock<Json>,
}

impl SchemaDocument {
    /// A schema already parsed (a chart directory's, read and checked when it was loaded).
    pub fn parsed(json: Json) -> SchemaDocument {
        SchemaDocument {
            text: None,
            json: OnceLock::from(json),
        }
    }

    /// An embedded chart's schema, from its text; the test suite checks that the text is JSON.
    pub fn embedded(text: &'static str) -> SchemaDocument {
        SchemaDocument {
            text: Some(text),
            json: OnceLock::new(),
        }
    }

    /// The schema's JSON.
    pub fn json(&self) -> &Json {
        self.json.get_or_init(|| {
            // only embedded text is parsed here: a build defect if it is not JSON
            serde_json::from_str(self.text.unwrap_or("{}"))
                .expect("an embedded values.schema.json is valid JSON (checked by tests)")
        })
    }
}
