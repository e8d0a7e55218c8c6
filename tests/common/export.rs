//! The `--summary-export` file (k6's legacy summary JSON) as tests read it: metrics,
//! numeric fields, metric names and threshold verdicts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// A parsed `--summary-export` file (k6's legacy summary JSON).
#[derive(Debug, Clone)]
pub struct Export {
    pub json: Value,
    pub raw: String,
}

impl Export {
    pub fn read(path: &Path) -> Export {
        let raw = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read summary export {}: {e}", path.display()));
        let json = serde_json::from_str(&raw)
            .unwrap_or_else(|e| panic!("summary export is not JSON ({e}):\n{raw}"));
        Export { json, raw }
    }

    pub fn metrics(&self) -> &serde_json::Map<String, Value> {
        self.json["metrics"]
            .as_object()
            .unwrap_or_else(|| panic!("no metrics object in export:\n{}", self.raw))
    }

    pub fn metric(&self, name: &str) -> &Value {
        self.metrics()
            .get(name)
            .unwrap_or_else(|| panic!("metric {name} missing from export:\n{}", self.raw))
    }

    /// A numeric field of a metric (`count`, `value`, `passes`, `avg`, …).
    pub fn num(&self, metric: &str, field: &str) -> f64 {
        self.metric(metric)[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{metric}.{field} not a number in export:\n{}", self.raw))
    }

    pub fn metric_names(&self) -> BTreeSet<String> {
        self.metrics().keys().cloned().collect()
    }

    /// metric → (threshold source → failed?) for every metric that has thresholds.
    pub fn thresholds(&self) -> BTreeMap<String, BTreeMap<String, bool>> {
        self.metrics()
            .iter()
            .filter_map(|(name, m)| {
                let t = m.get("thresholds")?.as_object()?;
                Some((
                    name.clone(),
                    t.iter()
                        .map(|(src, v)| (src.clone(), v.as_bool().unwrap_or(false)))
                        .collect(),
                ))
            })
            .collect()
    }

    /// Check path → (passes, fails), from the whole `root_group` tree.
    pub fn checks(&self) -> BTreeMap<String, (u64, u64)> {
        let mut out = BTreeMap::new();
        collect_checks(&self.json["root_group"], &mut out);
        out
    }

    /// Group paths in the `root_group` tree (excluding the root).
    pub fn group_paths(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        collect_groups(&self.json["root_group"], &mut out);
        out
    }
}

fn as_count(v: &Value) -> u64 {
    v.as_f64().map(|f| f as u64).unwrap_or(u64::MAX)
}

fn children(v: &Value) -> Vec<&Value> {
    match v {
        Value::Object(m) => m.values().collect(),
        Value::Array(a) => a.iter().collect(),
        _ => Vec::new(),
    }
}

fn collect_checks(group: &Value, out: &mut BTreeMap<String, (u64, u64)>) {
    for c in children(&group["checks"]) {
        let path = c["path"].as_str().unwrap_or("?").to_string();
        out.insert(path, (as_count(&c["passes"]), as_count(&c["fails"])));
    }
    for g in children(&group["groups"]) {
        collect_checks(g, out);
    }
}

fn collect_groups(group: &Value, out: &mut BTreeSet<String>) {
    for g in children(&group["groups"]) {
        out.insert(g["path"].as_str().unwrap_or("?").to_string());
        collect_groups(g, out);
    }
}
