//! The HTTP options (`userAgent`, `maxRedirects`, connection reuse, `hosts`, `dns`, the TLS
//! options and `httpDebug`) and their conversion into the settings VUs use.

use std::sync::Arc;
use std::time::Duration;

use rk6_runtime::net::connector::{DnsOptions, DnsPolicy, DnsSelect};
use rk6_runtime::net::dial_policy::{
    parse_cidr, parse_local_ips, DialPolicy, HostnamePattern, PolicyError,
};
use rk6_runtime::net::tls::{TlsAuth, TlsOptions, TlsSettings};
use rk6_runtime::HttpDebug;
use serde::{Deserialize, Serialize};

use super::{ConfigError, DurationOpt, Options};

/// `tlsVersion`: one version, or a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TlsVersionOpt {
    One(String),
    Range {
        #[serde(default)]
        min: Option<String>,
        #[serde(default)]
        max: Option<String>,
    },
}

/// One `tlsAuth` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlsAuthOpt {
    #[serde(default)]
    pub domains: Option<Vec<String>>,
    pub cert: String,
    pub key: String,
    #[serde(default)]
    pub password: Option<String>,
}

/// `dns`: `{ttl, select, policy}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DnsOpt {
    #[serde(default)]
    pub ttl: Option<String>,
    #[serde(default)]
    pub select: Option<String>,
    #[serde(default)]
    pub policy: Option<String>,
}

impl DnsOpt {
    /// Parses `K6_DNS` / `--dns`: `ttl=1m,select=first,policy=preferIPv4`.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        let mut out = DnsOpt::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| ConfigError::Invalid(format!("invalid dns option '{part}'")))?;
            let v = Some(v.trim().to_string());
            match k.trim() {
                "ttl" => out.ttl = v,
                "select" => out.select = v,
                "policy" => out.policy = v,
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "unknown DNS configuration field: {other}"
                    )))
                }
            }
        }
        Ok(out)
    }

    fn to_runtime(&self) -> Result<DnsOptions, ConfigError> {
        let mut d = DnsOptions::default();
        if let Some(ttl) = self.ttl.as_deref() {
            // k6's `parseTTL`, whose error carries no exit code (255).
            let invalid = || ConfigError::Unclassified(format!("invalid DNS TTL: {ttl}"));
            d.ttl = match ttl {
                "inf" => None,
                "0" => Some(Duration::ZERO),
                t => {
                    let ns = DurationOpt::Text(t.to_string())
                        .signed_nanos()
                        .map_err(|_| invalid())?;
                    Some(Duration::from_nanos(
                        u64::try_from(ns).map_err(|_| invalid())?,
                    ))
                }
            };
        }
        if let Some(sel) = self.select.as_deref() {
            d.select = match sel {
                "first" => DnsSelect::First,
                "random" => DnsSelect::Random,
                "roundRobin" => DnsSelect::RoundRobin,
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "unsupported DNS selection strategy '{other}'"
                    )))
                }
            };
        }
        if let Some(pol) = self.policy.as_deref() {
            d.policy = match pol {
                "preferIPv4" => DnsPolicy::PreferIpv4,
                "preferIPv6" => DnsPolicy::PreferIpv6,
                "onlyIPv4" => DnsPolicy::OnlyIpv4,
                "onlyIPv6" => DnsPolicy::OnlyIpv6,
                "any" => DnsPolicy::Any,
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "unsupported DNS policy '{other}'"
                    )))
                }
            };
        }
        Ok(d)
    }
}

/// `httpDebug` / `--http-debug[=full]`.
pub fn http_debug(v: Option<&str>) -> HttpDebug {
    match v {
        None | Some("") => HttpDebug::Off,
        Some("full") => HttpDebug::Full,
        Some(_) => HttpDebug::Headers,
    }
}

impl Options {
    /// The TLS options as the runtime takes them.
    pub fn tls_options(&self) -> TlsOptions {
        let (min_version, max_version) = match &self.tls_version {
            None => (None, None),
            Some(TlsVersionOpt::One(v)) => (Some(v.clone()), Some(v.clone())),
            Some(TlsVersionOpt::Range { min, max }) => (min.clone(), max.clone()),
        };
        TlsOptions {
            insecure_skip_verify: self.insecure_skip_tls_verify.unwrap_or(false),
            min_version,
            max_version,
            cipher_suites: self.tls_cipher_suites.clone(),
            auth: self
                .tls_auth
                .iter()
                .flatten()
                .map(|a| TlsAuth {
                    domains: a.domains.clone().unwrap_or_default(),
                    cert: a.cert.clone(),
                    key: a.key.clone(),
                    password: a.password.clone(),
                })
                .collect(),
        }
    }

    /// Whether any `tlsAuth` entry names `domains` (k6 warns that they are deprecated).
    pub fn tls_auth_has_domains(&self) -> bool {
        self.tls_auth
            .iter()
            .flatten()
            .any(|a| a.domains.as_ref().is_some_and(|d| !d.is_empty()))
    }

