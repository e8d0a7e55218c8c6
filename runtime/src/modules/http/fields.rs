//! The data behind a JS response object and how each of its fields is built from it.
//! The fields are own properties created when first observed ([`super::response`]), so a
//! response costs one object until a script reads it.

use crate::modules::StdText;
use boa_engine::{js_string, Context, Finalize, JsData, JsResult, JsValue, Trace};
use boa_gc::GcRefCell;

use super::params::RequestMeta;
use crate::convert::bytes::array_buffer;
use crate::modules::{key, new_object, static_key};
use crate::net::client::{response_cookies, Hop, ResponseType};

/// What a response object's fields are made from; attached to the object as native data.
#[derive(Debug, Trace, Finalize, JsData)]
pub struct ResponseData {
    /// Boxed: Boa's GC counts an object's inline size towards its next collection, and a
    /// `Hop` is ~0.5 KB — inline it made a VU loop collect several times as often.
    #[unsafe_ignore_trace]
    hop: Box<Hop>,
    #[unsafe_ignore_trace]
    response_type: ResponseType,
    /// The request body as the script gave it (before compression), when it was compressed.
    #[unsafe_ignore_trace]
    plain_body: Option<Vec<u8>>,
    /// Which own properties exist already (bit i: the i-th in k6's order).
    #[unsafe_ignore_trace]
    created: crate::modules::CreatedBits,
    /// `res.json()`'s value, parsed once.
    pub json: GcRefCell<Option<JsValue>>,
    /// Whether the body is known to be JSON: checked once before the first selector.
    #[unsafe_ignore_trace]
    pub json_valid: std::cell::Cell<bool>,
}

impl ResponseData {
    pub fn new(hop: Box<Hop>, meta: &RequestMeta) -> ResponseData {
        ResponseData {
            hop,
            response_type: meta.response_type,
            plain_body: meta.plain_body.clone(),
            created: crate::modules::CreatedBits::default(),
            json: GcRefCell::new(None),
            json_valid: std::cell::Cell::new(false),
        }
    }

    /// Records that property `i` of `count` is being created: `None` if it existed already,
    /// else whether it is the last one.
    pub fn mark_created(&self, i: usize, count: usize) -> Option<bool> {
        self.created.mark(i, count)
    }

    /// The body as received, while `res.body` does not exist yet (so the script cannot have
    /// replaced it) and would not be null: what `res.json()` parses without first making
    /// the body a JS string and back.
    pub fn untouched_body(&self) -> Option<&bytes::Bytes> {
        let body = FIELDS.iter().position(|(name, _)| *name == "body")?;
        let h = &self.hop;
        let null = matches!(self.response_type, ResponseType::None)
            || (h.error.is_some() && h.status == 0 && !h.partial_body);
        (!null && !self.created.has(body)).then_some(&h.body)
    }

    /// Roughly the ordinary heap this response holds (its GC object is only a pointer):
    /// told to the collector so that VUs whose garbage is mostly responses collect in time.
    pub fn heap_bytes(&self) -> usize {
        let pairs = |v: &[(String, String)]| {
            v.iter()
                .map(|(k, v)| k.capacity() + v.capacity() + 2 * std::mem::size_of::<String>())
                .sum::<usize>()
        };
        let h = &self.hop;
        std::mem::size_of::<Hop>()
            + h.body.len()
            + h.raw_body.as_ref().map_or(0, |b| b.len())
            + h.headers.heap_bytes()
            + pairs(&h.request_headers)
            + h.request_body.as_ref().map_or(0, Vec::capacity)
            + h.url.as_str().len()
            + self.plain_body.as_ref().map_or(0, Vec::capacity)
    }
}

type Builder = fn(&ResponseData, &mut Context) -> JsResult<JsValue>;

/// The response fields in k6's order: (name, builder).
pub const FIELDS: [(&str, Builder); 16] = [
    ("remote_ip", |d, _| {
        Ok(key(&d.hop.remote.map(|a| a.ip().to_string()).unwrap_or_default()).into())
    }),
    ("remote_port", |d, _| {
        Ok(d.hop.remote.map_or(0, |a| a.port()).into())
    }),
    ("url", |d, _| {
        Ok(key(&crate::net::client::url_text(&d.hop.url, d.hop.bare_path)).into())
    }),
    ("status", |d, _| Ok(d.hop.status.into())),
    ("status_text", |d, _| Ok(key(&d.hop.status_text()).into())),
    ("proto", |d, _| Ok(static_key(d.hop.proto).into())),
    ("headers", build_headers),
    ("cookies", build_cookies),
    ("body", build_body),
    ("timings", build_timings),
    ("tls_version", |d, _| {
        Ok(static_key(d.hop.tls_version).into())
    }),
    ("tls_cipher_suite", |d, _| {
        Ok(key(&d.hop.tls_cipher_suite).into())
    }),
    ("ocsp", build_ocsp),
    ("error", |d, _| {
        Ok(key(d.hop.error.as_ref().map_or("", |e| e.tag.as_str())).into())
    }),
    ("error_code", |d, _| {
        let code = match &d.hop.error {
            Some(e) => e.code,
            None => crate::net::codes::for_status(d.hop.status),
        };
        Ok(code.into())
    }),
    ("request", build_request),
];

