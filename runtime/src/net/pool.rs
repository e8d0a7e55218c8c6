//! The connection pool of one VU: keep-alive connections per scheme and authority, over
//! hyper's connection-level HTTP/1.1 and HTTP/2 clients and rk6's connector.
//!
//! hyper_util's pooled client did this job first. Measured on a bare hyper loop against
//! nginx (50 connections, one thread), its per-request bookkeeping cost ~1.9 µs of the
//! 8.6 µs a request took: a pool checkout through shared maps, a connect future built for
//! every request, and the connection handed back through a spawned readiness future. A
//! VU sends its requests one after another (`http.batch` and `asyncRequest` aside), so
//! its pool is a short list per host.
//!
//! What it keeps from that client: the `Host` header (with the port only when it is not the
//! scheme's default) and origin-form targets on HTTP/1.1; one shared connection per host
//! on HTTP/2 (chosen by ALPN); a request that found its reused connection closed before
//! anything was sent is retried once on a new connection; idle connections expire after
//! 90 s, as in Go's transport.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::uri::{Authority, Scheme};
use http::{HeaderValue, Method, Request, Response, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::connector::{ConnInfo, ConnectError, Connector};
use super::malformed::HeadCapture;

type Body = Full<Bytes>;

/// How long an idle connection is kept for reuse (Go's `IdleConnTimeout`).
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Go accepts response heads up to 10 MB; hyper's default stops near 400 KB.
const MAX_BUF_SIZE: usize = 10 << 20;

/// Response headers one HTTP/1 response may have: hyper's default of 100 fails responses
/// Go (k6) reads; 1,000 fit in k6's head limits.
const MAX_HEADERS: usize = 1000;

/// Why an exchange failed before a response head arrived.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("connect: {0}")]
    Connect(#[source] ConnectError),
    #[error("handshake: {0}")]
    Handshake(#[source] hyper::Error),
    #[error("send: {0}")]
    Send(#[source] hyper::Error),
    /// An HTTP/1 exchange failed after part of a response arrived: a head hyper refused,
    /// or one cut short. `head` is what arrived, for Go's words on it.
    #[error("broken response: {source}")]
    Broken {
        #[source]
        source: hyper::Error,
        head: Vec<u8>,
    },
}

/// The pool of one VU (cheap to clone: requests in flight share it).
#[derive(Clone)]
pub struct Pool(Arc<Inner>);

struct Inner {
    connector: Connector,
    /// `false` under `noConnectionReuse`: every request dials.
    reuse: bool,
    /// Idle connections per host. A VU talks to few hosts, and a linear search comparing
    /// bytes cost less per request than a hash map (`Authority` hashes and compares
    /// case-insensitively, character by character: ~600 instructions per request).
    idle: Mutex<Vec<(Key, Vec<Idle>)>>,
}

type Key = (Scheme, Authority);

/// `url` normalises scheme and host, so bytes compare as well as the case-insensitive
/// equality of `Authority`.
fn same_key(a: &Key, b: &Key) -> bool {
    a.1.as_str() == b.1.as_str() && a.0.as_str() == b.0.as_str()
}

enum Sender {
    /// HTTP/1.1, with the `Host` value of its origin: made once per connection, not per
    /// request (formatting it cost ~1,800 instructions of every request).
    H1(http1::SendRequest<Body>, Option<HeaderValue>, HeadCapture),
    H2(http2::SendRequest<Body>),
}

impl Sender {
    /// Another handle on a shared (HTTP/2) connection.
    fn share(&self) -> Option<Sender> {
        match self {
            Sender::H1(..) => None,
            Sender::H2(s) => Some(Sender::H2(s.clone())),
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Sender::H1(s, ..) => s.is_closed(),
            Sender::H2(s) => s.is_closed(),
        }
    }
}

struct Idle {
    sender: Sender,
    info: ConnInfo,
    since: Instant,
}

/// The connection an exchange used; [`Lease::release`] hands an HTTP/1.1 connection back
/// once its response body has been read.
pub struct Lease {
    pool: Pool,
    key: Key,
    sender: Sender,
    info: ConnInfo,
}

impl Lease {
    pub fn info(&self) -> &ConnInfo {
        &self.info
    }

    pub fn release(self) {
        // HTTP/2 connections stay in the pool while they are open.
        if !self.pool.0.reuse || matches!(self.sender, Sender::H2(_)) || self.sender.is_closed() {
            return;
        }
        self.pool.put(
            self.key,
            Idle {
                sender: self.sender,
                info: self.info,
                since: Instant::now(),
            },
        );
    }
}

impl Pool {
    pub fn new(connector: Connector, reuse: bool) -> Self {
        Pool(Arc::new(Inner {
            connector,
            reuse,
            idle: Mutex::new(Vec::new()),
        }))
    }

    /// Sends `req` (an absolute URI) on a pooled or new connection and returns the
    /// response head with the connection it came on. As Go's transport does, a request
    /// that `replay` can rebuild (k6 passes the idempotent ones) is sent again on a fresh
    /// connection when a reused one closed before any response came.
    pub async fn send(
        &self,
        mut req: Request<Body>,
        replay: impl Fn() -> Option<Request<Body>>,
    ) -> Result<(Response<Incoming>, Lease), PoolError> {
        let uri = req.uri().clone();
        let key = match (uri.scheme(), uri.authority()) {
            (Some(s), Some(a)) => (s.clone(), a.clone()),
            _ => return Err(PoolError::Connect(ConnectError::NoHost)),
        };
        loop {
            let (mut sender, info, reused) = match self.checkout(&key).await {
                Some((s, i)) => (s, i, true),
                None => {
                    // Boxed: dialling, TLS and the handshakes are kilobytes of future state,
                    // which every request's future would otherwise carry and copy.
                    let (s, i) = Box::pin(self.connect(&key, &uri)).await?;
                    (s, i, false)
                }
            };
            let sent = match &mut sender {
                Sender::H1(s, host, _) => {
                    to_http1_form(&mut req, &uri, host.as_ref());
                    s.try_send_request(req).await
                }
                Sender::H2(s) => s.try_send_request(req).await,
            };
            match sent {
                Ok(resp) => {
                    let lease = Lease {
                        pool: self.clone(),
                        key,
                        sender,
                        info,
                    };
                    return Ok((resp, lease));
                }
                Err(mut e) => {
                    let unsent = e.take_message();
                    let error = e.into_error();
                    req = match unsent {
                        // The reused connection closed before the request went out.
                        Some(unsent) if reused => unsent,
                        // ...or after, with no answer.
                        None if reused && closed_unanswered(&error) => match replay() {
                            Some(again) => again,
                            None => return Err(send_error(error, &sender)),
                        },
                        _ => return Err(send_error(error, &sender)),
                    };
                    *req.uri_mut() = uri.clone();
                }
            }
        }
    }

    /// An open idle connection to `key`, waiting for an HTTP/1.1 one to finish reading its
    /// last response if it has not yet.
    async fn checkout(&self, key: &Key) -> Option<(Sender, ConnInfo)> {
        loop {
            let idle = {
                let mut hosts = self.0.idle.lock().ok()?;
                let list = hosts
                    .iter_mut()
                    .find_map(|(k, list)| same_key(k, key).then_some(list))?;
                let idle = list.pop()?;
                if let Some(shared) = idle.sender.share() {
                    if shared.is_closed() {
                        continue;
                    }
                    let info = idle.info.clone();
                    list.push(idle);
                    return Some((shared, info));
                }
                idle
            };
            if idle.since.elapsed() > IDLE_TIMEOUT {
                continue;
            }
            if let Sender::H1(mut s, host, capture) = idle.sender {
                if s.ready().await.is_ok() {
                    return Some((Sender::H1(s, host, capture), idle.info));
                }
            }
        }
    }

    async fn connect(&self, key: &Key, uri: &Uri) -> Result<(Sender, ConnInfo), PoolError> {
        let mut conn = self
            .0
            .connector
            .connect(uri.clone())
            .await
            .map_err(PoolError::Connect)?;
        let info = conn.info();
        if conn.is_h2() {
            let (sender, connection) = http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .handshake(conn)
                .await
                .map_err(PoolError::Handshake)?;
            tokio::spawn(connection);
            if self.0.reuse {
                self.put(
                    key.clone(),
                    Idle {
                        sender: Sender::H2(sender.clone()),
                        info: info.clone(),
                        since: Instant::now(),
                    },
                );
            }
            return Ok((Sender::H2(sender), info));
        }
        let capture = conn.watch_heads();
        let (sender, connection) = http1::Builder::new()
            .title_case_headers(true)
            .max_buf_size(MAX_BUF_SIZE)
            .max_headers(MAX_HEADERS)
            .handshake(conn)
            .await
            .map_err(PoolError::Handshake)?;
        tokio::spawn(connection);
        Ok((Sender::H1(sender, host_value(uri), capture), info))
    }

    fn put(&self, key: Key, idle: Idle) {
        let Ok(mut hosts) = self.0.idle.lock() else {
            return;
        };
        match hosts.iter_mut().find(|(k, _)| same_key(k, &key)) {
            Some((_, list)) => list.push(idle),
            None => hosts.push((key, vec![idle])),
        }
    }
}

/// A failed exchange; one that failed inside an HTTP/1 response keeps what of it arrived.
fn send_error(error: hyper::Error, sender: &Sender) -> PoolError {
    match sender {
        Sender::H1(_, _, capture) => match capture.head() {
            head if head.is_empty() => PoolError::Send(error),
            head => PoolError::Broken {
                source: error,
                head,
            },
        },
        Sender::H2(_) => PoolError::Send(error),
    }
}

/// The connection ended before a response began: closed, reset, or broken under the write.
fn closed_unanswered(e: &hyper::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionReset};
    e.is_incomplete_message()
        || e.is_canceled()
        || matches!(
            super::errors::io_kind(e),
            Some(ConnectionReset | BrokenPipe)
        )
}

/// The `Host` value of `uri`'s origin: the port only when it is not the scheme's default.
fn host_value(uri: &Uri) -> Option<HeaderValue> {
    let host = uri.host()?;
    let default_port = match uri.scheme_str() {
        Some("https" | "wss") => 443,
        _ => 80,
    };
    match uri.port_u16() {
        Some(p) if p != default_port => HeaderValue::try_from(format!("{host}:{p}")).ok(),
        _ => HeaderValue::try_from(host).ok(),
    }
}

/// HTTP/1.1 sends a `Host` header (unless the script set one) and the target in origin
/// form (`CONNECT`: authority form).
fn to_http1_form(req: &mut Request<Body>, uri: &Uri, host: Option<&HeaderValue>) {
    if let Some(v) = host {
        req.headers_mut()
            .entry(http::header::HOST)
            .or_insert_with(|| v.clone());
    }
    let mut target = http::uri::Parts::default();
    if req.method() == Method::CONNECT {
        target.authority = uri.authority().cloned();
    } else {
        target.path_and_query = uri.path_and_query().cloned();
    }
    *req.uri_mut() = Uri::from_parts(target).unwrap_or_else(|_| Uri::from_static("/"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(method: Method, uri: &str) -> (String, Option<String>) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::new(Bytes::new()))
            .expect("valid request");
        let uri = req.uri().clone();
        to_http1_form(&mut req, &uri, host_value(&uri).as_ref());
        let host = req
            .headers()
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned);
        (req.uri().to_string(), host)
    }

    #[test]
    fn http1_requests_carry_host_and_origin_form_targets() {
        let cases = [
            (Method::GET, "http://a.test/x?y=1", "/x?y=1", "a.test"),
            (Method::GET, "http://a.test:80/", "/", "a.test"),
            (Method::GET, "https://a.test:8443", "/", "a.test:8443"),
            (Method::GET, "http://[::1]:8080/p", "/p", "[::1]:8080"),
            (
                Method::CONNECT,
                "http://a.test:443",
                "a.test:443",
                "a.test:443",
            ),
        ];
        for (method, uri, target, host) in cases {
            assert_eq!(
                form(method, uri),
                (target.to_owned(), Some(host.to_owned())),
                "{uri}"
            );
        }
    }
}
