//! The watchdog: no run outlives its planned end by more than [`GRACE`].
//!
//! A load test runs unattended in CI, where a run that never ends is a stuck pipeline.
//! Every phase (setup, the scenarios, teardown, the summary) arms the watchdog with its
//! planned length (the same timeouts k6 plans with). A phase that overruns that by
//! [`GRACE`] is stuck whatever the cause (a host bug, a script in a native call no
//! interrupt reaches): the watchdog logs what every busy VU is doing and tells the run to
//! stop, which then prints the summary and exits 102 (k6's GenericTimeout). Should even
//! that not finish within [`HARD_EXIT_AFTER`], it exits the process itself.
//!
//! It lives on its own OS thread, so a blocked async runtime cannot silence it. SIGQUIT
//! prints the same report (k6, a Go program, dumps its goroutines and exits 2).

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rk6_runtime::log::Logger;
use tokio::sync::watch;

use crate::exit::ExitCode;

/// How far past its planned end a phase may run.
pub const GRACE: Duration = Duration::from_secs(30);

/// How long the stopped run gets to print its summary before the process is ended.
const HARD_EXIT_AFTER: Duration = Duration::from_secs(30);

/// Busy VUs listed in the report.
const REPORT_VUS: usize = 20;

/// The handle the run arms and listens to. Cheap to clone.
#[derive(Clone)]
pub struct Watchdog {
    shared: Arc<Shared>,
    fired: watch::Receiver<bool>,
}

struct Shared {
    armed: Mutex<Option<Phase>>,
    rearmed: Condvar,
    fire: watch::Sender<bool>,
}

/// The phase being watched.
#[derive(Clone, Copy)]
struct Phase {
    name: &'static str,
    planned: Duration,
    deadline: Instant,
}

impl Watchdog {
    /// Starts the watchdog thread, disarmed.
    pub fn start() -> Watchdog {
        let (fire, fired) = watch::channel(false);
        let shared = Arc::new(Shared {
            armed: Mutex::new(None),
            rearmed: Condvar::new(),
            fire,
        });
        let watched = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("rk6-watchdog".into())
            .spawn(move || watch_loop(&watched));
        if let Err(e) = spawned {
            Logger::warn(&format!("could not start the run's watchdog: {e}"), &[]);
        }
        Watchdog { shared, fired }
    }

    /// Watches `name`, planned to take at most `planned` from now.
    pub fn arm(&self, name: &'static str, planned: Duration) {
        let deadline = Instant::now()
            .checked_add(planned.saturating_add(GRACE))
            .unwrap_or_else(far_future);
        self.set(Some(Phase {
            name,
            planned,
            deadline,
        }));
    }

    /// Stops watching (a phase without an end: `--linger`, a paused test).
    pub fn disarm(&self) {
        self.set(None);
    }

    fn set(&self, phase: Option<Phase>) {
        if let Ok(mut armed) = self.shared.armed.lock() {
            *armed = phase;
        }
        self.shared.rearmed.notify_all();
    }

    /// Whether the watchdog has stopped the run.
    pub fn has_fired(&self) -> bool {
        *self.fired.borrow()
    }

    /// Resolves once the watchdog stops the run.
    pub async fn fired(&self) {
        let mut rx = self.fired.clone();
        let _ = rx.wait_for(|f| *f).await;
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(100 * 365 * 86_400)
}

fn watch_loop(shared: &Shared) {
    let Ok(mut armed) = shared.armed.lock() else {
        return;
    };
    loop {
        let now = Instant::now();
        armed = match *armed {
            Some(p) if now >= p.deadline => break,
            Some(p) => match shared.rearmed.wait_timeout(armed, p.deadline - now) {
                Ok((guard, _)) => guard,
                Err(_) => return,
            },
            None => match shared.rearmed.wait(armed) {
                Ok(guard) => guard,
                Err(_) => return,
            },
        };
    }
    let phase = *armed;
    drop(armed);
    if let Some(p) = phase {
        report_overrun(p);
    }
    let _ = shared.fire.send(true);
    std::thread::sleep(HARD_EXIT_AFTER);
    Logger::error(
        &format!(
            "the stopped test did not finish within {}s; exiting",
            HARD_EXIT_AFTER.as_secs()
        ),
        &[],
    );
    std::process::exit(ExitCode::GenericTimeout.code());
}

fn report_overrun(p: Phase) {
    Logger::error(
        &format!(
            "the test is stuck in {}: {}s past the planned end ({}); stopping it",
            p.name,
            GRACE.as_secs(),
            rk6_runtime::duration::format(p.planned)
        ),
        &[],
    );
    report_busy_vus();
}

/// Logs what every busy VU is doing, one line each.
pub fn report_busy_vus() {
    let busy = rk6_runtime::vu::activity::snapshot(REPORT_VUS);
    if busy.is_empty() {
        Logger::error("no VU is busy: the run is stuck in rk6 itself", &[]);
    }
    for line in busy {
        Logger::error(&format!("still busy: {line}"), &[]);
    }
}

/// SIGQUIT: the report of what every VU is doing, then exit 2 as k6 (a Go program) does.
pub async fn on_sigquit() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut quit) = signal(SignalKind::quit()) else {
        return;
    };
    if quit.recv().await.is_some() {
        rk6_runtime::term::err("SIGQUIT: quit\n");
        report_busy_vus();
        std::process::exit(2);
    }
}
