//! The I/O side of a streamed response: the request over the VU's connector (so its bytes
//! count in `data_sent`/`data_received`), HTTP/1.1 as k6's SSE module speaks it, with the
//! cookie jar's cookies (and its `Set-Cookie`s stored back), then a local task of the VU's
//! thread that cuts the body as it arrives — into events ([`crate::net::sse`]) or lines
//! and chunks ([`crate::net::chunks`]) — and forwards each to the VU's event loop, until
//! the stream ends, the VU closes it, or the timeout passes.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;
use url::Url;

use crate::net::chunks::{Piece, Split, Splitter};
use crate::net::client::Jar;
use crate::net::connector::Connector;
use crate::net::sse::{Parsed, Parser, SseEvent};
use crate::vu::event_loop::Completion;

/// How long dialling and the response head may take when the script sets no timeout.
const HEAD_TIMEOUT: Duration = Duration::from_secs(60);

/// What to request.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    pub method: http::Method,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The whole request's limit (head and stream), as `params.timeout` sets it.
    pub timeout: Option<Duration>,
    /// Where cookies come from and go to.
    pub jar: Jar,
    /// How the body is cut.
    pub framing: Framing,
}

/// How a body is cut into what the script gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream` events; any other status or type is refused.
    Sse,
    /// Lines or raw chunks of any 2xx response.
    Plain(Split),
}

/// The response head, as `sse.open` returns it.
#[derive(Debug, Default)]
pub struct Opened {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub error: String,
    /// Milliseconds from the start to the response head.
    pub head_ms: f64,
    /// When the request was written to the connection (what time to first event counts
    /// from: a dial or TLS handshake is not the server's answer).
    pub sent: Option<Instant>,
    /// Set while the stream runs: sending (or dropping) it stops the stream.
    pub stop: Option<oneshot::Sender<()>>,
}

/// What the stream tells the VU.
#[derive(Debug)]
pub enum Event {
    Message(SseEvent),
    /// A line or chunk of a plain stream.
    Data(String),
    Error(String),
    /// The stream is over (after any error it had).
    End,
}

/// Sends the request and, once the head arrived, starts the stream's task.
pub async fn open(
    connector: Connector,
    req: Request,
    id: u64,
    events: UnboundedSender<Completion>,
) -> Opened {
    let start = Instant::now();
    let deadline = tokio::time::Instant::from_std(start + req.timeout.unwrap_or(HEAD_TIMEOUT));
    let mut out = Opened::default();
    let mut sent = None;
    let head = tokio::time::timeout_at(deadline, send(&connector, &req, &mut sent)).await;
    out.sent = sent;
    out.head_ms = start.elapsed().as_secs_f64() * 1000.0;
    let response = match head {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            out.error = e;
            return out;
        }
        Err(_) => {
            out.error = format!(
                "{} \"{}\": request timeout while awaiting headers",
                method_word(&req.method),
                req.url
            );
            return out;
        }
    };
    out.status = response.status().as_u16();
    out.headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                canonical(k.as_str()),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let set_cookies = response.headers().get_all(http::header::SET_COOKIE).iter();
    crate::net::client::store_set_cookies(
        &req.jar,
        &req.url,
        set_cookies.filter_map(|v| v.to_str().ok()),
    );
    let framing = req.framing;
    let refusal = refusal(&response, framing);
    let (stop, stopped) = oneshot::channel();
    out.stop = Some(stop);
    let stream_deadline = req
        .timeout
        .map(|t| tokio::time::Instant::from_std(start + t));
    tokio::task::spawn_local(async move {
        let tell = |e: Event| {
            let _ = events.send(Completion {
                id,
                payload: Box::new(e),
            });
        };
        if let Some(why) = refusal {
            tell(Event::Error(why));
        } else {
            let framer = Framer::new(framing);
            read(
                response.into_body(),
                framer,
                stopped,
                stream_deadline,
                &tell,
            )
            .await;
        }
        tell(Event::End);
    });
    out
}

/// Why a response is not a stream: a status other than 2xx, or (for SSE) another type.
fn refusal(response: &http::Response<hyper::body::Incoming>, framing: Framing) -> Option<String> {
    let status = response.status();
    if framing != Framing::Sse {
        return (!status.is_success()).then(|| format!("unexpected status {status}"));
    }
    if !status.is_success() {
        return Some(format!("unexpected status {status}: not an event stream"));
    }
    let ctype = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (!ctype
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("text/event-stream"))
    .then(|| format!("unexpected content type \"{ctype}\": not text/event-stream"))
}

