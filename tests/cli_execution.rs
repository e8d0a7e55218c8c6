//! `k6/execution` through the binary: what `exec.vu`, `exec.scenario`, `exec.instance`
//! report, and `exec.test.abort()` / `exec.test.fail()` with k6's exit codes (108, 110).
//! `RK6_E2E_TOOL=k6 cargo test --test cli_execution` runs the same expectations on k6.

mod common;

use common::*;

#[test]
fn exec_reports_vu_scenario_and_instance_facts() {
    let out = run_script(
        "facts.js",
        r#"
import exec from 'k6/execution';
export const options = { scenarios: { main: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };
export default function () {
  const v = exec.vu, s = exec.scenario;
  console.log(JSON.stringify([v.idInTest >= 1 && v.idInTest <= 2, v.iterationInScenario < 2,
    s.name, s.executor, s.iterationInTest < 4, s.startTime > 1.7e12, s.progress >= 0 && s.progress <= 1,
    exec.instance.vusInitialized, v.tags.scenario]));
}
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let lines = out.console_messages();
    assert_eq!(lines.len(), 4, "{}", out.dump());
    for l in lines {
        assert_eq!(
            l,
            r#"[true,true,"main","per-vu-iterations",true,true,true,2,"main"]"#
        );
    }
}

#[test]
fn iteration_in_test_numbers_every_iteration_of_a_scenario_once() {
    let out = run_script(
        "ids.js",
        r#"
import exec from 'k6/execution';
export const options = { vus: 3, iterations: 9 };
export default function () { console.log(String(exec.scenario.iterationInTest)); }
"#,
        &["-q", "--no-summary"],
    );
    out.assert_code(0);
    let mut ids: Vec<u32> = out
        .console_messages()
        .iter()
        .map(|m| m.parse().expect("number"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..9).collect::<Vec<_>>());
}

#[test]
fn scenario_information_in_the_init_context_is_an_error() {
    let out = run_script(
        "init.js",
        "import exec from 'k6/execution';\nconsole.log(exec.scenario.name);\nexport default function () {}\n",
        &["-q", "--no-summary"],
    );
    out.assert_code(107).assert_stderr_has(
        "getting scenario information outside of the VU context is not supported",
    );
}

#[test]
fn test_abort_stops_the_run_and_exits_108() {
    let out = run_script(
        "abort.js",
        r#"
import exec from 'k6/execution';
export const options = { vus: 2, duration: '20s' };
export default function () { if (exec.scenario.iterationInTest === 3) exec.test.abort('enough'); }
"#,
        &["-q"],
    );
    out.assert_code(108)
        .assert_stderr_has("test aborted: enough")
        .assert_stdout_line("  █ TOTAL RESULTS ");
}

#[test]
fn test_fail_keeps_running_and_exits_110() {
    let out = run_script(
        "fail.js",
        r#"
import exec from 'k6/execution';
export const options = { iterations: 3 };
export default function () { if (exec.vu.iterationInInstance === 1) exec.test.fail('bad stuff'); }
"#,
        &["-q"],
    );
    out.assert_code(110)
        .assert_stderr_has("test marked as failed: bad stuff")
        .assert_stderr_has("test run was marked as failed");
    let iterations = summary_value(&out.stdout, "iterations").unwrap_or_default();
    assert!(
        iterations.starts_with('3'),
        "all iterations ran: {iterations}"
    );
}
