//! `k6/http`: requests, batches, cookie jars, expected statuses and response helpers.
//!
//! The JS half (`js-modules/k6/http.js`) normalises arguments; this half builds the request,
//! suspends the VU while the request runs on the I/O runtime, emits the metrics and builds
//! the response object.

pub mod client;
pub mod json_path;
pub mod params;
pub mod response;

use std::sync::{Arc, Mutex};

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};
use cookie_store::CookieStore;
use url::Url;

use crate::vu::coro::await_op;
use crate::vu::state::{vu_state, Phase};

const JS: &str = include_str!("../../../../js-modules/k6/http.js");

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    let natives: [(&str, boa_engine::native_function::NativeFunctionPointer, usize); 11] = [
        ("request", request, 4),
        ("batch", batch, 1),
        ("parseBody", parse_body, 1),
        ("jsonSelect", json_select, 2),
        ("setResponseCallback", set_response_callback, 1),
        ("requireVu", require_vu, 1),
        ("newJar", new_jar, 0),
        ("jarCookies", jar_cookies, 2),
        ("jarSet", jar_set, 5),
        ("jarClear", jar_clear, 2),
        ("jarDelete", jar_delete, 3),
    ];
    let mut init = ObjectInitializer::new(context);
    for (name, f, len) in natives {
        init.function(NativeFunction::from_fn_ptr(f), crate::modules::key(name), len);
    }
    let native = init.build();
    crate::modules::eval_js_part("k6/http.js", JS, native, context)
}

fn not_in_init(ctx: &Context) -> JsResult<std::rc::Rc<std::cell::RefCell<crate::vu::state::VuState>>> {
    let state = vu_state(ctx)?;
    if state.borrow().phase == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("making HTTP requests in the init context is not supported")
            .into());
    }
    Ok(state)
}

fn request(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = not_in_init(ctx)?;
    let (spec, meta) = {
        let st = state.borrow();
        params::build(args, &st, ctx)?
    };
    let max_redirects = spec.max_redirects;
    let (client, io) = {
        let mut st = state.borrow_mut();
        (st.http.client(), st.config.io.clone())
    };
    let handle = io.spawn(client::execute(client, spec));
    let hops = await_op(ctx, async move { handle.await.unwrap_or_default() })?;
    response::emit_metrics(&mut state.borrow_mut(), &hops, &meta);
    response::report_failure(&hops, &meta, max_redirects)?;
    Ok(response::to_js(&hops, &meta, ctx)?.into())
}

/// Runs prepared `[method, url, body, params]` requests concurrently (bounded by `batch`).
fn batch(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = not_in_init(ctx)?;
    let Some(list) = args.first().and_then(JsValue::as_object) else {
        return Err(JsNativeError::typ().with_message("batch() expects an array").into());
    };
    let len = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    let mut prepared = Vec::new();
    for i in 0..len {
        let item = list.get(i, ctx)?;
        let Some(item) = item.as_object() else { continue };
        let mut a = Vec::new();
        for j in 0..4 {
            a.push(item.get(j, ctx)?);
        }
        let st = state.borrow();
        prepared.push(params::build(&a, &st, ctx)?);
    }
    let (client, io, limit) = {
        let mut st = state.borrow_mut();
        (st.http.client(), st.config.io.clone(), st.config.http.batch.max(1))
    };
    let specs: Vec<_> = prepared.iter().map(|(s, _)| s.clone()).collect();
    let handle = io.spawn(async move {
        let sem = Arc::new(tokio::sync::Semaphore::new(limit));
        let tasks: Vec<_> = specs
            .into_iter()
            .map(|spec| {
                let client = client.clone();
                let sem = sem.clone();
                tokio::spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    client::execute(client, spec).await
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap_or_default());
        }
        out
    });
    let results = await_op(ctx, async move { handle.await.unwrap_or_default() })?;
    let arr = JsArray::new(ctx)?;
    for ((spec, meta), hops) in prepared.iter().zip(results.iter()) {
        response::emit_metrics(&mut state.borrow_mut(), hops, meta);
        response::report_failure(hops, meta, spec.max_redirects)?;
        arr.push(response::to_js(hops, meta, ctx)?, ctx)?;
    }
    Ok(arr.into())
}

fn body_text(v: &JsValue, ctx: &mut Context) -> JsResult<String> {
    if let Some(b) = crate::modules::bytes::to_bytes(v, ctx)? {
        return Ok(String::from_utf8_lossy(&b).into_owned());
    }
    if v.is_null() || v.is_undefined() {
        return Err(JsNativeError::error()
            .with_message("cannot parse json due to an error at line 1, character 1 , error: the body is null so we can't transform it to JSON - this likely was because of a request error getting the response")
            .into());
    }
    Ok(v.to_string(ctx)?.to_std_string_escaped())
}

