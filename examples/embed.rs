//! Rendering the chart inside another tool: values from a string (a config file of the tool, a
//! web form, ...), the current official chart rendered, and the Deployment read back as a typed
//! Kubernetes object (`k8s-openapi`) to check a field before anything is applied.
//!
//! ```text
//! cargo run --example embed
//! ```

use gitlab_runner_chart::{Chart, Error, Release, RenderOptions, Renderer, Values};
use k8s_openapi::api::apps::v1::Deployment;

/// What the tool got from its user.
const VALUES: &str = "\
gitlabUrl: https://gitlab.example.com/
runnerToken: glrt-example-token
concurrent: 4
";

fn main() -> Result<(), Error> {
    let mut values = Values::new();
    values.add_yaml("tool-config.yaml", VALUES)?;
    values.set("replicas=2")?;

    let renderer = Renderer::new(Chart::current())?;
    let options = RenderOptions::new(Release::new("ci", "gitlab")?);
    let manifests = match renderer.render(&values, &options) {
        Ok(manifests) => manifests,
        Err(error) => {
            // the whole report, as the command line prints it; `error.diagnostics()` has the
            // same problems as data (values path, file, line, column)
            eprintln!("{error}");
            std::process::exit(1);
        }
    };

    let deployment: Deployment = manifests
        .find("Deployment")
        .expect("the chart renders a Deployment")
        .deserialize()?;
    let spec = deployment.spec;
    let image = spec
        .template
        .spec
        .and_then(|pod| pod.containers.into_iter().next())
        .and_then(|container| container.image)
        .unwrap_or_default();
    println!(
        "Deployment {}: {} replicas, image {image}",
        deployment.metadata.name.unwrap_or_default(),
        spec.replicas.unwrap_or(1),
    );
    for warning in manifests.warnings() {
        eprintln!("{warning}");
    }
    Ok(())
}
