//! Turning `http.request(method, url, body, params)` arguments into a [`RequestSpec`] plus
//! the per-request settings that stay on the VU side (tags, expected statuses, body type).

use crate::modules::StdText;
use std::time::Duration;

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};
use url::Url;

use super::instance::Expected;
use crate::convert::bytes::to_bytes;
use crate::modules::{get_string, merge_tags};
use crate::net::client::{RequestSpec, ResponseType};
/// What a request takes from its VU, copied out before any of the script's code runs for
/// it: a URL's `toString` or a getter may call back into modules that change the VU.
pub struct VuDefaults {
    pub config: std::sync::Arc<crate::config::TestConfig>,
    pub tags: crate::metrics::TagSet,
    pub expected: Option<Expected>,
    pub vu_jar: crate::net::client::Jar,
    /// The VU's connection pool (made on its first request).
    pub client: crate::net::client::HttpClient,
}

/// What the VU needs after the request ran.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub tags: crate::metrics::TagSet,
    pub expected: Option<Expected>,
    pub response_type: ResponseType,
    pub throw: bool,
    /// Whether `redirects`/`maxRedirects` was explicit (no "Stopped after" warning).
    pub redirects_explicit: bool,
    /// `auth: "digest"` (its first 401 counts as expected).
    pub digest: bool,
    /// The request was refused before sending (k6 emits no samples for it).
    pub not_sent: bool,
    /// The body before `compression`, shown as `res.request.body`.
    pub plain_body: Option<Vec<u8>>,
}

/// How many recently parsed URLs a VU thread remembers: load tests hit a handful of
/// URLs over and over, and cloning a parsed URL is cheaper than parsing it again.
const URL_CACHE: usize = 16;

thread_local! {
    static PARSED: std::cell::RefCell<Vec<(String, Url)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn parse_url(s: &str) -> Result<Url, url::ParseError> {
    let hit = PARSED.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, u)| u.clone())
    });
    if let Some(u) = hit {
        return Ok(u);
    }
    let u = Url::parse(s)?;
    PARSED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() == URL_CACHE {
            c.remove(0);
        }
        c.push((s.to_string(), u.clone()));
    });
    Ok(u)
}

/// The request's method. The verbs (`http.get`, ...) pass an upper-case standard name,
/// matched without making a Rust string; other spellings are upper-cased first.
fn method_arg(args: &[JsValue], ctx: &mut Context) -> JsResult<http::Method> {
    use http::Method as M;
    if let Some(s) = args.first().and_then(JsValue::as_string) {
        let standard = [
            M::GET,
            M::POST,
            M::PUT,
            M::PATCH,
            M::DELETE,
            M::HEAD,
            M::OPTIONS,
        ];
        if let Some(m) = standard.into_iter().find(|m| s == m.as_str()) {
            return Ok(m);
        }
    }
    let method = crate::modules::arg_string(args, 0, ctx)?.to_uppercase();
    http::Method::from_bytes(method.as_bytes()).map_err(|_| {
        JsNativeError::typ()
            .with_message(format!("invalid HTTP method '{method}'"))
            .into()
    })
}

