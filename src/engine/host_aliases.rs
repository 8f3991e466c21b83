//! `mergeHostAliases`: `runners.hostAliases` added to the runner configuration template of the
//! current chart (`runners.config` after `tpl`), as `[[runners.kubernetes.host_aliases]]` of
//! every `[[runners]]`, merged with the host aliases the configuration already has: an ip it
//! has gets the hostnames it lacks, a new ip a new entry. The rest of the text is left as
//! written (`toml_edit` keeps comments, order and layout).
//!
//! ```text
//! {{ config_text | mergeHostAliases(Values.runners.hostAliases, "runners.config") }}
//! ```

use minijinja::{Error, ErrorKind, Value};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

/// One host alias: an ip and its hostnames, in the order given.
struct Alias {
    ip: String,
    hostnames: Vec<String>,
}

/// The filter. `aliases` is the list of `{ip, hostnames}` maps (checked by the schema);
/// `path` names the configuration's values path in errors.
pub fn merge_host_aliases(text: &str, aliases: &Value, path: &str) -> Result<String, Error> {
    let aliases = read_aliases(aliases)?;
    if aliases.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        invalid(format!(
            "{path}: the runner configuration is not valid TOML{at} ({}), so runners.hostAliases cannot be added to it",
            e.message()
        ))
    })?;
    let runners = doc
        .get_mut("runners")
        .and_then(Item::as_array_of_tables_mut)
        .filter(|runners| !runners.is_empty())
        .ok_or_else(|| {
            invalid(format!(
                "{path}: no [[runners]] table to add runners.hostAliases to"
            ))
        })?;
    for (index, runner) in runners.iter_mut().enumerate() {
        let at = format!("{path}: [[runners]] number {}", index + 1);
        merge_into_runner(runner, &aliases, &at)?;
    }
    Ok(doc.to_string())
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

fn read_aliases(value: &Value) -> Result<Vec<Alias>, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Alias> = Vec::new();
    for item in value.try_iter()? {
        let ip = item.get_attr("ip")?;
        let ip = ip
            .as_str()
            .ok_or_else(|| invalid("runners.hostAliases: every entry needs an ip".into()))?
            .to_string();
        let mut hostnames = Vec::new();
        let given = item.get_attr("hostnames")?;
        if !given.is_undefined() && !given.is_none() {
            for hostname in given.try_iter()? {
                hostnames.push(hostname.to_string());
            }
        }
        // the same ip twice in the values: one entry
        match out.iter_mut().find(|a| a.ip == ip) {
            Some(alias) => add_missing(&mut alias.hostnames, hostnames),
            None => out.push(Alias { ip, hostnames }),
        }
    }
    Ok(out)
}

fn add_missing(into: &mut Vec<String>, hostnames: Vec<String>) {
    for hostname in hostnames {
        if !into.contains(&hostname) {
            into.push(hostname);
        }
    }
}

fn merge_into_runner(runner: &mut Table, aliases: &[Alias], at: &str) -> Result<(), Error> {
    let kubernetes = runner
        .entry("kubernetes")
        .or_insert_with(|| Item::Table(Table::new()));
    let kubernetes = kubernetes
        .as_table_like_mut()
        .ok_or_else(|| invalid(format!("{at}: `kubernetes` is not a table")))?;
    match kubernetes.get_mut("host_aliases") {
        None => {
            let mut tables = ArrayOfTables::new();
            for alias in aliases {
                tables.push(alias_table(alias));
            }
            kubernetes.insert("host_aliases", Item::ArrayOfTables(tables));
        }
        Some(Item::ArrayOfTables(tables)) => {
            for alias in aliases {
                let existing = tables
                    .iter_mut()
                    .find(|t| t.get("ip").and_then(Item::as_str) == Some(alias.ip.as_str()));
                match existing {
                    Some(table) => merge_hostnames(
                        table
                            .entry("hostnames")
                            .or_insert(Item::Value(Array::new().into())),
                        alias,
                        at,
                    )?,
                    None => tables.push(alias_table(alias)),
                }
            }
        }
        Some(Item::Value(toml_edit::Value::Array(array))) => {
            for alias in aliases {
                let existing = array.iter_mut().find_map(|v| {
                    v.as_inline_table_mut()
                        .filter(|t| t.get("ip").and_then(|ip| ip.as_str()) == Some(&alias.ip))
                });
                match existing {
                    Some(table) => {
                        let hostnames = table
                            .entry("hostnames")
                            .or_insert(toml_edit::Value::Array(Array::new()));
                        let mut item = Item::Value(hostnames.clone());
                        merge_hostnames(&mut item, alias, at)?;
                        if let Item::Value(value) = item {
                            *hostnames = value;
                        }
                    }
                    None => array.push(alias_inline_table(alias)),
                }
            }
        }
        Some(_) => {
            return Err(invalid(format!(
                "{at}: `kubernetes.host_aliases` is neither a list of tables nor an array"
            )));
        }
    }
    Ok(())
}

fn merge_hostnames(item: &mut Item, alias: &Alias, at: &str) -> Result<(), Error> {
    let array = item.as_array_mut().ok_or_else(|| {
        invalid(format!(
            "{at}: `hostnames` of the host alias {} is not an array",
            alias.ip
        ))
    })?;
    for hostname in &alias.hostnames {
        if !array.iter().any(|h| h.as_str() == Some(hostname.as_str())) {
            array.push(hostname.as_str());
        }
    }
    Ok(())
}

