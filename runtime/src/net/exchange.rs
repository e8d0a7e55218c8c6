//! One measured round trip: the request written through the VU's pooled client, the
//! response read, and k6's timings derived from what the connector saw on the socket.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use url::Url;

use super::client::HttpClient;
use super::codec::MAX_DECODED_BODY;
use super::codes;
use super::connector::ConnInfo;
use super::errors::{body_error, classify, decompression_error, timeout_error, HttpError};
use super::headers::Headers;

/// Timings of one hop, in milliseconds, as k6 reports them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub blocked: f64,
    pub connecting: f64,
    pub tls_handshaking: f64,
    pub sending: f64,
    pub waiting: f64,
    pub receiving: f64,
}

impl Timings {
    /// k6: `duration = sending + waiting + receiving`.
    pub fn duration(&self) -> f64 {
        self.sending + self.waiting + self.receiving
    }
}

/// One measured round trip (each redirect hop is one).
#[derive(Debug, Clone)]
pub struct Hop {
    pub method: http::Method,
    pub url: Url,
    /// The script wrote this URL without a path (see `client::url_text`).
    pub bare_path: bool,
    pub status: u16,
    pub proto: &'static str,
    pub headers: Headers,
    /// Shared, not copied, with what `res.json()` parses from it.
    pub body: Bytes,
    /// The head arrived and the body broke off: k6 hands the script what arrived (even
    /// nothing) where a request that failed before its head has a null body.
    pub partial_body: bool,
    /// The body as received (before decoding), kept only for `--http-debug=full`.
    pub raw_body: Option<Bytes>,
    pub timings: Timings,
    pub remote: Option<SocketAddr>,
    /// k6's names of the negotiated TLS version and cipher suite (empty for plain HTTP).
    pub tls_version: &'static str,
    pub tls_cipher_suite: String,
    pub end: SystemTime,
    /// Sent request headers, for `res.request`.
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<Vec<u8>>,
    /// Cookies sent: (name, value, replace), for `res.request.cookies`.
    pub request_cookies: Vec<(String, String, bool)>,
    pub error: Option<HttpError>,
}

/// The hops of one request (redirects, a digest challenge), each boxed as [`Hop::new`] makes it.
#[allow(clippy::vec_box)] // boxed on purpose: a hop is ~0.5 KB, and moves are pointer copies
pub type Hops = Vec<Box<Hop>>;

impl Hop {
    /// A hop that has not received anything yet; boxed from the start: a hop is ~0.5 KB,
    /// and an unboxed one was copied ~20 times on its way through the exchange's futures
    /// (with the URL and body borrowed until a redirect: ~900 instructions per request).
    pub fn new(
        method: &http::Method,
        url: &Url,
        request_headers: Vec<(String, String)>,
        body: Option<&[u8]>,
    ) -> Box<Self> {
        Box::new(Hop {
            method: method.clone(),
            url: url.clone(),
            bare_path: false,
            status: 0,
            proto: "",
            headers: Headers::default(),
            body: Bytes::new(),
            partial_body: false,
            raw_body: None,
            timings: Timings::default(),
            remote: None,
            tls_version: "",
            tls_cipher_suite: String::new(),
            end: SystemTime::now(),
            request_headers,
            request_body: body.map(<[u8]>::to_vec),
            request_cookies: Vec::new(),
            error: None,
        })
    }

    /// k6's `status_text`: "200 OK", just the code when the status has no reason phrase,
    /// and empty without a response. Built on demand: most scripts never read it.
    pub fn status_text(&self) -> String {
        let Ok(status) = http::StatusCode::from_u16(self.status) else {
            return String::new();
        };
        let reason = status.canonical_reason().unwrap_or("");
        let mut text = String::with_capacity(4 + reason.len());
        text.push_str(status.as_str());
        if !reason.is_empty() {
            text.push(' ');
            text.push_str(reason);
        }
        text
    }
}

/// What one hop sends.
pub struct Outgoing<'a> {
    pub method: &'a http::Method,
    pub url: &'a Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<&'a [u8]>,
    pub cookies: Vec<(String, String, bool)>,
    /// Sent but not shown in `res.request.headers`, as in k6.
    pub authorization: Option<String>,
    /// Keep the undecoded body (for `--http-debug=full`).
    pub keep_raw: bool,
    /// `responseType: "none"`: the body is read off the wire (and counted there) but
    /// neither kept nor decoded, as k6 discards it.
    pub discard_body: bool,
}

