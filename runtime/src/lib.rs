//! rk6's JavaScript world: k6 test scripts run on Boa, one context per virtual user (VU),
//! many VUs per worker thread on stackful coroutines, with k6's modules written natively.
//!
//! The host (the `rk6` binary) schedules VUs; this crate builds and runs them. A run starts
//! from a [`TestConfig`] (the script and what all VUs share), a [`VuPool`] of worker threads
//! builds each VU (running the script's init code) and hands back a [`VuHandle`], and the
//! host sends it [`Job`]s: `setup()`, iterations, `teardown()`, `handleSummary()`. VUs
//! only *emit* [`metrics::Sample`]s, one way, through the config's channel.
//!
//! Not in here: executors, aggregation of samples, thresholds, summaries and outputs. They
//! belong to the host, which also uses the shared vocabulary this crate exports: the metric
//! registry ([`metrics`]), k6's durations ([`duration`]), log lines ([`log`]), terminal
//! output ([`term`]), the live test state `k6/execution` reads ([`execution`]) and the HTTP
//! engine's options ([`net`]). Everything else (the module loader, the modules, the VU
//! core's internals) is private to the crate; `runtime/README.md` describes the design.
//!
//! # Example
//!
//! One VU runs `setup()` and one iteration of a script held in memory:
//!
//! ```
//! use std::sync::Arc;
//! use rk6_runtime::metrics::builtin;
//! use rk6_runtime::{IterationJob, Job, JobOutcome, JobValue, TestConfig, VuPool};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let io = tokio::runtime::Runtime::new()?;
//! let (samples, received) = std::sync::mpsc::channel();
//! let config = TestConfig::new("/demo/script.js".into(), samples);
//! config.sources.insert(
//!     "/demo/script.js".into(),
//!     b"export function setup() { return { sum: 1 + 2 }; }
//!       export default function (data) { if (data.sum !== 3) throw new Error('bad'); }"
//!         .to_vec(),
//! );
//!
//! let pool = VuPool::new(1)?;
//! // Jobs stop when this turns true or its sender is dropped.
//! let (_stop_sender, stop) = tokio::sync::watch::channel(false);
//! io.block_on(async {
//!     let (vu, info) = pool.create_vu(Arc::new(config), 1).await?;
//!     assert!(info.functions.iter().any(|f| f == "setup"));
//!
//!     let setup = Job::Lifecycle { func: "setup", data: None };
//!     let data = match vu.run(setup, stop.clone()).await {
//!         JobOutcome::Ok(JobValue::Json(data)) => data,
//!         other => panic!("setup ended with {other:?}"),
//!     };
//!     assert_eq!(data, serde_json::json!({ "sum": 3 }));
//!
//!     let iteration = IterationJob {
//!         exec: "default".into(),
//!         scenario: "default".into(),
//!         executor: "shared-iterations".into(),
//!         data: Some(data.to_string().into()),
//!         tags: Default::default(),
//!         env: None,
//!         state: Default::default(),
//!     };
//!     let outcome = vu.run(Job::Iteration(iteration), stop).await;
//!     assert_eq!(outcome, JobOutcome::Ok(JobValue::None));
//!     Ok::<_, rk6_runtime::InitError>(())
//! })?;
//!
//! // The iteration's samples arrived on the channel, `iterations` among them.
//! let batch: Vec<_> = received.try_iter().flatten().collect();
//! assert!(batch.iter().any(|s| s.metric == builtin::ITERATIONS));
//! # Ok(())
//! # }
//! ```

pub mod config;
pub(crate) mod convert;
pub mod duration;
pub mod error;
pub mod execution;
pub(crate) mod loader;
pub mod log;
pub mod metrics;
pub(crate) mod modules;
pub mod net;
pub(crate) mod parse_cache;
pub(crate) mod source;
pub(crate) mod source_map;
pub mod term;
pub(crate) mod typescript;
pub mod vu;
pub(crate) mod world;

/// The k6 version whose behaviour rk6 reproduces (user agent, `version` output).
pub const K6_VERSION: &str = "1.1.0";

// The entry types: what a run is, the threads that host VUs, a VU, and its jobs.
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
