//! The test's main phase: every scenario runs on its own task with its VUs while this
//! loop draws the progress block, samples the `vus` gauges and ends the run early on
//! `exec.test.abort()`, a threshold's `abortOnFail`, the REST API, a panic, Ctrl-C or the
//! watchdog.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rk6_runtime::{log::Logger, IterationJob, VuPool};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::plan::Plan;
use super::watchdog::Watchdog;
use super::{interrupt_signal, progress, vus, RunArgs};
use crate::executor::{run_scenario, Progress, RunCtx, Scenario};
use crate::exit::ExitCode;

/// What the scenarios run with.
pub(super) struct Execution<'a> {
    pub args: &'a RunArgs,
    pub plan: &'a Plan,
    pub pool: &'a Arc<VuPool>,
    /// `setup()`'s data as JSON, handed to every iteration.
    pub setup_data: Option<Arc<str>>,
    /// A threshold with `abortOnFail` failed.
    pub abort_rx: super::stages::AbortRx,
    pub started: Instant,
    pub watchdog: &'a Watchdog,
}

/// Runs all scenarios to their end or an early stop; the exit code so far and the last
/// progress block (k6 prints it after the summary).
pub(super) async fn execute(ex: Execution<'_>, vus: Vec<vus::ScenarioVus>) -> (ExitCode, String) {
    arm_watchdog(ex.watchdog, &ex.plan.scenarios);
    let (stop_tx, stop_rx) = watch::channel(false);
    // The process exits after the run: VUs need no teardown (k6 too keeps them to the end).
    rk6_runtime::vu::keep_contexts_until_exit();
    let (progress, runs) = spawn_scenarios(&ex, vus, &stop_rx);
    let all = futures_util::future::join_all(runs);
    let display = progress::Display::new(ex.args.quiet);
    let mut stop = Stop {
        tx: stop_tx,
        at: None,
        exit: ExitCode::Success,
        started: ex.started,
    };
    watch_run(&ex, &mut stop, &progress, &display, all).await;
    if stop.exit == ExitCode::ExternalAbort {
        Logger::error(
            "test run was aborted because rk6 received a 'interrupt' signal",
            &[],
        );
    }
    display.stop();
    let total_vus: u64 = ex.plan.scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let last = progress::frame(
        ex.started.elapsed(),
        &ex.plan.scenarios,
        &progress,
        total_vus,
        stop.at,
    );
    (stop.exit, display.last(&last))
}

/// The scenarios are planned to end by their longest `max_duration`; one with no planned
/// end (externally controlled, duration 0) runs until stopped, and is not watched.
fn arm_watchdog(watchdog: &Watchdog, scenarios: &[Scenario]) {
    let unbounded = scenarios.iter().any(|s| s.executor.unbounded());
    match scenarios.iter().map(Scenario::max_duration).max() {
        _ if unbounded => watchdog.disarm(),
        planned => watchdog.arm("the scenarios", planned.unwrap_or_default()),
    }
}

/// One task per scenario, each with its VUs, its progress counters and its own interrupt.
fn spawn_scenarios(
    ex: &Execution<'_>,
    vus: Vec<vus::ScenarioVus>,
    stop_rx: &watch::Receiver<bool>,
) -> (Vec<Arc<Progress>>, Vec<JoinHandle<()>>) {
    let config = &ex.plan.config;
    let stripe = ex
        .args
        .segment
        .as_ref()
        .map_or_else(crate::execution_segment::Stripe::whole, |g| g.stripe());
    let mut progress = Vec::new();
    let mut runs = Vec::new();
    for (i, (s, mine)) in ex.plan.scenarios.iter().zip(vus).enumerate() {
        let p = Arc::new(Progress::default());
        progress.push(p.clone());
        let (int_tx, int_rx) = watch::channel(false);
        let more = (!mine.spare.is_empty()).then(|| crate::executor::MoreVus {
            pool: ex.pool.clone(),
            config: config.clone(),
            ids: mine.spare.clone(),
        });
        let ctx = RunCtx {
            vus: mine.ready,
            more,
            job: iteration_job(ex, s),
            progress: p,
            stop: stop_rx.clone(),
            interrupt: int_rx,
            started: ex.started,
            test: config.test.clone(),
            samples: config.samples.clone(),
            stripe: stripe.clone(),
        };
        let shared = ex.plan.scenarios.clone();
        runs.push(tokio::spawn(async move {
            run_scenario(&shared[i], ctx, int_tx).await
        }));
    }
    (progress, runs)
}

