//! Faults inside rk6 itself: a panic in a VU, the metrics engine or an output must stop
//! the test loudly (named thread and source location, the summary of what ran, a non-zero
//! exit), never pass as a clean run. Panics are injected through the debug-only
//! `RK6_TEST_PANIC` switch; the suite runs debug builds.

mod common;

use common::*;

const LOOP: &str = r#"
import http from 'k6/http';
export const options = { vus: 2, duration: '3s' };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
"#;

fn run_with_panic_in(part: &str) -> Output {
    let t = Target::start();
    let (dir, script) = script("loop.js", LOOP);
    Run::new(Tool::Rk6)
        .target(&t)
        .env("RK6_TEST_PANIC", part)
        .args(["run", "--out"])
        .arg(format!("json={}", dir.path("points.json").display()))
        .arg(&script)
        .output()
}

fn assert_loud(out: &Output, thread: &str, location: &str) {
    out.assert_code(255);
    out.assert_stderr_has(&format!("rk6 panicked in thread '{thread}"));
    out.assert_stderr_has(location);
    out.assert_stderr_has("the test was stopped and its results are incomplete");
}

#[test]
fn a_panic_in_a_vu_fails_the_run_naming_where() {
    let out = run_with_panic_in("vu");
    assert_loud(&out, "rk6-vu-", "runtime/src/vu/call.rs");
    out.assert_stdout_has("TOTAL RESULTS");
}

#[test]
fn a_panic_in_the_metrics_engine_fails_the_run_with_the_summary() {
    let out = run_with_panic_in("metrics");
    assert_loud(&out, "rk6-metrics", "src/metrics/mod.rs");
    out.assert_stdout_has("http_reqs");
    assert!(
        out.elapsed < std::time::Duration::from_secs(3),
        "the panic should stop the 3 s test early: {:?}\n{}",
        out.elapsed,
        out.dump()
    );
}

#[test]
fn a_panic_in_an_output_fails_the_run_with_the_summary() {
    let out = run_with_panic_in("output");
    assert_loud(&out, "rk6-output-json", "src/output/mod.rs");
    out.assert_stdout_has("http_reqs");
}

/// A URL object whose `toString` re-enters a module that changes the VU (k6 refuses such
/// objects as URLs; rk6 uses their string): the request goes out, nothing panics.
#[test]
fn url_to_string_reentering_a_module_sends_the_request() {
    let out = run_script(
        "url_to_string.js",
        r#"
import http from 'k6/http';
import { check, randomSeed } from 'k6';
export const options = { iterations: 2 };
export default function () {
  const u = { toString() { randomSeed(1); return `${__ENV.BASE_URL}/get`; } };
  check(http.get(u), { ok: (r) => r.status === 200 });
}
"#,
        &[],
    );
    out.assert_code(0);
    assert!(!out.stderr.contains("panicked"), "{}", out.dump());
    out.assert_stdout_has("✓ ok");
}

/// `rk6 inspect | head` and `rk6 version | head`: a reader that went away is not a panic.
#[test]
fn a_closed_stdout_pipe_is_not_a_panic() {
    let (_dir, script) = script("plain.js", "export default function () {}\n");
    for args in [
        vec!["inspect".to_string(), arg(&script)],
        vec!["version".into()],
    ] {
        let mut child = std::process::Command::new(rk6_bin())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn rk6");
        // Close the reading end before rk6 writes.
        drop(child.stdout.take());
        let limit = std::time::Duration::from_secs(30);
        let took = wait_at_most(&mut child, limit);
        assert!(took < limit, "{args:?}: rk6 did not end within 30 s");
        let out = child.wait_with_output().expect("rk6 ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A port already taken is named in Go's words, as k6 names it.
#[test]
fn a_target_port_in_use_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = Run::new(Tool::Rk6)
        .args(["target", "--listen", &addr])
        .output();
    assert_ne!(out.code, 0, "{}", out.dump());
    out.assert_stderr_has(&format!("listen tcp {addr}: bind: address already in use"));
}
