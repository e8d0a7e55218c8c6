//! Differential tests for `k6/http` client behaviour: the same script under k6 v1.1 and
//! rk6 against the same `rk6 target` — every check passes under both, with the same
//! metric set, check counts, request counts and threshold verdicts. Skipped (passing)
//! without `k6` on PATH.

mod common;

use common::diff::*;
use common::*;

/// Runs `script` under both tools: k6 exits 0, every check passes under both with the same
/// counts, and so do the threshold verdicts and the request count.
fn script_matches_k6(script: &str) {
    let Some((k6, rk6)) = run_suite_pair(script, &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("k6 exit code", 0, k6.out.code);
    compare_all_checks_pass(&mut d, &k6, &rk6);
    compare_verdicts(&mut d, &k6, &rk6, &[]);
    compare_values(&mut d, &k6, &rk6, &[("http_reqs", "count")]);
    d.finish(&k6, &rk6);
}

#[test]
fn failing_requests_auth_and_compression_match_k6() {
    script_matches_k6("http_failures_auth.js");
}

#[test]
fn http_client_semantics_match_k6() {
    script_matches_k6("http_client_semantics.js");
}

/// The response object: its fields and methods are own properties (created on first
/// observation in rk6), observed first by every route a script has.
#[test]
fn response_objects_have_k6s_own_properties() {
    script_matches_k6("response_object.js");
}

/// A run whose only request fails still reports every `http_req_*` metric, as k6 does.
#[test]
fn a_run_of_only_failed_requests_reports_the_same_metrics_as_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let s = Scripts::new();
    let script = s.write(
        "refused.js",
        "import http from 'k6/http';\nexport const options = { iterations: 2 };\nexport default function () { http.get('http://127.0.0.1:1/'); }\n",
    );
    let (k6, rk6) = run_pair(&t, &script, &["-q"]);
    let mut d = Diff::default();
    compare_structure(&mut d, &k6, &rk6);
    compare_values(
        &mut d,
        &k6,
        &rk6,
        &[("http_reqs", "count"), ("http_req_failed", "passes")],
    );
    d.finish(&k6, &rk6);
}
