//! The smaller httpbin endpoint families: status codes, delays, random bytes,
//! request inspection (`/headers`, `/ip`, `/user-agent`, `/uuid`), compressed
//! echoes, fixed documents (`/json`, `/html`, `/xml`, ...), response-header
//! echo, caching (`/cache`, `/etag`) and `/base64`.

use std::borrow::Cow;
use std::io::Write as _;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use flate2::Compression;
use http::header::{self, HeaderName, HeaderValue};
use http::StatusCode;
use http_body_util::Full;
use rand::{Rng as _, RngCore as _, SeedableRng as _};
use serde_json::json;

use super::echo::{self, Echo, Fields, MultiMap, Pairs, Req};
use super::respond::{self, Reject, Resp, HTML, JSON};
use super::text::http_date;

/// `/bytes` serves at most this much (httpbin itself stops at 100 KiB, but
/// load tests want large payloads).
const MAX_BYTES: u64 = 100 * 1024 * 1024;
const MAX_DELAY_SECS: f64 = 10.0;

const TEAPOT: &str = r#"
    -=[ teapot ]=-

       _...._
     .'  _ _ `.
    | ."` ^ `". _,
    \_;`"---"`|//
      |       ;/
      \_     _/
        `"""`
"#;

const ANGRY_ASCII: &str = r#"
          .-''''''-.
        .' _      _ '.
       /   O      O   \
      :                :
      |                |
      :       __       :
       \  .-"`  `"-.  /
        '.          .'
          '-......-'
     YOU SHOULDN'T BE HERE
"#;

/// `/status/406`, byte-for-byte httpbin's (compact, unlike its other JSON).
const NOT_ACCEPTABLE: &str = "{\"message\": \"Client did not request a supported media type.\", \
     \"accept\": [\"image/webp\", \"image/svg+xml\", \"image/jpeg\", \"image/png\", \"image/*\"]}";

/// `/json`, byte-for-byte what httpbin prints.
const SLIDESHOW: &str = r#"{
  "slideshow": {
    "author": "Yours Truly",
    "date": "date of publication",
    "slides": [
      {
        "title": "Wake up to WonderWidgets!",
        "type": "all"
      },
      {
        "items": [
          "Why <em>WonderWidgets</em> are great",
          "Who <em>buys</em> WonderWidgets"
        ],
        "title": "Overview",
        "type": "all"
      }
    ],
    "title": "Sample Slide Show"
  }
}
"#;

/// A fixed document served from the binary.
pub(super) fn document(content_type: &'static str, body: &'static str) -> Resp {
    respond::build(
        StatusCode::OK,
        content_type,
        Bytes::from_static(body.as_bytes()),
    )
}

pub(super) fn index() -> Resp {
    document(HTML, include_str!("assets/index.html"))
}
pub(super) fn html() -> Resp {
    document(HTML, include_str!("assets/moby.html"))
}
pub(super) fn forms_post() -> Resp {
    document(HTML, include_str!("assets/forms-post.html"))
}
pub(super) fn xml() -> Resp {
    document("application/xml", include_str!("assets/sample.xml"))
}
pub(super) fn slideshow() -> Resp {
    document(JSON, SLIDESHOW)
}
pub(super) fn robots_txt() -> Resp {
    document("text/plain", "User-agent: *\nDisallow: /deny\n")
}
pub(super) fn deny() -> Resp {
    document("text/plain", ANGRY_ASCII)
}

/// The response httpbin gives for a bare status code: empty, except for the
/// codes it decorates (redirect target, auth challenges, the teapot...).
pub(super) fn status_response(status: StatusCode) -> Resp {
    // httpbin replaces the default headers for decorated codes, so these
    // carry no Content-Type unless the body needs one.
    let decorated = |name: HeaderName, value: &'static str, body: &'static str| {
        let mut resp = respond::empty(status);
        resp.headers_mut()
            .insert(name, HeaderValue::from_static(value));
        *resp.body_mut() = Full::new(Bytes::from_static(body.as_bytes()));
        resp
    };
    match status.as_u16() {
        301 | 302 | 303 | 305 | 307 | 308 => decorated(header::LOCATION, "/redirect/1", ""),
        304 => respond::empty(status),
        401 => decorated(header::WWW_AUTHENTICATE, "Basic realm=\"Fake Realm\"", ""),
        402 => decorated(
            HeaderName::from_static("x-more-info"),
            "http://vimeo.com/22053820",
            "Payment required.",
        ),
        406 => decorated(header::CONTENT_TYPE, JSON, NOT_ACCEPTABLE),
        407 => decorated(header::PROXY_AUTHENTICATE, "Basic realm=\"Fake Realm\"", ""),
        418 => decorated(
            HeaderName::from_static("x-more-info"),
            "http://tools.ietf.org/html/rfc2324",
            TEAPOT,
        ),
        _ => respond::build(status, HTML, Bytes::new()),
    }
}

