//! The metrics engine: the one consumer of the VUs' sample channel. It aggregates samples
//! into sinks (metrics, tagged submetrics, checks per group), evaluates thresholds every 2 s
//! to drive `abortOnFail`, publishes a [`snapshot::Snapshot`] about once a second for the
//! REST API, and hands its final state to the summary. Nothing here calls back
//! into VUs or the scheduler; an abort is only signalled through a watch channel. Samples
//! flow one way: VUs -> this engine -> [`Forward`] (the outputs, which it does not know).

pub mod detail;
pub mod part;
pub mod sink;
pub mod snapshot;
pub mod threshold;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rk6_runtime::metrics::{builtin, MetricDef, Registry, Sample};

use self::sink::Sink;
use self::snapshot::Snapshot;
use self::threshold::{parse_metric_key, ThresholdError, ThresholdExpr};

/// A tagged view of a metric (`http_req_duration{name:home}`).
#[derive(Debug, Clone)]
pub struct SubMetric {
    /// Tags as written in the key, in order.
    pub filter: Vec<(String, String)>,
    /// The key's text between its braces, trimmed, as k6 keeps it in the submetric's name
    /// (`scenario: default`).
    pub text: String,
    pub sink: Sink,
    pub thresholds: Vec<ThresholdExpr>,
    /// Whether any sample matched or a threshold names it (either shows it in summaries).
    pub observed: bool,
    /// Whether a threshold failed at the last periodic evaluation (`None` before one).
    pub tainted: Option<bool>,
}

impl SubMetric {
    /// `{name:home}` (k6's submetric suffix: the key's text as written).
    pub fn suffix(&self) -> String {
        format!("{{{}}}", self.text)
    }

    fn matches(&self, sample: &Sample) -> bool {
        self.filter
            .iter()
            .all(|(k, v)| sample.tags.get(k).is_some_and(|t| t == v))
    }
}

/// A metric's aggregate, its submetrics and thresholds.
#[derive(Debug, Clone)]
pub struct MetricEntry {
    pub def: MetricDef,
    pub sink: Sink,
    pub submetrics: Vec<SubMetric>,
    pub thresholds: Vec<ThresholdExpr>,
    /// Whether any sample arrived or a threshold names it (unobserved metrics are left out
    /// of summaries).
    pub observed: bool,
    /// Whether a threshold failed at the last periodic evaluation (`None` before one).
    pub tainted: Option<bool>,
}

/// Check results per group path, in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct CheckTree {
    /// Group paths in first-seen order (`""` is the root).
    pub groups: Vec<String>,
    /// (group path, check name) -> (passes, fails), in first-seen order.
    pub checks: Vec<((String, String), (u64, u64))>,
}

impl CheckTree {
    fn see_group(&mut self, path: &str) {
        // Every check and group sample passes here: known paths must not allocate.
        if path.is_empty() || self.groups.iter().any(|g| g == path) {
            return;
        }
        // Parents first, so the tree can be rebuilt in code order.
        let mut prefix = String::new();
        for part in path.split("::").skip(1) {
            prefix.push_str("::");
            prefix.push_str(part);
            if !self.groups.iter().any(|g| g == &prefix) {
                self.groups.push(prefix.clone());
            }
        }
    }

    pub(crate) fn add(&mut self, group: &str, name: &str, pass: bool) {
        self.add_counts(group, name, u64::from(pass), u64::from(!pass));
    }

    fn add_counts(&mut self, group: &str, name: &str, passes: u64, fails: u64) {
        self.see_group(group);
        let idx = match self
            .checks
            .iter()
            .position(|((g, n), _)| g == group && n == name)
        {
            Some(i) => i,
            None => {
                self.checks
                    .push(((group.to_string(), name.to_string()), (0, 0)));
                self.checks.len() - 1
            }
        };
        let counts = &mut self.checks[idx].1;
        counts.0 += passes;
        counts.1 += fails;
    }
}

/// Everything the engine aggregated.
#[derive(Debug, Clone)]
pub struct MetricsState {
    pub entries: Vec<MetricEntry>,
    pub checks: CheckTree,
    /// Per-group and per-scenario aggregates (`--summary-mode=full` only).
    pub detail: Option<detail::Detail>,
    pub started: Instant,
}

impl MetricsState {
    /// Nothing measured yet: what a run whose VUs never started reports.
    pub fn empty(registry: &Registry) -> Self {
        Self::new(registry)
    }

