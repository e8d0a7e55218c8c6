//! An instance's complete, mergeable result: what `--out result=FILE` writes when the run
//! ends and `rk6 merge` adds up. It holds every metric's and submetric's sink in lossless
//! data form (a Trend's exact values or HDR buckets), the checks per group, the threshold
//! definitions, the summary settings, the execution segment and the run's length — enough
//! to rebuild the [`MetricsState`] one run of the whole test would have ended with.
//!
//! Adding up: counters, rates, trends and checks add; the `vus` and `vus_max` gauges add
//! (a test's VUs are all instances' VUs, and segments of one schedule peak together);
//! other gauges keep the value of the part that ended last, with the extremes of all. The
//! merged run lasted as long as its longest part.

use std::collections::BTreeMap;

use rk6_runtime::metrics::{builtin, MetricType, Registry, ValueType};
use serde::{Deserialize, Serialize};

use super::detail::{Detail, DetailData};
use super::sink::{GaugeMerge, Sink, SinkData};
use super::threshold::ThresholdExpr;
use super::{CheckTree, MetricsState, ThresholdSpec};

/// The format's version; a reader refuses others.
pub const FORMAT: u32 = 1;

/// One instance's part.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultPart {
    pub rk6_result: u32,
    /// The rk6 version that wrote it.
    pub version: String,
    /// The md5 of the script or archive the instance ran (parts of one test share it).
    pub test: Option<String>,
    /// `--execution-segment` (`None`: the whole test).
    pub segment: Option<String>,
    pub segment_sequence: Option<String>,
    /// When the run ended, in Unix milliseconds (which gauge value is the latest).
    pub ended_at_ms: u64,
    /// The test run's length in seconds.
    pub duration_secs: f64,
    pub summary_trend_stats: Vec<String>,
    pub summary_time_unit: String,
    pub thresholds: BTreeMap<String, Vec<ThresholdData>>,
    pub metrics: Vec<MetricData>,
    pub groups: Vec<String>,
    pub checks: Vec<CheckData>,
    /// Per-group and per-scenario sinks, when the run kept them (`--summary-mode=full`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<DetailData>,
}

/// A threshold as defined in the options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdData {
    pub threshold: String,
    pub abort_on_fail: bool,
    /// Milliseconds.
    pub delay_abort_eval_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricData {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub contains: String,
    pub observed: bool,
    pub sink: SinkData,
    pub submetrics: Vec<SubmetricData>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmetricData {
    /// The key between the braces, as written (`name:home`).
    pub key: String,
    pub filter: Vec<(String, String)>,
    pub observed: bool,
    pub sink: SinkData,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckData {
    pub group: String,
    pub name: String,
    pub passes: u64,
    pub fails: u64,
}

/// What a part says about its run besides the metrics.
pub struct PartMeta<'a> {
    pub test: Option<String>,
    pub segment: Option<String>,
    pub segment_sequence: Option<String>,
    pub duration_secs: f64,
    pub trend_stats: Vec<String>,
    pub time_unit: String,
    pub thresholds: &'a ThresholdSpec,
}

/// Why parts cannot be added up.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}: not an rk6 result part (version {1}; this rk6 reads version {FORMAT})")]
    Format(String, u32),
    #[error("{file}: metric {name}: {why}")]
    Metric {
        file: String,
        name: String,
        why: String,
    },
    #[error("{0} and {1} define different thresholds: they are not parts of one test")]
    Thresholds(String, String),
    #[error("{0} and {1} come from different scripts: they are not parts of one test")]
    Scripts(String, String),
    #[error("{0}: invalid threshold: {1}")]
    Threshold(String, String),
    #[error("no result parts to merge")]
    Empty,
}

