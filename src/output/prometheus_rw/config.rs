//! The `experimental-prometheus-rw` output's settings, resolved as k6 v1.1 resolves them:
//! defaults, then the `K6_PROMETHEUS_RW_*` environment. k6 ignores the `--out` argument of
//! this output (its `=…` part), so rk6 does too.

use std::collections::BTreeMap;
use std::time::Duration;

use super::PrometheusRwError;

/// k6's default endpoint.
pub const DEFAULT_SERVER_URL: &str = "http://localhost:9090/api/v1/write";

/// What the output was configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct RwConfig {
    pub server_url: String,
    /// Extra request headers (`K6_PROMETHEUS_RW_HEADERS_<NAME>`, `_HTTP_HEADERS`, and the
    /// bearer token's `Authorization`).
    pub headers: BTreeMap<String, String>,
    pub insecure_skip_tls_verify: bool,
    /// Basic auth, when a username is set (even an empty one).
    pub username: Option<String>,
    pub password: String,
    /// PEM files of a client certificate; used when both are set.
    pub client_certificate: Option<String>,
    pub client_certificate_key: Option<String>,
    pub push_interval: Duration,
    pub trend_as_native_histogram: bool,
    /// `K6_PROMETHEUS_RW_TREND_STATS`, as given (`p(99)`, `avg`, `sum`, …).
    pub trend_stats: Vec<String>,
    pub stale_markers: bool,
}

impl Default for RwConfig {
    fn default() -> Self {
        RwConfig {
            server_url: DEFAULT_SERVER_URL.to_string(),
            headers: BTreeMap::new(),
            insecure_skip_tls_verify: false,
            username: None,
            password: String::new(),
            client_certificate: None,
            client_certificate_key: None,
            push_interval: Duration::from_secs(5),
            trend_as_native_histogram: false,
            trend_stats: vec!["p(99)".to_string()],
            stale_markers: false,
        }
    }
}

const PREFIX: &str = "K6_PROMETHEUS_RW_";
const SIGV4: [&str; 3] = [
    "K6_PROMETHEUS_RW_SIGV4_REGION",
    "K6_PROMETHEUS_RW_SIGV4_ACCESS_KEY",
    "K6_PROMETHEUS_RW_SIGV4_SECRET_KEY",
];

fn env_error(msg: String) -> PrometheusRwError {
    PrometheusRwError::Config(format!("parse environment variables options failed: {msg}"))
}

