//! The I/O side of a WebSocket: the handshake over the VU's connector (so its bytes count
//! in `data_sent`/`data_received`), then a task that writes what the VU asks for and
//! forwards every frame it reads to the VU's event loop. Runs as a local task of the VU's
//! worker thread, as a request does: an I/O runtime on other threads cost a cross-thread
//! wake-up for every message each way.
//! Sockets are tokio-tungstenite's, or `yawc`'s when permessage-deflate is asked for
//! ([`super::deflate`]); the session sees either as a [`Duplex`].

use std::pin::Pin;
use std::time::Instant;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};

/// Read buffer per socket. tungstenite's default is 128 KiB, allocated up front and
/// zero-filled up to its capacity before every read: with 500 sessions exchanging a message
/// per 100 ms, that memset was 26 % of all rk6's CPU, and 1,000 sessions held 125 MiB of
/// it. k6's sockets read through 4 KiB buffers (gorilla/websocket's default); a larger
/// message still arrives whole, over several reads.
const READ_BUFFER: usize = 4 * 1024;

/// How long dialling and the opening handshake may take (k6's dialer, both modules).
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use url::Url;

use crate::net::connector::Connector;
use crate::vu::event_loop::Completion;

/// What the VU asks the socket to do.
#[derive(Debug)]
pub enum Cmd {
    Text(String),
    Binary(Vec<u8>),
    Ping,
    Close(u16),
}

/// What the socket tells the VU.
#[derive(Debug)]
pub enum Event {
    Text(String),
    Binary(Vec<u8>),
    Ping,
    Pong,
    Close(u16),
    Error(String),
    /// The server sent a frame the protocol forbids (bad opcode, reserved bits, a masked
    /// frame, a close reason that is not UTF-8): gorilla/websocket answers with a close of
    /// its own and each k6 module reports it its own way.
    Refused,
}

/// What a socket reads, whichever library speaks the protocol.
#[derive(Debug)]
pub enum Incoming {
    Text(String),
    Binary(Vec<u8>),
    Ping,
    Pong,
    Close(u16),
    /// A frame the VU does not see (e.g. a raw continuation).
    Skip,
    /// The connection is gone: with the reason when it failed, without when it just ended.
    Gone(Option<String>),
    /// A frame the protocol forbids ([`Event::Refused`]).
    Refused,
}

/// A socket as the session drives it: commands in, frames out.
pub trait Socket: Stream<Item = Incoming> + Sink<Cmd, Error = String> + Send {}
impl<T: Stream<Item = Incoming> + Sink<Cmd, Error = String> + Send> Socket for T {}

/// An open socket of either library.
pub type Duplex = Pin<Box<dyn Socket>>;

/// What to connect to and how.
#[derive(Debug, Clone)]
pub struct Dial {
    pub url: Url,
    pub headers: Vec<(String, String)>,
    /// Offered as `Sec-WebSocket-Protocol`.
    pub protocols: Vec<String>,
    /// Offer permessage-deflate.
    pub compression: bool,
}

/// The handshake's outcome, as `ws.connect` returns it.
#[derive(Debug, Default)]
pub struct Handshake {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub error: String,
    pub subprotocol: String,
    /// Milliseconds from dialling to the end of the handshake.
    pub connecting_ms: f64,
    /// Set when the socket is open: where the VU sends commands.
    pub commands: Option<UnboundedSender<Cmd>>,
}

/// An open socket whose session task has not started yet.
pub struct Pending {
    socket: Duplex,
    commands: UnboundedReceiver<Cmd>,
    id: u64,
    events: UnboundedSender<Completion>,
}

impl Pending {
    /// Starts forwarding frames to the VU (after the caller announced the handshake, so
    /// the VU sees the opening before the first message).
    pub fn start(self) {
        tokio::task::spawn_local(session(self.socket, self.commands, self.id, self.events));
    }
}

/// Dials, shakes hands and, on success, starts the session task that reports to `events`
/// under `id`.
pub async fn open(
    connector: Connector,
    dial: Dial,
    id: u64,
    events: UnboundedSender<Completion>,
) -> Handshake {
    let (shake, pending) = open_pending(connector, dial, id, events).await;
    if let Some(p) = pending {
        p.start();
    }
    shake
}

/// Like [`open`], but leaves starting the session to the caller.
pub async fn open_pending(
    connector: Connector,
    mut dial: Dial,
    id: u64,
    events: UnboundedSender<Completion>,
) -> (Handshake, Option<Pending>) {
    let start = Instant::now();
    let mut out = Handshake::default();
    let url = &dial.url;
    let tls = url.scheme() == "wss";
    let (host, port) = crate::net::connector::host_port(url, tls);
    // gorilla/websocket's `HandshakeTimeout` (60 s in k6) covers the dial, TLS and the
    // upgrade; an unanswered handshake fails with its read's `i/o timeout`.
    let deadline = tokio::time::Instant::from_std(start + HANDSHAKE_TIMEOUT);
    let dialled = tokio::time::timeout_at(deadline, connector.dial(&host, port, tls)).await;
    let stream = match dialled {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            out.error = e.to_string();
            out.connecting_ms = ms(start);
            return (out, None);
        }
        Err(_) => {
            out.error = format!("dial tcp {host}:{port}: i/o timeout");
            out.connecting_ms = ms(start);
            return (out, None);
        }
    };
    if !dial.protocols.is_empty() {
        let offer = dial.protocols.join(", ");
        dial.headers.push(("Sec-WebSocket-Protocol".into(), offer));
    }
    let timed_out = stream.io_timeout_text();
    let shaken = tokio::time::timeout_at(deadline, async {
        if dial.compression {
            super::deflate::handshake(stream, &dial.url, &dial.headers, &mut out).await
        } else {
            plain_handshake(stream, &dial, &mut out).await
        }
    })
    .await;
    let socket = shaken.unwrap_or_else(|_| {
        out.error = timed_out;
        None
    });
    out.connecting_ms = ms(start);
    let Some(socket) = socket.filter(|_| out.status == 101) else {
        return (out, None);
    };
    let (tx, rx) = unbounded_channel();
    out.commands = Some(tx);
    let pending = Pending {
        socket,
        commands: rx,
        id,
        events,
    };
    (out, Some(pending))
}