/// Sends one request and reads its response before `deadline`.
pub async fn one_hop(client: &HttpClient, out: Outgoing<'_>, deadline: Instant) -> Box<Hop> {
    let Outgoing {
        method,
        url,
        headers,
        body,
        cookies,
        authorization,
        keep_raw,
        discard_body,
    } = out;
    let req = match build_request(method, url, &headers, authorization.as_deref(), body) {
        Ok(r) => r,
        Err(e) => {
            let mut hop = Hop::new(method, url, headers, body);
            hop.error = Some(e);
            return hop;
        }
    };
    let mut hop = Hop::new(method, url, headers, body);
    hop.request_cookies = cookies;
    let start = Instant::now();
    // One timer for the whole exchange: a timer per step (send, each body frame) showed
    // in the profile of every request.
    let expiry = tokio::time::sleep_until(deadline.into());
    tokio::pin!(expiry);
    // Go's transport sends an idempotent request again when a reused connection closed
    // before answering it.
    let sent_headers = &hop.request_headers;
    let replay = || {
        replayable(method, sent_headers)
            .then(|| build_request(method, url, sent_headers, authorization.as_deref(), body).ok())
            .flatten()
    };
    let sent = before(expiry.as_mut(), client.send(req, replay)).await;
    let (resp, lease) = match sent {
        None => return fail(hop, timeout_error(method, url), start),
        Some(Err(e)) => return fail(hop, classify(&e, method, url), start),
        Some(Ok(r)) => r,
    };
    let headers_at = Instant::now();
    let info = lease.info().clone();
    hop.status = resp.status().as_u16();
    hop.proto = match resp.version() {
        http::Version::HTTP_2 => "HTTP/2.0",
        http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    hop.headers = response_headers(resp.headers());
    let body = resp.into_body();
    let (raw, failed) = read_body(body, expiry, discard_body).await;
    if let Some(failure) = failed {
        // k6 reports a response that broke off as failed (status 0), keeping what arrived.
        let err = match failure {
            // Go's body read times out without the method and URL in front.
            BodyFailure::Expired => HttpError {
                message: "request timeout".into(),
                ..timeout_error(method, url)
            },
            BodyFailure::Read(e) => body_error(&e, Some(&info)),
        };
        hop.body = raw;
        hop.partial_body = true;
        hop.status = 0;
        hop.proto = "";
        return fail(hop, err, start);
    }
    let end = Instant::now();
    lease.release();
    hop.raw_body = keep_raw.then(|| raw.clone());
    if !discard_body {
        let decoded = super::codec::decode_body(&hop.headers, raw, MAX_DECODED_BODY);
        match decoded {
            Ok(b) => hop.body = Bytes::from(b),
            Err(e) => {
                // k6 fails the whole request (status 0, null body) with code 1701.
                hop.status = 0;
                hop.proto = "";
                hop.error = Some(decompression_error(&e));
            }
        }
    }
    hop.timings = timings(Some(&info), start, headers_at, end);
    hop.remote = Some(info.remote());
    if let Some((v, c)) = info.tls() {
        hop.tls_version = v;
        hop.tls_cipher_suite = c.to_string();
    }
    hop.end = SystemTime::now();
    hop
}

/// Go's `isReplayable`: safe methods, or a request marked with an idempotency key.
fn replayable(method: &http::Method, headers: &[(String, String)]) -> bool {
    use http::Method as M;
    matches!(*method, M::GET | M::HEAD | M::OPTIONS | M::TRACE)
        || headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("idempotency-key") || k.eq_ignore_ascii_case("x-idempotency-key")
        })
}

/// `f`'s output, or `None` if `expiry` comes first.
async fn before<F: std::future::Future>(
    expiry: std::pin::Pin<&mut tokio::time::Sleep>,
    f: F,
) -> Option<F::Output> {
    tokio::select! {
        biased;
        out = f => Some(out),
        () = expiry => None,
    }
}

/// Why a body was not read to its end.
enum BodyFailure {
    Expired,
    Read(hyper::Error),
}

/// The largest body buffer allocated up front from a `Content-Length`.
const PRESIZED_BODY_MAX: u64 = 8 << 20;

