//! Worker threads that host VUs. Each thread has a large native stack (for parsing), a
//! current-thread tokio runtime and a `LocalSet`; VUs are assigned round-robin and stay on
//! their thread for life.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::init::init_vu;
use crate::config::TestConfig;
use crate::error::InitError;
use crate::vu::build::{spawn, vu_heap, worker_thread_started, VuInfo};
use crate::vu::VuHandle;

/// Native stack of a worker thread: parsing needs ~28 KiB per nesting level.
const WORKER_STACK: usize = 64 * 1024 * 1024;

struct CreateVu {
    config: Arc<TestConfig>,
    id: u64,
    reply: oneshot::Sender<Result<(VuHandle, VuInfo), InitError>>,
}

/// A fixed set of VU worker threads.
pub struct VuPool {
    workers: Vec<mpsc::UnboundedSender<CreateVu>>,
    next: AtomicUsize,
}

impl VuPool {
    /// Starts `threads` worker threads.
    pub fn new(threads: usize) -> Result<Self, InitError> {
        let mut workers = Vec::new();
        for i in 0..threads.max(1) {
            let (tx, rx) = mpsc::unbounded_channel();
            std::thread::Builder::new()
                .name(format!("rk6-vu-{i}"))
                .stack_size(WORKER_STACK)
                .spawn(move || worker(rx))
                .map_err(|e| InitError::Thread(e.to_string()))?;
            workers.push(tx);
        }
        Ok(VuPool {
            workers,
            next: AtomicUsize::new(0),
        })
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// Creates VU `id` (running the script's init code) on the next worker thread.
    pub async fn create_vu(
        &self,
        config: Arc<TestConfig>,
        id: u64,
    ) -> Result<(VuHandle, VuInfo), InitError> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.workers.len();
        let (reply, rx) = oneshot::channel();
        self.workers[i]
            .send(CreateVu { config, id, reply })
            .map_err(|_| InitError::Thread("VU worker thread is gone".into()))?;
        rx.await
            .map_err(|_| InitError::Thread("VU worker thread died during init".into()))?
    }
}

fn worker(mut rx: mpsc::UnboundedReceiver<CreateVu>) {
    worker_thread_started(WORKER_STACK);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            crate::log::Logger::error(&format!("could not start a VU runtime: {e}"), &[]);
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        while let Some(cmd) = rx.recv().await {
            let mut heap = vu_heap();
            let built = {
                let _in = heap.enter();
                init_vu(cmd.config, cmd.id)
            };
            match built {
                Ok(vu) => {
                    let info = vu.info.clone();
                    let handle = spawn(vu, heap, cmd.id);
                    let _ = cmd.reply.send(Ok((handle, info)));
                }
                Err(e) => {
                    let _ = cmd.reply.send(Err(e));
                }
            }
        }
    });
}
