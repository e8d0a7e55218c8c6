//! End-to-end behaviour of `rk6` through its binary: exit codes, the text summary,
//! `--summary-export`, log lines, the JS lifecycle, modules and k6/http results,
//! each asserted as k6 v1.1 behaves.
//!
//! Every test starts its own `rk6 target` on a free loopback port, so tests run in
//! parallel. Loads are tiny (a few VUs, a few seconds at most).
//!
//! `RK6_E2E_TOOL=k6 cargo test --test cli -- --include-ignored` runs the same
//! expectations against the real k6: everything except the rk6-only commands must pass
//! there, which is how the expectations were checked. Tests marked
//! `#[ignore = "rk6 bug: …"]` pin a known difference from k6.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// Runs `script` (written as `name` in a temp dir, run from that dir) against a new
/// target with extra CLI `args` placed before the script name.
fn run_script(name: &str, src: &str, args: &[&str]) -> Output {
    let t = Target::start();
    let (dir, _) = script(name, src);
    Run::rk6()
        .target(&t)
        .arg("run")
        .args(args)
        .arg(name)
        .cwd(dir.dir())
        .output()
}

/// The file URL k6 prints for a script path.
fn file_url(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

// ---------------------------------------------------------------------------------
// Summary and exit codes
// ---------------------------------------------------------------------------------

#[test]
fn passing_script_exits_0_and_reports_every_check_succeeded() {
    let out = run_script(
        "pass.js",
        r#"
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 6 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/get`);
  check(r, { 'status is 200': (r) => r.status === 200, 'has body': (r) => r.body.length > 0 });
}
"#,
        &[],
    );
    out.assert_code(0)
        .assert_stdout_has("Grafana   /‾‾/")
        .assert_stdout_line("     execution: local")
        .assert_stdout_line("        script: pass.js")
        .assert_stdout_line("        output: -")
        .assert_stdout_line(
            "     scenarios: (100.00%) 1 scenario, 2 max VUs, 10m30s max duration (incl. graceful stop):",
        )
        .assert_stdout_line(
            "              * default: 6 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)",
        )
        .assert_stdout_line("  █ TOTAL RESULTS ")
        .assert_stdout_line("    checks_succeeded...................: 100.00% 12 out of 12")
        .assert_stdout_line("    checks_failed......................: 0.00%   0 out of 12")
        .assert_stdout_line("    ✓ status is 200")
        .assert_stdout_line("    ✓ has body");
    assert!(!out.stdout.contains("█ THRESHOLDS"), "{}", out.dump());
    let total = out
        .summary_value("checks_total")
        .expect("checks_total line");
    assert!(total.starts_with("12      "), "checks_total {total:?}");
    assert!(out.summary_value("http_reqs").unwrap().starts_with("6 "));
    assert!(out.summary_value("iterations").unwrap().starts_with("6 "));
    assert_eq!(
        out.summary_value("http_req_failed").as_deref(),
        Some("0.00%  0 out of 6")
    );
    // The final progress block comes after the summary.
    let summary_at = out.stdout.find("█ TOTAL RESULTS").unwrap();
    let last_block = out.stdout.rfind("running (").expect("progress block");
    assert!(last_block > summary_at, "{}", out.dump());
    out.assert_stdout_has("default ✓ [ 100% ] 2 VUs  00m00.")
        .assert_stdout_has("/10m0s  6/6 shared iters");
}

#[test]
fn failing_checks_still_exit_0_and_show_pass_fail_breakdown() {
    let out = run_script(
        "failing.js",
        r#"
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 1, iterations: 3 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/status/500`);
  check(r, {
    'is 200': (r) => r.status === 200,
    'is 500': (r) => r.status === 500,
    'first two': () => __ITER < 2,
  });
}
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stdout_line("    checks_succeeded...................: 55.55% 5 out of 9")
        .assert_stdout_line("    checks_failed......................: 44.44% 4 out of 9")
        .assert_stdout_line("    ✗ is 200")
        .assert_stdout_line("      ↳  0% — ✓ 0 / ✗ 3")
        .assert_stdout_line("    ✓ is 500")
        .assert_stdout_line("    ✗ first two")
        .assert_stdout_line("      ↳  66% — ✓ 2 / ✗ 1");
    assert_eq!(
        out.summary_value("http_req_failed").as_deref(),
        Some("100.00% 3 out of 3")
    );
    // Checks are listed in first-seen order.
    let a = out.stdout.find("✗ is 200").unwrap();
    let b = out.stdout.find("✓ is 500").unwrap();
    let c = out.stdout.find("✗ first two").unwrap();
    assert!(a < b && b < c, "{}", out.dump());
}

#[test]
fn crossed_threshold_exits_99_and_is_marked_in_thresholds_block() {
    let out = run_script(
        "thr.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 2, thresholds: { http_req_duration: ['p(95)<0.001'], http_reqs: ['count==2'] } };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
"#,
        &["-q"],
    );
    out.assert_code(99)
        .assert_stderr_has(
            r#"level=error msg="thresholds on metrics 'http_req_duration' have been crossed""#,
        )
        .assert_stdout_line("  █ THRESHOLDS ")
        .assert_stdout_line("    http_req_duration")
        .assert_stdout_line("    http_reqs")
        .assert_stdout_line("    ✓ 'count==2' count=2");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("    ✗ 'p(95)<0.001' p(95)=")),
        "{}",
        out.dump()
    );
    let th = out.stdout.find("█ THRESHOLDS").unwrap();
    let total = out.stdout.find("█ TOTAL RESULTS").unwrap();
    assert!(th < total, "THRESHOLDS comes before TOTAL RESULTS");
}

#[test]
fn no_thresholds_flag_skips_evaluation_and_exits_0() {
    let out = run_script(
        "thr.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1, thresholds: { http_req_duration: ['p(95)<0.001'] } };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
"#,
        &["-q", "--no-thresholds"],
    );
    out.assert_code(0).assert_stdout_line("  █ TOTAL RESULTS ");
    assert!(!out.stderr.contains("have been crossed"), "{}", out.dump());
}

#[test]
fn abort_on_fail_stops_a_30s_test_within_seconds_and_exits_99() {
    let out = run_script(
        "abort.js",
        r#"
import http from 'k6/http';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const oops = new Counter('oops');
export const options = {
  vus: 2,
  duration: '30s',
  thresholds: { oops: [{ threshold: 'count<5', abortOnFail: true }] },
};
export default function () {
  http.get(`${__ENV.BASE_URL}/get`);
  oops.add(1);
  sleep(0.05);
}
"#,
        &["-q"],
    );
    out.assert_code(99).assert_stderr_has(
        "thresholds on metrics 'oops' were crossed; at least one has abortOnFail enabled, stopping test prematurely",
    );
    assert!(
        out.elapsed < Duration::from_secs(12),
        "abortOnFail took {:?}\n{}",
        out.elapsed,
        out.dump()
    );
    assert!(out
        .stdout
        .lines()
        .any(|l| l.starts_with("    ✗ 'count<5' count=")));
}

#[test]
fn threshold_with_aggregation_wrong_for_metric_type_exits_104() {
    let out = run_script(
        "bad.js",
        r#"
export const options = { iterations: 1, thresholds: { http_req_duration: ['rate<1'] } };
export default function () { console.log('should not run'); }
"#,
        &["-q"],
    );
    out.assert_code(104);
    let msgs: Vec<String> = out.log_lines().into_iter().map(|l| l.msg).collect();
    assert!(
        msgs.iter().any(|m| m == "invalid threshold \"rate<1\" applied on metric http_req_duration; reason: unsupported aggregation method rate on metric of type trend. supported aggregation methods for this metric are: avg, min, max, med, p"),
        "{}",
        out.dump()
    );
    assert!(!out.stderr.contains("should not run"));
    assert!(!out.stdout.contains("TOTAL RESULTS"));
}

#[test]
fn threshold_on_unknown_metric_exits_104() {
    let out = run_script(
        "unknown.js",
        r#"
export const options = { iterations: 1, thresholds: { nonexistent_metric: ['count<1'] } };
export default function () {}
"#,
        &["-q"],
    );
    out.assert_code(104);
    assert!(
        out.log_lines().iter().any(|l| l.level == "error"
            && l.msg == "invalid threshold defined on nonexistent_metric; reason: no metric name \"nonexistent_metric\" found"),
        "{}",
        out.dump()
    );
}

