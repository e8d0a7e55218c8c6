//! `--summary-export`: k6's legacy flat JSON (values flattened, Rate `rate` renamed `value`,
//! thresholds map to `true` when FAILED, groups and checks keyed by name, 4-space indent).

use serde::Serialize;
use serde_json::{Map, Value};

/// Converts `handleSummary` data into the export document.
pub fn legacy_export(data: &Value) -> Value {
    let mut metrics = Map::new();
    if let Some(ms) = data["metrics"].as_object() {
        for (name, m) in ms {
            let mut out = Map::new();
            let is_rate = m["type"] == "rate";
            if let Some(values) = m["values"].as_object() {
                for (k, v) in values {
                    let key = if is_rate && k == "rate" {
                        "value"
                    } else {
                        k.as_str()
                    };
                    out.insert(key.to_string(), v.clone());
                }
            }
            if let Some(th) = m["thresholds"].as_object() {
                let failed: Map<String, Value> = th
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::Bool(!v["ok"].as_bool().unwrap_or(true))))
                    .collect();
                out.insert("thresholds".into(), Value::Object(failed));
            }
            metrics.insert(name.clone(), Value::Object(out));
        }
    }
    let mut doc = Map::new();
    doc.insert("root_group".into(), group(&data["root_group"]));
    doc.insert("metrics".into(), Value::Object(metrics));
    if let Some(sd) = data.get("setup_data") {
        doc.insert("setup_data".into(), sd.clone());
    }
    Value::Object(doc)
}

fn group(g: &Value) -> Value {
    let mut out = Map::new();
    for key in ["name", "path", "id"] {
        out.insert(key.into(), g[key].clone());
    }
    let groups: Map<String, Value> = g["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["name"].as_str().unwrap_or("").to_string(), group(c)))
        .collect();
    let checks: Map<String, Value> = g["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["name"].as_str().unwrap_or("").to_string(), c.clone()))
        .collect();
    out.insert("groups".into(), Value::Object(groups));
    out.insert("checks".into(), Value::Object(checks));
    Value::Object(out)
}

/// Serialises with k6's 4-space indentation.
pub fn to_string(doc: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if doc.serialize(&mut ser).is_err() {
        return String::from("{}");
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rates_are_renamed_and_thresholds_mean_failed() {
        let data = json!({
            "metrics": {"checks": {"type": "rate", "contains": "default", "values": {"rate": 1, "passes": 2, "fails": 0}, "thresholds": {"rate>0.5": {"ok": true}}}},
            "root_group": {"name": "", "path": "", "id": "x", "groups": [{"name": "grp", "path": "::grp", "id": "y", "groups": [], "checks": [{"name": "ok", "path": "::grp::ok", "id": "z", "passes": 2, "fails": 0}]}], "checks": []}
        });
        let e = legacy_export(&data);
        assert_eq!(e["metrics"]["checks"]["value"], 1);
        assert_eq!(e["metrics"]["checks"]["thresholds"]["rate>0.5"], false);
        assert_eq!(
            e["root_group"]["groups"]["grp"]["checks"]["ok"]["passes"],
            2
        );
        assert!(to_string(&e).contains("\n    \"metrics\""));
    }
}
