//! k6's error codes and texts for failed requests: the short `error` tag
//! (`dial: connection refused`), the long form logged in "Request Failed"
//! (`Get "http://…": dial tcp …: connect: connection refused`) and the `error_code` table.

use url::Url;

use super::codes;
use super::connector::ConnectError;
use super::pool::PoolError;

/// k6's error for a failed request: the `error` string and `error_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpError {
    pub code: u32,
    /// The short form: `res.error` and the `error` tag (`dial: connection refused`).
    pub tag: String,
    /// The long form, logged in the "Request Failed" warning and thrown with `throw`.
    pub message: String,
}

pub(crate) fn timeout_error(method: &http::Method, url: &Url) -> HttpError {
    HttpError {
        code: codes::REQUEST_TIMEOUT,
        tag: "request timeout".into(),
        message: format!("{} \"{url}\": request timeout", go_method(method)),
    }
}

/// What failed, found by walking an error's sources.
enum Cause<'a> {
    Connect(&'a ConnectError),
    /// A response head Go refuses too, in Go's words.
    Malformed(String),
    /// A response head cut short (closed or reset).
    CutShort,
    Io(std::io::ErrorKind),
    Other,
}

/// What walking an error's sources found: the deciding cause, the innermost text, and
/// what hyper says about the exchange (typed, not read from message text).
struct Found<'a> {
    cause: Cause<'a>,
    text: String,
    /// The connection ended before the message was complete.
    incomplete: bool,
    /// An HTTP/2 protocol error.
    http2: bool,
}

fn cause<'a>(e: &'a (dyn std::error::Error + 'static)) -> Found<'a> {
    let mut found = Found {
        cause: Cause::Other,
        text: e.to_string(),
        incomplete: false,
        http2: false,
    };
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(c) = s.downcast_ref::<ConnectError>() {
            found.cause = Cause::Connect(c);
            found.text = c.to_string();
            return found;
        }
        if let Some(PoolError::Broken { head, source }) = s.downcast_ref::<PoolError>() {
            found.text = s.to_string();
            if let Some(go) = super::malformed::go_head_error(head) {
                found.cause = Cause::Malformed(go);
                return found;
            }
            if !source.is_parse() {
                found.cause = Cause::CutShort;
                return found;
            }
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            found.incomplete |= h.is_incomplete_message();
        }
        found.http2 |= s.downcast_ref::<h2::Error>().is_some();
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            found.cause = Cause::Io(io.kind());
        }
        found.text = s.to_string();
        src = s.source();
    }
    found
}

/// The kind of the I/O error underneath `e`, if any.
pub(crate) fn io_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    match cause(e).cause {
        Cause::Io(kind) => Some(kind),
        _ => None,
    }
}

/// Maps a client error to k6's error code table.
pub(crate) fn classify(
    e: &(dyn std::error::Error + 'static),
    method: &http::Method,
    url: &Url,
) -> HttpError {
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    );
    let Found {
        cause,
        text,
        incomplete,
        http2,
    } = cause(e);
    let (code, tag, detail): (u32, String, String) = match cause {
        Cause::Connect(ConnectError::NoSuchHost { host }) => (
            codes::DNS_NO_SUCH_HOST,
            "lookup: no such host".into(),
            format!("dial tcp: lookup {host}: no such host"),
        ),
        Cause::Connect(ConnectError::Dial { addr, source }) => match source.kind() {
            std::io::ErrorKind::ConnectionRefused => (
                codes::TCP_DIAL_REFUSED,
                "dial: connection refused".into(),
                format!("dial tcp {addr}: connect: connection refused"),
            ),
            std::io::ErrorKind::TimedOut => (
                codes::TCP_DIAL_TIMEOUT,
                "dial: i/o timeout".into(),
                format!("dial tcp {addr}: i/o timeout"),
            ),
            _ => (
                codes::TCP_DIAL,
                "dial: unknown error".into(),
                format!("dial tcp {addr}: {source}"),
            ),
        },
        Cause::Connect(ConnectError::Tls { source, .. }) => tls_error(source, url),
        Cause::Connect(e @ ConnectError::BlockedHostname { .. }) => (
            codes::BLOCKED_HOSTNAME,
            "hostname is blocked".into(),
            e.to_string(),
        ),
        Cause::Connect(e @ ConnectError::BlacklistedIp { .. }) => (
            codes::BLACKLISTED_IP,
            "ip is blacklisted".into(),
            e.to_string(),
        ),
        Cause::Connect(ConnectError::NoHost) => (
            codes::INVALID_URL,
            "invalid URL".into(),
            "http: no Host in request URL".into(),
        ),
        Cause::Malformed(go) => {
            let detail = format!("net/http: HTTP/1.x transport connection broken: {go}");
            (codes::DEFAULT, go, detail)
        }
        // Go's head reader meets the end (or a reset) as an unexpected EOF.
        Cause::CutShort => (
            codes::DEFAULT,
            "unexpected EOF".into(),
            "net/http: HTTP/1.x transport connection broken: unexpected EOF".into(),
        ),
        Cause::Io(std::io::ErrorKind::ConnectionReset) => (
            codes::TCP_RESET_BY_PEER,
            "read: connection reset by peer".into(),
            format!("read tcp {host}: read: connection reset by peer"),
        ),
        Cause::Io(std::io::ErrorKind::BrokenPipe) => (
            codes::TCP_BROKEN_PIPE,
            "write: broken pipe".into(),
            format!("write tcp {host}: write: broken pipe"),
        ),
        Cause::Io(std::io::ErrorKind::UnexpectedEof) => {
            (codes::DEFAULT, "EOF".into(), "EOF".into())
        }
        Cause::Other if incomplete => (codes::DEFAULT, "EOF".into(), "EOF".into()),
        _ if http2 => (codes::HTTP2, "http2: unknown error".into(), text.clone()),
        _ => (codes::DEFAULT, "unknown error".into(), text.clone()),
    };
    HttpError {
        code,
        tag,
        message: format!("{} \"{url}\": {detail}", go_method(method)),
    }
}

