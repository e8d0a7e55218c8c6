//! After a request ran: one set of `http_req_*` samples per hop, the "Request Failed"
//! warning, and the JS response object with k6's fields in k6's order.

use std::sync::Arc;

use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue, Trace,
};

use super::client::{masked_url, response_cookies, Hop, ResponseType};
use super::params::RequestMeta;
use crate::log::Logger;
use crate::metrics::builtin;
use crate::modules::{bytes::array_buffer, key, new_object};
use crate::vu::state::VuState;

/// Emits the samples of every hop.
pub fn emit_metrics(st: &mut VuState, hops: &[Hop], meta: &RequestMeta) {
    let config = st.config.clone();
    let sys = &config.system_tags;
    if meta.not_sent {
        return;
    }
    let user_name = meta.tags.get("name").cloned();
    for (i, hop) in hops.iter().enumerate() {
        let mut tags = meta.tags.clone();
        let url_tag = masked_url(&hop.url);
        let name = user_name.clone().unwrap_or_else(|| url_tag.clone());
        let mut put = |k: &str, v: String| {
            if sys.has(k) {
                tags.insert(k.to_string(), v);
            } else {
                tags.remove(k);
            }
        };
        put("method", hop.method.clone());
        put(
            "url",
            if user_name.is_some() {
                name.clone()
            } else {
                url_tag
            },
        );
        put("name", name);
        put("status", hop.status.to_string());
        if !hop.proto.is_empty() {
            put("proto", hop.proto.to_string());
        }
        if !hop.tls_version.is_empty() {
            put("tls_version", hop.tls_version.to_string());
        }
        // k6: the first response of a digest request is expected exactly when it is the
        // 401 challenge.
        let expected = meta.expected.as_ref().map(|e| match (meta.digest, i) {
            (true, 0) => hop.error.is_none() && hop.status == 401,
            _ => hop.error.is_none() && e.matches(hop.status),
        });
        if let Some(ok) = expected {
            put("expected_response", ok.to_string());
        }
        if let Some(err) = &hop.error {
            put("error", err.tag.clone());
            put("error_code", err.code.to_string());
        } else if hop.status >= 400 {
            put("error_code", (1000 + hop.status as u32).to_string());
        }
        let tags = Arc::new(tags);
        let t = &hop.timings;
        let at = hop.end;
        st.emit_at(builtin::HTTP_REQS, at, 1.0, &tags);
        st.emit_at(builtin::HTTP_REQ_DURATION, at, t.duration(), &tags);
        st.emit_at(builtin::HTTP_REQ_BLOCKED, at, t.blocked, &tags);
        st.emit_at(builtin::HTTP_REQ_CONNECTING, at, t.connecting, &tags);
        st.emit_at(
            builtin::HTTP_REQ_TLS_HANDSHAKING,
            at,
            t.tls_handshaking,
            &tags,
        );
        st.emit_at(builtin::HTTP_REQ_SENDING, at, t.sending, &tags);
        st.emit_at(builtin::HTTP_REQ_WAITING, at, t.waiting, &tags);
        st.emit_at(builtin::HTTP_REQ_RECEIVING, at, t.receiving, &tags);
        if let Some(ok) = expected {
            st.emit_at(
                builtin::HTTP_REQ_FAILED,
                at,
                if ok { 0.0 } else { 1.0 },
                &tags,
            );
        }
    }
}

/// Logs or throws for a failed final hop, as k6 does; warns when redirects ran out.
pub fn report_failure(
    hops: &[Hop],
    meta: &RequestMeta,
    max_redirects: u32,
    ctx: &mut Context,
) -> JsResult<()> {
    let Some(last) = hops.last() else {
        return Ok(());
    };
    if let Some(err) = &last.error {
        if meta.throw {
            return Err(crate::modules::go_error(&err.message, ctx));
        }
        Logger::warn("Request Failed", &[("error", &err.message)]);
    } else if !meta.redirects_explicit
        && hops.len() as u32 > max_redirects
        && matches!(last.status, 301 | 302 | 303 | 307 | 308)
    {
        let first = hops.first().map(|h| h.url.to_string()).unwrap_or_default();
        Logger::warn(
            &format!(
                "Stopped after {} redirects and returned the redirection; pass {{ redirects: n }} in request params or set global maxRedirects to silence this",
                max_redirects + 1
            ),
            &[("url", &first)],
        );
    }
    Ok(())
}

