//! `--out json=FILE`: k6's JSON lines — a `Metric` line the first time a metric appears,
//! then one `Point` line per sample. `.gz` compresses; `-` (or no file) is stdout.
//! Every sample that reaches the engine is written: file outputs never drop.

use std::collections::HashSet;
use std::io::Write;

use rk6_runtime::metrics::{MetricDef, Sample};
use serde_json::{json, Map, Value};

use super::{Output, OutputContext, OutputError};
use crate::metrics::threshold::parse_metric_key;

pub struct JsonOutput {
    out: Box<dyn Write + Send>,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    seen: HashSet<u32>,
    path: String,
    failed: Option<String>,
}

/// Opens `path` for writing, gzip-compressed when it ends in `.gz`.
pub fn open_file(path: &str, ctx: &OutputContext) -> Result<Box<dyn Write + Send>, OutputError> {
    if path.is_empty() || path == "-" {
        return Ok(Box::new(std::io::stdout()));
    }
    let full = ctx.cwd.join(path);
    let file = std::fs::File::create(&full).map_err(|source| OutputError::File {
        path: path.to_string(),
        source,
    })?;
    let buffered = std::io::BufWriter::with_capacity(256 * 1024, file);
    Ok(if path.ends_with(".gz") {
        Box::new(flate2::write::GzEncoder::new(
            buffered,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(buffered)
    })
}

impl JsonOutput {
    pub fn open(arg: &str, ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let path = ctx
            .env
            .get("K6_JSON_FILENAME")
            .filter(|_| arg.is_empty())
            .cloned()
            .unwrap_or_else(|| arg.to_string());
        let out = open_file(&path, ctx)?;
        let shown = if path.is_empty() {
            "-".to_string()
        } else {
            path.clone()
        };
        Ok((
            format!("json ({shown})"),
            Box::new(JsonOutput {
                out,
                ctx: ctx.clone(),
                defs: ctx.defs(),
                seen: HashSet::new(),
                path,
                failed: None,
            }),
        ))
    }

    fn metric_line(&self, def: &MetricDef) -> Value {
        let mut thresholds = Vec::new();
        let mut subs = Vec::new();
        for (key, exprs) in &self.ctx.thresholds {
            let (name, filter) = parse_metric_key(key);
            if name != def.name {
                continue;
            }
            if filter.is_empty() {
                thresholds.extend(exprs.iter().map(|e| {
                    if e.abort_on_fail {
                        let mut o = Map::new();
                        o.insert("threshold".into(), json!(e.source));
                        o.insert("abortOnFail".into(), json!(true));
                        o.insert(
                            "delayAbortEval".into(),
                            e.delay_abort_eval.map_or(Value::Null, |d| {
                                json!(humantime::format_duration(d).to_string())
                            }),
                        );
                        Value::Object(o)
                    } else {
                        json!(e.source)
                    }
                }));
            } else {
                let tags: Vec<(&str, &str)> = filter
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let s = submetric(&def.name, &tags);
                if !subs.contains(&s) {
                    subs.push(s);
                }
            }
        }
        // k6 adds the automatic submetric after the ones thresholds name.
        if def.name == "http_req_duration" && self.ctx.expected_response {
            let auto = submetric(&def.name, &[("expected_response", "true")]);
            if !subs.contains(&auto) {
                subs.push(auto);
            }
        }
        json!({
            "type": "Metric",
            "data": {
                "name": def.name,
                "type": def.kind.as_str(),
                "contains": def.contains.as_str(),
                "thresholds": thresholds,
                "submetrics": if subs.is_empty() { Value::Null } else { Value::Array(subs) },
            },
            "metric": def.name,
        })
    }

    fn write_line(&mut self, v: &Value) {
        if self.failed.is_some() {
            return;
        }
        let mut line = v.to_string();
        line.push('\n');
        if let Err(e) = self.out.write_all(line.as_bytes()) {
            self.failed = Some(format!("writing JSON output {}: {e}", self.path));
        }
    }
}

/// A float as Go's encoding/json writes it: whole numbers without a fraction.
pub fn go_number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

fn submetric(parent: &str, tags: &[(&str, &str)]) -> Value {
    let suffix: Vec<String> = tags.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    let suffix = suffix.join(",");
    let tag_map: Map<String, Value> = tags
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({"name": format!("{parent}{{{suffix}}}"), "suffix": suffix, "tags": tag_map})
}

impl Output for JsonOutput {
    fn write(&mut self, batch: &[Sample]) {
        for s in batch {
            if self.seen.insert(s.metric) {
                if s.metric as usize >= self.defs.len() {
                    self.defs = self.ctx.defs();
                }
                if let Some(def) = self.defs.get(s.metric as usize).cloned() {
                    let line = self.metric_line(&def);
                    self.write_line(&line);
                }
            }
            let Some(name) = self.defs.get(s.metric as usize).map(|d| d.name.clone()) else {
                continue;
            };
            let mut point = json!({
                "metric": name,
                "type": "Point",
                "data": {
                    "time": super::time::rfc3339_nano(s.time),
                    "value": go_number(s.value),
                    "tags": &*s.tags,
                },
            });
            // k6 writes `metadata` (in the order it was set) only when there is some.
            if let Some(meta) = s.metadata.as_deref().filter(|m| !m.is_empty()) {
                let meta: Map<String, Value> = meta
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                point["data"]["metadata"] = Value::Object(meta);
            }
            self.write_line(&point);
        }
    }

    fn tick(&mut self) {
        let _ = self.out.flush();
    }

    fn finish(&mut self) -> Option<String> {
        if let Err(e) = self.out.flush() {
            return Some(format!("flushing JSON output {}: {e}", self.path));
        }
        // Dropping the encoder would finish the gzip stream but swallow errors.
        let out = std::mem::replace(&mut self.out, Box::new(std::io::sink()));
        drop(out);
        self.failed.take()
    }
}
