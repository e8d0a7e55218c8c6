//! Responses that are not valid HTTP/1.1, named in Go's words.
//!
//! hyper refuses a malformed response head with its own terse text (`invalid HTTP
//! status-code parsed`) and without the offending bytes; k6 shows Go's, which quote them
//! (`malformed HTTP status code "2x0"`). So an HTTP/1 connection keeps the first bytes
//! that arrive after each request is written ([`HeadCapture`]), and when hyper refuses a head,
//! [`go_head_error`] reads those bytes the way Go's `http.ReadResponse` does to find what
//! Go would have said.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use hyper::rt::ReadBufCursor;
use tokio::io::AsyncRead;

/// How much of a response is kept: the status line and the headers Go checks first.
const CAPTURE: usize = 4096;

/// The first bytes of the latest response on one connection.
#[derive(Clone, Default)]
pub struct HeadCapture(Arc<CaptureState>);

#[derive(Default)]
struct CaptureState {
    /// Set by a write (a request going out), cleared once [`CAPTURE`] bytes are kept.
    armed: AtomicBool,
    bytes: Mutex<Vec<u8>>,
}

impl HeadCapture {
    /// What arrived since the last request was written (at most `CAPTURE` bytes).
    pub fn head(&self) -> Vec<u8> {
        self.0.bytes.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// A request is going out: keep the first bytes of its response.
    pub fn arm(&self) {
        if !self.0.armed.swap(true, Ordering::Relaxed) {
            if let Ok(mut b) = self.0.bytes.lock() {
                b.clear();
            }
        }
    }

    /// Reads from `io` into hyper's `buf`, keeping a copy of the bytes while the head of
    /// a response is still wanted.
    pub fn read<T: AsyncRead>(
        &self,
        io: Pin<&mut T>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // SAFETY: the tokio ReadBuf only initialises bytes of hyper's unfilled region,
        // and `advance` then claims exactly the bytes the read filled (as hyper-util's
        // TokioIo does).
        let n = unsafe {
            let mut tbuf = tokio::io::ReadBuf::uninit(buf.as_mut());
            match io.poll_read(cx, &mut tbuf) {
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
            self.keep(tbuf.filled());
            tbuf.filled().len()
        };
        // SAFETY: `n` bytes were filled just above.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }

    fn keep(&self, got: &[u8]) {
        let state = &self.0;
        if !state.armed.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut kept) = state.bytes.lock() {
            let room = CAPTURE.saturating_sub(kept.len());
            kept.extend_from_slice(&got[..got.len().min(room)]);
            if kept.len() >= CAPTURE || got.is_empty() {
                state.armed.store(false, Ordering::Relaxed);
            }
        }
    }

    /// Whether the head of a response is still wanted.
    pub fn armed(&self) -> bool {
        self.0.armed.load(Ordering::Relaxed)
    }
}

/// What Go's `http.ReadResponse` (and its transfer checks) says about `head`, if it finds
/// a fault: the status line first, then the header lines, then `Content-Length`.
pub fn go_head_error(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let status_line = lines.next()?;
    if !text.contains('\n') {
        return None;
    }
    if let Some(fault) = status_line_fault(status_line) {
        return Some(fault);
    }
    let mut lengths = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Some(format!("malformed MIME header line: {line}"));
        };
        if name.eq_ignore_ascii_case("content-length") {
            lengths.push(value.trim().to_string());
        }
    }
    content_length_fault(&lengths)
}

fn status_line_fault(line: &str) -> Option<String> {
    let Some((proto, rest)) = line.split_once(' ') else {
        return Some(format!("malformed HTTP response {line:?}"));
    };
    let status = rest.trim_start_matches(' ');
    let code = status.split(' ').next().unwrap_or("");
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("malformed HTTP status code {code:?}"));
    }
    if !go_http_version(proto) {
        return Some(format!("malformed HTTP version {proto:?}"));
    }
    None
}

/// Go's `ParseHTTPVersion`: `HTTP/` and one digit each side of the dot.
fn go_http_version(proto: &str) -> bool {
    let Some(v) = proto.strip_prefix("HTTP/") else {
        return false;
    };
    let b = v.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1] == b'.' && b[2].is_ascii_digit()
}

/// Go's `fixLength`: differing values first, then one that is not a length.
fn content_length_fault(values: &[String]) -> Option<String> {
    let first = values.first()?;
    if values.iter().any(|v| v != first) {
        let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        return Some(format!(
            "http: message cannot contain multiple Content-Length headers; got [{}]",
            quoted.join(" ")
        ));
    }
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("bad Content-Length {first:?}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's words for each head, as k6 v1.1 printed them against tests/servers/hostile.py.
    #[test]
    fn heads_go_refuses_are_named_as_go_names_them() {
        let fault = |h: &str| go_head_error(h.as_bytes());
        assert_eq!(
            fault("HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok").as_deref(),
            Some("malformed HTTP status code \"2x0\"")
        );
        assert_eq!(
            fault("FOO/1.1 200 OK\r\n\r\n").as_deref(),
            Some("malformed HTTP version \"FOO/1.1\"")
        );
        assert_eq!(
            fault("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n").as_deref(),
            Some("http: message cannot contain multiple Content-Length headers; got [\"2\" \"3\"]")
        );
        assert_eq!(
            fault("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok").as_deref(),
            Some("bad Content-Length \"-1\"")
        );
        assert_eq!(
            fault("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            None
        );
        assert_eq!(fault("HTTP/1.1 200 OK"), None, "an unfinished line");
    }
}
