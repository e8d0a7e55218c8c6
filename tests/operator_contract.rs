//! k6-operator's contract with the k6 binary, played with rk6 under the name `k6` (as the
//! container image installs it): the initializer's archive-then-inspect shell program, two
//! runners started with the operator's exact command lines (flags after the script
//! included) and paused, the operator's readiness check and the starter's `PATCH
//! /v1/status` body, the runners exiting at the end (the operator's only completion
//! signal), and `rk6 merge` turning their result parts into the whole test's verdict.
//! Only loopback addresses: `--address` is 127.0.0.1 where the operator says 0.0.0.0.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
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

    // Runners: the operator's argument order, paused, segments of two.
    let segments = ["0:1/2", "1/2:1"];
    let ports = [free_port(), free_port()];
    let mut runners: Vec<KillOnDrop> = Vec::new();
    for (i, (seg, port)) in segments.iter().zip(ports).enumerate() {
        let child = Command::new("k6")
            .args(["run", "--quiet", &format!("--execution-segment={seg}")])
            .arg("--execution-segment-sequence=0,1/2,1")
            .args(["--out", &format!("result={}/", results.display())])
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
    // The operator's readiness check, then the starter's body to each runner.
    let deadline = Instant::now() + Duration::from_secs(30);
    for port in ports {
        while http(port, "GET", "/v1/status", "").is_none_or(|(s, _)| s >= 400) {
            assert!(Instant::now() < deadline, "runner on {port} never answered");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let start = r#"{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}"#;
    for port in ports {
        let (status, body) = http(port, "PATCH", "/v1/status", start).unwrap();
        assert_eq!(status, 200, "{body}");
    }
    for r in &mut runners {
        wait_at_most(r, Duration::from_secs(60));
    }
    // Alone, each runner saw 20 of the 40 requests its threshold asks for.
    for r in &mut runners {
        assert_eq!(r.wait().unwrap().code(), Some(99));
    }
    let merged = Run::rk6()
        .cwd(dir.dir())
        .args(["merge", "results", "--summary-export", "summary.json"])
        .timeout(Duration::from_secs(60))
        .output();
    merged.assert_code(0);
    let summary = Export::read(&dir.path("summary.json"));
    assert_eq!(summary.num("http_reqs", "count"), 40.0);
    assert_eq!(
        summary.checks().get("::ok"),
        Some(&(40, 0)),
        "{:?}",
        summary.checks()
    );
    let parts: Vec<PathBuf> = std::fs::read_dir(&results)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(parts.len(), 2, "{parts:?}");
}
