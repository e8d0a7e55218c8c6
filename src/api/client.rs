//! k6's REST API client commands: `status`, `pause`, `resume`, `scale` and `stats` talk to
//! a running test's API at `-a/--address` and print what it answers as k6 prints it
//! (YAML). Errors are k6's texts (Go's for connection failures); the CLI logs them and
//! exits 255.

use std::collections::BTreeMap;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The client commands, as subcommands of `rk6`.
#[derive(Debug, clap::Subcommand)]
pub enum ClientCommand {
    /// Show the status of a running test (its REST API at --address).
    Status,
    /// Pause a running test.
    Pause,
    /// Resume a paused test.
    Resume,
    /// Scale a running test's externally-controlled executor.
    Scale {
        /// Number of virtual users.
        #[arg(short = 'u', long, allow_negative_numbers = true)]
        vus: Option<i64>,
        /// Max available virtual users.
        #[arg(short = 'm', long = "max", allow_negative_numbers = true)]
        max: Option<i64>,
    },
    /// Show the metrics of a running test.
    Stats,
}

/// Why a client command failed; the text is what k6 logs.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("Specify either -u/--vus or -m/--max")]
    NothingToScale,
    /// Go's text for a failed request: `Get "http://…": dial tcp …: connect: …`.
    #[error("{method} \"{url}\": {reason}")]
    Request {
        method: &'static str,
        url: String,
        reason: String,
    },
    /// The server's error document as `Title: Detail`.
    #[error("{0}")]
    Server(String),
    #[error("{0}")]
    Decode(String),
    #[error("{0}")]
    Yaml(#[from] serde_norway::Error),
}

/// Runs `cmd` against the API at `address`; the YAML to print.
pub async fn run(cmd: &ClientCommand, address: &str) -> Result<String, ClientError> {
    let api = Api { address };
    let attrs = match cmd {
        ClientCommand::Stats => return stats_yaml(&api.call("GET", "/v1/metrics", None).await?),
        ClientCommand::Status => api.call("GET", "/v1/status", None).await?,
        ClientCommand::Pause | ClientCommand::Resume => {
            let paused = matches!(cmd, ClientCommand::Pause);
            api.patch_status(json!(paused), Value::Null, Value::Null)
                .await?
        }
        ClientCommand::Scale { vus, max } => {
            if vus.is_none() && max.is_none() {
                return Err(ClientError::NothingToScale);
            }
            api.patch_status(Value::Null, json!(vus), json!(max))
                .await?
        }
    };
    status_yaml(&attrs["data"]["attributes"])
}

/// k6's client `Status` printed through Go's yaml: the null-able fields are text.
#[derive(Serialize)]
struct StatusYaml {
    status: i64,
    paused: String,
    vus: String,
    #[serde(rename = "vus-max")]
    vus_max: String,
    stopped: bool,
    running: bool,
    tainted: bool,
}

/// A null-able JSON value as Go's `null` types print as text: empty when null.
fn null_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn status_yaml(a: &Value) -> Result<String, ClientError> {
    let doc = StatusYaml {
        status: a["status"].as_i64().unwrap_or(0),
        paused: null_text(&a["paused"]),
        vus: null_text(&a["vus"]),
        vus_max: null_text(&a["vus-max"]),
        stopped: a["stopped"].as_bool().unwrap_or(false),
        running: a["running"].as_bool().unwrap_or(false),
        tainted: a["tainted"].as_bool().unwrap_or(false),
    };
    Ok(go_quotes(&serde_norway::to_string(&doc)?))
}

/// A null-able enum (`type`, `contains`) as k6's client prints it.
#[derive(Serialize)]
struct NullText {
    #[serde(rename = "type")]
    text: String,
    valid: bool,
}

#[derive(Serialize)]
struct MetricYaml {
    name: String,
    #[serde(rename = "type")]
    kind: NullText,
    contains: NullText,
    tainted: String,
    sample: BTreeMap<String, serde_norway::Value>,
}

#[derive(Deserialize)]
struct MetricsDoc {
    #[serde(default)]
    data: Vec<MetricDoc>,
}

#[derive(Deserialize)]
struct MetricDoc {
    #[serde(default)]
    id: String,
    #[serde(default)]
    attributes: Value,
}

/// A number as Go's yaml prints a float64: whole values without a fraction.
fn yaml_number(v: &Value) -> serde_norway::Value {
    let f = v.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 9e15 {
        serde_norway::Value::from(f as i64)
    } else {
        serde_norway::Value::from(f)
    }
}

