//! Comparison helpers for the differential suites (k6 v1.1 vs rk6): running a script
//! under both tools at once, collecting every mismatch, and comparing structure, checks,
//! verdicts, values and the masked text summary. Not for: asserting rk6-only behaviour.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::thread;

use serde_json::Value;

use super::*;

/// One tool's run of a script: its output and its `--summary-export`.
pub struct Side {
    pub out: Output,
    pub export: Option<Export>,
    /// Complete iterations per `scenario` tag, read from `--out json` (only from
    /// [`run_pair_counting_scenarios`]).
    pub iterations_by_scenario: BTreeMap<String, u64>,
}

/// Runs `script` under k6 and rk6 at the same time against `target`, each with
/// `--summary-export`, from the script's directory.
pub fn run_pair(target: &Target, script: &Path, args: &[&str]) -> (Side, Side) {
    run_pair_with(target, script, args, false)
}

/// [`run_pair`] of the suite script `name` against a fresh target; `None` (the test
/// passes, skipped) when `k6` is not on PATH.
pub fn run_suite_pair(name: &str, args: &[&str]) -> Option<(Side, Side)> {
    if !k6_available() {
        return None;
    }
    let target = Target::start();
    Some(run_pair(&target, &suite_script(name), args))
}

/// Every check passes under both tools, with the same metric set and the same check counts.
pub fn compare_all_checks_pass(d: &mut Diff, k6: &Side, rk6: &Side) {
    d.check("k6 passes every check", 0, failed_checks(k6));
    d.check("rk6 passes every check", 0, failed_checks(rk6));
    compare_structure(d, k6, rk6);
    compare_checks_exact(d, k6, rk6);
}

/// [`run_pair`], also recording each tool's samples (`--out json`) to count the
/// iterations of every scenario.
pub fn run_pair_counting_scenarios(target: &Target, script: &Path, args: &[&str]) -> (Side, Side) {
    run_pair_with(target, script, args, true)
}

fn run_pair_with(target: &Target, script: &Path, args: &[&str], record: bool) -> (Side, Side) {
    let dir = Scripts::new();
    let cwd = script.parent().expect("script dir").to_path_buf();
    let name = script.file_name().expect("script name").to_owned();
    let one = |tool: Tool| {
        let export = dir.path(&format!("{}.json", tool.name()));
        let points = dir.path(&format!("{}.points.json", tool.name()));
        let mut run = Run::new(tool)
            .target(target)
            .args(["run", "--summary-export"])
            .arg(&export);
        if record {
            run = run.arg("--out").arg(format!("json={}", points.display()));
        }
        let out = run.args(args).arg(&name).cwd(&cwd).output();
        let export = export.exists().then(|| Export::read(&export));
        let iterations_by_scenario = if record {
            count_iterations(&points)
        } else {
            BTreeMap::new()
        };
        Side {
            out,
            export,
            iterations_by_scenario,
        }
    };
    thread::scope(|s| {
        let k = s.spawn(|| one(Tool::K6));
        let r = s.spawn(|| one(Tool::Rk6));
        (k.join().expect("k6 run"), r.join().expect("rk6 run"))
    })
}

/// `iterations` points per `scenario` tag in a k6 JSON output file.
fn count_iterations(points: &Path) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    let text = std::fs::read_to_string(points).unwrap_or_default();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if v["type"] == "Point" && v["metric"] == "iterations" {
            let scenario = v["data"]["tags"]["scenario"]
                .as_str()
                .unwrap_or("")
                .to_string();
            *counts.entry(scenario).or_insert(0) += 1;
        }
    }
    counts
}

/// Per-scenario iteration counts within `tolerance` (a fraction of k6's count, at least
/// `slack` iterations).
pub fn compare_scenario_iterations(
    d: &mut Diff,
    k6: &Side,
    rk6: &Side,
    tolerance: f64,
    slack: u64,
) {
    d.check(
        "scenarios with iterations",
        k6.iterations_by_scenario.keys().collect::<Vec<_>>(),
        rk6.iterations_by_scenario.keys().collect::<Vec<_>>(),
    );
    for (scenario, &k) in &k6.iterations_by_scenario {
        let r = rk6
            .iterations_by_scenario
            .get(scenario)
            .copied()
            .unwrap_or(0);
        let allowed = ((k as f64 * tolerance).ceil() as u64).max(slack);
        if k.abs_diff(r) > allowed {
            d.note(format!(
                "iterations of scenario {scenario}: k6 {k}, rk6 {r} (allowed ±{allowed})"
            ));
        }
    }
}

pub fn compat_script(name: &str) -> Option<PathBuf> {
    match compat_dir() {
        Some(d) => Some(d.join(name)),
        None => {
            println!("skipping: ../shared/compat not present in this checkout");
            None
        }
    }
}

/// Collects every mismatch so one failure reports all differences at once.
#[derive(Default)]
pub struct Diff {
    problems: Vec<String>,
}

