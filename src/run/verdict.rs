//! The run's last stage: which exit code the test ends with, in k6's precedence, and the
//! error line that says why. An `exec.test.abort()` overrides a success or a script error,
//! `exec.test.fail()` a success; a panic anywhere overrides everything (its results cannot
//! be trusted); crossed thresholds turn a success into 99.

use rk6_runtime::log::Logger;
use rk6_runtime::TestConfig;

use crate::exit::ExitCode;
use crate::summary::Report;

/// Whether a run that ended with `exit` so far was aborted (k6's `Interrupted` status):
/// Ctrl-C, the REST API, `exec.test.abort()` or a threshold's `abortOnFail`. Thresholds
/// that fail at the end are judged later, so `ThresholdsFailed` here is an abort.
pub(super) fn aborted(exit: ExitCode) -> bool {
    matches!(
        exit,
        ExitCode::ExternalAbort
            | ExitCode::GenericEngine
            | ExitCode::ScriptAborted
            | ExitCode::ThresholdsFailed
    )
}

/// The exit code of a run that ended with `exit` so far.
pub(super) fn verdict(mut exit: ExitCode, config: &TestConfig, report: &Report) -> ExitCode {
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
        Logger::error(
            &format!("{panic}; the test was stopped and its results are incomplete"),
            &[],
        );
        return ExitCode::Other;
    }
    let mut failed = report.failed_thresholds();
    failed.sort();
    if failed.is_empty() {
        return exit;
    }
    let names = failed.join(", ");
    if exit == ExitCode::ThresholdsFailed {
        Logger::error(&format!("thresholds on metrics '{names}' were crossed; at least one has abortOnFail enabled, stopping test prematurely"), &[]);
        return exit;
    }
    // After another failure (Ctrl-C, a stop through the REST API, …) k6 keeps that
    // failure's code and mentions the thresholds only at debug level.
    if exit != ExitCode::Success {
        return exit;
    }
    Logger::error(
        &format!("thresholds on metrics '{names}' have been crossed"),
        &[],
    );
    ExitCode::ThresholdsFailed
}

/// k6's hint when no iteration of a test that ran its course completed.
pub(super) fn warn_if_no_iteration(exit: ExitCode, config: &TestConfig) {
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
}
