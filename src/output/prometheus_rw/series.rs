//! The extension's in-memory series store: one aggregate per metric and tag set, kept for
//! the whole test (a counter's total, a gauge's last value, a rate's share, a trend's
//! stats or native histogram are cumulative, as in k6), and the mapping of a series to
//! remote-write time series: `k6_<metric>_total` for counters, `k6_<metric>_rate` for
//! rates, `k6_<metric>` for gauges, `k6_<metric>_<stat>` per trend stat (time in seconds)
//! or one native histogram `k6_<metric>_seconds|_bytes`. Labels are the sample's tags
//! (metadata such as `vu` and `iter` is not a tag) with empty ones left out.
//!
//! A series goes out at a push when a sample newer (to the millisecond) than the last one
//! it sent arrived since; its timestamp is that sample's time, truncated to milliseconds.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use rk6_runtime::metrics::{MetricDef, MetricId, MetricType, Sample, TagSet, ValueType};

use super::native_histogram::NativeHistogram;
use super::prompb::{Label, Sample as PromSample, TimeSeries};
use super::PrometheusRwError;
use crate::metrics::sink::{parse_percentile, Sink, TrendSink};

/// Prometheus' stale marker: a NaN with this exact bit pattern.
pub const STALE_MARKER_BITS: u64 = 0x7ff0_0000_0000_0002;

/// One trend stat the extension writes as its own series.
#[derive(Debug, Clone, PartialEq)]
enum Stat {
    Avg,
    Min,
    Med,
    Max,
    Count,
    Sum,
    /// A fraction in [0, 1].
    Percentile(f64),
}

/// A trend stat and the series-name suffix it gets (`p(99.9)` → `p999`).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendStat {
    suffix: String,
    stat: Stat,
}

impl TrendStat {
    /// Parses `K6_PROMETHEUS_RW_TREND_STATS` entries with k6's errors; duplicates (by
    /// series name) count once.
    pub fn parse_all(stats: &[String]) -> Result<Vec<TrendStat>, PrometheusRwError> {
        let mut out: Vec<TrendStat> = Vec::new();
        for s in stats {
            let stat = TrendStat::parse(s)?;
            if !out.iter().any(|t| t.suffix == stat.suffix) {
                out.push(stat);
            }
        }
        Ok(out)
    }

    fn parse(s: &str) -> Result<TrendStat, PrometheusRwError> {
        let stat = match s {
            "avg" => Stat::Avg,
            "min" => Stat::Min,
            "med" => Stat::Med,
            "max" => Stat::Max,
            "count" => Stat::Count,
            "sum" => Stat::Sum,
            _ => {
                let Some(inner) = s.strip_prefix("p(").and_then(|p| p.strip_suffix(')')) else {
                    return Err(PrometheusRwError::Config(format!(
                        "invalid trend stat '{s}', unknown format"
                    )));
                };
                let p = parse_percentile(s).ok_or_else(|| {
                    PrometheusRwError::Config(format!(
                        "invalid percentile trend stat value '{s}', provide a number between 0 and 100"
                    ))
                })?;
                return Ok(TrendStat {
                    suffix: format!("p{}", inner.replace('.', "")),
                    stat: Stat::Percentile(p),
                });
            }
        };
        Ok(TrendStat {
            suffix: s.to_string(),
            stat,
        })
    }

    fn value(&self, t: &TrendSink) -> f64 {
        match self.stat {
            Stat::Avg => t.avg(),
            Stat::Min => t.min(),
            Stat::Med => t.percentile(0.5),
            Stat::Max => t.max(),
            Stat::Count => t.count as f64,
            Stat::Sum => t.sum,
            Stat::Percentile(p) => t.percentile(p),
        }
    }
}

/// How trends are written.
#[derive(Debug, Clone)]
pub enum TrendMapping {
    /// One gauge series per stat.
    Stats(Vec<TrendStat>),
    /// One native histogram.
    NativeHistogram,
}

/// The aggregate of one series.
enum Measure {
    Sink(Sink),
    Histogram(Box<NativeHistogram>),
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct SeriesKey {
    metric: MetricId,
    tags: TagSet,
}

struct Series {
    name: String,
    kind: MetricType,
    contains: ValueType,
    measure: Measure,
    /// The newest sample's time, in ms.
    latest: i64,
}

/// Every series seen in the test, and which ones have news for the next push.
pub struct SeriesStore {
    series: HashMap<SeriesKey, Series>,
    fresh: HashSet<SeriesKey>,
    trends: TrendMapping,
}

/// Milliseconds since the epoch, truncated.
pub fn unix_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Prometheus' convention: seconds for time, bytes for data.
fn base_unit(v: f64, contains: ValueType) -> f64 {
    match contains {
        ValueType::Time => v / 1000.0,
        _ => v,
    }
}

impl SeriesStore {
    pub fn new(trends: TrendMapping) -> SeriesStore {
        SeriesStore {
            series: HashMap::new(),
            fresh: HashSet::new(),
            trends,
        }
    }