    /// The HTTP settings VUs use; invalid TLS or DNS options are configuration errors.
    pub fn http_config(&self) -> Result<rk6_runtime::HttpConfig, ConfigError> {
        let mut h = rk6_runtime::HttpConfig::default();
        if let Some(ua) = &self.user_agent {
            h.user_agent = (!ua.is_empty()).then(|| ua.clone());
        }
        if let Some(m) = self.max_redirects {
            // k6 takes a negative limit; no redirect is then followed.
            h.max_redirects = u32::try_from(m.max(0)).unwrap_or(u32::MAX);
            h.max_redirects_set = true;
        }
        h.discard_response_bodies = self.discard_response_bodies.unwrap_or(false);
        h.throw = self.throw.unwrap_or(false);
        h.no_connection_reuse = self.no_connection_reuse.unwrap_or(false);
        h.no_vu_connection_reuse = self.no_vu_connection_reuse.unwrap_or(false);
        h.no_cookies_reset = self.no_cookies_reset.unwrap_or(false);
        // k6 takes negative batch limits (a limit under 1 means unlimited there).
        let limit = |v: Option<i64>, default: usize| match v {
            None => default,
            Some(n) if n < 1 => 0,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        };
        h.batch = limit(self.batch, 20);
        h.batch_per_host = limit(self.batch_per_host, 6);
        h.insecure_skip_tls_verify = self.insecure_skip_tls_verify.unwrap_or(false);
        h.hosts = self.hosts.clone().unwrap_or_default();
        // k6 refuses bad hostname patterns while decoding, before it builds the resolver.
        h.dial = Arc::new(self.dial_policy()?);
        h.dns = self.dns.clone().unwrap_or_default().to_runtime()?;
        h.tls = Arc::new(
            TlsSettings::new(&self.tls_options())
                .map_err(|e| ConfigError::Invalid(e.to_string()))?,
        );
        h.debug = http_debug(self.http_debug.as_deref());
        h.rps = self
            .rps
            .and_then(rk6_runtime::net::dial_policy::RequestRate::per_second);
        Ok(h)
    }

    /// `blockHostnames`, `blacklistIPs` and `localIPs`, parsed (errors exit 104).
    pub fn dial_policy(&self) -> Result<DialPolicy, ConfigError> {
        let invalid = |e: PolicyError| ConfigError::Invalid(e.to_string());
        Ok(DialPolicy {
            blocked_hostnames: self
                .block_hostnames
                .iter()
                .flatten()
                .map(|p| HostnamePattern::parse(p))
                .collect::<Result<_, _>>()
                .map_err(invalid)?,
            blacklist: self
                .blacklist_ips
                .iter()
                .flatten()
                .map(|c| parse_cidr(c))
                .collect::<Result<_, _>>()
                .map_err(invalid)?,
            local_ips: match self.local_ips.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => parse_local_ips(s).map_err(invalid)?,
                None => Vec::new(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_version_takes_a_string_or_a_range() {
        let o: Options = serde_json::from_str(r#"{"tlsVersion":"tls1.2"}"#).unwrap();
        let t = o.tls_options();
        assert_eq!(t.min_version.as_deref(), Some("tls1.2"));
        assert_eq!(t.max_version.as_deref(), Some("tls1.2"));
        let o: Options =
            serde_json::from_str(r#"{"tlsVersion":{"min":"tls1.2","max":"tls1.3"}}"#).unwrap();
        assert_eq!(o.tls_options().max_version.as_deref(), Some("tls1.3"));
        assert!(o.http_config().is_ok());
    }

    #[test]
    fn bad_tls_and_dns_options_are_config_errors() {
        let o: Options = serde_json::from_str(r#"{"tlsCipherSuites":["TLS_NOPE"]}"#).unwrap();
        let e = o.http_config().unwrap_err().to_string();
        assert_eq!(e, "unknown cipher suite 'TLS_NOPE'");
        let o: Options =
            serde_json::from_str(r#"{"tlsAuth":[{"cert":"garbage","key":"x"}]}"#).unwrap();
        assert!(o.http_config().is_err());
        let o: Options = serde_json::from_str(r#"{"dns":{"select":"best"}}"#).unwrap();
        assert!(o.http_config().is_err());
    }

    #[test]
    fn dns_env_form_parses() {
        let d = DnsOpt::parse("ttl=1m,select=roundRobin,policy=onlyIPv4").unwrap();
        let r = d.to_runtime().unwrap();
        assert_eq!(r.ttl, Some(Duration::from_secs(60)));
        assert_eq!(r.select, DnsSelect::RoundRobin);
        assert_eq!(r.policy, DnsPolicy::OnlyIpv4);
        assert!(DnsOpt::parse("nope=1").is_err());
    }
}
