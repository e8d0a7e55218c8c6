//! The end-of-test summary: from the metrics engine's final state to k6's report shapes —
//! the `handleSummary(data)` argument, the `--summary-export` JSON and the text summary.

pub mod export;
pub mod format;
pub mod full;
pub mod legacy;
pub mod text;

use md5::{Digest, Md5};
use rk6_runtime::metrics::{MetricType, ValueType};
use serde_json::{json, Map, Value};

use crate::metrics::detail::DetailNode;
use crate::metrics::sink::Sink;
use crate::metrics::threshold::ThresholdExpr;
use crate::metrics::{CheckTree, MetricsState};

/// One threshold's verdict with the value it was judged on.
#[derive(Debug, Clone)]
pub struct ThresholdLine {
    pub source: String,
    pub ok: bool,
    pub agg: String,
    pub measured: Option<f64>,
}

/// A metric or submetric as the summary shows it.
#[derive(Debug, Clone)]
pub struct ReportMetric {
    /// Full name: `http_req_duration` or `http_req_duration{name:home}`.
    pub name: String,
    /// The metric's own name (the parent for submetrics).
    pub parent: String,
    /// `{name:home}` for submetrics.
    pub suffix: Option<String>,
    pub kind: MetricType,
    pub contains: ValueType,
    /// k6's `values` in k6's order.
    pub values: Vec<(String, f64)>,
    pub thresholds: Vec<ThresholdLine>,
}

/// `--summary-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SummaryMode {
    #[default]
    Compact,
    Full,
    Legacy,
}

impl SummaryMode {
    /// k6's names; anything else is k6's "invalid summary mode".
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "compact" | "" => Some(SummaryMode::Compact),
            "full" => Some(SummaryMode::Full),
            "legacy" => Some(SummaryMode::Legacy),
            _ => None,
        }
    }
}

/// A group's (or a named scenario's) own part of the run, for the full summary.
#[derive(Debug, Clone, Default)]
pub struct GroupReport {
    pub name: String,
    pub metrics: Vec<ReportMetric>,
    /// (check name, (passes, fails)) in first-seen order.
    pub checks: Vec<(String, (u64, u64))>,
    pub groups: Vec<GroupReport>,
}

/// Everything a summary is made from.
#[derive(Debug, Clone)]
pub struct Report {
    pub metrics: Vec<ReportMetric>,
    pub checks: CheckTree,
    pub duration_secs: f64,
    pub trend_stats: Vec<String>,
    pub time_unit: String,
    /// Top-level groups of the run (full mode only).
    pub groups: Vec<GroupReport>,
    /// Named scenarios (full mode only).
    pub scenarios: Vec<GroupReport>,
}

fn values_of(sink: &Sink, trend_stats: &[String], elapsed: f64) -> Vec<(String, f64)> {
    let keys: Vec<String> = match sink {
        Sink::Counter { .. } => vec!["count".into(), "rate".into()],
        Sink::Gauge { .. } => vec!["value".into(), "min".into(), "max".into()],
        Sink::Rate { .. } => vec!["rate".into(), "passes".into(), "fails".into()],
        Sink::Trend(_) => trend_stats.to_vec(),
    };
    keys.into_iter()
        .map(|k| {
            let v = sink.aggregate(&k, elapsed).unwrap_or(0.0);
            (k, v)
        })
        .collect()
}

fn threshold_lines(exprs: &[ThresholdExpr], sink: &Sink, elapsed: f64) -> Vec<ThresholdLine> {
    exprs
        .iter()
        .map(|t| ThresholdLine {
            source: t.source.clone(),
            ok: t.passes(sink, elapsed),
            agg: t.agg.clone(),
            measured: t.measured(sink, elapsed),
        })
        .collect()
}

impl Report {
    /// Builds the report; `elapsed` is the test run duration in seconds.
    pub fn new(
        state: &MetricsState,
        trend_stats: Vec<String>,
        time_unit: String,
        elapsed: f64,
    ) -> Self {
        let mut metrics = Vec::new();
        for e in &state.entries {
            if !e.observed
                && e.thresholds.is_empty()
                && e.submetrics.iter().all(|s| s.thresholds.is_empty())
            {
                continue;
            }
            metrics.push(ReportMetric {
                name: e.def.name.clone(),
                parent: e.def.name.clone(),
                suffix: None,
                kind: e.def.kind,
                contains: e.def.contains,
                values: values_of(&e.sink, &trend_stats, elapsed),
                thresholds: threshold_lines(&e.thresholds, &e.sink, elapsed),
            });
            for s in &e.submetrics {
                if s.thresholds.is_empty() && !s.observed {
                    continue;
                }
                metrics.push(ReportMetric {
                    name: format!("{}{}", e.def.name, s.suffix()),
                    parent: e.def.name.clone(),
                    suffix: Some(s.suffix()),
                    kind: e.def.kind,
                    contains: e.def.contains,
                    values: values_of(&s.sink, &trend_stats, elapsed),
                    thresholds: threshold_lines(&s.thresholds, &s.sink, elapsed),
                });
            }
        }
        let node = |name: &str, n: &DetailNode| group_report(state, name, n, &trend_stats, elapsed);
        let (groups, scenarios) = match &state.detail {
            Some(d) => (
                d.root
                    .groups
                    .iter()
                    .map(|(name, n)| node(name, n))
                    .collect(),
                {
                    // k6 lists `SCENARIO:` sections by name, not in the order they ran.
                    let mut by_name: Vec<_> = d.scenarios.iter().collect();
                    by_name.sort_by(|a, b| a.0.cmp(&b.0));
                    by_name.into_iter().map(|(name, n)| node(name, n)).collect()
                },
            ),
            None => (Vec::new(), Vec::new()),
        };
        Report {
            metrics,
            checks: state.checks.clone(),
            duration_secs: elapsed,
            trend_stats,
            time_unit,
            groups,
            scenarios,
        }
    }

