//! Aggregation of one metric's samples, with k6's math: Counter (sum, rate), Gauge (last,
//! min, max — max starts at 0), Rate (non-zero share), Trend (avg/min/max/med/percentiles).
//!
//! Trends keep their exact values while they are few (so short runs give k6's exact
//! numbers, interpolated percentiles included) and fold into an HdrHistogram (3 significant
//! digits) past [`EXACT_LIMIT`], so memory stays flat however long the test runs.
//!
//! A sink also has a lossless data form ([`SinkData`]) and merges with another of its
//! kind: what `--out result` writes and `rk6 merge` adds up across instances.

use hdrhistogram::Histogram;
use rk6_runtime::metrics::MetricType;
use serde::{Deserialize, Serialize};

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

/// A Trend in data form: its exact values while few, else its histograms' recorded
/// buckets as (value in ns, count) pairs, which rebuild the same histograms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendData {
    pub count: u64,
    pub sum: f64,
    /// `None` while empty (JSON has no infinity).
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positive: Vec<(u64, u64)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub negative: Vec<(u64, u64)>,
}

fn buckets(h: &Option<Histogram<u64>>) -> Vec<(u64, u64)> {
    h.iter()
        .flat_map(|h| h.iter_recorded())
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

fn rebuild(pairs: &[(u64, u64)]) -> Result<Option<Histogram<u64>>, String> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut h = new_histogram();
    for &(value, count) in pairs {
        h.record_n(value, count)
            .map_err(|e| format!("a histogram bucket {value} does not fit: {e:?}"))?;
    }
    Ok(Some(h))
}

impl TrendSink {
    pub fn data(&self) -> TrendData {
        let seen = self.count > 0;
        TrendData {
            count: self.count,
            sum: self.sum,
            min: seen.then_some(self.min),
            max: seen.then_some(self.max),
            exact: self.exact.clone(),
            positive: buckets(&self.positive),
            negative: buckets(&self.negative),
        }
    }

    /// The sink `d` describes; an error when its counts disagree.
    pub fn from_data(d: TrendData) -> Result<TrendSink, String> {
        let positive = rebuild(&d.positive)?;
        let negative = rebuild(&d.negative)?;
        let held = d.exact.as_ref().map_or(0, |e| e.len() as u64)
            + positive.as_ref().map_or(0, |h| h.len())
            + negative.as_ref().map_or(0, |h| h.len());
        if held != d.count {
            return Err(format!("a trend says {} values but holds {held}", d.count));
        }
        Ok(TrendSink {
            count: d.count,
            sum: d.sum,
            min: d.min.unwrap_or(f64::INFINITY),
            max: d.max.unwrap_or(f64::NEG_INFINITY),
            exact: d.exact.filter(|_| positive.is_none() && negative.is_none()),
            positive,
            negative,
        })
    }

    /// Adds `other`'s values: exact while both are and the total stays under
    /// [`EXACT_LIMIT`], else in the histograms.
    pub fn merge(&mut self, other: &TrendSink) {
        if other.count == 0 {
            return;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if let (Some(mine), Some(theirs)) = (&mut self.exact, &other.exact) {
            if mine.len() + theirs.len() <= EXACT_LIMIT {
                mine.extend_from_slice(theirs);
                return;
            }
        }
        for x in self.exact.take().unwrap_or_default() {
            self.record(x);
        }
        for x in other.exact.iter().flatten() {
            self.record(*x);
        }
        for (mine, theirs) in [
            (&mut self.positive, &other.positive),
            (&mut self.negative, &other.negative),
        ] {
            if let Some(theirs) = theirs {
                let _ = mine.get_or_insert_with(new_histogram).add(theirs);
            }
        }
    }
}

/// A sink in data form (see [`TrendData`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SinkData {
    Counter {
        sum: f64,
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
    Trend(TrendData),
}

/// How two gauges' values combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaugeMerge {
    /// Instances' values add up (`vus`, `vus_max`: a test's VUs are all instances' VUs).
    Sum,
    /// The later part's value wins; min and max are the extremes of both.
    Latest,
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

impl Sink {
    pub fn data(&self) -> SinkData {
        match self {
            &Sink::Counter { sum, seen } => SinkData::Counter { sum, seen },
            &Sink::Gauge {
                value,
                min,
                max,
                seen,
            } => SinkData::Gauge {
                value,
                min,
                max,
                seen,
            },
            &Sink::Rate { trues, total } => SinkData::Rate { trues, total },
            Sink::Trend(t) => SinkData::Trend(t.data()),
        }
    }

    pub fn from_data(d: SinkData) -> Result<Sink, String> {
        Ok(match d {
            SinkData::Counter { sum, seen } => Sink::Counter { sum, seen },
            SinkData::Gauge {
                value,
                min,
                max,
                seen,
            } => Sink::Gauge {
                value,
                min,
                max,
                seen,
            },
            SinkData::Rate { trues, total } if trues <= total => Sink::Rate { trues, total },
            SinkData::Rate { trues, total } => {
                return Err(format!("a rate with {trues} of {total} samples true"))
            }
            SinkData::Trend(t) => Sink::Trend(Box::new(TrendSink::from_data(t)?)),
        })
    }

    /// Adds `other` (a later instance's part when gauges take the latest value); an error
    /// when the kinds differ.
    pub fn merge(&mut self, other: &Sink, gauges: GaugeMerge) -> Result<(), String> {
        match (self, other) {
            (Sink::Counter { sum, seen }, Sink::Counter { sum: n, seen: s }) => {
                *sum += n;
                *seen |= s;
            }
            (Sink::Rate { trues, total }, Sink::Rate { trues: t, total: n }) => {
                *trues += t;
                *total += n;
            }
            (Sink::Trend(mine), Sink::Trend(theirs)) => mine.merge(theirs),
            (
                Sink::Gauge {
                    value,
                    min,
                    max,
                    seen,
                },
                &Sink::Gauge {
                    value: v,
                    min: lo,
                    max: hi,
                    seen: s,
                },
            ) => {
                if !s {
                    return Ok(());
                }
                match gauges {
                    GaugeMerge::Sum => {
                        *value += v;
                        *min += lo;
                        *max += hi;
                    }
                    GaugeMerge::Latest => {
                        *value = v;
                        *min = if *seen { min.min(lo) } else { lo };
                        *max = max.max(hi);
                    }
                }
                *seen = true;
            }
            _ => return Err("metrics of different types".into()),
        }
        Ok(())
    }
}

/// `p(95)` -> 0.95, `p(99.9)` -> 0.999.
pub fn parse_percentile(s: &str) -> Option<f64> {
    let inner = s.strip_prefix("p(")?.strip_suffix(')')?;
    let v: f64 = inner.trim().parse().ok()?;
    (0.0..=100.0).contains(&v).then_some(v / 100.0)
}

#[cfg(test)]
#[path = "sink_tests.rs"]
mod tests;
