//! Executors: how a scenario schedules iterations on its VUs. One file per executor, like
//! k6's `lib/executor`, registered by k6's name in [`REGISTRY`] here, like k6's
//! `lib.RegisterExecutorConfigType`: adding an executor is its own file plus its `mod` line
//! and its registry line below. This module also holds what executors share: the scenario
//! description, the run context (VUs, stop signals, progress counters) and the
//! one-iteration step.

pub mod arrival;
pub mod bar;
pub mod config;
pub mod rules;

pub mod constant_arrival_rate;
pub mod constant_vus;
pub mod externally_controlled;
pub mod per_vu_iterations;
pub mod ramping_arrival_rate;
pub mod ramping_vus;
pub mod shared_iterations;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;
use rk6_runtime::execution::TestState;
use rk6_runtime::metrics::{builtin, Sample};
use rk6_runtime::{IterationJob, Job, JobOutcome, LoopJob, VuHandle};
use tokio::sync::watch;

pub use bar::{BarState, BarView};

use crate::config_types::{ConfigError, Fields};
use crate::execution_segment::Segment;
use crate::verbose::ExecutorFacts;
use config::ScenarioJson;
use rules::Raw;

/// Every executor type, in k6's documentation order. Parsing explicit scenarios and
/// spotting unknown types both go through this table.
static REGISTRY: &[&ExecutorType] = &[
    &shared_iterations::TYPE,
    &per_vu_iterations::TYPE,
    &constant_vus::TYPE,
    &ramping_vus::TYPE,
    &constant_arrival_rate::TYPE,
    &ramping_arrival_rate::TYPE,
    &externally_controlled::TYPE,
];

/// One executor type, what k6 registers per type: its name, the fields of its config
/// (decoded strictly, with their Go types), k6's checks of that config, and its constructor.
/// Each type's file declares its own as `TYPE`.
pub struct ExecutorType {
    pub name: &'static str,
    pub fields: Fields,
    pub check: Check,
    pub build: Build,
}

/// Builds an executor from an explicit scenario's JSON, with k6's defaults.
pub type Build = fn(&ScenarioJson) -> Result<Box<dyn Executor>, ConfigError>;

/// Adds k6's errors for a scenario's JSON of this type, in k6's order, after the checks
/// every executor shares (k6 reports every problem of a scenario at once).
pub type Check = fn(&mut Vec<String>, &Raw);

/// The executor type k6 calls `name`.
pub fn find_type(name: &str) -> Option<&'static ExecutorType> {
    REGISTRY.iter().copied().find(|t| t.name == name)
}

/// k6's error for a scenario whose executor type no executor registered.
pub fn unknown_type(name: &str) -> String {
    format!("unknown executor type '{name}'")
}

/// One scenario: an executor plus k6's common scenario fields.
#[derive(Debug)]
pub struct Scenario {
    pub name: String,
    pub exec: String,
    pub start_time: Duration,
    pub graceful_stop: Duration,
    pub env: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub executor: Box<dyn Executor>,
}

/// What every executor type does, like k6's `lib.Executor` and `lib.ExecutorConfig`
/// together: its plan (VUs, duration, segment scaling), how it presents itself (header,
/// `--verbose` fields, progress bar) and its run. Each type lives in its own file and is
/// registered by name in [`REGISTRY`].
pub trait Executor: std::fmt::Debug + Send + Sync {
    /// k6's executor type name.
    fn kind(&self) -> &'static str;

    /// The checks k6 runs on the built config (a shortcut scenario gets only these; an
    /// explicit one was checked on its JSON first, see [`ExecutorType::check`]).
    fn validate(&self) -> Result<(), String>;

    /// Scales VU counts, iterations and stage targets to this instance's segment (arrival
    /// rates are striped per iteration at run time instead).
    fn segment(&mut self, seg: &Segment);

    /// The most VUs the scenario can use at once.
    fn max_vus(&self) -> u64;

