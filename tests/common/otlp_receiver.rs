//! An OTLP/HTTP metrics receiver not written by us in Rust: `tests/servers/otlp_receiver.py`
//! decodes with the official `opentelemetry-proto` package (PyPI). It binds a port it picks
//! itself on 127.0.0.1, is killed on drop (or by [`OtlpReceiver::kill`] mid-run), and
//! ends itself after 10 minutes. Owns: starting it and reading back what it received.

use std::collections::BTreeMap;

use serde_json::Value;

use super::KillOnDrop;

pub struct OtlpReceiver {
    child: KillOnDrop,
    /// OTLP/HTTP, and the dump.
    pub port: u16,
    /// OTLP/gRPC.
    pub grpc_port: u16,
}

impl OtlpReceiver {
    pub fn start() -> OtlpReceiver {
        // "GRPC_PORT n" comes first, then "PORT n".
        let (child, ports) = super::py_server::start(
            "otlp_receiver.py",
            2,
            "pip install opentelemetry-proto grpcio",
        );
        OtlpReceiver {
            child,
            port: ports[1],
            grpc_port: ports[0],
        }
    }

    /// `host:port`, as `K6_OTEL_HTTP_EXPORTER_ENDPOINT` takes it.
    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The environment that points k6's and rk6's OpenTelemetry output here, exporting
    /// every 200 ms (and flushing k6's sample buffer every 100 ms).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("K6_OTEL_EXPORTER_TYPE", "http".to_string()),
            ("K6_OTEL_HTTP_EXPORTER_INSECURE", "true".to_string()),
            ("K6_OTEL_HTTP_EXPORTER_ENDPOINT", self.endpoint()),
            ("K6_OTEL_EXPORT_INTERVAL", "200ms".to_string()),
            ("K6_OTEL_FLUSH_INTERVAL", "100ms".to_string()),
        ]
    }

    /// The same over OTLP/gRPC (k6's default transport), without TLS.
    pub fn grpc_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("K6_OTEL_EXPORTER_TYPE", "grpc".to_string()),
            ("K6_OTEL_GRPC_EXPORTER_INSECURE", "true".to_string()),
            (
                "K6_OTEL_GRPC_EXPORTER_ENDPOINT",
                format!("127.0.0.1:{}", self.grpc_port),
            ),
            ("K6_OTEL_EXPORT_INTERVAL", "200ms".to_string()),
            ("K6_OTEL_FLUSH_INTERVAL", "100ms".to_string()),
        ]
    }

    /// Stops the receiver now (a receiver dying mid-run).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Everything received so far (see the script for the shape).
    pub fn dump(&self) -> Received {
        let url = format!("http://127.0.0.1:{}/dump", self.port);
        let (status, body) = super::influx::curl(&[&url]);
        assert_eq!(status, 200, "GET {url}: {body}");
        Received(serde_json::from_str(&body).expect("the receiver's dump is JSON"))
    }
}

/// What the receiver holds.
pub struct Received(pub Value);

impl Received {
    pub fn requests(&self) -> u64 {
        self.0["requests"].as_u64().unwrap_or(0)
    }

    pub fn resource(&self, key: &str) -> Option<&str> {
        self.0["resource"][key].as_str()
    }

    /// Metric name → OTLP type (`sum`, `gauge`, `histogram`).
    pub fn types(&self) -> BTreeMap<String, String> {
        self.0["metrics"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v["type"].as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn metric(&self, name: &str) -> &Value {
        let m = &self.0["metrics"][name];
        assert!(!m.is_null(), "no {name} received: {:#}", self.0);
        m
    }

    /// The latest points of a metric.
    pub fn points(&self, name: &str) -> Vec<&Value> {
        self.metric(name)["points"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }

    /// A sum's total over its attribute sets (a histogram's count).
    pub fn total(&self, name: &str) -> f64 {
        self.points(name)
            .iter()
            .map(|p| p["value"].as_f64().or(p["count"].as_f64()).unwrap_or(0.0))
            .sum()
    }
}
