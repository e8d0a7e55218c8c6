//! `rk6 run`: the test lifecycle, in k6's order — options from an init pass, VU init, setup,
//! scenarios, teardown, summary — and the exit code. Owns the wiring between the runtime
//! (VUs), the executors, the metrics engine and the summary outputs.

mod execute;
mod lifecycle;
mod progress;
mod settings;
pub mod ui;
mod vus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rk6_runtime::metrics::{Registry, Sample};
use rk6_runtime::{log::Logger, InitError, SourceCache, TestConfig, VuPool};
use tokio::sync::watch;

use crate::exit::ExitCode;
use crate::metrics::Engine;
use crate::options::Options;
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
    pub summary_mode: crate::summary::SummaryMode,
    /// `--out` (or `K6_OUT`).
    pub outputs: Vec<crate::output::OutputSpec>,
    /// `--secret-source` values for `k6/secrets`.
    pub secret_sources: Vec<String>,
    /// `-c/--config`: a JSON options file (below the script's options in precedence).
    pub config_file: Option<PathBuf>,
    /// `--execution-segment` (with its sequence): this instance's share of the test.
    pub segment: Option<crate::execution_segment::Segment>,
    /// `-a/--address`: where the REST API listens (none when unset).
    pub address: Option<String>,
    /// `--paused`: wait for `PATCH /v1/status {"paused": false}` before running.
    pub paused: bool,
    /// `--linger`: after the test, wait for Ctrl-C before the summary.
    pub linger: bool,
    /// `--compatibility-mode extended`: `global` is an alias of `globalThis`.
    pub global_alias: bool,
}