/// What a response object's lazily built fields (`headers`, `cookies`, `timings`,
/// `request`, `ocsp`) are made from; attached to the object as native data.
// SAFETY (unsafe_empty_trace): the fields are plain Rust data holding no GC pointers.
#[derive(Debug, Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
struct ResponseData {
    headers: Vec<(String, String)>,
    timings: super::client::Timings,
    method: String,
    url: String,
    request_headers: Vec<(String, String)>,
    request_body: String,
    request_cookies: Vec<(String, String, bool)>,
    /// Whether the response came over TLS (k6's `ocsp.status` is then `unknown`).
    tls: bool,
}

/// The response object of the final hop.
///
/// Scalar fields are set eagerly; the object-valued ones are getters on the shared
/// prototype that build the value on first access and cache it on the object, so a
/// response whose headers are never read costs one object instead of thirty.
pub fn to_js(mut hops: Vec<Hop>, meta: &RequestMeta, ctx: &mut Context) -> JsResult<JsObject> {
    let proto = prototype(ctx);
    let Some(mut hop) = hops.pop() else {
        return Ok(new_object(ctx));
    };
    // The final hop is consumed: its headers and request move into the lazy fields' data.
    let data = ResponseData {
        headers: std::mem::take(&mut hop.headers),
        timings: hop.timings,
        method: std::mem::take(&mut hop.method),
        url: hop.url.to_string(),
        request_headers: std::mem::take(&mut hop.request_headers),
        request_body: hop
            .request_body
            .take()
            .map(|b| meta.plain_body.clone().unwrap_or(b))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default(),
        request_cookies: std::mem::take(&mut hop.request_cookies),
        tls: !hop.tls_version.is_empty(),
    };
    let obj = JsObject::from_proto_and_data(proto, data);
    let set = |o: &JsObject, k: &str, v: JsValue, ctx: &mut Context| o.set(key(k), v, false, ctx);
    let (ip, port) = hop
        .remote
        .map(|a| (a.ip().to_string(), a.port()))
        .unwrap_or_default();
    set(&obj, "remote_ip", key(&ip).into(), ctx)?;
    set(&obj, "remote_port", port.into(), ctx)?;
    set(&obj, "url", key(hop.url.as_str()).into(), ctx)?;
    set(&obj, "status", hop.status.into(), ctx)?;
    set(&obj, "status_text", key(&hop.status_text).into(), ctx)?;
    set(&obj, "proto", key(hop.proto).into(), ctx)?;
    // A failed request has a null body, unless part of one arrived before it broke off.
    let body: JsValue = if hop.error.is_some() && hop.status == 0 && hop.body.is_empty() {
        JsValue::null()
    } else {
        match meta.response_type {
            ResponseType::None => JsValue::null(),
            ResponseType::Binary => array_buffer(&hop.body, ctx)?,
            ResponseType::Text => key(&String::from_utf8_lossy(&hop.body)).into(),
        }
    };
    set(&obj, "body", body, ctx)?;
    set(&obj, "tls_version", key(hop.tls_version).into(), ctx)?;
    set(
        &obj,
        "tls_cipher_suite",
        key(&hop.tls_cipher_suite).into(),
        ctx,
    )?;
    let (error, code) = match &hop.error {
        Some(e) => (e.tag.clone(), e.code),
        None if hop.status >= 400 => (String::new(), 1000 + hop.status as u32),
        None => (String::new(), 0),
    };
    set(&obj, "error", key(&error).into(), ctx)?;
    set(&obj, "error_code", code.into(), ctx)?;
    Ok(obj)
}

