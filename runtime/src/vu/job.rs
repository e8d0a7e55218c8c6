//! The work a host asks of a VU and what comes back.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::ScriptError;

/// One unit of work for a VU.
#[derive(Debug, Clone)]
pub enum Job {
    /// One iteration of a scenario's exec function.
    Iteration(IterationJob),
    /// `setup()` (no data) or `teardown(data)`: the return value comes back as JSON.
    Lifecycle {
        func: &'static str,
        data: Option<Arc<str>>,
    },
    /// `handleSummary(data)`: the returned map comes back as files.
    HandleSummary { data: String },
    /// Iterations back to back on the VU's own thread while `keep_going` says so: saves the
    /// two cross-thread hand-offs a per-iteration job costs.
    Loop(LoopJob),
}

/// A run of iterations decided on the VU's thread.
#[derive(Clone)]
pub struct LoopJob {
    pub iteration: IterationJob,
    /// Asked before each iteration (deadline, iteration budget, stop signals).
    pub keep_going: Arc<dyn Fn() -> bool + Send + Sync>,
    /// Told how each iteration ended (progress counters).
    pub on_done: Arc<dyn Fn(&JobOutcome) + Send + Sync>,
}

impl std::fmt::Debug for LoopJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopJob")
            .field("iteration", &self.iteration)
            .finish_non_exhaustive()
    }
}

/// What an iteration needs to know about where it runs.
#[derive(Debug, Clone)]
pub struct IterationJob {
    /// Exported function to call (`default` unless the scenario's `exec` says otherwise).
    pub exec: Arc<str>,
    pub scenario: Arc<str>,
    /// The scenario's executor type (`constant-vus`, ...), for log fields.
    pub executor: Arc<str>,
    /// `setup()`'s return value as JSON, deep-copied into each call.
    pub data: Option<Arc<str>>,
    /// Tags added by the scenario (its `tags` plus `scenario=<name>`).
    pub tags: Arc<BTreeMap<String, String>>,
    /// Scenario `env` overrides of `__ENV`.
    pub env: Option<Arc<BTreeMap<String, String>>>,
    /// The scenario's shared counters (`k6/execution`).
    pub state: Arc<crate::execution::ScenarioState>,
}

/// The value a job produced.
#[derive(Debug, Clone, PartialEq)]
pub enum JobValue {
    None,
    Json(serde_json::Value),
    /// `handleSummary`'s map: destination (`stdout`, `stderr`, a path) -> bytes.
    Files(Vec<(String, Vec<u8>)>),
    /// `handleSummary` returned what k6 refuses; nothing is written.
    InvalidSummary(crate::vu::summary_files::SummaryError),
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Ok(JobValue),
    /// The script threw; for iterations the error was already logged by the VU.
    Error(ScriptError),
    /// A promise rejection nobody handled ended the job (`Uncaught (in promise) …`). k6
    /// treats it as a plain error, not a script exception: no `hint`, and setup or
    /// teardown exit 255. For iterations it was already logged by the VU.
    Rejected(ScriptError),
    /// Stopped from outside (graceful stop ran out, Ctrl-C, abort).
    Interrupted,
}