impl ResultPart {
    pub fn new(state: &MetricsState, meta: PartMeta<'_>) -> ResultPart {
        let metrics = state
            .entries
            .iter()
            .map(|e| MetricData {
                name: e.def.name.clone(),
                kind: e.def.kind.as_str().into(),
                contains: e.def.contains.as_str().into(),
                observed: e.observed,
                sink: e.sink.data(),
                submetrics: e
                    .submetrics
                    .iter()
                    .map(|s| SubmetricData {
                        key: s.text.clone(),
                        filter: s.filter.clone(),
                        observed: s.observed,
                        sink: s.sink.data(),
                    })
                    .collect(),
            })
            .collect();
        let checks = state.checks.checks.iter();
        let name_of = |id: u32| {
            state
                .entries
                .get(id as usize)
                .map_or_else(String::new, |e| e.def.name.clone())
        };
        ResultPart {
            detail: state.detail.as_ref().map(|d| d.data(&name_of)),
            rk6_result: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            test: meta.test,
            segment: meta.segment,
            segment_sequence: meta.segment_sequence,
            ended_at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            duration_secs: meta.duration_secs,
            summary_trend_stats: meta.trend_stats,
            summary_time_unit: meta.time_unit,
            thresholds: threshold_data(meta.thresholds),
            metrics,
            groups: state.checks.groups.clone(),
            checks: checks
                .map(|((group, name), (passes, fails))| CheckData {
                    group: group.clone(),
                    name: name.clone(),
                    passes: *passes,
                    fails: *fails,
                })
                .collect(),
        }
    }
}

fn threshold_data(spec: &ThresholdSpec) -> BTreeMap<String, Vec<ThresholdData>> {
    spec.iter()
        .map(|(key, exprs)| {
            let list = exprs
                .iter()
                .map(|e| ThresholdData {
                    threshold: e.source.clone(),
                    abort_on_fail: e.abort_on_fail,
                    delay_abort_eval_ms: e.delay_abort_eval.map(|d| d.as_millis() as u64),
                })
                .collect();
            (key.clone(), list)
        })
        .collect()
}

/// The parts added up.
pub struct Merged {
    /// Its `detail` only when every part had one.
    pub state: MetricsState,
    /// A part without per-group detail (its run's summary mode was not `full`).
    pub without_detail: Option<String>,
    pub duration_secs: f64,
    pub trend_stats: Vec<String>,
    pub time_unit: String,
}

/// Adds `parts` (each with the file it came from) up, in the order given.
pub fn merge(parts: &[(String, ResultPart)]) -> Result<Merged, MergeError> {
    let (first_file, first) = parts.first().ok_or(MergeError::Empty)?;
    for (file, p) in parts {
        if p.rk6_result != FORMAT {
            return Err(MergeError::Format(file.clone(), p.rk6_result));
        }
        if p.thresholds != first.thresholds {
            return Err(MergeError::Thresholds(first_file.clone(), file.clone()));
        }
        if let (Some(a), Some(b)) = (&first.test, &p.test) {
            if a != b {
                return Err(MergeError::Scripts(first_file.clone(), file.clone()));
            }
        }
    }
    let registry = Registry::new();
    for (file, p) in parts {
        for m in &p.metrics {
            let bad = |why: String| MergeError::Metric {
                file: file.clone(),
                name: m.name.clone(),
                why,
            };
            let (kind, contains) = kinds(&m.kind, &m.contains).ok_or_else(|| {
                bad(format!(
                    "unknown type {} or contents {}",
                    m.kind, m.contains
                ))
            })?;
            registry
                .register(&m.name, kind, contains)
                .map_err(|e| bad(e.to_string()))?;
        }
    }
    let mut state = MetricsState::empty(&registry);
    let without_detail = parts
        .iter()
        .find(|(_, p)| p.detail.is_none())
        .map(|(f, _)| f.clone());
    if without_detail.is_none() {
        state.detail = Some(Detail::default());
    }
    // Gauges take the latest value: add the parts in the order they ended.
    let mut by_end: Vec<&(String, ResultPart)> = parts.iter().collect();
    by_end.sort_by_key(|(_, p)| p.ended_at_ms);
    for (file, p) in by_end {
        add_part(&mut state, &registry, file, p)?;
    }
    let thresholds = threshold_spec(first_file, &first.thresholds)?;
    state
        .attach_thresholds(&registry, &thresholds)
        .map_err(|e| MergeError::Threshold(first_file.clone(), e.to_string()))?;
    Ok(Merged {
        state,
        without_detail,
        duration_secs: parts
            .iter()
            .map(|(_, p)| p.duration_secs)
            .fold(0.0, f64::max),
        trend_stats: first.summary_trend_stats.clone(),
        time_unit: first.summary_time_unit.clone(),
    })
}