type Builder = fn(&ResponseData, &mut Context) -> JsResult<JsValue>;

/// Lazily built fields: (name, builder).
const LAZY: [(&str, Builder); 5] = [
    ("headers", build_headers),
    ("cookies", build_cookies),
    ("timings", build_timings),
    ("request", build_request),
    ("ocsp", build_ocsp),
];

fn build_headers(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let headers = new_object(ctx);
    for (k, v) in &d.headers {
        let existing = headers.get(key(k), ctx)?;
        let value = if existing.is_undefined() {
            v.clone()
        } else {
            format!("{}, {v}", existing.to_string(ctx)?.to_std_string_escaped())
        };
        headers.set(key(k), key(&value), false, ctx)?;
    }
    Ok(headers.into())
}

fn build_cookies(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let cookies = new_object(ctx);
    for (name, list) in response_cookies(&d.headers) {
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
    let t = &d.timings;
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
        timings.set(key(k), v, false, ctx)?;
    }
    Ok(timings.into())
}

fn build_request(d: &ResponseData, ctx: &mut Context) -> JsResult<JsValue> {
    let request = new_object(ctx);
    request.set(js_string!("method"), key(&d.method), false, ctx)?;
    request.set(js_string!("url"), key(&d.url), false, ctx)?;
    let rh = new_object(ctx);
    for (k, v) in &d.request_headers {
        let arr = boa_engine::object::builtins::JsArray::from_iter([JsValue::from(key(v))], ctx);
        rh.set(key(&super::client::canonical_header(k)), arr, false, ctx)?;
    }
    request.set(js_string!("headers"), rh, false, ctx)?;
    request.set(js_string!("body"), key(&d.request_body), false, ctx)?;
    let cookies = new_object(ctx);
    for (name, value, replace) in &d.request_cookies {
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
        ocsp.set(key(k), 0, false, ctx)?;
    }
    ocsp.set(js_string!("revocation_reason"), js_string!(), false, ctx)?;
    let status = if d.tls { "unknown" } else { "" };
    ocsp.set(js_string!("status"), key(status), false, ctx)?;
    Ok(ocsp.into())
}

/// Defines `name` as an own data property of `obj` (caching a built field, or a script's
/// own assignment).
fn define_own(obj: &JsObject, name: &str, value: JsValue, ctx: &mut Context) -> JsResult<()> {
    obj.define_property_or_throw(
        key(name),
        boa_engine::property::PropertyDescriptor::builder()
            .value(value)
            .writable(true)
            .enumerable(true)
            .configurable(true),
        ctx,
    )?;
    Ok(())
}

/// The getter of lazy field `LAZY[i]`.
fn lazy_get(this: &JsValue, i: usize, ctx: &mut Context) -> JsResult<JsValue> {
    let Some(obj) = this.as_object() else {
        return Ok(JsValue::undefined());
    };
    let (name, build) = LAZY[i];
    let value = {
        let Some(data) = obj.downcast_ref::<ResponseData>() else {
            return Ok(JsValue::undefined());
        };
        build(&data, ctx)?
    };
    define_own(&obj, name, value.clone(), ctx)?;
    Ok(value)
}

/// The setter of lazy field `LAZY[i]`: scripts may overwrite response fields.
fn lazy_set(this: &JsValue, i: usize, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if let Some(obj) = this.as_object() {
        define_own(
            &obj,
            LAZY[i].0,
            args.first().cloned().unwrap_or_default(),
            ctx,
        )?;
    }
    Ok(JsValue::undefined())
}

/// Host data: the prototype every response object of a context shares.
struct ResponsePrototype(JsObject);