async fn send(
    connector: &Connector,
    req: &Request,
    sent: &mut Option<Instant>,
) -> Result<http::Response<hyper::body::Incoming>, String> {
    let url = &req.url;
    let tls = url.scheme() == "https";
    let (host, port) = crate::net::connector::host_port(url, tls);
    let stream = connector
        .dial(&host, port, tls)
        .await
        .map_err(|e| format!("{} \"{url}\": {e}", method_word(&req.method)))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::task::spawn_local(async move {
        let _ = conn.await;
    });
    let mut builder = http::Request::builder()
        .method(req.method.clone())
        .uri(&url[url::Position::BeforePath..url::Position::AfterQuery])
        .header(http::header::HOST, host_header(url));
    if req.framing == Framing::Sse {
        builder = builder.header(http::header::ACCEPT, "text/event-stream");
    }
    let mut cookie = None;
    for (k, v) in &req.headers {
        if k.eq_ignore_ascii_case("cookie") {
            cookie = Some(v.clone());
        } else {
            builder = builder.header(k.as_str(), v.as_str());
        }
    }
    // As Go's client does: the jar's cookies follow any the script set.
    let jar_cookies = crate::net::client::jar_cookies(&req.jar, url);
    let cookie = match (cookie, jar_cookies) {
        (Some(own), Some(jar)) => Some(format!("{own}; {jar}")),
        (own, jar) => own.or(jar),
    };
    if let Some(c) = cookie {
        builder = builder.header(http::header::COOKIE, c);
    }
    let request = builder
        .body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| e.to_string())?;
    *sent = Some(Instant::now());
    sender
        .send_request(request)
        .await
        .map_err(|e| format!("{} \"{url}\": {e}", method_word(&req.method)))
}

/// What cuts a body: the SSE parser or the line/chunk splitter.
enum Framer {
    Sse(Box<Parser>, Vec<Parsed>),
    Plain(Splitter, Vec<Piece>),
}

impl Framer {
    fn new(framing: Framing) -> Framer {
        match framing {
            Framing::Sse => Framer::Sse(Box::new(Parser::new()), Vec::new()),
            Framing::Plain(split) => Framer::Plain(Splitter::new(split), Vec::new()),
        }
    }

    /// Cuts `data`, telling each piece; returns how many were events or data.
    fn feed(&mut self, data: &[u8], tell: &impl Fn(Event)) -> u64 {
        match self {
            Framer::Sse(parser, parsed) => {
                parser.feed(data, parsed);
                tell_parsed(parsed, tell)
            }
            Framer::Plain(splitter, pieces) => {
                splitter.feed(data, pieces);
                tell_pieces(pieces, tell)
            }
        }
    }

    /// The body is over: what is still open is told, or is an error.
    fn finish(&mut self, events: u64, tell: &impl Fn(Event)) {
        match self {
            Framer::Sse(parser, _) if parser.mid_event() => tell(Event::Error(
                "the stream ended in the middle of an event".into(),
            )),
            Framer::Sse(..) if events == 0 => {
                tell(Event::Error("the stream ended before any event".into()))
            }
            Framer::Sse(..) => {}
            Framer::Plain(splitter, pieces) => {
                splitter.finish(pieces);
                tell_pieces(pieces, tell);
            }
        }
    }
}

fn tell_parsed(parsed: &mut Vec<Parsed>, tell: &impl Fn(Event)) -> u64 {
    let mut events = 0;
    for p in parsed.drain(..) {
        match p {
            Parsed::Event(e) => {
                events += 1;
                tell(Event::Message(e));
            }
            Parsed::Error(e) => tell(Event::Error(e)),
            Parsed::Retry(_) => {}
        }
    }
    events
}

fn tell_pieces(pieces: &mut Vec<Piece>, tell: &impl Fn(Event)) -> u64 {
    let mut data = 0;
    for p in pieces.drain(..) {
        match p {
            Piece::Data(d) => {
                data += 1;
                tell(Event::Data(d));
            }
            Piece::Error(e) => tell(Event::Error(e)),
        }
    }
    data
}

/// Reads the body until it ends, fails, is stopped or times out.
async fn read(
    mut body: hyper::body::Incoming,
    mut framer: Framer,
    mut stopped: oneshot::Receiver<()>,
    deadline: Option<tokio::time::Instant>,
    tell: &impl Fn(Event),
) {
    let mut events = 0u64;
    let far = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365);
    loop {
        let frame = tokio::select! {
            _ = &mut stopped => return,
            () = tokio::time::sleep_until(deadline.unwrap_or(far)) => {
                tell(Event::Error("request timeout: the stream was still open".into()));
                return;
            }
            frame = body.frame() => frame,
        };
        match frame {
            Some(Ok(f)) => {
                let Ok(data) = f.into_data() else { continue };
                events += framer.feed(&data, tell);
            }
            Some(Err(e)) => {
                tell(Event::Error(format!("the stream broke off: {e}")));
                return;
            }
            None => break,
        }
    }
    framer.finish(events, tell);
}

/// Go's word for the method in its request errors (`Get "url": …`).
fn method_word(m: &http::Method) -> String {
    let s = m.as_str().to_ascii_lowercase();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// `content-type` → `Content-Type`, as Go shows header names.
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}
