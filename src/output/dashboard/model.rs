//! The dashboard's picture of the run: every sample folded into time buckets (one per
//! period) and into cumulative totals, live threshold verdicts, and the tables of
//! `tables.rs`. It is the one source of both the live page and the HTML report, so the two
//! always agree; its JSON form is the page's data model (`assets/README.md`).
//!
//! Memory grows with the run's length and the number of endpoints (capped), not with its
//! load: a bucket keeps one small value per metric (a Trend's eight numbers), never the
//! samples.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rk6_runtime::metrics::{MetricDef, MetricId, MetricType, Registry, Sample};
use serde_json::{json, Map, Value};

use super::tables::Tables;
use crate::metrics::sink::{Sink, TrendSink};
use crate::metrics::threshold::{parse_metric_key, ThresholdExpr};
use crate::metrics::ThresholdSpec;

/// What the page says about the run besides its numbers.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The script's file name.
    pub title: String,
    /// Response sizes per endpoint, which the VUs count apart from the samples.
    pub response_sizes: std::sync::Arc<rk6_runtime::metrics::ResponseSizes>,
    /// The test's consolidated options.
    pub options: Value,
    /// (scenario name, executor type), in the header's order.
    pub scenarios: Vec<(String, String)>,
}

/// One metric's samples within the open bucket.
#[derive(Debug)]
enum Acc {
    Counter(f64),
    Gauge(Option<f64>),
    Rate { nonzero: u64, total: u64 },
    Trend(Box<TrendSink>),
}

impl Acc {
    fn new(kind: MetricType) -> Acc {
        match kind {
            MetricType::Counter => Acc::Counter(0.0),
            MetricType::Gauge => Acc::Gauge(None),
            MetricType::Rate => Acc::Rate {
                nonzero: 0,
                total: 0,
            },
            MetricType::Trend => Acc::Trend(Box::default()),
        }
    }

    fn kind(&self) -> MetricType {
        match self {
            Acc::Counter(_) => MetricType::Counter,
            Acc::Gauge(_) => MetricType::Gauge,
            Acc::Rate { .. } => MetricType::Rate,
            Acc::Trend(_) => MetricType::Trend,
        }
    }

    fn add(&mut self, v: f64) {
        match self {
            Acc::Counter(sum) => *sum += v,
            Acc::Gauge(last) => *last = Some(v),
            Acc::Rate { nonzero, total } => {
                *total += 1;
                *nonzero += u64::from(v != 0.0);
            }
            Acc::Trend(t) => t.add(v),
        }
    }

    /// The bucket's value as the page reads it, and the accumulator emptied.
    fn take(&mut self) -> Value {
        let v = match self {
            Acc::Counter(sum) => json!(*sum),
            Acc::Gauge(last) => last.map_or(Value::Null, |v| json!(v)),
            Acc::Rate { total: 0, .. } => Value::Null,
            Acc::Rate { nonzero, total } => json!([*nonzero, *total]),
            Acc::Trend(t) if t.count == 0 => Value::Null,
            Acc::Trend(t) => json!([
                t.count,
                t.avg(),
                t.min(),
                t.max(),
                t.percentile(0.5),
                t.percentile(0.9),
                t.percentile(0.95),
                t.percentile(0.99)
            ]),
        };
        *self = Acc::new(self.kind());
        v
    }
}

/// A threshold key (`http_req_duration{name:home}`) and its own aggregate.
#[derive(Debug)]
struct Watched {
    key: String,
    metric: Option<MetricId>,
    filter: Vec<(String, String)>,
    exprs: Vec<ThresholdExpr>,
    sink: Option<Sink>,
}

/// One metric as the model tracks it.
#[derive(Debug)]
struct Tracked {
    def: MetricDef,
    total: Sink,
    open: Acc,
    /// One value per closed bucket, from the bucket it was first seen in (`first`).
    series: Vec<Value>,
    first: usize,
}

/// The run so far.
pub struct Model {
    info: RunInfo,
    registry: Registry,
    started: SystemTime,
    ended: Option<SystemTime>,
    period: Duration,
    /// By metric id; `None` until the metric's first sample.
    metrics: Vec<Option<Tracked>>,
    /// Metric ids in first-seen order.
    order: Vec<MetricId>,
    /// End times of the closed buckets (ms since the epoch).
    ends: Vec<u64>,
    /// Closed buckets the live pages have been sent (a new page's snapshot stops there,
    /// and the next update starts there, so each page gets every bucket once).
    published: usize,
    /// The run's length as the metrics engine measured it, once the run is over.
    final_elapsed: Option<f64>,
    thresholds: Vec<Watched>,
    tables: Tables,
    /// The summary text, once the run is over.
    summary: Option<String>,
}

