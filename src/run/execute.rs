//! The test's main phase: every scenario runs on its own task with its VUs while this
//! loop draws the progress block, samples the `vus` gauges and ends the run early on
//! `exec.test.abort()`, a threshold's `abortOnFail`, the REST API, a panic or Ctrl-C.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rk6_runtime::{log::Logger, IterationJob, TestConfig, VuPool};
use tokio::sync::watch;

use super::{interrupt_signal, progress, vus, RunArgs};
use crate::executor::{run_scenario, Progress, RunCtx, Scenario};
use crate::exit::ExitCode;

/// Runs all scenarios with progress output, the `vus` gauges, abortOnFail and Ctrl-C.
#[allow(clippy::too_many_arguments)]
pub(super) async fn execute(
    args: &RunArgs,
    config: &Arc<TestConfig>,
    scenarios: &[Scenario],
    vus: Vec<vus::ScenarioVus>,
    pool: &Arc<VuPool>,
    setup_data: Option<Arc<str>>,
    mut abort_rx: watch::Receiver<Option<Vec<String>>>,
    started: Instant,
    total_vus: u64,
    control: &Arc<crate::api::Control>,
    watchdog: &super::watchdog::Watchdog,
) -> (ExitCode, String) {
    let unbounded = scenarios.iter().any(|s| {
        matches!(&s.executor, crate::executor::Executor::ExternallyControlled(e) if e.duration.is_zero())
    });
    match scenarios.iter().map(Scenario::max_duration).max() {
        // An externally controlled scenario with duration 0 runs until stopped.
        _ if unbounded => watchdog.disarm(),
        planned => watchdog.arm("the scenarios", planned.unwrap_or_default()),
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut api_stop = control.stopped.subscribe();
    // The process exits after the run: VUs need no teardown (k6 too keeps them to the end).
    rk6_runtime::vu::keep_contexts_until_exit();
    let mut progress = Vec::new();
    let mut runs = Vec::new();
    for (s, mine) in scenarios.iter().zip(vus) {
        let p = Arc::new(Progress::default());
        progress.push(p.clone());
        let mut tags = config.run_tags.clone();
        tags.extend(s.tags.clone());
        if config.system_tags.has("scenario") {
            tags.insert("scenario".into(), s.name.clone());
        }
        let planned = s.executor.duration().as_millis() as u64;
        let job = IterationJob {
            state: Arc::new(rk6_runtime::execution::ScenarioState::new(planned)),
            exec: Arc::from(s.exec.as_str()),
            scenario: Arc::from(s.name.as_str()),
            executor: Arc::from(s.executor.kind()),
            data: setup_data.clone(),
            tags: Arc::new(tags),
            env: (!s.env.is_empty()).then(|| Arc::new(s.env.clone())),
        };
        let (int_tx, int_rx) = watch::channel(false);
        let more = (!mine.spare.is_empty()).then(|| crate::executor::MoreVus {
            pool: pool.clone(),
            config: config.clone(),
            ids: mine.spare.clone(),
        });
        let ctx = RunCtx {
            vus: mine.ready,
            more,
            job,
            progress: p,
            stop: stop_rx.clone(),
            interrupt: int_rx,
            started,
            test: config.test.clone(),
            samples: config.samples.clone(),
            stripe: args
                .segment
                .as_ref()
                .map_or_else(crate::execution_segment::Stripe::whole, |g| g.stripe()),
        };
        let scenario = s.clone();
        runs.push(tokio::spawn(async move {
            run_scenario(&scenario, ctx, int_tx).await
        }));
    }
    let all = futures_util::future::join_all(runs);
    tokio::pin!(all);
    let display = progress::Display::new(args.quiet);
    let every = |d: Duration| tokio::time::interval_at(tokio::time::Instant::now() + d, d);
    let (mut tick, mut gauge_tick) = (every(display.interval()), every(Duration::from_secs(1)));
    let mut stopped_at = None;
    let mut exit = ExitCode::Success;
    let interrupted = interrupt_signal();
    tokio::pin!(interrupted);
    let (mut stopping, mut interrupted_once) = (false, false);
    let mut script_abort = config.test.abort.subscribe();
    loop {
        if stopping && stopped_at.is_none() {
            stopped_at = Some(started.elapsed());
        }
        tokio::select! {
            _ = &mut all => break,
            _ = script_abort.changed(), if !stopping => {
                if let Some(text) = script_abort.borrow().clone() {
                    stopping = true;
                    Logger::error(&text, &[]);
                    exit = ExitCode::ScriptAborted;
                    let _ = stop_tx.send(true);
                }
            }
            _ = gauge_tick.tick() => vus::emit_gauges(config, &progress),
            _ = tick.tick() => {
                display.show(&progress::frame(started.elapsed(), scenarios, &progress, total_vus, stopped_at));
            }
            _ = api_stop.changed(), if !stopping => {
                if *api_stop.borrow() {
                    stopping = true;
                    Logger::error("test run stopped from REST API", &[]);
                    exit = ExitCode::GenericEngine;
                    let _ = stop_tx.send(true);
                }
            }
            _ = abort_rx.changed(), if !stopping => {
                if abort_rx.borrow().is_some() {
                    stopping = true;
                    exit = ExitCode::ThresholdsFailed;
                    let _ = stop_tx.send(true);
                }
            }
            _ = crate::fault::raised(), if !stopping => {
                stopping = true;
                Logger::error("stopping the test: a part of rk6 panicked (details at the end)", &[]);
                exit = ExitCode::Other;
                let _ = stop_tx.send(true);
            }
            // Stuck scenarios are left behind: the summary comes from what they sent.
            () = watchdog.fired() => {
                stopping = true;
                exit = ExitCode::GenericTimeout;
                let _ = stop_tx.send(true);
                break;
            }
            // Also while the test is already stopping for another reason (as in k6): a
            // second interrupt then ends the process whatever still runs.
            _ = &mut interrupted, if !interrupted_once => {
                interrupted_once = true;
                if !stopping {
                    stopping = true;
                    Logger::warn("Stopping the test (interrupt received), finishing the summary; interrupt again to stop at once", &[]);
                    exit = ExitCode::ExternalAbort;
                    let _ = stop_tx.send(true);
                }
                tokio::spawn(async {
                    interrupt_signal().await;
                    Logger::error("second interrupt: stopping at once", &[]);
                    std::process::exit(ExitCode::ExternalAbort.code());
                });
            }
        }
    }
    if exit == ExitCode::ExternalAbort {
        Logger::error(
            "test run was aborted because rk6 received a 'interrupt' signal",
            &[],
        );
    }
    display.stop();
    if stopping && stopped_at.is_none() {
        stopped_at = Some(started.elapsed());
    }
    // k6 prints the final progress block after the summary.
    let last = progress::frame(
        started.elapsed(),
        scenarios,
        &progress,
        total_vus,
        stopped_at,
    );
    (exit, display.last(&last))
}
