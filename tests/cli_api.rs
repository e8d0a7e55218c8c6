//! The REST API (`--address`) and the `externally-controlled` executor end to end: status
//! in k6's JSON shape, scaling VUs at run time, refusing more than `maxVUs`, `--paused`
//! runs resumed through the API, and stopping a run (exit 103, like k6).
//! `RK6_E2E_TOOL=k6 cargo test --test cli_api` runs the same expectations against k6.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::influx::curl;
use common::*;

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind probe");
    l.local_addr().expect("addr").to_string()
}

fn status(addr: &str) -> serde_json::Value {
    let (_, body) = curl(&[&format!("http://{addr}/v1/status")]);
    serde_json::from_str(&body).unwrap_or_default()
}

fn patch(addr: &str, attrs: &str) -> (u16, String) {
    curl(&[
        "-X",
        "PATCH",
        "-H",
        "Content-Type: application/json",
        &format!("http://{addr}/v1/status"),
        "-d",
        &format!(r#"{{"data":{{"type":"status","id":"default","attributes":{attrs}}}}}"#),
    ])
}

/// Starts the tool in the background on `script` with its API on `addr` (`None`: k6's
/// default address, no flag), waiting until the API says the test is paused or running.
fn start(dir: &Scripts, addr: Option<&str>, extra: &[&str]) -> std::process::Child {
    let bin = match under_test() {
        Tool::Rk6 => rk6_bin(),
        Tool::K6 => k6_bin().expect("k6"),
    };
    let mut cmd = Command::new(bin);
    cmd.args(["run", "-q", "--summary-export", "sum.json"]);
    if let Some(a) = addr {
        cmd.args(["--address", a]);
    }
    let child = cmd
        .args(extra)
        .arg("s.js")
        .current_dir(dir.dir())
        .env("K6_NO_USAGE_REPORT", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let polled = addr.unwrap_or("localhost:6565");
    for _ in 0..200 {
        let s = status(polled)["data"]["attributes"]["status"].as_u64();
        if matches!(s, Some(4 | 7)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Polls `/v1/status` (at most 5 s) until its attributes satisfy `done`; the last answer.
fn poll_status(addr: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let mut s = status(addr);
    for _ in 0..100 {
        if done(&s["data"]["attributes"]) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        s = status(addr);
    }
    s
}

#[test]
fn externally_controlled_vus_scale_through_the_api() {
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "import { sleep } from 'k6';\nexport const options = { scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 3, duration: '3s' } } };\nexport default function () { sleep(0.1); }\n",
    );
    let addr = free_addr();
    let child = start(&dir, Some(&addr), &[]);
    let s = poll_status(&addr, |a| a["vus"] == 1);
    assert_eq!(s["data"]["attributes"]["vus"], 1, "{s}");
    assert_eq!(s["data"]["attributes"]["vus-max"], 3, "{s}");
    assert_eq!(s["data"]["attributes"]["status"], 7, "{s}");
    let (code, body) = patch(&addr, r#"{"vus":3}"#);
    assert_eq!(code, 200, "{body}");
    // `vus` is the active VUs: the executor starts the new ones right away.
    let s = poll_status(&addr, |a| a["vus"] == 3);
    assert_eq!(s["data"]["attributes"]["vus"], 3, "{s}");
    let (code, _) = patch(&addr, r#"{"vus":9}"#);
    assert_eq!(code, 400);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("vus_max", "max"), 3.0);
    // One VU for ~0 s then three for ~3 s at 10 it/s each: far more than one VU's 30.
    assert!(
        ex.num("iterations", "count") > 45.0,
        "{}",
        ex.num("iterations", "count")
    );
}

#[test]
fn paused_runs_resume_and_stopped_runs_exit_103() {
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "import { sleep } from 'k6';\nexport const options = { vus: 1, duration: '10s' };\nexport default function () { sleep(0.05); }\n",
    );
    let addr = free_addr();
    let child = start(&dir, Some(&addr), &["--paused"]);
    let s = status(&addr);
    assert_eq!(s["data"]["attributes"]["paused"], true, "{s}");
    assert_eq!(s["data"]["attributes"]["status"], 4, "{s}");
    let (code, _) = patch(&addr, r#"{"paused":false}"#);
    assert_eq!(code, 200);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(status(&addr)["data"]["attributes"]["status"], 7);
    let (code, _) = patch(&addr, r#"{"stopped":true}"#);
    assert_eq!(code, 200);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(103), "{stderr}");
    assert!(
        stderr.contains("level=error msg=\"test run stopped from REST API\""),
        "{stderr}"
    );
}

/// Without `--address` the API listens on localhost:6565, as k6's does, so a `--paused`
/// run can be resumed.
#[test]
fn without_address_the_api_listens_on_localhost_6565() {
    if std::net::TcpListener::bind("127.0.0.1:6565").is_err() {
        eprintln!("skipped: localhost:6565 is taken");
        return;
    }
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "export const options = { iterations: 1 };\nexport default function () {}\n",
    );
    let mut child = start(&dir, None, &["--paused"]);
    let addr = "localhost:6565";
    let s = status(addr);
    let resumed =
        s["data"]["attributes"]["paused"] == true && patch(addr, r#"{"paused":false}"#).0 == 200;
    wait_at_most(&mut child, Duration::from_secs(20));
    let out = child.wait_with_output().expect("wait");
    assert!(resumed, "no paused status on {addr}: {s}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
