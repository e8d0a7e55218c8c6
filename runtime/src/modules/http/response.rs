//! After a request ran: one set of `http_req_*` samples per hop, the "Request Failed"
//! warning, and the JS response object with k6's fields in k6's order.

use crate::convert::go_json::{self, GoJsonError, Input, Reader};
use crate::convert::json_lazy;
use crate::convert::json_text::JsonTextError;
use crate::modules::StdText;
use boa_engine::property::PropertyKey;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsString, JsValue};

use super::fields::{ResponseData, FIELDS};
use super::instance::VuHttp;
use super::params::RequestMeta;
use crate::log::Logger;
use crate::metrics::builtin;
use crate::modules::{new_object, static_key};
use crate::net::client::{masked_url, Hop, Hops};
use crate::vu::state::VuState;

/// Emits the samples of every hop.
pub fn emit_metrics(http: &mut VuHttp, st: &mut VuState, hops: &[Box<Hop>], meta: &RequestMeta) {
    if meta.not_sent {
        return;
    }
    for (i, hop) in hops.iter().enumerate() {
        // k6: the first response of a digest request is expected exactly when it is the
        // 401 challenge.
        let expected = meta.expected.as_ref().map(|e| match (meta.digest, i) {
            (true, 0) => hop.error.is_none() && hop.status == 401,
            _ => hop.error.is_none() && e.matches(hop.status),
        });
        let key = HopTagKey {
            base: &meta.tags,
            method: hop.method.as_str(),
            url: &hop.url,
            bare_path: hop.bare_path,
            status: hop.status,
            proto: hop.proto,
            tls_version: hop.tls_version,
            expected,
            error: hop.error.as_ref().map(|e| (e.code, e.tag.as_str())),
        };
        // A VU repeating the same request gets the same tags: reuse the last set without
        // building it again (a map of ~10 strings per request otherwise).
        let tags = match &http.last_hop_tags {
            Some((last, tags)) if last.matches(&key) => tags.clone(),
            _ => {
                let tags = st.intern_tags(hop_tags(&key, &st.config.system_tags));
                http.last_hop_tags = Some((OwnedHopTagKey::from(&key), tags.clone()));
                tags
            }
        };
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
        let sizes = &st.config.response_sizes;
        // A discarded body was never kept: its size is unknown, not 0.
        let kept = meta.response_type != crate::net::client::ResponseType::None;
        if sizes.enabled() && kept {
            let name = tags.get("name").or_else(|| tags.get("url"));
            sizes.add(
                hop.method.as_str(),
                name.map_or("", String::as_str),
                hop.body.len() as u64,
            );
        }
    }
}

/// Logs or throws for a failed final hop, as k6 does; warns when redirects ran out.
pub fn report_failure(
    hops: &[Box<Hop>],
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
        let first = hops
            .first()
            .map(|h| crate::net::client::url_text(&h.url, h.bare_path).into_owned())
            .unwrap_or_default();
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

/// The response object of the final hop.
///
/// As in k6, every field (and the `html`/`json` methods) is an own, enumerable, writable,
/// non-configurable property of the response, and its prototype is `Object.prototype`. The
/// properties are created on first observation (Boa's `defer_own_properties`, an rk6 patch):
/// a response whose fields are never read costs one object, one read costs one property, and
/// listing its keys (`Object.keys`, spread, `JSON.stringify`) creates the rest in k6's order
/// (after any read before, which k6's fixed order does not show).
pub fn to_js(mut hops: Hops, meta: &RequestMeta, ctx: &mut Context) -> JsResult<JsObject> {
    let Some(hop) = hops.pop() else {
        return Ok(new_object(ctx));
    };
    let data = ResponseData::new(hop, meta);
    boa_gc::add_external_bytes(data.heap_bytes());
    // A shared shape: `JsObject::from_proto_and_data` builds a unique shape per object,
    // which cost ~5 % of the CPU of an `http.get` loop.
    let proto = ctx.intrinsics().constructors().object().prototype();
    let obj =
        boa_engine::object::ObjectInitializer::with_native_data_and_proto(data, proto, ctx).build();
    obj.defer_own_properties::<ResponseFields>();
    Ok(obj)
}

/// The response's own properties in k6's order: the fields, then the methods.
const METHODS: [&str; 2] = ["html", "json"];
const KEY_COUNT: usize = FIELDS.len() + METHODS.len();
// `ResponseData::mark_created` keeps one bit per property in a `u64`.
const _: () = assert!(KEY_COUNT <= 64);

fn key_name(i: usize) -> &'static str {
    match i.checked_sub(FIELDS.len()) {
        None => FIELDS[i].0,
        Some(m) => METHODS[m],
    }
}

