//! Batched, bounded delivery to a network sink (the InfluxDB and Prometheus remote-write
//! outputs): points (a line, a time series) are collected between push intervals, sent by
//! at most `concurrent` requests at a time on the output's own runtime, retried while they
//! fit in a bounded backlog, and counted when they had to be given up. Nothing here can
//! block the engine or the VUs.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rk6_runtime::log::Logger;

/// What a send of one batch resolves to.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<(), SendFailure>> + std::marker::Send>>;

/// Encodes one batch of points into a request body and sends it; the failure is logged.
pub type Send<T> = Arc<dyn Fn(&[T]) -> SendFuture + std::marker::Send + Sync>;

/// Why a send failed, and whether sending the same batch again could succeed.
#[derive(Debug)]
pub struct SendFailure {
    pub message: String,
    /// `false` for a rejection of the content itself: the batch is given up at once.
    pub retry: bool,
}

impl From<String> for SendFailure {
    fn from(message: String) -> Self {
        SendFailure {
            message,
            retry: true,
        }
    }
}

/// Most points kept waiting (new and failed) before the oldest are given up.
const BACKLOG_LINES: usize = 200_000;
/// Sends of one batch before it is given up (and counted as undelivered).
const MAX_ATTEMPTS: u32 = 5;

/// Points sent together, and how many sends of them have failed.
struct Batch<T> {
    lines: Vec<T>,
    failures: u32,
}

struct Shared<T> {
    backlog: Mutex<VecDeque<Batch<T>>>,
    in_flight: AtomicUsize,
    /// Lines of the batches being sent right now.
    in_flight_lines: AtomicU64,
    dropped: AtomicU64,
    delivered: AtomicU64,
}

/// One network output's delivery: collects points, pushes them at the interval.
pub struct Pusher<T> {
    rt: tokio::runtime::Runtime,
    send: Send<T>,
    shared: Arc<Shared<T>>,
    current: Vec<T>,
    interval: Duration,
    concurrent: usize,
    last_push: Instant,
    /// `output=` field of the log lines (`InfluxDBv1`).
    name: &'static str,
    /// The message of the log line for a failed send.
    failure_message: &'static str,
}

impl<T> Shared<T> {
    /// Gives up whole batches (taken by `take`: the oldest or the newest) until the
    /// backlog fits in [`BACKLOG_LINES`], counting their lines as undelivered.
    fn trim(
        &self,
        backlog: &mut VecDeque<Batch<T>>,
        take: fn(&mut VecDeque<Batch<T>>) -> Option<Batch<T>>,
    ) {
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

impl<T: std::marker::Send + Sync + 'static> Pusher<T> {
    pub fn new(
        name: &'static str,
        send: Send<T>,
        interval: Duration,
        concurrent: usize,
    ) -> std::io::Result<Pusher<T>> {
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
            failure_message: "Couldn't write stats",
        })
    }

    /// Logs failed sends with `message` instead of InfluxDB's "Couldn't write stats".
    pub fn with_failure_message(mut self, message: &'static str) -> Self {
        self.failure_message = message;
        self
    }

    /// Starts `fut` on the output's runtime ahead of any batch (setup requests such as
    /// CREATE DATABASE; the first push is an interval away).
    pub fn spawn_first<F: Future<Output = ()> + std::marker::Send + 'static>(&self, fut: F) {
        self.rt.spawn(fut);
    }

    pub fn add(&mut self, point: T) {
        self.current.push(point);
    }

    /// Whether the push interval has passed (the next [`tick`](Self::tick) pushes).
    pub fn due(&self) -> bool {
        self.last_push.elapsed() >= self.interval
    }

    /// Moves the collected points to the backlog and starts sends, at the push interval.
    pub fn tick(&mut self) {
        if !self.due() {
            return;
        }
        self.last_push = Instant::now();
        self.enqueue();
        self.pump();
    }

    /// Closes the batch being collected: the points added next go in a request of their
    /// own, sent after this one.
    pub fn seal(&mut self) {
        self.enqueue();
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
            let (shared, name, message) = (self.shared.clone(), self.name, self.failure_message);
            let sending = (self.send)(&batch.lines);
            self.rt.spawn(async move {
                match sending.await {
                    Ok(()) => {
                        shared.delivered.fetch_add(lines, Ordering::Relaxed);
                    }
                    Err(e) => {
                        Logger::error(message, &[("error", &e.message), ("output", name)]);
                        let failures = batch.failures + 1;
                        if failures >= MAX_ATTEMPTS || !e.retry {
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

/// How a network output's HTTP client connects.
pub struct ClientSettings<'a> {
    /// Certificate checks and client certificates (the first `auth` entry is presented).
    pub tls: rk6_runtime::net::tls::TlsOptions,
    pub user_agent: &'a str,
    /// Longest wait for one request.
    pub timeout: Duration,
    /// Names the output in error messages (`InfluxDB`).
    pub output: &'a str,
}

/// A reqwest client for a network output, on the same TLS stack as k6/http: system roots
/// (SSL_CERT_FILE), and with `insecure_skip_verify` a verifier that accepts any
/// certificate (reqwest's own switch does not reach a preconfigured rustls config).
pub fn http_client(s: ClientSettings) -> Result<reqwest::Client, String> {
    use rk6_runtime::net::tls::TlsSettings;
    let output = s.output;
    let settings = TlsSettings::new(&s.tls).map_err(|e| format!("{output} TLS settings: {e}"))?;
    let mut tls = (*settings
        .for_host("")
        .map_err(|e| format!("{output} TLS settings: {e}"))?)
    .clone();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(s.timeout)
        .user_agent(s.user_agent)
        .no_proxy()
        .build()
        .map_err(|e| format!("building the {output} client: {e}"))
}
