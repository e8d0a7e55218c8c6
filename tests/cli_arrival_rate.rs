//! Arrival-rate executors through the binary: dropped iterations and their warning, the
//! header line, `iteration_start_lag`, and VUs initialised beyond `preAllocatedVUs` only
//! when needed, each as k6 v1.1 behaves. Loads are a few VUs for a second or two.

mod common;

use common::*;

#[test]
fn arrival_rate_without_free_vus_drops_iterations_and_warns() {
    let out = run_script(
        "car.js",
        r#"
import http from 'k6/http';
export const options = { scenarios: { car: {
  executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s',
  preAllocatedVUs: 1, maxVUs: 1,
} } };
export default function () { http.get(`${__ENV.BASE_URL}/delay/0.3`); }
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stderr_has("Insufficient VUs, reached 1 active VUs and cannot initialize more");
    let dropped = summary_value(&out.stdout, "dropped_iterations").unwrap_or_default();
    let n: f64 = dropped
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    assert!(
        n >= 10.0,
        "most of the 20 scheduled iterations were dropped: {dropped}"
    );
}

#[test]
fn arrival_rate_header_describes_rate_and_vus_like_k6() {
    let out = run_script(
        "rar.js",
        r#"
export const options = { scenarios: { r: {
  executor: 'ramping-arrival-rate', startRate: 2, timeUnit: '1s', preAllocatedVUs: 2, maxVUs: 4,
  stages: [{ duration: '1s', target: 10 }],
} } };
export default function () {}
"#,
        &[],
    );
    out.assert_code(0).assert_stdout_line(
        "              * r: Up to 10.00 iterations/s for 1s over 1 stages (maxVUs: 2-4, gracefulStop: 30s)",
    );
}

#[test]
fn arrival_rate_records_how_late_each_iteration_started() {
    if !rk6_only() {
        // iteration_start_lag is rk6's own metric.
        return;
    }
    let t = Target::start();
    let (dir, _) = script(
        "lag.js",
        "export const options = { scenarios: { c: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2 } } };\nexport default function () {}\n",
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export", "sum.json", "lag.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0).assert_stdout_has("iteration_start_lag");
    let ex = Export::read(&dir.path("sum.json"));
    let started = ex.num("iterations", "count");
    assert!(started >= 38.0, "{started}");
    assert!(ex.num("iteration_start_lag", "max") >= 0.0);
    assert!(ex.metric("iteration_start_lag")["avg"].is_number());
}

#[test]
fn arrival_rate_initialises_vus_beyond_preallocated_only_when_needed() {
    let t = Target::start();
    let (dir, _) = script(
        "od.js",
        "import http from 'k6/http';\nexport const options = { scenarios: { c: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '2s', preAllocatedVUs: 1, maxVUs: 100 } } };\nexport default function () { http.get(`${__ENV.BASE_URL}/delay/0.1`); }\n",
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export", "sum.json", "od.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let ex = Export::read(&dir.path("sum.json"));
    let vus_max = ex.num("vus_max", "max");
    // 40 it/s of 0.1 s each need about 4 VUs: more than the one pre-allocated, far fewer
    // than maxVUs.
    assert!((2.0..=30.0).contains(&vus_max), "vus_max {vus_max}");
}
