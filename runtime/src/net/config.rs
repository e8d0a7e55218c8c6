//! The engine's options, from the test's `options` and the CLI (k6 names in comments).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::connector::DnsOptions;
use super::tls::TlsSettings;

/// HTTP options from the test's `options` (k6 names in comments).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `userAgent`; `None` sends no User-Agent header.
    pub user_agent: Option<String>,
    /// `maxRedirects`.
    pub max_redirects: u32,
    /// Whether `maxRedirects` was set explicitly (silences k6's "Stopped after" warning).
    pub max_redirects_set: bool,
    /// `discardResponseBodies`.
    pub discard_response_bodies: bool,
    /// `throw`.
    pub throw: bool,
    /// Default request timeout (60 s).
    pub timeout: Duration,
    /// `noConnectionReuse`.
    pub no_connection_reuse: bool,
    /// `noVUConnectionReuse`.
    pub no_vu_connection_reuse: bool,
    /// `noCookiesReset`.
    pub no_cookies_reset: bool,
    /// `batch`.
    pub batch: usize,
    /// `batchPerHost`.
    pub batch_per_host: usize,
    /// `insecureSkipTLSVerify`.
    pub insecure_skip_tls_verify: bool,
    /// `hosts`: name -> `ip[:port]`.
    pub hosts: BTreeMap<String, String>,
    /// `dns`.
    pub dns: DnsOptions,
    /// Client configurations from `insecureSkipTLSVerify`, `tlsVersion`,
    /// `tlsCipherSuites` and `tlsAuth`.
    pub tls: Arc<TlsSettings>,
    /// `httpDebug`.
    pub debug: HttpDebug,
    /// `blockHostnames`, `blacklistIPs` and `localIPs`.
    pub dial: Arc<super::dial_policy::DialPolicy>,
    /// `rps`: shared by every VU.
    pub rps: Option<super::dial_policy::RequestRate>,
}

/// `--http-debug`: log requests and responses, with or without bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpDebug {
    #[default]
    Off,
    Headers,
    Full,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: Some(format!("Grafana k6/{}", crate::K6_VERSION)),
            max_redirects: 10,
            max_redirects_set: false,
            discard_response_bodies: false,
            throw: false,
            timeout: Duration::from_secs(60),
            no_connection_reuse: false,
            no_vu_connection_reuse: false,
            no_cookies_reset: false,
            batch: 20,
            batch_per_host: 6,
            insecure_skip_tls_verify: false,
            hosts: BTreeMap::new(),
            dns: DnsOptions::default(),
            tls: Arc::new(TlsSettings::default()),
            debug: HttpDebug::Off,
            dial: Default::default(),
            rps: None,
        }
    }
}
