//! The configuration vocabulary that options and executors share: the configuration error
//! every layer reports, k6's duration and stage values, and the Go types an executor's
//! config fields have. Options decode and merge with these, executors read and check their
//! config with them; this module knows neither, so both can depend on it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A configuration problem (the run exits 104).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
    /// The script's `options` cannot be decoded (a bad duration, integer or scenario); the
    /// host adds which script (k6: `could not initialize '…': could not load JS test '…': …`).
    #[error("{0}")]
    ScriptOptions(String),
    #[error("There were problems with the specified script configuration:\n{}", .0.iter().map(|e| format!("\t- {e}")).collect::<Vec<_>>().join("\n"))]
    Scenarios(Vec<String>),
    #[error(transparent)]
    Threshold(#[from] crate::metrics::threshold::ThresholdError),
    /// k6 exits 255 for this one, not 104.
    #[error("invalid summary mode")]
    SummaryMode,
    /// An error k6 returns without an exit code of its own (so exit 255), such as a bad
    /// `summaryTrendStats` entry.
    #[error("{0}")]
    Unclassified(String),
    /// A flag's value k6 refuses before any configuration is consolidated (exit 255).
    #[error("{0}")]
    Flag(String),
}

impl ConfigError {
    /// k6's exit code for this problem: 104 (invalid config), or 255 for the ones k6 reports
    /// without a code of their own.
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            ConfigError::SummaryMode | ConfigError::Flag(_) | ConfigError::Unclassified(_) => {
                crate::exit::ExitCode::Other
            }
            _ => crate::exit::ExitCode::InvalidConfig,
        }
    }
}

/// A duration given as a string (`"30s"`) or a number of milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DurationOpt {
    Text(String),
    Millis(f64),
}

impl DurationOpt {
    pub fn get(&self, what: &str) -> Result<Duration, ConfigError> {
        match self {
            DurationOpt::Text(s) => rk6_runtime::duration::parse(s)
                .map_err(|e| ConfigError::Invalid(format!("{what}: {e}"))),
            // A number is milliseconds; beyond Go's ~292 years it is refused, not a panic.
            DurationOpt::Millis(ms) if *ms >= 0.0 => Duration::try_from_secs_f64(ms / 1000.0)
                .ok()
                .filter(|d| d.as_nanos() <= i64::MAX as u128)
                .ok_or_else(|| ConfigError::Invalid(format!("{what}: invalid duration {ms}"))),
            DurationOpt::Millis(ms) => Err(ConfigError::Invalid(format!(
                "{what}: negative duration {ms}"
            ))),
        }
    }

    /// The duration as Go's signed `time.Duration` in nanoseconds, as k6 holds it: negative
    /// values are kept (k6 validates them later), and a number of milliseconds too large
    /// for it becomes Go's `int64` conversion result on amd64, the most negative value.
    pub fn signed_nanos(&self) -> Result<i64, ConfigError> {
        match self {
            DurationOpt::Millis(ms) => {
                let ns = ms * 1e6;
                Ok(if ns.is_finite() && ns.abs() < 9.2e18 {
                    ns as i64
                } else {
                    i64::MIN
                })
            }
            DurationOpt::Text(s) => {
                if let Some(e) = rk6_runtime::duration::k6_parse_error(s) {
                    return Err(ConfigError::Invalid(e));
                }
                let (negative, magnitude) = match s.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, s.strip_prefix('+').unwrap_or(s)),
                };
                let d = rk6_runtime::duration::parse(magnitude).map_err(ConfigError::Invalid)?;
                let ns = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
                Ok(if negative { -ns } else { ns })
            }
        }
    }
}

/// One `{duration, target}` stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub duration: DurationOpt,
    #[serde(default)]
    pub target: u64,
}

/// The Go type of one field of an executor's config, as k6 decodes a scenario: the options
/// decoder refuses what that type refuses, with Go's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// guregu's `null.Int`.
    NullInt,
    /// `types.NullDuration`.
    NullDuration,
    /// `[]lib.Stage`.
    Stages,
}

/// An executor config's own fields by JSON name, with their Go types (sorted by name).
pub type Fields = &'static [(&'static str, FieldType)];
