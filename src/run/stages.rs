//! The run's stages after the [`Plan`], in k6's order: outputs, VUs, the metrics engine,
//! a pause, setup, (the scenarios: `execute.rs`), teardown, the end of the metrics and the
//! summary. Each stage is one function with one job; `run` strings them together. Every
//! stage that can hang is watched by the [`Watchdog`].

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use rk6_runtime::{log::Logger, VuPool};
use serde_json::Value;
use tokio::sync::watch;

use super::lifecycle::{self, Lifecycle};
use super::plan::{Plan, SampleRx};
use super::vus::{self, ScenarioVus};
use super::watchdog::Watchdog;
use super::{interrupt_signal, ui, RunArgs, RunError};
use crate::exit::ExitCode;
use crate::metrics::Engine;
use crate::output::Outputs;
use crate::summary::Report;

/// How long the metrics engine and the outputs may take to flush at the end before the
/// watchdog counts them as stuck.
const OUTPUTS_FLUSH_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// Starts the `--out` outputs (or `K6_OUT`'s) and prints k6's header.
pub(super) fn start_outputs(args: &RunArgs, plan: &Plan) -> Result<Outputs, RunError> {
    let specs = output_specs(args, plan);
    let system_tags = &plan.config.system_tags;
    let outputs = Outputs::start(
        &specs,
        &crate::output::OutputContext {
            registry: plan.registry.clone(),
            thresholds: plan.thresholds.clone(),
            system_tags: system_tags.clone(),
            expected_response: system_tags.has("expected_response"),
            env: plan.sys_env.clone(),
            cwd: std::env::current_dir().unwrap_or_default(),
            run: run_facts(args, plan),
            segment: args.segment.clone(),
            test_id: test_id(&args.script),
        },
    )?;
    if !args.quiet {
        rk6_runtime::term::out(&ui::header(
            &args.script.display().to_string(),
            outputs.dashboard_url().as_deref(),
            &outputs.description(),
            &plan.scenarios,
            args.segment.as_ref().map_or(100.0, |g| g.percent()),
            rk6_runtime::term::stdout_color(),
        ));
    }
    Ok(outputs)
}

/// What identifies a test across the instances running its segments: the md5 of the
/// script (or archive) file they all run; `None` for a script read from stdin.
fn test_id(script: &std::path::Path) -> Option<String> {
    use md5::{Digest, Md5};
    let bytes = std::fs::read(script).ok()?;
    Some(format!("{:x}", Md5::digest(&bytes)))
}

/// `--out` (or `K6_OUT`), plus the web dashboard when `K6_WEB_DASHBOARD` (or the config
/// file's `webDashboard`) is true, as k6 adds it, or `--report` asks for its HTML report.
fn output_specs(args: &RunArgs, plan: &Plan) -> Vec<crate::output::OutputSpec> {
    use crate::output::OutputSpec;
    let mut specs = args.outputs.clone();
    if specs.is_empty() {
        if let Some(v) = plan.sys_env.get("K6_OUT").filter(|v| !v.is_empty()) {
            specs = crate::output::specs_from_env(v);
        }
    }
    let is_dashboard = |s: &OutputSpec| s.kind == "web-dashboard";
    let on = match plan
        .sys_env
        .get("K6_WEB_DASHBOARD")
        .filter(|v| !v.is_empty())
    {
        Some(v) => v == "true",
        None => args.web_dashboard == Some(true),
    };
    if on && !specs.iter().any(is_dashboard) {
        specs.push(OutputSpec::parse("web-dashboard"));
    }
    if let Some(path) = &args.report {
        let export: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("export", &path.to_string_lossy())
            .finish();
        match specs.iter_mut().find(|s| is_dashboard(s)) {
            Some(s) if s.arg.is_empty() => s.arg = export,
            Some(s) => s.arg = format!("{}&{export}", s.arg),
            None => specs.push(OutputSpec {
                kind: "web-dashboard".into(),
                arg: format!("port=-1&{export}"),
            }),
        }
    }
    specs
}

