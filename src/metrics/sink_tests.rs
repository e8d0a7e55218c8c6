//! Sink math against k6's, data form round trips, and merging.
use super::*;

#[test]
fn trend_percentiles_interpolate_like_k6() {
    let mut t = TrendSink::default();
    for v in [1.0, 2.0, 3.0, 4.0] {
        t.add(v);
    }
    assert_eq!(t.percentile(0.5), 2.5);
    assert!((t.percentile(0.9) - 3.7).abs() < 1e-9);
    assert_eq!(t.avg(), 2.5);
}

#[test]
fn selected_percentiles_equal_sorted_interpolation() {
    // Deterministic pseudo-random values with repeats and negatives.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let values: Vec<f64> = (0..997)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2_000) as f64 / 7.0 - 100.0
        })
        .collect();
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    for p in [0.0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
        let i = p * (sorted.len() - 1) as f64;
        let (lo, hi) = (i.floor() as usize, i.ceil() as usize);
        let want = sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo as f64);
        assert_eq!(exact_percentile(&values, p), want, "p({p})");
    }
}

#[test]
fn percentile_edges_match_k6s_interpolation() {
    let mut one = TrendSink::default();
    one.add(7.0);
    for q in [0.0, 0.5, 0.99, 1.0] {
        assert_eq!(one.percentile(q), 7.0, "p({q}) of one sample");
    }
    let mut t = TrendSink::default();
    for v in [10.0, 0.0, 30.0, 20.0] {
        t.add(v);
    }
    assert_eq!(t.percentile(0.0), 0.0);
    assert_eq!(t.percentile(1.0), 30.0);
    // k6: index p*(n-1) between sorted neighbours: 0.95*3 = 2.85 -> 20 + 0.85*10.
    assert!((t.percentile(0.95) - 28.5).abs() < 1e-9);
    assert!((t.percentile(0.999) - 29.97).abs() < 1e-9);
}

#[test]
fn long_trends_fold_into_a_histogram_within_precision() {
    let mut t = TrendSink::default();
    for i in 0..100_000 {
        t.add(i as f64 / 100.0);
    }
    assert!(t.exact.is_none());
    let p95 = t.percentile(0.95);
    assert!((p95 - 950.0).abs() / 950.0 < 0.002, "p95={p95}");
    assert_eq!(t.max(), 999.99);
    assert_eq!(t.count, 100_000);
}

#[test]
fn gauge_max_starts_at_zero_and_rate_counts_nonzero() {
    let mut g = Sink::new(MetricType::Gauge);
    g.add(-5.0);
    g.add(-3.0);
    assert_eq!(g.aggregate("max", 1.0), Some(0.0));
    assert_eq!(g.aggregate("min", 1.0), Some(-5.0));
    assert_eq!(g.aggregate("value", 1.0), Some(-3.0));
    let mut r = Sink::new(MetricType::Rate);
    for v in [1.0, 0.0, 2.0] {
        r.add(v);
    }
    assert_eq!(r.aggregate("rate", 1.0), Some(2.0 / 3.0));
}

#[test]
fn percentile_names_parse() {
    assert_eq!(parse_percentile("p(95)"), Some(0.95));
    assert!((parse_percentile("p(99.9)").unwrap() - 0.999).abs() < 1e-12);
    assert_eq!(parse_percentile("p(101)"), None);
    assert_eq!(parse_percentile("avg"), None);
}

fn trend(values: impl IntoIterator<Item = f64>) -> TrendSink {
    let mut t = TrendSink::default();
    for v in values {
        t.add(v);
    }
    t
}

#[test]
fn trends_survive_their_data_form_and_merge_like_one_trend() {
    // Exact, folded, and with negatives: each side alone and merged.
    let cases: [(Vec<f64>, Vec<f64>); 3] = [
        (
            (0..50).map(f64::from).collect(),
            (50..120).map(f64::from).collect(),
        ),
        (
            (0..8_000).map(|i| i as f64 / 3.0).collect(),
            (0..9_000).map(|i| i as f64 / 7.0 - 50.0).collect(),
        ),
        ((0..30_000).map(f64::from).collect(), vec![-1.0, 2.5]),
    ];
    for (a, b) in cases {
        let (ta, tb) = (trend(a.clone()), trend(b.clone()));
        let back = TrendSink::from_data(ta.data()).unwrap();
        assert_eq!(back.data(), ta.data());
        let json = serde_json::to_string(&Sink::Trend(Box::new(tb.clone())).data()).unwrap();
        let tb = match Sink::from_data(serde_json::from_str(&json).unwrap()).unwrap() {
            Sink::Trend(t) => *t,
            _ => unreachable!(),
        };
        let mut merged = ta;
        merged.merge(&tb);
        let whole = trend(a.into_iter().chain(b));
        assert_eq!(
            (merged.count, merged.min(), merged.max()),
            (whole.count, whole.min(), whole.max())
        );
        assert!((merged.sum - whole.sum).abs() < 1e-6);
        for p in [0.5, 0.9, 0.95, 0.99] {
            let (m, w) = (merged.percentile(p), whole.percentile(p));
            assert!(
                (m - w).abs() <= w.abs() * 0.002 + 1e-9,
                "p({p}): merged {m}, one trend {w}"
            );
        }
    }
}

#[test]
fn sinks_merge_by_kind() {
    let mut c = Sink::Counter {
        sum: 2.0,
        seen: true,
    };
    c.merge(
        &Sink::Counter {
            sum: 3.0,
            seen: true,
        },
        GaugeMerge::Latest,
    )
    .unwrap();
    assert_eq!(c.aggregate("count", 1.0), Some(5.0));
    let mut r = Sink::Rate { trues: 1, total: 2 };
    r.merge(&Sink::Rate { trues: 3, total: 4 }, GaugeMerge::Latest)
        .unwrap();
    assert_eq!(r.aggregate("rate", 1.0), Some(4.0 / 6.0));
    let g = |value: f64, min: f64, max: f64| Sink::Gauge {
        value,
        min,
        max,
        seen: true,
    };
    let mut sum = g(3.0, 1.0, 5.0);
    sum.merge(&g(2.0, 0.0, 4.0), GaugeMerge::Sum).unwrap();
    assert_eq!(sum.data(), g(5.0, 1.0, 9.0).data());
    let mut latest = g(3.0, 1.0, 5.0);
    latest.merge(&g(2.0, 0.0, 4.0), GaugeMerge::Latest).unwrap();
    assert_eq!(latest.data(), g(2.0, 0.0, 5.0).data());
    assert!(c.merge(&r, GaugeMerge::Latest).is_err());
    assert!(Sink::from_data(SinkData::Rate { trues: 3, total: 2 }).is_err());
}