/// Reads arguments into a request; errors are thrown into JS.
pub fn build(
    args: &[JsValue],
    st: &VuDefaults,
    ctx: &mut Context,
) -> JsResult<(RequestSpec, RequestMeta)> {
    let method = method_arg(args, ctx)?;
    let (url_s, template_name) =
        super::args::url_arg(&args.get(1).cloned().unwrap_or_default(), ctx)?;
    // k6 (Go) fails such requests like network errors rather than throwing.
    let (url, preflight_error) = match parse_url(&url_s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => (u, None),
        parsed => {
            let err = crate::net::errors::unusable_url(
                &url_s,
                parsed.as_ref().err(),
                parsed.as_ref().ok(),
                &method,
            );
            let placeholder = Url::parse("http://invalid.invalid/")
                .map_err(|e| JsNativeError::error().with_message(e.to_string()))?;
            (placeholder, Some(err))
        }
    };
    let cfg = &st.config.http;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body = match args.get(2) {
        Some(b) => encode_body(b, &mut headers, ctx)?,
        None => None,
    };
    if matches!(method, http::Method::GET | http::Method::HEAD)
        && body.as_ref().is_some_and(Vec::is_empty)
    {
        body = None;
    }
    let mut meta = RequestMeta {
        tags: st.tags.clone(),
        expected: st.expected.clone(),
        response_type: if cfg.discard_response_bodies {
            ResponseType::None
        } else {
            ResponseType::Text
        },
        throw: cfg.throw,
        redirects_explicit: cfg.max_redirects_set,
        digest: false,
        not_sent: false,
        plain_body: None,
    };
    let mut spec = RequestSpec {
        method,
        url,
        headers: Vec::new(),
        body,
        timeout: cfg.timeout,
        max_redirects: cfg.max_redirects,
        user_agent: cfg.user_agent.clone(),
        cookies: Vec::new(),
        jar: st.vu_jar.clone(),
        digest: None,
        keep_raw: cfg.debug == crate::config::HttpDebug::Full,
        discard_body: false,
        close: cfg.no_connection_reuse,
        preflight_error,
        rate: cfg.rps.clone(),
        bare_path: crate::net::client::has_bare_path(&url_s),
    };
    if let Some(name) = template_name {
        std::sync::Arc::make_mut(&mut meta.tags).insert("name".into(), name);
    }
    let mut auth = None;
    if let Some(params) = args.get(3).and_then(JsValue::as_object) {
        apply_params(&params, &mut spec, &mut meta, &mut headers, st, ctx)?;
        auth = get_string(&params, "auth", ctx)?;
        compress(&params, &mut spec, &mut meta, &mut headers, cfg.throw, ctx)?;
    }
    if auth.as_deref() == Some("digest") && !spec.url.username().is_empty() {
        // k6 strips the credentials from the URL (and its tags) and answers the
        // challenge with them.
        spec.digest = Some((
            crate::net::client::percent_decode(spec.url.username()),
            crate::net::client::percent_decode(spec.url.password().unwrap_or("")),
        ));
        let _ = spec.url.set_username("");
        let _ = spec.url.set_password(None);
    }
    meta.digest = auth.as_deref() == Some("digest");
    spec.discard_body = meta.response_type == ResponseType::None;
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
    spec.headers = headers;
    Ok((spec, meta))
}

/// `compression: "gzip, br"`: the body is compressed in that order and labelled. An
/// unknown coding fails the request unsent (thrown only under the global `throw`).
fn compress(
    params: &JsObject,
    spec: &mut RequestSpec,
    meta: &mut RequestMeta,
    headers: &mut Vec<(String, String)>,
    global_throw: bool,
    ctx: &mut Context,
) -> JsResult<()> {
    let Some(list) = get_string(params, "compression", ctx)? else {
        return Ok(());
    };
    let codings = match crate::net::codec::parse_codings(&list) {
        Ok(c) => c,
        Err(message) => {
            spec.preflight_error = Some(crate::net::client::HttpError {
                code: crate::net::codes::NONE,
                tag: message.clone(),
                message,
            });
            meta.not_sent = true;
            meta.throw = global_throw;
            return Ok(());
        }
    };
    let Some(body) = spec.body.as_deref().filter(|_| !codings.is_empty()) else {
        return Ok(());
    };
    let (data, encoding) = crate::net::codec::compress(body, &codings)
        .map_err(|e| JsNativeError::error().with_message(e.to_string()))?;
    meta.plain_body = spec.body.replace(data);
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
    headers.push(("Content-Encoding".into(), encoding));
    Ok(())
}

