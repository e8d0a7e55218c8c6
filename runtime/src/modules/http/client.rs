//! The HTTP engine behind `k6/http`: a reqwest client per VU (connections are reused per
//! VU, like k6's per-VU transport), redirects followed here so every hop is measured, the
//! cookie jar, response decoding, and k6's error codes. Requests run on the I/O runtime.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use cookie_store::CookieStore;
use url::Url;

use crate::config::TestConfig;

use super::errors::{classify, timeout_error};
pub use super::errors::{go_method, HttpError};

/// A VU's cookie jar, shared with requests in flight.
pub type Jar = Arc<Mutex<CookieStore>>;

/// HTTP state of one VU.
pub struct VuHttp {
    /// Built on the VU's first request: VUs that never send one cost nothing here.
    client: Option<reqwest::Client>,
    /// Jar 0 is the VU's own jar; `new http.CookieJar()` adds more.
    pub jars: Vec<Jar>,
    /// Set by `http.setResponseCallback`; `None` means no `http_req_failed`.
    pub expected: Option<Expected>,
    no_cookies_reset: bool,
}

impl VuHttp {
    pub fn new(config: &TestConfig) -> Self {
        VuHttp {
            client: None,
            jars: vec![Arc::new(Mutex::new(CookieStore::new()))],
            expected: Some(Expected::default()),
            no_cookies_reset: config.http.no_cookies_reset,
        }
    }

    /// The VU's client (its connection pool), created on first use.
    pub fn client(&mut self, config: &crate::config::HttpConfig) -> reqwest::Client {
        if let Some(c) = &self.client {
            return c.clone();
        }
        let c = build_client(config);
        self.client = Some(c.clone());
        c
    }

    /// k6 starts every iteration with an empty VU jar unless `noCookiesReset`.
    pub fn start_iteration(&mut self) {
        if !self.no_cookies_reset {
            self.jars[0] = Arc::new(Mutex::new(CookieStore::new()));
        }
    }
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static TLS: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    TLS.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| {
                rustls::ClientConfig::builder()
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth()
            });
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(cfg)
    })
    .clone()
}

fn build_client(config: &crate::config::HttpConfig) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tcp_nodelay(true)
        .connector_layer(super::trace::ConnectTiming)
        .use_preconfigured_tls((*tls_config()).clone());
    if config.no_connection_reuse {
        b = b.pool_max_idle_per_host(0);
    }
    for (name, target) in &config.hosts {
        if let Ok(addr) = target.parse::<SocketAddr>() {
            b = b.resolve(name, addr);
        } else if let Ok(ip) = target.parse::<std::net::IpAddr>() {
            b = b.resolve(name, SocketAddr::new(ip, 0));
        }
    }
    b.build().unwrap_or_else(|_| reqwest::Client::new())
}

/// Which statuses count as expected (`http.expectedStatuses`); default 200–399.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub ranges: Vec<(u16, u16)>,
}

impl Default for Expected {
    fn default() -> Self {
        Expected {
            ranges: vec![(200, 399)],
        }
    }
}

impl Expected {
    pub fn matches(&self, status: u16) -> bool {
        self.ranges
            .iter()
            .any(|(a, b)| *a <= status && status <= *b)
    }
}

/// `responseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Text,
    Binary,
    None,
}

/// A fully described request, ready to run on the I/O runtime.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    pub max_redirects: u32,
    pub user_agent: Option<String>,
    /// Request-only cookies: (name, value, replace jar cookies of that name).
    pub cookies: Vec<(String, String, bool)>,
    pub jar: Jar,
    /// Set when the request cannot be sent at all (e.g. a URL without scheme): it fails
    /// like a network error, as in k6, instead of throwing.
    pub preflight_error: Option<HttpError>,
}

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
    pub method: String,
    pub url: Url,
    pub status: u16,
    pub status_text: String,
    pub proto: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timings: Timings,
    pub remote: Option<SocketAddr>,
    pub end: SystemTime,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Sent request headers, for `res.request`.
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<Vec<u8>>,
    /// Cookies sent: (name, value, replace), for `res.request.cookies`.
    pub request_cookies: Vec<(String, String, bool)>,
    pub error: Option<HttpError>,
}

impl Hop {
    /// A hop that has not received anything yet.
    fn new(
        method: &reqwest::Method,
        url: &Url,
        request_headers: Vec<(String, String)>,
        body: Option<&[u8]>,
    ) -> Self {
        Hop {
            method: method.to_string(),
            url: url.clone(),
            status: 0,
            status_text: String::new(),
            proto: "",
            headers: Vec::new(),
            body: Vec::new(),
            timings: Timings::default(),
            remote: None,
            end: SystemTime::now(),
            bytes_sent: 0,
            bytes_received: 0,
            request_headers,
            request_body: body.map(<[u8]>::to_vec),
            request_cookies: Vec::new(),
            error: None,
        }
    }
}

