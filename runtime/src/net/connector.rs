//! A VU's connections: name resolution (`hosts` overrides, k6's `dns` select/policy/ttl),
//! TCP, TLS with ALPN, and the wire accounting k6 reports — bytes per VU on the socket (for
//! `data_sent`/`data_received`) and, per connection, when it was dialled, connected, done
//! with TLS and last written to (for the request timings).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::Uri;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::dial_policy::{DialPolicy, Refusal};
pub(crate) use super::stream::{Conn, Counted, Stream};
use super::tls::{cipher_name, version_name, TlsSettings};
use crate::metrics::Wire;

/// k6's `dns.select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DnsSelect {
    First,
    #[default]
    Random,
    RoundRobin,
}

/// k6's `dns.policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DnsPolicy {
    #[default]
    PreferIpv4,
    PreferIpv6,
    OnlyIpv4,
    OnlyIpv6,
    Any,
}

/// k6's `dns` option.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsOptions {
    /// How long a lookup is reused; `None` = forever (`inf`), zero = never cached.
    pub ttl: Option<Duration>,
    pub select: DnsSelect,
    pub policy: DnsPolicy,
}

impl Default for DnsOptions {
    fn default() -> Self {
        DnsOptions {
            ttl: Some(Duration::from_secs(300)),
            select: DnsSelect::Random,
            policy: DnsPolicy::PreferIpv4,
        }
    }
}

/// How long a TCP dial may take (k6's dialer `Timeout`).
const DIAL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Why a connection could not be made; the request's error names it in k6's words.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectError {
    #[error("invalid URL: no host")]
    NoHost,
    #[error("lookup {host}: no such host")]
    NoSuchHost { host: String },
    #[error("dial tcp {addr}: {}", go_io_text(source))]
    Dial { addr: SocketAddr, source: io::Error },
    #[error("{source}")]
    Tls { addr: SocketAddr, source: io::Error },
    #[error("hostname ({host}) is in a blocked pattern ({pattern})")]
    BlockedHostname { host: String, pattern: String },
    #[error("IP ({ip}) is in a blacklisted range ({range})")]
    BlacklistedIp { ip: IpAddr, range: ipnet::IpNet },
}

impl From<Refusal> for ConnectError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::BlockedHostname { host, pattern } => {
                ConnectError::BlockedHostname { host, pattern }
            }
            Refusal::BlacklistedIp { ip, range } => ConnectError::BlacklistedIp { ip, range },
        }
    }
}

/// Go's words for a failed dial (`connect: connection refused`).
fn go_io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connect: connection refused".into(),
        io::ErrorKind::TimedOut => "i/o timeout".into(),
        io::ErrorKind::ConnectionReset => "connect: connection reset by peer".into(),
        _ => e.to_string(),
    }
}

/// What a response learns about the connection it came on.
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo(Arc<ConnMeta>);

#[derive(Debug)]
struct ConnMeta {
    remote: SocketAddr,
    local: Option<SocketAddr>,
    /// k6's names of the TLS version and cipher suite; `None` for plain TCP.
    tls: Option<(&'static str, String)>,
    dial_start: Instant,
    connected: Instant,
    tls_done: Option<Instant>,
    /// True until the first response on this connection claims its setup times.
    fresh: AtomicBool,
    clock: Arc<WriteClock>,
}

/// The setup phases of a new connection, for the request that opened it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    pub dial_start: Instant,
    pub connected: Instant,
    pub tls_done: Option<Instant>,
}

impl ConnInfo {
    pub(crate) fn remote(&self) -> SocketAddr {
        self.0.remote
    }

    pub(crate) fn local(&self) -> Option<SocketAddr> {
        self.0.local
    }

    /// (`tls_version`, `tls_cipher_suite`) as k6 names them.
    pub(crate) fn tls(&self) -> Option<(&'static str, &str)> {
        self.0.tls.as_ref().map(|(v, c)| (*v, c.as_str()))
    }

    /// The connection's setup times, for the first response on it only.
    pub(crate) fn claim_setup(&self) -> Option<Setup> {
        self.0.fresh.swap(false, Ordering::AcqRel).then_some(Setup {
            dial_start: self.0.dial_start,
            connected: self.0.connected,
            tls_done: self.0.tls_done,
        })
    }

    /// When bytes were last written on this connection.
    pub(crate) fn last_write(&self) -> Option<Instant> {
        self.0.clock.last()
    }
}

/// The last write on a connection, as nanoseconds after it was dialled.
#[derive(Debug)]
pub(crate) struct WriteClock {
    base: Instant,
    last_ns: AtomicU64,
}

impl WriteClock {
    pub(crate) fn mark(&self) {
        let ns = u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_ns.store(ns, Ordering::Relaxed);
    }

    fn last(&self) -> Option<Instant> {
        match self.last_ns.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(self.base + Duration::from_nanos(ns)),
        }
    }
}

