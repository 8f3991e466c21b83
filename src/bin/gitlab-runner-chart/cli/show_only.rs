//! `--show-only`: the manifests of the templates named, as Helm 3.16 selects them.

use gitlab_runner_chart::Manifest;

use super::failure::Failure;

/// The manifests `--show-only` selects, in the order of the flags (all when none is given).
/// A pattern matches a template's path in the chart (`templates/configmap.yaml`, not
/// `gitlab-runner/templates/configmap.yaml`); one that matches nothing is an error: both as
/// in Helm 3.16.
pub(super) fn show_only<'m>(
    manifests: Vec<&'m Manifest>,
    patterns: &[String],
    chart_name: &str,
) -> Result<Vec<&'m Manifest>, Failure> {
    if patterns.is_empty() {
        return Ok(manifests);
    }
    let mut shown = Vec::new();
    for pattern in patterns {
        let before = shown.len();
        for manifest in &manifests {
            let source = manifest.source();
            let in_chart = source.split_once('/').map_or(source, |(_, rest)| rest);
            if glob_match(pattern, in_chart) {
                shown.push(*manifest);
            }
        }
        if shown.len() == before {
            return Err(Failure::Message(format!(
                "could not find template {pattern} in chart {chart_name} (--show-only; a template that renders nothing with these values counts as missing, as in Helm)"
            )));
        }
    }
    Ok(shown)
}

/// Go's `filepath.Match` for `*` (any run of characters but `/`) and `?` (one character but
/// `/`); any other character matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != '/')
                .any(|i| go(&p[1..], &t[i..])),
            Some('?') => t.first().is_some_and(|c| *c != '/') && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(&pattern, &text)
}
