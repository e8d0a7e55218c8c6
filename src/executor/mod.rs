//! Executors: how a scenario schedules iterations on its VUs. One file per executor, like
//! k6's `lib/executor`. This module holds what they share: the scenario description, the
//! run context (VUs, stop signals, progress counters) and the one-iteration step.

pub mod arrival;
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

use rk6_runtime::duration::format as fmt_dur;
use rk6_runtime::execution::TestState;
use rk6_runtime::metrics::{builtin, Sample};
use rk6_runtime::{IterationJob, Job, JobOutcome, LoopJob, VuHandle};
use tokio::sync::watch;

/// One scenario: an executor plus k6's common scenario fields.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub exec: String,
    pub start_time: Duration,
    pub graceful_stop: Duration,
    pub env: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub executor: Executor,
}

/// The executors rk6 runs.
#[derive(Debug, Clone)]
pub enum Executor {
    SharedIterations(shared_iterations::SharedIterations),
    PerVuIterations(per_vu_iterations::PerVuIterations),
    ConstantVus(constant_vus::ConstantVus),
    RampingVus(ramping_vus::RampingVus),
    ConstantArrivalRate(constant_arrival_rate::ConstantArrivalRate),
    RampingArrivalRate(ramping_arrival_rate::RampingArrivalRate),
    ExternallyControlled(externally_controlled::ExternallyControlled),
}

impl Executor {
    /// Scales VU counts, iterations and stage targets to this instance's segment (arrival
    /// rates are striped per iteration at run time instead).
    pub fn segment(&mut self, seg: &crate::execution_segment::Segment) {
        let stripe = seg.stripe();
        match self {
            Executor::SharedIterations(e) => {
                e.iterations = seg.stripe_by_vus(e.vus).scale(e.iterations);
                e.vus = stripe.scale(e.vus);
            }
            Executor::PerVuIterations(e) => e.vus = stripe.scale(e.vus),
            Executor::ConstantVus(e) => e.vus = stripe.scale(e.vus),
            Executor::RampingVus(e) => {
                e.start_vus = stripe.scale(e.start_vus);
                for s in &mut e.stages {
                    s.1 = stripe.scale(s.1);
                }
            }
            Executor::ConstantArrivalRate(e) => {
                e.pre_allocated_vus = stripe.scale(e.pre_allocated_vus);
                e.max_vus = stripe.scale(e.max_vus);
            }
            Executor::RampingArrivalRate(e) => {
                e.pre_allocated_vus = stripe.scale(e.pre_allocated_vus);
                e.max_vus = stripe.scale(e.max_vus);
            }
            Executor::ExternallyControlled(e) => {
                e.vus = stripe.scale(e.vus);
                e.max_vus = stripe.scale(e.max_vus);
            }
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        match self {
            Executor::SharedIterations(e) => e.validate(),
            Executor::PerVuIterations(e) => e.validate(),
            Executor::ConstantVus(e) => e.validate(),
            Executor::RampingVus(e) => e.validate(),
            Executor::ConstantArrivalRate(e) => e.validate(),
            Executor::RampingArrivalRate(e) => e.validate(),
            Executor::ExternallyControlled(e) => e.validate(),
        }
    }

    pub fn max_vus(&self) -> u64 {
        match self {
            Executor::SharedIterations(e) => e.vus,
            Executor::PerVuIterations(e) => e.vus,
            Executor::ConstantVus(e) => e.vus,
            Executor::RampingVus(e) => e.max_vus(),
            Executor::ConstantArrivalRate(e) => e.max_vus.max(e.pre_allocated_vus),
            Executor::RampingArrivalRate(e) => e.max_vus.max(e.pre_allocated_vus),
            Executor::ExternallyControlled(e) => e.max_vus,
        }
    }

    /// VUs initialised before the run starts: all of them, except for arrival-rate
    /// executors, which start with `preAllocatedVUs` and add VUs when needed.
    pub fn initial_vus(&self) -> u64 {
        match self {
            Executor::ConstantArrivalRate(e) => {
                e.pre_allocated_vus.min(e.max_vus.max(e.pre_allocated_vus))
            }
            Executor::RampingArrivalRate(e) => {
                e.pre_allocated_vus.min(e.max_vus.max(e.pre_allocated_vus))
            }
            other => other.max_vus(),
        }
    }

    /// Planned duration, without graceful stop.
    pub fn duration(&self) -> Duration {
        match self {
            Executor::SharedIterations(e) => e.max_duration,
            Executor::PerVuIterations(e) => e.max_duration,
            Executor::ConstantVus(e) => e.duration,
            Executor::RampingVus(e) => e.total_duration(),
            Executor::ConstantArrivalRate(e) => e.duration,
            Executor::RampingArrivalRate(e) => e.total_duration(),
            Executor::ExternallyControlled(e) => e.duration,
        }
    }

    /// k6's executor type name.
    pub fn kind(&self) -> &'static str {
        match self {
            Executor::SharedIterations(_) => "shared-iterations",
            Executor::PerVuIterations(_) => "per-vu-iterations",
            Executor::ConstantVus(_) => "constant-vus",
            Executor::RampingVus(_) => "ramping-vus",
            Executor::ConstantArrivalRate(_) => "constant-arrival-rate",
            Executor::RampingArrivalRate(_) => "ramping-arrival-rate",
            Executor::ExternallyControlled(_) => "externally-controlled",
        }
    }