/// The per-VU connector given to hyper's pooled client.
#[derive(Clone)]
pub(crate) struct Connector {
    inner: Arc<Inner>,
}

struct Inner {
    tls: Arc<TlsSettings>,
    policy: Arc<DialPolicy>,
    /// This VU's `localIPs` source address.
    local_ip: Option<IpAddr>,
    hosts: BTreeMap<String, String>,
    dns: DnsOptions,
    wire: Arc<Wire>,
    cache: Mutex<HashMap<String, (Instant, Vec<IpAddr>)>>,
    round_robin: AtomicUsize,
}

impl Connector {
    /// The connector of VU `vu` under `config`, counting bytes into `wire`.
    pub(crate) fn new(config: &super::config::HttpConfig, vu: u64, wire: Arc<Wire>) -> Self {
        Connector {
            inner: Arc::new(Inner {
                tls: config.tls.clone(),
                policy: config.dial.clone(),
                local_ip: config.dial.local_ip(vu),
                hosts: config.hosts.clone(),
                dns: config.dns.clone(),
                wire,
                cache: Mutex::new(HashMap::new()),
                round_robin: AtomicUsize::new(0),
            }),
        }
    }
}

impl Connector {
    /// A connection for `uri`'s scheme, host and port: dialled, and for `https`
    /// encrypted with ALPN offering HTTP/2.
    pub(crate) async fn connect(&self, uri: Uri) -> Result<Conn, ConnectError> {
        self.inner.connect(uri).await
    }
}

/// The host (without IPv6 brackets) and port `url` names; a missing port is the scheme's
/// (443 when `tls`, else 80, for schemes without a known one such as `ws`).
pub(crate) fn host_port(url: &url::Url, tls: bool) -> (String, u16) {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(if tls { 443 } else { 80 });
    (host, port)
}

impl Connector {
    /// A counted (and for `tls`, encrypted with ALPN `http/1.1` only) stream to
    /// `host:port`, for protocols other than HTTP such as WebSockets.
    pub(crate) async fn dial(
        &self,
        host: &str,
        port: u16,
        tls: bool,
    ) -> Result<Stream, ConnectError> {
        let conn = self.inner.open(host, port, tls, true, None).await?;
        Ok(conn.io.into_inner())
    }

    /// A counted stream to `host:port`, encrypted with `tls` when given (its own roots,
    /// client certificate and ALPN): for gRPC, whose `connect()` carries TLS settings.
    pub(crate) async fn dial_with(
        &self,
        host: &str,
        port: u16,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Stream, ConnectError> {
        let conn = self.inner.open(host, port, tls.is_some(), false, tls).await?;
        Ok(conn.io.into_inner())
    }
}

impl Inner {
    async fn connect(&self, uri: Uri) -> Result<Conn, ConnectError> {
        let host = uri.host().ok_or(ConnectError::NoHost)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        self.open(host, port, https, false, None).await
    }

    async fn open(
        &self,
        host: &str,
        port: u16,
        https: bool,
        http1_only: bool,
        custom: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Conn, ConnectError> {
        let dial_start = Instant::now();
        self.policy.check_name(host)?;
        let addr = self.resolve(host, port).await?;
        self.policy.check_ip(addr.ip())?;
        // k6's dialer gives up after 30 s (`dial: i/o timeout`, 1211), whatever the
        // request's own timeout.
        let tcp = match tokio::time::timeout(DIAL_TIMEOUT, self.tcp(addr)).await {
            Ok(dialled) => dialled.map_err(|source| ConnectError::Dial { addr, source })?,
            Err(_) => {
                return Err(ConnectError::Dial {
                    addr,
                    source: io::ErrorKind::TimedOut.into(),
                })
            }
        };
        let _ = tcp.set_nodelay(true);
        let local = tcp.local_addr().ok();
        let connected = Instant::now();
        let clock = Arc::new(WriteClock {
            base: dial_start,
            last_ns: AtomicU64::new(0),
        });
        let counted = Counted {
            io: tcp,
            wire: self.wire.clone(),
            clock: clock.clone(),
        };
        let meta = |tls, tls_done| ConnMeta {
            remote: addr,
            local,
            tls,
            dial_start,
            connected,
            tls_done,
            fresh: AtomicBool::new(true),
            clock: clock.clone(),
        };
        if !https {
            return Ok(Conn {
                io: TokioIo::new(Stream::Plain(counted)),
                info: ConnInfo(Arc::new(meta(None, None))),
                h2: false,
                heads: None,
            });
        }
        let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| {
            ConnectError::Tls {
                addr,
                source: io::Error::new(io::ErrorKind::InvalidInput, e),
            }
        })?;
        let mut config = match custom {
            Some(c) => c,
            None => self
                .tls
                .for_host(host)
                .map_err(|source| ConnectError::Tls { addr, source })?,
        };
        if http1_only {
            let mut c = (*config).clone();
            c.alpn_protocols = vec![b"http/1.1".to_vec()];
            config = Arc::new(c);
        }
        let connector = tokio_rustls::TlsConnector::from(config);
        let tls = connector
            .connect(name, counted)
            .await
            .map_err(|source| ConnectError::Tls { addr, source })?;
        let tls_done = Instant::now();
        let (_, session) = tls.get_ref();
        let h2 = session.alpn_protocol() == Some(b"h2");
        let names = (
            session.protocol_version().map_or("", version_name),
            session
                .negotiated_cipher_suite()
                .map(|s| cipher_name(s.suite()))
                .unwrap_or_default(),
        );
        Ok(Conn {
            io: TokioIo::new(Stream::Tls(Box::new(tls))),
            info: ConnInfo(Arc::new(meta(Some(names), Some(tls_done)))),
            h2,
            heads: None,
        })
    }

