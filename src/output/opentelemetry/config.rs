//! The settings of `--out experimental-opentelemetry`, read from the environment under
//! k6 v1.1's names (`K6_OTEL_*`, and `OTEL_SERVICE_NAME` beneath `K6_OTEL_SERVICE_NAME`),
//! with k6's defaults and k6's validation messages. Owns nothing but the parsing: the
//! exporter is built in `transport`.

use std::collections::BTreeMap;
use std::time::Duration;

/// Which OTLP transport carries the metrics (`K6_OTEL_EXPORTER_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterType {
    Grpc,
    Http,
}

/// Why the settings cannot be used; the text is k6's.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("parse environment variables options failed: {0}")]
    Env(String),
    #[error("error validating OpenTelemetry output config: {0}")]
    Invalid(String),
}

/// The OpenTelemetry output's settings, after defaults and the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct OtelConfig {
    pub service_name: String,
    pub service_version: String,
    pub metric_prefix: String,
    /// How often k6 moves buffered samples into the instruments (rk6 records each batch
    /// as it comes; kept so a bad value is refused as k6 refuses it).
    pub flush_interval: Duration,
    pub exporter_type: ExporterType,
    /// How often the periodic reader exports what the instruments hold.
    pub export_interval: Duration,
    /// `k1=v1,k2=v2`, each part path-unescaped.
    pub headers: Vec<(String, String)>,
    pub tls_insecure_skip_verify: bool,
    /// PEM roots to trust instead of the system's.
    pub tls_certificate: Option<String>,
    pub tls_client_certificate: Option<String>,
    pub tls_client_key: Option<String>,
    pub http_insecure: bool,
    /// `host:port`, no scheme.
    pub http_endpoint: String,
    pub http_url_path: String,
    pub grpc_endpoint: String,
    pub grpc_insecure: bool,
}

impl OtelConfig {
    /// k6's defaults, then the environment, then k6's validation.
    pub fn resolve(env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let mut c = OtelConfig {
            service_name: "k6".into(),
            service_version: rk6_runtime::K6_VERSION.into(),
            metric_prefix: String::new(),
            flush_interval: Duration::from_secs(1),
            exporter_type: ExporterType::Grpc,
            export_interval: Duration::from_secs(10),
            headers: Vec::new(),
            tls_insecure_skip_verify: false,
            tls_certificate: None,
            tls_client_certificate: None,
            tls_client_key: None,
            http_insecure: false,
            http_endpoint: "localhost:4318".into(),
            http_url_path: "/v1/metrics".into(),
            grpc_endpoint: "localhost:4317".into(),
            grpc_insecure: false,
        };
        c.apply_env(env)?;
        c.validate()?;
        Ok(c)
    }

