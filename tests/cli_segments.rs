//! Execution segments end to end: three rk6 processes with segments `0:1/3`, `1/3:2/3` and
//! `2/3:1` of one sequence together run exactly the iterations of one unsegmented run, for
//! `shared-iterations` and `constant-arrival-rate`; headers show each instance's share
//! like k6 (`RK6_E2E_TOOL=k6` runs the same expectations against k6).

mod common;

use common::*;

const SEQUENCE: &str = "0,1/3,2/3,1";
const SEGMENTS: [&str; 3] = ["0:1/3", "1/3:2/3", "2/3:1"];

fn iterations_per_segment(src: &str) -> Vec<(Output, u64)> {
    let dir = Scripts::new();
    dir.write("s.js", src);
    std::thread::scope(|sc| {
        let runs: Vec<_> = SEGMENTS
            .iter()
            .enumerate()
            .map(|(i, seg)| {
                let dir = &dir;
                sc.spawn(move || {
                    let export = format!("sum{i}.json");
                    let out = Run::rk6()
                        .args(["run", "--summary-export", &export])
                        .arg(format!("--execution-segment={seg}"))
                        .arg(format!("--execution-segment-sequence={SEQUENCE}"))
                        .arg("s.js")
                        .cwd(dir.dir())
                        .output();
                    let n = Export::read(&dir.path(&export)).num("iterations", "count") as u64;
                    (out, n)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().expect("run")).collect()
    })
}

#[test]
fn shared_iterations_split_exactly_across_segments() {
    let runs = iterations_per_segment(
        "export const options = { vus: 10, iterations: 100 };\nexport default function () {}\n",
    );
    let counts: Vec<u64> = runs.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, vec![40, 30, 30]);
    runs[0].0.assert_code(0).assert_stdout_has(
        "     scenarios: (33.33%) 1 scenario, 4 max VUs, 10m30s max duration (incl. graceful stop):",
    );
    runs[1]
        .0
        .assert_stdout_has("* default: 30 iterations shared among 3 VUs");
}

#[test]
fn arrival_rate_iterations_are_striped_across_segments() {
    if !rk6_only() {
        // k6 starts the iteration scheduled at the very end of the duration or not,
        // depending on timing; rk6's schedule is computed, so its counts are exact.
        return;
    }
    let src = "export const options = { scenarios: { c: { executor: 'constant-arrival-rate', rate: 30, timeUnit: '1s', duration: '1s', preAllocatedVUs: 3 } } };\nexport default function () {}\n";
    let whole = {
        let dir = Scripts::new();
        dir.write("s.js", src);
        let out = Run::rk6()
            .args(["run", "--summary-export", "all.json", "s.js"])
            .cwd(dir.dir())
            .output();
        out.assert_code(0);
        Export::read(&dir.path("all.json")).num("iterations", "count") as u64
    };
    let runs = iterations_per_segment(src);
    let counts: Vec<u64> = runs.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts.iter().sum::<u64>(), whole, "{counts:?}");
    assert!(
        counts.iter().max().unwrap_or(&0) - counts.iter().min().unwrap_or(&0) <= 1,
        "{counts:?}"
    );
}

/// The numbers all instances logged (one per console line), sorted.
fn logged_numbers(runs: &[(Output, u64)]) -> Vec<u64> {
    let mut numbers: Vec<u64> = runs
        .iter()
        .flat_map(|(out, _)| out.console_messages())
        .map(|m| m.parse().expect("a logged number"))
        .collect();
    numbers.sort_unstable();
    numbers
}

#[test]
fn vu_ids_in_test_are_unique_across_segments() {
    // Every VU of every instance runs one iteration and logs its idInTest: together the
    // three instances number the test's 7 VUs 1..=7, each once (k6's striping).
    let runs = iterations_per_segment(
        "import exec from 'k6/execution';\nexport const options = { scenarios: { p: { executor: 'per-vu-iterations', vus: 7, iterations: 1 } } };\nexport default function () { console.log(String(exec.vu.idInTest)); }\n",
    );
    assert_eq!(logged_numbers(&runs), (1..=7).collect::<Vec<_>>());
}

#[test]
fn iteration_numbers_in_test_are_unique_across_segments() {
    // 3 VUs share 9 iterations; the instances' iterationInTest values are 0..9, each once.
    let runs = iterations_per_segment(
        "import exec from 'k6/execution';\nexport const options = { vus: 3, iterations: 9 };\nexport default function () { console.log(String(exec.scenario.iterationInTest)); }\n",
    );
    assert_eq!(logged_numbers(&runs), (0..9).collect::<Vec<_>>());
}

#[test]
fn iteration_numbers_in_test_stay_unique_when_vus_split_unevenly() {
    // 5 VUs over three segments run 2, 2 and 1 of them, and shared iterations follow the
    // VUs: 12, 12 and 6 of 30. k6 numbers each instance's iterations by that split, so
    // together they are 0..30, each once.
    let runs = iterations_per_segment(
        "import exec from 'k6/execution';\nexport const options = { vus: 5, iterations: 30 };\nexport default function () { console.log(String(exec.scenario.iterationInTest)); }\n",
    );
    let counts: Vec<u64> = runs.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, vec![12, 12, 6]);
    assert_eq!(logged_numbers(&runs), (0..30).collect::<Vec<_>>());
}