/// `/status/{codes}`: one code, or `code[:weight],...` to pick one at random.
pub(super) fn status(codes: &str) -> Result<Resp, Reject> {
    let invalid = || Reject::bad("Invalid status code");
    let code = if codes.contains(',') {
        let mut choices = Vec::new();
        for choice in codes.split(',') {
            let (code, weight) = choice.split_once(':').unwrap_or((choice, "1"));
            let code: u16 = code.trim().parse().map_err(|_| invalid())?;
            let weight: f64 = weight.trim().parse().map_err(|_| invalid())?;
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(invalid());
            }
            choices.push((code, weight));
        }
        weighted_choice(&choices).ok_or_else(invalid)?
    } else {
        codes.trim().parse().map_err(|_| invalid())?
    };
    // hyper cannot send a 1xx as a final response, so those are refused too.
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|s| !s.is_informational())
        .ok_or_else(invalid)?;
    Ok(status_response(status))
}

fn weighted_choice(choices: &[(u16, f64)]) -> Option<u16> {
    let total: f64 = choices.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return choices.first().map(|(code, _)| *code);
    }
    let mut pick = rand::rng().random_range(0.0..total);
    for (code, weight) in choices {
        if pick < *weight {
            return Some(*code);
        }
        pick -= weight;
    }
    choices.last().map(|(code, _)| *code)
}

/// `/delay/{secs}`: waits (at most 10 s), then echoes like httpbin.
pub(super) async fn delay(req: &Req, secs: &str) -> Result<Resp, Reject> {
    let secs: f64 = secs
        .parse()
        .ok()
        .filter(|s: &f64| !s.is_nan())
        .ok_or_else(|| Reject::bad("invalid delay"))?;
    tokio::time::sleep(Duration::from_secs_f64(secs.clamp(0.0, MAX_DELAY_SECS))).await;
    Ok(echo::respond(req, Fields::DELAY))
}

/// `/bytes/{n}`: `n` random bytes, reproducible with `?seed=`.
pub(super) fn random_bytes(req: &Req, n: u64) -> Result<Resp, Reject> {
    // `min` keeps the length below 100 MiB, so it fits usize everywhere.
    let mut buf = vec![0u8; n.min(MAX_BYTES) as usize];
    match req.arg("seed") {
        Some(seed) => {
            let seed: i64 = seed
                .trim()
                .parse()
                .map_err(|_| Reject::bad("invalid seed"))?;
            rand::rngs::StdRng::seed_from_u64(seed as u64).fill_bytes(&mut buf);
        }
        None => rand::rng().fill_bytes(&mut buf),
    }
    Ok(respond::build(
        StatusCode::OK,
        "application/octet-stream",
        buf,
    ))
}

pub(super) fn headers(req: &Req) -> Resp {
    respond::json(&json!({"headers": Pairs(req.echo_headers())}))
}

pub(super) fn ip(req: &Req) -> Resp {
    respond::json(&json!({"origin": req.origin()}))
}

pub(super) fn user_agent(req: &Req) -> Resp {
    respond::json(&json!({"user-agent": req.header(header::USER_AGENT)}))
}

fn uuid4() -> uuid::Uuid {
    // From the thread-local RNG rather than `Uuid::new_v4`, which makes a
    // getrandom syscall per call.
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

pub(super) fn uuid() -> Resp {
    respond::json(&json!({"uuid": uuid4().hyphenated().to_string()}))
}

/// Content codings `/gzip`, `/deflate` and `/brotli` apply.
#[derive(Clone, Copy)]
pub(super) enum Coding {
    Gzip,
    /// zlib-wrapped, as Python's `zlib.compressobj()` produces.
    Deflate,
    Brotli,
}

pub(super) fn compressed(req: &Req, coding: Coding) -> Result<Resp, Reject> {
    let mut echo = Echo::new(req, Fields::COMPRESSED);
    let (name, body) = match coding {
        Coding::Gzip => {
            echo.gzipped = Some(true);
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), Compression::new(4));
            enc.write_all(&respond::json_bytes(&echo))?;
            ("gzip", enc.finish()?)
        }
        Coding::Deflate => {
            echo.deflated = Some(true);
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
            enc.write_all(&respond::json_bytes(&echo))?;
            ("deflate", enc.finish()?)
        }
        Coding::Brotli => {
            echo.brotli = Some(true);
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(&respond::json_bytes(&echo))?;
            }
            ("br", out)
        }
    };
    let mut resp = respond::build(StatusCode::OK, JSON, body);
    resp.headers_mut()
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    Ok(resp)
}

