//! `deploy/k8s/` checked offline, as no cluster runs here: the `TestRun` against
//! k6-operator's published CRD schema (`deploy/k8s/validate.py`, jsonschema), the other
//! objects for the fields every object needs; and the image's contract with the operator
//! (the binary as `k6`, its entrypoint and user) as the `Dockerfile` states it. The
//! operator's runtime behaviour against these manifests is `operator_contract.rs`.

mod common;

use std::process::Command;

use common::repo_root;

fn validate(paths: &[std::path::PathBuf]) -> std::process::Output {
    Command::new("timeout")
        .args(["60", "python3"])
        .arg(repo_root().join("deploy/k8s/validate.py"))
        .args(paths)
        .output()
        .expect("python3 runs (pip install jsonschema pyyaml)")
}

#[test]
fn the_manifests_match_k6_operators_crd_and_a_wrong_one_does_not() {
    let dir = repo_root().join("deploy/k8s");
    let manifests: Vec<_> = ["testrun.yaml", "merge-job.yaml", "results-pvc.yaml"]
        .iter()
        .map(|m| dir.join(m))
        .collect();
    let ok = validate(&manifests);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    let text = std::fs::read_to_string(dir.join("testrun.yaml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, text.replace("parallelism: 4", "parallelism: four")).unwrap();
    let refused = validate(&[bad]);
    let said = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("spec.parallelism: 'four' is not of type 'integer'"),
        "{said}"
    );
}

#[test]
fn the_image_answers_to_k6_as_grafana_k6_does() {
    let dockerfile = std::fs::read_to_string(repo_root().join("Dockerfile")).unwrap();
    for line in [
        "ln -s /usr/bin/rk6 /usr/bin/k6",
        "ENTRYPOINT [\"k6\"]",
        "USER 12345",
        "WORKDIR /home/k6",
    ] {
        assert!(dockerfile.contains(line), "the Dockerfile lost `{line}`");
    }
}
