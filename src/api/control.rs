//! What the REST API can see of the run and change in it: the run status k6 reports, the
//! pause and stop switches, the externally-controlled VU target, the setup data, and the
//! metrics engine's latest snapshot. The run writes the status at its stage boundaries
//! and reads the switches; the API never touches VUs.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rk6_runtime::execution::TestState;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};

use super::setup::LifecycleRequest;
use crate::metrics::snapshot::{Snapshot, SnapshotTx};

/// k6's run status codes (`status` in `/v1/status`, `lib.ExecutionStatus`).
pub mod status {
    pub const CREATED: u8 = 0;
    pub const INIT_VUS: u8 = 1;
    pub const INIT_DONE: u8 = 3;
    pub const PAUSED_BEFORE_RUN: u8 = 4;
    pub const STARTED: u8 = 5;
    pub const SETUP: u8 = 6;
    pub const RUNNING: u8 = 7;
    pub const TEARDOWN: u8 = 8;
    pub const ENDED: u8 = 9;
    pub const INTERRUPTED: u8 = 10;
}

const EXTERNALLY_CONTROLLED: &str = "externally-controlled";

/// What the run tells the API once its plan is known.
pub struct RunView {
    /// The test-wide counters (active and initialised VUs).
    pub test: Arc<TestState>,
    /// The scenarios' (executor type, name), in k6's order.
    pub executors: Vec<(String, String)>,
}

/// A PATCH the API refuses: k6's error title and detail, and the HTTP status.
#[derive(Debug, thiserror::Error)]
#[error("{title}: {detail}")]
pub struct PatchError {
    pub status: u16,
    pub title: &'static str,
    pub detail: String,
}

impl PatchError {
    fn new(status: u16, title: &'static str, detail: impl Into<String>) -> Self {
        PatchError {
            status,
            title,
            detail: detail.into(),
        }
    }
}

/// The attributes of k6's status envelope that a PATCH may set; the others are ignored.
#[derive(Debug, Default, Deserialize)]
struct StatusPatch {
    paused: Option<bool>,
    vus: Option<i64>,
    #[serde(rename = "vus-max")]
    vus_max: Option<i64>,
    stopped: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct PatchData {
    #[serde(default)]
    attributes: StatusPatch,
}

#[derive(Debug, Default, Deserialize)]
struct PatchEnvelope {
    #[serde(default)]
    data: PatchData,
}

/// What the API can see and change while the test runs.
pub struct Control {
    status: AtomicU8,
    /// Set once the test passed its pause (k6's `MarkStarted`).
    started: AtomicBool,
    running: AtomicBool,
    pub paused: watch::Sender<bool>,
    pub stopped: watch::Sender<bool>,
    /// Target VUs of the externally-controlled scenario (and its maximum).
    pub vus: Arc<AtomicU64>,
    pub vus_max: AtomicU64,
    run: OnceLock<RunView>,
    snapshots: SnapshotTx,
    /// The setup data as raw JSON (`PUT /v1/setup` or setup()'s result).
    setup_data: Mutex<Option<Arc<str>>>,
    lifecycle: OnceLock<mpsc::UnboundedSender<LifecycleRequest>>,
}

impl Control {
    pub fn new() -> Arc<Control> {
        Arc::new(Control {
            status: AtomicU8::new(status::CREATED),
            started: AtomicBool::new(false),
            running: AtomicBool::new(false),
            paused: watch::channel(false).0,
            stopped: watch::channel(false).0,
            vus: Arc::new(AtomicU64::new(0)),
            vus_max: AtomicU64::new(0),
            run: OnceLock::new(),
            snapshots: watch::channel(Arc::new(Snapshot::default())).0,
            setup_data: Mutex::new(None),
            lifecycle: OnceLock::new(),
        })
    }

    /// The run's plan is known: its counters and scenarios become visible.
    pub fn attach_run(&self, run: RunView) {
        let _ = self.run.set(run);
    }

    /// Where `setup()` and `teardown()` requests of the API go.
    pub fn attach_lifecycle(&self, tx: mpsc::UnboundedSender<LifecycleRequest>) {
        let _ = self.lifecycle.set(tx);
    }

    pub(super) fn lifecycle(&self) -> Option<&mpsc::UnboundedSender<LifecycleRequest>> {
        self.lifecycle.get()
    }

    /// Where the metrics engine publishes what the API shows.
    pub fn snapshots(&self) -> SnapshotTx {
        self.snapshots.clone()
    }

    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshots.borrow().clone()
    }

    pub fn set_status(&self, s: u8) {
        self.status.store(s, Ordering::Relaxed);
    }

    /// The test passed its pause and starts (k6's `MarkStarted`).
    pub fn mark_started(&self) {
        self.started.store(true, Ordering::Relaxed);
        self.running.store(true, Ordering::Relaxed);
        self.set_status(status::STARTED);
    }

    /// The test is over; as in k6 an aborted run still reads `running` (it never ended).
    pub fn mark_ended(&self, aborted: bool) {
        if aborted {
            self.set_status(status::INTERRUPTED);
        } else {
            self.running.store(false, Ordering::Relaxed);
            self.set_status(status::ENDED);
        }
    }