    /// VUs initialised before the run starts: all of them, except for arrival-rate
    /// executors, which start with `preAllocatedVUs` and add VUs when needed.
    fn initial_vus(&self) -> u64 {
        self.max_vus()
    }

    /// Planned duration, without graceful stop.
    fn duration(&self) -> Duration;

    /// How long VUs may still run after the planned end, given the scenario's
    /// `gracefulStop` (what [`Scenario::max_duration`] adds).
    fn graceful_time(&self, graceful_stop: Duration) -> Duration {
        graceful_stop
    }

    /// Whether `gracefulStop` applies to this executor (and shows in its header line).
    fn has_graceful_stop(&self) -> bool {
        true
    }

    /// Whether the scenario runs until stopped, with no planned end.
    fn unbounded(&self) -> bool {
        false
    }

    /// The header line's head and the executor's own facts in brackets.
    fn describe(&self) -> (String, Vec<String>);

    /// The fields k6's executor logs with "Starting executor run..." under `--verbose`.
    fn run_fields(&self) -> Vec<(&'static str, String)>;

    /// The progress bar's columns at the moment `view` describes.
    fn bar(&self, view: &BarView) -> BarState;

    /// The stripe numbering this instance's iterations test-wide (`iterationInTest`), when
    /// it is not the segment's own, as `(lcd, offsets)`.
    fn iteration_stripe(&self) -> Option<(u64, Vec<u64>)> {
        None
    }

    /// Hands the REST API's live VU target to an executor that follows it.
    fn attach_control(&mut self, _control: &crate::api::Control) {}

    /// Runs the schedule on `ctx`'s VUs until its planned end or a stop.
    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()>;
}

impl Scenario {
    /// The `default` scenario derived from shortcut options.
    pub fn shortcut(executor: Box<dyn Executor>) -> Self {
        Scenario {
            name: "default".into(),
            exec: "default".into(),
            start_time: Duration::ZERO,
            graceful_stop: Duration::from_secs(30),
            env: BTreeMap::new(),
            tags: BTreeMap::new(),
            executor,
        }
    }

    /// Longest this scenario can take from test start, graceful stop included.
    pub fn max_duration(&self) -> Duration {
        self.start_time + self.executor.duration() + self.executor.graceful_time(self.graceful_stop)
    }

    /// What the `--verbose` executor lines say about this scenario.
    fn facts(&self) -> ExecutorFacts<'_> {
        ExecutorFacts {
            scenario: &self.name,
            kind: self.executor.kind(),
            start_time: self.start_time,
            graceful_stop: self.graceful_stop,
        }
    }

    /// The header line k6 prints for the scenario.
    pub fn description(&self) -> String {
        let (head, mut facts) = self.executor.describe();
        if self.exec != "default" {
            facts.push(format!("exec: {}", self.exec));
        }
        if !self.start_time.is_zero() {
            facts.push(format!("startTime: {}", fmt_dur(self.start_time)));
        }
        if !self.graceful_stop.is_zero() && self.executor.has_graceful_stop() {
            facts.push(format!("gracefulStop: {}", fmt_dur(self.graceful_stop)));
        }
        if facts.is_empty() {
            head
        } else {
            format!("{head} ({})", facts.join(", "))
        }
    }
}

/// `maxVUs: P` or `maxVUs: P-M` in arrival-rate descriptions.
pub(crate) fn max_vus_fact(pre: u64, max: u64) -> String {
    if max > pre {
        format!("maxVUs: {pre}-{max}")
    } else {
        format!("maxVUs: {pre}")
    }
}

/// Live counters of a scenario, read by the progress printer and the `vus` gauge.
#[derive(Debug, Default)]
pub struct Progress {
    pub complete: AtomicU64,
    pub interrupted: AtomicU64,
    /// VUs currently running an iteration loop.
    pub active: AtomicU64,
    pub done: AtomicBool,
    /// When the scenario finished, in ms since the test started (progress lines freeze there).
    pub finished_ms: AtomicU64,
    /// The scenario ended because the test was stopping (abort, Ctrl-C, a threshold).
    pub cut_short: AtomicBool,
}

