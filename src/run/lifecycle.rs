//! `setup()`, `teardown(data)` and `handleSummary(data)`, each in a fresh VU with `__VU == 0`
//! (k6 runs the init code again for each), with their timeouts and k6's error handling;
//! also the REST API's `POST /v1/setup` and `/v1/teardown`, on a VU thread of their own.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use rk6_runtime::{log::Logger, Job, JobOutcome, JobValue, TestConfig, VuPool};
use serde_json::Value;

use crate::api::setup::{LifecycleCall, LifecycleRequest};
use crate::exit::ExitCode;
use crate::summary::text::{render_compact, Painter};
use crate::summary::Report;
use crate::summary::SummaryMode;

pub struct Lifecycle<'a> {
    pool: &'a VuPool,
    config: Arc<TestConfig>,
    functions: &'a [String],
    /// `setupTimeout` and `teardownTimeout`.
    pub setup_timeout: Duration,
    pub teardown_timeout: Duration,
}

impl<'a> Lifecycle<'a> {
    pub fn new(pool: &'a VuPool, config: Arc<TestConfig>, functions: &'a [String]) -> Self {
        Lifecycle {
            pool,
            config,
            functions,
            setup_timeout: Duration::from_secs(60),
            teardown_timeout: Duration::from_secs(60),
        }
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.functions.iter().any(|f| f == name)
    }

    async fn call(&self, job: Job, timeout: Duration) -> Result<JobOutcome, CallFailure> {
        let (vu, _) = match self.pool.create_vu(self.config.clone(), 0).await {
            Ok(v) => v,
            Err(e) => {
                Logger::error(&e.to_string(), &[("hint", "script exception")]);
                return Err(CallFailure::Init);
            }
        };
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let run = vu.run(job, stop_rx);
        tokio::pin!(run);
        tokio::select! {
            out = &mut run => Ok(out),
            _ = tokio::time::sleep(timeout) => {
                let _ = stop_tx.send(true);
                // Polled once more, the handle raises the VU's interrupt flag: a setup
                // stuck in a CPU loop stops instead of spinning to the end of the run.
                let _ = tokio::time::timeout(Duration::from_millis(200), &mut run).await;
                Err(CallFailure::TimedOut)
            }
        }
    }

    /// Runs `setup()` if exported; its return value as JSON.
    pub async fn setup(&self) -> Result<Option<Value>, ExitCode> {
        if !self.has("setup") {
            return Ok(None);
        }
        let timeout = self.setup_timeout;
        match self
            .call(
                Job::Lifecycle {
                    func: "setup",
                    data: None,
                },
                timeout,
            )
            .await
        {
            Ok(JobOutcome::Ok(JobValue::Json(v))) => Ok(Some(v)),
            Ok(JobOutcome::Ok(_)) => Ok(None),
            Ok(JobOutcome::Error(e)) => {
                Logger::error(&e.text, &[("hint", "script exception")]);
                Err(ExitCode::ScriptException)
            }
            Ok(JobOutcome::Rejected(e)) => Err(rejected(&e)),
            Ok(JobOutcome::Interrupted) => Err(ExitCode::ExternalAbort),
            Err(CallFailure::TimedOut) => {
                log_timeout("setup", "setupTimeout", timeout);
                Err(ExitCode::SetupTimeout)
            }
            Err(CallFailure::Init) => Err(ExitCode::ScriptException),
        }
    }

    /// Runs `teardown(data)` if exported.
    pub async fn teardown(&self, data: Option<Arc<str>>) -> Result<(), ExitCode> {
        if !self.has("teardown") {
            return Ok(());
        }
        let timeout = self.teardown_timeout;
        match self
            .call(
                Job::Lifecycle {
                    func: "teardown",
                    data,
                },
                timeout,
            )
            .await
        {
            Ok(JobOutcome::Error(e)) => {
                Logger::error(&e.text, &[("hint", "script exception")]);
                Err(ExitCode::ScriptException)
            }
            Ok(JobOutcome::Rejected(e)) => Err(rejected(&e)),
            Ok(_) => Ok(()),
            Err(CallFailure::TimedOut) => {
                log_timeout("teardown", "teardownTimeout", timeout);
                Err(ExitCode::TeardownTimeout)
            }
            Err(CallFailure::Init) => Err(ExitCode::ScriptException),
        }
    }

    /// setup() or teardown(data) for the REST API: setup()'s result as JSON text, or the
    /// script error's text (the API logs and returns it; the run goes on).
    async fn call_for_api(
        &self,
        call: LifecycleCall,
        data: Option<Arc<str>>,
    ) -> Result<Option<String>, String> {
        let (func, timeout, data) = match call {
            LifecycleCall::Setup => ("setup", self.setup_timeout, None),
            LifecycleCall::Teardown => ("teardown", self.teardown_timeout, data),
        };
        if !self.has(func) {
            return Ok(None);
        }
        match self.call(Job::Lifecycle { func, data }, timeout).await {
            Ok(JobOutcome::Ok(JobValue::Json(v))) => Ok(Some(v.to_string())),
            Ok(JobOutcome::Ok(_)) => Ok(None),
            Ok(JobOutcome::Error(e) | JobOutcome::Rejected(e)) => Err(e.text),
            Ok(JobOutcome::Interrupted) => Err(format!("{func}() was interrupted")),
            Err(CallFailure::TimedOut) => Err(format!(
                "{func}() execution timed out after {} seconds",
                timeout.as_secs()
            )),
            Err(CallFailure::Init) => Err(format!("the VU for {func}() failed to initialize")),
        }
    }

