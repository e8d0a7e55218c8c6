//! `--out result=…` and `rk6 merge`: a test split into execution segments (as k6-operator
//! runs it) adds up to the summary, thresholds, `--summary-export` and exit code of one
//! run of the whole test; bad sets of parts are refused aloud.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

/// Every value is known: `my_trend` gets the test-wide iteration number, so the merged
/// distribution must equal the whole run's exactly.
const SCRIPT: &str = r#"
import http from 'k6/http';
import exec from 'k6/execution';
import { check, group } from 'k6';
import { Trend, Counter, Gauge } from 'k6/metrics';
const t = new Trend('my_trend');
const c = new Counter('my_counter');
const g = new Gauge('my_gauge');
export const options = {
  scenarios: { a: { executor: 'shared-iterations', vus: 6, iterations: 300 } },
  thresholds: {
    http_req_duration: ['p(95)<2000'],
    'http_reqs{status:200}': [__ENV.OK200 || 'count>=300'],
    http_reqs: [__ENV.REQS || 'count<100000'],
    my_trend: [__ENV.TREND || 'p(90)<1000'],
    checks: ['rate>0.7'],
  },
};
export default function () {
  group('g', () => {
    const r = http.get(`${__ENV.BASE_URL}/get`);
    check(r, { ok: (r) => r.status === 200, odd: () => exec.scenario.iterationInTest % 2 === 1 });
  });
  t.add(exec.scenario.iterationInTest);
  c.add(2);
  g.add(7);
}
"#;

const SEQUENCE: &str = "0,1/3,2/3,1";
const SEGMENTS: [&str; 3] = ["0:1/3", "1/3:2/3", "2/3:1"];

/// `n` equal segments and their sequence (`0:1/2`, `1/2:1`; `0,1/2,1`).
fn split(n: u32) -> (Vec<String>, String) {
    let point = |i: u32| match i {
        0 => "0".to_string(),
        i if i == n => "1".to_string(),
        i => format!("{i}/{n}"),
    };
    let segments = (0..n)
        .map(|i| format!("{}:{}", point(i), point(i + 1)))
        .collect();
    let sequence: Vec<String> = (0..=n).map(point).collect();
    (segments, sequence.join(","))
}

fn segment_run(target: &Target, dir: &Path, seg: &str, out: &str, env: &[(&str, &str)]) -> Output {
    part_run(target, dir, (seg, SEQUENCE), out, env)
}

/// Runs `t.js` as the instance running `segment` of `sequence`, writing its part to `out`.
fn part_run(
    target: &Target,
    dir: &Path,
    (segment, sequence): (&str, &str),
    out: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut r = Run::rk6()
        .target(target)
        .cwd(dir)
        .args(["run", "-q", "--execution-segment", segment])
        .args(["--execution-segment-sequence", sequence])
        .args(["--out", out, "t.js"])
        .timeout(Duration::from_secs(60));
    for (k, v) in env {
        r = r.env(k, v);
    }
    r.output()
}

fn merge(dir: &Path, args: &[&str]) -> Output {
    Run::rk6()
        .cwd(dir)
        .arg("merge")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
}

#[test]
fn one_two_and_four_instances_merge_into_the_whole_tests_summary_thresholds_and_exit_code() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    let whole = Run::rk6()
        .target(&target)
        .cwd(dir.dir())
        .args(["run", "-q", "--summary-export", "whole.json", "t.js"])
        .timeout(Duration::from_secs(60))
        .output();
    whole.assert_code(0);
    let w = Export::read(&dir.path("whole.json"));
    for n in [1, 2, 4] {
        let parts = format!("parts{n}");
        std::fs::create_dir(dir.path(&parts)).unwrap();
        let (segments, sequence) = split(n);
        for seg in &segments {
            let out = part_run(
                &target,
                dir.dir(),
                (seg, &sequence),
                &format!("result={parts}/"),
                &[],
            );
            // Alone, an instance with part of the requests fails the count threshold.
            out.assert_code(if n == 1 { 0 } else { 99 });
        }
        let export = format!("merged{n}.json");
        let merged = merge(dir.dir(), &[&parts, "--summary-export", &export]);
        merged.assert_code(0);
        assert!(
            merged.stdout.contains("✓ 'count>=300' count=300"),
            "{}",
            merged.dump()
        );
        let m = Export::read(&dir.path(&export));
        assert_eq!(w.metric_names(), m.metric_names(), "{n} parts");
        assert_eq!(w.thresholds(), m.thresholds(), "{n} parts");
        for (metric, field) in [
            ("http_reqs", "count"),
            ("iterations", "count"),
            ("my_counter", "count"),
            ("my_gauge", "value"),
            ("checks", "passes"),
            ("checks", "fails"),
            ("my_trend", "avg"),
            ("my_trend", "min"),
            ("my_trend", "max"),
            ("my_trend", "med"),
            ("my_trend", "p(90)"),
            ("my_trend", "p(95)"),
        ] {
            assert_eq!(
                w.num(metric, field),
                m.num(metric, field),
                "{n} parts: {metric}.{field}"
            );
        }
        assert_eq!(w.checks(), m.checks(), "{n} parts");
    }
}

