//! Metric definitions and samples: what a VU emits and the registry that names metrics.
//!
//! This module owns the vocabulary shared by VUs and the host's metrics engine: metric types
//! (`Counter`, `Gauge`, `Rate`, `Trend`), value kinds (`default`, `time`, `data`), the
//! registry (built-in metrics pre-declared, custom ones added in init code) and the
//! [`Sample`] that travels one way from a VU to the host. It does no aggregation.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// The aggregation a metric uses, as k6 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    Counter,
    Gauge,
    Rate,
    Trend,
}

impl MetricType {
    /// k6's lower-case name (`counter`, `gauge`, `rate`, `trend`).
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Rate => "rate",
            MetricType::Trend => "trend",
        }
    }
}

/// What a metric's numbers mean, which decides how they are formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    Default,
    /// Milliseconds.
    Time,
    /// Bytes.
    Data,
}

impl ValueType {
    /// k6's name for the `contains` field (`default`, `time`, `data`).
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Default => "default",
            ValueType::Time => "time",
            ValueType::Data => "data",
        }
    }
}

/// Index of a metric in the [`Registry`].
pub type MetricId = u32;

/// One registered metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricDef {
    pub name: String,
    pub kind: MetricType,
    pub contains: ValueType,
}

/// Ids of k6's built-in metrics, registered first and in this order.
pub mod builtin {
    use super::MetricId;
    pub const VUS: MetricId = 0;
    pub const VUS_MAX: MetricId = 1;
    pub const ITERATIONS: MetricId = 2;
    pub const ITERATION_DURATION: MetricId = 3;
    pub const DROPPED_ITERATIONS: MetricId = 4;
    pub const DATA_SENT: MetricId = 5;
    pub const DATA_RECEIVED: MetricId = 6;
    pub const CHECKS: MetricId = 7;
    pub const GROUP_DURATION: MetricId = 8;
    pub const HTTP_REQS: MetricId = 9;
    pub const HTTP_REQ_FAILED: MetricId = 10;
    pub const HTTP_REQ_DURATION: MetricId = 11;
    pub const HTTP_REQ_BLOCKED: MetricId = 12;
    pub const HTTP_REQ_CONNECTING: MetricId = 13;
    pub const HTTP_REQ_TLS_HANDSHAKING: MetricId = 14;
    pub const HTTP_REQ_SENDING: MetricId = 15;
    pub const HTTP_REQ_WAITING: MetricId = 16;
    pub const HTTP_REQ_RECEIVING: MetricId = 17;
    pub const WS_SESSIONS: MetricId = 18;
    pub const WS_MSGS_SENT: MetricId = 19;
    pub const WS_MSGS_RECEIVED: MetricId = 20;
    pub const WS_PING: MetricId = 21;
    pub const WS_SESSION_DURATION: MetricId = 22;
    pub const WS_CONNECTING: MetricId = 23;
    /// rk6's own: how late an arrival-rate iteration started after its scheduled time.
    pub const ITERATION_START_LAG: MetricId = 24;
}

const BUILTINS: &[(&str, MetricType, ValueType)] = &[
    ("vus", MetricType::Gauge, ValueType::Default),
    ("vus_max", MetricType::Gauge, ValueType::Default),
    ("iterations", MetricType::Counter, ValueType::Default),
    ("iteration_duration", MetricType::Trend, ValueType::Time),
    (
        "dropped_iterations",
        MetricType::Counter,
        ValueType::Default,
    ),
    ("data_sent", MetricType::Counter, ValueType::Data),
    ("data_received", MetricType::Counter, ValueType::Data),
    ("checks", MetricType::Rate, ValueType::Default),
    ("group_duration", MetricType::Trend, ValueType::Time),
    ("http_reqs", MetricType::Counter, ValueType::Default),
    ("http_req_failed", MetricType::Rate, ValueType::Default),
    ("http_req_duration", MetricType::Trend, ValueType::Time),
    ("http_req_blocked", MetricType::Trend, ValueType::Time),
    ("http_req_connecting", MetricType::Trend, ValueType::Time),
    (
        "http_req_tls_handshaking",
        MetricType::Trend,
        ValueType::Time,
    ),
    ("http_req_sending", MetricType::Trend, ValueType::Time),
    ("http_req_waiting", MetricType::Trend, ValueType::Time),
    ("http_req_receiving", MetricType::Trend, ValueType::Time),
    ("ws_sessions", MetricType::Counter, ValueType::Default),
    ("ws_msgs_sent", MetricType::Counter, ValueType::Default),
    ("ws_msgs_received", MetricType::Counter, ValueType::Default),
    ("ws_ping", MetricType::Trend, ValueType::Time),
    ("ws_session_duration", MetricType::Trend, ValueType::Time),
    ("ws_connecting", MetricType::Trend, ValueType::Time),
    ("iteration_start_lag", MetricType::Trend, ValueType::Time),
];