fn prototype(ctx: &mut Context) -> JsObject {
    if let Some(p) = ctx.get_data::<ResponsePrototype>() {
        return p.0.clone();
    }
    let mut accessors = Vec::new();
    for (i, (name, _)) in LAZY.iter().enumerate() {
        let get = boa_engine::NativeFunction::from_copy_closure(move |this, _, ctx| {
            lazy_get(this, i, ctx)
        })
        .to_js_function(ctx.realm());
        let set = boa_engine::NativeFunction::from_copy_closure(move |this, a, ctx| {
            lazy_set(this, i, a, ctx)
        })
        .to_js_function(ctx.realm());
        accessors.push((*name, get, set));
    }
    let mut init = boa_engine::object::ObjectInitializer::new(ctx);
    init.function(
        boa_engine::NativeFunction::from_fn_ptr(json),
        js_string!("json"),
        1,
    )
    .function(
        boa_engine::NativeFunction::from_fn_ptr(html),
        js_string!("html"),
        1,
    );
    for (name, get, set) in accessors {
        init.accessor(
            key(name),
            Some(get),
            Some(set),
            boa_engine::property::Attribute::CONFIGURABLE
                | boa_engine::property::Attribute::ENUMERABLE,
        );
    }
    let proto = init.build();
    ctx.insert_data(ResponsePrototype(proto.clone()));
    proto
}

fn body_text(this: &JsValue, ctx: &mut Context) -> JsResult<String> {
    let body = match this.as_object() {
        Some(o) => o.get(js_string!("body"), ctx)?,
        None => JsValue::undefined(),
    };
    if body.is_null() || body.is_undefined() {
        return Err(JsNativeError::error()
            .with_message("cannot parse json due to an error at line 1, character 1 , error: the body is null so we can't transform it to JSON - this likely was because of a request error getting the response")
            .into());
    }
    let bytes = crate::modules::bytes::bytes_or_string(&body, ctx)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

const JSON_CACHE: &str = "__rk6_json";

/// `res.json([selector])`: parsed natively (Boa's JSON.parse is slow); cached per response.
fn json(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let selector = args.first().filter(|v| !v.is_undefined());
    if selector.is_none() {
        if let Some(o) = this.as_object() {
            let cached = o.get(key(JSON_CACHE), ctx)?;
            if !cached.is_undefined() {
                return Ok(cached);
            }
        }
    }
    let text = body_text(this, ctx)?;
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
    if let Some(sel) = selector {
        let path = sel.to_string(ctx)?.to_std_string_escaped();
        return match parsed
            .ok()
            .as_ref()
            .and_then(|v| super::json_path::select(v, &path))
        {
            Some(found) => JsValue::from_json(found.as_ref(), ctx),
            None => Ok(JsValue::undefined()),
        };
    }
    let v = parsed.map_err(|e| {
        JsNativeError::syntax().with_message(format!(
            "cannot parse json due to an error at line {}, character {} , error: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let value = JsValue::from_json(&v, ctx)?;
    if let Some(o) = this.as_object() {
        o.define_property_or_throw(
            key(JSON_CACHE),
            boa_engine::property::PropertyDescriptor::builder()
                .value(value.clone())
                .writable(true)
                .enumerable(false)
                .configurable(true),
            ctx,
        )?;
    }
    Ok(value)
}

/// `res.html([selector])`: the body parsed by `k6/html`, optionally narrowed by `find`.
fn html(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let Some(obj) = this.as_object() else {
        return Err(JsNativeError::typ().with_message("not a response").into());
    };
    let body = obj.get(js_string!("body"), ctx)?;
    let text = if body.is_string() {
        body.to_string(ctx)?.to_std_string_escaped()
    } else {
        String::from_utf8_lossy(&crate::modules::bytes::bytes_or_string(&body, ctx)?).into_owned()
    };
    let doc = crate::modules::html::document(&text, ctx)?;
    match args.first() {
        Some(sel) if !sel.is_undefined() => {
            let find = doc.get(js_string!("find"), ctx)?;
            match find.as_callable() {
                Some(f) => f.call(&doc.into(), std::slice::from_ref(sel), ctx),
                None => Ok(doc.into()),
            }
        }
        _ => Ok(doc.into()),
    }
}