    /// Aggregates one sample of metric `def`.
    pub fn add(&mut self, def: &MetricDef, s: &Sample) {
        let at = unix_millis(s.time);
        let key = SeriesKey {
            metric: s.metric,
            tags: s.tags.clone(),
        };
        let native = matches!(self.trends, TrendMapping::NativeHistogram);
        let series = match self.series.entry(key.clone()) {
            Entry::Occupied(o) => {
                let series = o.into_mut();
                if at > series.latest {
                    series.latest = at;
                    self.fresh.insert(key);
                }
                series
            }
            Entry::Vacant(v) => {
                let measure = if def.kind == MetricType::Trend && native {
                    Measure::Histogram(Box::default())
                } else {
                    Measure::Sink(Sink::new(def.kind))
                };
                self.fresh.insert(key);
                v.insert(Series {
                    name: def.name.clone(),
                    kind: def.kind,
                    contains: def.contains,
                    measure,
                    latest: at,
                })
            }
        };
        match &mut series.measure {
            Measure::Sink(sink) => sink.add(s.value),
            Measure::Histogram(h) => h.observe(base_unit(s.value, series.contains)),
        }
    }

    /// The time series of every series with news since the last call.
    pub fn take_fresh(&mut self) -> Vec<TimeSeries> {
        let fresh = std::mem::take(&mut self.fresh);
        let mut out = Vec::with_capacity(fresh.len());
        for key in fresh {
            if let Some(series) = self.series.get(&key) {
                out.extend(self.map(&key, series));
            }
        }
        out
    }

    /// Every series' time series with its sample turned into a stale marker at `at` (ms),
    /// as the extension sends them when the test ends (a histogram keeps its histogram).
    pub fn stale_markers(&self, at: i64) -> Vec<TimeSeries> {
        let marker = f64::from_bits(STALE_MARKER_BITS);
        let mut out = Vec::new();
        for (key, series) in &self.series {
            for mut ts in self.map(key, series) {
                if ts.samples.is_empty() {
                    ts.samples.push(PromSample::default());
                }
                ts.samples[0].value = marker;
                ts.samples[0].timestamp = at;
                out.push(ts);
            }
        }
        out
    }

    fn map(&self, key: &SeriesKey, series: &Series) -> Vec<TimeSeries> {
        let one = |suffix: &str, value: f64| TimeSeries {
            labels: labels(&series.name, suffix, &key.tags),
            samples: vec![PromSample {
                value,
                timestamp: series.latest,
            }],
            ..TimeSeries::default()
        };
        match (&series.measure, series.kind) {
            (Measure::Histogram(h), _) => {
                let suffix = match series.contains {
                    ValueType::Time => "seconds",
                    ValueType::Data => "bytes",
                    ValueType::Default => "",
                };
                vec![TimeSeries {
                    labels: labels(&series.name, suffix, &key.tags),
                    histograms: vec![h.to_proto(series.latest)],
                    ..TimeSeries::default()
                }]
            }
            (Measure::Sink(Sink::Trend(t)), _) => match &self.trends {
                TrendMapping::Stats(stats) => stats
                    .iter()
                    .map(|st| one(&st.suffix, base_unit(st.value(t), series.contains)))
                    .collect(),
                TrendMapping::NativeHistogram => Vec::new(),
            },
            (Measure::Sink(sink), MetricType::Counter) => {
                vec![one("total", sink.aggregate("count", 0.0).unwrap_or(0.0))]
            }
            (Measure::Sink(sink), MetricType::Rate) => {
                vec![one("rate", sink.aggregate("rate", 0.0).unwrap_or(0.0))]
            }
            (Measure::Sink(sink), _) => vec![one("", sink.aggregate("value", 0.0).unwrap_or(0.0))],
        }
    }
}

/// `__name__` (`k6_<metric>[_<suffix>]`) and the non-empty tags, sorted by name as remote
/// write requires.
fn labels(metric: &str, suffix: &str, tags: &TagSet) -> Vec<Label> {
    let name = if suffix.is_empty() {
        format!("k6_{metric}")
    } else {
        format!("k6_{metric}_{suffix}")
    };
    let mut out: Vec<Label> = tags
        .iter()
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .map(|(k, v)| Label {
            name: k.clone(),
            value: v.clone(),
        })
        .collect();
    out.push(Label {
        name: "__name__".to_string(),
        value: name,
    });
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