/// Milliseconds since the Unix epoch.
pub fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Model {
    pub fn new(info: RunInfo, registry: Registry, spec: &ThresholdSpec, period: Duration) -> Model {
        let thresholds = spec
            .iter()
            .map(|(key, exprs)| {
                let (name, filter) = parse_metric_key(key);
                let metric = registry.lookup(&name);
                let def = metric.and_then(|id| registry.snapshot().get(id as usize).cloned());
                Watched {
                    key: key.clone(),
                    metric,
                    filter,
                    exprs: exprs.clone(),
                    sink: def.map(|d| Sink::new(d.kind)),
                }
            })
            .collect();
        let tables = Tables::new(&info.scenarios);
        Model {
            info,
            registry,
            started: SystemTime::now(),
            ended: None,
            period,
            metrics: Vec::new(),
            order: Vec::new(),
            ends: Vec::new(),
            published: 0,
            final_elapsed: None,
            thresholds,
            tables,
            summary: None,
        }
    }

    /// Where the VUs count response sizes.
    #[cfg(test)]
    pub fn response_sizes(&self) -> std::sync::Arc<rk6_runtime::metrics::ResponseSizes> {
        self.info.response_sizes.clone()
    }

    pub fn period(&self) -> Duration {
        self.period
    }

    /// Folds a batch of samples into the open bucket, the totals and the tables.
    pub fn add(&mut self, batch: &[Sample]) {
        for s in batch {
            self.add_one(s);
        }
    }

    fn add_one(&mut self, s: &Sample) {
        let id = s.metric as usize;
        if self.metrics.get(id).is_none_or(Option::is_none) {
            self.track(s.metric);
        }
        let Some(Some(m)) = self.metrics.get_mut(id) else {
            return;
        };
        m.total.add(s.value);
        m.open.add(s.value);
        for w in &mut self.thresholds {
            if w.metric == Some(s.metric)
                && w.filter
                    .iter()
                    .all(|(k, v)| s.tags.get(k).is_some_and(|t| t == v))
            {
                if let Some(sink) = &mut w.sink {
                    sink.add(s.value);
                }
            }
        }
        self.tables.add(s);
    }

    /// Starts tracking a metric at its first sample (its earlier buckets read as empty).
    fn track(&mut self, id: MetricId) {
        let Some(def) = self.registry.snapshot().get(id as usize).cloned() else {
            return;
        };
        if self.metrics.len() <= id as usize {
            self.metrics.resize_with(id as usize + 1, || None);
        }
        self.metrics[id as usize] = Some(Tracked {
            total: Sink::new(def.kind),
            open: Acc::new(def.kind),
            series: Vec::new(),
            first: self.ends.len(),
            def,
        });
        self.order.push(id);
    }

    /// Closes the open bucket at `end`.
    pub fn close_bucket(&mut self, end: SystemTime) {
        self.ends.push(epoch_ms(end));
        for m in self.metrics.iter_mut().flatten() {
            m.series.push(m.open.take());
        }
    }

    /// Starts the run's clock (rates and rate thresholds count from here): the test starts
    /// after its VUs are ready.
    pub fn start_clock(&mut self) {
        self.started = SystemTime::now();
    }

    /// Marks the run over, with the summary text to show and the run's length as the
    /// metrics engine measured it (the threshold verdicts then match the exit code's).
    pub fn finish(&mut self, summary: Option<String>, elapsed: Option<f64>) {
        self.ended = Some(SystemTime::now());
        self.summary = summary;
        self.final_elapsed = elapsed;
    }

    fn elapsed(&self) -> f64 {
        self.final_elapsed.unwrap_or_else(|| {
            self.ended
                .unwrap_or_else(SystemTime::now)
                .duration_since(self.started)
                .map_or(0.0, |d| d.as_secs_f64())
        })
    }

    /// The whole run as the page's data (the report).
    pub fn snapshot(&self) -> Value {
        self.data(0..self.ends.len())
    }

    /// What a page that connects now gets: the buckets published so far.
    pub fn page_snapshot(&self) -> Value {
        self.data(0..self.published)
    }

    /// The update for the live pages: the buckets closed since the last one.
    pub fn take_update(&mut self) -> Value {
        let update = self.data(self.published..self.ends.len());
        self.published = self.ends.len();
        update
    }

    /// Counts the closed buckets as sent when no page is there to get them.
    pub fn skip_update(&mut self) {
        self.published = self.ends.len();
    }

    /// The page's data with the buckets of `range`.
    fn data(&self, range: std::ops::Range<usize>) -> Value {
        let elapsed = self.elapsed();
        let mut doc = json!({
            "title": self.info.title,
            "version": concat!("rk6 ", env!("CARGO_PKG_VERSION")),
            "state": if self.ended.is_some() { "finished" } else { "running" },
            "started": epoch_ms(self.started),
            "ended": self.ended.map(epoch_ms),
            "period": self.period.as_millis() as u64,
            "options": self.info.options,
            "summary": self.summary,
            "metrics": self.metric_list(),
            "buckets": self.buckets(range),
            "totals": self.totals(elapsed),
            "thresholds": self.threshold_list(elapsed),
        });
        if let Some(o) = doc.as_object_mut() {
            self.tables.write(o, elapsed, &self.info.response_sizes);
        }
        doc
    }

    fn tracked(&self) -> impl Iterator<Item = &Tracked> {
        self.order
            .iter()
            .filter_map(|id| self.metrics.get(*id as usize).and_then(Option::as_ref))
    }

    fn metric_list(&self) -> Value {
        self.tracked()
            .map(|m| {
                json!({
                    "name": m.def.name,
                    "type": m.def.kind.as_str(),
                    "contains": m.def.contains.as_str(),
                })
            })
            .collect()
    }

    fn buckets(&self, range: std::ops::Range<usize>) -> Value {
        let range = range.start.min(self.ends.len())..range.end.min(self.ends.len());
        let mut m = Map::new();
        for t in self.tracked() {
            let values: Vec<Value> = range
                .clone()
                .map(|i| {
                    i.checked_sub(t.first)
                        .and_then(|j| t.series.get(j))
                        .cloned()
                        .unwrap_or(Value::Null)
                })
                .collect();
            m.insert(t.def.name.clone(), Value::Array(values));
        }
        json!({ "t": &self.ends[range], "m": m })
    }

    fn totals(&self, elapsed: f64) -> Value {
        let mut out = Map::new();
        for m in self.tracked() {
            out.insert(m.def.name.clone(), sink_json(&m.total, elapsed));
        }
        Value::Object(out)
    }

    fn threshold_list(&self, elapsed: f64) -> Value {
        let mut out = Vec::new();
        for w in &self.thresholds {
            for e in &w.exprs {
                let ok = w.sink.as_ref().is_none_or(|s| e.passes(s, elapsed));
                let value = w.sink.as_ref().and_then(|s| e.measured(s, elapsed));
                out.push(json!({"metric": w.key, "expr": e.source, "ok": ok, "value": value}));
            }
        }
        Value::Array(out)
    }
}

/// `v` without its `null` members, recursively: the options as a person would write them.
pub fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k, without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// A cumulative aggregate in the page's terms (k6's summary fields).
pub fn sink_json(sink: &Sink, elapsed: f64) -> Value {
    let rate = |sum: f64| if elapsed > 0.0 { sum / elapsed } else { 0.0 };
    match sink {
        Sink::Counter { sum, .. } => json!({"count": sum, "rate": rate(*sum)}),
        Sink::Gauge {
            value, min, max, ..
        } => json!({"value": value, "min": min, "max": max}),
        Sink::Rate { trues, total } => json!({
            "passes": trues,
            "fails": total - trues,
            "rate": if *total > 0 { *trues as f64 / *total as f64 } else { 0.0 },
        }),
        Sink::Trend(t) => trend_json(t),
    }
}

/// A Trend's count, average, extremes and the percentiles the page shows.
pub fn trend_json(t: &TrendSink) -> Value {
    json!({
        "count": t.count,
        "avg": t.avg(),
        "min": t.min(),
        "med": t.percentile(0.5),
        "max": t.max(),
        "p90": t.percentile(0.9),
        "p95": t.percentile(0.95),
        "p99": t.percentile(0.99),
    })
}
