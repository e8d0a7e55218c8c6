//! Runs that would not end on their own: a busy setup(), a schedule far beyond what any
//! machine can start, a native call no interrupt reaches. Each ends on time, says what
//! was stuck, and exits non-zero where the test did not finish as planned.

mod common;

use std::time::Duration;

use common::signal::signalled_run;
use common::*;

#[test]
fn ctrl_c_during_a_busy_setup_ends_the_run_at_once_with_105() {
    let (dir, _) = script(
        "busy_setup.js",
        "export const options = { iterations: 1 };\nexport function setup() { while (true) {} }\nexport default function () {}\n",
    );
    let (code, stdout, stderr) = signalled_run(
        &dir,
        &["run", "busy_setup.js"],
        &[],
        Duration::from_millis(1500),
        libc::SIGINT,
    );
    assert_eq!(code, Some(105), "{stdout}\n{stderr}");
    assert!(stdout.contains("█ TOTAL RESULTS"), "{stdout}");
    assert!(
        stderr.contains("aborted because rk6 received a 'interrupt' signal"),
        "{stderr}"
    );
}

#[test]
fn sigquit_reports_what_each_vu_waits_in_and_exits_2_like_k6() {
    let src = "import { sleep } from 'k6';\nexport const options = { vus: 2, duration: '20s' };\nexport default function () { sleep(30); }\n";
    let (dir, _) = script("quit.js", src);
    let (code, stdout, stderr) = signalled_run(
        &dir,
        &["run", "quit.js"],
        &[],
        Duration::from_millis(2500),
        libc::SIGQUIT,
    );
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("SIGQUIT: quit"), "{stderr}");
    for vu in 1..=2 {
        let line = format!("still busy: VU {vu}: an iteration of scenario \\\"default\\\"");
        assert!(stderr.contains(&line), "{line}\n{stderr}");
    }
    assert!(stderr.contains("waiting in sleep() for "), "{stderr}");
    if k6_available() {
        let k6 = Run::k6()
            .args(["run", "-q", "quit.js"])
            .cwd(dir.dir())
            .signal_after(Duration::from_millis(2500), libc::SIGQUIT)
            .timeout(Duration::from_secs(20))
            .output();
        assert_eq!(k6.code, 2, "k6's exit code on SIGQUIT");
    }
}

/// The offset of every iteration's start from the scenario's start, as a metric whose
/// threshold fails if any iteration started after the 1 s scenario's end (10 ms allow for
/// two millisecond clocks and the moment between `startTime` and the schedule's start).
const LATE_START: &str = r#"
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
const offset = new Trend('start_offset', true);
export const options = {
  scenarios: { s: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: 'UNIT', duration: '1s',
                    preAllocatedVUs: 2, maxVUs: 2 } },
  thresholds: { start_offset: ['max<1010'] },
};
export default function () { offset.add(Date.now() - exec.scenario.startTime); }
"#;

#[test]
fn an_arrival_rate_beyond_any_machine_starts_nothing_after_its_scenario_ends() {
    for (rate, unit) in [("1e9", "1s"), ("1", "1ns")] {
        let src = LATE_START.replace("RATE", rate).replace("UNIT", unit);
        let (dir, _) = script("flood.js", &src);
        // rk6 only: k6 v1.1 itself starts iterations up to ~20 ms after the scenario's
        // end here (its threshold fails with max=1.02s).
        let out = Run::rk6()
            .args(["run", "flood.js"])
            .cwd(dir.dir())
            .timeout(Duration::from_secs(25))
            .output();
        out.assert_code(0);
        let dropped = out.summary_value("dropped_iterations").unwrap_or_default();
        let dropped: f64 = dropped
            .split_whitespace()
            .next()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0.0);
        assert!(dropped > 100_000.0, "{rate}/{unit}: {}", out.dump());
    }
}

#[test]
fn a_run_stuck_where_no_interrupt_reaches_is_stopped_by_the_watchdog_with_the_summary() {
    // A backtracking regex: Boa's engine checks no interrupt flag inside a match, so
    // gracefulStop cannot stop this iteration (k6's linear-time engine finishes it).
    let src = r#"
export const options = { scenarios: { stuck: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default function () { /(a+)+$/.test('a'.repeat(48) + 'b'); }
"#;
    let (dir, _) = script("stuck.js", src);
    let out = Run::rk6()
        .args(["run", "stuck.js"])
        .cwd(dir.dir())
        .timeout(Duration::from_secs(90))
        .output();
    out.assert_code(102)
        .assert_stderr_has("the scenarios")
        .assert_stderr_has("still busy: VU 1: an iteration of scenario \\\"stuck\\\"")
        .assert_stderr_has("running JavaScript (not waiting on anything)")
        .assert_stdout_has("TOTAL RESULTS");
}

/// A VU that runs JS for seconds shares its worker thread with other VUs (rk6 runs a
/// thread per core); its turns end every 0.5 ms, so the others keep their schedule and the
/// responses they wait for are read on time. Without turns, the light VUs on the busy
/// VU's thread slept 3 s longer than asked (their gap's max was the busy loop's length).
#[test]
fn a_vu_busy_in_js_does_not_stall_the_vus_sharing_its_thread() {
    let src = r#"
import { sleep } from 'k6';
import { Trend } from 'k6/metrics';
const gap = new Trend('gap', true);
let last = 0;
export const options = {
  scenarios: {
    busy: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'busy' },
    light: { executor: 'constant-vus', vus: 20, duration: '4s', exec: 'light' },
  },
  thresholds: { gap: ['max<1500'], 'iterations{scenario:busy}': ['count==1'] },
};
export function busy() { const t = Date.now(); while (Date.now() - t < 3000) {} }
export function light() {
  const now = Date.now();
  if (last) gap.add(now - last);
  last = now;
  sleep(0.05);
}
"#;
    let (dir, _) = script("busy_and_light.js", src);
    let out = Run::rk6()
        .args(["run", "busy_and_light.js"])
        .cwd(dir.dir())
        .timeout(Duration::from_secs(30))
        .output();
    out.assert_code(0);
    assert!(out.stdout.contains("gap"), "{}", out.dump());
    if k6_available() {
        let k6 = Run::k6()
            .args(["run", "busy_and_light.js"])
            .cwd(dir.dir())
            .timeout(Duration::from_secs(30))
            .output();
        k6.assert_code(0);
    }
}
