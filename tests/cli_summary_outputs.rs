//! End-to-end behaviour of `rk6` through its binary — `--no-summary`, `--summary-export` and `handleSummary` —
//! each asserted as k6 v1.1 behaves.
//!
//! Every test starts its own `rk6 target` on a free loopback port, so tests run in
//! parallel. Loads are tiny (a few VUs, a few seconds at most).
//! `RK6_E2E_TOOL=k6 cargo test --test cli_summary_outputs -- --include-ignored` runs the same
//! expectations against the real k6. Tests marked `#[ignore = "rk6 bug: …"]` pin a known
//! difference from k6.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{json, Value};

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

/// On a terminal the summary is coloured (k6's green check marks); `K6_NO_COLOR` turns that
/// off. The terminal is a pseudo-terminal from util-linux's `script`.
#[test]
fn the_summary_is_coloured_on_a_terminal_unless_k6_no_color() {
    let (dir, _) = script(
        "tty.js",
        "import { check } from 'k6';\nexport const options = { iterations: 1 };\nexport default function () { check(1, { 'fine': () => true }); }\n",
    );
    let on_tty = |no_color: &str| -> String {
        let command = format!(
            "K6_NO_COLOR={no_color} {} run -q tty.js",
            rk6_bin().display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .current_dir(dir.dir())
            .output()
            .expect("script(1) from util-linux");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_tty("");
    assert!(coloured.contains("TOTAL RESULTS"), "{coloured}");
    assert!(
        coloured.contains("\u{1b}[32m✓"),
        "no green check mark:\n{coloured}"
    );
    let plain = on_tty("1");
    assert!(plain.contains("TOTAL RESULTS"), "{plain}");
    assert!(
        !plain.contains("\u{1b}[32m"),
        "coloured despite K6_NO_COLOR:\n{plain}"
    );
}
