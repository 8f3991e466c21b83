//! Checking merged values: against the chart's JSON Schema (every problem, not only the first),
//! then the rules a schema cannot say (`hpa.minReplicas <= maxReplicas`, object names after
//! truncation, keys the chart cannot render without, seccomp profiles), and the chart's
//! warnings ([`Problem`]s with `warning` set: values that render, but not to a working runner, e.g. no
//! runner token at all, or registration settings a runner token cannot carry).
//!
//! A problem names its values path and says what was expected and what was found; the value
//! of a secret (see [`crate::diagnostic::is_secret_path`]) is never quoted.

use serde_json::Value as Json;

use super::compiled::CompiledSchema;
use super::document::SchemaDocument;
use super::formats;
use super::suggest::{Suggester, Suggestion};
use crate::chart::ChartRules;
use crate::diagnostic::is_secret_path;
use crate::values::path::{Path, Segment};
use crate::values::scalar::is_non_finite;
use crate::{KubeVersion, Release};

/// One problem of the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: the values path of the key or value.
    pub path: Path,
    /// The key itself is the problem (unknown or invalid key), not its value.
    pub on_key: bool,
    /// An unknown key (an error when strict, a warning otherwise).
    pub unknown_key: bool,
    /// What is wrong: what was expected and what was found.
    pub message: String,
    /// A hint, e.g. "did you mean `checkInterval`?".
    pub help: Option<String>,
    /// Facts that explain the problem, e.g. the keys the mapping has. The same note is given
    /// to every unknown key of a mapping, for a report to print it once.
    pub notes: Vec<String>,
    /// Not an error: the values render, but probably not to what was meant (a number given
    /// as text, no runner token at all, ...).
    pub warning: bool,
}

impl Problem {
    fn new(path: Path, message: String) -> Problem {
        Problem {
            path,
            on_key: false,
            unknown_key: false,
            message,
            help: None,
            notes: Vec::new(),
            warning: false,
        }
    }

    fn warning(path: Path, message: String, help: String) -> Problem {
        Problem {
            warning: true,
            help: Some(help),
            ..Problem::new(path, message)
        }
    }

    fn suggest(&mut self, suggestion: Suggestion) {
        if self.help.is_none() {
            self.help = suggestion.help;
        }
        self.notes.extend(suggestion.notes);
    }
}

/// A compiled schema and the chart rules to apply.
pub struct Checker {
    schema: std::sync::Arc<SchemaDocument>,
    validator: Validator,
    /// The key paths of the schema, to explain unknown keys: built at the first problem that
    /// needs them (values without problems never pay for it).
    suggester: std::sync::OnceLock<Suggester>,
    rules: ChartRules,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

/// The schema's validator: compiled into the crate for an embedded chart's schema, at run time
/// for a chart directory's.
enum Validator {
    Compiled(CompiledSchema),
    Runtime(Box<jsonschema::Validator>),
}

impl Validator {
    fn iter_errors<'i>(
        &'i self,
        instance: &'i Json,
    ) -> Box<dyn Iterator<Item = jsonschema::ValidationError<'i>> + 'i> {
        match self {
            Validator::Compiled(schema) => schema.iter_errors(instance),
            Validator::Runtime(validator) => Box::new(validator.iter_errors(instance)),
        }
    }
}

/// A values schema the validator cannot compile (a chart's own `values.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", at.as_ref().map(|at| format!(" (at {at})")).unwrap_or_default())]
pub struct SchemaError {
    /// What the JSON reader or the validator said.
    pub message: String,
    /// Where in the schema, as a JSON pointer, when the validator refused it.
    pub at: Option<String>,
}

impl Checker {
    /// Compiles `schema` (with this crate's formats); `rules` are the chart's own rules beyond
    /// the schema (see [`ChartRules`]).
    pub fn new(schema: Json, rules: ChartRules) -> Result<Checker, SchemaError> {
        Checker::for_document(std::sync::Arc::new(SchemaDocument::Parsed(schema)), rules)
    }

    /// The checker of a schema document shared with its chart: an embedded chart's schema is
    /// validated by its validator compiled into the crate (its JSON is read only to explain
    /// problems), any other is compiled here.
    pub(crate) fn for_document(
        schema: std::sync::Arc<SchemaDocument>,
        rules: ChartRules,
    ) -> Result<Checker, SchemaError> {
        let validator = match schema.compiled() {
            Some(compiled) => Validator::Compiled(compiled),
            None => Validator::Runtime(Box::new(runtime_validator(schema.json())?)),
        };
        Ok(Checker {
            schema,
            validator,
            suggester: std::sync::OnceLock::new(),
            rules,
        })
    }

    fn suggester(&self) -> &Suggester {
        self.suggester
            .get_or_init(|| Suggester::for_chart(self.schema.json(), self.rules))
    }

