//! The report's tables, built as samples arrive: per endpoint (Locust's statistics: one
//! row per request `name` tag and method), failures (endpoint, status or k6 error code,
//! message, first and last seen), checks, scenarios and groups.
//!
//! Lookups on the sample path borrow the sample's tags: a known row costs no allocation.

use std::collections::HashMap;

use rk6_runtime::metrics::{builtin, ResponseSizes, Sample, MAX_ENDPOINTS, OTHER_ENDPOINTS};
use serde_json::{json, Map, Value};

use super::model::epoch_ms;
use crate::metrics::sink::TrendSink;
use crate::metrics::CheckTree;

/// Locust's percentile columns, as fractions and as its `_stats.csv` headers name them.
const PERCENTILES: &[(f64, &str)] = &[
    (0.5, "50"),
    (0.66, "66"),
    (0.75, "75"),
    (0.8, "80"),
    (0.9, "90"),
    (0.95, "95"),
    (0.98, "98"),
    (0.99, "99"),
    (0.999, "99.9"),
    (0.9999, "99.99"),
    (1.0, "100"),
];

/// Distinct failure rows kept; later kinds are counted in one "other failures" row.
const MAX_FAILURE_KINDS: usize = 500;

/// Requests, failures and durations of one endpoint (or of all of them).
#[derive(Debug, Default)]
struct Stats {
    requests: u64,
    failures: u64,
    duration: TrendSink,
}

impl Stats {
    fn json(&self, name: &str, method: &str, elapsed: f64, avg_size: Option<f64>) -> Value {
        let per_s = |n: u64| {
            if elapsed > 0.0 {
                n as f64 / elapsed
            } else {
                0.0
            }
        };
        let d = &self.duration;
        let pcts: Map<String, Value> = PERCENTILES
            .iter()
            .map(|(q, label)| (label.to_string(), json!(d.percentile(*q))))
            .collect();
        json!({
            "name": name,
            "method": method,
            "requests": self.requests,
            "failures": self.failures,
            "avg": d.avg(),
            "min": d.min(),
            "max": d.max(),
            "med": d.percentile(0.5),
            "pcts": pcts,
            "avg_size": avg_size,
            "rps": per_s(self.requests),
            "fps": per_s(self.failures),
        })
    }
}

/// What makes two failures the same row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FailureKey {
    name: String,
    method: String,
    status: String,
    error_code: String,
    message: String,
}

#[derive(Debug)]
struct FailureRow {
    count: u64,
    first: u64,
    last: u64,
}

/// A scenario's or group's counts.
#[derive(Debug, Default)]
struct Section {
    label: String,
    executor: String,
    iterations: f64,
    http_reqs: u64,
    failures: u64,
    /// `iteration_duration` for a scenario, `group_duration` for a group.
    duration: TrendSink,
}

impl Section {
    fn duration_json(&self) -> Value {
        if self.duration.count == 0 {
            Value::Null
        } else {
            json!({"avg": self.duration.avg(), "p95": self.duration.percentile(0.95)})
        }
    }
}

/// Rows by label, in first-seen order.
#[derive(Debug, Default)]
struct Sections {
    rows: Vec<Section>,
    index: HashMap<String, usize>,
}

