//! `--out csv=FILE` (or `csv=fileName=FILE,saveInterval=1s,timeFormat=unix`): k6's CSV —
//! `metric_name,timestamp,metric_value`, one column per enabled system tag (sorted), then
//! `extra_tags` (`k=v&k2=v2`) and `metadata`. `.gz` compresses. Nothing is dropped.

use std::io::Write;

use rk6_runtime::metrics::{MetricDef, Sample};

use super::{key_values, Output, OutputContext, OutputError};

/// `timeFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeFormat {
    Unix,
    UnixMilli,
    UnixMicro,
    UnixNano,
    Rfc3339,
    Rfc3339Nano,
}

impl TimeFormat {
    fn parse(s: &str) -> Result<Self, OutputError> {
        Ok(match s {
            "unix" => TimeFormat::Unix,
            "unix_milli" => TimeFormat::UnixMilli,
            "unix_micro" => TimeFormat::UnixMicro,
            "unix_nano" => TimeFormat::UnixNano,
            "rfc3339" => TimeFormat::Rfc3339,
            "rfc3339_nano" => TimeFormat::Rfc3339Nano,
            other => {
                return Err(OutputError::Config(format!(
                    "unknown value '{other}' for argument timeFormat"
                )))
            }
        })
    }

    fn format(self, t: std::time::SystemTime) -> String {
        let ns = super::time::unix_nanos(t);
        match self {
            TimeFormat::Unix => (ns / 1_000_000_000).to_string(),
            TimeFormat::UnixMilli => (ns / 1_000_000).to_string(),
            TimeFormat::UnixMicro => (ns / 1_000).to_string(),
            TimeFormat::UnixNano => ns.to_string(),
            TimeFormat::Rfc3339 => super::time::rfc3339(t),
            TimeFormat::Rfc3339Nano => super::time::rfc3339_nano(t),
        }
    }
}

pub struct CsvOutput {
    out: Box<dyn Write + Send>,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    columns: Vec<String>,
    time_format: TimeFormat,
    save_every: std::time::Duration,
    last_save: std::time::Instant,
    path: String,
    failed: Option<String>,
}

/// System tags that become columns; `vu` and `iter` are metadata in k6.
fn tag_columns(ctx: &OutputContext) -> Vec<String> {
    // The defaults, and the two k6 adds as columns when they are enabled.
    let mut cols: Vec<String> = rk6_runtime::config::DEFAULT_SYSTEM_TAGS
        .iter()
        .chain(&["ip", "ocsp_status"])
        .filter(|t| ctx.system_tags.has(t))
        .map(|t| t.to_string())
        .collect();
    cols.sort();
    cols
}

impl CsvOutput {
    pub fn open(arg: &str, ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let env = |k: &str| ctx.env.get(k).cloned();
        let mut file = env("K6_CSV_FILENAME").unwrap_or_else(|| "file.csv".to_string());
        let mut save = env("K6_CSV_SAVE_INTERVAL").unwrap_or_else(|| "1s".to_string());
        let mut time_format = env("K6_CSV_TIME_FORMAT").unwrap_or_else(|| "unix".to_string());
        if arg.contains('=') {
            for (k, v) in key_values(arg) {
                match k.as_str() {
                    "fileName" => file = v,
                    "saveInterval" => save = v,
                    "timeFormat" => time_format = v,
                    other => {
                        return Err(OutputError::Config(format!(
                            "unknown key '{other}' in the csv output configuration"
                        )))
                    }
                }
            }
        } else if !arg.is_empty() {
            file = arg.to_string();
        }
        let save_every = rk6_runtime::duration::parse(&save)
            .map_err(|e| OutputError::Config(format!("csv saveInterval: {e}")))?;
        let time_format = TimeFormat::parse(&time_format)?;
        let mut out = super::json::open_file(&file, ctx)?;
        let columns = tag_columns(ctx);
        let mut header = vec!["metric_name", "timestamp", "metric_value"];
        header.extend(columns.iter().map(String::as_str));
        header.extend(["extra_tags", "metadata"]);
        let line = format!("{}\n", header.join(","));
        out.write_all(line.as_bytes())
            .map_err(|source| OutputError::File {
                path: file.clone(),
                source,
            })?;
        Ok((
            format!("csv ({file})"),
            Box::new(CsvOutput {
                out,
                ctx: ctx.clone(),
                defs: ctx.defs(),
                columns,
                time_format,
                save_every,
                last_save: std::time::Instant::now(),
                path: file,
                failed: None,
            }),
        ))
    }

    fn row(&self, name: &str, s: &Sample) -> String {
        let mut cells = vec![
            field(name),
            self.time_format.format(s.time),
            format!("{:.6}", s.value),
        ];
        for c in &self.columns {
            cells.push(field(s.tags.get(c).map_or("", String::as_str)));
        }
        let extra: Vec<String> = s
            .tags
            .iter()
            .filter(|(k, _)| !super::is_system_tag(k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        cells.push(field(&extra.join("&")));
        let metadata: Vec<String> = s
            .metadata
            .iter()
            .flat_map(|m| m.iter())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        cells.push(field(&metadata.join("&")));
        let mut line = cells.join(",");
        line.push('\n');
        line
    }
}

/// Go's encoding/csv quoting: quote when the field has a comma, quote, CR/LF or leading space.
fn field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.starts_with('\t');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Output for CsvOutput {
    fn write(&mut self, batch: &[Sample]) {
        if self.failed.is_some() {
            return;
        }
        for s in batch {
            if s.metric as usize >= self.defs.len() {
                self.defs = self.ctx.defs();
            }
            let Some(name) = self.defs.get(s.metric as usize).map(|d| d.name.clone()) else {
                continue;
            };
            let line = self.row(&name, s);
            if let Err(e) = self.out.write_all(line.as_bytes()) {
                self.failed = Some(format!("writing CSV output {}: {e}", self.path));
                return;
            }
        }
    }

    fn tick(&mut self) {
        if self.last_save.elapsed() >= self.save_every {
            let _ = self.out.flush();
            self.last_save = std::time::Instant::now();
        }
    }

    fn finish(&mut self) -> Option<String> {
        if let Err(e) = self.out.flush() {
            return Some(format!("flushing CSV output {}: {e}", self.path));
        }
        let out = std::mem::replace(&mut self.out, Box::new(std::io::sink()));
        drop(out);
        self.failed.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_like_go() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn time_formats_parse() {
        assert!(TimeFormat::parse("rfc3339_nano").is_ok());
        assert!(TimeFormat::parse("weird").is_err());
        let t = std::time::UNIX_EPOCH + std::time::Duration::new(1_795_409_281, 5);
        assert_eq!(TimeFormat::Unix.format(t), "1795409281");
        assert_eq!(TimeFormat::UnixMilli.format(t), "1795409281000");
    }
}