#[test]
fn a_threshold_only_the_whole_test_crosses_fails_the_merge_while_every_part_passes() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    let env = [("OK200", "count>=0"), ("REQS", "count<250")];
    std::fs::create_dir(dir.path("parts")).unwrap();
    for seg in SEGMENTS {
        // 100 requests each: under 250.
        segment_run(&target, dir.dir(), seg, "result=parts/", &env).assert_code(0);
    }
    let merged = merge(dir.dir(), &["parts"]);
    merged.assert_code(99);
    assert!(
        merged.stdout.contains("✗ 'count<250' count=300"),
        "{}",
        merged.dump()
    );
    assert!(
        merged
            .stderr
            .contains("thresholds on metrics 'http_reqs' have been crossed"),
        "{}",
        merged.dump()
    );
}

#[test]
fn thresholds_crossed_over_all_parts_fail_the_merge() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    // The merged test's thresholds decide its exit code: 99 when crossed over all parts.
    std::fs::create_dir(dir.path("strict")).unwrap();
    for seg in SEGMENTS {
        segment_run(
            &target,
            dir.dir(),
            seg,
            "result=strict/",
            &[("TREND", "p(90)<200")],
        );
    }
    let crossed = merge(dir.dir(), &["strict"]);
    crossed.assert_code(99);
    assert!(
        crossed.stdout.contains("✗ 'p(90)<200' p(90)=269.1"),
        "{}",
        crossed.dump()
    );
    assert!(
        crossed
            .stderr
            .contains("thresholds on metrics 'my_trend' have been crossed"),
        "{}",
        crossed.dump()
    );
}

#[test]
fn incomplete_overlapping_or_foreign_parts_are_said_aloud() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    for (i, seg) in SEGMENTS.iter().take(2).enumerate() {
        segment_run(&target, dir.dir(), seg, &format!("result=p{i}.json"), &[]);
    }
    let partial = merge(dir.dir(), &["p0.json", "p1.json"]);
    partial.assert_code(99);
    assert!(
        partial
            .stderr
            .contains("the 2 result parts cover 66.67 % of the test"),
        "{}",
        partial.dump()
    );
    let twice = merge(dir.dir(), &["p0.json", "p1.json", "p0.json"]);
    twice.assert_code(104);
    assert!(
        twice.stderr.contains("both hold segment 0:1/3"),
        "{}",
        twice.dump()
    );
    segment_run(
        &target,
        dir.dir(),
        "2/3:1",
        "result=other.json",
        &[("TREND", "avg<5")],
    );
    let foreign = merge(dir.dir(), &["p0.json", "p1.json", "other.json"]);
    foreign.assert_code(104);
    assert!(
        foreign.stderr.contains("define different thresholds"),
        "{}",
        foreign.dump()
    );
    // The same thresholds, another script.
    let other = Scripts::new();
    other.write("t.js", format!("{SCRIPT}\n// another test\n"));
    segment_run(&target, other.dir(), "2/3:1", "result=p2.json", &[]);
    std::fs::copy(other.path("p2.json"), dir.path("p2.json")).unwrap();
    let mixed = merge(dir.dir(), &["p0.json", "p1.json", "p2.json"]);
    mixed.assert_code(104);
    assert!(
        mixed
            .stderr
            .contains("p0.json and p2.json come from different scripts"),
        "{}",
        mixed.dump()
    );
    std::fs::write(dir.path("junk.json"), b"{\"rk6Result\": 1").unwrap();
    let junk = merge(dir.dir(), &["junk.json"]);
    junk.assert_code(255);
    assert!(
        junk.stderr.contains("junk.json: not an rk6 result part"),
        "{}",
        junk.dump()
    );
    let waited = merge(dir.dir(), &["p0.json", "--expect", "3", "--wait", "1s"]);
    waited.assert_code(255);
    assert!(
        waited.stderr.contains("for 3 result parts, found 1"),
        "{}",
        waited.dump()
    );
}

#[test]
fn a_result_path_that_cannot_be_written_stops_the_run_before_it_starts() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    let out = segment_run(
        &target,
        dir.dir(),
        "0:1/3",
        "result=no/such/dir/p.json",
        &[],
    );
    assert_ne!(out.code, 0, "{}", out.dump());
    assert!(out.stderr.contains("no/such/dir/p.json"), "{}", out.dump());
    assert!(!out.stdout.contains("TOTAL RESULTS"), "{}", out.dump());
}