    fn new(registry: &Registry) -> Self {
        let mut s = MetricsState {
            entries: Vec::new(),
            checks: CheckTree::default(),
            detail: None,
            started: Instant::now(),
        };
        s.sync_registry(registry);
        s
    }

    /// Picks up custom metrics registered since the last call.
    fn sync_registry(&mut self, registry: &Registry) {
        let defs = registry.snapshot();
        for def in defs.into_iter().skip(self.entries.len()) {
            self.entries.push(MetricEntry {
                sink: Sink::new(def.kind),
                def,
                submetrics: Vec::new(),
                thresholds: Vec::new(),
                observed: false,
                tainted: None,
            });
        }
    }

    fn apply(&mut self, sample: &Sample, registry: &Registry) {
        if sample.metric as usize >= self.entries.len() {
            self.sync_registry(registry);
        }
        let Some(entry) = self.entries.get_mut(sample.metric as usize) else {
            return;
        };
        entry.observed = true;
        entry.sink.add(sample.value);
        if let Some(d) = &mut self.detail {
            d.add(sample, entry.def.kind);
        }
        for sub in &mut entry.submetrics {
            if sub.matches(sample) {
                sub.observed = true;
                sub.sink.add(sample.value);
            }
        }
        if sample.metric == builtin::CHECKS {
            let group = sample.tags.get("group").map_or("", String::as_str);
            let name = sample.tags.get("check").map_or("", String::as_str);
            self.checks.add(group, name, sample.value != 0.0);
        } else if sample.metric == builtin::GROUP_DURATION {
            if let Some(g) = sample.tags.get("group") {
                self.checks.see_group(g);
            }
        }
    }

    /// Seconds since the engine started (the test run's duration so far).
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// k6's periodic threshold run: every metric or submetric with thresholds and samples
    /// gets `tainted` (an empty one keeps what it had, `None` at first).
    fn evaluate_taint(&mut self, elapsed: f64) {
        let judge = |thresholds: &[ThresholdExpr], sink: &Sink, tainted: &mut Option<bool>| {
            if !thresholds.is_empty() && !sink.is_empty() {
                *tainted = Some(thresholds.iter().any(|t| !t.passes(sink, elapsed)));
            }
        };
        for e in &mut self.entries {
            judge(&e.thresholds, &e.sink, &mut e.tainted);
            for s in &mut e.submetrics {
                judge(&s.thresholds, &s.sink, &mut s.tainted);
            }
        }
    }

    /// Metrics with a failed `abortOnFail` threshold whose `delayAbortEval` has passed.
    fn abort_worthy(&self, elapsed: f64) -> Vec<String> {
        let due = |t: &ThresholdExpr, sink: &Sink| {
            t.abort_on_fail
                && t.delay_abort_eval.is_none_or(|d| elapsed > d.as_secs_f64())
                && !t.passes(sink, elapsed)
        };
        let mut out = Vec::new();
        for e in &self.entries {
            if e.thresholds.iter().any(|t| due(t, &e.sink)) {
                out.push(e.def.name.clone());
            }
            for s in &e.submetrics {
                if s.thresholds.iter().any(|t| due(t, &s.sink)) {
                    out.push(format!("{}{}", e.def.name, s.suffix()));
                }
            }
        }
        out
    }

    /// Gives each metric (and submetric, created here) named in `thresholds` its
    /// expressions, validated against the metric's type.
    pub fn attach_thresholds(
        &mut self,
        registry: &Registry,
        thresholds: &ThresholdSpec,
    ) -> Result<(), ThresholdError> {
        for (key, exprs) in thresholds {
            let (name, filter) = parse_metric_key(key);
            let text = threshold::submetric_text(key);
            let Some(id) = registry.lookup(&name) else {
                return Err(ThresholdError::UnknownMetric {
                    metric: key.clone(),
                    name,
                });
            };
            let def = self.entries[id as usize].def.clone();
            for e in exprs {
                e.validate(&name, &def)?;
            }
            // A metric a threshold names is shown even without samples (k6: `one: 0`).
            let entry = &mut self.entries[id as usize];
            entry.observed = true;
            if filter.is_empty() {
                entry.thresholds = exprs.clone();
            } else {
                let i = self.ensure_submetric(id as usize, filter, text);
                let sub = &mut self.entries[id as usize].submetrics[i];
                sub.thresholds = exprs.clone();
                sub.observed = true;
            }
        }
        Ok(())
    }

    /// Adds up a part's check tree (`rk6 merge`): its groups, then its counts.
    pub fn add_checks(&mut self, other: &CheckTree) {
        for g in &other.groups {
            self.checks.see_group(g);
        }
        for ((group, name), (passes, fails)) in &other.checks {
            self.checks.add_counts(group, name, *passes, *fails);
        }
    }

