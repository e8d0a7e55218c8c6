//! A client's connection and its calls, knowing no JS: one HTTP/2 connection per
//! `connect()` (as grpc-go keeps one per client), dialled through the VU's
//! [`Connector`] (so `hosts`, `blacklistIPs`, `localIPs` apply and its bytes count into
//! `data_sent`/`data_received`), TLS by rustls with ALPN `h2`, and calls through
//! tonic's client over hyper with the [`DynamicCodec`].
//!
//! Call outcomes carry grpc-go's view of the RPC: the status code and message, response
//! headers and trailers without the reserved `grpc-*` entries, and the time from start to
//! end that `grpc_req_duration` records.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use http::uri::PathAndQuery;
use http::Uri;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use prost_reflect::{DynamicMessage, MessageDescriptor};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;
use tonic::body::Body;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Code, Status};

use super::codec::DynamicCodec;
use crate::net::connector::{ConnectError, Connector};

/// What `connect()` needs to dial.
pub struct DialSpec {
    /// `host:port` as the script gave it.
    pub addr: String,
    /// The TLS configuration, `None` for `plaintext: true`.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub timeout: Duration,
    /// Sent as `user-agent` on every call.
    pub user_agent: Option<String>,
    /// `maxReceiveSize` / `maxSendSize` (0: grpc-go's defaults, 4 MiB and unlimited).
    pub max_receive: usize,
    pub max_send: usize,
}

/// Why `connect()` failed, in grpc-go's words.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    #[error("connection error: desc = \"transport: error while dialing: address {0}: missing port in address\"")]
    MissingPort(String),
    #[error("connection error: desc = \"transport: error while dialing: {0}\"")]
    Dial(String),
    /// grpc-go keeps trying until the deadline, then names the last failure.
    #[error("context deadline exceeded: connection error: desc = \"transport: authentication handshake failed: {0}\"")]
    Handshake(String),
    #[error(
        "context deadline exceeded: connection error: desc = \"error reading server preface: {0}\""
    )]
    Preface(String),
    #[error("context deadline exceeded")]
    Timeout,
}

/// An open connection: cheap to clone, closed when the last clone is dropped.
#[derive(Clone)]
pub struct Channel {
    send: SendRequest<Body>,
    origin: Uri,
    user_agent: Option<String>,
    max_receive: usize,
    max_send: usize,
}

/// grpc-go's default limit on a received message.
const DEFAULT_MAX_RECEIVE: usize = 4 * 1024 * 1024;

/// Splits `host:port` (IPv6 in brackets) as Go's `net.SplitHostPort` does.
fn split_addr(addr: &str) -> Option<(String, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_string(), port.parse().ok()?))
}

