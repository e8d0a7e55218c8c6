//! After a request ran: one set of `http_req_*` samples per hop, the "Request Failed"
//! warning, and the JS response object with k6's fields in k6's order.

use std::sync::Arc;

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};

use super::client::{masked_url, response_cookies, Hop, ResponseType};
use super::params::RequestMeta;
use crate::log::Logger;
use crate::metrics::builtin;
use crate::modules::{bytes::array_buffer, key, new_object};
use crate::vu::state::VuState;

/// Emits the samples of every hop and accounts the bytes on the VU.
pub fn emit_metrics(st: &mut VuState, hops: &[Hop], meta: &RequestMeta) {
    let sys = st.config.system_tags.clone();
    let user_name = meta.tags.get("name").cloned();
    for (i, hop) in hops.iter().enumerate() {
        st.bytes_sent += hop.bytes_sent;
        st.bytes_received += hop.bytes_received;
        let mut tags = meta.tags.clone();
        let url_tag = match (&meta.first_url_tag, i) {
            (Some(u), 0) => u.clone(),
            _ => masked_url(&hop.url),
        };
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
        let expected = meta
            .expected
            .as_ref()
            .map(|e| hop.error.is_none() && e.matches(hop.status));
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
pub fn report_failure(hops: &[Hop], meta: &RequestMeta, max_redirects: u32) -> JsResult<()> {
    let Some(last) = hops.last() else {
        return Ok(());
    };
    if let Some(err) = &last.error {
        if meta.throw {
            return Err(JsNativeError::error()
                .with_message(format!("GoError: {}", err.message))
                .into());
        }
        Logger::warn("Request Failed", &[("error", &err.message)]);
    } else if !meta.redirects_explicit
        && hops.len() as u32 > max_redirects
        && matches!(last.status, 301 | 302 | 303 | 307 | 308)
    {
        Logger::warn(
            &format!("Stopped after {max_redirects} redirects and returned the redirection; pass {{ redirects: n }} in request params or set global maxRedirects to silence this"),
            &[],
        );
    }
    Ok(())
}

/// The response object of the final hop.
pub fn to_js(hops: &[Hop], meta: &RequestMeta, ctx: &mut Context) -> JsResult<JsObject> {
    let obj = new_object(ctx);
    obj.set_prototype(Some(prototype(ctx)));
    let Some(hop) = hops.last() else {
        return Ok(obj);
    };
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
    let headers = new_object(ctx);
    for (k, v) in &hop.headers {
        let existing = headers.get(key(k), ctx)?;
        let value = if existing.is_undefined() {
            v.clone()
        } else {
            format!("{}, {v}", existing.to_string(ctx)?.to_std_string_escaped())
        };
        set(&headers, k, key(&value).into(), ctx)?;
    }
    set(&obj, "headers", headers.into(), ctx)?;
    let cookies = new_object(ctx);
    for (name, list) in response_cookies(&hop.headers) {
        let arr = boa_engine::object::builtins::JsArray::new(ctx)?;
        for c in list {
            let co = new_object(ctx);
            set(&co, "name", key(c.name()).into(), ctx)?;
            set(&co, "value", key(c.value()).into(), ctx)?;
            set(&co, "domain", key(c.domain().unwrap_or("")).into(), ctx)?;
            set(&co, "path", key(c.path().unwrap_or("")).into(), ctx)?;
            set(&co, "http_only", c.http_only().unwrap_or(false).into(), ctx)?;
            set(&co, "secure", c.secure().unwrap_or(false).into(), ctx)?;
            let max_age = c.max_age().map(|d| d.whole_seconds() as f64).unwrap_or(0.0);
            set(&co, "max_age", max_age.into(), ctx)?;
            let expires = c
                .expires_datetime()
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as f64)
                .unwrap_or(-6_795_364_578_871.0);
            set(&co, "expires", expires.into(), ctx)?;
            arr.push(co, ctx)?;
        }
        set(&cookies, &name, arr.into(), ctx)?;
    }
    set(&obj, "cookies", cookies.into(), ctx)?;
    let body: JsValue = if hop.error.is_some() && hop.status == 0 {
        JsValue::null()
    } else {
        match meta.response_type {
            ResponseType::None => JsValue::null(),
            ResponseType::Binary => array_buffer(&hop.body, ctx)?,
            ResponseType::Text => key(&String::from_utf8_lossy(&hop.body)).into(),
        }
    };
    set(&obj, "body", body, ctx)?;
    let t = &hop.timings;
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
        set(&timings, k, v.into(), ctx)?;
    }
    set(&obj, "timings", timings.into(), ctx)?;
    set(&obj, "tls_version", js_string!().into(), ctx)?;
    set(&obj, "tls_cipher_suite", js_string!().into(), ctx)?;
    let ocsp = new_object(ctx);
    for k in ["produced_at", "this_update", "next_update", "revoked_at"] {
        set(&ocsp, k, 0.into(), ctx)?;
    }
    set(&ocsp, "revocation_reason", js_string!().into(), ctx)?;
    set(&ocsp, "status", js_string!().into(), ctx)?;
    set(&obj, "ocsp", ocsp.into(), ctx)?;
    let (error, code) = match &hop.error {
        Some(e) => (e.message.clone(), e.code),
        None if hop.status >= 400 => (String::new(), 1000 + hop.status as u32),
        None => (String::new(), 0),
    };
    set(&obj, "error", key(&error).into(), ctx)?;
    set(&obj, "error_code", code.into(), ctx)?;
    let request = new_object(ctx);
    set(&request, "method", key(&hop.method).into(), ctx)?;
    set(&request, "url", key(hop.url.as_str()).into(), ctx)?;
    let rh = new_object(ctx);
    for (k, v) in &hop.request_headers {
        let arr = boa_engine::object::builtins::JsArray::new(ctx)?;
        arr.push(key(v), ctx)?;
        set(&rh, &super::client::canonical_header(k), arr.into(), ctx)?;
    }
    set(&request, "headers", rh.into(), ctx)?;
    let rb = hop
        .request_body
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    set(&request, "body", key(&rb).into(), ctx)?;
    set(&request, "cookies", new_object(ctx).into(), ctx)?;
    set(&obj, "request", request.into(), ctx)?;
    Ok(obj)
}