fn parse_body(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = body_text(&args.first().cloned().unwrap_or_default(), ctx)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        JsNativeError::syntax().with_message(format!(
            "cannot parse json due to an error at line {}, character {} , error: {e}",
            e.line(),
            e.column()
        ))
    })?;
    JsValue::from_json(&v, ctx)
}

fn json_select(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = body_text(&args.first().cloned().unwrap_or_default(), ctx)?;
    let path = args.get(1).cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(JsValue::undefined());
    };
    match json_path::select(&v, &path) {
        Some(found) => JsValue::from_json(found.as_ref(), ctx),
        None => Ok(JsValue::undefined()),
    }
}

fn set_response_callback(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let expected = params::expected_from(&args.first().cloned().unwrap_or_default(), ctx)?;
    vu_state(ctx)?.borrow_mut().http.expected = expected;
    Ok(JsValue::undefined())
}

fn require_vu(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let msg = args.first().cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    vu_state(ctx)?.borrow().require_run_phase(&msg)?;
    Ok(JsValue::undefined())
}

fn new_jar(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = vu_state(ctx)?;
    let mut st = state.borrow_mut();
    st.http.jars.push(Arc::new(Mutex::new(CookieStore::new())));
    Ok(JsValue::from((st.http.jars.len() - 1) as u32))
}

fn jar_and_url(args: &[JsValue], ctx: &mut Context) -> JsResult<(client::Jar, Url)> {
    let id = args.first().cloned().unwrap_or_default().to_u32(ctx)? as usize;
    let url = args.get(1).cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    let url = Url::parse(&url).map_err(|e| JsNativeError::typ().with_message(format!("invalid URL {url}: {e}")))?;
    let state = vu_state(ctx)?;
    let jar = state.borrow().http.jars.get(id).cloned();
    let jar = jar.ok_or_else(|| JsNativeError::error().with_message("unknown cookie jar"))?;
    Ok((jar, url))
}

fn jar_cookies(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (jar, url) = jar_and_url(args, ctx)?;
    let pairs: Vec<(String, String)> = match jar.lock() {
        Ok(j) => j.get_request_values(&url).map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        Err(_) => Vec::new(),
    };
    let obj = crate::modules::new_object(ctx);
    for (k, v) in pairs {
        let existing = obj.get(crate::modules::key(&k), ctx)?;
        let arr = match existing.as_object().and_then(|o| JsArray::from_object(o.clone()).ok()) {
            Some(a) => a,
            None => JsArray::new(ctx)?,
        };
        arr.push(crate::modules::key(&v), ctx)?;
        obj.set(crate::modules::key(&k), arr, false, ctx)?;
    }
    Ok(obj.into())
}

fn jar_set(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (jar, url) = jar_and_url(args, ctx)?;
    let name = args.get(2).cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    let value = args.get(3).cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    let mut c = cookie::Cookie::new(name, value);
    if let Some(opts) = args.get(4).and_then(JsValue::as_object) {
        if let Some(d) = crate::modules::get_string(&opts, "domain", ctx)? {
            c.set_domain(d);
        }
        if let Some(p) = crate::modules::get_string(&opts, "path", ctx)? {
            c.set_path(p);
        }
        if opts.get(js_string!("secure"), ctx)?.to_boolean() {
            c.set_secure(true);
        }
        if opts.get(js_string!("http_only"), ctx)?.to_boolean() {
            c.set_http_only(true);
        }
    }
    if c.path().is_none() {
        c.set_path("/");
    }
    if let Ok(mut j) = jar.lock() {
        let _ = j.insert_raw(&c, &url);
    }
    Ok(true.into())
}

fn jar_clear(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (jar, url) = jar_and_url(args, ctx)?;
    if let Ok(mut j) = jar.lock() {
        let names: Vec<(String, String, String)> = j
            .matches(&url)
            .iter()
            .map(|c| (c.domain().unwrap_or("").to_string(), c.path().unwrap_or("/").to_string(), c.name().to_string()))
            .collect();
        for (d, p, n) in names {
            j.remove(&d, &p, &n);
        }
    }
    Ok(JsValue::undefined())
}

fn jar_delete(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (jar, url) = jar_and_url(args, ctx)?;
    let name = args.get(2).cloned().unwrap_or_default().to_string(ctx)?.to_std_string_escaped();
    if let Ok(mut j) = jar.lock() {
        let found: Vec<(String, String)> = j
            .matches(&url)
            .iter()
            .filter(|c| c.name() == name)
            .map(|c| (c.domain().unwrap_or("").to_string(), c.path().unwrap_or("/").to_string()))
            .collect();
        for (d, p) in found {
            j.remove(&d, &p, &name);
        }
    }
    Ok(JsValue::undefined())
}