/// Reads the body to its end or `expiry` (keeping nothing when `discard`); what arrived,
/// and why it stopped short if it did.
async fn read_body(
    mut body: hyper::body::Incoming,
    mut expiry: std::pin::Pin<&mut tokio::time::Sleep>,
    discard: bool,
) -> (Bytes, Option<BodyFailure>) {
    // Sized by `Content-Length` (up to a bound a lying server cannot inflate): the body
    // is kept as read, and its size is what the VU's collector is told it holds.
    let hint = hyper::body::Body::size_hint(&body).exact().unwrap_or(0);
    let presize = if discard {
        0
    } else {
        hint.min(PRESIZED_BODY_MAX)
    };
    let mut buf = bytes::BytesMut::with_capacity(usize::try_from(presize).unwrap_or(0));
    loop {
        let frame = before(expiry.as_mut(), body.frame()).await;
        match frame {
            None => return (buf.freeze(), Some(BodyFailure::Expired)),
            Some(None) => return (buf.freeze(), None),
            Some(Some(Ok(f))) => {
                if let (Ok(data), false) = (f.into_data(), discard) {
                    buf.extend_from_slice(&data);
                }
            }
            Some(Some(Err(e))) => return (buf.freeze(), Some(BodyFailure::Read(e))),
        }
    }
}

fn build_request(
    method: &http::Method,
    url: &Url,
    headers: &[(String, String)],
    authorization: Option<&str>,
    body: Option<&[u8]>,
) -> Result<http::Request<Full<Bytes>>, HttpError> {
    let invalid = |detail: String| HttpError {
        code: codes::INVALID_URL,
        tag: "invalid URL".into(),
        message: format!("{} \"{url}\": {detail}", super::errors::go_method(method)),
    };
    // Credentials and the fragment are not sent; most URLs have neither and skip the copy.
    let uri = if url.username().is_empty() && url.password().is_none() && url.fragment().is_none() {
        url.as_str().parse::<http::Uri>()
    } else {
        let mut target = url.clone();
        let _ = target.set_username("");
        let _ = target.set_password(None);
        target.set_fragment(None);
        target.as_str().parse::<http::Uri>()
    };
    let uri = uri.map_err(|e| invalid(http::Error::from(e).to_string()))?;
    // Built in place: `http::request::Builder` moves its whole state through a closure per
    // header (a copy of ~200 bytes each).
    let body = body.map_or_else(Bytes::new, Bytes::copy_from_slice);
    let mut req = http::Request::new(Full::new(body));
    *req.method_mut() = method.clone();
    *req.uri_mut() = uri;
    let map = req.headers_mut();
    map.reserve(headers.len() + usize::from(authorization.is_some()));
    let auth = authorization.map(|a| ("Authorization", a));
    for (k, v) in headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(auth)
    {
        let name = http::header::HeaderName::from_bytes(k.as_bytes())
            .map_err(|e| invalid(http::Error::from(e).to_string()))?;
        let value = http::HeaderValue::from_str(v)
            .map_err(|e| invalid(http::Error::from(e).to_string()))?;
        map.append(name, value);
    }
    Ok(req)
}

/// Response headers with Go's canonical names.
fn response_headers(h: &http::HeaderMap) -> Headers {
    let mut out = Headers::with_capacity(h.len(), 32 * h.len());
    for (k, v) in h {
        out.push_received(k.as_str(), v.as_bytes());
    }
    out
}

/// k6's phases: `blocked` is getting a connection (dial+TLS when new), `connecting` the
/// TCP connect, `tls_handshaking` the handshake, `sending` until the request was written,
/// `waiting` until the response head, `receiving` until the body was read.
fn timings(info: Option<&ConnInfo>, start: Instant, headers_at: Instant, end: Instant) -> Timings {
    let setup = info.and_then(ConnInfo::claim_setup);
    let ready = setup.map_or(start, |s| s.tls_done.unwrap_or(s.connected).max(start));
    let written = info
        .and_then(ConnInfo::last_write)
        .unwrap_or(ready)
        .clamp(ready, headers_at.max(ready));
    Timings {
        blocked: ms(ready.saturating_duration_since(start)),
        connecting: setup.map_or(0.0, |s| {
            ms(s.connected.saturating_duration_since(s.dial_start))
        }),
        tls_handshaking: setup
            .and_then(|s| {
                s.tls_done
                    .map(|t| ms(t.saturating_duration_since(s.connected)))
            })
            .unwrap_or(0.0),
        sending: ms(written.saturating_duration_since(ready)),
        waiting: ms(headers_at.saturating_duration_since(written)),
        receiving: ms(end.saturating_duration_since(headers_at)),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn fail(mut hop: Box<Hop>, err: HttpError, start: Instant) -> Box<Hop> {
    hop.timings.waiting = ms(start.elapsed());
    hop.error = Some(err);
    hop.end = SystemTime::now();
    hop
}
