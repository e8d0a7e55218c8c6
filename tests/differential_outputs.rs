//! Differential tests of `--out` files: the same deterministic script under k6 v1.1 and rk6
//! against the same target; the JSON output's metric names, types, tag keys and point
//! counts per metric, and the CSV header and rows per metric, must match.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::Value;

const SCRIPT: &str = r#"
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Trend } from 'k6/metrics';
const c = new Counter('my_counter');
const t = new Trend('my_trend', true);
export const options = {
  vus: 2,
  iterations: 10,
  tags: { testid: 'diff' },
  thresholds: { 'http_req_duration{name:home}': ['p(95)<5000'], my_counter: [{ threshold: 'count>0', abortOnFail: true }] },
};
export default function () {
  group('g', () => {
    const r = http.get(`${__ENV.BASE_URL}/get`, { tags: { name: 'home' } });
    check(r, { 'ok': (x) => x.status === 200 });
  });
  http.get('http://127.0.0.1:1/');
  c.add(2, { kind: 'x' });
  t.add(12);
}
"#;

/// What the comparison keeps of a JSON output: per metric, its declaration (type, contains,
/// thresholds, submetric names), the union of tag keys, and the number of points.
#[derive(Debug, PartialEq, Default)]
struct JsonShape {
    declared: BTreeMap<String, String>,
    tag_keys: BTreeMap<String, BTreeSet<String>>,
    points: BTreeMap<String, u64>,
}

fn json_shape(text: &str) -> JsonShape {
    let mut s = JsonShape::default();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let metric = v["metric"].as_str().unwrap_or("").to_string();
        if v["type"] == "Metric" {
            let d = &v["data"];
            let subs: Vec<String> = d["submetrics"]
                .as_array()
                .map(|a| a.iter().map(|x| x["name"].to_string()).collect())
                .unwrap_or_default();
            s.declared.insert(
                metric,
                format!(
                    "{} {} {} {:?}",
                    d["type"], d["contains"], d["thresholds"], subs
                ),
            );
        } else {
            // vus/vus_max are sampled once a second: their counts depend on timing.
            if !matches!(metric.as_str(), "vus" | "vus_max") {
                *s.points.entry(metric.clone()).or_default() += 1;
            }
            let keys = s.tag_keys.entry(metric).or_default();
            if let Some(tags) = v["data"]["tags"].as_object() {
                keys.extend(tags.keys().cloned());
            }
        }
    }
    s
}

/// The CSV header, and rows per metric (timing-driven vus/vus_max left out).
fn csv_shape(text: &str) -> (String, BTreeMap<String, u64>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").to_string();
    let mut rows = BTreeMap::new();
    for l in lines {
        let name = l.split(',').next().unwrap_or("").to_string();
        if !matches!(name.as_str(), "vus" | "vus_max") {
            *rows.entry(name).or_default() += 1;
        }
    }
    (header, rows)
}

#[test]
fn json_and_csv_outputs_match_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let dir = Scripts::new();
    dir.write("s.js", SCRIPT);
    let run = |tool: Tool| {
        let name = tool.name();
        Run::new(tool)
            .target(&t)
            .args(["run", "-q", "--out"])
            .arg(format!("json={name}.json"))
            .arg("--out")
            .arg(format!("csv={name}.csv"))
            .arg("s.js")
            .cwd(dir.dir())
            .output()
    };
    let (k6, rk6) = std::thread::scope(|s| {
        let k = s.spawn(|| run(Tool::K6));
        let r = s.spawn(|| run(Tool::Rk6));
        (k.join().expect("k6"), r.join().expect("rk6"))
    });
    assert_eq!(k6.code, 0, "{}", k6.dump());
    assert_eq!(rk6.code, 0, "{}", rk6.dump());
    let read =
        |f: &str| std::fs::read_to_string(dir.path(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let (kj, rj) = (json_shape(&read("k6.json")), json_shape(&read("rk6.json")));
    assert_eq!(kj.declared, rj.declared, "Metric declarations");
    assert_eq!(kj.tag_keys, rj.tag_keys, "tag keys per metric");
    assert_eq!(kj.points, rj.points, "points per metric");
    let (kc, rc) = (csv_shape(&read("k6.csv")), csv_shape(&read("rk6.csv")));
    assert_eq!(kc, rc, "CSV header and rows per metric");
}