impl Diff {
    pub fn check<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, k6: T, rk6: T) {
        if k6 != rk6 {
            self.problems
                .push(format!("{what}:\n      k6:  {k6:?}\n      rk6: {rk6:?}"));
        }
    }

    pub fn note(&mut self, p: String) {
        self.problems.push(p);
    }

    pub fn finish(self, k6: &Side, rk6: &Side) {
        if self.problems.is_empty() {
            return;
        }
        panic!(
            "rk6 differs from k6:\n  - {}\n\n=== k6 ===\n{}\n\n=== rk6 ===\n{}",
            self.problems.join("\n  - "),
            k6.out.dump(),
            rk6.out.dump()
        );
    }
}

pub fn exports<'a>(k6: &'a Side, rk6: &'a Side) -> (&'a Export, &'a Export) {
    (
        k6.export
            .as_ref()
            .unwrap_or_else(|| panic!("k6 wrote no summary export\n{}", k6.out.dump())),
        rk6.export
            .as_ref()
            .unwrap_or_else(|| panic!("rk6 wrote no summary export\n{}", rk6.out.dump())),
    )
}

/// The fields a metric has in the legacy export (its "shape": counter, gauge, rate
/// or trend), without `thresholds`.
pub fn shape(m: &Value) -> BTreeSet<String> {
    m.as_object()
        .map(|o| o.keys().filter(|k| *k != "thresholds").cloned().collect())
        .unwrap_or_default()
}

/// Exit code, metric names and shapes, check names, threshold sources. Always compared.
pub fn compare_structure(d: &mut Diff, k6: &Side, rk6: &Side) {
    d.check("exit code", k6.out.code, rk6.out.code);
    let (ke, re) = exports(k6, rk6);
    // `iteration_start_lag` is rk6's own addition (arrival-rate executors).
    let mut rk6_names = re.metric_names();
    rk6_names.remove("iteration_start_lag");
    d.check("metric names", ke.metric_names(), rk6_names);
    for name in ke.metric_names().intersection(&re.metric_names()) {
        d.check(
            &format!("fields of metric {name}"),
            shape(ke.metric(name)),
            shape(re.metric(name)),
        );
    }
    d.check(
        "check paths",
        ke.checks().keys().cloned().collect::<Vec<_>>(),
        re.checks().keys().cloned().collect::<Vec<_>>(),
    );
    d.check("group paths", ke.group_paths(), re.group_paths());
    let sources = |e: &Export| -> BTreeMap<String, BTreeSet<String>> {
        e.thresholds()
            .into_iter()
            .map(|(m, t)| (m, t.into_keys().collect()))
            .collect()
    };
    d.check("threshold sources", sources(ke), sources(re));
}

/// How many checks failed in a side's run (0 when it wrote no export).
pub fn failed_checks(side: &Side) -> u64 {
    side.export
        .as_ref()
        .map_or(0, |e| e.checks().values().map(|(_, f)| f).sum())
}

/// Check pass/fail counts, exactly.
pub fn compare_checks_exact(d: &mut Diff, k6: &Side, rk6: &Side) {
    let (ke, re) = exports(k6, rk6);
    let (kc, rc) = (ke.checks(), re.checks());
    for (path, k) in &kc {
        if let Some(r) = rc.get(path) {
            d.check(&format!("check {path} (passes, fails)"), k, r);
        }
    }
}

/// Check pass/fail counts within `tolerance` (relative) of k6's, for time-driven scripts.
pub fn compare_checks_roughly(d: &mut Diff, k6: &Side, rk6: &Side, tolerance: f64) {
    let (ke, re) = exports(k6, rk6);
    let rc = re.checks();
    for (path, (kp, kf)) in ke.checks() {
        let Some(&(rp, rf)) = rc.get(&path) else {
            continue; // reported by compare_structure
        };
        for (what, k, r) in [("passes", kp, rp), ("fails", kf, rf)] {
            let slack = (k as f64 * tolerance).max(3.0);
            if (k as f64 - r as f64).abs() > slack {
                d.note(format!(
                    "check {path} {what}: k6 {k}, rk6 {r} (more than {:.0}% apart)",
                    tolerance * 100.0
                ));
            }
            // A check that never failed (or never passed) under k6 must not under rk6.
            if (k == 0) != (r == 0) {
                d.note(format!("check {path} {what}: k6 {k}, rk6 {r}"));
            }
        }
    }
}

/// Threshold verdicts (true = crossed), except for metrics in `timing_based`, whose
/// verdict depends on measured durations.
pub fn compare_verdicts(d: &mut Diff, k6: &Side, rk6: &Side, timing_based: &[&str]) {
    let (ke, re) = exports(k6, rk6);
    let keep = |e: &Export| -> BTreeMap<String, BTreeMap<String, bool>> {
        e.thresholds()
            .into_iter()
            .filter(|(m, _)| !timing_based.contains(&m.as_str()))
            .collect()
    };
    d.check("threshold verdicts (true = crossed)", keep(ke), keep(re));
    let crossed = |s: &Side| -> Option<BTreeSet<String>> {
        s.out.crossed_threshold_metrics().map(|v| {
            v.into_iter()
                .filter(|m| !timing_based.contains(&m.as_str()))
                .collect()
        })
    };
    d.check(
        "metrics named in 'thresholds on metrics … crossed' (as a set)",
        crossed(k6),
        crossed(rk6),
    );
}

