//! Running one request: hyper's pooled client over rk6's own connector, one per VU
//! (connections are reused per VU, like k6's per-VU transport); redirects and digest
//! challenges followed here so every hop is measured; cookies from and into the jar.
//! Requests run on the VU thread's tokio runtime.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cookie_store::CookieStore;
use url::Url;

pub use super::errors::HttpError;
pub use super::exchange::{Hop, Hops};
use super::headers::Headers;

/// A VU's cookie jar, shared with requests in flight.
pub type Jar = Arc<Mutex<CookieStore>>;

/// The pooled client of one VU.
pub type HttpClient = super::pool::Pool;

/// `responseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Text,
    Binary,
    None,
}

/// A fully described request, ready to run.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: http::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    pub max_redirects: u32,
    pub user_agent: Option<String>,
    /// Request-only cookies: (name, value, replace jar cookies of that name).
    pub cookies: Vec<(String, String, bool)>,
    pub jar: Jar,
    /// `auth: "digest"`: the URL's credentials, answered to the server's challenge.
    pub digest: Option<(String, String)>,
    /// Keep undecoded bodies (`--http-debug=full`).
    pub keep_raw: bool,
    /// `responseType: "none"`: bodies are read off the wire but neither kept nor decoded.
    pub discard_body: bool,
    /// `noConnectionReuse`: ask the server to close (Go sends `Connection: close`).
    pub close: bool,
    /// Set when the request cannot be sent at all (e.g. a URL without scheme): it fails
    /// like a network error, as in k6, instead of throwing.
    pub preflight_error: Option<HttpError>,
    /// `rps`: the test's limiter, waited on once per request (not per redirect hop).
    pub rate: Option<super::dial_policy::RequestRate>,
    /// The script's URL had no path (`http://host:port`): Go keeps it so in `res.url` and
    /// the `url`/`name` tags, where [`Url`] always shows `/`.
    pub bare_path: bool,
}

/// Runs a request, following redirects and a digest challenge; returns every hop.
pub async fn execute(client: HttpClient, spec: RequestSpec) -> Hops {
    if let Some(err) = &spec.preflight_error {
        let mut hop = Hop::new(&spec.method, &spec.url, Vec::new(), None);
        hop.bare_path = spec.bare_path;
        hop.error = Some(err.clone());
        return vec![hop];
    }
    if let Some(rate) = &spec.rate {
        rate.wait().await;
    }
    let mut hops = Vec::new();
    let mut method = spec.method.clone();
    // Borrowed from the spec until a redirect changes them: most requests have no redirect,
    // and copying the URL and body cost two allocations and their bytes per request.
    let mut url = std::borrow::Cow::Borrowed(&spec.url);
    let mut body = spec.body.as_deref();
    let mut digest_answer_header = None;
    let deadline = Instant::now() + spec.timeout;
    loop {
        let mut headers = hop_headers(&spec);
        let (sent_cookies, cookie_header) = request_cookies(&spec, &url);
        if !cookie_header.is_empty() {
            headers.push(("Cookie".to_string(), cookie_header));
        }
        let req = super::exchange::Outgoing {
            method: &method,
            url: &url,
            headers,
            body,
            cookies: sent_cookies,
            authorization: digest_answer_header
                .take()
                .or_else(|| basic_auth(&spec, &url)),
            keep_raw: spec.keep_raw,
            discard_body: spec.discard_body,
        };
        let mut hop = boxed_hop(&client, req, deadline).await;
        hop.bare_path = spec.bare_path && matches!(url, std::borrow::Cow::Borrowed(_));
        store_cookies(&spec.jar, &url, &hop.headers);
        if let Some(answer) = digest_answer(&spec, &hop, &method, body) {
            if hops.is_empty() {
                hops.push(hop);
                digest_answer_header = Some(answer);
                continue;
            }
        }
        let location = redirect_target(&hop);
        let status = hop.status;
        hops.push(hop);
        let Some(next) = location else { break };
        if hops.len() as u32 > spec.max_redirects {
            break;
        }
        if matches!(status, 301..=303) && method != http::Method::HEAD {
            method = http::Method::GET;
            body = None;
        }
        url = std::borrow::Cow::Owned(next);
    }
    hops
}

/// One hop's exchange, boxed: its state is kilobytes, and this request's future is created
/// on the VU's coroutine stack, which should stay shallow (see `vu/stack.rs`). Built here
/// rather than inline: a temporary that size inside `execute` made `execute`'s own future
/// 4.3 KB (3.3 KB of it that slot), copied into its box on every request.
fn boxed_hop<'a>(
    client: &'a HttpClient,
    req: super::exchange::Outgoing<'a>,
    deadline: Instant,
) -> std::pin::Pin<Box<impl std::future::Future<Output = Box<Hop>> + 'a>> {
    Box::pin(super::exchange::one_hop(client, req, deadline))
}