fn hostnames_array(alias: &Alias) -> Array {
    alias.hostnames.iter().map(String::as_str).collect()
}

fn alias_table(alias: &Alias) -> Table {
    let mut table = Table::new();
    table.insert("ip", toml_edit::value(alias.ip.as_str()));
    table.insert("hostnames", toml_edit::value(hostnames_array(alias)));
    table
}

fn alias_inline_table(alias: &Alias) -> InlineTable {
    let mut table = InlineTable::new();
    table.insert("ip", alias.ip.as_str().into());
    table.insert("hostnames", hostnames_array(alias).into());
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(yaml: &str) -> Value {
        let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        Value::from(minijinja::value::Serde(&value))
    }

    fn merged(text: &str, given: &str) -> toml::Table {
        let out = merge_host_aliases(text, &aliases(given), "runners.config").unwrap();
        out.parse::<toml::Table>()
            .unwrap_or_else(|e| panic!("{out}\nis not TOML: {e}"))
    }

    fn host_aliases(table: &toml::Table, runner: usize) -> toml::Value {
        table["runners"][runner]["kubernetes"]["host_aliases"].clone()
    }

    #[test]
    fn every_runner_gets_the_aliases() {
        let text = "concurrent = 1\n[[runners]]\n  name = \"a\"\n[[runners]]\n  name = \"b\"\n  [runners.kubernetes]\n    image = \"alpine\"\n";
        let out = merged(text, "[{ip: 10.0.0.1, hostnames: [git.example]}]");
        for runner in 0..2 {
            assert_eq!(
                host_aliases(&out, runner),
                toml::Value::try_from(vec![toml::toml! { ip = "10.0.0.1"
                hostnames = ["git.example"] }])
                .unwrap()
            );
        }
        assert_eq!(
            out["runners"][1]["kubernetes"]["image"].as_str(),
            Some("alpine")
        );
    }

    #[test]
    fn an_ip_the_config_has_gets_the_missing_hostnames() {
        let tables = "[[runners]]\n  [runners.kubernetes]\n    [[runners.kubernetes.host_aliases]]\n      ip = \"10.0.0.1\"\n      hostnames = [\"a\"]\n";
        let inline = "[[runners]]\n  [runners.kubernetes]\n    host_aliases = [{ ip = \"10.0.0.1\", hostnames = [\"a\"] }]\n";
        for text in [tables, inline] {
            let out = merged(
                text,
                "[{ip: 10.0.0.1, hostnames: [a, b]}, {ip: 10.0.0.2, hostnames: [c]}, {ip: 10.0.0.1, hostnames: [d]}]",
            );
            let got = host_aliases(&out, 0);
            let got = got.as_array().unwrap();
            assert_eq!(got.len(), 2, "{text}: {got:?}");
            assert_eq!(got[0]["ip"].as_str(), Some("10.0.0.1"));
            let names: Vec<&str> = got[0]["hostnames"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap())
                .collect();
            assert_eq!(names, ["a", "b", "d"], "{text}");
            assert_eq!(got[1]["ip"].as_str(), Some("10.0.0.2"));
        }
    }

    #[test]
    fn the_rest_of_the_text_is_kept() {
        let text = "# my runner\n[[runners]]\n  # the executor\n  executor = \"kubernetes\"\n";
        let out = merge_host_aliases(
            text,
            &aliases("[{ip: 1.2.3.4, hostnames: [x]}]"),
            "runners.config",
        )
        .unwrap();
        assert!(out.starts_with(text), "{out}");
    }

    #[test]
    fn no_aliases_leave_the_text_alone() {
        let text = "not [ toml";
        assert_eq!(
            merge_host_aliases(text, &Value::UNDEFINED, "p").unwrap(),
            text
        );
        assert_eq!(merge_host_aliases(text, &aliases("[]"), "p").unwrap(), text);
    }

    #[test]
    fn hostile_names_stay_strings() {
        let out = merged(
            "[[runners]]\n",
            "[{ip: 10.0.0.1, hostnames: [\"a\\\"]\\n[[runners]]\\nx = 1 #\"]}]",
        );
        assert_eq!(out["runners"].as_array().unwrap().len(), 1);
        assert_eq!(
            host_aliases(&out, 0)[0]["hostnames"][0].as_str(),
            Some("a\"]\n[[runners]]\nx = 1 #")
        );
    }

    #[test]
    fn errors_say_where() {
        let err = merge_host_aliases(
            "[[runners]]\n  name = \"a\n",
            &aliases("[{ip: 1.2.3.4}]"),
            "runners.config",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("runners.config: the runner configuration is not valid TOML at line 2"),
            "{text}"
        );
        let err = merge_host_aliases(
            "concurrent = 1\n",
            &aliases("[{ip: 1.2.3.4}]"),
            "runners.config",
        )
        .unwrap_err();
        assert!(err.to_string().contains("no [[runners]] table"), "{err}");
        let err = merge_host_aliases(
            "[[runners]]\n  kubernetes = 3\n",
            &aliases("[{ip: 1.2.3.4}]"),
            "runners.config",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("`kubernetes` is not a table"),
            "{err}"
        );
    }
}
