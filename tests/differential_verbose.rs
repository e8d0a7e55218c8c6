//! `-v`: the debug lines k6 prints about its own work (loading, configuration, outputs,
//! scheduler, executors with their fields, setup/teardown, thresholds, shutdown) under k6
//! v1.1 and rk6. Lines are compared as sets, since k6's own order varies between runs.
//! Left out: the version line's value, k6's default REST API (rk6 serves one only with
//! `--address`) and the JSON output's flush statistics. Skipped without `k6` on PATH.

mod common;

use common::*;

const ONE_ITERATION: &str = r#"
import http from 'k6/http';
export const options = { iterations: 1, thresholds: { http_reqs: ['count>0'] } };
export function setup() {}
export default function () { http.get(`${__ENV.BASE_URL}/get`); console.debug('dbg'); }
export function teardown() {}
"#;

const SCENARIOS: &str = r#"
export const options = {
  scenarios: {
    ramp: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 2 }, { duration: '500ms', target: 2 }], gracefulRampDown: '0s' },
    rate: { executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 3, startTime: '500ms' },
    each: { executor: 'per-vu-iterations', vus: 2, iterations: 2, maxDuration: '5s' },
  },
};
export default function () {}
"#;

/// The masked debug lines of a `-v` run, sorted, and the exit code.
fn debug_lines(tool: Tool, t: &Target, src: &str, args: &[&str]) -> (i32, Vec<String>) {
    let (dir, _) = script("v.js", src);
    let out = Run::new(tool)
        .target(t)
        .args(["run", "-v", "--no-usage-report"])
        .args(args.iter())
        .arg("v.js")
        .cwd(dir.dir())
        .output();
    let skip = [
        "msg=\"k6 version:",
        "Starting the REST API server",
        "Wrote metrics to JSON",
    ];
    let dir_url = file_url(dir.dir());
    let mut lines: Vec<String> = out
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "debug" && !skip.iter().any(|s| l.raw.contains(s)))
        .map(|l| {
            let raw = l.raw.replace(&dir_url, "DIR");
            raw[raw.find(" level=").unwrap_or(0)..].to_string()
        })
        .collect();
    lines.sort();
    (out.code, lines)
}

#[test]
fn verbose_debug_lines_match_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let cases: [(&str, &[&str]); 2] = [
        (ONE_ITERATION, &["-o", "json=points.json"]),
        (SCENARIOS, &[]),
    ];
    for (src, args) in cases {
        let (k6, rk6) = std::thread::scope(|s| {
            let k = s.spawn(|| debug_lines(Tool::K6, &t, src, args));
            (
                k.join().expect("k6 run"),
                debug_lines(Tool::Rk6, &t, src, args),
            )
        });
        assert_eq!(rk6.0, k6.0, "exit codes");
        // Lines (with their count) one side has more often than the other.
        let only = |a: &[String], b: &[String]| -> Vec<(String, usize)> {
            let mut seen: Vec<(String, usize)> = Vec::new();
            for l in a {
                let (na, nb) = (
                    a.iter().filter(|x| *x == l).count(),
                    b.iter().filter(|x| *x == l).count(),
                );
                if na > nb && !seen.iter().any(|(s, _)| s == l) {
                    seen.push((l.clone(), na - nb));
                }
            }
            seen
        };
        assert!(
            rk6.1 == k6.1,
            "debug lines differ for {args:?}\nonly in rk6: {:#?}\nonly in k6: {:#?}",
            only(&rk6.1, &k6.1),
            only(&k6.1, &rk6.1)
        );
    }
}