/// Why a metric could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricError {
    #[error("Invalid metric name: '{0}'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.")]
    InvalidName(String),
    #[error("metric '{name}' already exists but with type {existing}, instead of {requested}")]
    TypeMismatch {
        name: String,
        existing: &'static str,
        requested: &'static str,
    },
}

/// All metrics of a test run, shared by every VU and the host.
///
/// Built-ins are present from the start; custom metrics are added by init code
/// (`new Trend('x')`), which runs in every VU, so registering an existing name with the
/// same type returns the existing id.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<RwLock<RegistryInner>>,
}

#[derive(Debug, Default)]
struct RegistryInner {
    defs: Vec<MetricDef>,
    by_name: HashMap<String, MetricId>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// A registry holding k6's built-in metrics.
    pub fn new() -> Self {
        let mut inner = RegistryInner::default();
        for (name, kind, contains) in BUILTINS {
            let id = inner.defs.len() as MetricId;
            inner.defs.push(MetricDef {
                name: (*name).to_string(),
                kind: *kind,
                contains: *contains,
            });
            inner.by_name.insert((*name).to_string(), id);
        }
        Registry {
            inner: Arc::new(RwLock::new(inner)),
        }
    }

    /// Registers a custom metric, or returns the id of the same-typed metric of that name.
    pub fn register(
        &self,
        name: &str,
        kind: MetricType,
        contains: ValueType,
    ) -> Result<MetricId, MetricError> {
        if !valid_metric_name(name) {
            return Err(MetricError::InvalidName(name.to_string()));
        }
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        if let Some(&id) = inner.by_name.get(name) {
            let existing = &inner.defs[id as usize];
            if existing.kind != kind {
                return Err(MetricError::TypeMismatch {
                    name: name.to_string(),
                    existing: existing.kind.as_str(),
                    requested: kind.as_str(),
                });
            }
            return Ok(id);
        }
        let id = inner.defs.len() as MetricId;
        inner.defs.push(MetricDef {
            name: name.to_string(),
            kind,
            contains,
        });
        inner.by_name.insert(name.to_string(), id);
        Ok(id)
    }

    /// The id of a metric by name.
    pub fn lookup(&self, name: &str) -> Option<MetricId> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        inner.by_name.get(name).copied()
    }

    /// A copy of every definition, indexed by id.
    pub fn snapshot(&self) -> Vec<MetricDef> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        inner.defs.clone()
    }
}

