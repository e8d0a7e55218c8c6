//! `rk6 run`: the test lifecycle, in k6's order — options from an init pass, VU init, setup,
//! scenarios, teardown, summary — and the exit code. Owns the wiring between the runtime
//! (VUs), the executors, the metrics engine and the summary outputs.

mod lifecycle;
pub mod ui;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rk6_runtime::metrics::{builtin, Registry, Sample};
use rk6_runtime::{log::Logger, InitError, IterationJob, SourceCache, TestConfig, VuPool};
use tokio::sync::watch;

use crate::executor::{run_scenario, Progress, RunCtx, Scenario};
use crate::exit::ExitCode;
use crate::metrics::Engine;
use crate::options::{from_env, Options};
use crate::summary::Report;

/// Everything `rk6 run` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    pub script: PathBuf,
    /// Options from CLI flags (highest precedence).
    pub cli: Options,
    pub env: Vec<(String, String)>,
    pub include_system_env: bool,
    pub quiet: bool,
    pub no_color: bool,
    pub no_summary: bool,
    pub no_thresholds: bool,
    pub summary_export: Option<PathBuf>,
}

/// A failure that ends the run with a specific exit code.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Config(#[from] crate::options::ConfigError),
    #[error("{0}")]
    Init(#[from] InitError),
}

impl RunError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            RunError::Config(_) => ExitCode::InvalidConfig,
            RunError::Init(InitError::Script(_)) => ExitCode::ScriptException,
            RunError::Init(_) => ExitCode::Other,
        }
    }
}

/// VUs per worker thread: Boa's GC stops every context of a thread, ~0.28 ms per context.
fn vus_per_thread() -> u64 {
    std::env::var("RK6_VUS_PER_THREAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(100)
}

/// The script's absolute path; `-` reads the script from stdin (like `k6 run -`), placed in
/// the current directory so relative imports and `open()` resolve from there.
pub fn resolve_script(script: &Path, sources: &SourceCache) -> Result<PathBuf, RunError> {
    let missing = |e: std::io::Error| {
        RunError::Init(InitError::MissingFile {
            path: script.display().to_string(),
            reason: e.to_string(),
        })
    };
    if script == Path::new("-") {
        let mut src = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut src).map_err(missing)?;
        let path = std::env::current_dir().map_err(missing)?.join("-");
        sources.insert(path.clone(), src);
        return Ok(path);
    }
    std::fs::canonicalize(script).map_err(missing)
}

/// `exec.test.options`: the consolidated options, where (as in k6) the shortcuts
/// `vus`/`iterations`/`duration`/`stages` have been folded into scenarios.
fn test_options(opts: &Options) -> serde_json::Value {
    let mut v = serde_json::to_value(opts).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for k in ["vus", "iterations", "duration", "stages"] {
            o.remove(k);
        }
    }
    v
}

fn build_env(args: &RunArgs) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    if args.include_system_env {
        env.extend(std::env::vars());
    }
    env.extend(args.env.iter().cloned());
    env
}

