//! k6-operator's contract with the k6 binary, played with rk6 under the name `k6` (as the
//! container image installs it) and the manifests in `deploy/k8s/`: the initializer's
//! archive-then-inspect shell program, the `TestRun`'s runners started with the operator's
//! exact command lines (its `arguments`, flags after the script included) and paused, the
//! operator's readiness check and the starter's `PATCH /v1/status` sent with curl, the
//! runners exiting at the end (the operator's only completion signal), and the merge Job's
//! command, started before the runners, turning their parts into the whole test's verdict.
//! Only loopback addresses: `--address` is 127.0.0.1 where the operator says 0.0.0.0, and
//! the shared volume is a temporary directory.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const SCRIPT: &str = r#"
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: { load: { executor: 'shared-iterations', vus: 4, iterations: 40, maxDuration: '30s' } },
  thresholds: { 'http_reqs{status:200}': ['count>=40'], http_req_duration: ['p(99)<5000'] },
};
export default function () {
  check(http.get(`${__ENV.BASE_URL}/get`), { ok: (r) => r.status === 200 });
}
"#;

/// What the initializer pod runs (after the operator's initializer program): archive with
/// the runner's arguments minus `--out`, stderr kept aside, then `inspect
/// --execution-requirements` whose stdout must be one JSON document, and any `level=error`
/// line in the logs fails the pod.
const INITIALIZER: &str = r#"
command -v k6 >/dev/null 2>&1 || exit 127
archive="$1"; shift
logs="$(dirname "$archive")/k6logs"
"$@" 2> "$logs" || { cat "$logs"; exit 1; }
k6 inspect --execution-requirements "$archive" 2> "$logs" || { cat "$logs"; exit 1; }
if grep 'level.*error' "$logs"; then exit 1; fi
"#;

/// A manifest of `deploy/k8s/` as JSON.
fn manifest(name: &str) -> serde_json::Value {
    let path = repo_root().join("deploy").join("k8s").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// A manifest's strings with the shared volume's mount point moved to `results`.
fn on_volume(args: impl IntoIterator<Item = String>, results: &Path) -> Vec<String> {
    let dir = results.display().to_string();
    args.into_iter()
        .map(|a| a.replace("/results", &dir))
        .collect()
}

/// The operator's segment for runner `i` of `n` (`0:1/4`, `1/4:2/4`, …, `3/4:1`).
fn point(i: usize, n: usize) -> String {
    match i {
        0 => "0".into(),
        i if i == n => "1".into(),
        i => format!("{i}/{n}"),
    }
}

/// A directory whose `k6` is rk6, first on PATH.
fn k6_is_rk6(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(rk6_bin(), bin.join("k6")).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// One HTTP/1.1 exchange on loopback; (status, body).
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    ))
}

#[test]
fn the_operators_initializer_runners_and_starter_drive_rk6_as_k6() {
    let target = Target::start();
    let (dir, script_path) = script("test.js", SCRIPT);
    let path = k6_is_rk6(dir.dir());
    let results = dir.path("results");
    std::fs::create_dir(&results).unwrap();
    let archive = dir.path("tmp/test.js.archived.tar");
    std::fs::create_dir_all(archive.parent().unwrap()).unwrap();

    // Initializer: `--out result=…` is dropped from the archive's arguments, -e kept.
    let init = Command::new("timeout")
        .args(["60", "sh", "-c", INITIALIZER, "sh"])
        .arg(&archive)
        .args(["k6", "archive"])
        .arg(&script_path)
        .args(["-e", &format!("BASE_URL={}", target.base_url()), "-O"])
        .arg(&archive)
        .env("PATH", &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&init.stdout);
    assert_eq!(
        init.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let reqs: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(reqs["maxVUs"], 4, "{stdout}");
    assert_eq!(reqs["totalDuration"], "1m0s", "{stdout}");

    // The merge Job, started with the TestRun: it waits for every runner's part.
    let job = manifest("merge-job.yaml");
    let job_args = job["spec"]["template"]["spec"]["containers"][0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string());
    let mut merging = KillOnDrop(
        Command::new("k6")
            .args(on_volume(job_args, &results))
            .env("PATH", &path)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path("merge.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    // Runners: the TestRun's parallelism and arguments, in the operator's order, paused.
    let testrun = manifest("testrun.yaml");
    let n = testrun["spec"]["parallelism"].as_u64().unwrap() as usize;
    let user_args: Vec<String> = testrun["spec"]["arguments"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    let sequence: Vec<String> = (0..=n).map(|i| point(i, n)).collect();
    let ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
    let mut runners: Vec<KillOnDrop> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let child = Command::new("k6")
            .args(["run", "--quiet"])
            .arg(format!(
                "--execution-segment={}:{}",
                point(i, n),
                point(i + 1, n)
            ))
            .arg(format!(
                "--execution-segment-sequence={}",
                sequence.join(",")
            ))
            .args(on_volume(user_args.clone(), &results))
            .arg(&script_path)
            .arg(format!("--address=127.0.0.1:{port}"))
            .args(["--paused", "--tag", &format!("instance_id={}", i + 1)])
            .args(["--tag", "testrun_name=rk6-sample"])
            .env("PATH", &path)
            .env("BASE_URL", target.base_url())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        runners.push(KillOnDrop(child));
    }
    // The operator's readiness check, then the starter's curl to each runner.
    let deadline = Instant::now() + Duration::from_secs(30);
    for &port in &ports {
        while http(port, "GET", "/v1/status", "").is_none_or(|(s, _)| s >= 400) {
            assert!(Instant::now() < deadline, "runner on {port} never answered");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let start = r#"{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}"#;
    for port in &ports {
        let curl = Command::new("timeout")
            .args(["20", "curl", "--retry", "3", "-X", "PATCH"])
            .args(["-H", "Content-Type: application/json"])
            .arg(format!("http://127.0.0.1:{port}/v1/status"))
            .args(["-d", start, "-s", "-w", "\n%{http_code}"])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&curl.stdout);
        assert!(out.ends_with("\n200"), "{out}");
    }
    for r in &mut runners {
        wait_at_most(r, Duration::from_secs(60));
    }
    // Alone, each runner saw a quarter of the 40 requests its threshold asks for.
    for r in &mut runners {
        assert_eq!(r.wait().unwrap().code(), Some(99));
    }
    wait_at_most(&mut merging, Duration::from_secs(30));
    let status = merging.wait().unwrap();
    let log = std::fs::read_to_string(dir.path("merge.log")).unwrap_or_default();
    assert_eq!(status.code(), Some(0), "{log}");
    let summary = Export::read(&results.join("summary.json"));
    assert_eq!(summary.num("http_reqs", "count"), 40.0);
    assert_eq!(
        summary.checks().get("::ok"),
        Some(&(40, 0)),
        "{:?}",
        summary.checks()
    );
    let parts = std::fs::read_dir(&results).unwrap().count();
    assert_eq!(parts, n + 1, "a part per runner, and summary.json");
}
