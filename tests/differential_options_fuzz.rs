//! A seeded fuzzer of `export const options = …`: malformed and extreme options objects
//! (wrong types, negative/huge/NaN/Infinity numbers, odd strings, nested garbage, bad
//! durations, segments, scenarios, executors, thresholds on odd metric names, odd tags),
//! each run under k6 and rk6. It fails on an rk6 panic, an rk6 hang where k6 finished, and
//! an exit code differing from k6's, printing each failing case's options so it can be
//! reproduced. Without k6 it still runs rk6 alone (panics and hangs only).
//!
//! `RK6_FUZZ_SEED` picks another seed, `RK6_FUZZ_CASES` another count. Every valid value in
//! the pools keeps a run short (≤ 2 s, ≤ 5 VUs, few iterations), so the cases stay cheap.

mod common;

use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::Duration;

use common::{k6_available, Run, Scripts, Tool};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const DEFAULT_SEED: u64 = 0x6b36_6675_7a7a;
const DEFAULT_CASES: usize = 200;
/// Runs at a time per tool (2 cores: 3 cases, each under both tools).
const PARALLEL: usize = 3;
const PER_RUN: Duration = Duration::from_secs(20);

/// Differences that are not rk6's to fix, each with why. Keep this tiny.
const ALLOWED: &[(&str, &str)] = &[
    // k6 v1.1 crashes (Go panic, exit 2) on an empty tag name; rk6 refuses it with 104.
    (r#""tags": {"": "#, "k6 panics on an empty tag name"),
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "-1",
    "1.5",
    "-0.5",
    "1e30",
    "-1e30",
    "NaN",
    "Infinity",
    "-Infinity",
    "9007199254740993",
    "99999999999999999999",
    "2**63",
    "0x10",
];
const ODD: &[&str] = &[
    "null",
    "undefined",
    "true",
    "false",
    "\"\"",
    "\"x\"",
    "\"2\"",
    "\"-1\"",
    "\"1e3\"",
    "\"µs\"",
    "\"\\u0000\"",
    "[]",
    "[null]",
    "[1, \"a\"]",
    "{}",
    "{a: {b: [{}]}}",
    "\"99999999999999999999\"",
    "{Int64: 2}",
    "[[[]]]",
    "\"<&>\"",
];
const DURATIONS: &[&str] = &[
    "\"1s\"",
    "\"0s\"",
    "\"-1s\"",
    "\"500ms\"",
    "\"1.5s\"",
    "\"x\"",
    "\"1\"",
    "\"1d-2h\"",
    "\"99999999999h\"",
    "\"1s2\"",
    "\"-0\"",
    "\"1h\"",
    "\"\"",
    "500",
    "0",
    "-5",
    "1e300",
    "\"2\"",
    "\"+1s\"",
    "\"1µs\"",
];
const SEGMENTS: &[&str] = &[
    "\"0:1\"",
    "\"0.5:0.25\"",
    "\"1:0\"",
    "\"-1:1\"",
    "\"0:1/2\"",
    "\"50%\"",
    "\"x\"",
    "\"1/0\"",
    "\"0:2\"",
    "\"\"",
    "\"1e-3:1\"",
    "\"0,0,1\"",
    "\"0,1/2,1\"",
    "\"0,1\"",
    "\"1\"",
    "\"50.5%\"",
];
const METRIC_KEYS: &[&str] = &[
    "http_reqs",
    "iterations",
    "checks",
    "",
    "my metric",
    "iterations{scenario:default}",
    "iterations{",
    "iterations{}",
    "ünï",
    "data_sent{a:b}{c:d}",
    "vus_max",
    "x",
];
const THRESHOLD_EXPRS: &[&str] = &[
    "\"count>=0\"",
    "\"count<0\"",
    "\"rate<1\"",
    "\"p(95)<1\"",
    "\"nope\"",
    "\"\"",
    "5",
    "{threshold: \"count>=0\"}",
    "{threshold: 5}",
    "{threshold: \"count>=0\", abortOnFail: \"x\"}",
    "{}",
    "null",
    "\"avg>NaN\"",
    "\"p(200)<1\"",
];
const EXECUTORS: &[&str] = &[
    "\"shared-iterations\"",
    "\"per-vu-iterations\"",
    "\"constant-vus\"",
    "\"ramping-vus\"",
    "\"constant-arrival-rate\"",
    "\"ramping-arrival-rate\"",
    "\"externally-controlled\"",
    "\"nope\"",
    "5",
    "\"\"",
];
const STRINGS_LISTS: &[&str] = &[
    "[\"avg\"]",
    "[\"p(99.9)\", \"count\"]",
    "[\"p(200)\"]",
    "[null]",
    "[\"\"]",
    "\"avg\"",
    "[\"url\", \"nope\"]",
    "[5]",
    "[]",
];
const SMALL_COUNTS: &[&str] = &[
    "1", "2", "0", "-1", "\"1\"", "1.5", "{}", "null", "\"x\"", "true",
];

fn pick<'a>(rng: &mut SmallRng, pool: &[&'a str]) -> &'a str {
    pool[rng.random_range(0..pool.len())]
}