    /// Names (with submetric suffix) of metrics whose thresholds failed.
    pub fn failed_thresholds(&self) -> Vec<String> {
        self.metrics
            .iter()
            .filter(|m| m.thresholds.iter().any(|t| !t.ok))
            .map(|m| m.name.clone())
            .collect()
    }

    /// The argument of `handleSummary(data)`.
    pub fn data_json(
        &self,
        setup_data: Option<&Value>,
        no_color: bool,
        stdout_tty: bool,
        stderr_tty: bool,
    ) -> Value {
        let mut metrics = Map::new();
        for m in &self.metrics {
            let mut values = Map::new();
            for (k, v) in &m.values {
                values.insert(k.clone(), number(*v));
            }
            let mut obj = Map::new();
            obj.insert("type".into(), json!(m.kind.as_str()));
            obj.insert("contains".into(), json!(m.contains.as_str()));
            obj.insert("values".into(), Value::Object(values));
            if !m.thresholds.is_empty() {
                let th: Map<String, Value> = m
                    .thresholds
                    .iter()
                    .map(|t| (t.source.clone(), json!({ "ok": t.ok })))
                    .collect();
                obj.insert("thresholds".into(), Value::Object(th));
            }
            metrics.insert(m.name.clone(), Value::Object(obj));
        }
        let mut data = json!({
            "root_group": self.group_json(""),
            "options": {
                "summaryTrendStats": self.trend_stats,
                "summaryTimeUnit": self.time_unit,
                "noColor": no_color,
            },
            "state": {
                "isStdOutTTY": stdout_tty,
                "isStdErrTTY": stderr_tty,
                "testRunDurationMs": number(self.duration_secs * 1000.0),
            },
            "metrics": metrics,
        });
        if let (Some(sd), Some(obj)) = (setup_data, data.as_object_mut()) {
            obj.insert("setup_data".into(), sd.clone());
        }
        data
    }

    /// k6's group object for `path`, with nested groups and checks.
    fn group_json(&self, path: &str) -> Value {
        let name = path.rsplit("::").next().unwrap_or("");
        let children: Vec<Value> = self
            .checks
            .groups
            .iter()
            .filter(|g| parent_path(g) == path)
            .map(|g| self.group_json(g))
            .collect();
        let checks: Vec<Value> = self
            .checks
            .checks
            .iter()
            .filter(|((g, _), _)| g == path)
            .map(|((g, n), (p, f))| {
                let cpath = format!("{g}::{n}");
                json!({"name": n, "path": cpath, "id": md5_hex(&cpath), "passes": p, "fails": f})
            })
            .collect();
        json!({"name": name, "path": path, "id": md5_hex(path), "groups": children, "checks": checks})
    }
}

fn group_report(
    state: &MetricsState,
    name: &str,
    node: &DetailNode,
    trend_stats: &[String],
    elapsed: f64,
) -> GroupReport {
    let metrics = node
        .metrics
        .iter()
        .filter_map(|(id, sink)| {
            let def = &state.entries.get(*id as usize)?.def;
            Some(ReportMetric {
                name: def.name.clone(),
                parent: def.name.clone(),
                suffix: None,
                kind: def.kind,
                contains: def.contains,
                values: values_of(sink, trend_stats, elapsed),
                thresholds: Vec::new(),
            })
        })
        .collect();
    GroupReport {
        name: name.to_string(),
        metrics,
        checks: node.checks.clone(),
        groups: node
            .groups
            .iter()
            .map(|(n, g)| group_report(state, n, g, trend_stats, elapsed))
            .collect(),
    }
}

/// A JSON number the way Go prints float64: whole values without a fraction (`2`, not `2.0`).
pub(crate) fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

pub(crate) fn parent_path(path: &str) -> &str {
    path.rfind("::").map_or("", |i| &path[..i])
}

pub(crate) fn md5_hex(s: &str) -> String {
    let digest = Md5::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_md5_of_paths() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex("::grp"), "844ddd4da11b9839551ce31a0d2ed622");
        assert_eq!(md5_hex("::grp::ok"), "8610725559843d4f5540021676c2685a");
    }

    #[test]
    fn root_group_nests_groups_and_checks() {
        let report = Report {
            metrics: vec![],
            checks: CheckTree {
                groups: vec!["::outer".into(), "::outer::inner".into()],
                checks: vec![
                    (("::outer::inner".into(), "inner ok".into()), (12, 0)),
                    (("".into(), "top".into()), (1, 2)),
                ],
            },
            duration_secs: 1.0,
            trend_stats: vec![],
            time_unit: String::new(),
            groups: vec![],
            scenarios: vec![],
        };
        let data = report.data_json(None, true, false, false);
        let rg = &data["root_group"];
        assert_eq!(rg["checks"][0]["name"], "top");
        assert_eq!(rg["checks"][0]["fails"], 2);
        assert_eq!(rg["groups"][0]["name"], "outer");
        assert_eq!(rg["groups"][0]["groups"][0]["name"], "inner");
        assert_eq!(
            rg["groups"][0]["groups"][0]["checks"][0]["path"],
            "::outer::inner::inner ok"
        );
    }
}
