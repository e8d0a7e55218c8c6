//! Aggregation of one metric's samples, with k6's math: Counter (sum, rate), Gauge (last,
//! min, max — max starts at 0), Rate (non-zero share), Trend (avg/min/max/med/percentiles).
//!
//! Trends keep their exact values while they are few (so short runs give k6's exact
//! numbers, interpolated percentiles included) and fold into an HdrHistogram (3 significant
//! digits) past [`EXACT_LIMIT`], so memory stays flat however long the test runs.

use hdrhistogram::Histogram;
use rk6_runtime::metrics::MetricType;

/// Values a Trend keeps exactly before switching to the histogram.
pub const EXACT_LIMIT: usize = 10_000;
/// Histogram units per metric unit (ms values are stored in ns).
const SCALE: f64 = 1_000_000.0;

/// A Trend's distribution.
#[derive(Debug, Clone)]
pub struct TrendSink {
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    exact: Option<Vec<f64>>,
    positive: Option<Histogram<u64>>,
    negative: Option<Histogram<u64>>,
}

impl Default for TrendSink {
    fn default() -> Self {
        TrendSink {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            exact: Some(Vec::new()),
            positive: None,
            negative: None,
        }
    }
}

/// k6's interpolated percentile of `values` (not empty). Selects the two neighbours
/// instead of sorting: the summary asks for several percentiles of every Trend, and a full
/// sort per question was most of a short run's end-of-test CPU.
fn exact_percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    let last = v.len() - 1;
    let i = p * last as f64;
    let lo = (i.floor() as usize).min(last);
    let frac = i - lo as f64;
    let (_, &mut low, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 {
        return low;
    }
    // The next value in order is the smallest of those above the `lo`-th.
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    low + (high - low) * frac
}

fn new_histogram() -> Histogram<u64> {
    // 3 significant digits, auto-resizing: bounded by value range, not by sample count.
    #[allow(clippy::expect_used)]
    let mut h = Histogram::<u64>::new(3).expect("3 significant digits is a valid precision");
    h.auto(true);
    h
}

impl TrendSink {
    pub fn add(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        if let Some(exact) = &mut self.exact {
            exact.push(v);
            if exact.len() > EXACT_LIMIT {
                let values = std::mem::take(exact);
                self.exact = None;
                for x in values {
                    self.record(x);
                }
            }
            return;
        }
        self.record(v);
    }

    fn record(&mut self, v: f64) {
        let scaled = (v.abs() * SCALE).round().min(u64::MAX as f64 / 4.0) as u64;
        let h = if v < 0.0 {
            self.negative.get_or_insert_with(new_histogram)
        } else {
            self.positive.get_or_insert_with(new_histogram)
        };
        let _ = h.record(scaled);
    }

    pub fn avg(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    pub fn min(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.min
        }
    }

    pub fn max(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.max
        }
    }

    /// k6's percentile: linear interpolation between the sorted neighbours of `p*(n-1)`.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        if let Some(exact) = &self.exact {
            return exact_percentile(exact, p);
        }
        let neg = self.negative.as_ref().map_or(0, |h| h.len());
        let rank = (p * (self.count - 1) as f64).round() as u64;
        let v = if rank < neg {
            let h = self.negative.as_ref().map_or(0, |h| {
                h.value_at_quantile(1.0 - (rank as f64 + 0.5) / neg as f64)
            });
            -(h as f64)
        } else {
            let pos = self.positive.as_ref().map_or(0, |h| h.len()).max(1);
            let q = ((rank - neg) as f64 + 0.5) / pos as f64;
            self.positive
                .as_ref()
                .map_or(0, |h| h.value_at_quantile(q.min(1.0))) as f64
        };
        (v / SCALE).clamp(self.min, self.max)
    }
}

/// The aggregate of one metric or submetric.
#[derive(Debug, Clone)]
pub enum Sink {
    Counter {
        sum: f64,
        /// Whether any sample arrived (a sum of zeros is not empty).
        seen: bool,
    },
    Gauge {
        value: f64,
        min: f64,
        max: f64,
        seen: bool,
    },
    Rate {
        trues: u64,
        total: u64,
    },
    Trend(Box<TrendSink>),
}

impl Sink {
    pub fn new(kind: MetricType) -> Self {
        match kind {
            MetricType::Counter => Sink::Counter {
                sum: 0.0,
                seen: false,
            },
            MetricType::Gauge => Sink::Gauge {
                value: 0.0,
                min: 0.0,
                max: 0.0,
                seen: false,
            },
            MetricType::Rate => Sink::Rate { trues: 0, total: 0 },
            MetricType::Trend => Sink::Trend(Box::default()),
        }
    }

    pub fn add(&mut self, v: f64) {
        match self {
            Sink::Counter { sum, seen } => {
                *sum += v;
                *seen = true;
            }
            Sink::Gauge {
                value,
                min,
                max,
                seen,
            } => {
                *value = v;
                // k6 quirk: max starts at 0, min is taken from the first sample.
                *max = max.max(v);
                *min = if *seen { min.min(v) } else { v };
                *seen = true;
            }
            Sink::Rate { trues, total } => {
                *total += 1;
                if v != 0.0 {
                    *trues += 1;
                }
            }
            Sink::Trend(t) => t.add(v),
        }
    }

    /// Whether no sample arrived yet (k6's `Sink.IsEmpty`: its periodic threshold runs
    /// skip such sinks).
    pub fn is_empty(&self) -> bool {
        match self {
            Sink::Counter { seen, .. } | Sink::Gauge { seen, .. } => !seen,
            Sink::Rate { total, .. } => *total == 0,
            Sink::Trend(t) => t.count == 0,
        }
    }

    /// The value of aggregation `agg` (`count`, `rate`, `value`, `avg`, `p(95)`, …);
    /// `None` when it does not apply or has no value yet. `elapsed` is the run time in s.
    pub fn aggregate(&self, agg: &str, elapsed: f64) -> Option<f64> {
        match self {
            Sink::Counter { sum, .. } => match agg {
                "count" => Some(*sum),
                "rate" => Some(if elapsed > 0.0 { sum / elapsed } else { 0.0 }),
                _ => None,
            },
            Sink::Gauge {
                value, min, max, ..
            } => match agg {
                "value" => Some(*value),
                "min" => Some(*min),
                "max" => Some(*max),
                _ => None,
            },
            Sink::Rate { trues, total } => match agg {
                "rate" if *total > 0 => Some(*trues as f64 / *total as f64),
                "passes" => Some(*trues as f64),
                "fails" => Some((*total - *trues) as f64),
                _ => None,
            },
            Sink::Trend(t) => match agg {
                "avg" => Some(t.avg()),
                "min" => Some(t.min()),
                "max" => Some(t.max()),
                "med" => Some(t.percentile(0.5)),
                "count" => Some(t.count as f64),
                p => parse_percentile(p).map(|q| t.percentile(q)),
            },
        }
    }
}

/// `p(95)` -> 0.95, `p(99.9)` -> 0.999.
pub fn parse_percentile(s: &str) -> Option<f64> {
    let inner = s.strip_prefix("p(")?.strip_suffix(')')?;
    let v: f64 = inner.trim().parse().ok()?;
    (0.0..=100.0).contains(&v).then_some(v / 100.0)
}

#[cfg(test)]
mod tests {
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
}
