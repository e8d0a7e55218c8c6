//! The I/O side of a WebSocket: the handshake over the VU's connector (so its bytes count
//! in `data_sent`/`data_received`), then a task that writes what the VU asks for and
//! forwards every frame it reads to the VU's event loop. Runs on the I/O runtime.

use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use url::Url;

use crate::modules::http::connector::Connector;
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
    socket: tokio_tungstenite::WebSocketStream<crate::modules::http::connector::Stream>,
    commands: UnboundedReceiver<Cmd>,
    id: u64,
    events: UnboundedSender<Completion>,
}

impl Pending {
    /// Starts forwarding frames to the VU (after the caller announced the handshake, so
    /// the VU sees the opening before the first message).
    pub fn start(self) {
        tokio::spawn(session(self.socket, self.commands, self.id, self.events));
    }
}

/// Dials, shakes hands and, on success, starts the session task that reports to `events`
/// under `id`.
pub async fn open(
    connector: Connector,
    url: Url,
    headers: Vec<(String, String)>,
    id: u64,
    events: UnboundedSender<Completion>,
) -> Handshake {
    let (shake, pending) = open_pending(connector, url, headers, Vec::new(), id, events).await;
    if let Some(p) = pending {
        p.start();
    }
    shake
}

/// Like [`open`], but leaves starting the session to the caller; `protocols` are offered
/// as `Sec-WebSocket-Protocol`.
pub async fn open_pending(
    connector: Connector,
    url: Url,
    headers: Vec<(String, String)>,
    protocols: Vec<String>,
    id: u64,
    events: UnboundedSender<Completion>,
) -> (Handshake, Option<Pending>) {
    let start = Instant::now();
    let mut out = Handshake::default();
    let tls = url.scheme() == "wss";
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(if tls { 443 } else { 80 });
    let stream = match connector.dial(&host, port, tls).await {
        Ok(s) => s,
        Err(e) => {
            out.error = e.to_string();
            out.connecting_ms = ms(start);
            return (out, None);
        }
    };
    let mut request = match url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => {
            out.error = e.to_string();
            return (out, None);
        }
    };
    if !protocols.is_empty() {
        if let Ok(v) = http::header::HeaderValue::from_str(&protocols.join(", ")) {
            request.headers_mut().insert("sec-websocket-protocol", v);
        }
    }
    for (k, v) in &headers {
        if let (Ok(name), Ok(value)) = (
            http::header::HeaderName::from_bytes(k.as_bytes()),
            http::header::HeaderValue::from_str(v),
        ) {
            request.headers_mut().insert(name, value);
        }
    }
    let result = tokio_tungstenite::client_async(request, stream).await;
    out.connecting_ms = ms(start);
    match result {
        Ok((socket, resp)) => {
            out.status = resp.status().as_u16();
            out.headers = header_list(resp.headers());
            out.subprotocol = resp
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let (tx, rx) = unbounded_channel();
            out.commands = Some(tx);
            return (
                out,
                Some(Pending {
                    socket,
                    commands: rx,
                    id,
                    events,
                }),
            );
        }
        Err(WsError::Http(resp)) => {
            out.status = resp.status().as_u16();
            out.headers = header_list(resp.headers());
            out.body = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
        }
        Err(e) => out.error = e.to_string(),
    }
    (out, None)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn header_list(h: &http::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                crate::modules::http::client::canonical_header(k.as_str()),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

async fn session<S>(
    mut socket: tokio_tungstenite::WebSocketStream<S>,
    mut commands: UnboundedReceiver<Cmd>,
    id: u64,
    events: UnboundedSender<Completion>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
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
                let sent = match cmd {
                    Some(Cmd::Text(t)) => socket.send(Message::Text(t.into())).await,
                    Some(Cmd::Binary(b)) => socket.send(Message::Binary(b.into())).await,
                    Some(Cmd::Ping) => socket.send(Message::Ping(Vec::new().into())).await,
                    Some(Cmd::Close(code)) => {
                        closing = true;
                        let frame = CloseFrame { code: CloseCode::from(code), reason: "".into() };
                        socket.send(Message::Close(Some(frame))).await
                    }
                    // The VU is gone (iteration interrupted): just drop the connection.
                    None => return,
                };
                if let Err(e) = sent {
                    emit(Event::Error(e.to_string()));
                    emit(Event::Close(1006));
                    return;
                }
            }
            msg = socket.next() => match msg {
                Some(Ok(Message::Text(t))) => emit(Event::Text(t.to_string())),
                Some(Ok(Message::Binary(b))) => emit(Event::Binary(b.to_vec())),
                Some(Ok(Message::Ping(_))) => emit(Event::Ping),
                Some(Ok(Message::Pong(_))) => emit(Event::Pong),
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.map_or(1005, |f| u16::from(f.code));
                    // Answer the close handshake (tungstenite queues the reply).
                    let _ = socket.flush().await;
                    emit(Event::Close(code));
                    return;
                }
                Some(Ok(Message::Frame(_))) => {}
                Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) | None => {
                    emit(Event::Close(1006));
                    return;
                }
                Some(Err(e)) => {
                    emit(Event::Error(e.to_string()));
                    emit(Event::Close(1006));
                    return;
                }
            },
        }
    }
}
