//! Live facts about a running test that `k6/execution` reports, shared by the host (which
//! updates them) and the VUs (which read them), plus the test-wide controls scripts can
//! pull: `exec.test.abort()` and `exec.test.fail()`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// One scenario's shared counters.
#[derive(Debug, Default)]
pub struct ScenarioState {
    /// Unix time in ms when the scenario started (0 before).
    pub start_unix_ms: AtomicU64,
    /// Iterations started so far; the next one's `iterationInTest`.
    pub iterations_started: AtomicU64,
    /// Planned length in ms (0 when unknown), for `progress`.
    pub planned_ms: u64,
    /// The stripe numbering this scenario's iterations test-wide, `(lcd, offsets)`, when
    /// it is not the segment's (`shared-iterations` splits its iterations by VUs).
    pub iteration_stripe: Option<(u64, Vec<u64>)>,
}

impl ScenarioState {
    pub fn new(planned_ms: u64) -> Self {
        ScenarioState {
            planned_ms,
            ..ScenarioState::default()
        }
    }

    /// Marks the scenario as started now.
    pub fn start(&self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        self.start_unix_ms.store(now, Ordering::Relaxed);
    }

    /// Fraction of the planned duration elapsed, 0..1.
    pub(crate) fn progress(&self) -> f64 {
        let start = self.start_unix_ms.load(Ordering::Relaxed);
        if start == 0 || self.planned_ms == 0 {
            return 0.0;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(start);
        (now.saturating_sub(start) as f64 / self.planned_ms as f64).min(1.0)
    }
}

/// Test-wide counters and controls.
#[derive(Debug)]
pub struct TestState {
    started: Mutex<Instant>,
    pub iterations_completed: AtomicU64,
    pub iterations_interrupted: AtomicU64,
    pub vus_active: AtomicU64,
    pub vus_initialized: AtomicU64,
    /// Set by `exec.test.abort(reason)` to k6's text for it (`test aborted: reason at …`):
    /// the host logs it, stops the test and exits 108.
    pub abort: tokio::sync::watch::Sender<Option<String>>,
    /// Set by `exec.test.fail(reason)`: the test goes on and exits 110.
    pub failed: Mutex<Option<String>>,
    /// The consolidated options, for `exec.test.options`.
    pub options: serde_json::Value,
    /// This instance's stripe of the execution segment sequence, `(lcd, offsets)`: which
    /// of every `lcd` VU and iteration numbers of the whole test are this instance's.
    /// `(1, [0])` unsegmented.
    pub vu_stripe: (u64, Vec<u64>),
}

/// The test-wide number of the `n`-th unit (0-based) of the instance holding `stripe`.
pub(crate) fn index_in_stripe((lcd, offsets): &(u64, Vec<u64>), n: u64) -> u64 {
    if offsets.is_empty() {
        return n;
    }
    let per_cycle = offsets.len() as u64;
    n / per_cycle * lcd + offsets[(n % per_cycle) as usize]
}

impl TestState {
    pub fn new(options: serde_json::Value) -> Self {
        TestState {
            started: Mutex::new(Instant::now()),
            iterations_completed: AtomicU64::new(0),
            iterations_interrupted: AtomicU64::new(0),
            vus_active: AtomicU64::new(0),
            vus_initialized: AtomicU64::new(0),
            abort: tokio::sync::watch::channel(None).0,
            failed: Mutex::new(None),
            options,
            vu_stripe: (1, vec![0]),
        }
    }

    /// `exec.vu.idInTest` of this instance's VU `id_in_instance` (both 1-based): unique
    /// across all instances of a segmented test, as k6 numbers them — the n-th VU of an
    /// instance is the n-th number of its stripe.
    pub(crate) fn vu_id_in_test(&self, id_in_instance: u64) -> u64 {
        if id_in_instance == 0 {
            return 0;
        }
        self.index_in_test(id_in_instance - 1) + 1
    }

    /// The test-wide number of this instance's `n`-th unit (0-based): k6 numbers
    /// `exec.scenario.iterationInTest` and VU ids by the segment's stripe.
    pub(crate) fn index_in_test(&self, n: u64) -> u64 {
        index_in_stripe(&self.vu_stripe, n)
    }

    /// Marks the start of the test run (after VU initialisation).
    pub fn mark_started(&self) {
        *self.started.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// Time since the test run started.
    pub(crate) fn elapsed(&self) -> std::time::Duration {
        self.started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }

    /// k6's text for the abort, if a script aborted the test.
    pub fn aborted(&self) -> Option<String> {
        self.abort.borrow().clone()
    }

    /// The failure reason, if a script marked the test failed.
    pub fn failure(&self) -> Option<String> {
        self.failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Default for TestState {
    fn default() -> Self {
        TestState::new(serde_json::Value::Null)
    }
}