/// The headers every hop sends: User-Agent (unless the script set one), the script's
/// headers, and `Connection: close` when connections are not reused.
fn hop_headers(spec: &RequestSpec) -> Vec<(String, String)> {
    let mut headers = Vec::with_capacity(spec.headers.len() + 3);
    let has = |name: &str| {
        spec.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if let Some(ua) = &spec.user_agent {
        if !has("user-agent") {
            headers.push(("User-Agent".to_string(), ua.clone()));
        }
    }
    headers.extend(spec.headers.iter().cloned());
    if spec.close && !has("connection") {
        headers.push(("Connection".to_string(), "close".to_string()));
    }
    headers
}

/// `Authorization: Basic` from the URL's credentials (also on a digest request's first
/// try, as k6 does), unless the script set its own.
fn basic_auth(spec: &RequestSpec, url: &Url) -> Option<String> {
    use base64::Engine;
    let set = spec
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"));
    let (user, pass) = match &spec.digest {
        Some(creds) => creds.clone(),
        None if !url.username().is_empty() => (
            percent_decode(url.username()),
            percent_decode(url.password().unwrap_or("")),
        ),
        None => return None,
    };
    if set {
        return None;
    }
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    Some(format!("Basic {token}"))
}

/// Percent-decodes a URL's user or password.
pub fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The `Authorization` answering a 401 digest challenge, for `auth: "digest"`.
fn digest_answer(
    spec: &RequestSpec,
    hop: &Hop,
    method: &http::Method,
    body: Option<&[u8]>,
) -> Option<String> {
    let (user, pass) = spec.digest.as_ref()?;
    if hop.status != 401 || hop.error.is_some() {
        return None;
    }
    let challenge = hop
        .headers
        .all("www-authenticate")
        .find(|v| v.trim_start().to_ascii_lowercase().starts_with("digest"))?
        .to_string();
    let uri = &hop.url[url::Position::BeforePath..url::Position::AfterQuery];
    let ctx = digest_auth::AuthContext::new_with_method(
        user.as_str(),
        pass.as_str(),
        uri,
        body,
        digest_auth::HttpMethod::from(method.as_str()),
    );
    let mut prompt = digest_auth::parse(&challenge).ok()?;
    prompt.respond(&ctx).ok().map(|a| a.to_header_string())
}

fn redirect_target(hop: &Hop) -> Option<Url> {
    if hop.error.is_some() || !matches!(hop.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let loc = hop.headers.get("location")?;
    hop.url.join(loc).ok()
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

fn store_cookies(jar: &Jar, url: &Url, headers: &Headers) {
    store_set_cookies(jar, url, headers.all("set-cookie"));
}

/// Stores a response's `Set-Cookie` values in `jar`, as received from `url`.
pub fn store_set_cookies<'a>(jar: &Jar, url: &Url, values: impl Iterator<Item = &'a str>) {
    let cookies: Vec<cookie::Cookie<'static>> = values
        .filter_map(|v| cookie::Cookie::parse(v.to_string()).ok())
        .collect();
    if cookies.is_empty() {
        return;
    }
    if let Ok(mut jar) = jar.lock() {
        jar.store_response_cookies(cookies.into_iter(), url);
    }
}

/// The `name=value; …` of the cookies `jar` sends to `url`; `None` when there are none.
pub fn jar_cookies(jar: &Jar, url: &Url) -> Option<String> {
    let jar = jar.lock().ok()?;
    let pairs: Vec<String> = jar
        .get_request_values(url)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join("; "))
}

/// The `url` tag: credentials masked as `****:****`.
pub fn masked_url(url: &Url, bare_path: bool) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url_text(url, bare_path).into_owned();
    }
    let mut u = url.clone();
    let _ = u.set_username("****");
    let _ = u.set_password(Some("****"));
    url_text(&u, bare_path).into_owned()
}

/// `url` as Go prints it: without the `/` that [`Url`] puts in an empty path when the
/// script wrote none (`http://host:port`, `http://host?q`).
pub fn url_text(url: &Url, bare_path: bool) -> std::borrow::Cow<'_, str> {
    if !bare_path || url.path() != "/" {
        return std::borrow::Cow::Borrowed(url.as_str());
    }
    let at = url[..url::Position::BeforePath].len();
    let s = url.as_str();
    std::borrow::Cow::Owned(format!("{}{}", &s[..at], &s[at + 1..]))
}

/// Whether a request URL as the script wrote it has no path: nothing or `?`/`#` right
/// after the authority.
pub fn has_bare_path(raw: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return false;
    };
    rest.find(['/', '?', '#'])
        .is_none_or(|i| rest.as_bytes()[i] != b'/')
}

/// `res.cookies`: Set-Cookie headers of the final response, by name.
pub fn response_cookies(headers: &Headers) -> BTreeMap<String, Vec<cookie::Cookie<'static>>> {
    let mut out: BTreeMap<String, Vec<cookie::Cookie<'static>>> = BTreeMap::new();
    for v in headers.all("set-cookie") {
        if let Ok(c) = cookie::Cookie::parse(v.to_string()) {
            out.entry(c.name().to_string()).or_default().push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_in_url_tag() {
        let u = Url::parse("http://user:pass@127.0.0.1:8080/x").unwrap();
        assert_eq!(masked_url(&u, false), "http://****:****@127.0.0.1:8080/x");
    }

    #[test]
    fn a_url_without_path_is_shown_without_slash() {
        for (raw, shown) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080?a=1", "http://127.0.0.1:8080?a=1"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
            ("http://127.0.0.1:8080/x?y", "http://127.0.0.1:8080/x?y"),
        ] {
            let u = Url::parse(raw).unwrap();
            assert_eq!(url_text(&u, has_bare_path(raw)), shown, "{raw}");
        }
    }
}
