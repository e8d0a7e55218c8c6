//! Bad input gets a clear error and loses nothing: scripts and values nested deeper than
//! Boa's native stack can take (a deep `setup()` result too), unreachable targets and Ctrl-C must end in errors or
//! summaries, never in a crashed process.

mod common;

use std::time::Duration;

use common::signal::signalled_run;
use common::*;

#[test]
fn deeply_nested_script_is_a_syntax_error_naming_the_place() {
    let src = format!(
        "export default function () {{ return {}1{}; }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let out = run_script("deep.js", &src, &["-q"]);
    out.assert_code(107)
        .assert_stderr_has("deep.js:1:")
        .assert_stderr_has("nest deeper than");
}

#[test]
fn deep_eval_and_deep_values_throw_catchable_errors_inside_iterations() {
    let out = run_script(
        "deepvals.js",
        r#"
export const options = { iterations: 1 };
export default function () {
  let o = {};
  for (let i = 0; i < 100000; i++) o = { a: o };
  try { JSON.stringify(o); console.log('no error'); } catch (e) { console.log('stringify: ' + e.name); }
  try { eval('('.repeat(3000) + '1' + ')'.repeat(3000)); console.log('no error'); } catch (e) { console.log('eval: ' + e.name); }
  let deep;
  try { deep = JSON.parse('['.repeat(100000) + ']'.repeat(100000)); console.log('parse: ok'); } catch (e) { console.log('parse: ' + e.name); }
  try { String(deep); console.log('no error'); } catch (e) { console.log('toString: ' + e.name + ': ' + e.message); }
  console.log('survived');
}
"#,
        &["-q", "--no-summary"],
    );
    // k6 parses this too (goja to ~2,000,000 levels); Boa's `toString` of nested arrays
    // recurses natively and stops at the native stack floor with a catchable error.
    out.assert_code(0)
        .assert_stderr_has("stringify: RangeError")
        .assert_stderr_has("eval: SyntaxError")
        .assert_stderr_has("parse: ok")
        .assert_stderr_has("toString: RangeError: Maximum call stack size exceeded")
        .assert_stderr_has("survived");
}

#[test]
fn a_setup_result_too_deep_to_convert_is_an_error_not_a_crash() {
    let out = run_script(
        "deepsetup.js",
        r#"
export function setup() { return JSON.parse('['.repeat(100000) + ']'.repeat(100000)); }
export default function () { console.log('iteration ran'); }
"#,
        &["-q", "--no-summary"],
    );
    // k6 fails too, decoding it ("exceeded max depth", exit 255).
    out.assert_code(107)
        .assert_stderr_has("setup: value nests deeper than 4000 levels");
    assert!(!out.stderr.contains("iteration ran"), "{}", out.dump());
}

#[test]
fn runaway_recursion_ends_the_iteration_not_the_process() {
    let out = run_script(
        "rec.js",
        r#"
export const options = { iterations: 2 };
function f(n) { return n === 0 ? 0 : 1 + f(n - 1); }
export default function () { f(1e6); }
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stderr_has("source=stacktrace")
        .assert_stdout_line("  █ TOTAL RESULTS ");
}

/// Starts a 30 s test, sends `signal` after 2.5 s and returns (exit code, stdout, stderr).
fn interrupted_run(signal: i32) -> (Option<i32>, String, String) {
    let t = Target::start();
    let (dir, _) = script(
        "long.js",
        r#"
import http from 'k6/http';
import { sleep } from 'k6';
export default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.2); }
export function teardown() { console.log('teardown ran'); }
"#,
    );
    signalled_run(
        &dir,
        &["run", "-q", "--vus", "3", "--duration", "30s", "long.js"],
        &[("BASE_URL", t.base_url())],
        Duration::from_millis(2500),
        signal,
    )
}

#[test]
fn ctrl_c_stops_the_test_prints_the_summary_and_exits_105() {
    let (code, stdout, stderr) = interrupted_run(libc::SIGINT);
    assert_eq!(code, Some(105), "{stdout}\n{stderr}");
    assert!(stdout.contains("█ TOTAL RESULTS"), "{stdout}");
    assert!(stdout.contains("http_reqs"), "{stdout}");
    assert!(
        stderr.contains("aborted because rk6 received a 'interrupt' signal"),
        "{stderr}"
    );
    assert!(stderr.contains("msg=\"teardown ran\""), "{stderr}");
}

#[test]
fn ctrl_c_during_setup_skips_teardown_prints_the_summary_and_exits_105() {
    let (dir, _) = script(
        "slow_setup.js",
        r#"
import { sleep } from 'k6';
export function setup() { sleep(20); }
export default function () { console.log('iteration ran'); }
export function teardown() { console.log('teardown ran'); }
"#,
    );
    let (code, stdout, stderr) = signalled_run(
        &dir,
        &["run", "slow_setup.js"],
        &[],
        Duration::from_millis(2000),
        libc::SIGINT,
    );
    assert_eq!(code, Some(105), "{stdout}\n{stderr}");
    assert!(stdout.contains("█ TOTAL RESULTS"), "{stdout}");
    assert!(
        !stderr.contains("iteration ran") && !stderr.contains("teardown ran"),
        "{stderr}"
    );
}

#[test]
fn sigterm_is_handled_like_ctrl_c() {
    let (code, stdout, stderr) = interrupted_run(libc::SIGTERM);
    assert_eq!(code, Some(105), "{stdout}\n{stderr}");
    assert!(stdout.contains("█ TOTAL RESULTS"), "{stdout}");
}
