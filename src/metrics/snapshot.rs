//! A read-only copy of the engine's aggregates that the engine publishes about once a
//! second and at the end, for readers outside the sample path (the REST API). Readers
//! get an `Arc` through a watch channel: they never lock the engine's state, never see a
//! half-applied batch, and cannot slow down the VUs.

use std::sync::Arc;

use rk6_runtime::metrics::{MetricType, ValueType};
use tokio::sync::watch;

use super::sink::Sink;
use super::{CheckTree, MetricsState};

/// How often the engine publishes a [`Snapshot`] while the test runs.
pub const PUBLISH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Where the engine publishes its snapshots.
pub type SnapshotTx = watch::Sender<Arc<Snapshot>>;

/// One metric (or submetric) as k6's API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricView {
    /// The metric's name, or `name{tags}` for a submetric.
    pub id: String,
    pub kind: MetricType,
    pub contains: ValueType,
    /// Whether a threshold failed at the engine's last periodic evaluation (k6's every 2 s,
    /// skipping empty sinks); `None` before one.
    pub tainted: Option<bool>,
    /// k6's fixed sample keys for the type, in k6's (sorted) order.
    pub sample: Vec<(&'static str, f64)>,
}

/// The engine's aggregates at one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Observed metrics and submetrics (samples arrived, or thresholds name them).
    pub metrics: Vec<MetricView>,
    /// Check results per group path.
    pub checks: CheckTree,
    /// Whether any threshold failed at the last periodic evaluation.
    pub tainted: bool,
}

impl Snapshot {
    /// A copy of `state`'s aggregates; counter rates use `elapsed` seconds.
    pub(super) fn of(state: &MetricsState, elapsed: f64) -> Snapshot {
        let mut metrics = Vec::new();
        for e in state.entries.iter().filter(|e| e.observed) {
            let view = |id: String, sink: &Sink, tainted: Option<bool>| MetricView {
                id,
                kind: e.def.kind,
                contains: e.def.contains,
                tainted,
                sample: sample(sink, elapsed),
            };
            metrics.push(view(e.def.name.clone(), &e.sink, e.tainted));
            for s in e.submetrics.iter().filter(|s| s.observed) {
                let id = format!("{}{}", e.def.name, s.suffix());
                metrics.push(view(id, &s.sink, s.tainted));
            }
        }
        let tainted = metrics.iter().any(|m| m.tainted == Some(true));
        Snapshot {
            metrics,
            checks: state.checks.clone(),
            tainted,
        }
    }

    /// The metric or submetric named `id`.
    pub fn metric(&self, id: &str) -> Option<&MetricView> {
        self.metrics.iter().find(|m| m.id == id)
    }
}

/// k6's `Sink.Format`: counter {count, rate}, gauge {value}, rate {rate}, and a trend's
/// fixed {avg, max, med, min, p(90), p(95)} whatever `summaryTrendStats` says.
fn sample(sink: &Sink, elapsed: f64) -> Vec<(&'static str, f64)> {
    let keys: &[&'static str] = match sink {
        Sink::Counter { .. } => &["count", "rate"],
        Sink::Gauge { .. } => &["value"],
        Sink::Rate { .. } => &["rate"],
        Sink::Trend(_) => &["avg", "max", "med", "min", "p(90)", "p(95)"],
    };
    keys.iter()
        .map(|k| (*k, sink.aggregate(k, elapsed).unwrap_or(0.0)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rk6_runtime::metrics::{builtin, Registry};

    #[test]
    fn snapshot_shows_only_observed_metrics_with_k6s_sample_keys() {
        let registry = Registry::new();
        let mut state = MetricsState::new(&registry);
        let when = std::time::SystemTime::now();
        state.apply(
            &super::super::test_sample(builtin::ITERATIONS, 1.0, when, &[]),
            &registry,
        );
        state.apply(
            &super::super::test_sample(builtin::ITERATION_DURATION, 4.0, when, &[]),
            &registry,
        );
        let snap = Snapshot::of(&state, 2.0);
        let ids: Vec<&str> = snap.metrics.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["iterations", "iteration_duration"]);
        assert_eq!(
            snap.metric("iterations").map(|m| m.sample.clone()),
            Some(vec![("count", 1.0), ("rate", 0.5)])
        );
        let trend = snap.metric("iteration_duration").map(|m| m.sample.len());
        assert_eq!(trend, Some(6));
        assert!(!snap.tainted);
    }
}