/// The handshake through tokio-tungstenite (no extensions).
async fn plain_handshake(
    stream: crate::net::connector::Stream,
    dial: &Dial,
    out: &mut Handshake,
) -> Option<Duplex> {
    let mut request = match dial.url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => {
            out.error = e.to_string();
            return None;
        }
    };
    for (k, v) in &dial.headers {
        if let (Ok(name), Ok(value)) = (
            http::header::HeaderName::from_bytes(k.as_bytes()),
            http::header::HeaderValue::from_str(v),
        ) {
            request.headers_mut().insert(name, value);
        }
    }
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    match tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await {
        Ok((socket, resp)) => {
            out.status = resp.status().as_u16();
            out.headers = header_list(resp.headers());
            out.subprotocol = resp
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            Some(Box::pin(
                socket
                    .sink_map_err(|e| e.to_string())
                    .with(|cmd: Cmd| futures_util::future::ready(Ok::<_, String>(message(cmd))))
                    .map(incoming),
            ))
        }
        Err(WsError::Http(resp)) => {
            out.status = resp.status().as_u16();
            out.headers = header_list(resp.headers());
            out.body = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            None
        }
        Err(e) => {
            out.error = e.to_string();
            None
        }
    }
}

fn message(cmd: Cmd) -> Message {
    match cmd {
        Cmd::Text(t) => Message::Text(t.into()),
        Cmd::Binary(b) => Message::Binary(b.into()),
        Cmd::Ping => Message::Ping(Vec::new().into()),
        Cmd::Close(code) => Message::Close(Some(CloseFrame {
            code: CloseCode::from(code),
            reason: "".into(),
        })),
    }
}

fn incoming(msg: Result<Message, WsError>) -> Incoming {
    match msg {
        Ok(Message::Text(t)) => Incoming::Text(t.to_string()),
        Ok(Message::Binary(b)) => Incoming::Binary(b.to_vec()),
        Ok(Message::Ping(_)) => Incoming::Ping,
        Ok(Message::Pong(_)) => Incoming::Pong,
        Ok(Message::Close(frame)) => Incoming::Close(frame.map_or(1005, |f| u16::from(f.code))),
        Ok(Message::Frame(_)) => Incoming::Skip,
        Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => Incoming::Gone(None),
        Err(WsError::Protocol(p)) if p != ProtocolError::ResetWithoutClosingHandshake => {
            Incoming::Refused
        }
        Err(WsError::Utf8(_)) => Incoming::Refused,
        Err(e) => Incoming::Gone(Some(go_error_text(&e))),
    }
}

/// The words k6 (gorilla/websocket) uses for a connection that broke off.
fn go_error_text(e: &WsError) -> String {
    const ABNORMAL: &str = "websocket: close 1006 (abnormal closure): unexpected EOF";
    match e {
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => ABNORMAL.into(),
        WsError::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
            ) =>
        {
            ABNORMAL.into()
        }
        other => other.to_string(),
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn header_list(h: &http::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                crate::net::headers::canonical_header(k.as_str()),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

async fn session(
    mut socket: Duplex,
    mut commands: UnboundedReceiver<Cmd>,
    id: u64,
    events: UnboundedSender<Completion>,
) {
    let emit = |e: Event| {
        let _ = events.send(Completion {
            id,
            payload: Box::new(e),
        });
    };
    let mut closing = false;
    loop {
        tokio::select! {
            cmd = commands.recv(), if !closing => {
                let Some(cmd) = cmd else {
                    // The VU is gone (iteration interrupted): just drop the connection.
                    return;
                };
                closing = matches!(cmd, Cmd::Close(_));
                if let Err(e) = socket.send(cmd).await {
                    emit(Event::Error(e));
                    emit(Event::Close(1006));
                    return;
                }
            }
            msg = socket.next() => match msg {
                Some(Incoming::Text(t)) => emit(Event::Text(t)),
                Some(Incoming::Binary(b)) => emit(Event::Binary(b)),
                Some(Incoming::Ping) => emit(Event::Ping),
                Some(Incoming::Pong) => emit(Event::Pong),
                Some(Incoming::Close(code)) => {
                    // Answer the close handshake (both libraries queue the reply).
                    let _ = socket.flush().await;
                    emit(Event::Close(code));
                    return;
                }
                Some(Incoming::Skip) => {}
                Some(Incoming::Refused) => {
                    // As gorilla does: a close frame for the server (1002, protocol error).
                    let _ = socket.send(Cmd::Close(1002)).await;
                    emit(Event::Refused);
                    return;
                }
                Some(Incoming::Gone(None)) | None => {
                    emit(Event::Close(1006));
                    return;
                }
                Some(Incoming::Gone(Some(e))) => {
                    emit(Event::Error(e));
                    emit(Event::Close(1006));
                    return;
                }
            },
        }
    }
}