/// What an executor works with.
pub struct RunCtx {
    pub vus: Vec<VuHandle>,
    pub job: IterationJob,
    pub progress: Arc<Progress>,
    /// True once the whole test is stopping (abort, Ctrl-C): start no new iterations.
    pub stop: watch::Receiver<bool>,
    /// True once in-flight iterations must be interrupted.
    pub interrupt: watch::Receiver<bool>,
    /// When the test started.
    pub started: Instant,
    /// Test-wide counters reported by `k6/execution`.
    pub test: Arc<rk6_runtime::execution::TestState>,
    /// Where the executor reports its own samples (`dropped_iterations`).
    pub samples: rk6_runtime::metrics::SampleSender,
    /// This instance's share of arrival-rate iterations (`--execution-segment`).
    pub stripe: crate::execution_segment::Stripe,
    /// Where arrival-rate executors get VUs beyond `preAllocatedVUs`, up to `maxVUs`.
    pub more: Option<MoreVus>,
}

/// VUs an arrival-rate scenario may still initialise during the run (k6 starts VUs beyond
/// `preAllocatedVUs` only when the schedule needs them).
#[derive(Clone)]
pub struct MoreVus {
    pub pool: Arc<rk6_runtime::VuPool>,
    pub config: Arc<rk6_runtime::TestConfig>,
    /// Ids reserved for them, in order.
    pub ids: Vec<u64>,
}

impl RunCtx {
    /// Counts `n` iterations that were never started in `dropped_iterations` (k6 sends one
    /// sample per drop from arrival-rate executors, one for the rest when an
    /// iteration-based executor's `maxDuration` runs out).
    /// Nothing is counted once the test is stopping (abort, Ctrl-C): k6 sends these samples
    /// only while its run context is alive.
    pub fn emit_dropped(&self, n: u64) {
        if n == 0 || *self.stop.borrow() || self.test.aborted().is_some() {
            return;
        }
        let sample = Sample {
            metric: builtin::DROPPED_ITERATIONS,
            time: std::time::SystemTime::now(),
            value: n as f64,
            tags: self.job.tags.clone(),
            metadata: None,
        };
        let _ = self.samples.send(vec![sample]);
    }

    /// Counts a VU as running iterations (or not anymore).
    pub fn vu_active(&self, active: bool) {
        count_active(&self.progress, &self.test, active);
    }

    /// Whether new iterations may start before `deadline`.
    pub fn may_start(&self, deadline: Instant) -> bool {
        !*self.stop.borrow() && !*self.interrupt.borrow() && Instant::now() < deadline
    }

    /// Runs iterations on `vu`'s own thread while `keep_going` (and the stop signals) allow,
    /// counting each in the progress.
    pub async fn iterate_while(
        &self,
        vu: &VuHandle,
        keep_going: impl Fn() -> bool + Send + Sync + 'static,
    ) -> JobOutcome {
        self.iterate_while_interruptible(vu, keep_going, self.interrupt.clone())
            .await
    }

    /// [`Self::iterate_while`] with an interrupt signal of the caller's (which must also
    /// follow the scenario's own): `ramping-vus` interrupts one ramped-down VU at a time.
    pub async fn iterate_while_interruptible(
        &self,
        vu: &VuHandle,
        keep_going: impl Fn() -> bool + Send + Sync + 'static,
        interrupt: watch::Receiver<bool>,
    ) -> JobOutcome {
        let (stop, stopping) = (self.stop.clone(), interrupt.clone());
        let progress = self.progress.clone();
        let test = self.test.clone();
        let job = LoopJob {
            iteration: self.job.clone(),
            keep_going: Arc::new(move || !*stop.borrow() && !*stopping.borrow() && keep_going()),
            on_done: Arc::new(move |out| count_iteration(&progress, &test, out)),
        };
        vu.run(Job::Loop(job), interrupt).await
    }
}