/// What the web dashboard shows of the test besides its samples.
fn run_facts(args: &RunArgs, plan: &Plan) -> crate::output::dashboard::RunFacts {
    let title = args.script.file_name().map_or_else(
        || args.script.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    crate::output::dashboard::RunFacts {
        info: crate::output::dashboard::model::RunInfo {
            title,
            response_sizes: plan.config.response_sizes.clone(),
            options: shown_options(plan),
            scenarios: plan
                .scenarios
                .iter()
                .map(|s| (s.name.clone(), s.executor.kind().to_string()))
                .collect(),
        },
        duration: plan
            .scenarios
            .iter()
            .map(crate::executor::Scenario::max_duration)
            .max()
            .unwrap_or_default(),
    }
}

/// The options as the report shows them: without unset fields, and without what holds
/// secrets (client keys and passwords, cloud tokens), since reports get archived and
/// shared.
fn shown_options(plan: &Plan) -> serde_json::Value {
    let mut options = crate::output::dashboard::model::without_nulls(
        crate::options::scenarios::test_options(&plan.opts),
    );
    if let Some(o) = options.as_object_mut() {
        for secret in ["tlsAuth", "ext", "cloud"] {
            o.remove(secret);
        }
    }
    options
}

/// VUs per worker thread, at most: past that, a thread per core. A VU busy in JS yields its
/// thread to the others every 10 ms (the runtime's preemption, as Go preempts k6's VUs), so
/// fairness does not need more threads than cores, and each thread beyond them costs
/// switches, timer wake-ups and memory-map contention. Measured with 5,000 VUs of a
/// JSON-parsing script on 2 cores: 50 threads gave 2,924–3,160 iterations per CPU-second
/// and a p95 of 460–570 ms against a static file; 2 threads 3,520–3,550 and 39–122 ms.
fn vus_per_thread() -> u64 {
    std::env::var("RK6_VUS_PER_THREAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(100)
}

/// Worker threads for `total_vus`: one per `vus_per_thread` VUs, at least 2 and at most one
/// per core (`RK6_VUS_PER_THREAD` alone decides when set, up to 512).
fn worker_threads(total_vus: u64) -> usize {
    let wanted = total_vus.div_ceil(vus_per_thread());
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    let cap = if std::env::var_os("RK6_VUS_PER_THREAD").is_some() {
        512
    } else {
        cores
    };
    wanted.min(cap).clamp(2, 512) as usize
}

/// The test's VUs: worker threads for all of them, and each scenario's initial VUs.
pub(super) async fn start_vus(plan: &Plan) -> Result<(Arc<VuPool>, Vec<ScenarioVus>), RunError> {
    let total_vus: u64 = plan.scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let threads = worker_threads(total_vus);
    let pool = Arc::new(VuPool::new(threads)?);
    let needed: u64 = plan
        .scenarios
        .iter()
        .map(|s| s.executor.initial_vus())
        .sum();
    crate::verbose::scheduler_init(plan.scenarios.len(), needed);
    let (vus, initialized) = vus::create(&pool, &plan.config, &plan.scenarios).await?;
    let names: Vec<&str> = plan.scenarios.iter().map(|s| s.name.as_str()).collect();
    crate::verbose::scheduler_ready(&names, initialized);
    plan.config.test.vus_initialized.store(initialized, Relaxed);
    plan.control.set_status(crate::api::status::INIT_DONE);
    Ok((pool, vus))
}

/// k6 still ends a run whose VUs failed to initialise with handleSummary or the (empty)
/// summary and the summary export; the error and its exit code follow.
pub(super) async fn end_without_vus(
    args: &RunArgs,
    plan: &Plan,
    lifecycle: &Lifecycle<'_>,
    outputs: Outputs,
) {
    let report = Report::new(
        &crate::metrics::MetricsState::empty(&plan.registry),
        plan.opts.trend_stats(),
        plan.opts.summary_time_unit.clone().unwrap_or_default(),
        0.0,
    );
    summarize(args, lifecycle, &report, None).await;
    let text = outputs
        .wants_summary()
        .then(|| lifecycle::default_summary_text(&report, true, args.summary_mode));
    for warning in outputs.finish(text.as_deref(), 0.0).warnings {
        Logger::warn(&warning, &[]);
    }
}

/// Says which thresholds with `abortOnFail` failed, once one does.
pub(super) type AbortRx = watch::Receiver<Option<Vec<String>>>;

/// The metrics engine: it reads every sample and feeds the outputs; a threshold with
/// `abortOnFail` that fails sends on the returned channel.
pub(super) fn start_engine(
    args: &RunArgs,
    plan: &Plan,
    samples: SampleRx,
    outputs: &Outputs,
) -> Result<(Engine, AbortRx), RunError> {
    let (abort_tx, abort_rx) = watch::channel(None);
    let engine = Engine::start(
        plan.registry.clone(),
        samples,
        &plan.thresholds,
        crate::metrics::EngineOptions {
            expected_response_submetric: plan.config.system_tags.has("expected_response"),
            detail: args.summary_mode == crate::summary::SummaryMode::Full,
            forward: outputs.forward(),
            snapshots: Some(plan.control.snapshots()),
        },
        abort_tx,
    )
    .map_err(crate::options::ConfigError::from)?;
    Ok((engine, abort_rx))
}

/// `--paused`: waits until the REST API resumes the test, emitting the `vus` gauges as
/// k6 does meanwhile. A stop through the API (exit 103) or Ctrl-C (105) ends it here.
pub(super) async fn wait_while_paused(plan: &Plan, watchdog: &Watchdog) -> Result<(), ExitCode> {
    let control = &plan.control;
    if *control.paused.borrow() {
        // While paused, k6 emits the `vus` gauges at once and then every second (a run
        // that starts at once gets its first ones a second in, as in k6).
        vus::emit_gauges(&plan.config, &[]);
        control.set_status(crate::api::status::PAUSED_BEFORE_RUN);
        watchdog.disarm();
        let mut paused = control.paused.subscribe();
        let mut stopped = control.stopped.subscribe();
        let mut gauges = tokio::time::interval(std::time::Duration::from_secs(1));
        let interrupted = interrupt_signal();
        tokio::pin!(interrupted);
        while *paused.borrow() && !*stopped.borrow() {
            tokio::select! {
                _ = paused.changed() => {}
                _ = stopped.changed() => {}
                _ = gauges.tick() => vus::emit_gauges(&plan.config, &[]),
                _ = &mut interrupted => {
                    Logger::error("test run was aborted because rk6 received a 'interrupt' signal", &[]);
                    return Err(ExitCode::ExternalAbort);
                }
            }
        }
    }
    if *control.stopped.borrow() {
        Logger::error("test run stopped from REST API", &[]);
        return Err(ExitCode::GenericEngine);
    }
    control.mark_started();
    Ok(())
}

/// The lifecycle functions' runner with the test's `setupTimeout` and `teardownTimeout`
/// (validation refused a setupTimeout under 1ns; k6 lets teardownTimeout be <= 0).
pub(super) fn lifecycle(plan: &Plan) -> Result<Lifecycle<'_>, RunError> {
    let mut lifecycle = Lifecycle::new(&plan.lifecycle_pool, plan.config.clone(), &plan.functions);
    let timeout = |t: &crate::options::DurationOpt| {
        t.signed_nanos()
            .map(|ns| std::time::Duration::from_nanos(u64::try_from(ns).unwrap_or(0)))
    };
    if let Some(t) = &plan.opts.setup_timeout {
        lifecycle.setup_timeout = timeout(t)?;
    }
    if let Some(t) = &plan.opts.teardown_timeout {
        lifecycle.teardown_timeout = timeout(t)?;
    }
    Ok(lifecycle)
}

/// `setup()`: its data, or the exit code that ends the test before the scenarios. Ctrl-C
/// here ends the test as it does later (k6: no teardown, the summary, exit 105).
pub(super) async fn setup(
    plan: &Plan,
    lifecycle: &Lifecycle<'_>,
    watchdog: &Watchdog,
) -> Result<Option<Value>, ExitCode> {
    if plan.opts.no_setup.unwrap_or(false) {
        // k6: the data a `PUT /v1/setup` stored is what the VUs and teardown() get.
        return Ok(plan
            .control
            .setup_data()
            .and_then(|raw| serde_json::from_str(&raw).ok()));
    }
    plan.control.set_status(crate::api::status::SETUP);
    crate::verbose::lifecycle("setup", lifecycle.has("setup"));
    watchdog.arm("setup()", lifecycle.setup_timeout);
    let setup = tokio::select! {
        done = lifecycle.setup() => done,
        () = watchdog.fired() => Err(ExitCode::GenericTimeout),
        _ = interrupt_signal() => {
            Logger::error(
                "test run was aborted because rk6 received a 'interrupt' signal",
                &[],
            );
            Err(ExitCode::ExternalAbort)
        }
    };
    let data = setup.map_err(|code| {
        if plan.config.test.aborted().is_some() {
            ExitCode::ScriptAborted
        } else {
            code
        }
    })?;
    let raw = data.as_ref().map(|v| Arc::from(v.to_string()));
    plan.control.set_setup_data(raw);
    Ok(data)
}

/// `teardown(data)` after the scenarios; returns the run's exit code so far.
pub(super) async fn teardown(
    plan: &Plan,
    lifecycle: &Lifecycle<'_>,
    watchdog: &Watchdog,
    setup_json: Option<Arc<str>>,
    exit: ExitCode,
) -> ExitCode {
    if plan.opts.no_teardown.unwrap_or(false) || watchdog.has_fired() {
        return exit;
    }
    plan.control.set_status(crate::api::status::TEARDOWN);
    crate::verbose::lifecycle("teardown", lifecycle.has("teardown"));
    watchdog.arm("teardown()", lifecycle.teardown_timeout);
    let teardown = tokio::select! {
        done = lifecycle.teardown(setup_json) => done,
        () = watchdog.fired() => Err(ExitCode::GenericTimeout),
    };
    match teardown {
        Err(code) if exit == ExitCode::Success || code == ExitCode::GenericTimeout => code,
        _ => exit,
    }
}

/// The test is over: the engine and the outputs flush, and the metrics become the
/// summary's report. Also returns the web dashboards still serving, and whether a result
/// part could not be written (the run then exits non-zero).
pub(super) fn end_metrics(
    args: &RunArgs,
    plan: &Plan,
    engine: Engine,
    outputs: Outputs,
    watchdog: &Watchdog,
    elapsed: f64,
) -> (
    Report,
    Vec<Arc<crate::output::dashboard::server::Server>>,
    bool,
) {
    crate::verbose::engine_stopping(plan.thresholds.len());
    watchdog.arm("the outputs' final flush", OUTPUTS_FLUSH_BUDGET);
    let state = engine.finish();
    let settings = crate::output::SummarySettings {
        trend_stats: plan.opts.trend_stats(),
        time_unit: plan.opts.summary_time_unit.clone().unwrap_or_default(),
        thresholds: &plan.thresholds,
    };
    let result_errors = outputs.write_results(&state, &settings, elapsed);
    for e in &result_errors {
        Logger::error(e, &[]);
    }
    let report = Report::new(
        &state,
        plan.opts.trend_stats(),
        plan.opts.summary_time_unit.clone().unwrap_or_default(),
        elapsed,
    );
    let text = outputs
        .wants_summary()
        .then(|| lifecycle::default_summary_text(&report, true, args.summary_mode));
    let finished = outputs.finish(text.as_deref(), elapsed);
    for warning in finished.warnings {
        Logger::warn(&warning, &[]);
    }
    crate::verbose::outputs_stopped();
    (report, finished.servers, !result_errors.is_empty())
}

/// The end-of-test summary; after the watchdog stopped the run, the text summary only:
/// what is stuck may be the thread handleSummary would run on.
pub(super) async fn summary(
    args: &RunArgs,
    lifecycle: &Lifecycle<'_>,
    report: &Report,
    setup_data: Option<&Value>,
    watchdog: &Watchdog,
) {
    watchdog.arm("the end-of-test summary", lifecycle::HANDLE_SUMMARY_TIMEOUT);
    if watchdog.has_fired() {
        if !args.no_summary {
            let no_color = args.no_color || !rk6_runtime::term::stdout_is_tty();
            lifecycle::print_default_summary(report, no_color, args.summary_mode);
        }
    } else {
        summarize(args, lifecycle, report, setup_data).await;
    }
}

/// `handleSummary` or the text summary, and `--summary-export`.
async fn summarize(
    args: &RunArgs,
    lifecycle: &Lifecycle<'_>,
    report: &Report,
    setup_data: Option<&Value>,
) {
    if args.no_summary {
        return;
    }
    let stdout_tty = rk6_runtime::term::stdout_is_tty();
    let no_color = args.no_color || !stdout_tty;
    let data = report.data_json(
        setup_data,
        no_color,
        stdout_tty,
        rk6_runtime::term::stderr_is_tty(),
    );
    let written = lifecycle
        .summary(report, &data, no_color, args.summary_mode)
        .await;
    if let Some(path) = args.summary_export.as_ref().filter(|_| written) {
        let doc = crate::summary::export::legacy_export(&data);
        if let Err(e) = std::fs::write(path, crate::summary::export::to_string(&doc)) {
            Logger::error(
                &format!("failed to write summary export {}: {e}", path.display()),
                &[],
            );
        }
    }
}
