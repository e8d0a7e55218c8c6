//! Differential tests for the modules beyond k6/http: each script under `tests/scripts/`
//! computes known answers (hashes, selections, shared data, TypeScript) and
//! checks them; k6 v1.1 and rk6 must pass every check, with the same check counts and
//! exit codes. Skipped (passing) without `k6` on PATH. (The jslib script is not among them:
//! k6 would fetch jslib.k6.io, and there is no network.)

mod common;

use common::diff::*;

fn every_check_passes_under_both(script: &str) {
    let Some((k6, rk6)) = run_suite_pair(script, &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    let (ke, _) = exports(&k6, &rk6);
    d.check(
        "some checks ran",
        true,
        ke.checks().values().map(|(p, _)| p).sum::<u64>() > 0,
    );
    compare_all_checks_pass(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

/// `__ENV`, whose entries rk6 creates on first observation.
#[test]
fn env_object_matches_k6() {
    let args = [
        "-q",
        "--include-system-env-vars=false",
        "-e",
        "RK6_A=one",
        "-e",
        "RK6_B=two",
        "-e",
        "RK6_C=three",
        "-e",
        "RK6_D=four",
        "-e",
        "RK6_E=five",
    ];
    let Some((k6, rk6)) = run_suite_pair("env_object.js", &args) else {
        return;
    };
    let mut d = Diff::default();
    compare_all_checks_pass(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

#[test]
fn shared_array_matches_k6() {
    every_check_passes_under_both("shared_array.js");
}

/// k6/http's exports object and named exports, which rk6 makes on first use.
#[test]
fn module_exports_match_k6() {
    every_check_passes_under_both("module_exports.js");
}

#[test]
fn webcrypto_matches_k6() {
    every_check_passes_under_both("webcrypto.js");
}

#[test]
fn html_selection_matches_k6() {
    every_check_passes_under_both("html_selection.js");
}

#[test]
fn typescript_matches_k6() {
    every_check_passes_under_both("typescript.ts");
}

#[test]
fn builtins_created_on_first_use_match_k6() {
    every_check_passes_under_both("builtins.js");
}

/// `__ITER`: absent in init and setup, then the iteration number (rk6 reads it through an
/// accessor), also after the script assigned to it.
#[test]
fn iter_global_matches_k6() {
    every_check_passes_under_both("iter_global.js");
}

/// Script code running inside a module call (getters on headers, tags, params and form
/// bodies, `valueOf`, check callbacks in a group, timers, async params) calls back into
/// modules that change the VU; nothing may find the VU's state taken.
#[test]
fn reentry_from_script_callbacks_matches_k6() {
    every_check_passes_under_both("reentry.js");
}

/// Modules and CommonJS scripts whose parse the VUs of a worker thread share: per-VU module
/// state, strings and tagged-template sites, also for a module or library loaded after VU
/// 8's init code interned a different name than the other VUs' (so that VU must not take
/// the others' parse).
#[test]
fn modules_parsed_once_per_thread_match_k6() {
    let Some((k6, rk6)) = run_suite_pair(
        "shared_parse.js",
        &["-q", "--vus", "8", "--iterations", "64"],
    ) else {
        return;
    };
    let mut d = Diff::default();
    compare_all_checks_pass(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}
