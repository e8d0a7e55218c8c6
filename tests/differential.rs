//! Differential tests: the same script under the real k6 (v1.1) and under rk6, against
//! the same `rk6 target`, compared on what must agree: exit codes, metric names and
//! shapes, check names with pass/fail counts, threshold verdicts, the skeleton of the
//! text summary and, for deterministic scripts, exact counts and custom metric values.
//! Timings, rates and byte counts legitimately differ and are compared by name only.
//!
//! Without `k6` on PATH every test prints `skipping: k6 not installed` and passes.
//! The `../shared/compat` corpus is optional too (absent in a user's clone); the
//! scripts in `tests/scripts/` always run.

mod common;

use common::diff::*;
use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------
// The shared compatibility corpus
// ---------------------------------------------------------------------------------

#[test]
fn compat_http_surface_matches_k6() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("http_surface.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair(&t, &script, &["-q"]);
    let mut d = Diff::default();
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_exact(&mut d, &k6, &rk6);
    compare_verdicts(&mut d, &k6, &rk6, &[]);
    compare_values(
        &mut d,
        &k6,
        &rk6,
        &[
            ("http_reqs", "count"),
            ("http_req_failed", "passes"),
            ("http_req_failed", "fails"),
            ("checks", "passes"),
            ("checks", "fails"),
            ("iterations", "count"),
        ],
    );
    d.finish(&k6, &rk6);
}

#[test]
fn compat_lifecycle_handle_summary_output_matches_k6() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("lifecycle.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair(&t, &script, &["-q"]);
    k6.out.assert_code(0);
    rk6.out.assert_code(0);
    // The script prints a JSON digest of handleSummary's data; only the order of the
    // thresholds list follows Go's map order in k6, so it is compared sorted.
    let digest = |side: &Side| -> Value {
        let mut v: Value = serde_json::from_str(&side.out.stdout)
            .unwrap_or_else(|e| panic!("{e}\n{}", side.out.dump()));
        if let Some(list) = v["thresholds_ok"].as_array_mut() {
            list.sort_by_key(|x| x.to_string());
        }
        v
    };
    assert_eq!(digest(&rk6), digest(&k6), "rk6 vs k6 handleSummary digest");
}

#[test]
fn compat_arrival_rate_iterations_follow_the_schedule_like_k6() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("arrival_rate.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair_counting_scenarios(&t, &script, &["-q"]);
    let mut d = Diff::default();
    compare_structure(&mut d, &k6, &rk6);
    compare_verdicts(&mut d, &k6, &rk6, &[]);
    // The schedule fixes each scenario's count: within 3 % (at least 3 iterations).
    compare_scenario_iterations(&mut d, &k6, &rk6, 0.03, 3);
    d.finish(&k6, &rk6);
    // The schedule fixes the counts, not the server: within a few iterations of k6.
    let count = |side: &Side| {
        side.export
            .as_ref()
            .map_or(0.0, |e| e.num("iterations", "count"))
    };
    let (k, r) = (count(&k6), count(&rk6));
    assert!((k - r).abs() <= 5.0, "iterations: k6 {k}, rk6 {r}");
}

#[test]
fn encoding_and_crypto_outputs_match_k6_exactly() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let (k6, rk6) = run_pair(
        &t,
        &suite_script("encoding_crypto.js"),
        &["-q", "--no-summary"],
    );
    k6.out.assert_code(0);
    rk6.out.assert_code(0);
    assert_eq!(rk6.out.console_messages(), k6.out.console_messages());
}

