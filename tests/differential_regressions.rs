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

const BUSY: &str = r#"
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '2s', gracefulStop: '1s' } } };
export default function () { while (true) { try { } catch (e) {} } }
"#;

/// A VU stuck in a CPU loop is interrupted at `gracefulStop`, as k6 interrupts its VM: the
/// run ends after duration + gracefulStop, with k6's warning that no iteration finished.
#[test]
fn a_busy_vu_is_interrupted_at_graceful_stop_like_k6() {
    if !k6_available() {
        return;
    }
    let (k6, rk6) = (outcome(Tool::K6, BUSY), outcome(Tool::Rk6, BUSY));
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert!(rk6.2 < Duration::from_secs(4), "rk6 took {:?}", rk6.2);
}

/// Ctrl-C stops VUs stuck in a CPU loop within a second: the summary, exit 105.
#[test]
fn ctrl_c_interrupts_a_busy_vu_within_a_second() {
    let (dir, path) = script("busy.js", BUSY);
    let tools: &[Tool] = if k6_available() {
        &[Tool::K6, Tool::Rk6]
    } else {
        &[Tool::Rk6]
    };
    for &tool in tools {
        let bin = match tool {
            Tool::Rk6 => rk6_bin(),
            Tool::K6 => k6_bin().expect("k6"),
        };
        let mut child = std::process::Command::new(bin)
            .args(["run", "--address=", "-q"])
            .arg(&path)
            .current_dir(dir.dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(1000));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let took = wait_at_most(&mut child, Duration::from_secs(10));
        let out = child.wait_with_output().expect("output");
        assert_eq!(out.status.code(), Some(105), "{tool:?}");
        assert!(
            took < Duration::from_secs(1),
            "{tool:?} took {took:?} after Ctrl-C"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("TOTAL RESULTS"),
            "{tool:?}: no summary"
        );
    }
}

/// An async iteration whose promise rejects is logged as k6 logs an unhandled rejection:
/// "Uncaught (in promise) …", without `source=stacktrace`.
#[test]
fn a_rejected_async_iteration_is_logged_as_uncaught_in_promise_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
export const options = { iterations: 2 };
export default async function () {
  if (__ITER === 0) await Promise.reject('plain reason');
  await Promise.reject({ toString() { return 'object reason'; } });
}
"#;
    let (k6, rk6) = (outcome(Tool::K6, src), outcome(Tool::Rk6, src));
    assert_eq!(k6.1.len(), 2, "{:?}", k6.1);
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
}