    /// Every problem of `values` (merged, defaults included) for `release` on Kubernetes
    /// `kube_version`, in a stable order. `fullname` gives the name of the chart's objects
    /// for the merged values (its helpers' `fullname`, as the templates print it), for the
    /// rules that check it; `None` when the helpers cannot be rendered for these values.
    pub fn check(
        &self,
        values: &serde_yaml::Mapping,
        release: &Release,
        kube_version: KubeVersion,
        fullname: &dyn Fn() -> Option<String>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        non_finite_numbers(values, &mut problems);
        if !problems.is_empty() {
            return problems;
        }
        let instance = match super::instance::to_json(values) {
            Ok(json) => json,
            Err(e) => {
                return vec![Problem::new(
                    Path::default(),
                    format!("the values cannot be checked: {e}"),
                )];
            }
        };
        let errors: Vec<_> = self.validator.iter_errors(&instance).collect();
        for error in without_types_enums_say(&errors) {
            self.explain(error, &instance, &mut problems);
        }
        for problem in problems.iter_mut().filter(|p| !p.on_key) {
            // the shape the other embedded chart gives the key (`image: {registry: ...}`)
            if let Some(found) = json_at(&instance, &problem.path) {
                problem.suggest(self.suggester().other_chart_shape(&problem.path, found));
            }
        }
        if has_integer_text(&instance) {
            let schema = self.schema.json();
            numbers_as_text(schema, &instance, &mut Path::default(), &mut problems);
        }
        match self.rules {
            ChartRules::Seed => {
                let name = fullname();
                chart_rules(&instance, kube_version, name, &mut problems);
            }
            ChartRules::Current => {
                nul_characters(&instance, &mut problems);
                super::current::rules::check(&instance, release, &mut problems);
            }
            ChartRules::None => {}
        }
        problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
        problems.dedup();
        problems
    }

