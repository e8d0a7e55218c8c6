//! InfluxDB line protocol as k6's InfluxDB outputs write it: measurement = metric name,
//! tags sorted with empty values dropped, `value=` plus `tagsAsFields` as fields (sorted),
//! and a timestamp at the configured precision.

use rk6_runtime::metrics::Sample;

/// A tag promoted to a field, with its type (`url`, `status:int`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTag {
    pub name: String,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    String,
    Int,
    Float,
    Bool,
}

/// Parses `K6_INFLUXDB_TAGS_AS_FIELDS` entries: `name[:string|int|float|bool]`.
pub fn parse_fields(list: &str) -> Result<Vec<FieldTag>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let (name, kind) = entry.split_once(':').unwrap_or((entry, "string"));
            let kind = match kind {
                "string" => FieldKind::String,
                "int" => FieldKind::Int,
                "float" => FieldKind::Float,
                "bool" => FieldKind::Bool,
                other => {
                    return Err(format!(
                        "an invalid type '{other}' is specified for the field '{name}'"
                    ))
                }
            };
            Ok(FieldTag {
                name: name.to_string(),
                kind,
            })
        })
        .collect()
}

/// Timestamp precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Ns,
    Us,
    Ms,
    S,
}

impl Precision {
    pub fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "" | "ns" | "n" => Precision::Ns,
            "us" | "u" | "µs" => Precision::Us,
            "ms" => Precision::Ms,
            "s" => Precision::S,
            other => return Err(format!("unknown precision '{other}'")),
        })
    }

    /// The query parameter value (`ns`, `us`, `ms`, `s`).
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Ns => "ns",
            Precision::Us => "us",
            Precision::Ms => "ms",
            Precision::S => "s",
        }
    }

    fn divisor(self) -> u128 {
        match self {
            Precision::Ns => 1,
            Precision::Us => 1_000,
            Precision::Ms => 1_000_000,
            Precision::S => 1_000_000_000,
        }
    }
}

fn escape(s: &str, specials: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if specials.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One line for `sample` of metric `name`.
pub fn line(name: &str, s: &Sample, fields: &[FieldTag], precision: Precision) -> String {
    let mut out = escape(name, &[',', ' ']);
    let mut promoted: Vec<(String, String)> = Vec::new();
    for (k, v) in s.tags.iter() {
        if let Some(f) = fields.iter().find(|f| &f.name == k) {
            let value = match f.kind {
                FieldKind::String => format!("\"{}\"", escape(v, &['"', '\\'])),
                FieldKind::Int => match v.parse::<i64>() {
                    Ok(i) => format!("{i}i"),
                    Err(_) => continue,
                },
                FieldKind::Float => match v.parse::<f64>() {
                    Ok(x) => format!("{x}"),
                    Err(_) => continue,
                },
                FieldKind::Bool => match v.parse::<bool>() {
                    Ok(b) => b.to_string(),
                    Err(_) => continue,
                },
            };
            promoted.push((k.clone(), value));
            continue;
        }
        if v.is_empty() {
            continue;
        }
        out.push(',');
        out.push_str(&escape(k, &[',', '=', ' ']));
        out.push('=');
        out.push_str(&escape(v, &[',', '=', ' ']));
    }
    promoted.push(("value".to_string(), format!("{}", s.value)));
    promoted.sort();
    out.push(' ');
    let fields: Vec<String> = promoted
        .iter()
        .map(|(k, v)| format!("{}={v}", escape(k, &[',', '=', ' '])))
        .collect();
    out.push_str(&fields.join(","));
    out.push(' ');
    out.push_str(&(super::time::unix_nanos(s.time) / precision.divisor()).to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn lines_match_k6() {
        let tags = [
            ("group", ""),
            ("method", "GET"),
            ("name", "http://127.0.0.1:18555/"),
            ("status", "200"),
            ("testid", "t1"),
            ("url", "http://127.0.0.1:18555/"),
        ];
        let s = Sample {
            metric: 0,
            value: 1.0,
            time: UNIX_EPOCH + Duration::new(1_795_409_307, 590_117_552),
            tags: Arc::new(
                tags.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            metadata: None,
        };
        let fields = parse_fields("vu,iter,url").unwrap();
        assert_eq!(
            line("http_reqs", &s, &fields, Precision::Ns),
            "http_reqs,method=GET,name=http://127.0.0.1:18555/,status=200,testid=t1 url=\"http://127.0.0.1:18555/\",value=1 1795409307590117552"
        );
        let fields = parse_fields("status:int,url").unwrap();
        assert_eq!(
            line("http_reqs", &s, &fields, Precision::Ms),
            "http_reqs,method=GET,name=http://127.0.0.1:18555/,testid=t1 status=200i,url=\"http://127.0.0.1:18555/\",value=1 1795409307590"
        );
        assert!(parse_fields("x:weird").is_err());
    }
}