/// `/response-headers?name=value...`: sets the headers and lists every
/// response header in the body. The body's own length is one of them, so it
/// is re-rendered until it stops changing, as httpbin does.
pub(super) fn response_headers(req: &Req) -> Result<Resp, Reject> {
    // Framing headers would corrupt the connection rather than test anything.
    let framing = |name: &str| {
        name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
    };
    let pairs: Vec<_> = req.query_pairs().filter(|(k, _)| !framing(k)).collect();
    let mut resp = respond::build(StatusCode::OK, JSON, Bytes::new());
    for (name, value) in &pairs {
        let name = HeaderName::try_from(name.as_ref())
            .map_err(|_| Reject::bad(format!("invalid header name: {name}")))?;
        let value = HeaderValue::try_from(value.as_ref())
            .map_err(|_| Reject::bad(format!("invalid value for header {name}")))?;
        resp.headers_mut().append(name, value);
    }
    let mut body = Vec::new();
    // The length's digit count settles within a couple of rounds.
    for _ in 0..4 {
        let next = respond::json_bytes(&listed_headers(&pairs, body.len()));
        if next == body {
            break;
        }
        body = next;
    }
    *resp.body_mut() = Full::new(Bytes::from(body));
    Ok(resp)
}

/// The response's headers as httpbin lists them, grouping names
/// case-insensitively under the first spelling seen.
fn listed_headers<'a>(pairs: &'a [(Cow<'a, str>, Cow<'a, str>)], body_len: usize) -> MultiMap<'a> {
    let mut names: Vec<&str> = vec!["Content-Type", "Content-Length"];
    let mut listed = MultiMap::default();
    listed.push("Content-Type", "application/json");
    listed.push("Content-Length", body_len.to_string());
    for (name, value) in pairs {
        let spelling = match names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            Some(known) => *known,
            None => {
                names.push(name);
                name
            }
        };
        listed.push(spelling, value.as_ref());
    }
    listed.sorted()
}

/// `/cache`: 304 for any conditional request, otherwise an echo with fresh
/// validators.
pub(super) fn cache(req: &Req) -> Result<Resp, Reject> {
    if req.headers.contains_key(header::IF_MODIFIED_SINCE)
        || req.headers.contains_key(header::IF_NONE_MATCH)
    {
        return Ok(status_response(StatusCode::NOT_MODIFIED));
    }
    let mut resp = echo::respond(req, Fields::GET);
    respond::set_header(
        &mut resp,
        header::LAST_MODIFIED,
        &http_date(SystemTime::now()),
    )?;
    respond::set_header(&mut resp, header::ETAG, &uuid4().simple().to_string())?;
    Ok(resp)
}

/// `/cache/{n}`: an echo cacheable for `n` seconds.
pub(super) fn cache_for(req: &Req, secs: u64) -> Result<Resp, Reject> {
    let mut resp = echo::respond(req, Fields::GET);
    respond::set_header(
        &mut resp,
        header::CACHE_CONTROL,
        &format!("public, max-age={secs}"),
    )?;
    Ok(resp)
}

/// `/etag/{etag}`: honours `If-None-Match` (304) and `If-Match` (412).
pub(super) fn etag(req: &Req, etag: &str) -> Result<Resp, Reject> {
    let listed = |name| -> Vec<&str> {
        req.header(name)
            .map(|v| {
                v.split(',')
                    .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
                    .collect()
            })
            .unwrap_or_default()
    };
    let matches = |tags: &[&str]| tags.iter().any(|t| *t == etag || *t == "*");
    let if_none_match = listed(header::IF_NONE_MATCH);
    let if_match = listed(header::IF_MATCH);
    let mut resp = if !if_none_match.is_empty() {
        if matches(&if_none_match) {
            respond::empty(StatusCode::NOT_MODIFIED)
        } else {
            echo::respond(req, Fields::GET)
        }
    } else if !if_match.is_empty() && !matches(&if_match) {
        return Ok(status_response(StatusCode::PRECONDITION_FAILED));
    } else {
        echo::respond(req, Fields::GET)
    };
    respond::set_header(&mut resp, header::ETAG, etag)?;
    Ok(resp)
}

/// `/base64/{value}`: URL-safe base64 decoded to text.
pub(super) fn base64_decode(value: &str) -> Resp {
    let engines = [
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let text = engines
        .iter()
        .find_map(|engine| engine.decode(value).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .unwrap_or_else(|| "Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l".to_owned());
    respond::build(StatusCode::OK, HTML, text)
}