    fn explain(
        &self,
        error: &jsonschema::ValidationError<'_>,
        instance: &Json,
        out: &mut Vec<Problem>,
    ) {
        use jsonschema::error::ValidationErrorKind as Kind;
        let path = to_path(error.instance_path().as_str(), instance);
        let found = error.instance();
        let secret = is_secret_path(&path);
        match error.kind() {
            Kind::AnyOf { context } | Kind::OneOfNotValid { context } => {
                // `anyOf: [T, null]` (an optional value): explain the branch that is not null.
                let branch = context
                    .iter()
                    .find(|errors| !errors.iter().all(is_null_type_error))
                    .or(context.first());
                match branch {
                    Some(errors) if !errors.is_empty() => {
                        for e in without_types_enums_say(errors) {
                            self.explain(e, instance, out);
                        }
                    }
                    _ => out.push(Problem::new(
                        path,
                        format!("unexpected {}", describe(found, secret)),
                    )),
                }
            }
            Kind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let key_path = path.child_key(key);
                    let mut problem = Problem::new(key_path, format!("unknown key `{key}`"));
                    problem.on_key = true;
                    problem.unknown_key = true;
                    problem.suggest(self.suggester().unknown_key(&path, key));
                    out.push(problem);
                }
            }
            Kind::PropertyNames { error } => out.push(invalid_key(&path, error)),
            // the compiled validators give a key's error itself, not wrapped in `PropertyNames`
            _ if is_key_error(error) => out.push(invalid_key(&path, error)),
            Kind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                out.push(Problem::new(
                    path.child_key(key),
                    format!("missing key `{key}`"),
                ));
            }
            Kind::Type { .. } => {
                let expected = self.expected_types(&path);
                let mut problem = Problem::new(
                    path,
                    format!("expected {expected}, found {}", describe(found, secret)),
                );
                problem.help = yaml11_hint(found, &expected).or_else(|| {
                    if expected == "a string" && (found.is_number() || found.is_boolean()) {
                        Some("quote it in YAML (\"5\"), or give it with --set-string".to_string())
                    } else if (expected == "an integer" || expected == "a number")
                        && found.as_str().is_some_and(|t| t.parse::<f64>().is_ok())
                    {
                        // passed to Kubernetes as it is, where a string is refused
                        Some("write it as a number: without quotes in YAML, with --set rather than --set-string".to_string())
                    } else {
                        None
                    }
                });
                out.push(problem);
            }
            Kind::Enum { options } if is_flag(options) => {
                // a boolean that may be empty: told as a boolean, with the YAML hints
                let expected = "a boolean (true or false)";
                let mut problem = Problem::new(
                    path,
                    format!("expected {expected}, found {}", describe(found, secret)),
                );
                problem.help = yaml11_hint(found, expected);
                out.push(problem);
            }
            Kind::Enum { options } => {
                let choices: Vec<String> = options
                    .as_array()
                    .map(|o| {
                        // null and "" (an optional key's "not set") are not choices to offer
                        o.iter()
                            .filter(|v| !v.is_null() && *v != "")
                            .map(json_text)
                            .collect()
                    })
                    .unwrap_or_default();
                let mut problem = Problem::new(
                    path,
                    format!(
                        "expected one of {}, found {}",
                        choices.join(", "),
                        describe(found, secret)
                    ),
                );
                if let (Some(text), false) = (found.as_str(), secret) {
                    let candidates: Vec<&str> = options
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Json::as_str)
                        .collect();
                    problem.help =
                        closest(text, &candidates).map(|c| format!("did you mean {}?", quoted(c)));
                }
                out.push(problem);
            }
            Kind::Format { format } => {
                let expected = formats::by_name(format).map_or(format.as_str(), |f| f.expected);
                let mut problem = Problem::new(
                    path,
                    format!("expected {expected}, found {}", describe(found, secret)),
                );
                if format == formats::INTEGER_TEXT && found.as_str() == Some("") {
                    // Helm would print `concurrent = ` and gitlab-runner would not start
                    problem.help = Some(
                        "config.toml needs a number here; empty is not \"not set\" for this key"
                            .to_string(),
                    );
                }
                out.push(problem);
            }
            Kind::Minimum { limit } => out.push(Problem::new(
                path,
                format!(
                    "expected a number of at least {limit}, found {}",
                    describe(found, secret)
                ),
            )),
            Kind::Maximum { limit } => out.push(Problem::new(
                path,
                format!(
                    "expected a number of at most {limit}, found {}",
                    describe(found, secret)
                ),
            )),
            _ => {
                let message = if secret {
                    "invalid value".to_string()
                } else {
                    error.to_string()
                };
                out.push(Problem::new(path, message));
            }
        }
    }

    /// The schema of the value at `path` (optional values' `anyOf: [T, null]` resolved to T).
    fn schema_at(&self, path: &Path) -> Option<&Json> {
        let mut node = non_null_branch(self.schema.json());
        for segment in path.segments() {
            node = match segment {
                Segment::Key(key) => node
                    .get("properties")
                    .and_then(|p| p.get(key.as_str()))
                    .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))?,
                Segment::Index(_) => node.get("items")?,
            };
            node = non_null_branch(node);
        }
        Some(node)
    }

    fn expected_types(&self, path: &Path) -> String {
        let schema = self.schema_at(path);
        if schema.and_then(|s| s.get("enum")).is_some_and(is_flag) {
            return "a boolean (true or false)".to_string();
        }
        if schema
            .and_then(|s| s.get("format"))
            .and_then(Json::as_str)
            .is_some_and(formats::is_integer_text_format)
        {
            return "a whole number".to_string();
        }
        let types: Vec<&str> = match schema.and_then(|s| s.get("type")) {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        let names: Vec<&str> = types
            .iter()
            .filter(|t| **t != "null")
            .map(|t| match *t {
                "string" => "a string",
                "integer" => "an integer",
                "number" => "a number",
                "boolean" => "a boolean (true or false)",
                "object" => "a map",
                "array" => "a list",
                other => other,
            })
            .collect();
        match names.as_slice() {
            [] => "another type".to_string(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// The enum of a boolean that may also be empty (`[true, false, ""]`, and null when optional).
fn is_flag(options: &Json) -> bool {
    options
        .as_array()
        .is_some_and(|o| o.contains(&Json::Bool(true)) && o.contains(&Json::Bool(false)))
}

/// "is not of type null": the failed branch of an optional value's `anyOf: [T, null]`.
/// The run-time validator of a values schema, with this crate's formats (a chart directory's
/// schema; the embedded charts' are compiled into the crate).
pub fn runtime_validator(schema: &Json) -> Result<jsonschema::Validator, SchemaError> {
    let mut options = jsonschema::options().should_validate_formats(true);
    for format in formats::FORMATS {
        options = options.with_format(format.name, format.check);
    }
    options.build(schema).map_err(|e| SchemaError {
        message: e.to_string(),
        at: Some(e.instance_path().to_string()),
    })
}

/// `errors` without the type errors that an `enum` of the same subschema says too (`type:
/// string` with `enum: [a, b]` refusing `5`): "expected one of a, b" is the whole problem. The
/// compiled validators give the enum's error alone; the run-time validator gives both. Linear in
/// the number of errors.
pub fn without_types_enums_say<'a, 'i>(
    errors: &'a [jsonschema::ValidationError<'i>],
) -> impl Iterator<Item = &'a jsonschema::ValidationError<'i>> {
    use jsonschema::error::ValidationErrorKind as Kind;
    // where an error is: the value, and the subschema whose keyword refused it
    fn at<'e>(e: &'e jsonschema::ValidationError<'_>) -> (&'e str, &'e str) {
        let keyword = e.schema_path().as_str();
        let subschema = &keyword[..keyword.rfind('/').unwrap_or(0)];
        (e.instance_path().as_str(), subschema)
    }
    let enums: std::collections::HashSet<(&str, &str)> = errors
        .iter()
        .filter(|e| matches!(e.kind(), Kind::Enum { .. }))
        .map(at)
        .collect();
    errors
        .iter()
        .filter(move |e| !(matches!(e.kind(), Kind::Type { .. }) && enums.contains(&at(e))))
}

/// The problem of a mapping's key (at `path`, the mapping's) that its schema's `propertyNames`
/// refuses: `error` is the key's own error (its instance is the key).
fn invalid_key(path: &Path, error: &jsonschema::ValidationError<'_>) -> Problem {
    use jsonschema::error::ValidationErrorKind as Kind;
    let key = error.instance().as_str().unwrap_or_default();
    let expected = match error.kind() {
        Kind::Format { format } => formats::by_name(format).map_or(format.as_str(), |f| f.expected),
        _ => "a valid key",
    };
    let mut problem = Problem::new(
        path.child_key(key),
        format!("invalid key {}: expected {expected}", quoted(key)),
    );
    problem.on_key = true;
    problem
}

/// An error of a `propertyNames` subschema's keyword itself (`.../propertyNames/format`): the
/// error of a key, not of the mapping's value.
fn is_key_error(error: &jsonschema::ValidationError<'_>) -> bool {
    let mut keywords = error.schema_path().as_str().rsplit('/');
    keywords.next();
    keywords.next() == Some("propertyNames")
}

fn is_null_type_error(error: &jsonschema::ValidationError<'_>) -> bool {
    use jsonschema::error::{TypeKind, ValidationErrorKind};
    matches!(
        error.kind(),
        ValidationErrorKind::Type {
            kind: TypeKind::Single(jsonschema::JsonType::Null)
        }
    )
}

fn non_null_branch(node: &Json) -> &Json {
    if let Some(branches) = node.get("anyOf").and_then(Json::as_array) {
        if let Some(branch) = branches
            .iter()
            .find(|b| b.get("type") != Some(&Json::from("null")))
        {
            return branch;
        }
    }
    node
}

/// The candidate closest to `word` if it is close enough to be a likely typo.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            let score = strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase());
            (score, *c)
        })
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Converts a JSON pointer into a values path, telling list indices from map keys by the
/// instance.
fn to_path(pointer: &str, instance: &Json) -> Path {
    let mut path = Path::default();
    let mut node = Some(instance);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match node {
            Some(Json::Array(items)) => match segment.parse::<usize>() {
                Ok(i) => {
                    path = path.child_index(i);
                    node = items.get(i);
                }
                Err(_) => {
                    path = path.child_key(&segment);
                    node = None;
                }
            },
            Some(Json::Object(map)) => {
                node = map.get(&segment);
                path = path.child_key(&segment);
            }
            _ => {
                path = path.child_key(&segment);
                node = None;
            }
        }
    }
    path
}

