//! The shell-executor chart (`Chart::shell`, `chart/shell/`): the config.toml in its Secret is
//! TOML that says exactly what the values say, whatever the strings hold; the Deployment mounts
//! it where `gitlab-runner run` reads it, next to the empty lock file, in a writable directory;
//! missing or invalid values are refused before anything is rendered.

mod support;

use base64::Engine as _;
use gitlab_runner_chart::{Chart, Error, ErrorKind, Release, RenderOptions, Renderer, Values};
use proptest::prelude::*;
use serde_yaml::Value;

const SEED: &str = include_str!("golden-shell/02-seed/values.yaml");
const HOSTILE: &str = include_str!("golden-shell/04-hostile-strings/values.yaml");

fn render(values_yaml: &str) -> Result<String, Error> {
    // compiled once for every test of this file
    static RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
    let renderer = RENDERER.get_or_init(|| Renderer::new(Chart::shell()).expect("the shell chart"));
    let mut values = Values::new();
    values.add_yaml("values.yaml", values_yaml)?;
    let options = RenderOptions::new(Release::new("ci", "gitlab")?);
    Ok(renderer.render(&values, &options)?.to_string())
}

/// The Secret and the Deployment of a render.
fn objects(stream: &str) -> (Value, Value) {
    let docs = support::parse_stream(stream);
    assert_eq!(docs.len(), 2, "{stream}");
    let find = |kind: &str| {
        docs.iter()
            .find(|d| d.value["kind"].as_str() == Some(kind))
            .unwrap_or_else(|| panic!("no {kind} in {stream}"))
            .value
            .clone()
    };
    (find("Secret"), find("Deployment"))
}

/// The decoded text of a key of the Secret's `data`.
fn secret_file(secret: &Value, key: &str) -> String {
    let encoded = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no data.{key}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    String::from_utf8(bytes).expect("UTF-8")
}

/// config.toml of a render, parsed by the `toml` crate.
fn config_toml(stream: &str) -> toml::Table {
    let (secret, _) = objects(stream);
    let text = secret_file(&secret, "config.toml");
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("config.toml is not TOML: {e}\n{text}"))
}

/// The only `[[runners]]` entry of a config.toml.
fn the_runner(config: &toml::Table) -> &toml::Table {
    let runners = config["runners"].as_array().expect("[[runners]]");
    assert_eq!(runners.len(), 1, "exactly one runner: {config:?}");
    runners[0].as_table().expect("a table")
}

