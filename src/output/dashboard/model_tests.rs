//! The model against a run's shape: buckets, totals, tables and thresholds from samples,
//! and a one-hour report at one-second buckets rendered by a real headless Chromium.

use std::time::{Duration, SystemTime};

use rk6_runtime::metrics::{builtin, Registry, Sample};
use serde_json::Value;

use super::model::{Model, RunInfo};
use super::page;
use crate::metrics::threshold::ThresholdExpr;
use crate::metrics::ThresholdSpec;

fn sample(metric: u32, value: f64, at: SystemTime, tags: &[(&str, &str)]) -> Sample {
    crate::metrics::test_sample(metric, value, at, tags)
}

/// One request to `name`: its count, duration and failure flag, as k6/http emits them.
fn request(name: &str, status: &str, ms: f64, at: SystemTime) -> Vec<Sample> {
    let failed = if status.starts_with('2') { 0.0 } else { 1.0 };
    let tags = [
        ("name", name),
        ("method", "GET"),
        ("status", status),
        ("scenario", "default"),
        ("group", "::shop"),
    ];
    vec![
        sample(builtin::HTTP_REQS, 1.0, at, &tags),
        sample(builtin::HTTP_REQ_DURATION, ms, at, &tags),
        sample(builtin::HTTP_REQ_FAILED, failed, at, &tags),
    ]
}

fn model(spec: &ThresholdSpec) -> Model {
    let info = RunInfo {
        title: "t.js".into(),
        response_sizes: Default::default(),
        options: serde_json::json!({}),
        scenarios: vec![("default".into(), "constant-vus".into())],
    };
    Model::new(info, Registry::new(), spec, Duration::from_secs(1))
}

#[test]
fn buckets_totals_and_tables_follow_the_samples() {
    let mut spec = ThresholdSpec::new();
    spec.insert(
        "http_req_duration{name:slow}".into(),
        vec![ThresholdExpr::parse("max<100").expect("valid")],
    );
    let mut m = model(&spec);
    let t0 = SystemTime::now();
    m.add(&request("fast", "200", 10.0, t0));
    m.add(&request("slow", "503", 300.0, t0));
    m.close_bucket(t0 + Duration::from_secs(1));
    m.add(&request("fast", "200", 20.0, t0));
    m.close_bucket(t0 + Duration::from_secs(2));
    m.finish(Some("summary text".into()), None);
    let d = m.snapshot();
    assert_eq!(d["buckets"]["t"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        d["buckets"]["m"]["http_reqs"],
        serde_json::json!([2.0, 1.0])
    );
    assert_eq!(
        d["buckets"]["m"]["http_req_failed"],
        serde_json::json!([[1, 2], [0, 1]])
    );
    assert_eq!(
        d["buckets"]["m"]["http_req_duration"][1][0], 1,
        "one sample in bucket 2"
    );
    assert_eq!(d["totals"]["http_reqs"]["count"], 3.0);
    assert_eq!(d["aggregated"]["requests"], 3);
    assert_eq!(d["aggregated"]["failures"], 1);
    let endpoints = d["endpoints"].as_array().cloned().unwrap_or_default();
    assert_eq!(endpoints.len(), 2);
    assert_eq!(endpoints[0]["name"], "fast");
    assert_eq!(endpoints[0]["requests"], 2);
    assert_eq!(d["failures"][0]["message"], "HTTP 503 Service Unavailable");
    assert_eq!(d["failures"][0]["status"], 503);
    assert_eq!(d["scenarios"][0]["http_reqs"], 3);
    assert_eq!(d["groups"][0]["path"], "::shop");
    assert_eq!(d["thresholds"][0]["ok"], false, "{}", d["thresholds"]);
    assert_eq!(d["state"], "finished");
    assert_eq!(d["summary"], "summary text");
    // A page connecting now gets the published buckets (none yet); the update brings the
    // two closed ones once, the next none.
    assert_eq!(
        m.page_snapshot()["buckets"]["t"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        m.take_update()["buckets"]["t"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        m.take_update()["buckets"]["t"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        m.page_snapshot()["buckets"]["t"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn endpoints_show_the_average_size_the_vus_counted() {
    let mut m = model(&ThresholdSpec::new());
    let sizes = m.response_sizes();
    sizes.add("GET", "fast", 100);
    sizes.add("GET", "fast", 300);
    m.add(&request("fast", "200", 10.0, SystemTime::now()));
    let d = m.snapshot();
    assert_eq!(d["endpoints"][0]["avg_size"], 200.0);
    assert_eq!(d["aggregated"]["avg_size"], 200.0);
}

#[test]
fn endpoints_past_the_cap_share_one_row() {
    let mut m = model(&ThresholdSpec::new());
    let at = SystemTime::now();
    for i in 0..rk6_runtime::metrics::MAX_ENDPOINTS + 5 {
        m.add(&request(&format!("http://x/{i}"), "200", 1.0, at));
    }
    let d = m.snapshot();
    let rows = d["endpoints"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), rk6_runtime::metrics::MAX_ENDPOINTS + 1);
    let last = rows.last().cloned().unwrap_or_default();
    assert_eq!(
        (last["name"].as_str(), last["requests"].as_u64()),
        (Some("(other endpoints)"), Some(5))
    );
    assert_eq!(d["aggregated"]["requests"], 1005);
}

#[test]
fn a_metric_first_seen_late_reads_empty_before() {
    let mut m = model(&ThresholdSpec::new());
    let t0 = SystemTime::now();
    m.close_bucket(t0);
    m.add(&[sample(builtin::VUS, 5.0, t0, &[])]);
    m.close_bucket(t0 + Duration::from_secs(1));
    assert_eq!(
        m.snapshot()["buckets"]["m"]["vus"],
        serde_json::json!([null, 5.0])
    );
}

/// A run of one hour at one-second buckets: 3,600 points per series.
fn hour_long_model() -> Model {
    let mut m = model(&ThresholdSpec::new());
    let t0 = SystemTime::now();
    for s in 0..3600u64 {
        let at = t0 + Duration::from_secs(s);
        for i in 0..5 {
            let status = if (s + i) % 97 == 0 { "503" } else { "200" };
            m.add(&request(
                ["home", "login", "api"][i as usize % 3],
                status,
                (s % 50) as f64,
                at,
            ));
        }
        m.add(&[sample(builtin::VUS, (s % 20) as f64, at, &[])]);
        m.close_bucket(at + Duration::from_secs(1));
    }
    m
}

#[test]
fn an_hour_at_one_second_buckets_renders_in_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser"].iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        println!("skipping: chromium not installed");
        return;
    };
    let mut m = hour_long_model();
    m.finish(None, None);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hour.html");
    std::fs::write(&path, page::render(Some(&m.snapshot()))).expect("write");
    let profile = dir.path().join("profile");
    let started = std::time::Instant::now();
    let out = std::process::Command::new("timeout")
        .args([
            "60",
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
        ])
        .args([
            "--disable-background-networking",
            "--no-first-run",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--enable-logging=stderr", "--v=0"])
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("data-ready=\"1\""),
        "not rendered: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dom.matches("<canvas").count() >= 6, "charts missing");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page logged: {console:?}");
    assert!(
        started.elapsed() < Duration::from_secs(45),
        "rendering took {:?}",
        started.elapsed()
    );
    let data: Value = m.snapshot();
    assert_eq!(data["buckets"]["t"].as_array().map(Vec::len), Some(3600));
}