#[test]
fn compat_seed_generation_flow_matches_k6_roughly() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("seed_generation_flow.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair(&t, &script, &["-q"]);
    let mut d = Diff::default();
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_roughly(&mut d, &k6, &rk6, 0.25);
    compare_verdicts(&mut d, &k6, &rk6, &["http_req_duration"]);
    let (ke, re) = exports(&k6, &rk6);
    // setup() and teardown() run exactly once.
    d.check(
        "setup/teardown check counts",
        (
            ke.checks().get("::setup::login successful").copied(),
            ke.checks().get("::teardown::token survived").copied(),
        ),
        (
            re.checks().get("::setup::login successful").copied(),
            re.checks().get("::teardown::token survived").copied(),
        ),
    );
    for metric in ["http_reqs", "iterations"] {
        let count = |e: &Export| e.metrics().get(metric).and_then(|m| m["count"].as_f64());
        match (count(ke), count(re)) {
            (Some(k), Some(r)) if (k - r).abs() <= k * 0.25 => {}
            (k, r) => d.note(format!(
                "{metric}.count: k6 {k:?}, rk6 {r:?} (more than 25% apart)"
            )),
        }
    }
    d.finish(&k6, &rk6);
}

#[test]
fn compat_seed_minicrit_matches_k6_roughly() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("seed_minicrit.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair_counting_scenarios(&t, &script, &["-q"]);
    let mut d = Diff::default();
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_roughly(&mut d, &k6, &rk6, 0.3);
    compare_text_summary_unjudged(&mut d, &k6, &rk6);
    // Closed-model VUs iterate as fast as the server answers: counts within 30 %.
    compare_scenario_iterations(&mut d, &k6, &rk6, 0.3, 3);
    // Verdicts on measured durations could flip on a loaded machine: names only.
    compare_verdicts(
        &mut d,
        &k6,
        &rk6,
        &[
            "http_req_duration",
            "health_check_duration",
            "critique_duration",
            "http_req_duration{endpoint:batch}",
        ],
    );
    d.finish(&k6, &rk6);
}

#[test]
fn compat_thresholds_fail_exits_99_with_the_same_crossed_thresholds() {
    if !k6_available() {
        return;
    }
    let Some(script) = compat_script("thresholds_fail.js") else {
        return;
    };
    let t = Target::start();
    let (k6, rk6) = run_pair(&t, &script, &["-q"]);
    let mut d = Diff::default();
    d.check("k6 exit code", 99, k6.out.code);
    compare_structure(&mut d, &k6, &rk6);
    // p(90)<1 on http_req_duration is a verdict on measured time: compared by name only.
    compare_verdicts(&mut d, &k6, &rk6, &["http_req_duration"]);
    for s in [&k6, &rk6] {
        if !s.out.stderr.contains(
            "were crossed; at least one has abortOnFail enabled, stopping test prematurely",
        ) {
            d.note(format!(
                "{} did not report the abortOnFail stop",
                s.out.tool
            ));
        }
        if s.out.elapsed.as_secs() > 15 {
            d.note(format!(
                "{} took {:?} to abort a 30s test",
                s.out.tool, s.out.elapsed
            ));
        }
    }
    d.finish(&k6, &rk6);
}

// ---------------------------------------------------------------------------------
// The suite's own deterministic scripts (tests/scripts/)
// ---------------------------------------------------------------------------------

