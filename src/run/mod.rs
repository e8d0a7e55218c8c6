//! `rk6 run`: the test as a pipeline of stages, in k6's order — the plan (options from an
//! init pass, scenarios: `plan.rs`), outputs, VUs, the metrics engine, setup (`stages.rs`),
//! the scenarios (`execute.rs`), teardown, the summary, and the exit code (`verdict.rs`).
//! A watchdog bounds every stage that can hang.

mod execute;
mod lifecycle;

pub(crate) use lifecycle::default_summary_text;
pub(crate) mod plan;
mod progress;
pub(crate) mod settings;
mod stages;
pub mod ui;
mod verdict;
mod vus;
pub mod watchdog;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rk6_runtime::InitError;

use crate::exit::ExitCode;
use crate::options::Options;

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
    /// `--report`: the HTML report's path.
    pub report: Option<PathBuf>,
    /// The config file's `webDashboard` (`K6_WEB_DASHBOARD` overrides it).
    pub web_dashboard: Option<bool>,
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
    /// `--compatibility-mode` (or `K6_COMPATIBILITY_MODE`): whether `global` is an alias
    /// of `globalThis` (`extended`); unset, a script gets it and an archive its own mode.
    pub global_alias: Option<bool>,
    /// `--type` (or `K6_TYPE`): `js`, `archive`, or unset to tell by the file's content.
    pub test_type: Option<String>,
}

/// A failure that ends the run with a specific exit code.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Config(#[from] crate::options::ConfigError),
    #[error("{0}")]
    Init(#[from] InitError),
    /// The script or archive could not be read.
    #[error("{0}")]
    Load(#[from] crate::test_source::LoadError),
    /// The archive could not be written (`rk6 archive`).
    #[error("{0}")]
    Archive(#[from] crate::archive::ArchiveError),
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
            RunError::Config(e) => e.exit_code(),
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
            RunError::Init(_) | RunError::Load(_) | RunError::Archive(_) => ExitCode::Other,
            RunError::Output(crate::output::OutputError::Invalid { .. }) => ExitCode::InvalidConfig,
            RunError::Output(_) => ExitCode::Other,
            RunError::Api(_) => ExitCode::CannotStartRestApi,
        }
    }
}

/// Runs a test and returns its exit code: the stages, in k6's order.
pub async fn run(mut args: RunArgs) -> Result<ExitCode, RunError> {
    let watchdog = watchdog::Watchdog::start();
    tokio::spawn(watchdog::on_sigquit());
    let control = crate::api::Control::new();
    plan::start_api(args.address.as_deref(), &control).await?;
    let (plan, samples) = plan::plan(&mut args, control).await?;
    let outputs = stages::start_outputs(&args, &plan)?;
    let lifecycle = match stages::lifecycle(&plan) {
        Ok(l) => l,
        Err(e) => {
            outputs.abandon();
            return Err(e);
        }
    };
    lifecycle::serve_api_requests(&plan, &lifecycle);
    let (pool, vus) = match stages::start_vus(&plan).await {
        Ok(started) => started,
        Err(e) => {
            stages::end_without_vus(&args, &plan, &lifecycle, outputs).await;
            return Err(e);
        }
    };
    plan.config.test.mark_started();
    let (engine, abort_rx) = match stages::start_engine(&args, &plan, samples, &outputs) {
        Ok(started) => started,
        Err(e) => {
            outputs.abandon();
            return Err(e);
        }
    };
    outputs.test_started();
    let started = Instant::now();
    let setup = match stages::wait_while_paused(&plan, &watchdog).await {
        Ok(()) => stages::setup(&plan, &lifecycle, &watchdog).await,
        Err(code) => Err(code),
    };
    let (setup_data, mut exit) = match setup {
        Ok(data) => (data, ExitCode::Success),
        Err(code) => (None, code),
    };
    let mut last_progress = String::new();
    if exit == ExitCode::Success {
        let setup_json: Option<Arc<str>> = setup_data.as_ref().map(|v| Arc::from(v.to_string()));
        crate::verbose::executors_starting();
        plan.control.set_status(crate::api::status::RUNNING);
        let execution = execute::Execution {
            args: &args,
            plan: &plan,
            pool: &pool,
            setup_data: setup_json.clone(),
            abort_rx,
            started,
            watchdog: &watchdog,
        };
        (exit, last_progress) = execute::execute(execution, vus).await;
        exit = stages::teardown(&plan, &lifecycle, &watchdog, setup_json, exit).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    plan.control.mark_ended(verdict::aborted(exit));
    if args.linger && exit != ExitCode::ExternalAbort {
        watchdog.disarm();
        linger(args.quiet).await;
    }
    crate::verbose::test_finished(exit == ExitCode::Success);
    verdict::warn_if_no_iteration(exit, &plan.config);
    let (report, servers, result_lost) =
        stages::end_metrics(&args, &plan, engine, outputs, &watchdog, elapsed);
    if result_lost && exit == ExitCode::Success {
        exit = ExitCode::Other;
    }
    stages::summary(&args, &lifecycle, &report, setup_data.as_ref(), &watchdog).await;
    rk6_runtime::term::out(&last_progress);
    // After Ctrl-C nobody waits on a page (as in k6, whose dashboard lingers only when the
    // test was not aborted).
    if exit != ExitCode::ExternalAbort {
        for server in servers {
            watchdog.disarm();
            server.linger(interrupt_signal()).await;
        }
    }
    let exit = verdict::verdict(exit, &plan.config, &report);
    crate::verbose::exiting();
    Ok(exit)
}

/// k6's text for a failure while `script` (as given on the command line) is first loaded.
fn load_failure(script: &Path, why: &str) -> String {
    let abs = std::fs::canonicalize(script).unwrap_or_else(|_| script.to_path_buf());
    rk6_runtime::error::load_failure(&script.display().to_string(), &abs, why)
}

/// `--linger`: the test is over, the REST API stays up, and the summary waits for Ctrl-C
/// (which then exits 0: the test already finished).
async fn linger(quiet: bool) {
    if !quiet {
        rk6_runtime::term::out("The test is done, but --linger was enabled, so rk6 is waiting for Ctrl+C to continue...\n");
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