    /// Adds a submetric unless one with the same filter exists; returns its index.
    /// The submetric of `metric` selecting `filter` (the first one created keeps its name).
    fn ensure_submetric(
        &mut self,
        metric: usize,
        filter: Vec<(String, String)>,
        text: String,
    ) -> usize {
        let entry = &mut self.entries[metric];
        let same = |a: &[(String, String)], b: &[(String, String)]| {
            a.len() == b.len() && a.iter().all(|t| b.contains(t))
        };
        if let Some(i) = entry
            .submetrics
            .iter()
            .position(|s| same(&s.filter, &filter))
        {
            return i;
        }
        entry.submetrics.push(SubMetric {
            filter,
            text,
            sink: Sink::new(entry.def.kind),
            thresholds: Vec::new(),
            observed: false,
            tainted: None,
        });
        entry.submetrics.len() - 1
    }
}

/// Thresholds as written in `options.thresholds`: metric key -> expressions.
pub type ThresholdSpec = BTreeMap<String, Vec<ThresholdExpr>>;

/// Where the engine hands each batch after aggregating it: the `--out` outputs, wired by
/// the run; the engine knows nothing of them.
pub type Forward = Arc<dyn Fn(Arc<Vec<Sample>>) + Send + Sync>;

/// The running engine.
pub struct Engine {
    state: Arc<Mutex<MetricsState>>,
    rx: Arc<Mutex<Receiver<Vec<Sample>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    registry: Registry,
    forward: Option<Forward>,
    snapshots: Option<snapshot::SnapshotTx>,
}

/// How the engine is set up besides thresholds.
#[derive(Clone, Default)]
pub struct EngineOptions {
    /// Create the `http_req_duration{expected_response:true}` submetric.
    pub expected_response_submetric: bool,
    /// Keep per-group and per-scenario aggregates (full summary).
    pub detail: bool,
    /// Where every batch goes after it was aggregated (`--out`), if anywhere.
    pub forward: Option<Forward>,
    /// Where the engine publishes its aggregates for the REST API, if anywhere.
    pub snapshots: Option<snapshot::SnapshotTx>,
}

impl Engine {
    /// Validates thresholds against the registry and starts aggregating.
    ///
    /// `abort` receives the names of metrics whose `abortOnFail` threshold crossed.
    pub fn start(
        registry: Registry,
        rx: Receiver<Vec<Sample>>,
        thresholds: &ThresholdSpec,
        opts: EngineOptions,
        abort: tokio::sync::watch::Sender<Option<Vec<String>>>,
    ) -> Result<Self, ThresholdError> {
        let mut state = MetricsState::new(&registry);
        if opts.detail {
            state.detail = Some(detail::Detail::default());
        }
        if opts.expected_response_submetric {
            state.ensure_submetric(
                builtin::HTTP_REQ_DURATION as usize,
                vec![("expected_response".into(), "true".into())],
                "expected_response:true".into(),
            );
        }
        state.attach_thresholds(&registry, thresholds)?;
        let state = Arc::new(Mutex::new(state));
        let rx = Arc::new(Mutex::new(rx));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let ends = Ends {
                forward: opts.forward.clone(),
                abort,
                snapshots: opts.snapshots.clone(),
            };
            let (state, rx, stop, registry) =
                (state.clone(), rx.clone(), stop.clone(), registry.clone());
            std::thread::Builder::new()
                .name("rk6-metrics".into())
                .spawn(move || run(state, rx, stop, registry, ends))
                .ok()
        };
        Ok(Engine {
            state,
            rx,
            stop,
            thread,
            registry,
            forward: opts.forward,
            snapshots: opts.snapshots,
        })
    }

    /// Stops the engine thread after draining every sample sent so far.
    pub fn finish(mut self) -> MetricsState {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while let Ok(batch) = rx.try_recv() {
            for s in &batch {
                state.apply(s, &self.registry);
            }
            if let Some(forward) = &self.forward {
                forward(Arc::new(batch));
            }
        }
        state.sync_registry(&self.registry);
        if let Some(tx) = &self.snapshots {
            tx.send_replace(Arc::new(Snapshot::of(&state, state.elapsed())));
        }
        state.clone()
    }
}

/// Where the engine thread sends what it made: batches, aborts and snapshots.
struct Ends {
    forward: Option<Forward>,
    abort: tokio::sync::watch::Sender<Option<Vec<String>>>,
    snapshots: Option<snapshot::SnapshotTx>,
}