/// Dials `spec.addr` and completes the TLS and HTTP/2 handshakes within `spec.timeout`.
pub async fn dial(connector: Connector, spec: DialSpec) -> Result<Channel, DialError> {
    let (host, port) =
        split_addr(&spec.addr).ok_or_else(|| DialError::MissingPort(spec.addr.clone()))?;
    let scheme = if spec.tls.is_some() { "https" } else { "http" };
    let origin: Uri = format!("{scheme}://{}", spec.addr)
        .parse()
        .map_err(|e: http::uri::InvalidUri| DialError::Dial(e.to_string()))?;
    let opening = async {
        let stream = connector
            .dial_with(&host, port, spec.tls.clone())
            .await
            .map_err(|e| match e {
                ConnectError::Tls { source, .. } => {
                    DialError::Handshake(crate::net::errors::tls_text(&source, &host))
                }
                other => DialError::Dial(other.to_string()),
            })?;
        let (answered, first) = oneshot::channel();
        let watched = Watched {
            io: stream,
            first: Some(answered),
        };
        let (send, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
            .handshake(TokioIo::new(watched))
            .await
            .map_err(|e| DialError::Dial(e.to_string()))?;
        tokio::spawn(conn);
        // Ready once the server spoke (its SETTINGS), as grpc-go's blocking dial waits.
        match first.await {
            Ok(Ok(())) => Ok(send),
            Ok(Err(e)) => Err(DialError::Preface(e)),
            Err(_) => Err(DialError::Preface("EOF".into())),
        }
    };
    let send = tokio::time::timeout(spec.timeout, opening)
        .await
        .map_err(|_| DialError::Timeout)??;
    Ok(Channel {
        send,
        origin,
        user_agent: spec.user_agent,
        max_receive: if spec.max_receive == 0 {
            DEFAULT_MAX_RECEIVE
        } else {
            spec.max_receive
        },
        max_send: if spec.max_send == 0 {
            usize::MAX
        } else {
            spec.max_send
        },
    })
}

/// The connection's bytes, telling once when the server first sent something (or
/// closed, or failed).
struct Watched<S> {
    io: S,
    first: Option<oneshot::Sender<Result<(), String>>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let out = Pin::new(&mut self.io).poll_read(cx, buf);
        if let Poll::Ready(result) = &out {
            if let Some(tx) = self.first.take() {
                let got = buf.filled().len() > before;
                let _ = tx.send(match result {
                    Ok(()) if got => Ok(()),
                    Ok(()) => Err("EOF".into()),
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err("EOF".into()),
                    Err(e) => Err(e.to_string()),
                });
            }
        }
        out
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl tower_service::Service<http::Request<Body>> for Channel {
    type Response = http::Response<hyper::body::Incoming>;
    type Error = hyper::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, hyper::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), hyper::Error>> {
        self.send.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        Box::pin(self.send.send_request(req))
    }
}

/// One call: the method's path, request metadata, deadline and output type.
#[derive(Clone)]
pub struct CallSpec {
    /// `/package.Service/Method`.
    pub path: String,
    pub metadata: Vec<(String, Vec<u8>)>,
    /// `None`: no deadline (streams without `timeout`).
    pub timeout: Option<Duration>,
    pub output: MessageDescriptor,
}

/// Response metadata as k6 shows it: name -> values, in arrival order.
pub type Metadata = Vec<(String, Vec<String>)>;

/// A call's status: grpc-go's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallStatus {
    pub code: i32,
    pub message: String,
    /// The serialized `google.rpc.Status` of `grpc-status-details-bin`, if sent.
    pub details: Vec<u8>,
}

impl CallStatus {
    pub const OK: CallStatus = CallStatus {
        code: 0,
        message: String::new(),
        details: Vec::new(),
    };

