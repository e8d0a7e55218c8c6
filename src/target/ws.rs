//! WebSocket echo at `/ws/echo`: the RFC 6455 upgrade handshake over hyper,
//! then every text and binary message is sent back unchanged.

use futures_util::{SinkExt as _, StreamExt as _};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::respond::{self, Resp, TEXT};

/// Whether a comma-separated header (such as `Connection: keep-alive, Upgrade`)
/// lists `token`.
fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Answers the upgrade request with 101 and spawns the echo loop on the
/// upgraded connection; anything that is not a valid upgrade gets a 400.
/// What the server does on an open socket.
#[derive(Debug, Clone, Copy)]
pub(super) enum Behaviour {
    /// Send every data message back.
    Echo,
    /// Send `n` messages (`chunk 0` …) `interval_ms` apart, then close with 1000 — a
    /// stand-in for a token-streaming inference API.
    Stream { n: u64, interval_ms: u64 },
}

pub(super) fn accept(mut req: Request<Incoming>, behaviour: Behaviour) -> Resp {
    let headers = req.headers();
    let valid = req.method() == Method::GET
        && has_token(headers, header::CONNECTION, "upgrade")
        && has_token(headers, header::UPGRADE, "websocket")
        && headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .is_some_and(|v| v.as_bytes() == b"13");
    let key = headers.get(header::SEC_WEBSOCKET_KEY).filter(|_| valid);
    let Some(key) = key else {
        let mut resp = respond::build(
            StatusCode::BAD_REQUEST,
            TEXT,
            "expected a WebSocket upgrade (version 13)",
        );
        resp.headers_mut().insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        return resp;
    };
    let accept_key = derive_accept_key(key.as_bytes());
    // Echo servers have no protocol of their own, so agree to the client's
    // first choice.
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').map(str::trim).find(|p| !p.is_empty()))
        .and_then(|p| HeaderValue::from_str(p).ok());

    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        // A client that vanishes mid-handshake just ends the task.
        if let Ok(upgraded) = on_upgrade.await {
            let ws =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            match behaviour {
                Behaviour::Echo => echo(ws).await,
                Behaviour::Stream { n, interval_ms } => stream(ws, n, interval_ms).await,
            }
        }
    });

    let mut resp = respond::empty(StatusCode::SWITCHING_PROTOCOLS);
    let out = resp.headers_mut();
    out.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    out.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept_key) = HeaderValue::try_from(accept_key) {
        out.insert(header::SEC_WEBSOCKET_ACCEPT, accept_key);
    }
    if let Some(protocol) = protocol {
        out.insert(header::SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    resp
}

/// Sends data messages back until the peer closes or the connection fails.
/// Pings and the closing handshake need no code: tungstenite queues the
/// replies while reading and flushes them on the next read or send.
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut ws: WebSocketStream<S>) {
    while let Some(Ok(message)) = ws.next().await {
        if matches!(message, Message::Text(_) | Message::Binary(_))
            && ws.send(message).await.is_err()
        {
            return;
        }
    }
}

/// Sends `n` chunks `interval_ms` apart, then closes normally.
async fn stream<S: AsyncRead + AsyncWrite + Unpin>(
    mut ws: WebSocketStream<S>,
    n: u64,
    interval_ms: u64,
) {
    let every = std::time::Duration::from_millis(interval_ms);
    for i in 0..n {
        if i > 0 {
            tokio::time::sleep(every).await;
        }
        if ws
            .send(Message::Text(format!("chunk {i}").into()))
            .await
            .is_err()
        {
            return;
        }
    }
    let frame = tokio_tungstenite::tungstenite::protocol::CloseFrame {
        code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Normal,
        reason: "".into(),
    };
    let _ = ws.close(Some(frame)).await;
    // Drain until the peer answers the close.
    while let Some(Ok(_)) = ws.next().await {}
}