/// Host data: the prototype every response object of a context shares.
struct ResponsePrototype(JsObject);

fn prototype(ctx: &mut Context) -> JsObject {
    if let Some(p) = ctx.get_data::<ResponsePrototype>() {
        return p.0.clone();
    }
    let proto = boa_engine::object::ObjectInitializer::new(ctx)
        .function(
            boa_engine::NativeFunction::from_fn_ptr(json),
            js_string!("json"),
            1,
        )
        .function(
            boa_engine::NativeFunction::from_fn_ptr(html),
            js_string!("html"),
            1,
        )
        .build();
    ctx.insert_data(ResponsePrototype(proto.clone()));
    proto
}

fn body_text(this: &JsValue, ctx: &mut Context) -> JsResult<String> {
    let body = match this.as_object() {
        Some(o) => o.get(js_string!("body"), ctx)?,
        None => JsValue::undefined(),
    };
    if let Some(b) = crate::modules::bytes::to_bytes(&body, ctx)? {
        return Ok(String::from_utf8_lossy(&b).into_owned());
    }
    if body.is_null() || body.is_undefined() {
        return Err(JsNativeError::error()
            .with_message("cannot parse json due to an error at line 1, character 1 , error: the body is null so we can't transform it to JSON - this likely was because of a request error getting the response")
            .into());
    }
    Ok(body.to_string(ctx)?.to_std_string_escaped())
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

fn html(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Err(JsNativeError::error()
        .with_message("res.html() needs k6/html, which rk6 does not provide yet")
        .into())
}
