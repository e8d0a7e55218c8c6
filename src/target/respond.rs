//! Response building for the target server: the body type, the [`Reject`]
//! error that handlers return for bad input, and the responses shared across
//! endpoint families (JSON, redirects, 404/405, OPTIONS and CORS headers).

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;

use super::router::Methods;

pub(super) type Resp = Response<Full<Bytes>>;

pub(super) const JSON: &str = "application/json";
pub(super) const HTML: &str = "text/html; charset=utf-8";
pub(super) const TEXT: &str = "text/plain; charset=utf-8";

/// Why a request could not be served as asked. Becomes a plain-text error
/// response; a client can always provoke these, so they must never panic.
#[derive(Debug, thiserror::Error)]
pub(super) enum Reject {
    #[error("{0}")]
    BadRequest(Cow<'static, str>),
    #[error("request body exceeds {} bytes", super::MAX_BODY)]
    BodyTooLarge,
    #[error("failed to read request body: {0}")]
    BodyRead(Box<dyn std::error::Error + Send + Sync>),
    /// Only encoders writing into memory produce these, so they are bugs.
    #[error("internal error: {0}")]
    Internal(#[from] std::io::Error),
}

impl Reject {
    pub(super) fn bad(message: impl Into<Cow<'static, str>>) -> Reject {
        Reject::BadRequest(message.into())
    }

    pub(super) fn into_response(self) -> Resp {
        let status = match self {
            Reject::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Reject::BadRequest(_) | Reject::BodyRead(_) => StatusCode::BAD_REQUEST,
            Reject::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        build(status, TEXT, self.to_string())
    }
}

/// A response with a body and its `Content-Type`.
pub(super) fn build(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Resp {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A response with no body and no `Content-Type`.
pub(super) fn empty(status: StatusCode) -> Resp {
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

/// Serializes `value` the way httpbin's `jsonify` does: two-space indentation
/// and a trailing newline.
pub(super) fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut buf = Vec::with_capacity(512);
    // Writing into a Vec cannot fail, and every serialized type here has
    // string keys, so an error would be a bug in this module.
    if let Err(err) = serde_json::to_writer_pretty(&mut buf, value) {
        debug_assert!(false, "target JSON serialization failed: {err}");
    }
    buf.push(b'\n');
    buf
}

pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> Resp {
    build(StatusCode::OK, JSON, json_bytes(value))
}

/// Sets a header from a value a client supplied, rejecting what HTTP forbids
/// (control characters) instead of panicking.
pub(super) fn set_header(resp: &mut Resp, name: HeaderName, value: &str) -> Result<(), Reject> {
    let value = HeaderValue::try_from(value)
        .map_err(|_| Reject::bad(format!("invalid {name} header value")))?;
    resp.headers_mut().insert(name, value);
    Ok(())
}

/// A redirect as Flask's `redirect()` makes it: the Location header plus a
/// small HTML page linking to the target.
pub(super) fn redirect(status: StatusCode, location: &str) -> Result<Resp, Reject> {
    let escaped = html_escape(location);
    let body = format!(
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n\
         <p>You should be redirected automatically to the target URL: <a href=\"{escaped}\">{escaped}</a>. \
         If not, click the link.\n"
    );
    let mut resp = build(status, HTML, body);
    set_header(&mut resp, header::LOCATION, location)?;
    Ok(resp)
}

/// A bare redirect with an empty body, as httpbin's `/relative-redirect` and
/// `/redirect-to` send.
pub(super) fn bare_redirect(status: StatusCode, location: &str) -> Result<Resp, Reject> {
    let mut resp = build(status, HTML, Bytes::new());
    set_header(&mut resp, header::LOCATION, location)?;
    Ok(resp)
}

fn html_escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

pub(super) fn not_found() -> Resp {
    build(
        StatusCode::NOT_FOUND,
        HTML,
        Bytes::from_static(
            b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n\
              <p>The requested URL was not found on the server. If you entered the URL manually \
              please check your spelling and try again.</p>\n",
        ),
    )
}

pub(super) fn method_not_allowed(methods: Methods) -> Resp {
    let mut resp = build(
        StatusCode::METHOD_NOT_ALLOWED,
        HTML,
        Bytes::from_static(
            b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n\
              <h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n",
        ),
    );
    insert_allow(&mut resp, methods);
    resp
}

/// The answer to `OPTIONS` on any route, CORS preflight included.
pub(super) fn options(methods: Methods, request: &HeaderMap) -> Resp {
    let mut resp = build(StatusCode::OK, HTML, Bytes::new());
    insert_allow(&mut resp, methods);
    let headers = resp.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE, PATCH, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("3600"),
    );
    if let Some(asked) = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    resp
}

fn insert_allow(resp: &mut Resp, methods: Methods) {
    if let Ok(allow) = HeaderValue::try_from(methods.allow_header()) {
        resp.headers_mut().insert(header::ALLOW, allow);
    }
}

/// httpbin answers every request with permissive CORS headers, echoing the
/// caller's `Origin` so credentialed browser requests work too.
pub(super) fn add_cors<B>(resp: &mut Response<B>, origin: Option<HeaderValue>) {
    let headers = resp.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.unwrap_or(HeaderValue::from_static("*")),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
}

/// Turns a GET response into the HEAD one: same headers and length, no body.
/// hyper drops HEAD bodies itself on HTTP/1 but not on HTTP/2.
pub(super) fn strip_body(resp: &mut Resp) {
    use hyper::body::Body as _;
    let len = resp.body().size_hint().exact().unwrap_or(0);
    resp.headers_mut()
        .entry(header::CONTENT_LENGTH)
        .or_insert_with(|| HeaderValue::from(len));
    *resp.body_mut() = Full::new(Bytes::new());
}
