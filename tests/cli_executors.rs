//! Executors through the binary, each expectation as k6 v1.1 gives it for the same script:
//! iterations that `maxDuration` cuts off are `dropped_iterations`, `gracefulRampDown`
//! interrupts ramped-down VUs, and `exec.vu.tags` / `exec.test.options` reflect the
//! executor. Timings are chosen with ≥ 200 ms of margin so a loaded machine cannot flip
//! them. `RK6_E2E_TOOL=k6 cargo test --test cli_executors` runs them against k6.

mod common;

use common::*;

/// The final progress line's `(complete, interrupted)` counts.
fn final_counts(out: &Output) -> (u64, u64) {
    let line = out
        .stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("running ("))
        .unwrap_or_else(|| panic!("no progress line\n{}", out.dump()));
    let words: Vec<&str> = line.split_whitespace().collect();
    let number_before = |word: &str| -> u64 {
        let i = words
            .iter()
            .position(|w| w.starts_with(word))
            .unwrap_or_else(|| panic!("{word} in {line}"));
        words[i - 1].parse().expect("count")
    };
    (number_before("complete"), number_before("interrupted"))
}

#[test]
fn iterations_left_when_max_duration_ends_are_dropped() {
    // 2 VUs start an iteration every 400 ms for 1 s: 3 each, the rest never start.
    let out = run_script(
        "drop.js",
        r#"
import { sleep } from 'k6';
export const options = { scenarios: {
  shared: { executor: 'shared-iterations', vus: 2, iterations: 20, maxDuration: '1s' },
  pervu: { executor: 'per-vu-iterations', vus: 2, iterations: 10, maxDuration: '1s', gracefulStop: '0s' } } };
export default function () { sleep(0.4); }
"#,
        &["--summary-export", "sum.json"],
    );
    out.assert_code(0);
    // shared: 6 started and complete, 14 dropped; pervu: 3 started per VU, the third
    // interrupted at 1 s (gracefulStop 0), 7 dropped per VU.
    assert_eq!(final_counts(&out), (10, 2), "{}", out.dump());
    assert_eq!(
        out.summary_value("dropped_iterations")
            .as_deref()
            .and_then(|v| v.split_whitespace().next()),
        Some("28")
    );
}

#[test]
fn graceful_ramp_down_interrupts_ramped_down_vus_and_graceful_stop_bounds_it() {
    let script = r#"
import { sleep } from 'k6';
export const options = { scenarios: { r: { executor: 'ramping-vus', startVUs: 2,
  gracefulRampDown: __ENV.GRD, gracefulStop: __ENV.GS,
  stages: [{ duration: '1s', target: 2 }, { duration: '1s', target: 0 }] } } };
export default function () { sleep(1.2); }
"#;
    let t = Target::start();
    let (dir, _) = common::script("ramp.js", script);
    // Iterations run 0–1.2 s and 1.2–2.4 s. VU 2 ramps down at 1.5 s, VU 1 at 2 s.
    for (grd, gs, expected) in [
        ("0s", "30s", (2, 2)),
        ("5s", "30s", (4, 0)),
        ("5s", "0s", (2, 2)),
    ] {
        let out = Run::rk6()
            .target(&t)
            .args(["run", "--no-summary", "-e"])
            .arg(format!("GRD={grd}"))
            .arg("-e")
            .arg(format!("GS={gs}"))
            .arg("ramp.js")
            .cwd(dir.dir())
            .output();
        out.assert_code(0);
        assert_eq!(
            final_counts(&out),
            expected,
            "gracefulRampDown {grd}, gracefulStop {gs}\n{}",
            out.dump()
        );
    }
}

#[test]
fn header_max_duration_counts_ramp_down_only_when_the_last_stage_ends_at_zero() {
    let t = Target::start();
    for (last, expected) in [
        ("0", "1 max VUs, 7s max duration"),
        ("1", "1 max VUs, 12s max duration"),
    ] {
        let src = format!(
            "export const options = {{ scenarios: {{ r: {{ executor: 'ramping-vus', startVUs: 1, gracefulRampDown: '5s', gracefulStop: '10s', stages: [{{ duration: '1s', target: 1 }}, {{ duration: '1s', target: {last} }}] }} }} }};\nexport default function () {{}}\n"
        );
        let (dir, _) = common::script("h.js", &src);
        let out = Run::rk6()
            .target(&t)
            .args(["run", "--no-summary", "h.js"])
            .cwd(dir.dir())
            .output();
        out.assert_code(0).assert_stdout_has(expected);
    }
}

#[test]
fn tags_set_on_exec_vu_tag_later_samples_and_stay_for_the_vu() {
    let out = run_script(
        "tags.js",
        r#"
import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 1, iterations: 2,
  thresholds: { 'http_reqs{custom:yes}': ['count==2'], 'http_reqs{n:7}': ['count==2'] } };
export default function () {
  if (exec.vu.iterationInInstance === 0) { exec.vu.tags.custom = 'yes'; exec.vu.tags.n = 7; }
  try { exec.vu.tags.obj = { a: 1 }; } catch (e) { console.log(String(e)); }
  console.log(`${exec.vu.tags.custom} ${exec.vu.tags.n} ${exec.vu.metrics.tags.custom}`);
  http.get(`${__ENV.BASE_URL}/get`);
}
"#,
        &["-q"],
    );
    out.assert_code(0);
    let bad = "TypeError: invalid value for metric tag 'obj': only String, Boolean and Number types are accepted as a metric tag values";
    assert_eq!(
        out.console_messages(),
        vec![bad, "yes 7 yes", bad, "yes 7 yes"]
    );
}

#[test]
fn exec_test_options_shows_the_default_scenario_of_shortcut_options() {
    let out = run_script(
        "opts.js",
        r#"
import exec from 'k6/execution';
export const options = { vus: 2, stages: [{ duration: '1s', target: 1 }] };
export default function () { console.log(JSON.stringify(exec.test.options.scenarios)); exec.test.abort(); }
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(108);
    assert_eq!(
        out.console_messages()[0],
        r#"{"default":{"executor":"ramping-vus","startTime":null,"gracefulStop":null,"env":null,"exec":null,"tags":null,"startVUs":2,"stages":[{"duration":"1s","target":1}],"gracefulRampDown":null}}"#
    );
}