#[test]
fn groups_checks_and_custom_metrics_match_k6_exactly() {
    let Some((k6, rk6)) = run_suite_pair("groups_checks_metrics.js", &[]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("k6 exit code", 0, k6.out.code);
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_exact(&mut d, &k6, &rk6);
    compare_verdicts(
        &mut d,
        &k6,
        &rk6,
        &["group_duration{group:::shop::checkout}"],
    );
    compare_whole_metrics(
        &mut d,
        &k6,
        &rk6,
        &[
            "orders",
            "queue_depth",
            "paid",
            "basket_size",
            "think_time",
            "checks",
            "http_req_failed",
        ],
    );
    compare_values(
        &mut d,
        &k6,
        &rk6,
        &[
            ("http_reqs", "count"),
            ("iterations", "count"),
            ("http_reqs{name:catalog}", "count"),
        ],
    );
    compare_text_summary(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

#[test]
fn crossed_thresholds_match_k6_verdict_for_verdict() {
    let Some((k6, rk6)) = run_suite_pair("thresholds_crossed.js", &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("k6 exit code", 99, k6.out.code);
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_exact(&mut d, &k6, &rk6);
    compare_verdicts(&mut d, &k6, &rk6, &[]);
    compare_whole_metrics(
        &mut d,
        &k6,
        &rk6,
        &["retries", "level", "ok_rate", "http_req_failed", "checks"],
    );
    compare_text_summary(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

#[test]
fn lifecycle_and_handle_summary_data_match_k6() {
    let Some((k6, rk6)) = run_suite_pair("lifecycle_summary.js", &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("k6 exit code", 0, k6.out.code);
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_exact(&mut d, &k6, &rk6);
    // handleSummary prints a digest of its `data` argument: it must be identical.
    let parse = |s: &Side| -> Option<Value> { serde_json::from_str(&s.out.stdout).ok() };
    match (parse(&k6), parse(&rk6)) {
        (Some(k), Some(r)) => {
            for key in ["setup_data", "root_group", "options", "state_keys"] {
                d.check(&format!("handleSummary data.{key}"), &k[key], &r[key]);
            }
            let km = k["metrics"].as_object().cloned().unwrap_or_default();
            let rm = r["metrics"].as_object().cloned().unwrap_or_default();
            d.check(
                "handleSummary metric names",
                km.keys().collect::<Vec<_>>(),
                rm.keys().collect::<Vec<_>>(),
            );
            for (name, kv) in &km {
                if let Some(rv) = rm.get(name) {
                    d.check(&format!("handleSummary data.metrics[{name}]"), kv, rv);
                }
            }
        }
        (k, r) => d.note(format!(
            "handleSummary stdout is not JSON: k6 {} / rk6 {}",
            k.is_some(),
            r.is_some()
        )),
    }
    d.finish(&k6, &rk6);
}

#[test]
fn tags_on_submetrics_match_k6() {
    let Some((k6, rk6)) = run_suite_pair("tags_submetrics.js", &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("k6 exit code", 0, k6.out.code);
    compare_structure(&mut d, &k6, &rk6);
    compare_checks_exact(&mut d, &k6, &rk6);
    compare_verdicts(&mut d, &k6, &rk6, &[]);
    compare_text_summary(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

#[test]
fn summary_number_formatting_matches_k6() {
    let Some((k6, rk6)) = run_suite_pair("summary_formatting.js", &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    d.check("exit code", k6.out.code, rk6.out.code);
    // Lines of the CUSTOM block, byte for byte, except the counter's per-second rate
    // (and the column padding it drives).
    let custom = |s: &Side| -> Vec<String> {
        s.out
            .stdout
            .lines()
            .skip_while(|l| l.trim() != "CUSTOM")
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .map(|l| {
                let toks: Vec<&str> = l.split_whitespace().collect();
                if l.trim_start().starts_with("x_counter") {
                    toks[..toks.len() - 1].join(" ")
                } else {
                    toks.join(" ")
                }
            })
            .collect()
    };
    d.check("CUSTOM block", custom(&k6), custom(&rk6));
    compare_whole_metrics(
        &mut d,
        &k6,
        &rk6,
        &[
            "t_a_ns",
            "t_d_s",
            "t_f_h",
            "u_plain",
            "v_gauge",
            "v_neg",
            "w_rate",
            "x_counter",
        ],
    );
    d.finish(&k6, &rk6);
}

#[test]
fn http_wire_details_match_k6() {
    let Some((k6, rk6)) = run_suite_pair("http_wire_details.js", &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    compare_all_checks_pass(&mut d, &k6, &rk6);
    d.finish(&k6, &rk6);
}

#[test]
fn options_precedence_and_shortcuts_describe_the_same_scenarios() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let s = Scripts::new();
    let script = s.write(
        "prec.js",
        "import { sleep } from 'k6';\nexport const options = { vus: 2, iterations: 4 };\nexport default function () { sleep(0.05); }\n",
    );
    // (CLI flags, whether the iteration count is exact rather than time-driven)
    let cases: &[(&[&str], bool)] = &[
        (&[], true),
        (&["-u", "3", "-i", "6"], true),
        (&["-i", "2", "-d", "3s"], true),
        (&["-s", "1s:1"], false),
        (&["-d", "1s", "-u", "1"], false),
    ];
    for (args, exact) in cases {
        let (k6, rk6) = run_pair(&t, &script, args);
        let mut d = Diff::default();
        d.check(
            &format!("header for {args:?}"),
            header(&k6.out.stdout),
            header(&rk6.out.stdout),
        );
        d.check(
            &format!("exit code for {args:?}"),
            k6.out.code,
            rk6.out.code,
        );
        if *exact {
            let (ke, re) = exports(&k6, &rk6);
            d.check(
                &format!("iterations for {args:?}"),
                ke.metrics().get("iterations").map(|m| m["count"].as_f64()),
                re.metrics().get("iterations").map(|m| m["count"].as_f64()),
            );
        }
        d.finish(&k6, &rk6);
    }
}

#[test]
fn inspect_values_match_k6() {
    if !k6_available() {
        return;
    }
    let s = Scripts::new();
    let script = s.write(
        "insp.js",
        r#"
export const options = {
  stages: [{ duration: '1s', target: 2 }, { duration: '2s', target: 0 }],
  thresholds: { http_req_duration: ['p(95)<500'], 'checks{check:ok}': ['rate>0.9'] },
  tags: { team: 'qa' },
  summaryTrendStats: ['avg', 'p(99)'],
  maxRedirects: 3,
  userAgent: 'ua/1',
};
export default function () {}
"#,
    );
    let run = |tool: Tool| Run::new(tool).arg("inspect").arg(&script).output();
    let (k6, rk6) = (run(Tool::K6), run(Tool::Rk6));
    k6.assert_code(0);
    rk6.assert_code(0);
    let kv: Value = serde_json::from_str(&k6.stdout).expect("k6 inspect JSON");
    let rv: Value =
        serde_json::from_str(&rk6.stdout).unwrap_or_else(|e| panic!("{e}\n{}", rk6.dump()));
    let (ko, ro) = (kv.as_object().unwrap(), rv.as_object().unwrap());
    let mut problems = Vec::new();
    for (k, v) in ro {
        match ko.get(k) {
            Some(kvv) if kvv == v => {}
            Some(kvv) => problems.push(format!("{k}: k6 {kvv} rk6 {v}")),
            None => problems.push(format!("{k}: not printed by k6")),
        }
    }
    assert!(problems.is_empty(), "inspect differs: {problems:#?}");
}

#[test]
fn inspect_prints_the_same_option_keys_as_k6() {
    if !k6_available() {
        return;
    }
    let s = Scripts::new();
    let script = s.write(
        "insp.js",
        "export const options = { vus: 1 };\nexport default function () {}\n",
    );
    let keys = |tool: Tool| -> Vec<String> {
        let out = Run::new(tool).arg("inspect").arg(&script).output();
        let v: Value = serde_json::from_str(&out.stdout).expect("inspect JSON");
        v.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(
        keys(Tool::Rk6),
        keys(Tool::K6),
        "same keys in the same (Go struct) order"
    );
}

#[test]
fn inspect_execution_requirements_match_k6() {
    if !k6_available() {
        return;
    }
    let s = Scripts::new();
    let script = s.write(
        "req.js",
        "export const options = { scenarios: { a: { executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }, { duration: '5s', target: 0 }] }, b: { executor: 'constant-arrival-rate', rate: 5, duration: '20s', preAllocatedVUs: 2, maxVUs: 7, startTime: '3s', gracefulStop: '2s' } } };\nexport default function () {}\n",
    );
    let run = |tool: Tool| {
        Run::new(tool)
            .args(["inspect", "--execution-requirements"])
            .arg(&script)
            .output()
    };
    let (k6, rk6) = (run(Tool::K6), run(Tool::Rk6));
    k6.assert_code(0);
    rk6.assert_code(0);
    let kv: Value = serde_json::from_str(&k6.stdout).expect("k6 JSON");
    let rv: Value = serde_json::from_str(&rk6.stdout).expect("rk6 JSON");
    assert_eq!(kv["totalDuration"], rv["totalDuration"]);
    assert_eq!(kv["maxVUs"], rv["maxVUs"]);
}