    /// Prints the default summary, or runs `handleSummary(data)` and writes what it returns.
    /// False when k6 would write nothing at all, not even `--summary-export` (which k6 adds
    /// to `handleSummary`'s map): the map held a value k6 refuses.
    ///
    /// Like k6, this initialises one more VU either way (scripts can see it in init code).
    pub async fn summary(
        &self,
        report: &Report,
        data: &Value,
        no_color: bool,
        mode: SummaryMode,
    ) -> bool {
        let default_summary = || print_default_summary(report, no_color, mode);
        if !self.has("handleSummary") {
            if let Err(e) = self.pool.create_vu(self.config.clone(), 0).await {
                Logger::error(&e.to_string(), &[("hint", "script exception")]);
            }
            default_summary();
            return true;
        }
        let job = Job::HandleSummary {
            data: data.to_string(),
        };
        match self.call(job, HANDLE_SUMMARY_TIMEOUT).await {
            Ok(JobOutcome::Ok(JobValue::Files(files))) => {
                for (dest, bytes) in files {
                    write_destination(&dest, &bytes, self.config.script_dir());
                }
            }
            Ok(JobOutcome::Ok(JobValue::InvalidSummary(e))) => {
                Logger::error(
                    "failed to handle the end-of-test summary",
                    &[("error", &e.to_string())],
                );
                return false;
            }
            // A falsy result asks for the default summary.
            Ok(JobOutcome::Ok(JobValue::None)) => default_summary(),
            Ok(JobOutcome::Error(e)) => {
                Logger::error(&e.text, &[("hint", "script exception")]);
                default_summary();
            }
            _ => Logger::error("handleSummary() did not finish", &[]),
        }
        true
    }
}

/// How long `handleSummary()` may run (k6's fixed 2 minutes).
pub(super) const HANDLE_SUMMARY_TIMEOUT: Duration = Duration::from_secs(120);

/// The text summary (no `handleSummary`), in the chosen mode.
pub(super) fn print_default_summary(report: &Report, no_color: bool, mode: SummaryMode) {
    let text = default_summary_text(report, no_color, mode);
    rk6_runtime::term::out(&format!("\n{text}\n\n"));
}

/// The text summary of `mode`, without colours when `no_color`.
pub(crate) fn default_summary_text(report: &Report, no_color: bool, mode: SummaryMode) -> String {
    let p = Painter { enabled: !no_color };
    match mode {
        SummaryMode::Compact => render_compact(report, p),
        SummaryMode::Full => crate::summary::full::render_full(report, p),
        SummaryMode::Legacy => crate::summary::legacy::render_legacy(report, p),
    }
}

/// Why a lifecycle function did not run to an outcome.
enum CallFailure {
    /// Its fresh VU's init code failed (already logged).
    Init,
    TimedOut,
}

/// An unhandled rejection in setup or teardown: k6 fails the run with it as a plain error
/// (no `hint`, exit 255), not as a script exception.
fn rejected(e: &rk6_runtime::ScriptError) -> ExitCode {
    Logger::error(&e.text, &[]);
    ExitCode::Other
}

fn log_timeout(func: &str, option: &str, timeout: Duration) {
    Logger::error(
        &format!(
            "{func}() execution timed out after {} seconds",
            timeout.as_secs()
        ),
        &[(
            "hint",
            &format!("You can increase the time limit via the {option} option"),
        )],
    );
}

fn write_destination(dest: &str, bytes: &[u8], base: &std::path::Path) {
    match dest {
        "stdout" | "stderr" => match std::str::from_utf8(bytes) {
            Ok(text) if dest == "stdout" => rk6_runtime::term::out(text),
            Ok(text) => rk6_runtime::term::err(text),
            Err(_) if dest == "stdout" => {
                let _ = std::io::stdout().lock().write_all(bytes);
            }
            Err(_) => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
        },
        path => {
            let p = std::path::Path::new(path);
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                std::env::current_dir()
                    .unwrap_or_else(|_| base.to_path_buf())
                    .join(p)
            };
            if let Some(parent) = p.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Err(e) = std::fs::write(&p, bytes) {
                Logger::error(
                    &format!("could not write the summary to {}: {e}", p.display()),
                    &[],
                );
            }
        }
    }
}

/// Answers the REST API's setup()/teardown() requests until the process ends, on a VU
/// thread apart from the test's and the run's own lifecycle calls (started at the first
/// request), with the run's timeouts.
pub(super) fn serve_api_requests(plan: &super::plan::Plan, run: &Lifecycle<'_>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<LifecycleRequest>();
    plan.control.attach_lifecycle(tx);
    let (config, functions) = (plan.config.clone(), plan.functions.clone());
    let (setup_timeout, teardown_timeout) = (run.setup_timeout, run.teardown_timeout);
    tokio::spawn(async move {
        let mut pool = None;
        while let Some(req) = rx.recv().await {
            if pool.is_none() {
                pool = VuPool::new(1).ok();
            }
            let answer = match &pool {
                Some(pool) => {
                    let mut lifecycle = Lifecycle::new(pool, config.clone(), &functions);
                    lifecycle.setup_timeout = setup_timeout;
                    lifecycle.teardown_timeout = teardown_timeout;
                    lifecycle.call_for_api(req.call, req.data).await
                }
                None => Err("rk6 could not start a VU thread".to_string()),
            };
            let _ = req.reply.send(answer);
        }
    });
}