/// Runs a test and returns its exit code.
pub async fn run(args: RunArgs) -> Result<ExitCode, RunError> {
    let sources = SourceCache::default();
    let script_path = resolve_script(&args.script, &sources)?;
    let env = build_env(&args);
    let registry = Registry::new();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<Sample>>();
    let io = tokio::runtime::Handle::current();
    let mut config = TestConfig {
        script_path,
        env: env.clone(),
        registry: registry.clone(),
        samples: tx.clone(),
        io,
        sources,
        http: rk6_runtime::HttpConfig::default(),
        system_tags: rk6_runtime::SystemTags::default(),
        run_tags: BTreeMap::new(),
        coroutine_stack: 16 * 1024 * 1024,
        test: Default::default(),
    };
    let lifecycle_pool = VuPool::new(1)?;
    let (_options_vu, info) = lifecycle_pool
        .create_vu(Arc::new(config.clone()), 0)
        .await?;

    let sys_env: BTreeMap<String, String> = std::env::vars().collect();
    let opts = Options::from_script(info.options.as_ref())?
        .apply(&from_env(&sys_env)?)
        .apply(&args.cli);
    opts.validate_summary()?;
    let scenarios = crate::options::scenarios::derive(&opts)?;
    for s in &scenarios {
        if !info.functions.iter().any(|f| f == &s.exec) {
            return Err(crate::options::ConfigError::Invalid(format!(
                "executor {}: function '{}' not found in exports",
                s.name, s.exec
            ))
            .into());
        }
    }
    let thresholds = if args.no_thresholds {
        Default::default()
    } else {
        opts.threshold_spec()?
    };
    config.http = opts.http_config();
    config.system_tags = opts.system_tags();
    config.run_tags = opts.tags.clone().unwrap_or_default();
    config.test = Arc::new(rk6_runtime::execution::TestState::new(test_options(&opts)));
    let config = Arc::new(config);

    let stdout_tty = std::io::stdout().is_terminal();
    if !args.quiet {
        print_out(&ui::header(
            &args.script.display().to_string(),
            "-",
            &scenarios,
        ));
    }

    let total_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let threads = total_vus.div_ceil(vus_per_thread()).clamp(2, 512) as usize;
    let pool = VuPool::new(threads)?;
    let creations = (1..=total_vus).map(|id| pool.create_vu(config.clone(), id));
    let mut vus = Vec::new();
    for r in futures_util::future::join_all(creations).await {
        vus.push(r?.0);
    }

    config
        .test
        .vus_initialized
        .store(total_vus, std::sync::atomic::Ordering::Relaxed);
    config.test.mark_started();
    let (abort_tx, abort_rx) = watch::channel(None);
    let engine = Engine::start(
        registry.clone(),
        rx,
        &thresholds,
        config.system_tags.has("expected_response"),
        abort_tx,
    )
    .map_err(crate::options::ConfigError::from)?;
    let started = Instant::now();

    let mut lifecycle = lifecycle::Lifecycle::new(&lifecycle_pool, config.clone(), &info.functions);
    if let Some(t) = &opts.setup_timeout {
        lifecycle.setup_timeout = t.get("setupTimeout")?;
    }
    if let Some(t) = &opts.teardown_timeout {
        lifecycle.teardown_timeout = t.get("teardownTimeout")?;
    }
    let mut exit = ExitCode::Success;
    let mut last_progress = String::new();
    let setup_data = if opts.no_setup.unwrap_or(false) {
        None
    } else {
        match lifecycle.setup().await {
            Ok(d) => d,
            Err(code) => {
                exit = if config.test.aborted().is_some() {
                    ExitCode::ScriptAborted
                } else {
                    code
                };
                None
            }
        }
    };
    let setup_json: Option<Arc<str>> = setup_data
        .as_ref()
        .map(|v| Arc::from(v.to_string().as_str()));

    if exit == ExitCode::Success {
        (exit, last_progress) = execute(
            &args,
            &config,
            &scenarios,
            vus,
            setup_json.clone(),
            abort_rx,
            started,
            total_vus,
            stdout_tty,
        )
        .await;
        if !opts.no_teardown.unwrap_or(false) {
            if let Err(code) = lifecycle.teardown(setup_json.clone()).await {
                if exit == ExitCode::Success {
                    exit = code;
                }
            }
        }
    }

    let elapsed = started.elapsed().as_secs_f64();
    let state = engine.finish();
    let report = Report::new(
        &state,
        opts.trend_stats(),
        opts.summary_time_unit.clone().unwrap_or_default(),
        elapsed,
    );
    if !args.no_summary {
        let no_color = args.no_color || !stdout_tty;
        let data = report.data_json(
            setup_data.as_ref(),
            no_color,
            stdout_tty,
            std::io::stderr().is_terminal(),
        );
        lifecycle.summary(&report, &data, no_color).await;
        if let Some(path) = &args.summary_export {
            let doc = crate::summary::export::legacy_export(&data);
            if let Err(e) = std::fs::write(path, crate::summary::export::to_string(&doc)) {
                Logger::error(
                    &format!("failed to write summary export {}: {e}", path.display()),
                    &[],
                );
            }
        }
    }
    if !args.quiet {
        print_out(&last_progress);
    }
    if let Some(reason) = config.test.aborted() {
        if exit == ExitCode::Success || exit == ExitCode::ScriptException {
            Logger::error(&format!("test aborted: {reason}"), &[]);
            exit = ExitCode::ScriptAborted;
        }
    }
    if config.test.failure().is_some() && exit == ExitCode::Success {
        Logger::error("test run was marked as failed", &[]);
        exit = ExitCode::MarkedAsFailed;
    }
    let mut failed = report.failed_thresholds();
    failed.sort();
    if !failed.is_empty() {
        let names = failed.join(", ");
        if exit == ExitCode::ThresholdsFailed {
            Logger::error(&format!("thresholds on metrics '{names}' were crossed; at least one has abortOnFail enabled, stopping test prematurely"), &[]);
        } else {
            Logger::error(
                &format!("thresholds on metrics '{names}' have been crossed"),
                &[],
            );
            if exit == ExitCode::Success {
                exit = ExitCode::ThresholdsFailed;
            }
        }
    }
    Ok(exit)
}

fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Runs all scenarios with progress output, the `vus` gauges, abortOnFail and Ctrl-C.
#[allow(clippy::too_many_arguments)]
async fn execute(
    args: &RunArgs,
    config: &Arc<TestConfig>,
    scenarios: &[Scenario],
    vus: Vec<rk6_runtime::VuHandle>,
    setup_data: Option<Arc<str>>,
    mut abort_rx: watch::Receiver<Option<Vec<String>>>,
    started: Instant,
    total_vus: u64,
    stdout_tty: bool,
) -> (ExitCode, String) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut progress = Vec::new();
    let mut runs = Vec::new();
    let mut offset = 0usize;
    for s in scenarios {
        let n = s.executor.max_vus() as usize;
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
        let ctx = RunCtx {
            vus: vus[offset..offset + n].to_vec(),
            job,
            progress: p,
            stop: stop_rx.clone(),
            interrupt: int_rx,
            started,
            test: config.test.clone(),
            samples: config.samples.clone(),
        };
        offset += n;
        let scenario = s.clone();
        runs.push(tokio::spawn(async move {
            run_scenario(&scenario, ctx, int_tx).await
        }));
    }
    let all = futures_util::future::join_all(runs);
    tokio::pin!(all);
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let mut exit = ExitCode::Success;
    let interrupted = interrupt_signal();
    tokio::pin!(interrupted);
    let mut stopping = false;
    let mut drawn_lines = 0;
    let mut script_abort = config.test.abort.subscribe();
    loop {
        tokio::select! {
            _ = &mut all => break,
            _ = script_abort.changed(), if !stopping => {
                if let Some(reason) = script_abort.borrow().clone() {
                    stopping = true;
                    Logger::error(&format!("test aborted: {reason}"), &[]);
                    exit = ExitCode::ScriptAborted;
                    let _ = stop_tx.send(true);
                }
            }
            _ = tick.tick() => {
                emit_vu_gauges(config, &progress, total_vus);
                if !args.quiet {
                    let block = ui::progress_block(started.elapsed(), scenarios, &progress, total_vus);
                    if stdout_tty {
                        let (text, lines) = ui::redraw(&block, drawn_lines);
                        drawn_lines = lines;
                        print_out(&text);
                    } else {
                        print_out(&block);
                    }
                }
            }
            _ = abort_rx.changed(), if !stopping => {
                if abort_rx.borrow().is_some() {
                    stopping = true;
                    exit = ExitCode::ThresholdsFailed;
                    let _ = stop_tx.send(true);
                }
            }
            _ = &mut interrupted, if !stopping => {
                stopping = true;
                Logger::warn("Stopping the test (interrupt received), finishing the summary; interrupt again to stop at once", &[]);
                exit = ExitCode::ExternalAbort;
                let _ = stop_tx.send(true);
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
    // k6 prints the final progress block after the summary.
    let last = ui::progress_block(started.elapsed(), scenarios, &progress, total_vus);
    (exit, last)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM, which k6 both treat as an external abort.
async fn interrupt_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

fn emit_vu_gauges(config: &TestConfig, progress: &[Arc<Progress>], total_vus: u64) {
    let active: u64 = progress
        .iter()
        .map(|p| p.active.load(Ordering::Relaxed))
        .sum();
    let tags = Arc::new(config.run_tags.clone());
    let now = SystemTime::now();
    let _ = config.samples.send(vec![
        Sample {
            metric: builtin::VUS,
            time: now,
            value: active as f64,
            tags: tags.clone(),
        },
        Sample {
            metric: builtin::VUS_MAX,
            time: now,
            value: total_vus as f64,
            tags,
        },
    ]);
}
