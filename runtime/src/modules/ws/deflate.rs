//! WebSockets with permessage-deflate (RFC 7692), k6's `compression: 'deflate'`.
//! tokio-tungstenite has no compression extension, so these sockets run on `yawc`, which
//! does; the offer is gorilla/websocket's (what k6 sends): no context takeover either way.
//! `yawc` does not hand back the upgrade response, so the stream is tapped while the
//! handshake reads it and the response head is parsed from the tap (k6 returns its status
//! and headers from `ws.connect`).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use url::Url;
use yawc::close::CloseCode;
use yawc::{Frame, OpCode, Options, WebSocket, WebSocketError};

use super::session::{Cmd, Duplex, Handshake, Incoming};
use crate::net::connector::Stream;

/// The largest response head kept from the tap; anything beyond is not a valid handshake.
const MAX_HEAD: usize = 64 * 1024;

/// The `compression` parameter as k6 reads it: surrounding blank space is ignored and
/// `deflate` is the only algorithm. `blank_ok` is k6/ws's leniency (an empty value means
/// no compression); the WebSocket class of k6/experimental/websockets rejects it.
pub fn parse_param(value: &str, blank_ok: bool) -> Result<bool, String> {
    match value.trim() {
        "" if blank_ok => Ok(false),
        "deflate" => Ok(true),
        other => Err(format!(
            "unsupported compression algorithm '{other}', supported algorithm is 'deflate'"
        )),
    }
}

/// Shakes hands over `stream` offering permessage-deflate. On success the socket is a
/// [`Duplex`] speaking rk6's commands and events; the handshake's status and headers are
/// filled into `out` either way.
pub async fn handshake(
    stream: Stream,
    url: &Url,
    headers: &[(String, String)],
    out: &mut Handshake,
) -> Option<Duplex> {
    let mut request = yawc::HttpRequest::builder();
    for (k, v) in headers {
        request = request.header(k.as_str(), v.as_str());
    }
    let options = Options::default()
        .with_balanced_compression()
        .server_no_context_takeover()
        .client_no_context_takeover();
    let head = Arc::new(Mutex::new(Vec::new()));
    let tap = HeadTap {
        inner: stream,
        head: head.clone(),
        done: false,
    };
    let result = WebSocket::handshake_with_request(url.clone(), tap, options, request).await;
    if let Ok(head) = head.lock() {
        fill_from_head(&head, out);
    }
    match result {
        Ok(socket) => Some(duplex(socket)),
        Err(e) => {
            if !matches!(e, WebSocketError::InvalidStatusCode(_)) || out.status == 0 {
                out.error = e.to_string();
            }
            None
        }
    }
}

/// Adapts a `yawc` socket to the session's commands and events. yawc's stream ends
/// (rather than erring) when the connection fails; the session reads that as 1006.
fn duplex(socket: WebSocket<HeadTap>) -> Duplex {
    Box::pin(
        socket
            .sink_map_err(|e: WebSocketError| e.to_string())
            .with(|cmd: Cmd| futures_util::future::ready(Ok::<_, String>(frame_for(cmd))))
            .map(incoming),
    )
}

fn incoming(frame: Frame) -> Incoming {
    match frame.opcode() {
        OpCode::Text => Incoming::Text(String::from_utf8_lossy(frame.payload()).into_owned()),
        OpCode::Binary => Incoming::Binary(frame.into_payload().to_vec()),
        OpCode::Ping => Incoming::Ping,
        OpCode::Pong => Incoming::Pong,
        OpCode::Close => Incoming::Close(frame.close_code().map_or(1005, u16::from)),
        OpCode::Continuation => Incoming::Skip,
    }
}

fn frame_for(cmd: Cmd) -> Frame {
    match cmd {
        Cmd::Text(t) => Frame::text(t),
        Cmd::Binary(b) => Frame::binary(b),
        Cmd::Ping => Frame::ping(Vec::new()),
        Cmd::Close(code) => Frame::close(CloseCode::from(code), b""),
    }
}

/// Status and headers of the response head the tap saw.
fn fill_from_head(head: &[u8], out: &mut Handshake) {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    if response.parse(head).is_err() {
        return;
    }
    out.status = response.code.unwrap_or(0);
    for h in response.headers.iter() {
        let value = String::from_utf8_lossy(h.value).into_owned();
        if h.name.eq_ignore_ascii_case("sec-websocket-protocol") {
            out.subprotocol = value.clone();
        }
        out.headers
            .push((crate::net::headers::canonical_header(h.name), value));
    }
}

/// A stream that keeps a copy of what is read until the end of the HTTP response head.
pub struct HeadTap {
    inner: Stream,
    head: Arc<Mutex<Vec<u8>>>,
    done: bool,
}

impl AsyncRead for HeadTap {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if !self.done {
            let done = match self.head.lock() {
                Ok(mut head) => {
                    head.extend_from_slice(&buf.filled()[before..]);
                    if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        head.truncate(end + 4);
                        true
                    } else {
                        head.len() > MAX_HEAD
                    }
                }
                Err(_) => true,
            };
            self.done = done;
        }
        polled
    }
}

impl AsyncWrite for HeadTap {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compression_param_is_read_like_k6() {
        assert_eq!(parse_param("deflate", true), Ok(true));
        assert_eq!(parse_param(" deflate ", false), Ok(true));
        assert_eq!(parse_param("  ", true), Ok(false));
        assert_eq!(
            parse_param("", false),
            Err("unsupported compression algorithm '', supported algorithm is 'deflate'".into())
        );
        assert_eq!(
            parse_param("deflate, gzip", true),
            Err(
                "unsupported compression algorithm 'deflate, gzip', supported algorithm is 'deflate'"
                    .into()
            )
        );
    }

    #[test]
    fn the_response_head_gives_status_headers_and_subprotocol() {
        let mut out = Handshake::default();
        fill_from_head(
            b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nsec-websocket-extensions: permessage-deflate\r\nsec-websocket-protocol: chat\r\n\r\n",
            &mut out,
        );
        assert_eq!(out.status, 101);
        assert_eq!(out.subprotocol, "chat");
        assert!(out.headers.contains(&(
            "Sec-Websocket-Extensions".into(),
            "permessage-deflate".into()
        )));
    }
}