/// Host data: what every response of a context shares — its property keys (compared on each
/// lookup) and its method functions.
struct ResponseShared {
    keys: Vec<JsString>,
    html: JsObject,
    json: JsObject,
}

fn shared(ctx: &mut Context) -> &ResponseShared {
    if ctx.get_data::<ResponseShared>().is_none() {
        type Method = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;
        let function = |f: Method, ctx: &mut Context| -> JsObject {
            boa_engine::NativeFunction::from_fn_ptr(f)
                .to_js_function(ctx.realm())
                .into()
        };
        let shared = ResponseShared {
            keys: (0..KEY_COUNT).map(|i| static_key(key_name(i))).collect(),
            html: function(html, ctx),
            json: function(json, ctx),
        };
        ctx.insert_data(shared);
    }
    match ctx.get_data::<ResponseShared>() {
        Some(s) => s,
        None => unreachable!("inserted above"),
    }
}

/// Creates a response's properties when they are first observed.
struct ResponseFields;

impl boa_engine::object::LazyOwnProperties for ResponseFields {
    fn materialise(obj: &JsObject, key: &PropertyKey, ctx: &mut Context) -> JsResult<()> {
        let PropertyKey::String(name) = key else {
            return Ok(());
        };
        match shared(ctx).keys.iter().position(|k| k == name) {
            Some(i) => create(obj, i, ctx),
            None => Ok(()),
        }
    }

    fn materialise_all(obj: &JsObject, ctx: &mut Context) -> JsResult<()> {
        (0..KEY_COUNT).try_for_each(|i| create(obj, i, ctx))
    }
}

/// Creates property `i` of a response unless it exists already.
fn create(obj: &JsObject, i: usize, ctx: &mut Context) -> JsResult<()> {
    let (value, last) = {
        let Some(data) = obj.downcast_ref::<ResponseData>() else {
            return Ok(());
        };
        let Some(last) = data.mark_created(i, KEY_COUNT) else {
            return Ok(());
        };
        match i.checked_sub(FIELDS.len()) {
            None => ((FIELDS[i].1)(&data, ctx)?, last),
            Some(m) => {
                let s = shared(ctx);
                let method = if m == 0 { &s.html } else { &s.json };
                (method.clone().into(), last)
            }
        }
    };
    let name = shared(ctx).keys[i].clone();
    crate::modules::define_created(obj, name, value, false, last, ctx)
}

/// What a hop's tags are made of.
struct HopTagKey<'a> {
    base: &'a crate::metrics::TagSet,
    method: &'a str,
    url: &'a url::Url,
    bare_path: bool,
    status: u16,
    proto: &'static str,
    tls_version: &'static str,
    expected: Option<bool>,
    error: Option<(u32, &'a str)>,
}

/// `HopTagKey` kept for the next request's comparison.
#[derive(Debug)]
pub struct OwnedHopTagKey {
    base: crate::metrics::TagSet,
    method: String,
    url: url::Url,
    bare_path: bool,
    status: u16,
    proto: &'static str,
    tls_version: &'static str,
    expected: Option<bool>,
    error: Option<(u32, String)>,
}

impl OwnedHopTagKey {
    fn from(k: &HopTagKey) -> Self {
        OwnedHopTagKey {
            base: k.base.clone(),
            method: k.method.to_string(),
            url: k.url.clone(),
            bare_path: k.bare_path,
            status: k.status,
            proto: k.proto,
            tls_version: k.tls_version,
            expected: k.expected,
            error: k.error.map(|(c, t)| (c, t.to_string())),
        }
    }

    fn matches(&self, k: &HopTagKey) -> bool {
        self.status == k.status
            && self.expected == k.expected
            && self.proto == k.proto
            && self.tls_version == k.tls_version
            && self.method == k.method
            && self.url == *k.url
            && self.bare_path == k.bare_path
            && self.error.as_ref().map(|(c, t)| (*c, t.as_str())) == k.error
            // Usually the VU's shared tag set itself: no map comparison.
            && (std::sync::Arc::ptr_eq(&self.base, k.base) || self.base == *k.base)
    }
}