/// k6's rule: `^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`.
pub(crate) fn valid_metric_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.len() < 2 || bytes.len() > 129 {
        return false;
    }
    (bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// The tags of a sample, sorted by key; shared by all samples of one request or check.
pub type TagSet = Arc<BTreeMap<String, String>>;

/// A sample's metadata (`vu`/`iter` system tags, `exec.vu.metrics.metadata`): written by
/// the JSON and CSV outputs, never aggregated, so a value per iteration costs no series.
pub type Metadata = Arc<Vec<(String, String)>>;

/// One measurement, flowing from a VU to the host's metrics engine.
#[derive(Debug, Clone)]
pub struct Sample {
    pub metric: MetricId,
    pub time: SystemTime,
    pub value: f64,
    pub tags: TagSet,
    pub metadata: Option<Metadata>,
}

/// Endpoints (method and name) a per-endpoint table keeps apart; later ones share one row
/// named [`OTHER_ENDPOINTS`] (a script naming every URL differently would grow it forever).
pub const MAX_ENDPOINTS: usize = 1000;
/// The row of the endpoints past [`MAX_ENDPOINTS`] (with an empty method).
pub const OTHER_ENDPOINTS: &str = "(other endpoints)";

/// Response body sizes per endpoint (the request's `name` tag, else its URL, and its
/// method), for the web dashboard's Locust-style table. k6 has no such metric, so the sizes
/// stay out of the samples (and of every output); VUs record them only once a dashboard
/// [`enable`](ResponseSizes::enable)s it, under one short lock per response.
#[derive(Debug, Default)]
pub struct ResponseSizes {
    enabled: std::sync::atomic::AtomicBool,
    by_endpoint: std::sync::Mutex<SizesByMethod>,
}

/// method -> name -> (responses, bytes).
type SizesByMethod = HashMap<String, HashMap<String, (u64, u64)>>;

impl ResponseSizes {
    pub fn enable(&self) {
        self.enabled
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts one response of `bytes` (its body as received) for the endpoint.
    pub fn add(&self, method: &str, name: &str, bytes: u64) {
        let mut map = self.by_endpoint.lock().unwrap_or_else(|p| p.into_inner());
        let known = map.get(method).is_some_and(|n| n.contains_key(name));
        let (method, name) =
            if known || map.values().map(HashMap::len).sum::<usize>() < MAX_ENDPOINTS {
                (method, name)
            } else {
                ("", OTHER_ENDPOINTS)
            };
        let names = match map.get_mut(method) {
            Some(n) => n,
            None => map.entry(method.to_string()).or_default(),
        };
        match names.get_mut(name) {
            Some(e) => *e = (e.0 + 1, e.1 + bytes),
            None => {
                names.insert(name.to_string(), (1, bytes));
            }
        }
    }

    /// The endpoint's average response size in bytes, if a response was counted.
    pub fn average(&self, method: &str, name: &str) -> Option<f64> {
        let map = self.by_endpoint.lock().unwrap_or_else(|p| p.into_inner());
        let (n, bytes) = *map.get(method)?.get(name)?;
        (n > 0).then(|| bytes as f64 / n as f64)
    }

    /// The average over every endpoint.
    pub fn overall(&self) -> Option<f64> {
        let map = self.by_endpoint.lock().unwrap_or_else(|p| p.into_inner());
        let (n, bytes) = map
            .values()
            .flat_map(HashMap::values)
            .fold((0, 0), |(n, b), (en, eb)| (n + en, b + eb));
        (n > 0).then(|| bytes as f64 / n as f64)
    }
}

/// Where VUs send their samples; the host owns the receiving end.
///
/// Unbounded on purpose: a VU must never wait on the metrics pipeline.
pub type SampleSender = std::sync::mpsc::Sender<Vec<Sample>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_ids_match_their_names() {
        let r = Registry::new();
        assert_eq!(
            r.lookup("http_req_duration"),
            Some(builtin::HTTP_REQ_DURATION)
        );
        assert_eq!(r.lookup("checks"), Some(builtin::CHECKS));
        assert_eq!(r.lookup("ws_connecting"), Some(builtin::WS_CONNECTING));
        assert_eq!(r.lookup("vus"), Some(builtin::VUS));
    }

    #[test]
    fn registering_twice_returns_same_id_and_type_conflicts_fail() {
        let r = Registry::new();
        let a = r
            .register("my_trend", MetricType::Trend, ValueType::Time)
            .unwrap();
        let b = r
            .register("my_trend", MetricType::Trend, ValueType::Time)
            .unwrap();
        assert_eq!(a, b);
        let err = r
            .register("my_trend", MetricType::Counter, ValueType::Default)
            .unwrap_err();
        assert!(err
            .to_string()
            .contains("already exists but with type trend"));
    }

    #[test]
    fn metric_names_follow_k6_rules() {
        assert!(valid_metric_name("my_counter"));
        assert!(valid_metric_name("_x"));
        assert!(!valid_metric_name("x"));
        assert!(!valid_metric_name("1abc"));
        assert!(!valid_metric_name("a-b"));
        assert!(!valid_metric_name(&"a".repeat(130)));
    }
}

/// Bytes a VU moved on its sockets since the last [`Wire::take`], counted by its
/// connections (on any thread) and emitted as `data_sent`/`data_received`.
#[derive(Debug, Default)]
pub(crate) struct Wire {
    sent: std::sync::atomic::AtomicU64,
    received: std::sync::atomic::AtomicU64,
}

impl Wire {
    /// Counts `n` bytes written.
    pub(crate) fn add_sent(&self, n: u64) {
        self.sent.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Counts `n` bytes read.
    pub(crate) fn add_received(&self, n: u64) {
        self.received
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// (sent, received) since the previous call.
    pub(crate) fn take(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering;
        (
            self.sent.swap(0, Ordering::Relaxed),
            self.received.swap(0, Ordering::Relaxed),
        )
    }
}
