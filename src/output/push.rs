//! Batched, bounded delivery to a network sink (the InfluxDB outputs): lines are
//! collected between push intervals, sent by at most `concurrent` requests at a time on the
//! output's own runtime, retried while they fit in a bounded backlog, and counted when they
//! had to be given up. Nothing here can block the engine or the VUs.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rk6_runtime::log::Logger;

/// Sends one body of lines; the error text is logged.
pub type Send = Arc<
    dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<(), String>> + std::marker::Send>>
        + std::marker::Send
        + Sync,
>;

/// Most lines kept waiting (new and failed) before the oldest are given up.
const BACKLOG_LINES: usize = 200_000;
/// Sends of one batch before it is given up (and counted as undelivered).
const MAX_ATTEMPTS: u32 = 5;

/// Lines sent together, and how many sends of them have failed.
struct Batch {
    lines: Vec<String>,
    failures: u32,
}

struct Shared {
    backlog: Mutex<VecDeque<Batch>>,
    in_flight: AtomicUsize,
    /// Lines of the batches being sent right now.
    in_flight_lines: AtomicU64,
    dropped: AtomicU64,
    delivered: AtomicU64,
}

pub struct Pusher {
    rt: tokio::runtime::Runtime,
    send: Send,
    shared: Arc<Shared>,
    current: Vec<String>,
    interval: Duration,
    concurrent: usize,
    last_push: Instant,
    /// `output=` field of the log lines (`InfluxDBv1`).
    name: &'static str,
}

impl Shared {
    /// Gives up whole batches (taken by `take`: the oldest or the newest) until the
    /// backlog fits in [`BACKLOG_LINES`], counting their lines as undelivered.
    fn trim(&self, backlog: &mut VecDeque<Batch>, take: fn(&mut VecDeque<Batch>) -> Option<Batch>) {
        let mut total: usize = backlog.iter().map(|b| b.lines.len()).sum();
        while total > BACKLOG_LINES {
            let Some(old) = take(backlog) else {
                break;
            };
            total -= old.lines.len();
            self.dropped
                .fetch_add(old.lines.len() as u64, Ordering::Relaxed);
        }
    }
}

impl Pusher {
    pub fn new(
        name: &'static str,
        send: Send,
        interval: Duration,
        concurrent: usize,
    ) -> std::io::Result<Pusher> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rk6-output")
            .enable_all()
            .build()?;
        Ok(Pusher {
            rt,
            send,
            shared: Arc::new(Shared {
                backlog: Mutex::new(VecDeque::new()),
                in_flight: AtomicUsize::new(0),
                in_flight_lines: AtomicU64::new(0),
                dropped: AtomicU64::new(0),
                delivered: AtomicU64::new(0),
            }),
            current: Vec::new(),
            interval,
            concurrent: concurrent.max(1),
            last_push: Instant::now(),
            name,
        })
    }

    /// Starts `fut` on the output's runtime ahead of any batch (setup requests such as
    /// CREATE DATABASE; the first push is an interval away).
    pub fn spawn_first<F: Future<Output = ()> + std::marker::Send + 'static>(&self, fut: F) {
        self.rt.spawn(fut);
    }

    pub fn add(&mut self, line: String) {
        self.current.push(line);
    }

    /// Moves the collected lines to the backlog and starts sends, at the push interval.
    pub fn tick(&mut self) {
        if self.last_push.elapsed() < self.interval {
            return;
        }
        self.last_push = Instant::now();
        self.enqueue();
        self.pump();
    }

    fn enqueue(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.current);
        let mut backlog = self
            .shared
            .backlog
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        backlog.push_back(Batch { lines, failures: 0 });
        self.shared.trim(&mut backlog, VecDeque::pop_front);
    }

    fn pump(&self) {
        loop {
            if self.shared.in_flight.load(Ordering::Acquire) >= self.concurrent {
                return;
            }
            let batch = {
                let mut backlog = self
                    .shared
                    .backlog
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                match backlog.pop_front() {
                    Some(b) => b,
                    None => return,
                }
            };
            self.shared.in_flight.fetch_add(1, Ordering::AcqRel);
            let lines = batch.lines.len() as u64;
            self.shared
                .in_flight_lines
                .fetch_add(lines, Ordering::AcqRel);
            let (send, shared, name) = (self.send.clone(), self.shared.clone(), self.name);
            self.rt.spawn(async move {
                let body = batch.lines.join("\n");
                match send(body).await {
                    Ok(()) => {
                        shared.delivered.fetch_add(lines, Ordering::Relaxed);
                    }
                    Err(e) => {
                        Logger::error("Couldn't write stats", &[("error", &e), ("output", name)]);
                        let failures = batch.failures + 1;
                        if failures >= MAX_ATTEMPTS {
                            shared.dropped.fetch_add(lines, Ordering::Relaxed);
                        } else {
                            // Retried at the next push, within the backlog's size limit.
                            let mut backlog =
                                shared.backlog.lock().unwrap_or_else(|p| p.into_inner());
                            backlog.push_front(Batch {
                                lines: batch.lines,
                                failures,
                            });
                            shared.trim(&mut backlog, VecDeque::pop_back);
                        }
                    }
                }
                shared.in_flight_lines.fetch_sub(lines, Ordering::AcqRel);
                shared.in_flight.fetch_sub(1, Ordering::AcqRel);
            });
        }
    }

    /// Sends what is left, trying for up to `grace`; returns the warning for anything
    /// that could not be delivered.
    pub fn finish(&mut self, grace: Duration) -> Option<String> {
        self.enqueue();
        let deadline = Instant::now() + grace;
        let mut attempts = 0;
        loop {
            let pending = {
                let backlog = self
                    .shared
                    .backlog
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                backlog.iter().map(|b| b.lines.len()).sum::<usize>()
            };
            let busy = self.shared.in_flight.load(Ordering::Acquire);
            if pending == 0 && busy == 0 {
                break;
            }
            if Instant::now() >= deadline || (busy == 0 && attempts >= 3) {
                // Sends still under way when time is up are lost with the runtime.
                let in_flight = self.shared.in_flight_lines.load(Ordering::Acquire);
                self.shared
                    .dropped
                    .fetch_add(pending as u64 + in_flight, Ordering::Relaxed);
                self.shared
                    .backlog
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clear();
                break;
            }
            if busy == 0 {
                attempts += 1;
                self.pump();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let dropped = self.shared.dropped.load(Ordering::Relaxed);
        (dropped > 0).then(|| {
            format!(
                "{} could not deliver {dropped} metric points ({} delivered)",
                self.name,
                self.shared.delivered.load(Ordering::Relaxed)
            )
        })
    }
}