/// Go's `strconv.ParseBool`.
fn go_bool(name: &str, v: &str) -> Result<bool, PrometheusRwError> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(env_error(format!(
            "{name}: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        ))),
    }
}

impl RwConfig {
    /// Defaults, then the environment (a variable counts when it is set, even empty).
    pub fn resolve(env: &BTreeMap<String, String>) -> Result<RwConfig, PrometheusRwError> {
        let var = |k: &str| env.get(&format!("{PREFIX}{k}")).cloned();
        let flag = |k: &str| -> Result<Option<bool>, PrometheusRwError> {
            var(k)
                .map(|v| go_bool(&format!("{PREFIX}{k}"), &v))
                .transpose()
        };
        let mut c = RwConfig::default();
        if let Some(v) = var("PUSH_INTERVAL").filter(|v| !v.is_empty()) {
            c.push_interval = rk6_runtime::duration::parse(&v)
                .map_err(|e| env_error(format!("{PREFIX}PUSH_INTERVAL: {e}")))?;
        }
        if let Some(v) = var("SERVER_URL") {
            c.server_url = v;
        }
        if let Some(b) = flag("INSECURE_SKIP_TLS_VERIFY")? {
            c.insecure_skip_tls_verify = b;
        }
        c.username = var("USERNAME");
        c.password = var("PASSWORD").unwrap_or_default();
        c.client_certificate = var("CLIENT_CERTIFICATE");
        c.client_certificate_key = var("CLIENT_CERTIFICATE_KEY");
        for (k, v) in env {
            if let Some(name) = k.strip_prefix("K6_PROMETHEUS_RW_HEADERS_") {
                c.headers.insert(name.to_string(), v.clone());
            }
        }
        if let Some(list) = var("HTTP_HEADERS") {
            for pair in list.split(',') {
                let parts: Vec<&str> = pair.split(':').collect();
                let [name, value] = parts[..] else {
                    return Err(env_error(format!(
                        "the provided header ({pair}) does not respect the expected format <header key>:<value>"
                    )));
                };
                c.headers.insert(name.to_string(), value.to_string());
            }
        }
        if let Some(b) = flag("TREND_AS_NATIVE_HISTOGRAM")? {
            c.trend_as_native_histogram = b;
        }
        if let Some(b) = flag("STALE_MARKERS")? {
            c.stale_markers = b;
        }
        if let Some(v) = var("TREND_STATS") {
            c.trend_stats = v.split(',').map(str::to_string).collect();
        }
        if let Some(token) = var("BEARER_TOKEN").filter(|t| !t.is_empty()) {
            c.headers
                .insert("Authorization".to_string(), format!("Bearer {token}"));
        }
        check_sigv4(env)?;
        Ok(c)
    }

    /// The basic-auth credentials a request carries. As in k6, the configured headers
    /// replace the request's headers after basic auth was set, so any header (a bearer
    /// token included) drops basic auth.
    pub fn basic_auth(&self) -> Option<(&str, &str)> {
        match &self.username {
            Some(user) if self.headers.is_empty() => Some((user, &self.password)),
            _ => None,
        }
    }

    /// The client certificate's and key's PEM text, when both files are configured.
    pub fn client_pem(&self) -> Result<Option<(String, String)>, PrometheusRwError> {
        let (Some(cert), Some(key)) = (&self.client_certificate, &self.client_certificate_key)
        else {
            return Ok(None);
        };
        let read = |path: &str| {
            std::fs::read_to_string(path).map_err(|e| {
                PrometheusRwError::Config(format!(
                    "failed to load the TLS certificate: open {path}: {e}"
                ))
            })
        };
        Ok(Some((read(cert)?, read(key)?)))
    }
}

/// k6 signs requests with AWS SigV4 when all three variables are set and refuses a
/// partial setting; rk6 does not sign, so it refuses any setting.
fn check_sigv4(env: &BTreeMap<String, String>) -> Result<(), PrometheusRwError> {
    let set = SIGV4
        .iter()
        .filter(|k| env.get(**k).is_some_and(|v| !v.trim().is_empty()))
        .count();
    match set {
        0 => Ok(()),
        3 => Err(PrometheusRwError::Config(
            "rk6 does not sign remote-write requests with AWS SigV4: unset \
             K6_PROMETHEUS_RW_SIGV4_REGION, K6_PROMETHEUS_RW_SIGV4_ACCESS_KEY and \
             K6_PROMETHEUS_RW_SIGV4_SECRET_KEY"
                .to_string(),
        )),
        _ => Err(PrometheusRwError::Config(
            "sigv4 seems to be partially configured. All of K6_PROMETHEUS_RW_SIGV4_REGION, \
             K6_PROMETHEUS_RW_SIGV4_ACCESS_KEY, K6_PROMETHEUS_RW_SIGV4_SECRET_KEY must all be \
             set. Unset all to bypass sigv4"
                .to_string(),
        )),
    }
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
    fn defaults_are_k6s() {
        let c = RwConfig::resolve(&BTreeMap::new()).unwrap();
        assert_eq!(c, RwConfig::default());
        assert_eq!(c.server_url, "http://localhost:9090/api/v1/write");
        assert_eq!(c.push_interval, Duration::from_secs(5));
        assert_eq!(c.trend_stats, vec!["p(99)"]);
    }

    #[test]
    fn environment_sets_every_field() {
        let c = RwConfig::resolve(&env(&[
            ("K6_PROMETHEUS_RW_SERVER_URL", "http://127.0.0.1:1/w"),
            ("K6_PROMETHEUS_RW_PUSH_INTERVAL", "2s"),
            ("K6_PROMETHEUS_RW_TREND_STATS", "p(95),avg,sum"),
            ("K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM", "true"),
            ("K6_PROMETHEUS_RW_STALE_MARKERS", "1"),
            ("K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY", "T"),
            ("K6_PROMETHEUS_RW_HEADERS_X-Team", "perf"),
            ("K6_PROMETHEUS_RW_HTTP_HEADERS", "X-A:1,X-B:2"),
            ("K6_PROMETHEUS_RW_BEARER_TOKEN", "tok"),
        ]))
        .unwrap();
        assert_eq!(c.server_url, "http://127.0.0.1:1/w");
        assert_eq!(c.push_interval, Duration::from_secs(2));
        assert_eq!(c.trend_stats, vec!["p(95)", "avg", "sum"]);
        assert!(c.trend_as_native_histogram && c.stale_markers && c.insecure_skip_tls_verify);
        assert_eq!(c.headers["X-Team"], "perf");
        assert_eq!(c.headers["X-B"], "2");
        assert_eq!(c.headers["Authorization"], "Bearer tok");
    }

    #[test]
    fn basic_auth_is_dropped_by_any_header_as_in_k6() {
        let c = RwConfig::resolve(&env(&[
            ("K6_PROMETHEUS_RW_USERNAME", "u"),
            ("K6_PROMETHEUS_RW_PASSWORD", "p"),
        ]))
        .unwrap();
        assert_eq!(c.basic_auth(), Some(("u", "p")));
        let c = RwConfig::resolve(&env(&[
            ("K6_PROMETHEUS_RW_USERNAME", "u"),
            ("K6_PROMETHEUS_RW_HEADERS_X", "1"),
        ]))
        .unwrap();
        assert_eq!(c.basic_auth(), None);
    }

    #[test]
    fn bad_values_are_refused() {
        for pairs in [
            [("K6_PROMETHEUS_RW_STALE_MARKERS", "yes")],
            [("K6_PROMETHEUS_RW_HTTP_HEADERS", "a:b:c")],
            [("K6_PROMETHEUS_RW_PUSH_INTERVAL", "soon")],
            [("K6_PROMETHEUS_RW_SIGV4_REGION", "eu-west-1")],
        ] {
            assert!(RwConfig::resolve(&env(&pairs)).is_err(), "{pairs:?}");
        }
    }
}