    pub fn setup_data(&self) -> Option<Arc<str>> {
        self.setup_data
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_setup_data(&self, data: Option<Arc<str>>) {
        *self.setup_data.lock().unwrap_or_else(|p| p.into_inner()) = data;
    }

    /// `GET /v1/status`'s document.
    pub fn status_json(&self) -> Value {
        let (vus, vus_max) = self.run.get().map_or((0, 0), |r| {
            (
                r.test.vus_active.load(Ordering::Relaxed),
                r.test.vus_initialized.load(Ordering::Relaxed),
            )
        });
        json!({"data": {"type": "status", "id": "default", "attributes": {
            "status": self.status.load(Ordering::Relaxed),
            "paused": *self.paused.borrow(),
            "vus": vus,
            "vus-max": vus_max,
            "stopped": *self.stopped.borrow(),
            "running": self.running.load(Ordering::Relaxed),
            "tainted": self.snapshot().tainted,
        }}})
    }

    /// Applies `PATCH /v1/status`'s body as k6 does: a stop wins over everything else,
    /// then the pause, then the externally-controlled executor's VUs.
    pub fn patch(&self, body: &[u8]) -> Result<(), PatchError> {
        let envelope: PatchEnvelope = serde_json::from_slice(body)
            .map_err(|e| PatchError::new(400, "Invalid data", e.to_string()))?;
        let attrs = envelope.data.attributes;
        if attrs.stopped == Some(true) {
            let _ = self.stopped.send_replace(true);
            return Ok(());
        }
        if let Some(pause) = attrs.paused {
            self.set_paused(pause)
                .map_err(|why| PatchError::new(500, "Pause error", why))?;
        }
        if attrs.vus.is_some() || attrs.vus_max.is_some() {
            self.scale(attrs.vus, attrs.vus_max)?;
        }
        Ok(())
    }

    /// k6's `SetPaused`: before the start only a paused test can be resumed; after it,
    /// no executor rk6 has can pause.
    fn set_paused(&self, pause: bool) -> Result<(), String> {
        if !self.started.load(Ordering::Relaxed) && *self.paused.borrow() {
            if pause {
                return Err("execution is already paused".into());
            }
            let _ = self.paused.send_replace(false);
            return Ok(());
        }
        let first = self.run.get().and_then(|r| r.executors.first());
        Err(match first {
            Some((kind, name)) if kind != EXTERNALLY_CONTROLLED => format!(
                "{kind} executor '{name}' doesn't support pause and resume operations after its start"
            ),
            Some((_, name)) => format!(
                "rk6 cannot pause or resume the externally-controlled executor '{name}' after its start"
            ),
            None => "the test is not initialized yet".into(),
        })
    }

    /// `vus`/`vus-max` of the first externally-controlled scenario.
    fn scale(&self, vus: Option<i64>, vus_max: Option<i64>) -> Result<(), PatchError> {
        let external = self.run.get().is_some_and(|r| {
            r.executors
                .iter()
                .any(|(kind, _)| kind == EXTERNALLY_CONTROLLED)
        });
        if !external {
            return Err(PatchError::new(
                500,
                "Execution config error",
                "an externally-controlled executor needs to be configured for live configuration updates",
            ));
        }
        let config_error = |why: String| PatchError::new(400, "Config update error", why);
        let max = self.vus_max.load(Ordering::Relaxed);
        if let Some(m) = vus_max.filter(|m| *m != max as i64) {
            return Err(config_error(format!(
                "rk6 cannot change maxVUs ({max}) of an externally-controlled executor to {m} at run time"
            )));
        }
        if let Some(v) = vus {
            let v = u64::try_from(v)
                .map_err(|_| config_error("the number of VUs can't be negative".into()))?;
            if v > max {
                return Err(config_error(format!(
                    "the number of active VUs ({v}) must be less than or equal to the number of maxVUs ({max})"
                )));
            }
            self.vus.store(v, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control_with(executors: &[(&str, &str)]) -> Arc<Control> {
        let c = Control::new();
        c.attach_run(RunView {
            test: Arc::new(TestState::new(Value::Null)),
            executors: executors
                .iter()
                .map(|(k, n)| (k.to_string(), n.to_string()))
                .collect(),
        });
        c
    }

    const START: &[u8] =
        br#"{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}"#;

    #[test]
    fn operator_start_body_resumes_a_paused_test_and_a_second_pause_is_refused() {
        let c = control_with(&[("constant-vus", "default")]);
        let _ = c.paused.send_replace(true);
        let again = c.patch(br#"{"data":{"attributes":{"paused":true}}}"#);
        assert_eq!(
            again.map_err(|e| e.to_string()).err().as_deref(),
            Some("Pause error: execution is already paused")
        );
        assert!(c.patch(START).is_ok());
        assert!(!*c.paused.borrow());
        c.mark_started();
        let late = c.patch(START).map_err(|e| e.detail).err();
        assert_eq!(
            late.as_deref(),
            Some("constant-vus executor 'default' doesn't support pause and resume operations after its start")
        );
    }

    #[test]
    fn stop_wins_and_vus_need_an_externally_controlled_executor() {
        let c = control_with(&[("constant-vus", "default")]);
        let e = c.patch(br#"{"data":{"attributes":{"vus":3}}}"#).err();
        assert_eq!(
            e.map(|e| (e.status, e.title)),
            Some((500, "Execution config error"))
        );
        let bad = c.patch(b"{bad").err();
        assert_eq!(
            bad.map(|e| (e.status, e.title)),
            Some((400, "Invalid data"))
        );
        assert!(c
            .patch(br#"{"data":{"attributes":{"paused":true,"stopped":true}}}"#)
            .is_ok());
        assert!(*c.stopped.borrow());
    }

    #[test]
    fn status_reports_the_run_counters_and_an_aborted_run_stays_running() {
        let c = control_with(&[]);
        c.mark_started();
        c.set_status(status::RUNNING);
        c.mark_ended(true);
        let a = &c.status_json()["data"]["attributes"];
        assert_eq!(a["status"], 10);
        assert_eq!(a["running"], true);
        assert_eq!(a["vus-max"], 0);
    }
}