/// The value at `path` in `instance`, if there is one.
fn json_at<'a>(instance: &'a Json, path: &Path) -> Option<&'a Json> {
    path.segments()
        .iter()
        .try_fold(instance, |node, segment| match segment {
            Segment::Key(key) => node.get(key.as_str()),
            Segment::Index(i) => node.get(*i),
        })
}

/// `a string ("x")`, `an integer (5)`, ... — without the text for secrets.
pub fn describe(value: &Json, secret: bool) -> String {
    let kind = match value {
        Json::Null => return "null".to_string(),
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => return "a list".to_string(),
        Json::Object(_) => return "a map".to_string(),
    };
    if secret {
        kind.to_string()
    } else {
        format!("{kind} ({})", json_text(value))
    }
}

/// A scalar as it reads in a message: strings quoted and cut after 60 characters.
fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => quoted(s),
        other => other.to_string(),
    }
}

fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    let mut text: String = s.chars().take(MAX).collect();
    if s.chars().count() > MAX {
        text.push('…');
    }
    serde_json::to_string(&text).unwrap_or_default()
}

/// Helm (YAML 1.1) reads `yes`/`no`/`on`/`off` as booleans; here they are strings.
fn yaml11_hint(found: &Json, expected: &str) -> Option<String> {
    let text = found.as_str()?;
    let value = match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" => "true",
        "no" | "n" | "off" => "false",
        "true" => return Some("write true without quotes".to_string()),
        // Go templates read every non-empty string as true
        "false" => {
            return Some(
                "write false without quotes: Helm would read the string \"false\" as true"
                    .to_string(),
            );
        }
        _ => return None,
    };
    expected
        .contains("boolean")
        .then(|| format!("`{text}` is a string in YAML 1.2; write {value}"))
}

