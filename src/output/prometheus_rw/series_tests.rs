use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::*;

fn def(name: &str, kind: MetricType, contains: ValueType) -> MetricDef {
    MetricDef {
        name: name.to_string(),
        kind,
        contains,
    }
}

fn sample(metric: MetricId, ms: u64, value: f64, tags: &[(&str, &str)]) -> Sample {
    Sample {
        metric,
        time: UNIX_EPOCH + Duration::from_micros(ms * 1000 + 400),
        value,
        tags: Arc::new(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
        metadata: None,
    }
}

fn stats(list: &[&str]) -> TrendMapping {
    let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    TrendMapping::Stats(TrendStat::parse_all(&list).unwrap())
}

/// A series' first sample (value, timestamp) and its labels.
type Seen = (f64, i64, Vec<(String, String)>);

fn by_name(series: &[TimeSeries]) -> BTreeMap<String, Seen> {
    series
        .iter()
        .map(|ts| {
            let name = ts
                .labels
                .iter()
                .find(|l| l.name == "__name__")
                .map(|l| l.value.clone())
                .unwrap_or_default();
            let labels = ts
                .labels
                .iter()
                .map(|l| (l.name.clone(), l.value.clone()))
                .collect();
            let s = ts.samples.first().cloned().unwrap_or_default();
            (name, (s.value, s.timestamp, labels))
        })
        .collect()
}

#[test]
fn series_are_named_by_metric_type_and_carry_sorted_non_empty_tags() {
    let mut store = SeriesStore::new(stats(&["p(99)", "avg", "count", "p(99.9)"]));
    let reqs = def("http_reqs", MetricType::Counter, ValueType::Default);
    let vus = def("vus", MetricType::Gauge, ValueType::Default);
    let checks = def("checks", MetricType::Rate, ValueType::Default);
    let dur = def("http_req_duration", MetricType::Trend, ValueType::Time);
    let tags = [("status", "200"), ("group", ""), ("Zone", "eu")];
    store.add(&reqs, &sample(0, 10, 1.0, &tags));
    store.add(&reqs, &sample(0, 11, 1.0, &tags));
    store.add(&vus, &sample(1, 10, 3.0, &[]));
    store.add(&checks, &sample(2, 10, 1.0, &[]));
    store.add(&checks, &sample(2, 10, 0.0, &[]));
    store.add(&dur, &sample(3, 10, 100.0, &tags));
    store.add(&dur, &sample(3, 10, 300.0, &tags));
    let got = by_name(&store.take_fresh());
    let names: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "k6_checks_rate",
            "k6_http_req_duration_avg",
            "k6_http_req_duration_count",
            "k6_http_req_duration_p99",
            "k6_http_req_duration_p999",
            "k6_http_reqs_total",
            "k6_vus"
        ]
    );
    let (value, at, labels) = &got["k6_http_reqs_total"];
    assert_eq!((*value, *at), (2.0, 11));
    let label_names: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(label_names, ["Zone", "__name__", "status"]);
    assert_eq!(got["k6_checks_rate"].0, 0.5);
    // Time trends are in seconds, their count too (as the extension converts every stat).
    assert_eq!(got["k6_http_req_duration_avg"].0, 0.2);
    assert_eq!(got["k6_http_req_duration_count"].0, 0.002);
    assert!((got["k6_http_req_duration_p99"].0 - 0.298).abs() < 1e-12);
}

#[test]
fn a_series_goes_out_again_only_with_a_newer_millisecond_and_stays_cumulative() {
    let mut store = SeriesStore::new(stats(&["p(99)"]));
    let reqs = def("http_reqs", MetricType::Counter, ValueType::Default);
    store.add(&reqs, &sample(0, 10, 1.0, &[]));
    assert_eq!(store.take_fresh().len(), 1);
    store.add(&reqs, &sample(0, 10, 1.0, &[]));
    assert!(store.take_fresh().is_empty());
    store.add(&reqs, &sample(0, 12, 1.0, &[]));
    let got = by_name(&store.take_fresh());
    assert_eq!(got["k6_http_reqs_total"].0, 3.0);
    assert_eq!(got["k6_http_reqs_total"].1, 12);
}

#[test]
fn stale_markers_cover_every_series_with_prometheus_stale_nan() {
    let mut store = SeriesStore::new(TrendMapping::NativeHistogram);
    let reqs = def("http_reqs", MetricType::Counter, ValueType::Default);
    let dur = def("http_req_duration", MetricType::Trend, ValueType::Time);
    store.add(&reqs, &sample(0, 10, 1.0, &[]));
    store.add(&dur, &sample(3, 10, 250.0, &[]));
    let fresh = by_name(&store.take_fresh());
    assert!(fresh.contains_key("k6_http_req_duration_seconds"));
    let stale = store.stale_markers(99);
    assert_eq!(stale.len(), 2);
    for ts in &stale {
        assert_eq!(ts.samples[0].value.to_bits(), STALE_MARKER_BITS);
        assert_eq!(ts.samples[0].timestamp, 99);
    }
    let hist = stale.iter().find(|ts| !ts.histograms.is_empty()).unwrap();
    assert_eq!(hist.histograms[0].sum, 0.25);
}

#[test]
fn trend_stats_are_checked_like_k6() {
    let parse = |s: &str| TrendStat::parse_all(&[s.to_string()]);
    assert!(parse("sum").is_ok());
    assert_eq!(parse("p(0.5)").unwrap()[0].suffix, "p05");
    assert_eq!(
        parse("p99").unwrap_err().to_string(),
        "invalid trend stat 'p99', unknown format"
    );
    assert!(parse("p(101)").is_err());
}
