//! `--out` outputs: the sample stream, after the metrics engine has seen it, fanned out to
//! k6's JSON and CSV files, to InfluxDB (v1 built in, v2 as `xk6-influxdb`) and to a
//! Prometheus remote-write receiver (`experimental-prometheus-rw`).
//!
//! Owns: parsing `--out type=arg` / `K6_OUT`, starting one worker thread per output,
//! handing each batch to every worker without ever blocking the engine, and stopping them
//! at the end (flushing files, reporting what a network sink could not deliver). Samples
//! flow one way: VUs → engine → outputs; nothing here talks back.

pub mod csv;
pub mod dashboard;
pub mod influxdb;
pub mod influxdb2;
pub mod json;
pub mod line_protocol;
pub mod opentelemetry;
pub mod prometheus_rw;
pub mod push;
pub mod result;
pub mod time;

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use rk6_runtime::metrics::{MetricDef, Registry, Sample};
use rk6_runtime::SystemTags;

use crate::metrics::ThresholdSpec;

/// A batch of samples as every output receives it.
pub type Batch = Arc<Vec<Sample>>;

/// Why an output could not start.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("invalid output type '{0}', available types are: csv, experimental-opentelemetry, experimental-prometheus-rw, influxdb, json, result, web-dashboard, xk6-influxdb")]
    UnknownType(String),
    #[error("{0}")]
    Config(String),
    /// k6 refuses these settings with exit code 104 (invalid config).
    #[error("could not create the '{kind}' output: {message}")]
    Invalid { kind: String, message: String },
    #[error("could not start an output thread: {0}")]
    Start(String),
    #[error("could not create {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// One `--out type[=arg]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub kind: String,
    pub arg: String,
}

impl OutputSpec {
    pub fn parse(s: &str) -> OutputSpec {
        let (kind, arg) = s.split_once('=').unwrap_or((s, ""));
        OutputSpec {
            kind: kind.trim().to_string(),
            arg: arg.to_string(),
        }
    }
}

/// What outputs know about the run besides the samples.
#[derive(Clone)]
pub struct OutputContext {
    pub registry: Registry,
    pub thresholds: ThresholdSpec,
    pub system_tags: SystemTags,
    /// `expected_response:true` submetric of `http_req_duration` (k6 lists it).
    pub expected_response: bool,
    /// Environment (for `K6_CSV_*`, `K6_INFLUXDB_*`).
    pub env: BTreeMap<String, String>,
    /// Directory relative file names resolve against.
    pub cwd: std::path::PathBuf,
    /// What the web dashboard shows of the test besides samples.
    pub run: crate::output::dashboard::RunFacts,
    /// `--execution-segment`: this instance's share (the result part records it).
    pub segment: Option<crate::execution_segment::Segment>,
    /// What identifies the test across instances (the result part records it).
    pub test_id: Option<String>,
}

impl OutputContext {
    /// Metric definitions by id, refreshed when a new custom metric shows up.
    pub fn defs(&self) -> Vec<MetricDef> {
        self.registry.snapshot()
    }
}

/// What a worker does with batches; it runs on its own thread.
pub trait Output: Send {
    /// Takes one batch (already in the order samples were emitted).
    fn write(&mut self, batch: &[Sample]);
    /// Called about once a second, whether or not batches came.
    fn tick(&mut self) {}
    /// The end: flush and report. Returns a warning to print, if any.
    fn finish(&mut self) -> Option<String>;
}

/// Hands batches to the running outputs; cheap to clone, never blocks.
#[derive(Clone, Default)]
pub struct Dispatch {
    senders: Vec<Sender<Batch>>,
}

impl Dispatch {
    pub fn is_empty(&self) -> bool {
        self.senders.is_empty()
    }

    pub fn send(&self, batch: Batch) {
        for s in &self.senders {
            // A worker that died (it logged why) must not stop the others.
            let _ = s.send(batch.clone());
        }
    }
}

/// The running outputs.
pub struct Outputs {
    dispatch: Dispatch,
    workers: Vec<JoinHandle<Option<String>>>,
    descriptions: Vec<String>,
    /// Each output's name and file, as `-v` lines name them.
    names: Vec<(String, Option<String>)>,
    /// The web dashboards among them (k6 allows more than one).
    dashboards: Vec<crate::output::dashboard::Handle>,
    /// `result=` outputs: written from the engine's final state, not from batches.
    results: Vec<result::ResultFile>,
    segment: Option<crate::execution_segment::Segment>,
    test_id: Option<String>,
}

