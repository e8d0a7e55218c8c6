//! `/v1/metrics` and `/v1/groups` in k6's JSON:API shapes, drawn from the metrics engine's
//! latest [`Snapshot`] (never from the engine's live state). Group and check ids are the
//! md5 of their paths, as in k6.

use serde_json::{json, Map, Value};

use crate::metrics::snapshot::{MetricView, Snapshot};
use crate::summary::{md5_hex, number, parent_path};

/// One metric's resource object.
fn metric_object(m: &MetricView) -> Value {
    let sample: Map<String, Value> = m
        .sample
        .iter()
        .map(|(k, v)| (k.to_string(), number(*v)))
        .collect();
    json!({"type": "metrics", "id": m.id, "attributes": {
        "type": m.kind.as_str(),
        "contains": m.contains.as_str(),
        "tainted": m.tainted,
        "sample": sample,
    }})
}

/// `GET /v1/metrics`.
pub fn metrics(snap: &Snapshot) -> Value {
    json!({"data": snap.metrics.iter().map(metric_object).collect::<Vec<_>>()})
}

/// `GET /v1/metrics/{id}`, or `None` for an unknown id.
pub fn metric(snap: &Snapshot, id: &str) -> Option<Value> {
    snap.metric(id).map(|m| json!({"data": metric_object(m)}))
}

/// A group's name: the last part of its path (`""` for the root).
fn group_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or("")
}

/// Every group path, the root first, each group before its children (k6's pre-order).
fn group_paths(snap: &Snapshot) -> Vec<&str> {
    fn visit<'a>(path: &'a str, all: &'a [String], out: &mut Vec<&'a str>) {
        out.push(path);
        for child in all.iter().filter(|g| parent_path(g) == path) {
            visit(child, all, out);
        }
    }
    let mut out = Vec::new();
    visit("", &snap.checks.groups, &mut out);
    out
}

fn group_ref(path: &str) -> Value {
    json!({"type": "groups", "id": md5_hex(path)})
}

/// One group's resource object: its checks (`null` when none) and its relations.
fn group_object(snap: &Snapshot, path: &str) -> Value {
    let checks: Vec<Value> = snap
        .checks
        .checks
        .iter()
        .filter(|((g, _), _)| g == path)
        .map(|((g, name), (passes, fails))| {
            let check_path = format!("{g}::{name}");
            json!({"id": md5_hex(&check_path), "path": check_path, "name": name,
                   "passes": passes, "fails": fails})
        })
        .collect();
    let children: Vec<Value> = snap
        .checks
        .groups
        .iter()
        .filter(|g| parent_path(g) == path)
        .map(|g| group_ref(g))
        .collect();
    let parent = (!path.is_empty()).then(|| group_ref(parent_path(path)));
    json!({"type": "groups", "id": md5_hex(path),
    "attributes": {
        "path": path,
        "name": group_name(path),
        "checks": (!checks.is_empty()).then_some(checks),
    },
    "relationships": {
        "groups": {"data": children},
        "parent": {"data": parent},
    }})
}

/// `GET /v1/groups`.
pub fn groups(snap: &Snapshot) -> Value {
    let all: Vec<Value> = group_paths(snap)
        .into_iter()
        .map(|p| group_object(snap, p))
        .collect();
    json!({ "data": all })
}

/// `GET /v1/groups/{id}`, or `None` for an unknown id.
pub fn group(snap: &Snapshot, id: &str) -> Option<Value> {
    group_paths(snap)
        .into_iter()
        .find(|p| md5_hex(p) == id)
        .map(|p| json!({"data": group_object(snap, p)}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let mut snap = Snapshot::default();
        snap.checks.add("::g1", "is one", true);
        snap.checks.add("::g1::inner", "two fails", false);
        snap
    }

    #[test]
    fn groups_are_listed_root_first_with_k6s_ids_and_relations() {
        let v = groups(&snapshot());
        let data = v["data"].as_array().cloned().unwrap_or_default();
        let ids: Vec<&str> = data.iter().filter_map(|g| g["id"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "d41d8cd98f00b204e9800998ecf8427e",
                "9ccb03cc5acd728a2fe595bbd1f14da3",
                "e60245afebe70f40c79b355791487095"
            ]
        );
        assert_eq!(data[0]["attributes"]["checks"], Value::Null);
        assert_eq!(data[0]["relationships"]["parent"]["data"], Value::Null);
        let check = &data[1]["attributes"]["checks"][0];
        assert_eq!(check["id"], "02605501ec9e026bb31eb1c8afd4903e");
        assert_eq!(check["passes"], 1);
        assert_eq!(
            data[2]["relationships"]["parent"]["data"]["id"],
            "9ccb03cc5acd728a2fe595bbd1f14da3"
        );
        assert_eq!(data[2]["attributes"]["name"], "inner");
    }

    #[test]
    fn unknown_group_and_metric_ids_are_none() {
        assert!(group(&snapshot(), "nope").is_none());
        assert!(metric(&snapshot(), "").is_none());
        assert!(group(&snapshot(), "9ccb03cc5acd728a2fe595bbd1f14da3").is_some());
    }
}
