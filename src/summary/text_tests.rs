//! The compact summary must match k6 v1.1's real output byte for byte
//! (`compact_example.txt` is the verbatim k6 output recorded in the spec, section 4.3).

use super::*;
use crate::metrics::CheckTree;
use crate::summary::{Report, ReportMetric, ThresholdLine};

fn metric(
    name: &str,
    kind: MetricType,
    contains: ValueType,
    values: &[(&str, f64)],
) -> ReportMetric {
    let (parent, suffix) = match name.find('{') {
        Some(i) => (name[..i].to_string(), Some(name[i..].to_string())),
        None => (name.to_string(), None),
    };
    ReportMetric {
        name: name.to_string(),
        parent,
        suffix,
        kind,
        contains,
        values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        thresholds: vec![],
    }
}

fn th(source: &str, ok: bool, agg: &str, v: f64) -> ThresholdLine {
    ThresholdLine {
        source: source.into(),
        ok,
        agg: agg.into(),
        measured: Some(v),
    }
}

fn trend(avg: f64, min: f64, med: f64, max: f64, p90: f64, p95: f64) -> Vec<(&'static str, f64)> {
    vec![
        ("avg", avg),
        ("min", min),
        ("med", med),
        ("max", max),
        ("p(90)", p90),
        ("p(95)", p95),
    ]
}

#[test]
fn compact_summary_matches_k6_byte_for_byte() {
    use MetricType::*;
    use ValueType::*;
    let home = trend(29.44, 0.27663, 43.46, 43.71, 43.69, 43.7);
    let mut checks = metric(
        "checks{check:status is 200}",
        Rate,
        Default,
        &[("rate", 1.0), ("passes", 6.0), ("fails", 0.0)],
    );
    checks.thresholds = vec![th("rate>0.9", true, "rate", 1.0)];
    let mut dur = metric(
        "http_req_duration",
        Trend,
        Time,
        &trend(36.371, 0.27663, 43.64, 44.13, 43.95, 44.04),
    );
    dur.thresholds = vec![
        th("p(95)<500", true, "p(95)", 44.04),
        th("avg<300", true, "avg", 36.371),
    ];
    let mut dur_home = metric("http_req_duration{name:home}", Trend, Time, &home);
    dur_home.thresholds = vec![th("max<1000", true, "max", 43.71)];
    let mut failed = metric(
        "http_req_failed",
        Rate,
        Default,
        &[("rate", 0.5), ("passes", 6.0), ("fails", 6.0)],
    );
    failed.thresholds = vec![th("rate<0.5", false, "rate", 0.5)];
    let mut counter = metric(
        "my_counter",
        Counter,
        Default,
        &[("count", 6.0), ("rate", 26.856092)],
    );
    counter.thresholds = vec![th("count>1", true, "count", 6.0)];
    let report = Report {
        metrics: vec![
            checks,
            metric(
                "iterations",
                Counter,
                Default,
                &[("count", 6.0), ("rate", 26.856092)],
            ),
            metric(
                "iteration_duration",
                Trend,
                Time,
                &trend(73.72, 43.55, 87.73, 88.37, 88.23, 88.3),
            ),
            metric(
                "data_received",
                Counter,
                Data,
                &[("count", 1800.0), ("rate", 8000.0)],
            ),
            metric(
                "data_sent",
                Counter,
                Data,
                &[("count", 912.0), ("rate", 4100.0)],
            ),
            metric(
                "http_reqs",
                Counter,
                Default,
                &[("count", 12.0), ("rate", 53.712184)],
            ),
            failed,
            dur,
            metric(
                "http_req_duration{expected_response:true}",
                Trend,
                Time,
                &home,
            ),
            dur_home,
            metric("http_req_waiting", Trend, Time, &home),
            counter,
            metric(
                "my_gauge",
                Gauge,
                Default,
                &[("value", 1.0), ("min", 1.0), ("max", 2.0)],
            ),
            metric(
                "my_rate",
                Rate,
                Default,
                &[("rate", 1.0), ("passes", 6.0), ("fails", 0.0)],
            ),
            metric("my_trend", Trend, Time, &home),
        ],
        checks: CheckTree {
            groups: vec!["::g1".into()],
            checks: vec![
                (("::g1".into(), "status is 200".into()), (6, 0)),
                (("".into(), "is 404".into()), (6, 0)),
                (("".into(), "is 200".into()), (0, 6)),
            ],
        },
        duration_secs: 18.0 / 80.568275,
        trend_stats: vec![],
        time_unit: String::new(),
        groups: vec![],
        scenarios: vec![],
    };
    let got = render_compact(&report, Painter { enabled: false });
    let expected = format!("\n{}\n", include_str!("compact_example.txt"));
    assert_eq!(
        got, expected,
        "\n--- got ---\n{got}\n--- expected ---\n{expected}"
    );
}