    fn apply_env(&mut self, env: &BTreeMap<String, String>) -> Result<(), ConfigError> {
        // envconfig treats a variable that is set, even empty, as given.
        let get = |k: &str| env.get(k).cloned();
        if let Some(v) = get("OTEL_SERVICE_NAME") {
            self.service_name = v;
        }
        let strings: [(&str, &mut String); 6] = [
            ("K6_OTEL_SERVICE_NAME", &mut self.service_name),
            ("K6_OTEL_SERVICE_VERSION", &mut self.service_version),
            ("K6_OTEL_METRIC_PREFIX", &mut self.metric_prefix),
            ("K6_OTEL_HTTP_EXPORTER_ENDPOINT", &mut self.http_endpoint),
            ("K6_OTEL_HTTP_EXPORTER_URL_PATH", &mut self.http_url_path),
            ("K6_OTEL_GRPC_EXPORTER_ENDPOINT", &mut self.grpc_endpoint),
        ];
        for (key, slot) in strings {
            if let Some(v) = get(key) {
                *slot = v;
            }
        }
        let bools: [(&str, &mut bool); 3] = [
            (
                "K6_OTEL_TLS_INSECURE_SKIP_VERIFY",
                &mut self.tls_insecure_skip_verify,
            ),
            ("K6_OTEL_HTTP_EXPORTER_INSECURE", &mut self.http_insecure),
            ("K6_OTEL_GRPC_EXPORTER_INSECURE", &mut self.grpc_insecure),
        ];
        for (key, slot) in bools {
            if let Some(v) = get(key) {
                *slot = parse_bool(key, &v)?;
            }
        }
        for (key, slot) in [
            ("K6_OTEL_FLUSH_INTERVAL", &mut self.flush_interval),
            ("K6_OTEL_EXPORT_INTERVAL", &mut self.export_interval),
        ] {
            if let Some(v) = get(key) {
                *slot = rk6_runtime::duration::parse(&v).map_err(|e| {
                    ConfigError::Env(format!("envconfig.Process: assigning {key}: {e}"))
                })?;
            }
        }
        self.tls_certificate = get("K6_OTEL_TLS_CERTIFICATE");
        self.tls_client_certificate = get("K6_OTEL_TLS_CLIENT_CERTIFICATE");
        self.tls_client_key = get("K6_OTEL_TLS_CLIENT_KEY");
        if let Some(v) = get("K6_OTEL_EXPORTER_TYPE") {
            self.exporter_type = match v.as_str() {
                "grpc" => ExporterType::Grpc,
                "http" => ExporterType::Http,
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "unsupported exporter type \"{other}\", currently only \"grpc\" and \"http\" are supported"
                    )))
                }
            };
        }
        if let Some(v) = get("K6_OTEL_HEADERS") {
            self.headers = parse_headers(&v).map_err(ConfigError::Env)?;
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        if self.service_name.is_empty() {
            return invalid("providing service name is required");
        }
        if self.service_version.is_empty() {
            return invalid("providing service version is required");
        }
        match self.exporter_type {
            ExporterType::Grpc if self.grpc_endpoint.is_empty() => {
                invalid("gRPC exporter endpoint is required")
            }
            ExporterType::Http if self.http_endpoint.is_empty() => {
                invalid("HTTP exporter endpoint is required")
            }
            ExporterType::Http
                if self.http_endpoint.starts_with("http://")
                    || self.http_endpoint.starts_with("https://") =>
            {
                invalid("HTTP exporter endpoint must only be host and port, no scheme")
            }
            _ => Ok(()),
        }
    }

    /// The URL the HTTP exporter posts to: `https` unless `K6_OTEL_HTTP_EXPORTER_INSECURE`.
    pub fn http_url(&self) -> String {
        let scheme = if self.http_insecure { "http" } else { "https" };
        format!("{scheme}://{}{}", self.http_endpoint, self.http_url_path)
    }

    /// k6's description in the header's `output:` line.
    pub fn description(&self) -> String {
        match self.exporter_type {
            ExporterType::Http => format!("opentelemetry (http, {})", self.http_url()),
            ExporterType::Grpc if self.grpc_insecure => {
                format!("opentelemetry (grpc (insecure), {})", self.grpc_endpoint)
            }
            ExporterType::Grpc => format!("opentelemetry (grpc, {})", self.grpc_endpoint),
        }
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool, ConfigError> {
    // Go's strconv.ParseBool.
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(ConfigError::Env(format!(
            "envconfig.Process: assigning {key}: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        ))),
    }
}

/// `k1=v1,k2=v2` (W3C correlation-context style, each part path-unescaped).
fn parse_headers(raw: &str) -> Result<Vec<(String, String)>, String> {
    raw.split(',')
        .map(|part| {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                format!(
                    "failed to parse headers: invalid header \"{part}\", expected format key=value"
                )
            })?;
            Ok((unescape(k), unescape(v)))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    // Path unescaping: `+` stays a plus.
    crate::output::percent_decode(&s.replace('+', "%2B"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_k6s_and_grpc() {
        let c = OtelConfig::resolve(&BTreeMap::new()).unwrap();
        assert_eq!(c.exporter_type, ExporterType::Grpc);
        assert_eq!(c.description(), "opentelemetry (grpc, localhost:4317)");
        assert_eq!(c.export_interval, Duration::from_secs(10));
        assert_eq!(
            (c.service_name.as_str(), c.service_version.as_str()),
            ("k6", "1.1.0")
        );
    }

    #[test]
    fn http_settings_come_from_the_environment() {
        let c = OtelConfig::resolve(&env(&[
            ("K6_OTEL_EXPORTER_TYPE", "http"),
            ("K6_OTEL_HTTP_EXPORTER_ENDPOINT", "127.0.0.1:9"),
            ("K6_OTEL_HTTP_EXPORTER_INSECURE", "true"),
            ("K6_OTEL_HEADERS", "a=b%20c,x-y=1+2"),
            ("OTEL_SERVICE_NAME", "svc"),
            ("K6_OTEL_EXPORT_INTERVAL", "500ms"),
        ]))
        .unwrap();
        assert_eq!(c.http_url(), "http://127.0.0.1:9/v1/metrics");
        assert_eq!(c.service_name, "svc");
        assert_eq!(c.export_interval, Duration::from_millis(500));
        assert_eq!(
            c.headers,
            vec![("a".into(), "b c".into()), ("x-y".into(), "1+2".into())]
        );
    }

    #[test]
    fn bad_settings_are_refused_with_k6s_words() {
        let e = OtelConfig::resolve(&env(&[("K6_OTEL_EXPORTER_TYPE", "bogus")])).unwrap_err();
        assert!(
            e.to_string()
                .contains("unsupported exporter type \"bogus\""),
            "{e}"
        );
        let e = OtelConfig::resolve(&env(&[
            ("K6_OTEL_EXPORTER_TYPE", "http"),
            ("K6_OTEL_HTTP_EXPORTER_ENDPOINT", "http://x:1"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "error validating OpenTelemetry output config: HTTP exporter endpoint must only be host and port, no scheme"
        );
        assert!(OtelConfig::resolve(&env(&[("K6_OTEL_HEADERS", "nokey")])).is_err());
        assert!(OtelConfig::resolve(&env(&[("K6_OTEL_SERVICE_NAME", "")])).is_err());
    }
}