/// Warnings for the numbers given as text (`--set-string concurrent=5`, `concurrent: "5"`)
/// where the schema admits them: the chart prints them as is, so they render as the number,
/// but the quotes were probably not meant.
/// Does `value` hold a text [`numbers_as_text`] may warn about (every number-as-text format
/// takes only what [`formats::is_integer_text`] takes, or the empty text it leaves alone)?
/// Values without one need no look at the schema.
fn has_integer_text(value: &Json) -> bool {
    match value {
        Json::String(text) => formats::is_integer_text(text),
        Json::Object(map) => map.values().any(has_integer_text),
        Json::Array(items) => items.iter().any(has_integer_text),
        _ => false,
    }
}

fn numbers_as_text(schema: &Json, value: &Json, at: &mut Path, out: &mut Vec<Problem>) {
    let schema = non_null_branch(schema);
    match value {
        Json::String(text) => {
            let valid_number = schema
                .get("format")
                .and_then(Json::as_str)
                .filter(|f| formats::is_integer_text_format(f))
                .and_then(formats::by_name)
                .is_some_and(|f| (f.check)(text));
            if valid_number && !text.is_empty() && !is_secret_path(at) {
                let mut problem = Problem::new(
                    at.clone(),
                    format!(
                        "a number given as text ({}); rendered as Helm renders it",
                        quoted(text)
                    ),
                );
                problem.help = Some(if text == "0" {
                    // `default 1 0` is 1 but `default 1 "0"` is "0"
                    "write numbers without quotes; but here the number 0 may mean \"not set\" (the chart tests the key with `if` or `default`), the text \"0\" does not".to_string()
                } else {
                    "write it as a number: without quotes in YAML, with --set rather than --set-string".to_string()
                });
                problem.warning = true;
                out.push(problem);
            }
        }
        Json::Object(map) => {
            let properties = schema.get("properties");
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, child) in map {
                if let Some(child_schema) = properties.and_then(|p| p.get(key)).or(additional) {
                    at.push_key(key);
                    numbers_as_text(child_schema, child, at, out);
                    at.pop();
                }
            }
        }
        Json::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    at.push_index(i);
                    numbers_as_text(item_schema, item, at, out);
                    at.pop();
                }
            }
        }
        _ => {}
    }
}

/// Every number of `values` that is not finite (`.inf`, `.nan`): JSON has none. The values are
/// walked once without paths, and again with them only when there is one to name.
fn non_finite_numbers(values: &serde_yaml::Mapping, out: &mut Vec<Problem>) {
    fn any(value: &serde_yaml::Value) -> bool {
        match value {
            serde_yaml::Value::Number(n) => is_non_finite(n),
            serde_yaml::Value::Mapping(map) => map.values().any(any),
            serde_yaml::Value::Sequence(items) => items.iter().any(any),
            _ => false,
        }
    }
    for (key, value) in values {
        if any(value) {
            let mut at = Path::default().child_key(key.as_str().unwrap_or_default());
            non_finite_numbers_at(value, &mut at, out);
        }
    }
}

