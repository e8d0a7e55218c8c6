//! The words of an options error, as a user fixing a config reads them: every problem of a
//! scenario k6 lists (`scenario s has configuration errors: a, b`), and the Go decoding
//! errors of a `--config` file (`Go struct field Config.Options.vus`), each under k6 v1.1
//! and rk6 with the same exit code and the same error line. Skipped without `k6` on PATH.

mod common;

use std::time::Duration;

use common::*;

/// Explicit scenarios k6 refuses: an executor type no executor registered (names are
/// case-sensitive), then problems found at validation (after decoding).
const SCENARIOS: [&str; 14] = [
    "{executor:'bogus', vus:1}",
    "{executor:'Constant-VUs', vus:1, duration:'1s'}",
    "{executor:'constant-vus', vus:1, duration:5}",
    "{executor:'shared-iterations', iterations:-1}",
    "{executor:'shared-iterations', vus:2, iterations:1, startTime:'-1s', maxDuration:'10ms'}",
    "{executor:'per-vu-iterations', vus:-1, iterations:0}",
    "{executor:'constant-vus', vus:1, duration:'1s', startTime:'-1s', gracefulStop:'-2s'}",
    "{executor:'constant-arrival-rate', maxVUs:1}",
    "{executor:'constant-arrival-rate', rate:-1, timeUnit:'0s', duration:'1s', preAllocatedVUs:-1}",
    "{executor:'ramping-arrival-rate', startRate:-1, preAllocatedVUs:2, maxVUs:1, stages:[{duration:'-1s', target:-2}, {}]}",
    "{executor:'ramping-vus', startVUs:0, stages:[]}",
    "{executor:'ramping-vus', startVUs:-1, stages:[{duration:'1s', target:0}]}",
    "{executor:'externally-controlled', vus:3, maxVUs:2, gracefulStop:'1s'}",
    "{executor:'constant-vus', vus:1, duration:'1s', tags:{a:1}}",
];

/// `--config` files k6 refuses while decoding or validating.
const CONFIG_FILES: [&str; 7] = [
    r#"{"vus": 1.5}"#,
    r#"{"vus": "x"}"#,
    r#"{"duration": 5}"#,
    r#"{"stages": [{"target": 1.5}]}"#,
    r#"{"thresholds": {"x": 5}}"#,
    r#"{"scenarios": {"a": {"executor": "constant-vus", "env": 5, "duration": "1s"}}}"#,
    r#"{"scenarios": {"a": {"executor": "constant-vus", "vus": -1, "duration": "1s"}}}"#,
];

/// Exit code and the first error line's message, with the scripts' directory masked.
fn first_error(tool: Tool, dir: &Scripts, args: &[&str]) -> (i32, String) {
    let out = Run::new(tool)
        .args(["run", "-q"])
        .args(args)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(20))
        .output();
    let msg = out
        .log_lines()
        .into_iter()
        .find(|l| l.level == "error")
        .map(|l| l.msg.replace(&dir.dir().display().to_string(), "DIR"))
        .unwrap_or_else(|| format!("no error line\n{}", out.dump()));
    (out.code, msg)
}

fn same_error(dir: &Scripts, args: &[&str], what: &str) {
    let (k6, rk6) = (
        first_error(Tool::K6, dir, args),
        first_error(Tool::Rk6, dir, args),
    );
    assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {what}");
    assert_ne!(k6.0, 0, "k6 refuses {what}");
}

#[test]
fn invalid_scenarios_are_refused_with_every_problem_k6_names() {
    if !k6_available() {
        eprintln!("skipping: k6 not installed");
        return;
    }
    for sc in SCENARIOS {
        let src = format!(
            "export const options = {{ scenarios: {{ s: {sc} }} }};\nexport default function () {{}}\n"
        );
        let (dir, _) = script("s.js", &src);
        same_error(&dir, &["s.js"], sc);
    }
}

#[test]
fn config_files_are_decoded_and_refused_in_k6s_words() {
    if !k6_available() {
        eprintln!("skipping: k6 not installed");
        return;
    }
    for cfg in CONFIG_FILES {
        let (dir, _) = script("s.js", "export default function () {}\n");
        dir.write("c.json", cfg);
        same_error(&dir, &["--config", "c.json", "s.js"], cfg);
    }
}

/// Stages without a duration are dropped as in k6, so `[null]` is an explicitly empty list
/// (a warning, one iteration); an empty `scenarios` warns the same way.
#[test]
fn stages_without_a_duration_and_empty_scenarios_warn_like_k6() {
    if !k6_available() {
        eprintln!("skipping: k6 not installed");
        return;
    }
    let cases = [
        "stages: [null]",
        "stages: [{target: 2}, {}]",
        "stages: [{}, {duration: '1s', target: 1}]",
        "scenarios: {}",
    ];
    for opts in cases {
        let src =
            format!("export const options = {{ {opts} }};\nexport default function () {{}}\n");
        let (dir, _) = script("s.js", &src);
        let seen = |tool| {
            let out = Run::new(tool)
                .args(["run", "-q", "--no-summary", "s.js"])
                .cwd(dir.dir())
                .timeout(Duration::from_secs(20))
                .output();
            let warnings: Vec<String> = out
                .log_lines()
                .into_iter()
                .filter(|l| l.level == "warning")
                .map(|l| l.msg)
                .collect();
            (out.code, warnings)
        };
        assert_eq!(
            seen(Tool::Rk6),
            seen(Tool::K6),
            "rk6 (left) vs k6 (right) for {opts}"
        );
    }
}
