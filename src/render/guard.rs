//! Templates that are one `if` block, and their guards.
//!
//! Most manifest templates of the embedded charts are a single `{% if condition %}` block
//! (after `set`s and comments, with no `else`): an HPA only with `hpa`, a Role only with
//! `rbac.create`, and so on. Such a template's *guard* is the same text with the block's body
//! replaced by [`MARK`]. The renderer renders the guard first: when the condition is false, the
//! guard's output is exactly the template's output (the text around the block, the same in
//! both, is all either evaluates), and the template itself is not compiled at all; when it is
//! true, the guard printed the mark and the template is rendered. The templates whose
//! condition is never true in a process (most of today's chart with default values) are
//! never compiled: a one-shot render of that chart compiles about a sixth less.
//!
//! Only an embedded chart lists such templates, checked by the test below against each
//! template's syntax tree (minijinja's parser): a chart directory's templates are all
//! compiled, so that a syntax error anywhere is an error at once, as with Helm.

/// What the guard prints where the template's `if` body was: the condition held.
const MARK: &str = "1";

/// The name a guard is compiled under (no file of an embedded chart has it; a chart
/// directory's templates have no guards).
pub(super) fn guard_name(template: &str) -> String {
    format!("<if>{template}")
}

/// Whether a guard's output says that the condition held (else the output is the
/// template's).
pub(super) fn held(guard_output: &str) -> bool {
    guard_output.trim() == MARK
}

/// The guard of a template that is one `if` block: its text up to the end of its first `if`
/// tag, [`MARK`], and its text from its last block tag (the block's `endif`) on. `None` when
/// the text has no such tags. That the template is one `if` block is not checked here: only
/// templates an embedded chart lists, checked by its test, are given.
pub(super) fn guard_source(source: &str) -> Option<String> {
    let tag_end = |at: usize| Some(at + source[at..].find("%}")? + 2);
    let body_start = memchr::memmem::find_iter(source.as_bytes(), b"{%").find_map(|at| {
        let end = tag_end(at)?;
        (keyword(&source[at + 2..end - 2]) == "if").then_some(end)
    })?;
    let endif = memchr::memmem::rfind(&source.as_bytes()[body_start..], b"{%")? + body_start;
    if keyword(&source[endif + 2..tag_end(endif)? - 2]) != "endif" {
        return None;
    }
    Some(format!(
        "{}{MARK}{}",
        &source[..body_start],
        &source[endif..]
    ))
}

/// The first word of a block tag's content (`- if x -` gives `if`).
fn keyword(tag: &str) -> &str {
    let tag = tag.trim_start_matches(['-', '+']).trim_start();
    let end = tag
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(tag.len());
    &tag[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Chart;
    use minijinja::machinery::ast::Stmt;

    #[test]
    fn the_guard_is_the_text_around_the_body() {
        let source = "{# c #}\n{% set a = 1 %}\n{%- if Values.x and a %}\nkind: X\n{% if y %}y{% endif %}\n{%- endif %}\n";
        assert_eq!(
            guard_source(source).unwrap(),
            "{# c #}\n{% set a = 1 %}\n{%- if Values.x and a %}1{%- endif %}\n"
        );
        assert_eq!(guard_source("kind: X\n"), None);
        assert_eq!(guard_source("{% if x %}y{% endfor %}"), None);
        assert_eq!(guard_source("{% if x %}y"), None);
        assert!(held(" \n1\n") && !held("\n\n") && !held(""));
    }

    /// The statements at the top of a template, for the checks below: `(kind, text)`, where
    /// the text of an `if` is its condition and of a `set` its source.
    fn top_level<'s>(source: &'s str, name: &'s str) -> Vec<(&'static str, String)> {
        let syntax = crate::engine::syntax();
        let Stmt::Template(template) = minijinja::machinery::parse(source, name, syntax)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        else {
            unreachable!("a template parses to a template")
        };
        let text = |span: minijinja::machinery::Span| {
            source[span.start_offset as usize..span.end_offset as usize].to_string()
        };
        template
            .children
            .iter()
            .map(|stmt| match stmt {
                Stmt::EmitRaw(raw) if raw.raw.trim().is_empty() => ("space", String::new()),
                Stmt::Set(set) => ("set", text(set.span())),
                Stmt::IfCond(cond) if cond.false_body.is_empty() => {
                    let body: Vec<&str> = cond
                        .true_body
                        .iter()
                        .map(|s| match s {
                            Stmt::EmitRaw(raw) => raw.raw,
                            _ => "",
                        })
                        .collect();
                    let kind = if body == [MARK] { "if mark" } else { "if" };
                    (kind, text(cond.expr.span()))
                }
                _ => ("other", String::new()),
            })
            .collect()
    }

    /// One `if` (no `else`) among `set`s and whitespace.
    fn is_one_if(top: &[(&str, String)]) -> bool {
        top.iter()
            .filter(|(kind, _)| kind.starts_with("if"))
            .count()
            == 1
            && top.iter().all(|(kind, _)| *kind != "other")
    }

    /// The proof the renderer relies on: an embedded chart lists exactly its manifest
    /// templates that are one `if` block, and each one's guard is the same template with the
    /// body of that block, and only it, replaced by the mark: the same statements around it,
    /// the same condition. When the condition is false, both evaluate the same statements.
    #[test]
    fn the_embedded_charts_list_the_templates_that_are_one_if_block() {
        for chart in [Chart::builtin(), Chart::current(), Chart::shell()] {
            let listed = chart.guarded().expect("an embedded chart lists them");
            let mut found = Vec::new();
            for (name, source) in chart.templates() {
                if name.starts_with('_') {
                    continue;
                }
                let top = top_level(source, name);
                if !is_one_if(&top) {
                    continue;
                }
                found.push(name.as_str());
                let guard = guard_source(source).unwrap_or_else(|| panic!("{name}: no guard"));
                let guard_top = top_level(&guard, name);
                assert_eq!(guard_top.len(), top.len(), "{name}");
                for (ours, theirs) in top.iter().zip(&guard_top) {
                    match ours.0 {
                        "if" => assert_eq!(theirs, &("if mark", ours.1.clone()), "{name}"),
                        _ => assert_eq!(theirs, ours, "{name}"),
                    }
                }
            }
            assert_eq!(listed, found, "{}", chart.metadata().name);
        }
    }

    /// A template that is not one `if` block is seen as such (the check above can fail).
    #[test]
    fn other_templates_are_not_one_if_block() {
        for source in [
            "{% if a %}x{% endif %}{% if b %}y{% endif %}",
            "{% if a %}x{% else %}y{% endif %}",
            "{% if a %}x{% elif b %}y{% endif %}",
            "kind: X\n{% if a %}x{% endif %}",
            "{% for a in b %}{% if a %}x{% endif %}{% endfor %}",
            "{% if a %}x{% endif %}\n{{ b }}",
        ] {
            assert!(!is_one_if(&top_level(source, "t")), "{source}");
        }
        let top = top_level("{% set a = 1 %}\n{% if a %}\nx\n{% endif %}\n", "t");
        assert!(is_one_if(&top), "{top:?}");
    }
}