fn kinds(kind: &str, contains: &str) -> Option<(MetricType, ValueType)> {
    let kind = [
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Rate,
        MetricType::Trend,
    ]
    .into_iter()
    .find(|k| k.as_str() == kind)?;
    let contains = [ValueType::Default, ValueType::Time, ValueType::Data]
        .into_iter()
        .find(|c| c.as_str() == contains)?;
    Some((kind, contains))
}

fn add_part(
    state: &mut MetricsState,
    registry: &Registry,
    file: &str,
    p: &ResultPart,
) -> Result<(), MergeError> {
    for m in &p.metrics {
        let bad = |why: String| MergeError::Metric {
            file: file.to_string(),
            name: m.name.clone(),
            why,
        };
        let Some(id) = registry.lookup(&m.name).map(|id| id as usize) else {
            continue;
        };
        let gauges = gauge_rule(id as u32);
        let sink = Sink::from_data(m.sink.clone()).map_err(&bad)?;
        let entry = &mut state.entries[id];
        entry.sink.merge(&sink, gauges).map_err(&bad)?;
        entry.observed |= m.observed;
        for s in &m.submetrics {
            let i = state.ensure_submetric(id, s.filter.clone(), s.key.clone());
            let sink = Sink::from_data(s.sink.clone()).map_err(&bad)?;
            let sub = &mut state.entries[id].submetrics[i];
            sub.sink.merge(&sink, gauges).map_err(&bad)?;
            sub.observed |= s.observed;
        }
    }
    let mut checks = CheckTree {
        groups: p.groups.clone(),
        checks: Vec::new(),
    };
    for c in &p.checks {
        checks
            .checks
            .push(((c.group.clone(), c.name.clone()), (c.passes, c.fails)));
    }
    state.add_checks(&checks);
    if let (Some(detail), Some(data)) = (&mut state.detail, &p.detail) {
        let defs = registry.snapshot();
        let lookup = |name: &str| {
            let id = registry.lookup(name)?;
            let kind = defs.get(id as usize)?.kind;
            Some((id, kind, gauge_rule(id)))
        };
        detail
            .merge_data(data, &lookup)
            .map_err(|why| MergeError::Metric {
                file: file.to_string(),
                name: "(groups)".into(),
                why,
            })?;
    }
    Ok(())
}

fn gauge_rule(id: u32) -> GaugeMerge {
    if id == builtin::VUS || id == builtin::VUS_MAX {
        GaugeMerge::Sum
    } else {
        GaugeMerge::Latest
    }
}

fn threshold_spec(
    file: &str,
    data: &BTreeMap<String, Vec<ThresholdData>>,
) -> Result<ThresholdSpec, MergeError> {
    let mut spec = ThresholdSpec::new();
    for (key, list) in data {
        let mut exprs = Vec::new();
        for t in list {
            let mut e = ThresholdExpr::parse(&t.threshold)
                .map_err(|e| MergeError::Threshold(file.to_string(), e.to_string()))?;
            e.abort_on_fail = t.abort_on_fail;
            e.delay_abort_eval = t.delay_abort_eval_ms.map(std::time::Duration::from_millis);
            exprs.push(e);
        }
        spec.insert(key.clone(), exprs);
    }
    Ok(spec)
}