/// A URL Go's client would not send: k6 fails the request (status 0) rather than throw.
/// Go's words: an unknown scheme and a missing host are code 1000 behind the method and
/// URL, a URL that does not parse is 1020 `invalid URL: parse …`.
pub(crate) fn unusable_url(
    raw: &str,
    parse_error: Option<&url::ParseError>,
    parsed: Option<&Url>,
    method: &http::Method,
) -> HttpError {
    use url::ParseError as P;
    let failed_request = |shown: &str, why: String| HttpError {
        code: codes::DEFAULT,
        message: format!("{} \"{shown}\": {why}", go_method(method)),
        tag: why,
    };
    let invalid = |why: String| {
        let text = format!("invalid URL: parse \"{raw}\": {why}");
        HttpError {
            code: codes::INVALID_URL,
            tag: text.clone(),
            message: text,
        }
    };
    let host_part = raw
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    // Go names the first character a host may not hold.
    let bad_host_char = host_part
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(*c));
    match parse_error {
        None => {
            let scheme = parsed.map(Url::scheme).unwrap_or_default();
            failed_request(raw, format!("unsupported protocol scheme \"{scheme}\""))
        }
        Some(P::RelativeUrlWithoutBase) => {
            failed_request(raw, "unsupported protocol scheme \"\"".into())
        }
        Some(P::EmptyHost) => failed_request(
            raw.trim_end_matches('/'),
            "http: no Host in request URL".into(),
        ),
        Some(P::InvalidDomainCharacter | P::IdnaError) if bad_host_char.is_some() => {
            let bad = bad_host_char.unwrap_or(' ');
            invalid(format!(
                "invalid character {:?} in host name",
                bad.to_string()
            ))
        }
        Some(P::InvalidIpv6Address) if !host_part.contains(']') => {
            invalid("missing ']' in host".into())
        }
        Some(P::InvalidPort) => {
            let port = host_part.rsplit_once(':').map_or("", |(_, p)| p);
            invalid(format!("invalid port \":{port}\" after host"))
        }
        Some(other) => invalid(other.to_string()),
    }
}

/// A response body that broke off: Go's read errors, which k6 logs without the
/// `Get "url":` prefix.
pub(crate) fn body_error(
    e: &(dyn std::error::Error + 'static),
    conn: Option<&super::connector::ConnInfo>,
) -> HttpError {
    let Found { cause, text, .. } = cause(e);
    let (local, remote) = conn.map_or((String::new(), String::new()), |c| {
        (
            c.local().map(|a| a.to_string()).unwrap_or_default(),
            c.remote().to_string(),
        )
    });
    if let Some(go) = go_chunk_text(&text) {
        return HttpError {
            code: codes::DEFAULT,
            tag: go.into(),
            message: go.into(),
        };
    }
    match cause {
        Cause::Io(std::io::ErrorKind::ConnectionReset) => HttpError {
            code: codes::TCP_RESET_BY_PEER,
            tag: "read: connection reset by peer".into(),
            message: format!("read tcp {local}->{remote}: read: connection reset by peer"),
        },
        Cause::Io(std::io::ErrorKind::TimedOut) => HttpError {
            code: codes::REQUEST_TIMEOUT,
            tag: "request timeout".into(),
            message: "request timeout".into(),
        },
        _ => HttpError {
            code: codes::DEFAULT,
            tag: "unexpected EOF".into(),
            message: "unexpected EOF".into(),
        },
    }
}

/// Go's chunked reader's words for a chunked body hyper refused (its texts in
/// `proto/h1/decode.rs`).
fn go_chunk_text(hyper_text: &str) -> Option<&'static str> {
    let t = hyper_text.to_ascii_lowercase();
    if !t.contains("chunk") {
        return None;
    }
    // hyper's "missing size digit" is any line not starting with a hex digit, which Go
    // names "invalid byte" (an empty line, Go's "empty hex number", cannot be told apart).
    Some(if t.contains("overflow") {
        "http chunk length too large"
    } else if t.contains("chunk body") {
        "malformed chunked encoding"
    } else {
        "invalid byte in chunk length"
    })
}