/// A failure that ends the run with a specific exit code.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Config(#[from] crate::options::ConfigError),
    #[error("{0}")]
    Init(#[from] InitError),
    /// The script exports no function at all (k6 exits 255); the text is k6's.
    #[error("{0}")]
    NoFunctions(String),
    /// A VU of the test (not the first load of the script) failed its init code.
    #[error("{source}")]
    VuInit { id: u64, source: InitError },
    #[error("{0}")]
    Output(#[from] crate::output::OutputError),
    /// k6 logs this one as `Error from API server` with the reason in `error`.
    #[error("{0}")]
    Api(crate::target::ListenError),
}

impl RunError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            RunError::Config(
                crate::options::ConfigError::Flag(_)
                | crate::options::ConfigError::SummaryMode
                | crate::options::ConfigError::Unclassified(_),
            ) => ExitCode::Other,
            RunError::Config(_) => ExitCode::InvalidConfig,
            RunError::Init(InitError::Script(_))
            | RunError::VuInit {
                source: InitError::Script(_),
                ..
            } => ExitCode::ScriptException,
            RunError::Init(InitError::Aborted { .. })
            | RunError::VuInit {
                source: InitError::Aborted { .. },
                ..
            } => ExitCode::ScriptAborted,
            RunError::VuInit { .. } | RunError::NoFunctions(_) => ExitCode::Other,
            RunError::Init(_) => ExitCode::Other,
            RunError::Output(_) => ExitCode::Other,
            RunError::Api(_) => ExitCode::CannotStartRestApi,
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

/// The REST API: on `localhost:6565` unless `--address` says otherwise (empty: none). As in
/// k6, a busy default port is a warning, a busy chosen one an error (exit 106).
async fn start_api(
    address: Option<&str>,
    control: &Arc<crate::api::Control>,
) -> Result<(), RunError> {
    let addr = match address {
        Some("") => return Ok(()),
        Some(a) => a,
        None => "localhost:6565",
    };
    Logger::debug(&format!("Starting the REST API server on {addr}"), &[]);
    match crate::api::serve(addr, control.clone()).await {
        Ok(_) => Ok(()),
        Err(e) if address.is_none() => {
            Logger::warn("Error from API server", &[("error", &e.to_string())]);
            Ok(())
        }
        Err(e) => Err(RunError::Api(e)),
    }
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
pub async fn run(mut args: RunArgs) -> Result<ExitCode, RunError> {
    let sources = SourceCache::default();
    let script_path = resolve_script(&args.script, &sources)?;
    crate::verbose::script_loaded(
        &args.script.display().to_string(),
        &format!("file://{}", script_path.display()),
        std::fs::metadata(&script_path).map_or(0, |m| m.len() as usize),
    );
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
        text_summary: Some(crate::summary::legacy::text_summary_hook()),
        shared: Default::default(),
        secrets: rk6_runtime::modules::secrets::SecretSources::parse(&args.secret_sources)
            .map_err(|e| crate::options::ConfigError::Flag(e.to_string()))?,
        min_iteration_duration: None,
        global_alias: args.global_alias,
    };
    let lifecycle_pool = VuPool::new(1)?;
    let (_options_vu, info) = lifecycle_pool
        .create_vu(Arc::new(config.clone()), 0)
        .await?;

    crate::verbose::runner_ready();
    if let Some(path) = std::env::var_os("SSLKEYLOGFILE") {
        Logger::warn(
            &format!(
                "SSLKEYLOGFILE was specified, logging TLS connection keys to '{}'...",
                path.to_string_lossy()
            ),
            &[],
        );
    }
    let sys_env: BTreeMap<String, String> = std::env::vars().collect();
    let opts = settings::resolve_options(&mut args, info.options.as_ref(), &sys_env)?;
    if info.functions.is_empty() {
        return Err(RunError::NoFunctions(load_failure(
            &args.script,
            "no exported functions in script",
        )));
    }
    let paused = args.paused || opts.paused.unwrap_or(false);
    let mut scenarios = crate::options::scenarios::derive(&opts)?;
    if let Some(seg) = &args.segment {
        for s in &mut scenarios {
            s.executor.segment(seg);
        }
    }
    let control = crate::api::Control::new(paused);
    for s in &mut scenarios {
        if let crate::executor::Executor::ExternallyControlled(e) = &mut s.executor {
            e.target = control.vus.clone();
            control
                .vus
                .store(e.vus, std::sync::atomic::Ordering::Relaxed);
            control
                .vus_max
                .store(e.max_vus, std::sync::atomic::Ordering::Relaxed);
        }
    }
    start_api(args.address.as_deref(), &control).await?;
    let missing: Vec<String> = scenarios
        .iter()
        .filter(|s| !info.functions.iter().any(|f| f == &s.exec))
        .map(|s| {
            format!(
                "executor {}: function '{}' not found in exports",
                s.name, s.exec
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(crate::options::ConfigError::Scenarios(missing).into());
    }
    let thresholds = if args.no_thresholds {
        settings::warn_unknown_threshold_metrics(&opts, &registry);
        Default::default()
    } else {
        opts.threshold_spec()?
    };
    config.http = opts.http_config()?;
    // A zero or negative minimum is no minimum, as in k6.
    config.min_iteration_duration = opts
        .min_iteration_duration
        .as_ref()
        .map(crate::options::DurationOpt::signed_nanos)
        .transpose()?
        .filter(|ns| *ns > 0)
        .map(|ns| std::time::Duration::from_nanos(ns.unsigned_abs()));
    if opts.tls_auth_has_domains() {
        rk6_runtime::log::Logger::warn("tlsAuth.domains option could be removed in the next releases, it's recommended to leave it empty and let k6 automatically detect from the provided certificate. It follows the Go's NameToCertificate deprecation - https://pkg.go.dev/crypto/tls@go1.17#Config.", &[]);
    }
    config.system_tags = opts.system_tags();
    config.run_tags = opts.tags.clone().unwrap_or_default();
    let mut test_state =
        rk6_runtime::execution::TestState::new(crate::options::scenarios::test_options(&opts));
    if let Some(seg) = &args.segment {
        let stripe = seg.stripe();
        test_state.vu_stripe = (stripe.lcd, stripe.offsets);
    }
    config.test = Arc::new(test_state);
    let config = Arc::new(config);

    let mut out_specs = args.outputs.clone();
    if out_specs.is_empty() {
        if let Some(v) = sys_env.get("K6_OUT").filter(|v| !v.is_empty()) {
            out_specs = crate::output::specs_from_env(v);
        }
    }
    let outputs = crate::output::Outputs::start(
        &out_specs,
        &crate::output::OutputContext {
            registry: registry.clone(),
            thresholds: thresholds.clone(),
            system_tags: config.system_tags.clone(),
            expected_response: config.system_tags.has("expected_response"),
            env: sys_env.clone(),
            cwd: std::env::current_dir().unwrap_or_default(),
        },
    )?;

    if !args.quiet {
        rk6_runtime::term::out(&ui::header(
            &args.script.display().to_string(),
            &outputs.description(),
            &scenarios,
            args.segment.as_ref().map_or(100.0, |g| g.percent()),
            rk6_runtime::term::stdout_color(),
        ));
    }

    let total_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let threads = total_vus.div_ceil(vus_per_thread()).clamp(2, 512) as usize;
    let pool = Arc::new(VuPool::new(threads)?);
    let needed: u64 = scenarios.iter().map(|s| s.executor.initial_vus()).sum();
    crate::verbose::scheduler_init(&scenarios, needed);
    let (vus, initialized) = match vus::create(&pool, &config, &scenarios).await {
        Ok(created) => created,
        Err(e) => {
            // k6 still ends a run whose VUs failed to initialise with handleSummary or the
            // (empty) summary and the summary export; the error and exit code follow.
            let lifecycle =
                lifecycle::Lifecycle::new(&lifecycle_pool, config.clone(), &info.functions);
            let report = Report::new(
                &crate::metrics::MetricsState::empty(&registry),
                opts.trend_stats(),
                opts.summary_time_unit.clone().unwrap_or_default(),
                0.0,
            );
            summarize(&args, &lifecycle, &report, None).await;
            for warning in outputs.finish() {
                Logger::warn(&warning, &[]);
            }
            return Err(e);
        }
    };
    crate::verbose::scheduler_ready(&scenarios, initialized);

    config
        .test
        .vus_initialized
        .store(initialized, std::sync::atomic::Ordering::Relaxed);
    config.test.mark_started();
    let (abort_tx, abort_rx) = watch::channel(None);
    let engine = Engine::start(
        registry.clone(),
        rx,
        &thresholds,
        crate::metrics::EngineOptions {
            expected_response_submetric: config.system_tags.has("expected_response"),
            detail: args.summary_mode == crate::summary::SummaryMode::Full,
            outputs: outputs.dispatch(),
        },
        abort_tx,
    )
    .map_err(crate::options::ConfigError::from)?;
    let started = Instant::now();

    if paused {
        // Resumed (or stopped) through the REST API.
        let mut paused = control.paused.subscribe();
        let mut stopped = control.stopped.subscribe();
        while *paused.borrow() && !*stopped.borrow() {
            tokio::select! {
                _ = paused.changed() => {}
                _ = stopped.changed() => {}
            }
        }
    }
    control.status.store(
        crate::api::status::RUNNING,
        std::sync::atomic::Ordering::Relaxed,
    );
    control
        .running
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let mut lifecycle = lifecycle::Lifecycle::new(&lifecycle_pool, config.clone(), &info.functions);
    // Validation refused a setupTimeout under 1ns; k6 lets teardownTimeout be <= 0.
    let timeout = |t: &crate::options::DurationOpt| {
        t.signed_nanos()
            .map(|ns| std::time::Duration::from_nanos(u64::try_from(ns).unwrap_or(0)))
    };
    if let Some(t) = &opts.setup_timeout {
        lifecycle.setup_timeout = timeout(t)?;
    }
    if let Some(t) = &opts.teardown_timeout {
        lifecycle.teardown_timeout = timeout(t)?;
    }
    let mut exit = ExitCode::Success;
    let mut last_progress = String::new();
    let setup_data = if opts.no_setup.unwrap_or(false) {
        None
    } else {
        // Ctrl-C during setup ends the test as it does later (k6: no teardown, the
        // summary, exit 105).
        crate::verbose::lifecycle("setup", lifecycle.has("setup"));
        let setup = tokio::select! {
            done = lifecycle.setup() => done,
            _ = interrupt_signal() => {
                Logger::error(
                    "test run was aborted because rk6 received a 'interrupt' signal",
                    &[],
                );
                Err(ExitCode::ExternalAbort)
            }
        };
        match setup {
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
        crate::verbose::executors_starting();
        (exit, last_progress) = execute::execute(
            &args,
            &config,
            &scenarios,
            vus,
            &pool,
            setup_json.clone(),
            abort_rx,
            started,
            total_vus,
            &control,
        )
        .await;
        if !opts.no_teardown.unwrap_or(false) {
            crate::verbose::lifecycle("teardown", lifecycle.has("teardown"));
            if let Err(code) = lifecycle.teardown(setup_json.clone()).await {
                if exit == ExitCode::Success {
                    exit = code;
                }
            }
        }
    }

    let elapsed = started.elapsed().as_secs_f64();
    if args.linger && exit != ExitCode::ExternalAbort {
        linger(args.quiet).await;
    }
    control.status.store(
        crate::api::status::ENDED,
        std::sync::atomic::Ordering::Relaxed,
    );
    control
        .running
        .store(false, std::sync::atomic::Ordering::Relaxed);
    crate::verbose::test_finished(exit == ExitCode::Success);
    let completed = config
        .test
        .iterations_completed
        .load(std::sync::atomic::Ordering::Relaxed);
    if exit == ExitCode::Success && completed == 0 {
        Logger::warn(
            "No script iterations fully finished, consider making the test duration longer",
            &[],
        );
    }
    crate::verbose::engine_stopping(thresholds.len());
    let state = engine.finish();
    for warning in outputs.finish() {
        Logger::warn(&warning, &[]);
    }
    let report = Report::new(
        &state,
        opts.trend_stats(),
        opts.summary_time_unit.clone().unwrap_or_default(),
        elapsed,
    );
    crate::verbose::outputs_stopped();
    summarize(&args, &lifecycle, &report, setup_data.as_ref()).await;
    rk6_runtime::term::out(&last_progress);
    if let Some(text) = config.test.aborted() {
        if exit == ExitCode::Success || exit == ExitCode::ScriptException {
            Logger::error(&text, &[]);
            exit = ExitCode::ScriptAborted;
        }
    }
    if config.test.failure().is_some() && exit == ExitCode::Success {
        Logger::error("test run was marked as failed", &[]);
        exit = ExitCode::MarkedAsFailed;
    }
    if let Some(panic) = crate::fault::first() {
        // Whatever else happened, results from a run with a panic cannot be trusted.
        Logger::error(
            &format!("{panic}; the test was stopped and its results are incomplete"),
            &[],
        );
        return Ok(ExitCode::Other);
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
    crate::verbose::exiting();
    Ok(exit)
}

/// k6's text for a failure while `script` (as given on the command line) is first loaded.
fn load_failure(script: &Path, why: &str) -> String {
    let abs = std::fs::canonicalize(script).unwrap_or_else(|_| script.to_path_buf());
    rk6_runtime::error::load_failure(&script.display().to_string(), &abs, why)
}

/// The end-of-test summary: `handleSummary` or the text summary, and `--summary-export`.
async fn summarize(
    args: &RunArgs,
    lifecycle: &lifecycle::Lifecycle<'_>,
    report: &Report,
    setup_data: Option<&serde_json::Value>,
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

/// `--linger`: the test is over, the REST API stays up, and the summary waits for Ctrl-C
/// (which then exits 0: the test already finished).
async fn linger(quiet: bool) {
    if !quiet {
        rk6_runtime::term::out("The test is done, but --linger was enabled, so k6 is waiting for Ctrl+C to continue...\n");
    }
    interrupt_signal().await;
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM, which k6 both treat as an external abort.
pub(super) async fn interrupt_signal() {
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