/// Counts a finished iteration in the scenario's progress and the test-wide totals.
pub(crate) fn count_iteration(progress: &Progress, test: &TestState, out: &JobOutcome) {
    let (mine, overall) = match out {
        JobOutcome::Interrupted => (&progress.interrupted, &test.iterations_interrupted),
        _ => (&progress.complete, &test.iterations_completed),
    };
    mine.fetch_add(1, Ordering::Relaxed);
    overall.fetch_add(1, Ordering::Relaxed);
}

/// Counts a VU as busy (or not anymore) in the scenario's progress and test-wide.
pub(crate) fn count_active(progress: &Progress, test: &TestState, active: bool) {
    for counter in [&progress.active, &test.vus_active] {
        if active {
            counter.fetch_add(1, Ordering::Relaxed);
        } else {
            counter.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Runs a scenario: waits for its start time, runs the executor, and interrupts iterations
/// still running `gracefulStop` after the executor's planned end.
pub async fn run_scenario(scenario: &Scenario, ctx: RunCtx, interrupt_tx: watch::Sender<bool>) {
    let mut stop = ctx.stop.clone();
    let facts = scenario.facts();
    if !scenario.start_time.is_zero() {
        crate::verbose::executor_waiting(&facts);
    }
    tokio::select! {
        _ = tokio::time::sleep(scenario.start_time) => {}
        _ = stop.wait_for(|s| *s) => { ctx.progress.done.store(true, Ordering::Relaxed); return; }
    }
    ctx.job.state.start();
    crate::verbose::executor_started(&facts, scenario.executor.run_fields());
    let hard_deadline = Instant::now() + scenario.executor.duration() + scenario.graceful_stop;
    let timer = {
        let tx = interrupt_tx.clone();
        let mut stop = ctx.stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep_until(hard_deadline.into()) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            let _ = tx.send(true);
        })
    };
    scenario.executor.run(&ctx).await;
    timer.abort();
    if *ctx.stop.borrow() || ctx.test.aborted().is_some() {
        ctx.progress.cut_short.store(true, Ordering::Relaxed);
    }
    crate::verbose::executor_finished(&facts);
    let finished = ctx.started.elapsed().as_millis() as u64;
    ctx.progress.finished_ms.store(finished, Ordering::Relaxed);
    ctx.progress.done.store(true, Ordering::Relaxed);
}

/// Runs `body(i, vu)` for every VU concurrently and waits for all.
pub(crate) async fn for_each_vu<'a, F, Fut>(ctx: &'a RunCtx, count: usize, body: F)
where
    F: Fn(usize, &'a VuHandle) -> Fut,
    Fut: std::future::Future<Output = ()> + 'a,
{
    let futs = ctx.vus.iter().take(count).enumerate().map(|(i, vu)| {
        let fut = body(i, vu);
        async move {
            ctx.vu_active(true);
            fut.await;
            ctx.vu_active(false);
        }
    });
    futures_util::future::join_all(futs).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_exactly_k6s_executors() {
        let names: Vec<&str> = REGISTRY.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "shared-iterations",
                "per-vu-iterations",
                "constant-vus",
                "ramping-vus",
                "constant-arrival-rate",
                "ramping-arrival-rate",
                "externally-controlled",
            ]
        );
        assert!(find_type("constant-vus").is_some());
        assert!(find_type("Constant-VUs").is_none());
        assert_eq!(unknown_type("bogus"), "unknown executor type 'bogus'");
    }

    #[test]
    fn each_type_builds_an_executor_of_its_own_kind() {
        let obj = serde_json::json!({"stages": [{"duration": "1s", "target": 1}]});
        let obj = obj.as_object().expect("an object");
        for t in REGISTRY {
            let built = (t.build)(&ScenarioJson { name: "s", obj });
            assert_eq!(built.map(|e| e.kind()).ok(), Some(t.name));
        }
    }
}