fn any_value(rng: &mut SmallRng) -> String {
    match rng.random_range(0..3) {
        0 => pick(rng, NUMBERS).into(),
        1 => pick(rng, ODD).into(),
        _ => pick(rng, DURATIONS).into(),
    }
}

fn stages(rng: &mut SmallRng) -> String {
    let n = rng.random_range(0..3);
    let items: Vec<String> = (0..n)
        .map(|_| match rng.random_range(0..4) {
            0 => any_value(rng),
            _ => format!(
                "{{duration: {}, target: {}}}",
                pick(rng, DURATIONS),
                pick(rng, SMALL_COUNTS)
            ),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn scenario(rng: &mut SmallRng) -> String {
    let executor = pick(rng, EXECUTORS);
    // Every scenario ends by itself: an externally-controlled one always has a duration.
    let mut fields = vec![
        format!("executor: {executor}"),
        "duration: \"1s\"".to_string(),
    ];
    for _ in 0..rng.random_range(0..4) {
        let field = match rng.random_range(0..12) {
            0 => format!("vus: {}", pick(rng, SMALL_COUNTS)),
            1 => format!("iterations: {}", pick(rng, SMALL_COUNTS)),
            2 => format!("duration: {}", pick(rng, DURATIONS)),
            3 => format!("stages: {}", stages(rng)),
            4 => format!("rate: {}", pick(rng, SMALL_COUNTS)),
            5 => format!("timeUnit: {}", pick(rng, DURATIONS)),
            6 => format!("preAllocatedVUs: {}", pick(rng, SMALL_COUNTS)),
            7 => format!("maxVUs: {}", pick(rng, SMALL_COUNTS)),
            8 => format!("startTime: {}", pick(rng, DURATIONS)),
            9 => format!("gracefulStop: {}", pick(rng, DURATIONS)),
            10 => format!("exec: {}", pick(rng, ODD)),
            _ => format!("tags: {{a: {}}}", pick(rng, ODD)),
        };
        fields.push(field);
    }
    format!("{{{}}}", fields.join(", "))
}

/// One key of the options object and a value for it.
fn member(rng: &mut SmallRng) -> String {
    let (key, value) = match rng.random_range(0..22) {
        0 => ("vus", pick(rng, SMALL_COUNTS).to_string()),
        1 => ("iterations", pick(rng, SMALL_COUNTS).to_string()),
        2 => ("duration", pick(rng, DURATIONS).to_string()),
        3 => ("stages", stages(rng)),
        4 => {
            let name = pick(rng, &["a", "b_1", "a b", "", "ü"]);
            ("scenarios", format!("{{{:?}: {}}}", name, scenario(rng)))
        }
        5 => (
            pick(
                rng,
                &["setupTimeout", "teardownTimeout", "minIterationDuration"],
            ),
            pick(rng, DURATIONS).to_string(),
        ),
        6 => (
            pick(rng, &["executionSegment", "executionSegmentSequence"]),
            pick(rng, SEGMENTS).to_string(),
        ),
        7 => (
            "thresholds",
            format!(
                "{{{:?}: [{}]}}",
                pick(rng, METRIC_KEYS),
                pick(rng, THRESHOLD_EXPRS)
            ),
        ),
        8 => ("thresholds", any_value(rng)),
        9 => (
            "tags",
            format!(
                "{{{:?}: {}}}",
                pick(rng, &["a", "", "ü", "a b"]),
                pick(rng, ODD)
            ),
        ),
        10 => (
            pick(
                rng,
                &[
                    "summaryTrendStats",
                    "systemTags",
                    "blockHostnames",
                    "tlsCipherSuites",
                    "blacklistIPs",
                ],
            ),
            pick(rng, STRINGS_LISTS).to_string(),
        ),
        11 => (
            "summaryTimeUnit",
            pick(rng, &["\"s\"", "\"µs\"", "\"xx\"", "5", "null"]).to_string(),
        ),
        12 => (
            pick(
                rng,
                &[
                    "noSetup",
                    "noTeardown",
                    "throw",
                    "noConnectionReuse",
                    "discardResponseBodies",
                    "insecureSkipTLSVerify",
                ],
            ),
            any_value(rng),
        ),
        // `paused: true` would wait for a resume forever, in both tools: only other values.
        13 => (
            "paused",
            pick(rng, &["false", "\"x\"", "5", "{}", "null", "[]"]).to_string(),
        ),
        14 => (
            pick(rng, &["maxRedirects", "batch", "batchPerHost", "rps"]),
            pick(rng, NUMBERS).to_string(),
        ),
        15 => (pick(rng, &["userAgent", "httpDebug"]), any_value(rng)),
        16 => ("hosts", format!("{{\"a.test\": {}}}", pick(rng, ODD))),
        17 => (
            "dns",
            format!(
                "{{ttl: {}, select: {}}}",
                pick(rng, ODD),
                pick(rng, &["\"first\"", "\"x\"", "5"])
            ),
        ),
        18 => (
            "tlsVersion",
            pick(
                rng,
                &[
                    "\"tls1.2\"",
                    "\"x\"",
                    "{min: 5}",
                    "{min: \"tls1.2\", max: \"tls1.3\"}",
                    "5",
                ],
            )
            .to_string(),
        ),
        19 => (pick(rng, &["ext", "cloud"]), any_value(rng)),
        20 => (
            pick(rng, &["unknownKey", "Vus", "VUS"]),
            pick(rng, SMALL_COUNTS).to_string(),
        ),
        _ => (
            "metricSamplesBufferSize",
            pick(rng, &["1", "1000", "\"5\"", "true"]).to_string(),
        ),
    };
    format!("{key:?}: {value}")
}

/// The options text of one case: a few members, sometimes a whole non-object.
fn options_text(rng: &mut SmallRng) -> String {
    if rng.random_ratio(1, 25) {
        return any_value(rng);
    }
    let members: Vec<String> = (0..rng.random_range(1..4)).map(|_| member(rng)).collect();
    format!("{{{}}}", members.join(", "))
}

/// One tool's exit code, or why there is none (a hang).
fn run(tool: Tool, dir: &std::path::Path) -> Result<(i32, String), String> {
    let out = std::panic::catch_unwind(AssertUnwindSafe(|| {
        Run::new(tool)
            .args(["run", "--no-summary", "-q", "s.js"])
            .cwd(dir)
            .timeout(PER_RUN)
            .output()
    }));
    match out {
        Ok(o) => Ok((o.code, o.stderr)),
        Err(_) => Err(format!("{} did not finish within {PER_RUN:?}", tool.name())),
    }
}

/// What is wrong with one case, if anything.
fn check(options: &str, with_k6: bool) -> Option<String> {
    let scripts = Scripts::new();
    scripts.write(
        "s.js",
        format!("export const options = {options};\nexport default function () {{}}\n"),
    );
    let rk6 = run(Tool::Rk6, scripts.dir());
    let k6 = with_k6.then(|| run(Tool::K6, scripts.dir()));
    let (rk6_code, rk6_err) = match rk6 {
        Err(hang) => {
            let k6_hung = matches!(k6, Some(Err(_)));
            return (!k6_hung).then_some(hang);
        }
        Ok(r) => r,
    };
    if rk6_code == 101 || rk6_err.contains("panicked") {
        return Some(format!("rk6 panicked (exit {rk6_code}):\n{rk6_err}"));
    }
    match k6 {
        Some(Ok((k6_code, k6_err))) if k6_code != rk6_code => {
            if let Some((_, why)) = ALLOWED.iter().find(|(needle, _)| options.contains(needle)) {
                println!("allowed difference ({why}): {options}");
                return None;
            }
            let last = |s: &str| {
                s.lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .to_string()
            };
            Some(format!(
                "exit codes differ: k6 {k6_code}, rk6 {rk6_code}\n  k6: {}\n  rk6: {}",
                last(&k6_err),
                last(&rk6_err)
            ))
        }
        _ => None,
    }
}

#[test]
fn generated_options_behave_like_k6s() {
    let seed = std::env::var("RK6_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let count = std::env::var("RK6_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let with_k6 = k6_available();
    let mut rng = SmallRng::seed_from_u64(seed);
    let cases: Vec<String> = (0..count).map(|_| options_text(&mut rng)).collect();
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap_or_else(|p| p.into_inner());
                    *n += 1;
                    *n - 1
                };
                let Some(options) = cases.get(i) else { break };
                if let Some(why) = check(options, with_k6) {
                    failures
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(format!(
                            "case {i}: export const options = {options};\n  {why}"
                        ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_default();
    assert!(
        failures.is_empty(),
        "{} of {count} cases (seed {seed}) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