    /// A TCP connection to `addr`, from this VU's `localIPs` address when it has one.
    async fn tcp(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        let Some(local) = self.local_ip else {
            return TcpStream::connect(addr).await;
        };
        let socket = match local {
            IpAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            IpAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        socket.bind(SocketAddr::new(local, 0))?;
        socket.connect(addr).await
    }

    /// `hosts` overrides first (`ip` or `ip:port`), then the system resolver, filtered by
    /// `dns.policy` and picked by `dns.select`.
    async fn resolve(&self, host: &str, port: u16) -> Result<SocketAddr, ConnectError> {
        if let Some(target) = self.hosts_entry(host, port) {
            if let Ok(addr) = target.parse::<SocketAddr>() {
                return Ok(addr);
            }
            if let Ok(ip) = target.trim_matches(['[', ']']).parse::<IpAddr>() {
                return Ok(SocketAddr::new(ip, port));
            }
            return Box::pin(self.resolve(target, port)).await;
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, port));
        }
        let ips = self.lookup(host, port).await?;
        let ips = self.by_policy(ips);
        let pick = match self.inner_select(ips.len()) {
            Some(i) => ips.get(i).copied(),
            None => None,
        };
        pick.map(|ip| SocketAddr::new(ip, port))
            .ok_or_else(|| ConnectError::NoSuchHost {
                host: host.to_string(),
            })
    }

    /// k6's `hosts` lookup: `host:port` before `host`, then wildcards (`*.example.com`,
    /// with or without a port), the most specific suffix first.
    fn hosts_entry(&self, host: &str, port: u16) -> Option<&String> {
        if self.hosts.is_empty() {
            return None;
        }
        let exact = self
            .hosts
            .get(&format!("{host}:{port}"))
            .or_else(|| self.hosts.get(host));
        exact.or_else(|| {
            host.match_indices('.').find_map(|(i, _)| {
                let suffix = &host[i..];
                self.hosts
                    .get(&format!("*{suffix}:{port}"))
                    .or_else(|| self.hosts.get(&format!("*{suffix}")))
            })
        })
    }

    async fn lookup(&self, host: &str, port: u16) -> Result<Vec<IpAddr>, ConnectError> {
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|c| c.get(host).cloned())
            .filter(|(at, _)| self.dns.ttl.is_none_or(|ttl| at.elapsed() < ttl));
        if let Some((_, ips)) = cached {
            return Ok(ips);
        }
        let no_host = || ConnectError::NoSuchHost {
            host: host.to_string(),
        };
        let ips: Vec<IpAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| no_host())?
            .map(|a| a.ip())
            .collect();
        if ips.is_empty() {
            return Err(no_host());
        }
        if self.dns.ttl != Some(Duration::ZERO) {
            if let Ok(mut c) = self.cache.lock() {
                c.insert(host.to_string(), (Instant::now(), ips.clone()));
            }
        }
        Ok(ips)
    }

    fn by_policy(&self, ips: Vec<IpAddr>) -> Vec<IpAddr> {
        let (v4, v6): (Vec<IpAddr>, Vec<IpAddr>) = ips.into_iter().partition(IpAddr::is_ipv4);
        match self.dns.policy {
            DnsPolicy::OnlyIpv4 => v4,
            DnsPolicy::OnlyIpv6 => v6,
            DnsPolicy::PreferIpv4 if !v4.is_empty() => v4,
            DnsPolicy::PreferIpv6 if !v6.is_empty() => v6,
            _ => v4.into_iter().chain(v6).collect(),
        }
    }

    fn inner_select(&self, n: usize) -> Option<usize> {
        if n == 0 {
            return None;
        }
        Some(match self.dns.select {
            DnsSelect::First => 0,
            DnsSelect::Random => rand::random_range(0..n),
            DnsSelect::RoundRobin => self.round_robin.fetch_add(1, Ordering::Relaxed) % n,
        })
    }
}