/// What a result part records of the summary's settings.
pub struct SummarySettings<'a> {
    pub trend_stats: Vec<String>,
    pub time_unit: String,
    pub thresholds: &'a ThresholdSpec,
}

/// What is left of the outputs once they finished.
pub struct Finished {
    /// Warnings to print (what a sink could not deliver or write).
    pub warnings: Vec<String>,
    /// Dashboard servers to keep up while a page is still connected.
    pub servers: Vec<Arc<crate::output::dashboard::server::Server>>,
}

impl Outputs {
    /// Starts every output in `specs`; a bad spec stops the run before it begins.
    pub fn start(specs: &[OutputSpec], ctx: &OutputContext) -> Result<Outputs, OutputError> {
        let mut sinks: Vec<(String, Box<dyn Output>)> = Vec::new();
        let mut dashboards = Vec::new();
        let mut results = Vec::new();
        for spec in specs {
            let built: (String, Box<dyn Output>) = match spec.kind.as_str() {
                // k6's header does not list the dashboard under `output:`.
                "web-dashboard" => {
                    let (output, handle) = crate::output::dashboard::open(&spec.arg, ctx)?;
                    dashboards.push(handle);
                    (String::new(), output)
                }
                "result" => {
                    let file = result::ResultFile::open(&spec.arg, &ctx.cwd, ctx.segment.as_ref())?;
                    results.push(file);
                    continue;
                }
                "json" => json::JsonOutput::open(&spec.arg, ctx)?,
                "csv" => csv::CsvOutput::open(&spec.arg, ctx)?,
                "influxdb" => influxdb::InfluxV1::open(&spec.arg, ctx)?,
                "xk6-influxdb" => influxdb2::InfluxV2::open(&spec.arg, ctx)?,
                "experimental-prometheus-rw" => prometheus_rw::PrometheusRw::open(&spec.arg, ctx)?,
                opentelemetry::NAME => opentelemetry::OtelOutput::open(ctx)?,
                other => return Err(OutputError::UnknownType(other.to_string())),
            };
            sinks.push(built);
        }
        let mut out = Outputs {
            dispatch: Dispatch::default(),
            workers: Vec::new(),
            descriptions: Vec::new(),
            names: specs
                .iter()
                .filter(|s| s.kind != "result")
                .map(|s| (s.kind.clone(), (s.kind == "json").then(|| s.arg.clone())))
                .collect(),
            dashboards,
            results,
            segment: ctx.segment.clone(),
            test_id: ctx.test_id.clone(),
        };
        for (description, sink) in sinks {
            let (tx, rx) = std::sync::mpsc::channel();
            out.dispatch.senders.push(tx);
            out.workers.push(
                std::thread::Builder::new()
                    .name(format!("rk6-output-{description}"))
                    .spawn(move || run_worker(sink, rx))
                    .map_err(|e| OutputError::Start(e.to_string()))?,
            );
            out.descriptions.push(description);
        }
        crate::verbose::outputs_started(&out.names);
        Ok(out)
    }

    /// For the engine.
    /// What the metrics engine hands each aggregated batch to; `None` without outputs.
    pub fn forward(&self) -> Option<crate::metrics::Forward> {
        let dispatch = self.dispatch.clone();
        (!dispatch.is_empty())
            .then(|| Arc::new(move |batch: Batch| dispatch.send(batch)) as crate::metrics::Forward)
    }

    /// The header's `output:` value: `json (out.json), csv (out.csv)` or `-`.
    pub fn description(&self) -> String {
        let listed: Vec<&str> = self
            .descriptions
            .iter()
            .map(String::as_str)
            .filter(|d| !d.is_empty())
            .collect();
        if listed.is_empty() {
            "-".to_string()
        } else {
            listed.join(", ")
        }
    }

    /// The header's `web dashboard:` URL, when a dashboard serves one.
    pub fn dashboard_url(&self) -> Option<String> {
        self.dashboards.iter().find_map(|d| d.url.clone())
    }

    /// Whether an output wants the end-of-test summary text (a dashboard's report).
    pub fn wants_summary(&self) -> bool {
        !self.dashboards.is_empty()
    }

    /// The test starts now (after its VUs are ready).
    pub fn test_started(&self) {
        for d in &self.dashboards {
            d.test_started();
        }
    }