/// A failed request has a null body, unless its body broke off after the head (then k6
/// gives what arrived, even an empty string).
fn build_body(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let h = &d.hop;
    if h.error.is_some() && h.status == 0 && !h.partial_body {
        return Ok(JsValue::null());
    }
    Ok(match d.response_type {
        ResponseType::None => JsValue::null(),
        ResponseType::Binary => array_buffer(&h.body, ctx)?,
        ResponseType::Text => key(&String::from_utf8_lossy(&h.body)).into(),
    })
}

fn build_headers(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let headers = new_object(ctx);
    for (k, v) in d.hop.headers.iter() {
        let existing = headers.get(key(k), ctx)?;
        let value = if existing.is_undefined() {
            v.to_string()
        } else {
            format!("{}, {v}", existing.to_string(ctx)?.text())
        };
        headers.set(key(k), key(&value), false, ctx)?;
    }
    Ok(headers.into())
}

fn build_cookies(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let cookies = new_object(ctx);
    for (name, list) in response_cookies(&d.hop.headers) {
        let arr = boa_engine::object::builtins::JsArray::new(ctx)?;
        for c in list {
            let co = new_object(ctx);
            co.set(js_string!("name"), key(c.name()), false, ctx)?;
            co.set(js_string!("value"), key(c.value()), false, ctx)?;
            co.set(
                js_string!("domain"),
                key(c.domain().unwrap_or("")),
                false,
                ctx,
            )?;
            co.set(js_string!("path"), key(c.path().unwrap_or("")), false, ctx)?;
            co.set(
                js_string!("http_only"),
                c.http_only().unwrap_or(false),
                false,
                ctx,
            )?;
            co.set(
                js_string!("secure"),
                c.secure().unwrap_or(false),
                false,
                ctx,
            )?;
            let max_age = c.max_age().map(|d| d.whole_seconds() as f64).unwrap_or(0.0);
            co.set(js_string!("max_age"), max_age, false, ctx)?;
            let expires = c
                .expires_datetime()
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as f64)
                .unwrap_or(-6_795_364_578_871.0);
            co.set(js_string!("expires"), expires, false, ctx)?;
            arr.push(co, ctx)?;
        }
        cookies.set(key(&name), arr, false, ctx)?;
    }
    Ok(cookies.into())
}

fn build_timings(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let t = &d.hop.timings;
    let timings = new_object(ctx);
    for (k, v) in [
        ("duration", t.duration()),
        ("blocked", t.blocked),
        ("looking_up", 0.0),
        ("connecting", t.connecting),
        ("tls_handshaking", t.tls_handshaking),
        ("sending", t.sending),
        ("waiting", t.waiting),
        ("receiving", t.receiving),
    ] {
        timings.set(static_key(k), v, false, ctx)?;
    }
    Ok(timings.into())
}

fn build_request(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let request = new_object(ctx);
    request.set(js_string!("method"), key(d.hop.method.as_str()), false, ctx)?;
    request.set(
        js_string!("url"),
        key(&crate::net::client::url_text(&d.hop.url, d.hop.bare_path)),
        false,
        ctx,
    )?;
    let rh = new_object(ctx);
    for (k, v) in &d.hop.request_headers {
        let arr = boa_engine::object::builtins::JsArray::from_iter([JsValue::from(key(v))], ctx);
        rh.set(
            key(&crate::net::headers::canonical_header(k)),
            arr,
            false,
            ctx,
        )?;
    }
    request.set(js_string!("headers"), rh, false, ctx)?;
    let body = d
        .hop
        .request_body
        .as_ref()
        .map(|b| String::from_utf8_lossy(d.plain_body.as_ref().unwrap_or(b)).into_owned())
        .unwrap_or_default();
    request.set(js_string!("body"), key(&body), false, ctx)?;
    let cookies = new_object(ctx);
    for (name, value, replace) in &d.hop.request_cookies {
        let c = new_object(ctx);
        c.set(js_string!("name"), key(name), false, ctx)?;
        c.set(js_string!("value"), key(value), false, ctx)?;
        c.set(js_string!("replace"), *replace, false, ctx)?;
        let existing = cookies.get(key(name), ctx)?;
        let list = match existing
            .as_object()
            .and_then(|o| boa_engine::object::builtins::JsArray::from_object(o.clone()).ok())
        {
            Some(a) => a,
            None => boa_engine::object::builtins::JsArray::new(ctx)?,
        };
        list.push(c, ctx)?;
        cookies.set(key(name), list, false, ctx)?;
    }
    request.set(js_string!("cookies"), cookies, false, ctx)?;
    Ok(request.into())
}

fn build_ocsp(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let ocsp = new_object(ctx);
    for k in ["produced_at", "this_update", "next_update", "revoked_at"] {
        ocsp.set(static_key(k), 0, false, ctx)?;
    }
    ocsp.set(js_string!("revocation_reason"), js_string!(), false, ctx)?;
    let status = if d.hop.tls_version.is_empty() {
        ""
    } else {
        "unknown"
    };
    ocsp.set(js_string!("status"), static_key(status), false, ctx)?;
    Ok(ocsp.into())
}