impl Sections {
    fn row(&mut self, label: &str) -> &mut Section {
        let i = match self.index.get(label) {
            Some(i) => *i,
            None => {
                self.rows.push(Section {
                    label: label.to_string(),
                    ..Section::default()
                });
                self.index.insert(label.to_string(), self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        &mut self.rows[i]
    }

    /// Counts an HTTP sample (request or failure) and a duration into `label`'s row.
    fn add_http(&mut self, label: Option<&str>, s: &Sample) {
        let Some(label) = label.filter(|l| !l.is_empty()) else {
            return;
        };
        let row = self.row(label);
        match s.metric {
            builtin::HTTP_REQS => row.http_reqs += 1,
            builtin::HTTP_REQ_FAILED if s.value != 0.0 => row.failures += 1,
            _ => {}
        }
    }
}

/// Every table of the report.
#[derive(Debug, Default)]
pub struct Tables {
    endpoints: Vec<(String, String, Stats)>,
    /// method -> name -> index in `endpoints`.
    endpoint_index: HashMap<String, HashMap<String, usize>>,
    all: Stats,
    failures: Vec<(FailureKey, FailureRow)>,
    failure_index: HashMap<FailureKey, usize>,
    scenarios: Sections,
    groups: Sections,
    checks: CheckTree,
}

impl Tables {
    /// Tables with a row for each planned scenario (name, executor type).
    pub fn new(scenarios: &[(String, String)]) -> Tables {
        let mut t = Tables::default();
        for (name, executor) in scenarios {
            t.scenarios.row(name).executor = executor.clone();
        }
        t
    }

    pub fn add(&mut self, s: &Sample) {
        let tag = |k: &str| s.tags.get(k).map(String::as_str);
        match s.metric {
            builtin::HTTP_REQS | builtin::HTTP_REQ_DURATION | builtin::HTTP_REQ_FAILED => {
                self.add_http(s);
                self.scenarios.add_http(tag("scenario"), s);
                self.groups.add_http(tag("group"), s);
            }
            builtin::ITERATIONS => {
                if let Some(sc) = tag("scenario") {
                    self.scenarios.row(sc).iterations += s.value;
                }
            }
            builtin::ITERATION_DURATION => {
                if let Some(sc) = tag("scenario") {
                    self.scenarios.row(sc).duration.add(s.value);
                }
            }
            builtin::GROUP_DURATION => {
                if let Some(g) = tag("group").filter(|g| !g.is_empty()) {
                    self.groups.row(g).duration.add(s.value);
                }
            }
            builtin::CHECKS => {
                if let Some(g) = tag("group").filter(|g| !g.is_empty()) {
                    self.groups.row(g);
                }
                self.checks.add(
                    tag("group").unwrap_or(""),
                    tag("check").unwrap_or(""),
                    s.value != 0.0,
                );
            }
            _ => {}
        }
    }

    fn add_http(&mut self, s: &Sample) {
        let name = s
            .tags
            .get("name")
            .or_else(|| s.tags.get("url"))
            .map_or("", String::as_str);
        let method = s.tags.get("method").map_or("", String::as_str);
        let i = self.endpoint(method, name);
        let failed = s.metric == builtin::HTTP_REQ_FAILED && s.value != 0.0;
        for stats in [&mut self.endpoints[i].2, &mut self.all] {
            match s.metric {
                builtin::HTTP_REQS => stats.requests += 1,
                builtin::HTTP_REQ_DURATION => stats.duration.add(s.value),
                _ if failed => stats.failures += 1,
                _ => {}
            }
        }
        if failed {
            self.add_failure(s, name, method);
        }
    }

    fn endpoint(&mut self, method: &str, name: &str) -> usize {
        if let Some(i) = self.endpoint_index.get(method).and_then(|m| m.get(name)) {
            return *i;
        }
        if self.endpoints.len() >= MAX_ENDPOINTS {
            // Past the cap (URLs without a `name` tag, say): one row for the rest.
            return self.endpoint_row("", OTHER_ENDPOINTS);
        }
        self.endpoint_row(method, name)
    }

    fn endpoint_row(&mut self, method: &str, name: &str) -> usize {
        if let Some(i) = self.endpoint_index.get(method).and_then(|m| m.get(name)) {
            return *i;
        }
        self.endpoints
            .push((name.to_string(), method.to_string(), Stats::default()));
        let i = self.endpoints.len() - 1;
        self.endpoint_index
            .entry(method.to_string())
            .or_default()
            .insert(name.to_string(), i);
        i
    }

    fn add_failure(&mut self, s: &Sample, name: &str, method: &str) {
        let tag = |k: &str| s.tags.get(k).cloned().unwrap_or_default();
        let status = tag("status");
        let mut key = FailureKey {
            name: name.to_string(),
            method: method.to_string(),
            message: failure_message(&tag("error"), &status),
            error_code: tag("error_code"),
            status,
        };
        if !self.failure_index.contains_key(&key) && self.failures.len() >= MAX_FAILURE_KINDS {
            key = FailureKey {
                name: "(other failures)".into(),
                method: String::new(),
                status: String::new(),
                error_code: String::new(),
                message: format!("more than {MAX_FAILURE_KINDS} kinds of failure"),
            };
        }
        let at = epoch_ms(s.time);
        let i = match self.failure_index.get(&key) {
            Some(i) => *i,
            None => {
                self.failures.push((
                    key.clone(),
                    FailureRow {
                        count: 0,
                        first: at,
                        last: at,
                    },
                ));
                self.failure_index.insert(key, self.failures.len() - 1);
                self.failures.len() - 1
            }
        };
        let row = &mut self.failures[i].1;
        row.count += 1;
        row.first = row.first.min(at);
        row.last = row.last.max(at);
    }

    /// Adds the tables to the page's data.
    pub fn write(&self, o: &mut Map<String, Value>, elapsed: f64, sizes: &ResponseSizes) {
        let endpoints: Vec<Value> = self
            .endpoints
            .iter()
            .map(|(name, method, st)| st.json(name, method, elapsed, sizes.average(method, name)))
            .collect();
        o.insert("endpoints".into(), Value::Array(endpoints));
        o.insert(
            "aggregated".into(),
            self.all.json("Aggregated", "", elapsed, sizes.overall()),
        );
        o.insert("failures".into(), self.failures_json());
        o.insert("checks".into(), self.checks_json());
        o.insert("scenarios".into(), self.scenarios_json());
        o.insert("groups".into(), self.groups_json());
    }

    fn failures_json(&self) -> Value {
        self.failures
            .iter()
            .map(|(k, r)| {
                json!({
                    "name": k.name,
                    "method": k.method,
                    "status": k.status.parse::<u64>().ok(),
                    "error_code": k.error_code.parse::<u64>().ok(),
                    "message": k.message,
                    "count": r.count,
                    "first": r.first,
                    "last": r.last,
                })
            })
            .collect()
    }

    fn checks_json(&self) -> Value {
        self.checks
            .checks
            .iter()
            .map(|((group, name), (passes, fails))| {
                json!({"group": group, "name": name, "passes": passes, "fails": fails})
            })
            .collect()
    }

    fn scenarios_json(&self) -> Value {
        self.scenarios
            .rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.label,
                    "executor": r.executor,
                    "iterations": r.iterations,
                    "http_reqs": r.http_reqs,
                    "failures": r.failures,
                    "iteration_duration": r.duration_json(),
                })
            })
            .collect()
    }

    fn groups_json(&self) -> Value {
        let checks_of = |path: &str| {
            self.checks
                .checks
                .iter()
                .filter(|((g, _), _)| g == path)
                .fold((0, 0), |(p, f), (_, (cp, cf))| (p + cp, f + cf))
        };
        self.groups
            .rows
            .iter()
            .map(|r| {
                let (passes, fails) = checks_of(&r.label);
                json!({
                    "path": r.label,
                    "http_reqs": r.http_reqs,
                    "failures": r.failures,
                    "duration": r.duration_json(),
                    "checks_passes": passes,
                    "checks_fails": fails,
                })
            })
            .collect()
    }
}

/// A failure's message: k6's `error` tag, or the status line for a refused status.
fn failure_message(error: &str, status: &str) -> String {
    if !error.is_empty() {
        return error.to_string();
    }
    match status.parse::<u16>().ok().filter(|s| *s > 0) {
        Some(code) => {
            let reason = http::StatusCode::from_u16(code)
                .ok()
                .and_then(|c| c.canonical_reason())
                .unwrap_or("");
            format!("HTTP {code} {reason}").trim_end().to_string()
        }
        None => "request failed".to_string(),
    }
}