    /// A status of the client's making.
    pub fn new(code: Code, message: impl Into<String>) -> CallStatus {
        CallStatus {
            code: code as i32,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// grpc-go's status for tonic's: its texts where they differ.
    pub fn from_tonic(s: &Status) -> CallStatus {
        let message = match s.code() {
            Code::ResourceExhausted if s.message().contains("message length too large") => {
                format!("grpc: received message larger than max {}", s.message())
            }
            Code::Cancelled if s.message().is_empty() => "context canceled".to_string(),
            _ => s.message().to_string(),
        };
        CallStatus {
            code: s.code() as i32,
            message,
            details: s.details().to_vec(),
        }
    }

    /// The status of a call whose client-side deadline passed.
    pub fn deadline() -> CallStatus {
        CallStatus::new(Code::DeadlineExceeded, "context deadline exceeded")
    }

    /// Whether a call that ended with this status had its deadline pass: the client's timer
    /// fired (`timed_out`), or the server answered DeadlineExceeded to a call that had a
    /// deadline (it enforces the `grpc-timeout` it was sent, so its answer can beat the
    /// client's timer by a hair; grpc-go's context is done either way).
    pub fn expired(&self, timeout: Option<Duration>, timed_out: bool) -> bool {
        timed_out || (timeout.is_some() && self.code == Code::DeadlineExceeded as i32)
    }
}

/// How a unary call ended.
pub struct UnaryOutcome {
    pub status: CallStatus,
    /// The response, when one arrived.
    pub message: Option<DynamicMessage>,
    pub headers: Metadata,
    pub trailers: Metadata,
    pub started: SystemTime,
    pub duration: Duration,
    /// The client's deadline passed: grpc-go's stats handler then records no sample
    /// (k6 pushes it with the call's context, which is done).
    pub expired: bool,
}

impl Channel {
    fn client(&self) -> tonic::client::Grpc<Channel> {
        tonic::client::Grpc::with_origin(self.clone(), self.origin.clone())
            .max_decoding_message_size(self.max_receive)
            .max_encoding_message_size(self.max_send)
    }

    /// A tonic request carrying `spec`'s metadata, deadline and the user agent.
    fn request<T>(&self, body: T, spec: &CallSpec) -> tonic::Request<T> {
        let mut req = tonic::Request::new(body);
        let md = req.metadata_mut();
        if let Some(ua) = &self.user_agent {
            if let Ok(v) = MetadataValue::try_from(ua.as_str()) {
                md.insert("user-agent", v);
            }
        }
        for (k, v) in &spec.metadata {
            append_metadata(md, k, v);
        }
        if let Some(t) = spec.timeout {
            req.set_timeout(t);
        }
        req
    }

    /// Sends one request and waits for the response and its trailers, or the deadline.
    pub async fn unary(self, spec: CallSpec, message: DynamicMessage) -> UnaryOutcome {
        let started = SystemTime::now();
        let clock = Instant::now();
        let call = self.unary_call(&spec, message);
        let result = match spec.timeout {
            Some(t) => tokio::time::timeout(t, call).await.ok(),
            None => Some(call.await),
        };
        let timed_out = result.is_none();
        let (status, message, headers, trailers) =
            result.unwrap_or_else(|| (CallStatus::deadline(), None, Vec::new(), Vec::new()));
        let expired = status.expired(spec.timeout, timed_out);
        UnaryOutcome {
            status,
            message,
            headers,
            trailers,
            started,
            duration: clock.elapsed(),
            expired,
        }
    }

    async fn unary_call(
        &self,
        spec: &CallSpec,
        message: DynamicMessage,
    ) -> (CallStatus, Option<DynamicMessage>, Metadata, Metadata) {
        let mut grpc = self.client();
        if let Err(e) = grpc.ready().await {
            return (unavailable(&e), None, Vec::new(), Vec::new());
        }
        let Ok(path) = PathAndQuery::try_from(spec.path.as_str()) else {
            return (
                CallStatus::from_tonic(&Status::internal("invalid method path")),
                None,
                Vec::new(),
                Vec::new(),
            );
        };
        let req = self.request(futures_util::stream::once(async { message }), spec);
        let codec = DynamicCodec::new(spec.output.clone());
        let response = match grpc.streaming(req, path, codec).await {
            Ok(r) => r,
            Err(s) => {
                return (
                    CallStatus::from_tonic(&s),
                    None,
                    Vec::new(),
                    error_trailers(&s),
                )
            }
        };
        let headers = visible(response.metadata());
        let mut body = response.into_inner();
        let reply = match body.message().await {
            Ok(Some(m)) => m,
            Ok(None) => {
                let s = Status::internal("grpc: server returned 0 messages for a unary call");
                return (CallStatus::from_tonic(&s), None, headers, Vec::new());
            }
            Err(s) => {
                return (
                    CallStatus::from_tonic(&s),
                    None,
                    headers,
                    error_trailers(&s),
                )
            }
        };
        match body.trailers().await {
            Ok(t) => (
                CallStatus::OK,
                Some(reply),
                headers,
                t.as_ref().map(visible).unwrap_or_default(),
            ),
            Err(s) => (
                CallStatus::from_tonic(&s),
                Some(reply),
                headers,
                error_trailers(&s),
            ),
        }
    }

    /// Opens a stream whose requests are read from `requests`; the response's headers
    /// arrive with the returned stream of messages.
    pub async fn open_stream(
        self,
        spec: &CallSpec,
        requests: impl futures_util::Stream<Item = DynamicMessage> + Send + 'static,
    ) -> Result<tonic::Streaming<DynamicMessage>, CallStatus> {
        let mut grpc = self.client();
        grpc.ready().await.map_err(|e| unavailable(&e))?;
        let path = PathAndQuery::try_from(spec.path.as_str())
            .map_err(|_| CallStatus::from_tonic(&Status::internal("invalid method path")))?;
        let req = self.request(requests, spec);
        let codec = DynamicCodec::new(spec.output.clone());
        grpc.streaming(req, path, codec)
            .await
            .map(tonic::Response::into_inner)
            .map_err(|s| CallStatus::from_tonic(&s))
    }
}

/// grpc-go's status for a connection that can take no more calls.
fn unavailable(e: &hyper::Error) -> CallStatus {
    CallStatus::new(Code::Unavailable, format!("error reading from server: {e}"))
}

/// Adds `key: value` to request metadata, binary (`-bin`) values base64-encoded.
fn append_metadata(md: &mut MetadataMap, key: &str, value: &[u8]) {
    let key = key.to_ascii_lowercase();
    if key.ends_with("-bin") {
        if let Ok(k) = tonic::metadata::BinaryMetadataKey::from_bytes(key.as_bytes()) {
            md.append_bin(k, tonic::metadata::BinaryMetadataValue::from_bytes(value));
        }
        return;
    }
    if let (Ok(k), Ok(v)) = (
        tonic::metadata::AsciiMetadataKey::from_bytes(key.as_bytes()),
        MetadataValue::try_from(value),
    ) {
        md.append(k, v);
    }
}

/// The trailers of a failed call: tonic keeps `grpc-status-details-bin` in the status,
/// grpc-go (and k6) also among the trailers.
fn error_trailers(s: &Status) -> Metadata {
    let mut out = visible(s.metadata());
    if !s.details().is_empty() {
        let text = String::from_utf8_lossy(s.details()).into_owned();
        out.push(("grpc-status-details-bin".into(), vec![text]));
    }
    out
}

/// Headers grpc-go keeps from the wire: none of the pseudo or reserved `grpc-*` ones;
/// binary values decoded.
pub fn visible(md: &MetadataMap) -> Metadata {
    const RESERVED: [&str; 6] = [
        "grpc-message-type",
        "grpc-encoding",
        "grpc-message",
        "grpc-status",
        "grpc-timeout",
        "te",
    ];
    let mut out: Metadata = Vec::new();
    for (name, value) in md.clone().into_headers().iter() {
        let name = name.as_str();
        if name.starts_with(':') || RESERVED.contains(&name) {
            continue;
        }
        let text = if name.ends_with("-bin") {
            let raw = value.as_bytes();
            let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(
                    raw.strip_suffix(b"==")
                        .or_else(|| raw.strip_suffix(b"="))
                        .unwrap_or(raw),
                )
                .unwrap_or_else(|_| raw.to_vec());
            String::from_utf8_lossy(&decoded).into_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(text),
            None => out.push((name.to_string(), vec![text])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_like_go() {
        assert_eq!(
            split_addr("127.0.0.1:50051"),
            Some(("127.0.0.1".into(), 50051))
        );
        assert_eq!(split_addr("[::1]:443"), Some(("::1".into(), 443)));
        assert_eq!(split_addr("localhost"), None);
    }

    #[test]
    fn reserved_headers_are_hidden_and_binary_ones_decoded() {
        let mut h = http::HeaderMap::new();
        h.insert("grpc-status", "0".parse().expect("value"));
        h.insert("content-type", "application/grpc".parse().expect("value"));
        h.insert("x-id-bin", "aGk".parse().expect("value"));
        let md = MetadataMap::from_headers(h);
        let seen = visible(&md);
        assert_eq!(
            seen,
            vec![
                (
                    "content-type".to_string(),
                    vec!["application/grpc".to_string()]
                ),
                ("x-id-bin".to_string(), vec!["hi".to_string()]),
            ]
        );
    }
}
