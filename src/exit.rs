//! k6's process exit codes.

/// Exit codes as k6 v1.1 defines them (`errext/exitcodes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    ThresholdsFailed = 99,
    SetupTimeout = 100,
    TeardownTimeout = 101,
    /// The test was stopped through the REST API (`PATCH /v1/status {stopped: true}`).
    GenericEngine = 103,
    InvalidConfig = 104,
    ExternalAbort = 105,
    /// `--address` could not be listened on.
    CannotStartRestApi = 106,
    ScriptException = 107,
    ScriptAborted = 108,
    MarkedAsFailed = 110,
    /// The watchdog stopped a run that overran its planned end.
    GenericTimeout = 102,
    Other = 255,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}