fn keys(table: &toml::Table) -> Vec<&str> {
    let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn values_of(yaml: &str) -> Value {
    serde_yaml::from_str(yaml).expect("values YAML")
}

#[test]
fn the_seed_config_toml_is_the_blog_posts_runner() {
    let config = config_toml(&render(SEED).unwrap());
    assert_eq!(config["concurrent"].as_integer(), Some(1));
    assert_eq!(config["check_interval"].as_integer(), Some(0));
    assert_eq!(config["log_level"].as_str(), Some("info"));
    assert_eq!(
        keys(&config),
        ["check_interval", "concurrent", "log_level", "runners"]
    );
    let runner = the_runner(&config);
    assert_eq!(runner["url"].as_str(), Some("http://139.24.120.248/"));
    assert_eq!(runner["token"].as_str(), Some("xEb-jrn1s_Viw1ENxytU"));
    assert_eq!(runner["executor"].as_str(), Some("shell"));
    assert_eq!(runner["name"].as_str(), Some("kubernetes-runner"));
    assert_eq!(keys(runner), ["executor", "name", "token", "url"]);
}

#[test]
fn the_lock_file_is_empty_and_mounted_next_to_config_toml_in_a_writable_directory() {
    let (secret, deployment) = objects(&render(SEED).unwrap());
    assert_eq!(secret["type"].as_str(), Some("Opaque"));
    assert_eq!(secret_file(&secret, "config.toml.lock"), "");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let mounts = container["volumeMounts"].as_sequence().unwrap();
    let mount = |path: &str| {
        mounts
            .iter()
            .find(|m| m["mountPath"].as_str() == Some(path))
            .unwrap_or_else(|| panic!("nothing mounted at {path}"))
    };
    let volume = |name: &str| {
        pod["volumes"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|v| v["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no volume {name}"))
            .clone()
    };
    // The directory: an emptyDir, writable (gitlab-runner writes .runner_system_id there).
    let dir = mount("/etc/gitlab-runner");
    assert!(dir["readOnly"].as_bool() != Some(true));
    assert!(volume(dir["name"].as_str().unwrap())["emptyDir"].is_mapping());
    // The two files: keys of the Secret, mounted one by one into that directory.
    let secret_name = secret["metadata"]["name"].as_str().unwrap();
    for (path, key) in [
        ("/etc/gitlab-runner/config.toml", "config.toml"),
        ("/etc/gitlab-runner/config.toml.lock", "config.toml.lock"),
    ] {
        let m = mount(path);
        assert_eq!(m["subPath"].as_str(), Some(key));
        assert_eq!(m["readOnly"].as_bool(), Some(true));
        let v = volume(m["name"].as_str().unwrap());
        assert_eq!(v["secret"]["secretName"].as_str(), Some(secret_name));
    }
    // gitlab-runner run reads that config.toml.
    let args: Vec<&str> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        args,
        [
            "run",
            "--config",
            "/etc/gitlab-runner/config.toml",
            "--working-directory",
            "/home/gitlab-runner"
        ]
    );
    // The hosts entry of the blog post, for the runner and its jobs (same pod).
    assert_eq!(
        pod["hostAliases"][0]["hostnames"][0].as_str(),
        Some("intranet.gitlabsz.siemens.com")
    );
    assert_eq!(pod["hostAliases"][0]["ip"].as_str(), Some("139.24.120.248"));
}