/// What every iteration of scenario `s` runs: its function, tags, env and setup data.
fn iteration_job(ex: &Execution<'_>, s: &Scenario) -> IterationJob {
    let config = &ex.plan.config;
    let mut tags = config.run_tags.clone();
    tags.extend(s.tags.clone());
    if config.system_tags.has("scenario") {
        tags.insert("scenario".into(), s.name.clone());
    }
    let planned = s.executor.duration().as_millis() as u64;
    IterationJob {
        state: Arc::new(rk6_runtime::execution::ScenarioState {
            iteration_stripe: s.executor.iteration_stripe(),
            ..rk6_runtime::execution::ScenarioState::new(planned)
        }),
        exec: Arc::from(s.exec.as_str()),
        scenario: Arc::from(s.name.as_str()),
        executor: Arc::from(s.executor.kind()),
        data: ex.setup_data.clone(),
        tags: Arc::new(tags),
        env: (!s.env.is_empty()).then(|| Arc::new(s.env.clone())),
    }
}

/// How the run is being stopped early, if it is.
struct Stop {
    tx: watch::Sender<bool>,
    /// When the stop began (the progress block's frozen clock).
    at: Option<Duration>,
    exit: ExitCode,
    started: Instant,
}

impl Stop {
    fn stopping(&self) -> bool {
        self.at.is_some()
    }

    /// Stops every scenario, ending the run with `exit`.
    fn stop(&mut self, exit: ExitCode) {
        if self.at.is_none() {
            self.at = Some(self.started.elapsed());
            self.exit = exit;
            let _ = self.tx.send(true);
        }
    }
}

/// Until every scenario ends: the progress block, the `vus` gauges, and the early stops.
async fn watch_run(
    ex: &Execution<'_>,
    stop: &mut Stop,
    progress: &[Arc<Progress>],
    display: &progress::Display,
    all: impl std::future::Future,
) {
    tokio::pin!(all);
    let every = |d: Duration| tokio::time::interval_at(tokio::time::Instant::now() + d, d);
    let (mut tick, mut gauge_tick) = (every(display.interval()), every(Duration::from_secs(1)));
    let interrupted = interrupt_signal();
    tokio::pin!(interrupted);
    let mut interrupted_once = false;
    let (config, scenarios) = (&ex.plan.config, &ex.plan.scenarios);
    let total_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let mut script_abort = config.test.abort.subscribe();
    let mut api_stop = ex.plan.control.stopped.subscribe();
    // A stop that came during setup() is seen at the first turn of the loop.
    api_stop.mark_changed();
    let mut abort_rx = ex.abort_rx.clone();
    loop {
        let stopping = stop.stopping();
        tokio::select! {
            _ = &mut all => break,
            _ = script_abort.changed(), if !stopping => {
                if let Some(text) = script_abort.borrow().clone() {
                    Logger::error(&text, &[]);
                    stop.stop(ExitCode::ScriptAborted);
                }
            }
            _ = gauge_tick.tick() => vus::emit_gauges(config, progress),
            _ = tick.tick() => {
                display.show(&progress::frame(ex.started.elapsed(), scenarios, progress, total_vus, stop.at));
            }
            _ = api_stop.changed(), if !stopping => {
                if *api_stop.borrow() {
                    Logger::error("test run stopped from REST API", &[]);
                    stop.stop(ExitCode::GenericEngine);
                }
            }
            _ = abort_rx.changed(), if !stopping => {
                if abort_rx.borrow().is_some() {
                    stop.stop(ExitCode::ThresholdsFailed);
                }
            }
            _ = crate::fault::raised(), if !stopping => {
                Logger::error("stopping the test: a part of rk6 panicked (details at the end)", &[]);
                stop.stop(ExitCode::Other);
            }
            // Stuck scenarios are left behind: the summary comes from what they sent.
            () = ex.watchdog.fired() => {
                stop.stop(ExitCode::GenericTimeout);
                stop.exit = ExitCode::GenericTimeout;
                break;
            }
            // Also while the test is already stopping for another reason (as in k6): a
            // second interrupt then ends the process whatever still runs.
            _ = &mut interrupted, if !interrupted_once => {
                interrupted_once = true;
                if !stopping {
                    Logger::warn("Stopping the test (interrupt received), finishing the summary; interrupt again to stop at once", &[]);
                    stop.stop(ExitCode::ExternalAbort);
                }
                tokio::spawn(async {
                    interrupt_signal().await;
                    Logger::error("second interrupt: stopping at once", &[]);
                    std::process::exit(ExitCode::ExternalAbort.code());
                });
            }
        }
    }
}