    /// Writes every `result=` part from the engine's final state; the errors to print.
    pub fn write_results(
        &self,
        state: &crate::metrics::MetricsState,
        summary: &SummarySettings,
        elapsed: f64,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        for r in &self.results {
            let meta = crate::metrics::part::PartMeta {
                test: self.test_id.clone(),
                segment: self.segment.as_ref().map(|s| s.text()),
                segment_sequence: self.segment.as_ref().map(|s| s.sequence_text()),
                duration_secs: elapsed,
                trend_stats: summary.trend_stats.clone(),
                time_unit: summary.time_unit.clone(),
                thresholds: summary.thresholds,
            };
            if let Err(e) = r.write(state, meta) {
                errors.push(e);
            }
        }
        errors
    }

    /// The run ends before its test: outputs that write a report at the end write none.
    pub fn abandon(self) {
        for d in &self.dashboards {
            d.abandon();
        }
        let _ = self.finish(None, 0.0);
    }

    /// Stops accepting samples, lets every worker drain and finish. `summary` is the
    /// end-of-test summary text and `elapsed` the run's length in seconds, for the
    /// dashboards' reports. The engine's own dispatch clone must be dropped first (it is,
    /// when the engine ends).
    pub fn finish(self, summary: Option<&str>, elapsed: f64) -> Finished {
        for d in &self.dashboards {
            d.set_end(summary.map(str::to_string), elapsed);
        }
        let servers = self.dashboards.iter().filter_map(|d| d.server()).collect();
        drop(self.dispatch);
        crate::verbose::outputs_stopping(self.workers.len());
        let warnings = self
            .workers
            .into_iter()
            .zip(&self.names)
            .filter_map(|(w, (name, file))| {
                crate::verbose::output_stopping(name, file.as_deref());
                let warning = w.join().ok().flatten();
                crate::verbose::output_stopped(name, file.as_deref());
                warning
            })
            .collect();
        Finished { warnings, servers }
    }
}

fn run_worker(mut sink: Box<dyn Output>, rx: Receiver<Batch>) -> Option<String> {
    let tick = std::time::Duration::from_secs(1);
    let mut next = std::time::Instant::now() + tick;
    loop {
        let wait = next.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(wait) {
            Ok(batch) => {
                if rk6_runtime::injected_panic("output") {
                    panic!("injected panic in an output (RK6_TEST_PANIC=output)");
                }
                sink.write(&batch)
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if std::time::Instant::now() >= next {
            sink.tick();
            next += tick;
        }
    }
    sink.finish()
}

/// `K6_OUT`: k6 splits the value on every comma (Go's envconfig list), so
/// `json=a.json,csv=b.csv` is two outputs (and a comma inside one output's options makes
/// an unknown output type, as in k6).
pub fn specs_from_env(value: &str) -> Vec<OutputSpec> {
    value.split(',').map(OutputSpec::parse).collect()
}

/// An address without its `user:password@` part, and the (decoded) credentials when it
/// had some: they must never reach a log line.
pub fn split_credentials(addr: &str) -> (String, Option<(String, String)>) {
    match url::Url::parse(addr) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let creds = (
                percent_decode(u.username()),
                percent_decode(u.password().unwrap_or("")),
            );
            let _ = u.set_username("");
            let _ = u.set_password(None);
            (u.as_str().trim_end_matches('/').to_string(), Some(creds))
        }
        _ => (addr.to_string(), None),
    }
}

/// Percent-decodes a URL's user or password.
pub fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Splits `key=value,key2=value2` output arguments (CSV's form).
pub fn key_values(arg: &str) -> Vec<(String, String)> {
    arg.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The tags of a sample that are not system tags, and the enabled system tags.
pub fn is_system_tag(name: &str) -> bool {
    matches!(
        name,
        "proto"
            | "subproto"
            | "status"
            | "method"
            | "url"
            | "name"
            | "group"
            | "check"
            | "error"
            | "error_code"
            | "tls_version"
            | "scenario"
            | "service"
            | "expected_response"
            | "vu"
            | "iter"
            | "ip"
            | "ocsp_status"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_split_type_and_argument() {
        assert_eq!(
            OutputSpec::parse("json=out.json"),
            OutputSpec {
                kind: "json".into(),
                arg: "out.json".into()
            }
        );
        let csv = OutputSpec::parse("csv=fileName=x.csv,saveInterval=2s");
        assert_eq!(csv.kind, "csv");
        assert_eq!(
            key_values(&csv.arg),
            vec![
                ("fileName".to_string(), "x.csv".to_string()),
                ("saveInterval".to_string(), "2s".to_string())
            ]
        );
        assert_eq!(OutputSpec::parse("json").arg, "");
    }
}