    async fn run(&self, ctx: &RunCtx) {
        match self {
            Executor::SharedIterations(e) => e.run(ctx).await,
            Executor::PerVuIterations(e) => e.run(ctx).await,
            Executor::ConstantVus(e) => e.run(ctx).await,
            Executor::RampingVus(e) => e.run(ctx).await,
            Executor::ConstantArrivalRate(e) => e.run(ctx).await,
            Executor::RampingArrivalRate(e) => e.run(ctx).await,
            Executor::ExternallyControlled(e) => e.run(ctx).await,
        }
    }
}

impl Scenario {
    /// The `default` scenario derived from shortcut options.
    pub fn shortcut(executor: Executor) -> Self {
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
        let extra = match &self.executor {
            // A last stage down to 0 ramps every VU down: they get gracefulRampDown, cut
            // short by gracefulStop. Otherwise VUs still planned at the end get gracefulStop.
            Executor::RampingVus(r) if r.stages.last().is_some_and(|s| s.1 == 0) => {
                r.graceful_ramp_down.min(self.graceful_stop)
            }
            // k6 adds no graceful stop to an externally controlled scenario.
            Executor::ExternallyControlled(_) => Duration::ZERO,
            _ => self.graceful_stop,
        };
        self.start_time + self.executor.duration() + extra
    }

    /// The header line k6 prints for the scenario.
    pub fn description(&self) -> String {
        let (head, mut facts) = match &self.executor {
            Executor::SharedIterations(e) => (
                format!("{} iterations shared among {} VUs", e.iterations, e.vus),
                vec![format!("maxDuration: {}", fmt_dur(e.max_duration))],
            ),
            Executor::PerVuIterations(e) => (
                format!("{} iterations for each of {} VUs", e.iterations, e.vus),
                vec![format!("maxDuration: {}", fmt_dur(e.max_duration))],
            ),
            Executor::ConstantVus(e) => (
                format!("{} looping VUs for {}", e.vus, fmt_dur(e.duration)),
                vec![],
            ),
            Executor::RampingVus(e) => (
                format!(
                    "Up to {} looping VUs for {} over {} stages",
                    e.max_vus(),
                    fmt_dur(e.total_duration()),
                    e.stages.len()
                ),
                vec![format!(
                    "gracefulRampDown: {}",
                    fmt_dur(e.graceful_ramp_down)
                )],
            ),
            Executor::ConstantArrivalRate(e) => (
                format!(
                    "{:.2} iterations/s for {}",
                    e.per_second(),
                    fmt_dur(e.duration)
                ),
                vec![max_vus_fact(e.pre_allocated_vus, e.max_vus)],
            ),
            Executor::ExternallyControlled(e) => (
                format!(
                    "Externally controlled execution with {} VUs, {} max VUs, {} duration",
                    e.vus,
                    e.max_vus,
                    fmt_dur(e.duration)
                ),
                Vec::new(),
            ),
            Executor::RampingArrivalRate(e) => (
                format!(
                    "Up to {:.2} iterations/s for {} over {} stages",
                    e.max_rate() / e.time_unit.as_secs_f64(),
                    fmt_dur(e.total_duration()),
                    e.stages.len()
                ),
                vec![max_vus_fact(e.pre_allocated_vus, e.max_vus)],
            ),
        };
        if self.exec != "default" {
            facts.push(format!("exec: {}", self.exec));
        }
        if !self.start_time.is_zero() {
            facts.push(format!("startTime: {}", fmt_dur(self.start_time)));
        }
        let externally = matches!(self.executor, Executor::ExternallyControlled(_));
        if !self.graceful_stop.is_zero() && !externally {
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
fn max_vus_fact(pre: u64, max: u64) -> String {
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
    if !scenario.start_time.is_zero() {
        crate::verbose::executor_waiting(scenario);
    }
    tokio::select! {
        _ = tokio::time::sleep(scenario.start_time) => {}
        _ = stop.wait_for(|s| *s) => { ctx.progress.done.store(true, Ordering::Relaxed); return; }
    }
    ctx.job.state.start();
    crate::verbose::executor_started(scenario);
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
    crate::verbose::executor_finished(scenario);
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