/// The tags of one hop: the request's tags plus the enabled system tags.
fn hop_tags(
    k: &HopTagKey,
    sys: &crate::config::SystemTags,
) -> std::collections::BTreeMap<String, String> {
    let mut tags = (**k.base).clone();
    let user_name = k.base.get("name").cloned();
    let url_tag = masked_url(k.url, k.bare_path);
    let name = user_name.clone().unwrap_or_else(|| url_tag.clone());
    let mut put = |key: &str, v: String| {
        if sys.has(key) {
            tags.insert(key.to_string(), v);
        } else {
            tags.remove(key);
        }
    };
    put("method", k.method.to_string());
    put(
        "url",
        if user_name.is_some() {
            name.clone()
        } else {
            url_tag
        },
    );
    put("name", name);
    put("status", k.status.to_string());
    if !k.proto.is_empty() {
        put("proto", k.proto.to_string());
    }
    if !k.tls_version.is_empty() {
        put("tls_version", k.tls_version.to_string());
    }
    if let Some(ok) = k.expected {
        put("expected_response", ok.to_string());
    }
    if let Some((code, tag)) = k.error {
        put("error", tag.to_string());
        put("error_code", code.to_string());
    } else if k.status >= 400 {
        put(
            "error_code",
            crate::net::codes::for_status(k.status).to_string(),
        );
    }
    tags
}

/// What k6 throws from `res.json()` when there is no body.
const NULL_BODY: &str = "the body is null so we can't transform it to JSON - this likely was because of a request error getting the response";

/// The body's bytes, as `res.json()` reads them (the response's own, shared, while the
/// script has not replaced `res.body`).
fn body_bytes(this: &JsValue, ctx: &mut Context) -> JsResult<bytes::Bytes> {
    let obj = this.as_object();
    if let Some(data) = obj.as_ref().and_then(|o| o.downcast_ref::<ResponseData>()) {
        if let Some(raw) = data.untouched_body() {
            return Ok(raw.clone());
        }
    }
    let body = match obj {
        Some(o) => o.get(js_string!("body"), ctx)?,
        None => JsValue::undefined(),
    };
    if body.is_null() || body.is_undefined() {
        return Err(crate::modules::go_error(NULL_BODY, ctx));
    }
    if let Some(s) = body.as_string() {
        return Ok(s.text_lossy().into_bytes().into());
    }
    Ok(crate::convert::bytes::bytes_or_string(&body, ctx)?.into())
}

/// `res.json([selector])`, as k6 v1.1's: the body parsed natively with Go's rules and
/// error texts (`GoError`s), cached per response; a selector reads the body itself.
fn json(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    // k6's selector is a Go `...string`: any argument, `undefined` too, is a path.
    if let Some(selector) = args.first() {
        let body = body_bytes(this, ctx)?;
        let path = selector.to_string(ctx)?.text_lossy();
        return select(this, &body, &path, ctx);
    }
    if let Some(cached) = cached_json(this) {
        return Ok(cached);
    }
    let body = body_bytes(this, ctx)?;
    let value = match go_json::parse(Input::Body(&body), Reader::ResJson, ctx) {
        Ok(value) => value,
        Err(GoJsonError::Refused(msg)) => return Err(crate::modules::go_error(&msg, ctx)),
        Err(GoJsonError::Engine(e)) => return Err(e),
    };
    if let Some(obj) = this.as_object() {
        if let Some(data) = obj.downcast_ref::<ResponseData>() {
            *data.json.borrow_mut() = Some(value.clone());
            data.json_valid.set(true);
        }
    }
    Ok(value)
}

/// What `path` selects in the body: undefined when the body is not JSON or when nothing
/// matches, never an error.
fn select(this: &JsValue, body: &[u8], path: &str, ctx: &mut Context) -> JsResult<JsValue> {
    let data = this.as_object();
    let data = data.as_ref().and_then(|o| o.downcast_ref::<ResponseData>());
    let known_valid = data.as_ref().is_some_and(|d| d.json_valid.get());
    if !known_valid {
        if !go_json::valid(body) {
            return Ok(JsValue::undefined());
        }
        if let Some(d) = &data {
            d.json_valid.set(true);
        }
    }
    drop(data);
    let text = String::from_utf8_lossy(body);
    let Some(found) = super::json_path::select(&text, path) else {
        return Ok(JsValue::undefined());
    };
    match json_lazy::parse(&found, ctx) {
        Ok(value) => Ok(value),
        Err(JsonTextError::Engine(e)) => Err(e),
        // gjson's own output is JSON; a number out of range is all that can fail here.
        Err(_) => Ok(JsValue::undefined()),
    }
}

fn cached_json(this: &JsValue) -> Option<JsValue> {
    let obj = this.as_object()?;
    let data = obj.downcast_ref::<ResponseData>()?;
    let v = data.json.borrow().clone();
    v
}

/// `res.html([selector])`: the body parsed by `k6/html`, optionally narrowed by `find`.
fn html(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let Some(obj) = this.as_object() else {
        return Err(JsNativeError::typ().with_message("not a response").into());
    };
    let body = obj.get(js_string!("body"), ctx)?;
    let text = if body.is_string() {
        body.to_string(ctx)?.text()
    } else {
        String::from_utf8_lossy(&crate::convert::bytes::bytes_or_string(&body, ctx)?).into_owned()
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
