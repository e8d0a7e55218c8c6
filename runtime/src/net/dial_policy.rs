//! Where a VU may connect and from which address, checked at dial time so that every
//! connection obeys it: requests, each redirect hop, batch items and WebSockets, as in k6.
//!
//! - `blockHostnames`: case-insensitive names, an optional leading `*` matching any prefix
//!   (`*.k6.local` blocks `a.k6.local`, not `k6.local`). Checked on the name as written,
//!   before `hosts` and DNS; IP literals are never matched.
//! - `blacklistIPs`: CIDR ranges, checked on the resolved address (so `localhost` and
//!   `hosts` entries are covered).
//! - `localIPs`: source addresses handed to VUs round-robin by VU number; each VU keeps one.
//! - `rps`: one limiter shared by every VU of the test, one token per request (not per
//!   redirect hop), burst 1.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use ipnet::IpNet;

/// An invalid policy value; the message is k6's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("invalid hostname pattern '{0}'")]
    HostnamePattern(String),
    #[error("failed to parse CIDR '{0}': invalid CIDR address: {0}")]
    Cidr(String),
    #[error("{0} is not a valid IP, IP range or CIDR")]
    LocalIp(String),
    #[error("negative IP range: {0}")]
    NegativeRange(String),
}

/// One `blockHostnames` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostnamePattern {
    /// As k6 prints it: lower-cased.
    text: String,
    /// A leading `*`: the rest is a suffix.
    wildcard: bool,
}

impl HostnamePattern {
    /// Parses k6's pattern grammar: an optional leading `*` or `*.`, then dot-separated
    /// labels of letters, digits and inner hyphens.
    pub fn parse(pattern: &str) -> Result<Self, PolicyError> {
        let text = pattern.to_ascii_lowercase();
        let (wildcard, rest) = match text.strip_prefix('*') {
            Some(rest) => (true, rest.strip_prefix('.').unwrap_or(rest)),
            None => (false, text.as_str()),
        };
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let valid = (rest.is_empty() && wildcard) || rest.split('.').all(label_ok);
        if !valid {
            return Err(PolicyError::HostnamePattern(pattern.to_string()));
        }
        Ok(HostnamePattern { text, wildcard })
    }

    fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.wildcard {
            host.ends_with(&self.text[1..])
        } else {
            host == self.text
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// Parses a `blacklistIPs` CIDR (a bare address is refused, as in k6).
pub fn parse_cidr(text: &str) -> Result<IpNet, PolicyError> {
    text.parse::<IpNet>()
        .map_err(|_| PolicyError::Cidr(text.to_string()))
}

/// `localIPs`: single addresses, `a-b` ranges and CIDRs, comma-separated without spaces.
/// An IPv4 CIDR of more than two addresses leaves out its network and broadcast address.
pub fn parse_local_ips(text: &str) -> Result<Vec<IpAddr>, PolicyError> {
    let mut pool = Vec::new();
    for item in text.split(',') {
        let bad = || PolicyError::LocalIp(item.to_string());
        if let Some((a, b)) = item.split_once('-') {
            let (a, b): (IpAddr, IpAddr) =
                (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
            let range = match (a, b) {
                (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => ipnet::Ipv4AddrRange::new(a, b)
                    .map(IpAddr::V4)
                    .collect::<Vec<_>>(),
                (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => ipnet::Ipv6AddrRange::new(a, b)
                    .take(1 << 16)
                    .map(IpAddr::V6)
                    .collect(),
                (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
                    return Err(PolicyError::NegativeRange(item.to_string()))
                }
                _ => return Err(bad()),
            };
            pool.extend(range);
        } else if item.contains('/') {
            let net: IpNet = item.parse().map_err(|_| bad())?;
            // ipnet's hosts() leaves out an IPv4 network's first and last address once it
            // has more than two, as k6 does.
            match net {
                IpNet::V4(n) => pool.extend(n.hosts().map(IpAddr::V4)),
                IpNet::V6(n) => pool.extend(n.hosts().take(1 << 16).map(IpAddr::V6)),
            }
        } else {
            pool.push(item.parse().map_err(|_| bad())?);
        }
    }
    Ok(pool)
}

/// Why a dial was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// k6 1111: the name matched a `blockHostnames` pattern.
    BlockedHostname { host: String, pattern: String },
    /// k6 1110: the resolved address is in a `blacklistIPs` range.
    BlacklistedIp { ip: IpAddr, range: IpNet },
}

/// The test's dial rules (shared by every VU).
#[derive(Debug, Clone, Default)]
pub struct DialPolicy {
    pub blocked_hostnames: Vec<HostnamePattern>,
    pub blacklist: Vec<IpNet>,
    pub local_ips: Vec<IpAddr>,
}

impl DialPolicy {
    /// Whether `host` (as written in the URL) may be dialled.
    pub(crate) fn check_name(&self, host: &str) -> Result<(), Refusal> {
        if host.parse::<IpAddr>().is_ok() {
            return Ok(());
        }
        match self.blocked_hostnames.iter().find(|p| p.matches(host)) {
            Some(p) => Err(Refusal::BlockedHostname {
                host: host.to_string(),
                pattern: p.as_str().to_string(),
            }),
            None => Ok(()),
        }
    }

    /// Whether the resolved `ip` may be dialled.
    pub(crate) fn check_ip(&self, ip: IpAddr) -> Result<(), Refusal> {
        match self.blacklist.iter().find(|n| n.contains(&ip)) {
            Some(range) => Err(Refusal::BlacklistedIp { ip, range: *range }),
            None => Ok(()),
        }
    }

    /// The source address of VU `id` (1-based; the init-only VU 0 takes the first).
    pub(crate) fn local_ip(&self, vu: u64) -> Option<IpAddr> {
        if self.local_ips.is_empty() {
            return None;
        }
        let i = (vu.saturating_sub(1) % self.local_ips.len() as u64) as usize;
        self.local_ips.get(i).copied()
    }
}

/// `rps`: one limiter for the whole test.
#[derive(Clone)]
pub struct RequestRate(Arc<governor::DefaultDirectRateLimiter>);

impl RequestRate {
    /// `None` for 0 or less (no limit).
    pub fn per_second(rps: i64) -> Option<Self> {
        let n = NonZeroU32::new(u32::try_from(rps).ok()?)?;
        let quota = governor::Quota::per_second(n).allow_burst(NonZeroU32::MIN);
        Some(RequestRate(Arc::new(governor::RateLimiter::direct(quota))))
    }

    /// Waits for the next request's turn.
    pub(crate) async fn wait(&self) {
        self.0.until_ready().await;
    }
}

impl std::fmt::Debug for RequestRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestRate")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_patterns_match_subdomains_only() {
        let p = HostnamePattern::parse("*.K6.local").unwrap();
        assert!(p.matches("a.k6.local") && p.matches("A.B.k6.LOCAL"));
        assert!(!p.matches("k6.local") && !p.matches("xk6.local"));
        let exact = HostnamePattern::parse("blocked.test").unwrap();
        assert!(exact.matches("BLOCKED.test") && !exact.matches("sub.blocked.test"));
        for bad in ["a.*.com", "bad_host", "**x", "-a.com"] {
            assert!(HostnamePattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_ips_expand_ranges_and_cidrs_like_k6() {
        let ips = parse_local_ips("127.0.0.5,127.0.0.10/30,127.0.0.20-127.0.0.21").unwrap();
        let shown: Vec<String> = ips.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            shown,
            [
                "127.0.0.5",
                "127.0.0.9",
                "127.0.0.10",
                "127.0.0.20",
                "127.0.0.21"
            ]
        );
        assert!(matches!(
            parse_local_ips("127.0.0.3-127.0.0.2"),
            Err(PolicyError::NegativeRange(_))
        ));
        assert!(parse_local_ips("bogus").is_err());
        let policy = DialPolicy {
            local_ips: ips[..2].to_vec(),
            ..Default::default()
        };
        let by_vu: Vec<String> = (1..=3)
            .map(|v| policy.local_ip(v).unwrap().to_string())
            .collect();
        assert_eq!(by_vu, ["127.0.0.5", "127.0.0.9", "127.0.0.5"]);
    }

    #[test]
    fn blacklist_checks_resolved_addresses() {
        let policy = DialPolicy {
            blacklist: vec![parse_cidr("127.0.0.0/8").unwrap()],
            ..Default::default()
        };
        assert!(policy.check_ip("127.0.0.1".parse().unwrap()).is_err());
        assert!(policy.check_ip("10.0.0.1".parse().unwrap()).is_ok());
        assert!(parse_cidr("127.0.0.1").is_err());
    }
}