fn apply_params(
    params: &JsObject,
    spec: &mut RequestSpec,
    meta: &mut RequestMeta,
    headers: &mut Vec<(String, String)>,
    st: &VuDefaults,
    ctx: &mut Context,
) -> JsResult<()> {
    let h = params.get(js_string!("headers"), ctx)?;
    if let Some(h) = h.as_object() {
        for key in h.own_property_keys(ctx)? {
            if let boa_engine::property::PropertyKey::String(k) = &key {
                let v = h.get(key.clone(), ctx)?;
                let name = k.text();
                headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
                headers.push((name, v.to_string(ctx)?.text()));
            }
        }
    }
    let tags = params.get(js_string!("tags"), ctx)?;
    if tags.is_object() {
        merge_tags(std::sync::Arc::make_mut(&mut meta.tags), &tags, ctx).map_err(|e| {
            JsNativeError::typ().with_message(format!("invalid HTTP request metric tags: {e}"))
        })?;
    }
    let timeout = params.get(js_string!("timeout"), ctx)?;
    if !timeout.is_undefined() && !timeout.is_null() {
        spec.timeout = if let Some(n) = timeout.as_number() {
            Duration::from_secs_f64((n / 1000.0).max(0.0))
        } else {
            let s = timeout.to_string(ctx)?.text();
            crate::duration::parse(&s).map_err(|e| JsNativeError::typ().with_message(e))?
        };
    }
    let redirects = params.get(js_string!("redirects"), ctx)?;
    if let Some(n) = redirects.as_number() {
        spec.max_redirects = n.max(0.0) as u32;
        meta.redirects_explicit = true;
    }
    if let Some(rt) = get_string(params, "responseType", ctx)? {
        meta.response_type = match rt.as_str() {
            "binary" => ResponseType::Binary,
            "none" => ResponseType::None,
            "text" => ResponseType::Text,
            other => {
                return Err(JsNativeError::typ()
                    .with_message(format!("unknown responseType {other}"))
                    .into())
            }
        };
    }
    if params.has_own_property(js_string!("responseCallback"), ctx)? {
        let cb = params.get(js_string!("responseCallback"), ctx)?;
        meta.expected = expected_from(&cb, ctx)?;
    }
    let throw = params.get(js_string!("throw"), ctx)?;
    if throw.is_boolean() {
        meta.throw = throw.to_boolean();
    }
    let jar = params.get(js_string!("jar"), ctx)?;
    if let Some(j) = super::jar::resolve(&jar, &st.vu_jar) {
        spec.jar = j;
    }
    let cookies = params.get(js_string!("cookies"), ctx)?;
    if let Some(c) = cookies.as_object() {
        for key in c.own_property_keys(ctx)? {
            if let boa_engine::property::PropertyKey::String(k) = &key {
                let v = c.get(key.clone(), ctx)?;
                let (value, replace) = match v.as_object() {
                    Some(o) if !v.is_string() => (
                        get_string(&o, "value", ctx)?.unwrap_or_default(),
                        o.get(js_string!("replace"), ctx)?.to_boolean(),
                    ),
                    _ => (v.to_string(ctx)?.text(), false),
                };
                spec.cookies.push((k.text(), value, replace));
            }
        }
    }
    Ok(())
}

/// Reads `http.expectedStatuses(...)`'s value; `null` disables `http_req_failed`.
pub fn expected_from(cb: &JsValue, ctx: &mut Context) -> JsResult<Option<Expected>> {
    if cb.is_null() || cb.is_undefined() {
        return Ok(None);
    }
    let ranges = cb
        .as_object()
        .map(|o| o.get(js_string!("__rk6_expected"), ctx))
        .transpose()?
        .and_then(|v| v.as_object());
    let Some(ranges) = ranges else {
        return Err(JsNativeError::typ()
            .with_message("unsupported argument, expected http.expectedStatuses")
            .into());
    };
    let len = ranges.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    let mut out = Vec::new();
    for i in 0..len {
        let pair = ranges.get(i, ctx)?;
        if let Some(p) = pair.as_object() {
            let a = p.get(0, ctx)?.to_number(ctx)? as u16;
            let b = p.get(1, ctx)?.to_number(ctx)? as u16;
            out.push((a, b));
        }
    }
    Ok(Some(Expected { ranges: out }))
}

/// Body argument to bytes; form objects become urlencoded or multipart with a Content-Type.
fn encode_body(
    body: &JsValue,
    headers: &mut Vec<(String, String)>,
    ctx: &mut Context,
) -> JsResult<Option<Vec<u8>>> {
    if body.is_null() || body.is_undefined() {
        return Ok(None);
    }
    if let Some(bytes) = to_bytes(body, ctx)? {
        return Ok(Some(bytes));
    }
    if let Some((fields, multipart)) = super::args::form_fields(body, ctx)? {
        return Ok(Some(form_body(fields, multipart, headers)));
    }
    Ok(Some(body.to_string(ctx)?.text().into_bytes()))
}

fn form_body(
    fields: Vec<super::args::FormField>,
    multipart: bool,
    headers: &mut Vec<(String, String)>,
) -> Vec<u8> {
    let has_ct = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !multipart {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v, _) in &fields {
            ser.append_pair(k, &String::from_utf8_lossy(v));
        }
        if !has_ct {
            headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        return ser.finish().into_bytes();
    }
    let boundary = format!("{:032x}", rand::random::<u128>());
    let mut out = Vec::new();
    for (k, v, file) in fields {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((fname, ct)) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{k}\"; filename=\"{fname}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes(),
            ),
            None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{k}\"\r\n\r\n").as_bytes()),
        }
        out.extend_from_slice(&v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    if !has_ct {
        headers.push((
            "Content-Type".into(),
            format!("multipart/form-data; boundary={boundary}"),
        ));
    }
    out
}