/// Runs a request, following redirects; returns every hop in order.
pub async fn execute(client: reqwest::Client, spec: RequestSpec) -> Vec<Hop> {
    if let Some(err) = &spec.preflight_error {
        let mut hop = Hop::new(&spec.method, &spec.url, Vec::new(), None);
        hop.error = Some(err.clone());
        return vec![hop];
    }
    let mut hops = Vec::new();
    let mut method = spec.method.clone();
    let mut url = spec.url.clone();
    let mut body = spec.body.clone();
    let deadline = Instant::now() + spec.timeout;
    loop {
        let hop = one_hop(&client, &spec, &method, &url, body.as_deref(), deadline).await;
        let location = redirect_target(&hop);
        let status = hop.status;
        hops.push(hop);
        let Some(next) = location else { break };
        if hops.len() as u32 > spec.max_redirects {
            break;
        }
        if matches!(status, 301..=303) && method != reqwest::Method::HEAD {
            method = reqwest::Method::GET;
            body = None;
        }
        url = next;
    }
    hops
}

fn redirect_target(hop: &Hop) -> Option<Url> {
    if hop.error.is_some() || !matches!(hop.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let loc = hop
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))?;
    hop.url.join(&loc.1).ok()
}

async fn one_hop(
    client: &reqwest::Client,
    spec: &RequestSpec,
    method: &reqwest::Method,
    url: &Url,
    body: Option<&[u8]>,
    deadline: Instant,
) -> Hop {
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(ua) = &spec.user_agent {
        if !spec
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        {
            headers.push(("User-Agent".to_string(), ua.clone()));
        }
    }
    headers.extend(spec.headers.iter().cloned());
    let (sent_cookies, cookie_header) = request_cookies(spec, url);
    if !cookie_header.is_empty() {
        headers.push(("Cookie".to_string(), cookie_header));
    }
    let mut req = client.request(method.clone(), url.clone());
    for (k, v) in &headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(b) = body {
        req = req.body(b.to_vec());
    }
    let timeout = deadline.saturating_duration_since(Instant::now());
    let bytes_sent = request_size(method, url, &headers, body);
    let mut hop = Hop::new(method, url, headers, body);
    hop.request_cookies = sent_cookies;
    let start = Instant::now();
    let trace = super::trace::Trace::default();
    let sent = tokio::time::timeout(timeout, super::trace::scoped(trace.clone(), req.send())).await;
    let connect = trace.lock().ok().and_then(|t| *t);
    let resp = match sent {
        Err(_) => return fail(hop, timeout_error(method, url), start),
        Ok(Err(e)) => return fail(hop, classify(&e, method, url), start),
        Ok(Ok(r)) => r,
    };
    let headers_at = Instant::now();
    hop.status = resp.status().as_u16();
    hop.status_text = format!(
        "{} {}",
        hop.status,
        resp.status().canonical_reason().unwrap_or("")
    )
    .trim_end()
    .to_string();
    hop.proto = match resp.version() {
        reqwest::Version::HTTP_2 => "HTTP/2.0",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    hop.remote = resp.remote_addr();
    hop.headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                canonical_header(k.as_str()),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    store_cookies(&spec.jar, url, &hop.headers);
    let head_size = response_head_size(&hop);
    let remaining = deadline.saturating_duration_since(Instant::now());
    let raw = match tokio::time::timeout(remaining, resp.bytes()).await {
        Err(_) => return fail(hop, timeout_error(method, url), start),
        Ok(Err(e)) => return fail(hop, classify(&e, method, url), start),
        Ok(Ok(b)) => b,
    };
    let end = Instant::now();
    hop.bytes_sent = bytes_sent;
    hop.bytes_received = head_size + raw.len() as u64;
    match decode_body(&hop.headers, &raw) {
        Ok(b) => hop.body = b,
        Err(e) => {
            hop.error = Some(HttpError {
                code: 1701,
                tag: "response decompression error".into(),
                message: e,
            })
        }
    }
    // k6: `blocked` is getting a connection (DNS+connect+TLS when new), `connecting` the
    // connect itself, `waiting` from the request on the connection to the first byte.
    let ready = connect.map_or(start, |(_, ready)| ready.max(start));
    hop.timings = Timings {
        blocked: ms(ready - start),
        connecting: connect.map_or(0.0, |(from, to)| ms(to.saturating_duration_since(from))),
        waiting: ms(headers_at.saturating_duration_since(ready)),
        receiving: ms(end - headers_at),
        ..Timings::default()
    };
    hop.end = SystemTime::now();
    hop
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn fail(mut hop: Hop, err: HttpError, start: Instant) -> Hop {
    hop.timings.waiting = ms(start.elapsed());
    hop.error = Some(err);
    hop.end = SystemTime::now();
    hop
}

/// The cookies a request sends (jar cookies for the URL, then the request's own), as
/// (name, value, replace) — and the `Cookie` header they make.
fn request_cookies(spec: &RequestSpec, url: &Url) -> (Vec<(String, String, bool)>, String) {
    let mut pairs: Vec<(String, String, bool)> = Vec::new();
    let replaced: Vec<&str> = spec
        .cookies
        .iter()
        .filter(|c| c.2)
        .map(|c| c.0.as_str())
        .collect();
    if let Ok(jar) = spec.jar.lock() {
        for (k, v) in jar.get_request_values(url) {
            if !replaced.contains(&k) {
                pairs.push((k.to_string(), v.to_string(), false));
            }
        }
    }
    pairs.extend(spec.cookies.iter().cloned());
    let header = pairs
        .iter()
        .map(|(k, v, _)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    (pairs, header)
}

fn store_cookies(jar: &Jar, url: &Url, headers: &[(String, String)]) {
    let cookies: Vec<cookie::Cookie<'static>> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| cookie::Cookie::parse(v.clone()).ok())
        .collect();
    if cookies.is_empty() {
        return;
    }
    if let Ok(mut jar) = jar.lock() {
        jar.store_response_cookies(cookies.into_iter(), url);
    }
}

/// Decodes gzip/deflate/br/zstd bodies: k6 sends no Accept-Encoding but decodes anyway.
fn decode_body(headers: &[(String, String)], raw: &[u8]) -> Result<Vec<u8>, String> {
    let enc = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, v)| v.trim().to_ascii_lowercase());
    let mut out = Vec::new();
    let res = match enc.as_deref() {
        Some("gzip") | Some("x-gzip") => flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map(|_| ()),
        Some("deflate") => flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut out)
            .map(|_| ())
            .or_else(|_| {
                out.clear();
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut out)
                    .map(|_| ())
            }),
        Some("br") => brotli::Decompressor::new(raw, 4096)
            .read_to_end(&mut out)
            .map(|_| ()),
        Some("zstd") => zstd::stream::read::Decoder::new(raw)
            .and_then(|mut d| d.read_to_end(&mut out))
            .map(|_| ()),
        _ => return Ok(raw.to_vec()),
    };
    res.map(|_| out).map_err(|e| e.to_string())
}