#[test]
fn a_full_summary_merges_groups_when_every_part_kept_them() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    std::fs::create_dir(dir.path("full")).unwrap();
    for seg in SEGMENTS {
        let out = Run::rk6()
            .target(&target)
            .cwd(dir.dir())
            .args([
                "run",
                "-q",
                "--summary-mode",
                "full",
                "--execution-segment",
                seg,
            ])
            .args([
                "--execution-segment-sequence",
                SEQUENCE,
                "--out",
                "result=full/",
                "t.js",
            ])
            .timeout(Duration::from_secs(60))
            .output();
        out.assert_code(99);
    }
    let merged = merge(dir.dir(), &["full", "--summary-mode", "full"]);
    merged.assert_code(0);
    let group = merged
        .stdout
        .split("GROUP: g")
        .nth(1)
        .unwrap_or_else(|| panic!("no group section\n{}", merged.dump()));
    assert!(group.contains("✓ 150 / ✗ 150"), "{}", merged.dump());
    assert!(group.contains("http_reqs"), "{}", merged.dump());

    std::fs::create_dir(dir.path("compact")).unwrap();
    segment_run(&target, dir.dir(), "0:1/3", "result=compact/", &[]);
    let refused = merge(dir.dir(), &["compact", "--summary-mode", "full"]);
    refused.assert_code(104);
    assert!(
        refused.stderr.contains("without --summary-mode=full"),
        "{}",
        refused.dump()
    );
}

#[test]
fn expect_waits_for_the_runners_parts_and_ignores_an_earlier_runs() {
    let target = Target::start();
    let (dir, _) = script("t.js", SCRIPT);
    std::fs::create_dir(dir.path("shared")).unwrap();
    // A part an earlier run left in the directory.
    segment_run(&target, dir.dir(), "0:1/3", "result=shared/old.json", &[]);
    std::thread::sleep(Duration::from_millis(50));
    let mut merging = KillOnDrop(
        std::process::Command::new(rk6_bin())
            .current_dir(dir.dir())
            .args(["merge", "shared", "--expect", "3", "--wait", "60s"])
            .args(["--summary-export", "merged.json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(1200));
    for seg in SEGMENTS {
        segment_run(&target, dir.dir(), seg, "result=shared/", &[]);
    }
    wait_at_most(&mut merging, Duration::from_secs(30));
    assert_eq!(merging.wait().unwrap().code(), Some(0));
    let merged = Export::read(&dir.path("merged.json"));
    assert_eq!(
        merged.num("http_reqs", "count"),
        300.0,
        "the old part was counted"
    );
}

/// A timed test: two instances running at once give the one-run counts within 5 %, and a
/// Trend's p95 within 5 %.
#[test]
fn timed_instances_merge_within_five_percent_of_one_run() {
    let target = Target::start();
    let src = r#"
import http from 'k6/http';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
const work = new Trend('work');
export const options = {
  scenarios: { a: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '2s', preAllocatedVUs: 20 } },
};
export default function () {
  http.get(`${__ENV.BASE_URL}/get`);
  work.add(exec.scenario.iterationInTest % 100);
}
"#;
    let (dir, _) = script("t.js", src);
    let run = |args: &[&str]| {
        Run::rk6()
            .target(&target)
            .cwd(dir.dir())
            .args(["run", "-q"])
            .args(args)
            .arg("t.js")
            .timeout(Duration::from_secs(60))
    };
    let (segments, sequence) = split(2);
    std::fs::create_dir_all(dir.path("parts")).unwrap();
    let instances: Vec<_> = segments
        .iter()
        .map(|seg| {
            let r = run(&[
                "--execution-segment",
                seg,
                "--execution-segment-sequence",
                &sequence,
            ])
            .args(["--out", "result=parts/"]);
            std::thread::spawn(move || r.output())
        })
        .collect();
    for i in instances {
        i.join().unwrap().assert_code(0);
    }
    run(&["--summary-export", "whole.json"])
        .output()
        .assert_code(0);
    merge(dir.dir(), &["parts", "--summary-export", "merged.json"]).assert_code(0);
    let (w, m) = (
        Export::read(&dir.path("whole.json")),
        Export::read(&dir.path("merged.json")),
    );
    let close = |a: f64, b: f64| (a - b).abs() <= 0.05 * a.abs().max(b.abs());
    for (metric, field) in [
        ("iterations", "count"),
        ("http_reqs", "count"),
        ("work", "avg"),
        ("work", "p(95)"),
    ] {
        let (a, b) = (w.num(metric, field), m.num(metric, field));
        assert!(close(a, b), "{metric}.{field}: one run {a}, merged {b}");
    }
}