fn non_finite_numbers_at(value: &serde_yaml::Value, at: &mut Path, out: &mut Vec<Problem>) {
    match value {
        serde_yaml::Value::Number(n) if is_non_finite(n) => {
            out.push(Problem::new(
                at.clone(),
                format!("expected a finite number, found {n}"),
            ));
        }
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                at.push_key(k.as_str().unwrap_or_default());
                non_finite_numbers_at(v, at, out);
                at.pop();
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push_index(i);
                non_finite_numbers_at(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Labels and annotations the chart sets on the runner pod itself: a user map may not repeat
/// them (the pod template would have the key twice).
const CHART_POD_LABELS: &[&str] = &["app", "chart", "release", "heritage"];
const CHART_POD_ANNOTATIONS: &[&str] = &["checksum/configmap", "checksum/secrets"];
const METRICS_POD_ANNOTATIONS: &[&str] = &["prometheus.io/scrape", "prometheus.io/port"];

/// The GitLab Runner chart's rules that a schema cannot express.
/// `fullname` is the object name the chart's helpers give for these values.
fn chart_rules(values: &Json, kube: KubeVersion, fullname: Option<String>, out: &mut Vec<Problem>) {
    nul_characters(values, out);
    let metrics = values
        .get("metrics")
        .and_then(|m| m.get("enabled"))
        .is_some_and(|e| e == true);
    let annotations: Vec<&str> = CHART_POD_ANNOTATIONS
        .iter()
        .chain(if metrics {
            METRICS_POD_ANNOTATIONS
        } else {
            &[]
        })
        .copied()
        .collect();
    for (map, reserved, what) in [
        ("podLabels", CHART_POD_LABELS, "label"),
        ("podAnnotations", annotations.as_slice(), "annotation"),
    ] {
        for key in values
            .get(map)
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if reserved.contains(&key.as_str()) {
                let mut problem = Problem::new(
                    Path::default().child_key(map).child_key(key),
                    format!("the chart sets the {what} `{key}` of the runner pod itself"),
                );
                problem.on_key = true;
                problem.help = Some(format!(
                    "the chart's own {what}s are {}; choose another key",
                    reserved
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.push(problem);
            }
        }
    }
    for key in ["concurrent", "checkInterval"] {
        if values.get(key).is_none_or(Json::is_null) {
            out.push(Problem::new(
                Path::default().child_key(key),
                "is required by config.toml (a null here deletes the chart default)".to_string(),
            ));
        }
    }
    // The HPA's metrics, as the template will write them: autoscaling/v2 from Kubernetes 1.23.
    if let Some(metrics) = values.get("hpa").and_then(|h| h.get("metrics")) {
        for problem in super::hpa::metric_problems(metrics, kube.at_least(1, 23)) {
            let path = Path::parse(&problem.path)
                .unwrap_or_else(|_| Path::root().child_key("hpa").child_key("metrics"));
            let mut found = Problem::new(path, problem.message);
            found.help = problem.help;
            out.push(found);
        }
    }
    if let Some(hpa) = values.get("hpa").filter(|h| h.is_object()) {
        // as the chart reads them: `default 1`, so a missing value, 0 and "" are 1
        let replicas = |key: &str| match hpa.get(key) {
            Some(Json::Number(n)) => n.as_u64().filter(|n| *n != 0),
            Some(Json::String(s)) => s.parse::<u64>().ok(),
            _ => None,
        };
        let min = replicas("minReplicas").unwrap_or(1);
        let max = replicas("maxReplicas").unwrap_or(1);
        if min > max {
            let at = if hpa.get("maxReplicas").is_some() {
                "maxReplicas"
            } else {
                "minReplicas"
            };
            out.push(Problem::new(
                Path::default().child_key("hpa").child_key(at),
                format!("hpa.minReplicas ({min}) must not be greater than hpa.maxReplicas ({max}; 1 when not set)"),
            ));
        }
    }
    seccomp_profiles(values, out);
    runner_tokens(values, out);
    // The object names, as the chart's `_helpers.tpl` computes them (cut to 63 characters).
    if let Some(fullname) = fullname {
        if !crate::context::is_dns1123_label(&fullname) {
            // the key that made the name: `fullnameOverride` when set (Go truthiness)
            let overridden = match values.get("fullnameOverride") {
                None | Some(Json::Null) => false,
                Some(Json::Bool(b)) => *b,
                Some(Json::String(s)) => !s.is_empty(),
                Some(Json::Number(n)) => n.as_f64() != Some(0.0),
                Some(Json::Array(a)) => !a.is_empty(),
                Some(Json::Object(o)) => !o.is_empty(),
            };
            let source = if overridden {
                "fullnameOverride"
            } else {
                "nameOverride"
            };
            out.push(Problem::new(
                Path::default().child_key(source),
                format!(
                    "the object name {} is not a valid DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (after cutting to 63 characters)",
                    quoted(&fullname)
                ),
            ));
        }
    }
}

/// A NUL character can be neither passed to a process (env, command line) nor stored by
/// Kubernetes in most fields: refused in every key and string. The values are walked once
/// without paths, and again with them only when there is one to name.
fn nul_characters(values: &Json, out: &mut Vec<Problem>) {
    fn any(value: &Json) -> bool {
        match value {
            Json::String(s) => has_nul(s),
            Json::Object(map) => map.iter().any(|(k, v)| has_nul(k) || any(v)),
            Json::Array(items) => items.iter().any(any),
            _ => false,
        }
    }
    if any(values) {
        nul_characters_at(values, &mut Path::default(), out);
    }
}

/// `text` has a NUL character.
fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

fn nul_characters_at(value: &Json, at: &mut Path, out: &mut Vec<Problem>) {
    match value {
        Json::String(s) if has_nul(s) => out.push(Problem::new(
            at.clone(),
            "contains a NUL character, which Kubernetes and gitlab-runner cannot take".to_string(),
        )),
        Json::Object(map) => {
            for (key, child) in map {
                at.push_key(key.as_str());
                if has_nul(key) {
                    let mut problem =
                        Problem::new(at.clone(), "the key contains a NUL character".to_string());
                    problem.on_key = true;
                    out.push(problem);
                }
                nul_characters_at(child, at, out);
                at.pop();
            }
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push_index(i);
                nul_characters_at(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The seccomp profiles of the pod and the containers: a Localhost profile names its file,
/// and only a Localhost profile does.
fn seccomp_profiles(values: &Json, out: &mut Vec<Problem>) {
    for parent in ["securityContext", "containerSecurityContext"] {
        let Some(profile) = values
            .get(parent)
            .and_then(|c| c.get("seccompProfile"))
            .filter(|p| p.is_object())
        else {
            continue;
        };
        let at = Path::default()
            .child_key(parent)
            .child_key("seccompProfile");
        let localhost = profile.get("type").and_then(Json::as_str) == Some("Localhost");
        let file = profile
            .get("localhostProfile")
            .and_then(Json::as_str)
            .is_some_and(|f| !f.is_empty());
        if profile.get("type").is_none_or(Json::is_null) {
            out.push(Problem::new(
                at.child_key("type"),
                "missing: a seccomp profile needs its type (RuntimeDefault, Localhost or Unconfined)"
                    .to_string(),
            ));
        } else if localhost && !file {
            out.push(Problem::new(
                at.child_key("localhostProfile"),
                "missing: a seccomp profile of type Localhost names its file in localhostProfile"
                    .to_string(),
            ));
        } else if !localhost && file {
            out.push(Problem::new(
                at.child_key("localhostProfile"),
                "is only for a seccomp profile of type Localhost".to_string(),
            ));
        }
    }
}

/// Environment variables of `gitlab-runner register` for the settings a runner created in
/// GitLab keeps there (refused with its authentication token), and what they set.
const SERVER_SIDE_REGISTER_ENV: &[(&str, &str)] = &[
    ("RUNNER_TAG_LIST", "tags"),
    ("REGISTER_LOCKED", "locking to projects"),
    ("REGISTER_RUN_UNTAGGED", "choice to run untagged jobs"),
    (
        "REGISTER_ACCESS_LEVEL",
        "access level (protected branches only)",
    ),
    ("REGISTER_MAXIMUM_TIMEOUT", "maximum job timeout"),
    ("REGISTER_PAUSED", "paused state"),
    ("REGISTER_MAINTENANCE_NOTE", "maintenance note"),
];

/// The values under `runners` that set such a setting, and what they set.
const SERVER_SIDE_VALUES: &[(&str, &str)] = &[
    ("tags", "tags"),
    ("locked", "locking to projects"),
    ("runUntagged", "choice to run untagged jobs"),
    ("protected", "access level (protected branches only)"),
];

/// Warnings about the runner's token: none at all (the runner could never register), or a
/// runner token with registration settings that only a registration token can carry.
fn runner_tokens(values: &Json, out: &mut Vec<Problem>) {
    let set = |v: Option<&Json>| v.is_some_and(|v| !v.is_null() && v != "" && v != false);
    let runners = values.get("runners");
    let token = set(values.get("runnerToken"));
    let registration_token = set(values.get("runnerRegistrationToken"));
    let secret = set(runners.and_then(|r| r.get("secret")));
    if !token && !registration_token && !secret {
        let path = if values.get("runnerRegistrationToken").is_some() {
            "runnerRegistrationToken"
        } else {
            "runnerToken"
        };
        out.push(Problem::warning(
            Path::default().child_key(path),
            "no runner token is set: the runner pod starts, cannot register with GitLab, and exits"
                .to_string(),
            "set runnerToken (the glrt-... authentication token of a runner created in GitLab) or runnerRegistrationToken, or name an existing Secret that holds them with runners.secret".to_string(),
        ));
    }
    if !token {
        return;
    }
    let mut ignored: Vec<(Path, &str)> = Vec::new();
    for (key, what) in SERVER_SIDE_VALUES {
        let value = runners.and_then(|r| r.get(*key));
        if value.is_some_and(|v| !v.is_null() && v != "") {
            ignored.push((Path::default().child_key("runners").child_key(*key), *what));
        }
    }
    for (i, item) in values
        .get("envVars")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = item.get("name").and_then(Json::as_str).unwrap_or_default();
        if let Some((_, what)) = SERVER_SIDE_REGISTER_ENV.iter().find(|(n, _)| *n == name) {
            ignored.push((Path::default().child_key("envVars").child_index(i), *what));
        }
    }
    for (path, what) in ignored {
        out.push(Problem::warning(
            path,
            format!("not applied: a runner that registers with runnerToken (created in GitLab, glrt-...) has its {what} set in GitLab, and gitlab-runner refuses it at registration, so the chart leaves it out"),
            format!("set the {what} in GitLab, in the runner's settings (Settings > CI/CD > Runners, edit the runner), and remove it from the values"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chart rules' problems for `yaml` merged over the chart defaults, as
    /// (path, warning) pairs.
    fn rule_problems(yaml: &str) -> Vec<(String, bool)> {
        let user: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
        let chart = crate::Chart::builtin();
        let (merged, _) =
            crate::values::merge::coalesce(user, chart.default_values(), "gitlab-runner");
        let checker = Checker::new(super::super::values_schema(), ChartRules::Seed).unwrap();
        let renderer = crate::Renderer::new(chart).unwrap();
        let release = Release::default();
        checker
            .check(&merged, &release, crate::KubeVersion::DEFAULT, &|| {
                renderer.fullname(
                    &minijinja::Value::from(minijinja::value::Serde(&merged)),
                    &release,
                )
            })
            .into_iter()
            .map(|p| (p.path.to_string(), p.warning))
            .collect()
    }

    /// The name the check tests is the name the templates print: both come from
    /// `_helpers.tpl`.
    #[test]
    fn the_checked_name_is_the_rendered_name() {
        let long = "a".repeat(53);
        for (release, yaml, name) in [
            ("ci", "{}", "ci-gitlab-runner"),
            ("ci", "nameOverride: runner", "ci-runner"),
            (
                "ci",
                "nameOverride: runner\nfullnameOverride: ''",
                "ci-runner",
            ),
            ("ci", "fullnameOverride: web", "web"),
            // cut to 63 characters, then the trailing '-' trimmed
            (
                long.as_str(),
                "nameOverride: abcdefghi-x",
                &format!("{long}-abcdefghi"),
            ),
        ] {
            let user: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
            let chart = crate::Chart::builtin();
            let (merged, _) = crate::values::merge::coalesce(
                user.clone(),
                chart.default_values(),
                "gitlab-runner",
            );
            let release = Release::new(release, "gitlab").unwrap();
            let as_templates_see_them = minijinja::Value::from(minijinja::value::Serde(&merged));
            let renderer = crate::Renderer::new(chart).unwrap();
            assert_eq!(
                renderer
                    .fullname(&as_templates_see_them, &release)
                    .as_deref(),
                Some(name),
                "{yaml}"
            );
            let mut values = crate::UserValues::new();
            values.add_yaml("values.yaml", yaml).unwrap();
            let rendered = renderer
                .render(&values, &crate::RenderOptions::new(release))
                .unwrap()
                .to_string();
            assert!(
                rendered.contains(&format!("  name: \"{name}\"\n")),
                "{yaml}"
            );
        }
        assert_eq!(
            rule_problems("fullnameOverride: Web\nrunnerToken: t"),
            [("fullnameOverride".to_string(), false)]
        );
        assert_eq!(
            rule_problems("nameOverride: a_b\nrunnerToken: t"),
            [("nameOverride".to_string(), false)]
        );
    }

    fn warning(path: &str) -> (String, bool) {
        (path.to_string(), true)
    }

    #[test]
    fn no_token_at_all_is_a_warning() {
        assert_eq!(rule_problems("{}"), [warning("runnerToken")]);
        assert_eq!(
            rule_problems("runnerRegistrationToken: ''\nrunnerToken: ''"),
            [warning("runnerRegistrationToken")]
        );
        for yaml in [
            "runnerToken: glrt-x",
            "runnerRegistrationToken: r",
            "runners: {secret: existing}",
        ] {
            assert_eq!(rule_problems(yaml), [], "{yaml}");
        }
    }

    #[test]
    fn server_side_settings_with_a_runner_token_are_warnings() {
        let settings = "runners: {tags: 'a,b', runUntagged: false, protected: true, locked: true}\n\
                        envVars: [{name: REGISTER_PAUSED, value: 'true'}, {name: OTHER, value: x}]";
        assert_eq!(
            rule_problems(&format!("runnerToken: glrt-x\n{settings}")),
            [
                warning("envVars[0]"),
                warning("runners.locked"),
                warning("runners.protected"),
                warning("runners.runUntagged"),
                warning("runners.tags"),
            ]
        );
        // the registration flow takes them
        assert_eq!(
            rule_problems(&format!("runnerRegistrationToken: r\n{settings}")),
            []
        );
        // unset or empty: nothing to warn about
        assert_eq!(
            rule_problems("runnerToken: glrt-x\nrunners: {tags: '', locked: null}"),
            []
        );
    }

    #[test]
    fn seccomp_profiles_name_a_file_exactly_for_localhost() {
        let token = "runnerToken: t\n";
        for (profile, expected) in [
            ("{type: RuntimeDefault}", None),
            ("{type: Localhost, localhostProfile: p.json}", None),
            ("{type: Localhost}", Some("localhostProfile")),
            (
                "{type: Unconfined, localhostProfile: p.json}",
                Some("localhostProfile"),
            ),
            ("{localhostProfile: p.json}", Some("type")),
        ] {
            for parent in ["securityContext", "containerSecurityContext"] {
                let got = rule_problems(&format!("{token}{parent}: {{seccompProfile: {profile}}}"));
                let expected: Vec<(String, bool)> = expected
                    .map(|key| (format!("{parent}.seccompProfile.{key}"), false))
                    .into_iter()
                    .collect();
                assert_eq!(got, expected, "{parent}: {profile}");
            }
        }
    }
}
