//! k6's error codes and texts for failed requests: the short `error` tag
//! (`dial: connection refused`), the long form logged in "Request Failed"
//! (`Get "http://…": dial tcp …: connect: connection refused`) and the `error_code` table.

use url::Url;

/// k6's error for a failed request: the `error` string and `error_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpError {
    pub code: u32,
    /// The short form: `res.error` and the `error` tag (`dial: connection refused`).
    pub tag: String,
    /// The long form, logged in the "Request Failed" warning and thrown with `throw`.
    pub message: String,
}

pub(super) fn timeout_error(method: &reqwest::Method, url: &Url) -> HttpError {
    HttpError {
        code: 1050,
        tag: "request timeout".into(),
        message: format!("{} \"{url}\": request timeout", go_method(method)),
    }
}

/// Maps a client error to k6's error code table.
pub(super) fn classify(e: &reqwest::Error, method: &reqwest::Method, url: &Url) -> HttpError {
    let go_method = go_method(method);
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    );
    if e.is_timeout() {
        return timeout_error(method, url);
    }
    let mut io_kind = None;
    let mut text = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        text = s.to_string();
        src = s.source();
    }
    let (code, tag, detail) = match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => (
            1212,
            "dial: connection refused",
            format!("dial tcp {host}: connect: connection refused"),
        ),
        Some(std::io::ErrorKind::ConnectionReset) => (
            1220,
            "read: connection reset by peer",
            format!("read tcp {host}: read: connection reset by peer"),
        ),
        Some(std::io::ErrorKind::TimedOut) => (
            1211,
            "dial: i/o timeout",
            format!("dial tcp {host}: i/o timeout"),
        ),
        _ if text.contains("dns error") || text.contains("failed to lookup") => (
            1101,
            "lookup: no such host",
            format!(
                "dial tcp: lookup {}: no such host",
                url.host_str().unwrap_or("")
            ),
        ),
        _ if e.is_connect() => (
            1210,
            "dial: unknown error",
            format!("dial tcp {host}: {text}"),
        ),
        _ => (1000, "unknown error", text.clone()),
    };
    HttpError {
        code,
        tag: tag.to_string(),
        message: format!("{go_method} \"{url}\": {detail}"),
    }
}

/// Go's `http.Client` error prefix: `Get`, `Post`, ...
pub fn go_method(m: &reqwest::Method) -> String {
    let s = m.as_str();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 0 {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}