#[test]
fn a_config_change_rolls_the_pod_and_nothing_else_does() {
    let checksum = |values: &str| {
        let (_, deployment) = objects(&render(values).unwrap());
        deployment["spec"]["template"]["metadata"]["annotations"]["checksum/secret"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let base = checksum(SEED);
    assert_eq!(base.len(), 64);
    assert_eq!(checksum(SEED), base);
    assert_eq!(checksum(&format!("{SEED}podLabels: {{a: b}}\n")), base);
    assert_ne!(
        checksum(&SEED.replace("concurrent: 1", "concurrent: 2")),
        base
    );
    assert_ne!(
        checksum(&SEED.replace("xEb-jrn1s_Viw1ENxytU", "glrt-other")),
        base
    );
}

/// Every hostile string of the golden case reaches config.toml and the manifest unchanged, and
/// adds no key, table, runner or object.
#[test]
fn hostile_strings_inject_nothing_into_toml_or_yaml() {
    let values = values_of(HOSTILE);
    let text = |key: &str| values[key].as_str().unwrap().to_string();
    let stream = render(HOSTILE).unwrap();
    let config = config_toml(&stream);
    assert_eq!(
        keys(&config),
        ["check_interval", "concurrent", "log_level", "runners"]
    );
    let runner = the_runner(&config);
    assert_eq!(
        keys(runner),
        [
            "builds_dir",
            "cache_dir",
            "clone_url",
            "executor",
            "name",
            "token",
            "url"
        ]
    );
    assert_eq!(runner["executor"].as_str(), Some("shell"));
    for (toml_key, values_key) in [
        ("url", "gitlabUrl"),
        ("token", "runnerToken"),
        ("name", "runnerName"),
        ("clone_url", "cloneUrl"),
        ("builds_dir", "buildsDir"),
        ("cache_dir", "cacheDir"),
    ] {
        assert_eq!(
            runner[toml_key].as_str(),
            Some(text(values_key).as_str()),
            "{toml_key}"
        );
    }
    assert!(text("runnerToken").contains("]]\n") && text("runnerToken").contains("$(id)"));

    let (secret, deployment) = objects(&stream);
    assert_eq!(
        keys_of(&secret["data"]),
        ["config.toml", "config.toml.lock"]
    );
    let pod = &deployment["spec"]["template"];
    for (key, value) in values["podAnnotations"].as_mapping().unwrap() {
        assert_eq!(
            &pod["metadata"]["annotations"][key.as_str().unwrap()],
            value
        );
    }
    let env = pod["spec"]["containers"][0]["env"].as_sequence().unwrap();
    for item in values["envVars"].as_sequence().unwrap() {
        let found = env
            .iter()
            .find(|e| e["name"] == item["name"])
            .expect("the variable");
        assert_eq!(found["value"], item["value"]);
    }
    assert_eq!(pod["spec"]["tolerations"], values["tolerations"]);
    assert_eq!(pod["spec"]["affinity"], values["affinity"]);
    // The token is only in the Secret, base64-encoded.
    assert!(!stream.contains("glrt-"));
}

fn keys_of(map: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = map
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn without_a_runner_token_nothing_is_rendered_and_the_error_names_it() {
    let err = render("gitlabUrl: https://gitlab.example.com/\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    assert!(
        err.diagnostics().iter().any(|d| d.path == "runnerToken"),
        "{err}"
    );
    assert!(
        err.to_string().contains("missing key `runnerToken`"),
        "{err}"
    );

    // Given but empty: the schema cannot say it, the template does.
    let err = render("gitlabUrl: https://gitlab.example.com/\nrunnerToken: \"\"\n").unwrap_err();
    assert!(err.to_string().contains("runnerToken is required"), "{err}");

    // Both missing: both reported at once.
    let err = render("").unwrap_err().to_string();
    assert!(
        err.contains("runnerToken") && err.contains("gitlabUrl"),
        "{err}"
    );
}

#[test]
fn values_are_checked_strictly_against_the_charts_schema() {
    let base = "gitlabUrl: https://gitlab.example.com/\nrunnerToken: glrt-secret-value\n";
    for (extra, expected) in [
        ("concurrnt: 2\n", "did you mean `concurrent`?"),
        ("gitlabURL: x\n", "unknown key `gitlabURL`"),
        (
            "concurrent: 0\n",
            "concurrent: expected a number of at least 1",
        ),
        (
            "resources: {limits: {cpu: 2cores}}\n",
            "a Kubernetes quantity",
        ),
        (
            "hostAliases: [{ip: 10.0.0, hostnames: [gitlab]}]\n",
            "an IPv4 or IPv6 address",
        ),
        (
            "hostAliases: [{ip: 10.0.0.1, hostnames: [Gitlab_Host]}]\n",
            "a DNS-1123 name",
        ),
        ("imagePullPolicy: always\n", "did you mean \"Always\"?"),
        ("securityContext: {runAsUsr: 1}\n", "unknown key `runAsUsr`"),
        (
            "affinity: {nodeAfinity: {}}\n",
            "did you mean `nodeAffinity`?",
        ),
        ("podLabels: {app: x}\n", "invalid key \"app\""),
        ("buildsDir: relative/dir\n", "buildsDir"),
    ] {
        let err = render(&format!("{base}{extra}")).unwrap_err().to_string();
        assert!(err.contains(expected), "{extra}: {err}");
        assert!(!err.contains("glrt-secret-value"), "{err}");
    }
    // A token of the wrong type is not quoted in the message.
    let err = render("gitlabUrl: https://gitlab.example.com/\nrunnerToken: 123456\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("runnerToken: expected a string"), "{err}");
    assert!(!err.contains("123456"), "{err}");
}

#[test]
fn the_defaults_run_as_non_root_without_privileges_or_an_api_token() {
    let (_, deployment) = objects(&render(SEED).unwrap());
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], Value::Bool(false));
    assert_eq!(pod["securityContext"]["runAsNonRoot"], Value::Bool(true));
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"].as_str(),
        Some("RuntimeDefault")
    );
    let security = &pod["containers"][0]["securityContext"];
    assert_eq!(security["allowPrivilegeEscalation"], Value::Bool(false));
    assert_eq!(security["readOnlyRootFilesystem"], Value::Bool(true));
    assert_eq!(security["capabilities"]["drop"][0].as_str(), Some("ALL"));
    // With a read-only root, every place the runner and its jobs write is a volume.
    let mounted: Vec<&str> = pod["containers"][0]["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    for path in ["/etc/gitlab-runner", "/home/gitlab-runner", "/tmp"] {
        assert!(mounted.contains(&path), "{path} not mounted: {mounted:?}");
    }
}

#[test]
#[cfg(feature = "cli")]
fn the_render_example_takes_the_chart_by_name() {
    let exe = support::render_example();
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden-shell/02-seed/values.yaml"
    );
    let out = std::process::Command::new(&exe)
        .args(["ci", "-n", "gitlab", "--chart", "shell", "-f", seed])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the library's render of the same values (tests/golden.rs holds it as a snapshot)
    let mut values = Values::new();
    values
        .add_yaml("values.yaml", &std::fs::read_to_string(seed).unwrap())
        .unwrap();
    let options = RenderOptions::new(Release::new("ci", "gitlab").unwrap());
    let expected = Renderer::new(Chart::shell())
        .unwrap()
        .render(&values, &options)
        .unwrap()
        .to_string();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    // The default is still the GitLab Runner chart.
    let out = std::process::Command::new(&exe).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("# Source: gitlab-runner/templates/"));

    // Without a token: exit 1, the message names runnerToken.
    let out = std::process::Command::new(&exe)
        .args(["--chart", "shell"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("runnerToken"));

    // --values-schema prints the chosen chart's schema.
    let out = std::process::Command::new(&exe)
        .args(["--chart", "shell", "--values-schema"])
        .output()
        .unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        schema == shell_schema(),
        "--values-schema printed another schema"
    );

    // --help lists the charts; --chart and --chart-dir exclude each other; unknown names fail.
    let help = std::process::Command::new(&exe)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--chart <NAME>")
            && help.contains("gitlab-runner:")
            && help.contains("shell:"),
        "{help}"
    );
    for args in [
        &["--chart", "shell", "--chart-dir", "chart"][..],
        &["--chart", "docker"][..],
    ] {
        let out = std::process::Command::new(&exe)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// The chart's values.schema.json is itself a valid, strict JSON Schema.
#[test]
fn the_schema_is_strict_at_every_level() {
    fn walk(node: &serde_json::Value, at: &str, open: &mut Vec<String>) {
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            if node.get("additionalProperties") != Some(&serde_json::Value::Bool(false)) {
                open.push(at.to_string());
            }
            for (k, v) in props {
                walk(v, &format!("{at}.{k}"), open);
            }
        }
        if let Some(items) = node.get("items") {
            walk(items, &format!("{at}[]"), open);
        }
    }
    let schema = shell_schema();
    jsonschema::meta::validate(&schema).expect("a valid JSON Schema");
    let mut open = Vec::new();
    walk(&schema, "", &mut open);
    assert!(
        open.is_empty(),
        "objects that accept unknown keys: {open:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any token and runner name (any Unicode but NUL) come out of config.toml as given, in a
    /// config.toml with one runner and the shell executor.
    #[test]
    fn any_token_and_name_round_trip_through_config_toml(
        token in "[^\u{0}]{1,40}",
        name in "[^\u{0}]{1,40}",
    ) {
        let mut map = serde_yaml::Mapping::new();
        map.insert("gitlabUrl".into(), "https://gitlab.example.com/".into());
        map.insert("runnerToken".into(), token.as_str().into());
        map.insert("runnerName".into(), name.as_str().into());
        let mut values = Values::new();
        values.add_mapping(map);
        let renderer = Renderer::new(Chart::shell()).unwrap();
        let stream = renderer.render(&values, &RenderOptions::default()).unwrap().to_string();
        let config = config_toml(&stream);
        let runner = the_runner(&config);
        prop_assert_eq!(runner["token"].as_str(), Some(token.as_str()));
        prop_assert_eq!(runner["name"].as_str(), Some(name.as_str()));
        prop_assert_eq!(runner["executor"].as_str(), Some("shell"));
    }
}

/// The shell chart's values schema.
fn shell_schema() -> serde_json::Value {
    let text = Chart::shell()
        .values_schema_json()
        .expect("the shell chart has a schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}
