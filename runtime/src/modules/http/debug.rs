//! `--http-debug[=full]`: each hop's request and response logged at info level in the
//! shape k6 prints (Go's request/response dumps, bodies only with `full`).

use crate::config::HttpDebug;
use crate::log::Logger;
use crate::net::client::Hop;
use crate::vu::state::VuState;

/// Logs every hop of a finished request.
pub fn log_hops(st: &VuState, hops: &[Box<Hop>], mode: HttpDebug) {
    if mode == HttpDebug::Off {
        return;
    }
    let full = mode == HttpDebug::Full;
    let iter = st.iteration.to_string();
    let vu = st.id.to_string();
    for hop in hops {
        let id = uuid_v4();
        let fields = [
            ("group", st.group.as_str()),
            ("iter", iter.as_str()),
            ("request_id", id.as_str()),
            ("scenario", &*st.scenario),
            ("source", "http-debug"),
            ("vu", vu.as_str()),
        ];
        Logger::info(&format!("Request:\n{}\n", request_dump(hop, full)), &fields);
        if hop.status != 0 {
            Logger::info(
                &format!("Response:\n{}\n", response_dump(hop, full)),
                &fields,
            );
        }
    }
}

/// Go's `DumpRequestOut`: the request line (always HTTP/1.1), Host, User-Agent,
/// Content-Length, the other headers sorted, and the `Accept-Encoding: gzip` Go's dump adds.
fn request_dump(hop: &Hop, full: bool) -> String {
    let target = &hop.url[url::Position::BeforePath..url::Position::AfterQuery];
    let mut out = format!("{} {target} HTTP/1.1\n", hop.method);
    let host = hop
        .request_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| {
            hop.url[url::Position::BeforeHost..url::Position::BeforePath].to_string()
        });
    out.push_str(&format!("Host: {host}\n"));
    let get = |name: &str| {
        hop.request_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if let Some((_, ua)) = get("user-agent") {
        out.push_str(&format!("User-Agent: {ua}\n"));
    }
    let body = hop.request_body.as_deref().unwrap_or_default();
    if !body.is_empty() {
        out.push_str(&format!("Content-Length: {}\n", body.len()));
    }
    let mut rest: Vec<(String, &str)> = hop
        .request_headers
        .iter()
        .filter(|(k, _)| {
            !["host", "user-agent", "content-length"].contains(&k.to_ascii_lowercase().as_str())
        })
        .map(|(k, v)| (crate::net::headers::canonical_header(k), v.as_str()))
        .collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in rest {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push_str("Accept-Encoding: gzip\n\n");
    if full {
        out.push_str(&String::from_utf8_lossy(body));
    }
    out
}

/// Go's `DumpResponse`: status line, Content-Length (or chunked) first, the rest sorted.
fn response_dump(hop: &Hop, full: bool) -> String {
    let mut out = format!("{} {}\n", hop.proto, hop.status_text());
    let mut headers: Vec<(&str, &str)> = hop.headers.iter().collect();
    headers.sort_by(|a, b| a.0.cmp(b.0));
    let length = headers
        .iter()
        .find(|(k, _)| *k == "Content-Length")
        .map(|(_, v)| v.to_string());
    let chunked = headers
        .iter()
        .any(|(k, v)| *k == "Transfer-Encoding" && v.eq_ignore_ascii_case("chunked"));
    let empty = length.as_deref() == Some("0");
    match (&length, chunked) {
        (Some(l), _) if !empty => out.push_str(&format!("Content-Length: {l}\n")),
        (_, true) => out.push_str("Transfer-Encoding: chunked\n"),
        _ => {}
    }
    for (k, v) in headers
        .iter()
        .filter(|(k, _)| *k != "Content-Length" && *k != "Transfer-Encoding")
    {
        out.push_str(&format!("{k}: {v}\n"));
    }
    if empty {
        out.push_str("Content-Length: 0\n");
    }
    out.push('\n');
    if full {
        out.push_str(&String::from_utf8_lossy(
            hop.raw_body.as_deref().unwrap_or(&hop.body),
        ));
    }
    out
}

/// A random (version 4) UUID: request ids here, `crypto.randomUUID()` in WebCrypto.
pub(crate) fn uuid_v4() -> String {
    let b: [u8; 16] = rand::random();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        (u16::from_be_bytes([b[6], b[7]]) & 0x0fff) | 0x4000,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop() -> Box<Hop> {
        let url = url::Url::parse("http://127.0.0.1:8080/echo?x=1").unwrap();
        let mut h = Hop::new(
            &http::Method::POST,
            &url,
            vec![
                ("User-Agent".into(), "Grafana k6/1.1.0".into()),
                ("X-Test".into(), "abc".into()),
            ],
            Some(b"hello=world"),
        );
        h.status = 200;
        h.proto = "HTTP/1.1";
        h.headers = [
            ("Server", "nginx"),
            ("Content-Type", "text/plain"),
            ("Content-Length", "4"),
        ]
        .into_iter()
        .collect();
        h.body = bytes::Bytes::from_static(b"echo");
        h
    }

    #[test]
    fn request_dump_matches_k6() {
        assert_eq!(
            request_dump(&hop(), false),
            "POST /echo?x=1 HTTP/1.1\nHost: 127.0.0.1:8080\nUser-Agent: Grafana k6/1.1.0\nContent-Length: 11\nX-Test: abc\nAccept-Encoding: gzip\n\n"
        );
        assert!(request_dump(&hop(), true).ends_with("\n\nhello=world"));
    }

    #[test]
    fn response_dump_puts_length_first_and_sorts_the_rest() {
        assert_eq!(
            response_dump(&hop(), true),
            "HTTP/1.1 200 OK\nContent-Length: 4\nContent-Type: text/plain\nServer: nginx\n\necho"
        );
    }
}
