//! Every example values file in `values/` renders, and its objects pass the basic shape checks.

mod support;

use gitlab_runner_chart::KubeVersion;

#[test]
fn every_example_values_file_renders() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/values");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for kube in [KubeVersion::DEFAULT, KubeVersion::new(1, 23, 0)] {
            let out = support::render(&text, "ci", "gitlab", kube);
            let docs = support::parse_stream(&out);
            assert!(
                docs.len() >= 2,
                "{}: {} objects",
                file.display(),
                docs.len()
            );
            for doc in &docs {
                assert!(
                    doc.value["metadata"]["name"].as_str().is_some(),
                    "{}",
                    file.display()
                );
            }
        }
    }
}