fn run(
    state: Arc<Mutex<MetricsState>>,
    rx: Arc<Mutex<Receiver<Vec<Sample>>>>,
    stop: Arc<AtomicBool>,
    registry: Registry,
    ends: Ends,
) {
    let Ends {
        forward,
        abort,
        snapshots,
    } = ends;
    let mut next_eval = Instant::now() + Duration::from_secs(2);
    let mut next_snapshot = Instant::now();
    let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
    // Polling (rather than blocking in recv) means a VU's send never has to wake this
    // thread: one futex wake per request was a measurable share of the client's CPU.
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            match rx.try_recv() {
                Ok(batch) => {
                    if rk6_runtime::injected_panic("metrics") {
                        panic!("injected panic in the metrics engine (RK6_TEST_PANIC=metrics)");
                    }
                    for s in &batch {
                        st.apply(s, &registry);
                    }
                    if let Some(forward) = &forward {
                        forward(Arc::new(batch));
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
        if let Some(tx) = snapshots
            .as_ref()
            .filter(|_| Instant::now() >= next_snapshot)
        {
            next_snapshot = Instant::now() + snapshot::PUBLISH_EVERY;
            tx.send_replace(Arc::new(Snapshot::of(&st, st.elapsed())));
        }
        drop(st);
        if Instant::now() >= next_eval {
            next_eval += Duration::from_secs(2);
            let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
            let elapsed = st.elapsed();
            st.evaluate_taint(elapsed);
            let crossed = st.abort_worthy(elapsed);
            if !crossed.is_empty() && abort.borrow().is_none() {
                let _ = abort.send(Some(crossed));
            }
        }
    }
}

/// A sample for tests: `metric` = `value` at `time` with `tags`.
#[cfg(test)]
pub(crate) fn test_sample(
    metric: u32,
    value: f64,
    time: std::time::SystemTime,
    tags: &[(&str, &str)],
) -> Sample {
    Sample {
        metric,
        time,
        value,
        tags: Arc::new(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        metadata: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn sample(metric: u32, value: f64, tags: &[(&str, &str)]) -> Sample {
        test_sample(metric, value, SystemTime::now(), tags)
    }

    #[test]
    fn submetrics_aggregate_only_matching_samples_and_thresholds_fail() {
        let registry = Registry::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let (abort, _) = tokio::sync::watch::channel(None);
        let mut spec = ThresholdSpec::new();
        spec.insert(
            "http_req_duration{name:home}".into(),
            vec![ThresholdExpr::parse("max<100").unwrap()],
        );
        let engine = Engine::start(
            registry,
            rx,
            &spec,
            EngineOptions {
                expected_response_submetric: true,
                ..Default::default()
            },
            abort,
        )
        .unwrap();
        tx.send(vec![
            sample(
                builtin::HTTP_REQ_DURATION,
                50.0,
                &[("name", "home"), ("expected_response", "true")],
            ),
            sample(
                builtin::HTTP_REQ_DURATION,
                500.0,
                &[("name", "other"), ("expected_response", "false")],
            ),
            sample(
                builtin::CHECKS,
                1.0,
                &[("group", "::a::b"), ("check", "ok")],
            ),
            sample(
                builtin::CHECKS,
                0.0,
                &[("group", "::a::b"), ("check", "ok")],
            ),
        ])
        .unwrap();
        let state = engine.finish();
        let d = &state.entries[builtin::HTTP_REQ_DURATION as usize];
        assert_eq!(d.submetrics.len(), 2);
        assert_eq!(d.submetrics[0].sink.aggregate("max", 1.0), Some(50.0));
        assert_eq!(d.submetrics[1].sink.aggregate("max", 1.0), Some(50.0));
        assert_eq!(state.checks.groups, vec!["::a", "::a::b"]);
        assert_eq!(state.checks.checks[0].1, (1, 1));
    }

    #[test]
    fn unknown_threshold_metric_is_rejected() {
        let (_tx, rx) = std::sync::mpsc::channel();
        let (abort, _) = tokio::sync::watch::channel(None);
        let mut spec = ThresholdSpec::new();
        spec.insert(
            "nope".into(),
            vec![ThresholdExpr::parse("count>1").unwrap()],
        );
        let err = Engine::start(
            Registry::new(),
            rx,
            &spec,
            EngineOptions {
                expected_response_submetric: true,
                ..Default::default()
            },
            abort,
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "invalid threshold defined on nope; reason: no metric name \"nope\" found"
        );
    }
}