#[test]
fn threshold_key_with_unmatched_brace_exits_104() {
    let out = run_script(
        "brace.js",
        r#"
export const options = { iterations: 1, thresholds: { 'http_req_duration{': ['p(95)<5'] } };
export default function () {}
"#,
        &["-q"],
    );
    out.assert_code(104).assert_stderr_has(
        r#"parsing metric name failed, metric \"http_req_duration{\" has unmatched opening/close curly brace"#,
    );
}

#[test]
fn thresholds_and_checks_on_submetrics_follow_tags() {
    let t = Target::start();
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q"])
        .arg(suite_script("tags_submetrics.js"))
        .output();
    out.assert_code(0);
    assert!(
        !out.stdout.contains("✗ '"),
        "every submetric threshold holds under k6:\n{}",
        out.dump()
    );
    out.assert_stdout_line("    http_reqs{url:home}")
        .assert_stdout_line("    http_reqs{group:::g1::g2}");
}

#[test]
fn syntax_error_exits_107_and_names_file_line_and_column() {
    let (dir, path) = script(
        "x.js",
        "export default function () {\n  let x = 1;\n  let y = ;\n}\n",
    );
    let t = Target::start();
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "x.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(107)
        .assert_stderr_has(r#"hint="script exception""#);
    let url = file_url(&path);
    // rk6 renders `…/x.js:3:11`, k6 (goja) renders `…/x.js: Line 3:11`.
    assert!(
        out.stderr.contains(&format!("{url}:3:11"))
            || out.stderr.contains(&format!("{url}: Line 3:11")),
        "error must name {url} line 3 column 11\n{}",
        out.dump()
    );
}

#[test]
fn exception_in_init_code_exits_107_with_stack_trace() {
    let (dir, path) = script(
        "init.js",
        "function boom() {\n  throw new Error('init boom');\n}\nboom();\nexport default function () {}\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "init.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(107);
    let url = file_url(&path);
    let line = out
        .log_lines()
        .into_iter()
        .find(|l| l.msg.starts_with("Error: init boom"))
        .unwrap_or_else(|| panic!("no init error line\n{}", out.dump()));
    assert_eq!(line.level, "error");
    assert!(
        line.raw.ends_with(r#"hint="script exception""#),
        "{}",
        line.raw
    );
    assert!(
        line.msg.contains(&format!("\n\tat boom ({url}:2:9")),
        "{}",
        line.msg
    );
    assert!(
        line.msg.contains(&format!("\n\tat {url}:4:5")),
        "{}",
        line.msg
    );
}

#[test]
fn exception_in_iteration_is_logged_with_stack_and_exit_stays_0() {
    let (dir, path) = script(
        "iter.js",
        "export const options = { iterations: 2 };\nexport default function () {\n  throw new Error('iter boom');\n}\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "iter.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let url = file_url(&path);
    let errors: Vec<_> = out
        .log_lines()
        .into_iter()
        .filter(|l| l.msg.starts_with("Error: iter boom"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", out.dump());
    for e in &errors {
        assert_eq!(e.level, "error");
        assert!(
            e.msg.contains(&format!("\n\tat default ({url}:3:9")),
            "{}",
            e.msg
        );
        assert!(
            e.raw
                .ends_with("executor=shared-iterations scenario=default source=stacktrace"),
            "{}",
            e.raw
        );
    }
    // An iteration that throws still counts as an iteration.
    assert!(out.summary_value("iterations").unwrap().starts_with("2 "));
}

#[test]
fn fail_in_iteration_throws_go_error_and_exit_stays_0() {
    let out = run_script(
        "fail.js",
        r#"
import { fail } from 'k6';
export default function () {
  try { fail('caught'); } catch (e) { console.log(`${e.name}|${e.message}|${String(e)}`); }
  fail('boom msg');
}
"#,
        &["-q"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["GoError|caught|GoError: caught".to_string()]
    );
    assert!(out
        .log_lines()
        .iter()
        .any(|l| l.msg.starts_with("GoError: boom msg") && l.raw.ends_with("source=stacktrace")));
}

#[test]
fn exception_in_setup_exits_107_and_default_never_runs() {
    let (dir, path) = script(
        "setup.js",
        "export function setup() { throw new Error('setup boom'); }\nexport default function () { console.log('default ran'); }\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "setup.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(107);
    let url = file_url(&path);
    let line = out
        .log_lines()
        .into_iter()
        .find(|l| l.msg.starts_with("Error: setup boom"))
        .unwrap_or_else(|| panic!("{}", out.dump()));
    assert!(
        line.msg.contains(&format!("\n\tat setup ({url}:1:33")),
        "{}",
        line.msg
    );
    assert!(line.raw.ends_with(r#"hint="script exception""#));
    assert!(!out.stderr.contains("default ran"), "{}", out.dump());
}

#[test]
fn missing_script_exits_255() {
    let dir = Scripts::new();
    let out = Run::rk6()
        .args(["run", "missing.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(255).assert_stderr_has(
        r#"The moduleSpecifier \"missing.js\" couldn't be found on local disk. Make sure that you've specified the right path to the file."#,
    );
}

#[test]
fn unknown_flag_exits_255() {
    let (dir, _) = script("ok.js", "export default function () {}\n");
    let out = Run::rk6()
        .args(["run", "--bogus-flag", "ok.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(255).assert_stderr_has("--bogus-flag");
}

#[test]
#[ignore = "rk6 bug: unknown flag is reported in clap's format instead of k6's `level=error msg=\"unknown flag: --bogus-flag\"`"]
fn unknown_flag_is_reported_like_k6() {
    let (dir, _) = script("ok.js", "export default function () {}\n");
    let out = Run::rk6()
        .args(["run", "--bogus-flag", "ok.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(255);
    assert!(
        out.log_lines()
            .iter()
            .any(|l| l.level == "error" && l.msg == "unknown flag: --bogus-flag"),
        "{}",
        out.dump()
    );
}

#[test]
fn quiet_flag_hides_banner_and_progress_but_keeps_summary() {
    let out = run_script(
        "q.js",
        "export const options = { iterations: 1 };\nexport default function () {}\n",
        &["-q"],
    );
    out.assert_code(0).assert_stdout_line("  █ TOTAL RESULTS ");
    assert!(!out.stdout.contains("execution: local"), "{}", out.dump());
    assert!(!out.stdout.contains("running ("), "{}", out.dump());
    assert!(
        !out.stdout.contains('\u{1b}'),
        "NO_COLOR output has no ANSI codes"
    );
}

// ---------------------------------------------------------------------------------
// --no-summary, --summary-export, handleSummary
// ---------------------------------------------------------------------------------

#[test]
fn no_summary_prints_no_summary_and_skips_export_and_handle_summary() {
    let t = Target::start();
    let (dir, _) = script(
        "ns.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
export function handleSummary() { return { stdout: 'HANDLE SUMMARY RAN\n' }; }
"#,
    );
    let export = dir.path("export.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "--no-summary", "--summary-export"])
        .arg(&export)
        .arg("ns.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert!(!out.stdout.contains("TOTAL RESULTS"), "{}", out.dump());
    assert!(!out.stdout.contains("HANDLE SUMMARY RAN"), "{}", out.dump());
    assert!(
        !export.exists(),
        "--no-summary must not write --summary-export"
    );
}

const EXPORT_SCRIPT: &str = r#"
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ['rate>0.4'],
    my_counter: ['count>10'],
    http_req_duration: ['p(95)<60000'],
  },
};
export default function () {
  group('grp', () => {
    const r = http.get(`${__ENV.BASE_URL}/get`);
    check(r, { ok: (x) => x.status === 200 });
  });
  check(null, { 'top level fails': () => false });
  c.add(1);
}
"#;

#[test]
fn summary_export_writes_k6_legacy_json() {
    let t = Target::start();
    let (dir, _) = script("export.js", EXPORT_SCRIPT);
    let path = dir.path("summary.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("export.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(99);
    let ex = Export::read(&path);
    assert!(
        ex.raw.starts_with("{\n    \""),
        "4-space indented JSON:\n{}",
        ex.raw
    );
    // Rate: `rate` is renamed to `value`.
    assert_eq!(ex.num("checks", "value"), 0.5);
    assert_eq!(ex.num("checks", "passes"), 2.0);
    assert_eq!(ex.num("checks", "fails"), 2.0);
    assert!(ex.metric("checks").get("rate").is_none());
    // Thresholds map to `true` when they FAILED.
    assert_eq!(
        ex.metric("checks")["thresholds"],
        json!({"rate>0.4": false})
    );
    assert_eq!(
        ex.metric("my_counter")["thresholds"],
        json!({"count>10": true})
    );
    assert_eq!(
        ex.metric("http_req_duration")["thresholds"],
        json!({"p(95)<60000": false})
    );
    assert_eq!(ex.num("my_counter", "count"), 2.0);
    assert_eq!(ex.num("http_reqs", "count"), 2.0);
    assert_eq!(ex.num("iterations", "count"), 2.0);
    assert!(ex.num("http_reqs", "rate") > 0.0);
    let trend = ex.metric("http_req_duration").as_object().unwrap();
    for stat in ["avg", "min", "med", "max", "p(90)", "p(95)"] {
        assert!(trend.contains_key(stat), "trend stat {stat} missing");
    }
    for name in [
        "http_req_blocked",
        "http_req_connecting",
        "http_req_tls_handshaking",
        "http_req_sending",
        "http_req_waiting",
        "http_req_receiving",
        "http_req_duration{expected_response:true}",
        "http_req_failed",
        "group_duration",
        "iteration_duration",
        "data_sent",
        "data_received",
    ] {
        assert!(
            ex.metrics().contains_key(name),
            "{name} missing from export"
        );
    }
    // Groups and checks become objects keyed by name.
    let root = &ex.json["root_group"];
    assert_eq!(root["id"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(root["path"], "");
    let grp = &root["groups"]["grp"];
    assert_eq!(grp["path"], "::grp");
    assert_eq!(grp["checks"]["ok"]["path"], "::grp::ok");
    assert_eq!(grp["checks"]["ok"]["passes"].as_f64(), Some(2.0));
    assert_eq!(
        root["checks"]["top level fails"]["fails"].as_f64(),
        Some(2.0)
    );
    assert!(ex.json.get("options").is_none() && ex.json.get("state").is_none());
}

#[test]
fn summary_export_writes_whole_numbers_without_fraction() {
    let t = Target::start();
    let (dir, _) = script("export.js", EXPORT_SCRIPT);
    let path = dir.path("summary.json");
    Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("export.js")
        .cwd(dir.dir())
        .output();
    let raw = std::fs::read_to_string(&path).unwrap();
    assert!(
        raw.contains("\"count\": 2,") || raw.contains("\"count\": 2\n"),
        "{raw}"
    );
    let bad: Vec<&str> = raw
        .lines()
        .filter(|l| {
            let v = l.trim_end().trim_end_matches(',');
            v.ends_with(".0") && v.contains(": ")
        })
        .collect();
    assert!(bad.is_empty(), "values printed with a .0 fraction: {bad:?}");
}

#[test]
fn handle_summary_outputs_replace_the_default_summary() {
    let t = Target::start();
    let (dir, _) = script(
        "hs.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
export function handleSummary(data) {
  return {
    stdout: 'custom summary: ' + data.metrics.http_reqs.values.count + '\n',
    stderr: 'to stderr\n',
    'report.json': JSON.stringify({ reqs: data.metrics.http_reqs.values.count }),
    'raw.bin': new Uint8Array([1, 2, 255]).buffer,
  };
}
"#,
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "hs.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(out.stdout, "custom summary: 1\n");
    out.assert_stderr_has("to stderr\n");
    let report = std::fs::read_to_string(dir.path("report.json")).expect("report.json written");
    assert_eq!(report, r#"{"reqs":1}"#);
    assert_eq!(
        std::fs::read(dir.path("raw.bin")).unwrap(),
        vec![1u8, 2, 255]
    );
}

#[test]
fn handle_summary_returning_empty_object_prints_nothing() {
    let out = run_script(
        "hs.js",
        "export const options = { iterations: 1 };\nexport default function () {}\nexport function handleSummary() { return {}; }\n",
        &["-q"],
    );
    out.assert_code(0);
    assert_eq!(out.stdout, "");
}

#[test]
fn handle_summary_exception_is_logged_exit_stays_0_and_default_summary_prints() {
    let (dir, path) = script(
        "hs.js",
        "export const options = { iterations: 1 };\nexport default function () {}\nexport function handleSummary() {\n  throw new Error('hs boom');\n}\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "hs.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0).assert_stdout_line("  █ TOTAL RESULTS ");
    let url = file_url(&path);
    assert!(out.log_lines().iter().any(|l| l.level == "error"
        && l.msg.starts_with("Error: hs boom\n\tat handleSummary (")
        && l.msg.contains(&format!("{url}:4:9"))
        && l.raw.ends_with(r#"hint="script exception""#)));
}

#[test]
fn handle_summary_returning_non_object_is_reported_like_k6() {
    let out = run_script(
        "hs.js",
        "export const options = { iterations: 1 };\nexport default function () {}\nexport function handleSummary() { return 5; }\n",
        &["-q"],
    );
    out.assert_code(0);
    assert_eq!(out.stdout, "", "k6 prints no summary");
    assert!(
        out.log_lines().iter().any(|l| l.level == "error"
            && l.msg == "failed to handle the end-of-test summary"
            && l.raw
                .ends_with(r#"error="handleSummary() should return a map with string keys""#)),
        "{}",
        out.dump()
    );
}

#[test]
fn handle_summary_data_has_nested_group_tree_and_options() {
    let out = run_script(
        "groups.js",
        r#"
import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () {
  group('a', () => {
    group('b', () => { check(1, { deep: () => true }); });
    check(1, { 'in a': () => false });
  });
}
export function handleSummary(data) {
  const a = data.root_group.groups[0];
  const b = a.groups[0];
  return { stdout: JSON.stringify({
    root: [data.root_group.name, data.root_group.path, data.root_group.id],
    a: [a.name, a.path, a.id, a.checks.map((c) => [c.name, c.path, c.passes, c.fails])],
    b: [b.name, b.path, b.id, b.checks.map((c) => [c.name, c.path, c.id, c.passes, c.fails])],
    group_duration: data.metrics.group_duration.type + '/' + data.metrics.group_duration.contains,
    checks: data.metrics.checks.values,
    options: data.options,
    state: Object.keys(data.state).sort(),
  }) };
}
"#,
        &["-q"],
    );
    out.assert_code(0);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.dump()));
    assert_eq!(
        v["root"],
        json!(["", "", "d41d8cd98f00b204e9800998ecf8427e"])
    );
    assert_eq!(
        v["a"],
        json!([
            "a",
            "::a",
            "bbf5ee9e65399b518cbae210b4c64962",
            [["in a", "::a::in a", 0, 1]]
        ])
    );
    assert_eq!(
        v["b"],
        json!([
            "b",
            "::a::b",
            "7dd4103b2f1a7305f971d430101027b7",
            [[
                "deep",
                "::a::b::deep",
                "54a6ce2ce7c17a6111ea799d4f86c674",
                1,
                0
            ]]
        ])
    );
    assert_eq!(v["group_duration"], "trend/time");
    assert_eq!(v["checks"], json!({"rate": 0.5, "passes": 1, "fails": 1}));
    assert_eq!(
        v["options"],
        json!({"summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)"], "summaryTimeUnit": "", "noColor": true})
    );
    assert_eq!(
        v["state"],
        json!(["isStdErrTTY", "isStdOutTTY", "testRunDurationMs"])
    );
}

#[test]
fn summary_trend_stats_and_time_unit_flags_shape_trend_lines() {
    let out = run_script(
        "ts.js",
        r#"
import { Trend } from 'k6/metrics';
const lat = new Trend('lat', true);
const plain = new Trend('plain');
export const options = { iterations: 1 };
export default function () { [1, 2, 3, 4, 1500].forEach((v) => { lat.add(v); plain.add(v); }); }
"#,
        &[
            "-q",
            "--summary-trend-stats",
            "avg,p(99),count,p(99.9)",
            "--summary-time-unit",
            "us",
        ],
    );
    out.assert_code(0)
        .assert_stdout_line("    CUSTOM")
        .assert_stdout_line("    lat....................................: avg=302000.00µs p(99)=1440160.00µs count=5 p(99.9)=1494016.00µs")
        .assert_stdout_line("    plain..................................: avg=302         p(99)=1440.16      count=5 p(99.9)=1494.016    ");
}

#[test]
fn summary_formats_durations_numbers_and_rates_like_k6() {
    let out = Run::rk6()
        .args(["run", "-q"])
        .arg(suite_script("summary_formatting.js"))
        .output();
    out.assert_code(0);
    // Values as k6 v1.1 prints them; compared token by token (column padding aside).
    let expected: &[(&str, &str)] = &[
        ("t_a_ns", "avg=750ns min=500ns med=750ns max=1µs p(90)=950ns p(95)=975ns"),
        ("t_b_us", "avg=375µs min=250µs med=375µs max=500µs p(90)=475µs p(95)=487.5µs"),
        ("t_c_ms", "avg=18.51ms min=12.34ms med=18.51ms max=24.69ms p(90)=23.45ms p(95)=24.07ms"),
        ("t_d_s", "avg=2.25s min=1.5s med=2.25s max=3s p(90)=2.85s p(95)=2.92s"),
        ("t_e_min", "avg=2m15s min=1m30s med=2m15s max=3m0s p(90)=2m51s p(95)=2m55s"),
        ("t_f_h", "avg=1h33m7s min=1h2m5s med=1h33m7s max=2h4m10s p(90)=1h57m57s p(95)=2h1m3s"),
        ("t_g_zero", "avg=0s min=0s med=0s max=0s p(90)=0s p(95)=0s"),
        ("t_h_sub", "avg=1.49ms min=999.99µs med=1.49ms max=1.99ms p(90)=1.89ms p(95)=1.94ms"),
        ("u_plain", "avg=617283.945501 min=0.000001 med=617283.945501 max=1234567.891 p(90)=1111111.1019 p(95)=1172839.49645"),
        ("v_gauge", "123456789.123457 min=123456789.123457 max=123456789.123457"),
        ("v_neg", "-2 min=-5 max=0"),
        ("w_rate", "66.66% 2 out of 3"),
    ];
    for (name, want) in expected {
        let got = out
            .summary_value(name)
            .unwrap_or_else(|| panic!("no {name} line\n{}", out.dump()));
        let got: Vec<&str> = got.split_whitespace().collect();
        let want: Vec<&str> = want.split_whitespace().collect();
        assert_eq!(got, want, "{name}");
    }
    let counter = out.summary_value("x_counter").unwrap();
    assert!(counter.starts_with("1000000.5 "), "{counter}");
    // Every line of the CUSTOM block shares one dotted name column.
    let dots: BTreeSet<usize> = out
        .stdout
        .lines()
        .filter(|l| l.contains("...: "))
        .map(|l| l.find(": ").unwrap())
        .collect();
    assert_eq!(dots.len(), 1, "{}", out.stdout);
}

// ---------------------------------------------------------------------------------
// Lifecycle, environment, console
// ---------------------------------------------------------------------------------

#[test]
fn setup_data_reaches_default_and_teardown_as_json_copies() {
    let out = run_script(
        "sd.js",
        r#"
export const options = { iterations: 2 };
export function setup() { return { a: [1, 2], s: 'str', nested: { x: null, n: 1.5 } }; }
export default function (data) {
  console.log('default ' + JSON.stringify(data));
  data.s = 'changed in default';
}
export function teardown(data) { console.log('teardown ' + JSON.stringify(data)); }
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let expected = json!({"a": [1, 2], "s": "str", "nested": {"x": null, "n": 1.5}});
    let msgs = out.console_messages();
    let defaults: Vec<Value> = msgs
        .iter()
        .filter_map(|m| m.strip_prefix("default "))
        .map(|j| serde_json::from_str(j).unwrap())
        .collect();
    assert_eq!(defaults.len(), 2, "{}", out.dump());
    // The first iteration of the VU sees exactly what setup returned.
    assert_eq!(defaults[0], expected);
    let teardown: Vec<Value> = msgs
        .iter()
        .filter_map(|m| m.strip_prefix("teardown "))
        .map(|j| serde_json::from_str(j).unwrap())
        .collect();
    assert_eq!(teardown, vec![expected], "teardown gets its own copy");
}

#[test]
fn setup_data_mutations_persist_across_iterations_of_one_vu() {
    let out = run_script(
        "mut.js",
        r#"
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };
export function setup() { return { token: 'orig' }; }
export default function (data) {
  console.log(`VU${__VU} it${__ITER} token=${data.token}`);
  data.token = `set-by-${__VU}-${__ITER}`;
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let msgs: BTreeSet<String> = out.console_messages().into_iter().collect();
    let expected: BTreeSet<String> = [
        "VU1 it0 token=orig",
        "VU1 it1 token=set-by-1-0",
        "VU2 it0 token=orig",
        "VU2 it1 token=set-by-2-0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(msgs, expected);
}

#[test]
fn env_flag_sets_env_and_system_env_is_included_by_default() {
    let t = Target::start();
    let (dir, _) = script(
        "env.js",
        "export default function () { console.log(`foo=${__ENV.FOO} sys=${__ENV.RK6_E2E_SYS} over=${__ENV.RK6_E2E_OVER} eq=${__ENV.WITH_EQ}`); }\n",
    );
    let run = |extra: &[&str]| {
        Run::rk6()
            .target(&t)
            .env("RK6_E2E_SYS", "sysval")
            .env("RK6_E2E_OVER", "from-system")
            .args([
                "run",
                "-q",
                "--no-summary",
                "-e",
                "FOO=bar",
                "-e",
                "RK6_E2E_OVER=from-flag",
                "-e",
                "WITH_EQ=a=b",
            ])
            .args(extra)
            .arg("env.js")
            .cwd(dir.dir())
            .output()
    };
    let out = run(&[]);
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["foo=bar sys=sysval over=from-flag eq=a=b".to_string()]
    );
    let out = run(&["--include-system-env-vars=false"]);
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["foo=bar sys=undefined over=from-flag eq=a=b".to_string()]
    );
}

#[test]
fn vu_and_iter_globals_number_vus_from_1_and_iterations_per_vu() {
    let out = run_script(
        "vu.js",
        r#"
console.log(`init vu=${__VU} iter=${typeof __ITER}`);
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };
export default function () { console.log(`vu=${__VU} iter=${__ITER}`); }
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let msgs = out.console_messages();
    let got: BTreeSet<&str> = msgs
        .iter()
        .filter(|m| m.starts_with("vu="))
        .map(String::as_str)
        .collect();
    let want: BTreeSet<&str> = [
        "vu=1 iter=0",
        "vu=1 iter=1",
        "vu=2 iter=0",
        "vu=2 iter=1",
        "vu=3 iter=0",
        "vu=3 iter=1",
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    assert_eq!(msgs.iter().filter(|m| m.starts_with("vu=")).count(), 6);
    let inits: BTreeSet<&str> = msgs
        .iter()
        .filter(|m| m.starts_with("init"))
        .map(String::as_str)
        .collect();
    let want_inits: BTreeSet<&str> = [
        "init vu=0 iter=undefined",
        "init vu=1 iter=undefined",
        "init vu=2 iter=undefined",
        "init vu=3 iter=undefined",
    ]
    .into_iter()
    .collect();
    assert_eq!(inits, want_inits);
}

#[test]
fn init_code_runs_once_per_vu_plus_options_setup_teardown_and_summary() {
    let out = run_script(
        "ic.js",
        r#"
console.log(`init ${__VU}`);
export const options = { vus: 2, iterations: 2 };
export function setup() {}
export function teardown() {}
export default function () {}
"#,
        &["-q"],
    );
    out.assert_code(0);
    let n = out
        .console_messages()
        .iter()
        .filter(|m| m.starts_with("init"))
        .count();
    assert_eq!(n, 6, "{}", out.dump());
}

#[test]
fn console_methods_log_logrus_lines_on_stderr() {
    let out = run_script(
        "console.js",
        r#"
export default function () {
  console.log('multi', 1, { a: 1 }, [1, 'x'], null, undefined, true);
  console.log('plain');
  console.log('quote"inside');
  console.log(new Error('x'));
  console.log(1.5, -0, NaN, Infinity);
  console.warn('w');
  console.error('e');
  console.info('i');
  console.debug('debug is hidden without -v');
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let bodies: Vec<&str> = lines
        .iter()
        .map(|l| {
            assert!(l.starts_with("time=\""), "{l}");
            let ts = &l[6..l[6..].find('"').unwrap() + 6];
            // RFC 3339 in UTC with second precision, e.g. 2026-11-23T04:49:21Z
            assert_eq!(ts.len(), 20, "{ts}");
            assert!(ts.ends_with('Z') && &ts[10..11] == "T", "{ts}");
            &l[6 + ts.len() + 2..]
        })
        .collect();
    assert_eq!(
        bodies,
        vec![
            r#"level=info msg="multi 1 {\"a\":1} [1,\"x\"] null undefined true" source=console"#,
            "level=info msg=plain source=console",
            r#"level=info msg="quote\"inside" source=console"#,
            r#"level=info msg="{}" source=console"#,
            r#"level=info msg="1.5 0 NaN Infinity" source=console"#,
            "level=warning msg=w source=console",
            "level=error msg=e source=console",
            "level=info msg=i source=console",
        ]
    );
}

#[test]
fn console_log_of_empty_string_omits_msg_field() {
    let out = run_script(
        "empty.js",
        "export default function () { console.log(''); }\n",
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert!(
        out.stderr.trim_end().ends_with("level=info source=console"),
        "{}",
        out.dump()
    );
}

// ---------------------------------------------------------------------------------
// Modules and files
// ---------------------------------------------------------------------------------

#[test]
fn open_reads_relative_to_the_script_and_binary_mode_returns_arraybuffer() {
    let s = Scripts::new();
    s.write("proj/data/f.txt", "hello file\n");
    s.write("proj/data/b.bin", [0u8, 1, 2, 255]);
    s.write(
        "proj/main.js",
        r#"
const txt = open('./data/f.txt');
const bin = open('data/b.bin', 'b');
export default function () {
  const u = new Uint8Array(bin);
  console.log(`${JSON.stringify(txt)} ${bin instanceof ArrayBuffer} ${bin.byteLength} ${u[0]},${u[3]}`);
}
"#,
    );
    // Run from the parent directory: paths resolve against the script, not the cwd.
    let out = Run::rk6()
        .args(["run", "-q", "--no-summary", "proj/main.js"])
        .cwd(s.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![r#""hello file\n" true 4 0,255"#.to_string()]
    );
}

#[test]
fn open_outside_init_context_throws_in_the_iteration() {
    let out = run_script(
        "open.js",
        "export default function () { open('x.txt'); }\n",
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert!(out.log_lines().iter().any(|l| l.msg.contains(
        "the \"open\" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/ for more information"
    ) && l.raw.ends_with("source=stacktrace")), "{}", out.dump());
}

#[test]
fn relative_es_module_imports_resolve_from_the_importing_module() {
    let s = Scripts::new();
    s.write(
        "lib/mod.js",
        "import { helper2 } from './sub/two.js';\nexport function helper(x) { return 'helper:' + helper2(x); }\nexport default 42;\n",
    );
    s.write(
        "lib/sub/two.js",
        "export const helper2 = (x) => 'h2(' + x + ')';\n",
    );
    s.write(
        "main.js",
        "import dflt, { helper } from './lib/mod.js';\nimport * as two from './lib/sub/two.js';\nexport default function () { console.log(`${helper('q')} ${dflt} ${typeof two.helper2}`); }\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "--no-summary", "main.js"])
        .cwd(s.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["helper:h2(q) 42 function".to_string()]
    );
}

#[test]
fn commonjs_require_and_module_exports_default_work() {
    let t = Target::start();
    let s = Scripts::new();
    s.write(
        "lib/cjs_helper.js",
        "module.exports.twice = function (x) { return x * 2; };\n",
    );
    s.write(
        "cjs.js",
        r#"
const http = require('k6/http');
const k6 = require('k6');
const helper = require('./lib/cjs_helper.js');
module.exports.options = { iterations: 2 };
module.exports.default = function () {
  const r = http.get(`${__ENV.BASE_URL}/get`);
  k6.check(r, { 'cjs ok': (x) => x.status === 200, helper: () => helper.twice(21) === 42 });
};
"#,
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "cjs.js"])
        .cwd(s.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_line("    checks_succeeded...................: 100.00% 4 out of 4")
        .assert_stdout_line("    ✓ cjs ok")
        .assert_stdout_line("    ✓ helper");
}

// ---------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------

#[test]
fn custom_metric_values_reach_summary_export() {
    let (dir, _) = script(
        "custom.js",
        r#"
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('my_counter');
const g = new Gauge('my_gauge');
const r = new Rate('my_rate');
const t = new Trend('my_trend');
const tt = new Trend('my_time', true);
export const options = { iterations: 1 };
export default function () {
  c.add(1); c.add(1); c.add(1);
  g.add(5); g.add(1); g.add(3);
  r.add(true); r.add(false); r.add(1); r.add(7);
  [10, 20, 30, 40].forEach((v) => t.add(v));
  tt.add(250, { tagged: 'yes' });
}
"#,
    );
    let path = dir.path("out.json");
    let out = Run::rk6()
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("custom.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let ex = Export::read(&path);
    assert_eq!(ex.num("my_counter", "count"), 3.0);
    assert_eq!(ex.num("my_gauge", "value"), 3.0);
    assert_eq!(ex.num("my_gauge", "min"), 1.0);
    assert_eq!(ex.num("my_gauge", "max"), 5.0);
    assert_eq!(ex.num("my_rate", "passes"), 3.0);
    assert_eq!(ex.num("my_rate", "fails"), 1.0);
    assert_eq!(ex.num("my_rate", "value"), 0.75);
    assert_eq!(ex.num("my_trend", "avg"), 25.0);
    assert_eq!(ex.num("my_trend", "min"), 10.0);
    assert_eq!(ex.num("my_trend", "med"), 25.0);
    assert_eq!(ex.num("my_trend", "max"), 40.0);
    assert!((ex.num("my_trend", "p(90)") - 37.0).abs() < 1e-9);
    assert!((ex.num("my_trend", "p(95)") - 38.5).abs() < 1e-9);
    assert_eq!(ex.num("my_time", "max"), 250.0);
    // Text summary: CUSTOM section, time trend formatted as a duration.
    out.assert_stdout_line("    CUSTOM");
    assert_eq!(
        out.summary_value("my_rate").as_deref(),
        Some("75.00% 3 out of 4")
    );
    assert!(out.summary_value("my_gauge").unwrap().starts_with("3 "));
    assert!(out.summary_value("my_gauge").unwrap().contains("min=1"));
    assert!(out
        .summary_value("my_time")
        .unwrap()
        .starts_with("avg=250ms "));
    assert!(out
        .summary_value("my_trend")
        .unwrap()
        .starts_with("avg=25 "));
}

#[test]
fn invalid_metric_values_warn_and_add_returns_false() {
    let out = run_script(
        "add.js",
        r#"
import { Counter } from 'k6/metrics';
const c = new Counter('pc');
export default function () {
  console.log(JSON.stringify([c.add(1), c.add('x'), c.add(true), c.add(NaN)]) + ' ' + c.name);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["[true,false,true,false] pc".to_string()]
    );
    out.assert_stderr_has(r#"level=warning msg="'x' is an invalid value for metric 'pc', a number or a boolean value is expected""#)
        .assert_stderr_has(r#"level=warning msg="'NaN' is an invalid value for metric 'pc', a number or a boolean value is expected""#);
}

#[test]
fn init_context_restrictions_and_metric_validation_exit_107() {
    let cases = [
        (
            "import { check } from 'k6'; check(1, { a: () => true });",
            "Using check() in the init context is not supported",
        ),
        (
            "import { Counter } from 'k6/metrics'; new Counter('a-b');",
            "Invalid metric name: 'a-b'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.",
        ),
        (
            "import { Counter } from 'k6/metrics'; const c = new Counter('cc'); c.add(1);",
            "Adding to metrics in the init context is not supported",
        ),
        (
            "import { Counter, Trend } from 'k6/metrics'; new Counter('dup'); new Trend('dup');",
            "metric 'dup' already exists but with type counter, instead of trend",
        ),
    ];
    for (src, msg) in cases {
        let out = run_script(
            "ic.js",
            &format!("{src}\nexport default function () {{}}\n"),
            &["-q", "--no-summary"],
        );
        out.assert_code(107);
        assert!(
            out.log_lines()
                .iter()
                .any(|l| l.msg.contains(msg) && l.raw.ends_with(r#"hint="script exception""#)),
            "{src}: expected {msg:?}\n{}",
            out.dump()
        );
    }
}

#[test]
fn init_context_http_and_group_errors_use_k6_wording() {
    let cases = [
        (
            "import http from 'k6/http'; http.get('http://127.0.0.1:1/');",
            "Making http requests in the init context is not supported",
        ),
        (
            "import { group } from 'k6'; group('g', () => {});",
            "Using group() in the init context is not supported",
        ),
    ];
    for (src, msg) in cases {
        let out = run_script(
            "ic.js",
            &format!("{src}\nexport default function () {{}}\n"),
            &["-q", "--no-summary"],
        );
        out.assert_code(107);
        assert!(
            out.log_lines().iter().any(|l| l.msg.contains(msg)),
            "{src}: expected {msg:?}\n{}",
            out.dump()
        );
    }
}

#[test]
fn unknown_module_and_missing_import_exit_107() {
    let out = run_script(
        "m.js",
        "import x from 'k6/nonexistent';\nexport default function () {}\n",
        &["-q"],
    );
    out.assert_code(107)
        .assert_stderr_has("unknown module: k6/nonexistent");
    let out = run_script(
        "m.js",
        "import nope from './nope.js';\nexport default function () {}\n",
        &["-q"],
    );
    out.assert_code(107)
        .assert_stderr_has("couldn't be found on local disk");
}

#[test]
fn missing_import_names_the_specifier_as_written() {
    let out = run_script(
        "m.js",
        "import nope from './nope.js';\nexport default function () {}\n",
        &["-q"],
    );
    out.assert_code(107)
        .assert_stderr_has(r#"The moduleSpecifier \"./nope.js\" couldn't be found on local disk."#);
}

// ---------------------------------------------------------------------------------
// k6/http results
// ---------------------------------------------------------------------------------

#[test]
fn request_to_closed_port_returns_status_0_and_error_code_1212() {
    let out = run_script(
        "closed.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const r = http.get('http://127.0.0.1:1/nothing');
  console.log(`status=${r.status} code=${r.error_code} body=${r.body} hasError=${r.error.length > 0}`);
}
"#,
        &["-q"],
    );
    out.assert_code(0).assert_stderr_has(
        r#"level=warning msg="Request Failed" error="Get \"http://127.0.0.1:1/nothing\": dial tcp 127.0.0.1:1: connect: connection refused""#,
    );
    assert_eq!(
        out.console_messages(),
        vec!["status=0 code=1212 body=null hasError=true".to_string()]
    );
    assert_eq!(
        out.summary_value("http_req_failed").as_deref(),
        Some("100.00% 1 out of 1")
    );
}

#[test]
fn network_error_text_is_k6_short_form() {
    let out = run_script(
        "err.js",
        r#"
import http from 'k6/http';
export default function () {
  console.log(http.get('http://127.0.0.1:1/').error);
  console.log(http.get(`${__ENV.BASE_URL}/delay/2`, { timeout: '200ms' }).error);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "dial: connection refused".to_string(),
            "request timeout".to_string()
        ]
    );
}

#[test]
fn url_without_scheme_fails_the_request_without_throwing() {
    let out = run_script(
        "noscheme.js",
        r#"
import http from 'k6/http';
export default function () {
  const r = http.get(`${__ENV.NOT_SET}/headers`);
  console.log(`status=${r.status} code=${r.error_code}`);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0)
        .assert_stderr_has(r#"level=warning msg="Request Failed" error="Get \"undefined/headers\": unsupported protocol scheme \"\"""#);
    assert_eq!(
        out.console_messages(),
        vec!["status=0 code=1000".to_string()]
    );
}

#[test]
fn throw_option_raises_go_error_with_the_request_failure() {
    let out = run_script(
        "throw.js",
        r#"
import http from 'k6/http';
export default function () {
  try { http.get('http://127.0.0.1:1/', { throw: true }); } catch (e) { console.log(String(e)); }
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![r#"GoError: Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused"#.to_string()]
    );
}

#[test]
fn threshold_on_empty_rate_submetric_prints_a_percentage() {
    let out = run_script(
        "empty_rate.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1, thresholds: { 'http_req_failed{name:never}': ['rate>=0'] } };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stdout_line("    http_req_failed{name:never}")
        .assert_stdout_line("    ✓ 'rate>=0' rate=0.00%");
}

#[test]
fn http_error_statuses_set_error_code_but_not_error() {
    let out = run_script(
        "codes.js",
        r#"
import http from 'k6/http';
export default function () {
  for (const s of [200, 302, 404, 503]) {
    const r = http.get(`${__ENV.BASE_URL}/status/${s}`, { redirects: 0 });
    console.log(`${r.status} ${r.error_code} ${JSON.stringify(r.error)} ${r.status_text}`);
  }
  const slow = http.get(`${__ENV.BASE_URL}/delay/2`, { timeout: '200ms' });
  console.log(`timeout ${slow.status} ${slow.error_code}`);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            r#"200 0 "" 200 OK"#.to_string(),
            r#"302 0 "" 302 Found"#.to_string(),
            r#"404 1404 "" 404 Not Found"#.to_string(),
            r#"503 1503 "" 503 Service Unavailable"#.to_string(),
            "timeout 0 1050".to_string(),
        ]
    );
    out.assert_stderr_has(r#"level=warning msg="Request Failed" error="Get \"http://"#)
        .assert_stderr_has(r#"/delay/2\": request timeout""#);
}

#[test]
fn each_redirect_hop_is_counted_as_a_request() {
    let (dir, _) = script(
        "redir.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/redirect/3`);
  console.log(`${r.status} ${r.url === __ENV.BASE_URL + '/get'}`);
  const n = http.get(`${__ENV.BASE_URL}/redirect/1`, { redirects: 0 });
  console.log(`${n.status}`);
}
"#,
    );
    let t = Target::start();
    let path = dir.path("out.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("redir.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["200 true".to_string(), "302".to_string()]
    );
    let ex = Export::read(&path);
    assert_eq!(
        ex.num("http_reqs", "count"),
        5.0,
        "4 hops + 1 unfollowed redirect"
    );
    // 3xx hops are expected responses (default 200-399).
    assert_eq!(ex.num("http_req_failed", "passes"), 0.0);
    assert_eq!(ex.num("http_req_failed", "fails"), 5.0);
}

#[test]
#[ignore = "rk6 bug: redirect-limit warning says 'Stopped after 10 redirects' without the url field; k6 says 11 and adds url=\"…\""]
fn redirect_limit_warning_matches_k6() {
    let t = Target::start();
    let (dir, _) = script(
        "r.js",
        "import http from 'k6/http';\nexport default function () { http.get(`${__ENV.BASE_URL}/redirect/12`); }\n",
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--no-summary", "r.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0).assert_stderr_has(&format!(
        "level=warning msg=\"Stopped after 11 redirects and returned the redirection; pass {{ redirects: n }} in request params or set global maxRedirects to silence this\" url=\"{}/redirect/12\"",
        t.base_url()
    ));
}

#[test]
#[ignore = "rk6 bug: requests carry an `Accept: */*` header; k6 sends only Host and User-Agent (plus what the script sets)"]
fn default_request_headers_are_only_host_and_user_agent() {
    let out = run_script(
        "h.js",
        r#"
import http from 'k6/http';
export default function () {
  const h = http.get(`${__ENV.BASE_URL}/headers`).json('headers');
  console.log(JSON.stringify(Object.keys(h).sort()) + ' ' + h['User-Agent']);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![r#"["Host","User-Agent"] Grafana k6/1.1.0"#.to_string()]
    );
}

#[test]
fn first_request_timings_include_connecting_and_blocked_and_reuse_does_not() {
    let (dir, _) = script(
        "tm.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const t = http.get(`${__ENV.BASE_URL}/get`).timings;
  console.log(`connecting=${t.connecting > 0} blocked=${t.blocked >= t.connecting} looking_up=${t.looking_up} tls=${t.tls_handshaking}`);
  const again = http.get(`${__ENV.BASE_URL}/get`).timings;
  console.log(`reused connecting=${again.connecting}`);
  console.log(`duration=${Math.abs(again.duration - (again.sending + again.waiting + again.receiving)) < 0.001}`);
}
"#,
    );
    let t = Target::start();
    let path = dir.path("out.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("tm.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "connecting=true blocked=true looking_up=0 tls=0".to_string(),
            "reused connecting=0".to_string(),
            "duration=true".to_string(),
        ]
    );
    let ex = Export::read(&path);
    assert!(ex.num("http_req_connecting", "max") > 0.0);
    assert_eq!(ex.num("http_req_connecting", "min"), 0.0);
    assert!(ex.num("http_req_blocked", "max") > 0.0);
    assert_eq!(ex.num("http_req_tls_handshaking", "max"), 0.0);
}

#[test]
#[ignore = "rk6 bug: timings.sending (and http_req_sending) is always 0; k6 measures the time to write the request"]
fn request_timings_include_sending() {
    let (dir, _) = script(
        "snd.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const r = http.post(`${__ENV.BASE_URL}/post`, 'x'.repeat(1000));
  console.log(`sending=${r.timings.sending > 0}`);
}
"#,
    );
    let t = Target::start();
    let path = dir.path("out.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("snd.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["sending=true".to_string()]);
    assert!(Export::read(&path).num("http_req_sending", "max") > 0.0);
}

#[test]
fn data_sent_counts_the_request_bytes_on_the_wire() {
    let (dir, _) = script(
        "ds.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () { http.get(`${__ENV.BASE_URL}/status/204`); }
"#,
    );
    let t = Target::start();
    let path = dir.path("out.json");
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export"])
        .arg(&path)
        .arg("ds.js")
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let wire = format!(
        "GET /status/204 HTTP/1.1\r\nHost: {}\r\nUser-Agent: Grafana k6/1.1.0\r\n\r\n",
        t.host()
    );
    let ex = Export::read(&path);
    assert_eq!(ex.num("data_sent", "count"), wire.len() as f64);
}

#[test]
fn cookie_jar_keeps_cookies_within_an_iteration_and_resets_between_iterations() {
    let out = run_script(
        "cj.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 2 };
export default function () {
  const B = __ENV.BASE_URL;
  const before = http.cookieJar().cookiesForURL(`${B}/`);
  http.get(`${B}/cookies/set?flavour=oat&it=${__ITER}`);
  const sent = http.get(`${B}/cookies`).json('cookies');
  const jar = http.cookieJar();
  jar.set(`${B}/`, 'manual', 'm1');
  const after = http.get(`${B}/cookies`, { cookies: { extra: 'x' } }).json('cookies');
  console.log(JSON.stringify([before, sent, after, jar.cookiesForURL(`${B}/`).flavour]));
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let msgs = out.console_messages();
    assert_eq!(msgs.len(), 2, "{}", out.dump());
    for (i, m) in msgs.iter().enumerate() {
        let v: Value = serde_json::from_str(m).unwrap();
        let it = i.to_string();
        assert_eq!(v[0], json!({}), "jar starts empty each iteration: {m}");
        assert_eq!(v[1], json!({"flavour": "oat", "it": it}), "{m}");
        assert_eq!(
            v[2],
            json!({"flavour": "oat", "it": it, "manual": "m1", "extra": "x"}),
            "{m}"
        );
        assert_eq!(v[3], json!(["oat"]), "{m}");
    }
}

#[test]
fn cookie_jar_clear_removes_cookies_for_the_url() {
    let out = run_script(
        "clear.js",
        r#"
import http from 'k6/http';
export default function () {
  const B = __ENV.BASE_URL;
  http.get(`${B}/cookies/set?a=1`);
  const jar = http.cookieJar();
  jar.clear(`${B}/`);
  console.log(JSON.stringify(jar.cookiesForURL(`${B}/`)));
  console.log(JSON.stringify(http.get(`${B}/cookies`).json('cookies')));
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["{}".to_string(), "{}".to_string()]
    );
}

#[test]
#[ignore = "rk6 bug: response.request.cookies is always {}; k6 lists the jar and params cookies that were sent"]
fn response_request_cookies_lists_cookies_sent() {
    let out = run_script(
        "rc.js",
        r#"
import http from 'k6/http';
export default function () {
  const B = __ENV.BASE_URL;
  http.get(`${B}/cookies/set?a=1`);
  const r = http.get(`${B}/cookies`, { cookies: { zz: 'top' } });
  console.log(JSON.stringify(r.request.cookies));
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let v: Value = serde_json::from_str(&out.console_messages()[0]).unwrap();
    assert_eq!(
        v,
        json!({
            "a": [{"name": "a", "value": "1", "replace": false}],
            "zz": [{"name": "zz", "value": "top", "replace": false}]
        })
    );
}

#[test]
fn request_bodies_and_response_helpers_behave_like_k6() {
    let out = run_script(
        "bodies.js",
        r#"
import http from 'k6/http';
const L = (k, v) => console.log(k + ' ' + JSON.stringify(v));
export default function () {
  const B = __ENV.BASE_URL;
  const p = http.post(`${B}/post`, { a: '1', b: ['x', 'y'] });
  L('form', [p.json('form.a'), p.json('form.b'), p.json('headers.Content-Type')]);
  const f = http.post(`${B}/post`, { file: http.file('filedata', 'f.txt', 'text/plain'), k: 'v' });
  L('multipart', [f.json('files'), f.json('form'), (f.json('headers.Content-Type') || '').split(';')[0]]);
  L('arraybuffer', http.post(`${B}/post`, new Uint8Array([104, 105]).buffer).json('data'));
  L('head', http.head(`${B}/get`).body);
  L('json missing', http.get(`${B}/get?x=1`).json('nope.x'));
  L('json path', http.get(`${B}/get?x=1`).json('args'));
  L('binary', http.get(`${B}/bytes/4`, { responseType: 'binary' }).body.byteLength);
  L('none', http.get(`${B}/get`, { responseType: 'none' }).body);
  L('request', http.get(`${B}/get?q=1`).request);
  L('batch', http.batch([`${B}/get`, ['POST', `${B}/post`, 'x']]).map((r) => r.status));
  L('ua override', http.get(`${B}/headers`, { headers: { 'User-Agent': 'mine' } }).json('headers.User-Agent'));
  L('url', http.url`${B}/anything/${5}`.url);
  L('url name', http.url`${B}/anything/${5}`.name);
  L('multi header', http.get(`${B}/response-headers?A=1&A=2`).headers['A']);
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let t_url = |s: &str| s.to_string();
    let msgs = out.console_messages();
    let base = msgs
        .iter()
        .find(|m| m.starts_with("url "))
        .map(|m| {
            m.trim_start_matches("url \"")
                .trim_end_matches("/anything/5\"")
                .to_string()
        })
        .unwrap_or_default();
    assert_eq!(
        msgs,
        vec![
            t_url(r#"form ["1",["x","y"],"application/x-www-form-urlencoded"]"#),
            t_url(r#"multipart [{"file":"filedata"},{"k":"v"},"multipart/form-data"]"#),
            t_url(r#"arraybuffer "hi""#),
            t_url(r#"head """#),
            t_url("json missing undefined"),
            t_url(r#"json path {"x":"1"}"#),
            t_url("binary 4"),
            t_url("none null"),
            format!(
                r#"request {{"method":"GET","url":"{base}/get?q=1","headers":{{"User-Agent":["Grafana k6/1.1.0"]}},"body":"","cookies":{{}}}}"#
            ),
            t_url("batch [200,200]"),
            t_url(r#"ua override "mine""#),
            format!(r#"url "{base}/anything/5""#),
            t_url(r#"url name "${}/anything/${}""#),
            t_url(r#"multi header "1, 2""#),
        ]
    );
}

#[test]
#[ignore = "rk6 bug: http.url`…` object lacks `clean_url`"]
fn http_url_template_has_clean_url() {
    let out = run_script(
        "u.js",
        "import http from 'k6/http';\nexport default function () { console.log(http.url`${__ENV.BASE_URL}/a/${1}`.clean_url); }\n",
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    assert_eq!(out.console_messages().len(), 1);
    assert!(
        out.console_messages()[0].ends_with("/a/1"),
        "{}",
        out.dump()
    );
}

// ---------------------------------------------------------------------------------
// Options, executors, progress
// ---------------------------------------------------------------------------------

#[test]
fn cli_duration_replaces_script_iterations_with_constant_vus() {
    let out = run_script(
        "prec.js",
        "import { sleep } from 'k6';\nexport const options = { iterations: 4, vus: 1 };\nexport default function () { sleep(0.1); }\n",
        &["-d", "1s"],
    );
    out.assert_code(0)
        .assert_stdout_line(
            "     scenarios: (100.00%) 1 scenario, 1 max VUs, 31s max duration (incl. graceful stop):",
        )
        .assert_stdout_line("              * default: 1 looping VUs for 1s (gracefulStop: 30s)")
        .assert_stdout_line("default ✓ [ 100% ] 1 VUs  1s");
    let iters: u64 = out
        .summary_value("iterations")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (5..=11).contains(&iters),
        "~10 iterations of 100ms in 1s, got {iters}"
    );
}

#[test]
fn stage_flags_run_a_ramping_vus_scenario() {
    let out = run_script(
        "stages.js",
        "import { sleep } from 'k6';\nexport default function () { sleep(0.1); }\n",
        &["-s", "1s:2", "-s", "1s:0"],
    );
    out.assert_code(0)
        .assert_stdout_line(
            "     scenarios: (100.00%) 1 scenario, 2 max VUs, 32s max duration (incl. graceful stop):",
        )
        .assert_stdout_line(
            "              * default: Up to 2 looping VUs for 2s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)",
        );
    let iters: u64 = out
        .summary_value("iterations")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // 1 VU for ~2 s plus a second VU for ~0.5 s: about 25 iterations of 100 ms.
    assert!((15..=30).contains(&iters), "got {iters}\n{}", out.dump());
    assert_eq!(
        out.summary_value("vus_max").as_deref().map(|v| v
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()),
        Some("2".to_string())
    );
}

#[test]
#[ignore = "rk6 bug: ramping-vus progress shows zero-padded `00/02 VUs  02.0s/2s`; k6 shows `0/2 VUs  2s` when done"]
fn ramping_vus_final_progress_line_matches_k6() {
    let out = run_script(
        "stages.js",
        "import { sleep } from 'k6';\nexport default function () { sleep(0.1); }\n",
        &["-s", "1s:2", "-s", "1s:0"],
    );
    out.assert_code(0)
        .assert_stdout_line("default ✓ [ 100% ] 0/2 VUs  2s");
}

#[test]
#[ignore = "rk6 bug: progress lines pad scenario names to the longest name only; k6 pads to at least 4 (the width of its hidden `init` bar)"]
fn progress_lines_pad_short_scenario_names_to_four() {
    let out = run_script(
        "sc.js",
        "export const options = { scenarios: { s1: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } };\nexport default function () {}\n",
        &[],
    );
    out.assert_code(0);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("s1   ✓ [ 100% ] 1 VUs  00m00.")),
        "{}",
        out.dump()
    );
}

#[test]
#[ignore = "rk6 bug: a finished scenario's progress line keeps counting the test's elapsed time instead of freezing at its own end"]
fn finished_scenario_progress_shows_its_own_elapsed_time() {
    let out = run_script(
        "two.js",
        r#"
import { sleep } from 'k6';
export const options = { scenarios: {
  quick: { executor: 'per-vu-iterations', vus: 1, iterations: 1 },
  slow: { executor: 'constant-vus', vus: 1, duration: '1500ms', exec: 'slow' },
} };
export default function () {}
export function slow() { sleep(0.25); }
"#,
        &[],
    );
    out.assert_code(0);
    let last = out
        .stdout
        .lines()
        .rfind(|l| l.starts_with("quick"))
        .unwrap_or_else(|| panic!("{}", out.dump()))
        .to_string();
    assert!(
        last.contains("1 VUs  00m00.0s/10m0s  1/1 iters, 1 per VU"),
        "quick finished at once: {last}"
    );
}

#[test]
fn scenarios_with_exec_and_start_time_are_described_in_the_header() {
    let out = run_script(
        "pvu.js",
        r#"
import { sleep } from 'k6';
export const options = { scenarios: {
  s1: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
  s2: { executor: 'constant-vus', vus: 1, duration: '1s', startTime: '0.5s', exec: 'other' },
} };
export default function () { sleep(0.1); }
export function other() { sleep(0.2); }
"#,
        &[],
    );
    out.assert_code(0)
        .assert_stdout_line(
            "     scenarios: (100.00%) 2 scenarios, 3 max VUs, 10m30s max duration (incl. graceful stop):",
        )
        .assert_stdout_line(
            "              * s1: 3 iterations for each of 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)",
        )
        .assert_stdout_line(
            "              * s2: 1 looping VUs for 1s (exec: other, startTime: 500ms, gracefulStop: 30s)",
        );
    let iters: u64 = out
        .summary_value("iterations")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((9..=12).contains(&iters), "6 of s1 + ~5 of s2, got {iters}");
}

#[test]
fn invalid_scenario_configuration_exits_104() {
    let cases = [
        (
            "{ scenarios: { s: { executor: 'shared-iterations', vus: 0, iterations: 1 } } }",
            "There were problems with the specified script configuration:\n\t- scenario s has configuration errors: the number of VUs must be more than 0",
        ),
        (
            "{ scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 2 } } }",
            "scenario s has configuration errors: the number of iterations (2) can't be less than the number of VUs (3)",
        ),
        (
            "{ scenarios: { s: { executor: 'per-vu-iterations', exec: 'nope' } } }",
            "executor s: function 'nope' not found in exports",
        ),
        (
            "{ iterations: 2, stages: [{ duration: '1s', target: 1 }] }",
            "using `iterations` and `stages` options simultaneously is not allowed",
        ),
        (
            "{ duration: '0s' }",
            "`duration` option should be more than 0, for infinite duration use the externally-controlled executor",
        ),
        ("{ scenarios: { s: { executor: 'bogus-exec' } } }", "unknown executor type 'bogus-exec'"),
    ];
    for (opts, msg) in cases {
        let out = run_script(
            "cfg.js",
            &format!("export const options = {opts};\nexport default function () {{}}\n"),
            &["-q"],
        );
        out.assert_code(104);
        assert!(
            out.log_lines()
                .iter()
                .any(|l| l.level == "error" && l.msg.contains(msg)),
            "{opts}: expected {msg:?}\n{}",
            out.dump()
        );
    }
}

#[test]
fn vus_without_duration_or_iterations_warns_and_runs_one_iteration() {
    let out = run_script(
        "v.js",
        "export const options = { vus: 3 };\nexport default function () { console.log('it'); }\n",
        &["-q"],
    );
    out.assert_code(0).assert_stderr_has(
        "level=warning msg=\"`vus=3` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`\"",
    );
    assert_eq!(out.console_messages(), vec!["it".to_string()]);
}

#[test]
fn crossed_thresholds_message_lists_metric_names_sorted() {
    let out = run_script(
        "ord.js",
        r#"
import { Counter } from 'k6/metrics';
const z = new Counter('zeta');
const a = new Counter('alpha');
const m = new Counter('mid');
export const options = { iterations: 1, thresholds: { mid: ['count>5'], zeta: ['count>5'], alpha: ['count>5'] } };
export default function () { z.add(1); a.add(1); m.add(1); }
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(99).assert_stderr_has(
        r#"level=error msg="thresholds on metrics 'alpha, mid, zeta' have been crossed""#,
    );
}

// ---------------------------------------------------------------------------------
// Other commands
// ---------------------------------------------------------------------------------

#[test]
fn inspect_prints_the_script_options_as_json() {
    let (dir, _) = script(
        "insp.js",
        r#"
export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { my_counter: ['count==12'], 'checks{check:ok}': ['rate==1'] },
  tags: { team: 'qa' },
};
export default function () {}
"#,
    );
    let out = Run::rk6()
        .args(["inspect", "insp.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.dump()));
    assert!(out.stdout.starts_with("{\n  \""), "2-space indent");
    assert_eq!(v["vus"], 2);
    assert_eq!(v["iterations"], 4);
    assert_eq!(v["duration"], Value::Null);
    assert_eq!(v["stages"], Value::Null);
    assert_eq!(v["scenarios"], Value::Null);
    assert_eq!(v["tags"], json!({"team": "qa"}));
    assert_eq!(
        v["thresholds"],
        json!({"my_counter": ["count==12"], "checks{check:ok}": ["rate==1"]})
    );
}

#[test]
fn version_mentions_k6_compatibility() {
    let out = Run::rk6().arg("version").output();
    out.assert_code(0);
    assert!(out.stdout.contains("v1.1.0"), "{}", out.dump());
}

#[test]
fn demo_runs_the_quickstart_against_the_builtin_target() {
    if !rk6_only() {
        return;
    }
    let out = Run::rk6()
        .arg("demo")
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0)
        .assert_stdout_line("  █ TOTAL RESULTS ")
        .assert_stdout_has("checks_succeeded...................: 100.00%");
    assert!(!out.stdout.contains("✗"), "{}", out.dump());
}

#[test]
fn target_serves_httpbin_endpoints() {
    if !rk6_only() {
        return;
    }
    let out = run_script(
        "t.js",
        r#"
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const B = __ENV.BASE_URL;
  check(http.get(`${B}/get?a=1`), { get: (r) => r.json('args.a') === '1' });
  check(http.post(`${B}/post`, 'x'), { post: (r) => r.json('data') === 'x' });
  check(http.get(`${B}/uuid`), { uuid: (r) => /^[0-9a-f-]{36}$/.test(r.json('uuid')) });
  check(http.get(`${B}/gzip`), { gzip: (r) => r.json('gzipped') === true });
  check(http.get(`${B}/anything/x/y`), { anything: (r) => r.json('url').endsWith('/anything/x/y') });
  check(http.get(`${B}/bytes/16`, { responseType: 'binary' }), { bytes: (r) => r.body.byteLength === 16 });
}
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stdout_line("    checks_succeeded...................: 100.00% 6 out of 6");
}