fn stats_yaml(doc: &Value) -> Result<String, ClientError> {
    let doc: MetricsDoc =
        serde_json::from_value(doc.clone()).map_err(|e| ClientError::Decode(e.to_string()))?;
    let null_text_of = |v: &Value| NullText {
        text: null_text(v),
        valid: !v.is_null(),
    };
    let metrics: Vec<MetricYaml> = doc
        .data
        .into_iter()
        .map(|m| {
            let a = &m.attributes;
            MetricYaml {
                name: m.id,
                kind: null_text_of(&a["type"]),
                contains: null_text_of(&a["contains"]),
                tainted: null_text(&a["tainted"]),
                sample: a["sample"]
                    .as_object()
                    .map(|s| s.iter().map(|(k, v)| (k.clone(), yaml_number(v))).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(go_quotes(&serde_norway::to_string(&metrics)?))
}

/// Go's yaml writes a string that would read as another type (`"true"`, `"0"`, `""`) in
/// double quotes where serde's writer uses single quotes; for such plain texts (no quote
/// or backslash inside) the two mean the same, so the line is rewritten to k6's bytes.
fn go_quotes(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len());
    for line in yaml.lines() {
        let rewritten = line.split_once(": '").and_then(|(key, rest)| {
            let inner = rest.strip_suffix('\'')?;
            (!inner.contains(['\'', '"', '\\'])).then(|| format!("{key}: \"{inner}\""))
        });
        out.push_str(rewritten.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The API at one address, as k6's Go client calls it.
struct Api<'a> {
    address: &'a str,
}

impl Api<'_> {
    /// `PATCH /v1/status` with k6's client body: the whole status, unset fields null.
    async fn patch_status(
        &self,
        paused: Value,
        vus: Value,
        vus_max: Value,
    ) -> Result<Value, ClientError> {
        let body = json!({"data": {"type": "status", "id": "default", "attributes": {
            "status": 0, "paused": paused, "vus": vus, "vus-max": vus_max,
            "stopped": false, "running": false, "tainted": false,
        }}});
        self.call("PATCH", "/v1/status", Some(body)).await
    }

    /// One request; the answer's JSON, or k6's error text.
    async fn call(
        &self,
        method: &'static str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ClientError> {
        let url = format!("http://{}{path}", self.address);
        let go_method = if method == "GET" { "Get" } else { "Patch" };
        let failed = |reason: String| ClientError::Request {
            method: go_method,
            url: url.clone(),
            reason,
        };
        let stream = connect(self.address).await.map_err(&failed)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| failed(e.to_string()))?;
        tokio::spawn(conn);
        let payload = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
        let req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, self.address)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(payload))
            .map_err(|e| failed(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| failed(e.to_string()))?
            .to_bytes();
        let doc: Value =
            serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))?;
        if status.as_u16() >= 400 {
            let e = &doc["errors"][0];
            return Err(ClientError::Server(format!(
                "{}: {}",
                e["title"].as_str().unwrap_or_default(),
                e["detail"].as_str().unwrap_or_default()
            )));
        }
        Ok(doc)
    }
}

/// Connects to `address` (`host:port`), with Go's `dial tcp ADDR: connect: REASON` text
/// for a failure.
async fn connect(address: &str) -> Result<tokio::net::TcpStream, String> {
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host(address)
        .await
        .map_err(|e| format!("dial tcp: lookup {address}: {e}"))?
        .collect();
    let mut last = format!("dial tcp: lookup {address}: no such host");
    for addr in addrs {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("dial tcp {addr}: connect: {}", go_io_text(&e)),
        }
    }
    Err(last)
}

/// An I/O error as Go's syscall errors read (`connection refused`).
fn go_io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        std::io::ErrorKind::TimedOut => "i/o timeout".into(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_prints_like_k6_with_quoted_null_texts() {
        let a = json!({"status": 4, "paused": true, "vus": 0, "vus-max": 2,
                       "stopped": false, "running": false, "tainted": false});
        let want = "status: 4\npaused: \"true\"\nvus: \"0\"\nvus-max: \"2\"\nstopped: false\nrunning: false\ntainted: false\n";
        assert_eq!(status_yaml(&a).ok().as_deref(), Some(want));
    }

    #[test]
    fn stats_prints_each_metric_as_k6s_client_does() {
        let doc = json!({"data": [{"type": "metrics", "id": "vus", "attributes": {
            "type": "gauge", "contains": "default", "tainted": null, "sample": {"value": 0}}}]});
        let want = "- name: vus\n  type:\n    type: gauge\n    valid: true\n  contains:\n    type: default\n    valid: true\n  tainted: \"\"\n  sample:\n    value: 0\n";
        assert_eq!(stats_yaml(&doc).ok().as_deref(), Some(want));
    }
}
