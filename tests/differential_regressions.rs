//! Regressions found by running grafana/k6's own examples and test scripts, each run under
//! k6 v1.1 and rk6: the same exit code, and the same lines where they are deterministic.
//! Skipped (passing) without `k6` on PATH; every run is bounded by the harness's timeout.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// The exit code, the error lines and the console lines of `tool run -q --no-summary`.
fn outcome(tool: Tool, src: &str) -> (i32, Vec<String>, Duration) {
    let (dir, path) = script("s.js", src);
    let started = Instant::now();
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary"])
        .arg(&path)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(30))
        .output();
    let lines = out
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "error" || l.raw.contains("source=console"))
        .map(|l| format!("{} {}", l.level, l.msg))
        .collect();
    (out.code, lines, started.elapsed())
}

/// A Rate threshold with `abortOnFail` in a `stages` test stops it (exit 99) instead of
/// leaving VUs waiting for their turn forever.
#[test]
fn abort_on_fail_under_stages_ends_the_run_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
import { Rate } from 'k6/metrics';
const failed = new Rate('failed_requests');
export const options = {
  stages: [{ duration: '3s', target: 2 }, { duration: '3s', target: 0 }],
  thresholds: { failed_requests: [{ threshold: 'rate<0.1', abortOnFail: true }] },
};
export default function () { failed.add(1); }
"#;
    let (k6, rk6) = (outcome(Tool::K6, src), outcome(Tool::Rk6, src));
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert!(rk6.2 < Duration::from_secs(10), "rk6 took {:?}", rk6.2);
}

/// Module syntax anywhere on a line (bundler output) makes an ES module.
#[test]
fn module_syntax_after_code_on_the_same_line_is_a_module_like_k6() {
    if !k6_available() {
        return;
    }
    for src in [
        "var a = 1; export default function () { console.log('a', a); }\n",
        "const o = { iterations: 1 }; export const options = o; export default function () { console.log(options.iterations); }\n",
    ] {
        let (k6, rk6) = (outcome(Tool::K6, src), outcome(Tool::Rk6, src));
        assert_eq!((rk6.0, rk6.1), (k6.0, k6.1), "rk6 (left) vs k6 (right) for {src}");
    }
}