/// A body that could not be decompressed: k6's code 1701 with its wording, which is both
/// the `error` and the logged text.
pub(crate) fn decompression_error(e: &super::codec::DecodeError) -> HttpError {
    let text = format!("error decompressing response body ({e})");
    HttpError {
        code: codes::RESPONSE_DECOMPRESSION,
        tag: text.clone(),
        message: text,
    }
}

/// Go's text for a failed TLS handshake with `host`, for protocols other than HTTP.
pub(crate) fn tls_text(source: &std::io::Error, host: &str) -> String {
    let shown = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match Url::parse(&format!("https://{shown}/")) {
        Ok(url) => tls_error(source, &url).2,
        Err(_) => format!("tls: {source}"),
    }
}

/// TLS failures: Go's x509 wording for certificate problems, its alert names for what the
/// server refused.
fn tls_error(source: &std::io::Error, url: &Url) -> (u32, String, String) {
    use rustls::CertificateError as C;
    let host = url.host_str().unwrap_or("");
    let rustls_err = source
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    let verify = |x509: String| format!("tls: failed to verify certificate: x509: {x509}");
    match rustls_err {
        Some(rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature)) => (
            codes::X509_UNKNOWN_AUTHORITY,
            "x509: unknown authority".into(),
            verify("certificate signed by unknown authority".into()),
        ),
        Some(rustls::Error::InvalidCertificate(C::NotValidForNameContext {
            presented, ..
        })) => {
            let names: Vec<String> = presented
                .iter()
                .map(|p| p.trim_matches('"').to_string())
                .collect();
            let ip = host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok();
            let x509 = if ip && !names.iter().any(|n| n.parse::<std::net::IpAddr>().is_ok()) {
                format!(
                    "cannot validate certificate for {host} because it doesn't contain any IP SANs"
                )
            } else {
                format!("certificate is valid for {}, not {host}", names.join(", "))
            };
            (
                codes::X509_HOSTNAME,
                "x509: certificate doesn't match hostname".into(),
                verify(x509),
            )
        }
        Some(rustls::Error::InvalidCertificate(C::NotValidForName)) => (
            codes::X509_HOSTNAME,
            "x509: certificate doesn't match hostname".into(),
            verify(format!("certificate is not valid for {host}")),
        ),
        Some(rustls::Error::InvalidCertificate(e)) => (
            codes::TLS,
            "tls: failed to verify certificate".into(),
            verify(format!("{e:?}")),
        ),
        Some(rustls::Error::AlertReceived(alert)) => {
            let text = format!("remote error: tls: {}", alert_name(*alert));
            (codes::NET_NON_TCP, text.clone(), text)
        }
        Some(e) => (
            codes::TLS,
            "tls: handshake failure".into(),
            format!("tls: {e}"),
        ),
        None => (
            codes::TLS,
            "tls: handshake failure".into(),
            format!("tls: {source}"),
        ),
    }
}

/// Go's text for a TLS alert.
fn alert_name(a: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    match a {
        A::ProtocolVersion => "protocol version not supported".into(),
        A::HandshakeFailure => "handshake failure".into(),
        A::BadCertificate => "bad certificate".into(),
        A::UnsupportedCertificate => "unsupported certificate".into(),
        A::CertificateRequired => "certificate required".into(),
        A::UnknownCA => "unknown certificate authority".into(),
        A::AccessDenied => "access denied".into(),
        A::DecryptError => "error decrypting message".into(),
        A::IllegalParameter => "illegal parameter".into(),
        A::InternalError => "internal error".into(),
        A::NoApplicationProtocol => "no application protocol".into(),
        A::InsufficientSecurity => "insufficient security level".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// Go's `http.Client` error prefix: `Get`, `Post`, ...
pub fn go_method(m: &http::Method) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What k6 v1.1 reports for each URL (recorded with `k6 run`).
    fn unusable(raw: &str) -> (u32, String, String) {
        let parsed = Url::parse(raw);
        let e = unusable_url(
            raw,
            parsed.as_ref().err(),
            parsed.as_ref().ok(),
            &http::Method::GET,
        );
        (e.code, e.tag, e.message)
    }

    #[test]
    fn unusable_urls_fail_with_k6s_codes_and_words() {
        assert_eq!(
            unusable("http://"),
            (
                1000,
                "http: no Host in request URL".into(),
                "Get \"http:\": http: no Host in request URL".into()
            )
        );
        assert_eq!(
            unusable("ftp://x/y"),
            (
                1000,
                "unsupported protocol scheme \"ftp\"".into(),
                "Get \"ftp://x/y\": unsupported protocol scheme \"ftp\"".into()
            )
        );
        assert_eq!(unusable("/relative").0, 1000);
        let spaced =
            "invalid URL: parse \"http://exa mple.com/\": invalid character \" \" in host name";
        assert_eq!(
            unusable("http://exa mple.com/"),
            (1020, spaced.into(), spaced.into())
        );
        assert_eq!(
            unusable("http://[::1/").1,
            "invalid URL: parse \"http://[::1/\": missing ']' in host"
        );
    }
}