/// Bytes of the request head and body as they go on the wire (HTTP/1.1 framing).
fn request_size(
    method: &reqwest::Method,
    url: &Url,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> u64 {
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    // "Host: " + host[:port] + CRLF
    let host =
        url.host_str().unwrap_or("").len() + url.port().map_or(0, |p| p.to_string().len() + 1) + 8;
    let mut n = method.as_str().len() + 1 + target.len() + 11 + host + 2;
    for (k, v) in headers {
        n += k.len() + v.len() + 4;
    }
    let body_len = body.map_or(0, <[u8]>::len);
    if body_len > 0 {
        n += 18 + body_len.to_string().len();
    }
    (n + body_len) as u64
}

fn response_head_size(hop: &Hop) -> u64 {
    let mut n = 9 + hop.status_text.len() + 2 + 2;
    for (k, v) in &hop.headers {
        n += k.len() + v.len() + 4;
    }
    n as u64
}

/// Go's canonical MIME header key: `content-type` -> `Content-Type`.
pub fn canonical_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper = c == '-';
    }
    out
}

/// The `url` tag: credentials masked as `****:****`.
pub fn masked_url(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut u = url.clone();
    let _ = u.set_username("****");
    let _ = u.set_password(Some("****"));
    u.to_string()
}

/// `res.cookies`: Set-Cookie headers of the final response, by name.
pub fn response_cookies(
    headers: &[(String, String)],
) -> BTreeMap<String, Vec<cookie::Cookie<'static>>> {
    let mut out: BTreeMap<String, Vec<cookie::Cookie<'static>>> = BTreeMap::new();
    for (_, v) in headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
    {
        if let Ok(c) = cookie::Cookie::parse(v.clone()) {
            out.entry(c.name().to_string()).or_default().push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_canonicalised_like_go() {
        assert_eq!(canonical_header("content-type"), "Content-Type");
        assert_eq!(canonical_header("x-probe"), "X-Probe");
        assert_eq!(canonical_header("WWW-AUTHENTICATE"), "Www-Authenticate");
    }

    #[test]
    fn credentials_are_masked_in_url_tag() {
        let u = Url::parse("http://user:pass@127.0.0.1:8080/x").unwrap();
        assert_eq!(masked_url(&u), "http://****:****@127.0.0.1:8080/x");
    }

    #[test]
    fn gzip_bodies_are_decoded() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{\"gzipped\":true}").unwrap();
        let raw = enc.finish().unwrap();
        let headers = vec![("Content-Encoding".to_string(), "gzip".to_string())];
        assert_eq!(decode_body(&headers, &raw).unwrap(), b"{\"gzipped\":true}");
    }

    #[test]
    fn default_expected_statuses_are_200_to_399() {
        let e = Expected::default();
        assert!(e.matches(200) && e.matches(302) && !e.matches(404) && !e.matches(199));
    }
}