/// Exact numeric fields of the given metrics (counts of deterministic events, custom
/// metric values).
pub fn compare_values(d: &mut Diff, k6: &Side, rk6: &Side, fields: &[(&str, &str)]) {
    let (ke, re) = exports(k6, rk6);
    for (metric, field) in fields {
        let k = ke.metrics().get(*metric).and_then(|m| m[*field].as_f64());
        let r = re.metrics().get(*metric).and_then(|m| m[*field].as_f64());
        d.check(&format!("{metric}.{field}"), k, r);
    }
}

/// Every numeric field of the given metrics, exactly.
pub fn compare_whole_metrics(d: &mut Diff, k6: &Side, rk6: &Side, metrics: &[&str]) {
    let (ke, re) = exports(k6, rk6);
    for metric in metrics {
        let fields: Vec<String> = shape(ke.metric(metric)).into_iter().collect();
        for f in &fields {
            if f == "rate" && ke.metric(metric).get("count").is_some() {
                continue; // a counter's per-second rate depends on the run time
            }
            let k = ke.metric(metric)[f.as_str()].as_f64();
            let r = re
                .metrics()
                .get(*metric)
                .and_then(|m| m[f.as_str()].as_f64());
            let same = match (k, r) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                (a, b) => a == b,
            };
            if !same {
                d.note(format!("{metric}.{f}: k6 {k:?}, rk6 {r:?}"));
            }
        }
    }
}

/// Replaces values that depend on time (durations, per-second rates, byte counts) so
/// two summaries can be compared line by line.
pub fn mask_line(line: &str) -> String {
    // Metric lines: keep the name and the dotted column, drop the values.
    if let Some(at) = line.find("...: ").or_else(|| line.find(".: ")) {
        let name_end = line[..at].trim_end_matches('.').len();
        return format!("{} …", &line[..name_end]);
    }
    // Threshold lines: `✓ 'p(95)<500' p(95)=44.04ms` → keep the verdict and source,
    // mask durations and per-second rates.
    line.split(' ')
        .map(|tok| match tok.split_once('=') {
            Some((k, v))
                if v.ends_with("s") && v.chars().next().is_some_and(|c| c.is_ascii_digit()) =>
            {
                format!("{k}=…")
            }
            _ => tok.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The end-of-test summary from its first section title to its end, masked.
pub fn summary_skeleton(stdout: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for l in stdout.lines() {
        if l.starts_with("  █ ") {
            inside = true;
        }
        if inside && l.starts_with("running (") {
            break;
        }
        if inside && !l.trim().is_empty() {
            lines.push(mask_line(l.trim_end()));
        }
    }
    lines
}

/// The execution header (`execution:`, `script:`, `scenarios:` lines).
pub fn header(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("execution:")
                || t.starts_with("script:")
                || t.starts_with("output:")
                || t.starts_with("scenarios:")
                || t.starts_with("* ")
        })
        .map(str::to_string)
        .collect()
}

pub fn compare_text_summary(d: &mut Diff, k6: &Side, rk6: &Side) {
    compare_text_summary_lines(d, k6, rk6, |l| l);
}

/// [`compare_text_summary`] for runs whose timing verdicts may differ: `✓`/`✗` masked,
/// and rk6's own `iteration_start_lag` line left out.
pub fn compare_text_summary_unjudged(d: &mut Diff, k6: &Side, rk6: &Side) {
    compare_text_summary_lines(d, k6, rk6, |l| l.replace(['✓', '✗'], "?"));
}

fn compare_text_summary_lines(
    d: &mut Diff,
    k6: &Side,
    rk6: &Side,
    mask: impl Fn(String) -> String,
) {
    d.check(
        "execution header",
        header(&k6.out.stdout),
        header(&rk6.out.stdout),
    );
    let skeleton = |stdout: &str| -> Vec<String> {
        summary_skeleton(stdout)
            .into_iter()
            .filter(|l| !l.starts_with("iteration_start_lag"))
            .map(&mask)
            .collect()
    };
    let (k, r) = (skeleton(&k6.out.stdout), skeleton(&rk6.out.stdout));
    if k != r {
        let width = k.len().max(r.len());
        let mut rows = Vec::new();
        for i in 0..width {
            let a = k.get(i).map(String::as_str).unwrap_or("<none>");
            let b = r.get(i).map(String::as_str).unwrap_or("<none>");
            if a != b {
                rows.push(format!("      line {i}: k6 {a:?} | rk6 {b:?}"));
            }
        }
        d.note(format!(
            "text summary skeleton differs:\n{}",
            rows.join("\n")
        ));
    }
}
