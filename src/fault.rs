//! Panics, wherever they happen: a VU thread, the metrics engine, an output worker or the
//! I/O runtime. A panic must never pass as a clean run, so the process-wide hook records
//! the first one (thread, source location, message) and wakes the run, which stops the test,
//! prints the summary of what ran and exits non-zero naming the panic.
//!
//! Debug builds also read `RK6_TEST_PANIC` (see [`rk6_runtime::injected_panic`]), so tests
//! can prove that a panic in each part ends the run loudly.

use std::sync::{LazyLock, OnceLock};

use tokio::sync::watch;

/// Where and why the first panic happened.
#[derive(Debug, Clone)]
pub struct PanicReport {
    pub thread: String,
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for PanicReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rk6 panicked in thread '{}' at {}: {}",
            self.thread, self.location, self.message
        )
    }
}

static FIRST: OnceLock<PanicReport> = OnceLock::new();
static RAISED: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

/// Installs the hook; Rust's own report (message and backtrace) still follows it.
pub fn install() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "an unknown location".to_string());
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let _ = FIRST.set(PanicReport {
            thread,
            location,
            message,
        });
        RAISED.send_replace(true);
        default(info);
    }));
}

/// The first panic of the process, if any.
pub fn first() -> Option<&'static PanicReport> {
    FIRST.get()
}

/// Resolves once any thread has panicked.
pub async fn raised() {
    let mut rx = RAISED.subscribe();
    let _ = rx.wait_for(|raised| *raised).await;
}
