//! rk6's JavaScript world: the Boa glue, the module loader, VU execution on stackful
//! coroutines, and the native k6 modules (`k6`, `k6/http`, `k6/metrics`).
//!
//! Not in here: scheduling (executors), aggregation of samples, thresholds, summaries and
//! outputs — those belong to the host crate. VUs only *emit* samples, through a channel.

pub mod config;
pub mod convert;
pub mod duration;
pub mod error;
pub mod execution;
pub mod loader;
pub mod log;
pub mod metrics;
pub mod modules;
pub mod net;
pub mod source;
pub mod source_map;
pub mod term;
pub mod typescript;
pub mod vu;
pub mod world;

/// The k6 version whose behaviour rk6 reproduces (user agent, `version` output).
pub const K6_VERSION: &str = "1.1.0";

pub use config::{HttpConfig, HttpDebug, SourceCache, SystemTags, TestConfig};
pub use error::{InitError, ScriptError};
pub use vu::job::{IterationJob, Job, JobOutcome, JobValue, LoopJob};
pub use vu::summary_files::SummaryError;
pub use vu::{VuHandle, VuInfo};
pub use world::pool::VuPool;

/// Whether a debug build was told to panic in `part` (`vu`, `metrics` or `output`) through
/// `RK6_TEST_PANIC`, for the tests that prove a panic ends the run loudly. Always false in
/// release builds.
pub fn injected_panic(part: &str) -> bool {
    static WANTED: std::sync::LazyLock<Option<String>> =
        std::sync::LazyLock::new(|| std::env::var("RK6_TEST_PANIC").ok());
    cfg!(debug_assertions) && WANTED.as_deref() == Some(part)
}
