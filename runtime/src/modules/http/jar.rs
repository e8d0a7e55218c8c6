//! Cookie jars as JS sees them: `http.cookieJar()` (the VU's jar, emptied every iteration
//! unless `noCookiesReset`) and `new http.CookieJar()`, with `cookiesForURL`, `set`,
//! `clear` and `delete`.

use std::sync::{Arc, Mutex};

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsResult, JsValue, NativeFunction};
use cookie_store::CookieStore;
use url::Url;

use super::client::Jar;
use crate::modules::{get_string, key, new_object};
use crate::vu::state::vu_state;

/// Hidden property holding a jar object's index in the VU's jars.
pub const JAR_ID: &str = "__rk6_jar";

/// `http.cookieJar()`.
pub fn vu_jar(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    vu_state(ctx)?
        .borrow()
        .require_run_phase("Making cookie jars in the init context is not supported")?;
    jar_object(0, ctx)
}

/// `new http.CookieJar()`.
pub fn new_jar(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = vu_state(ctx)?;
    let id = {
        let mut st = state.borrow_mut();
        st.http.jars.push(Arc::new(Mutex::new(CookieStore::new())));
        st.http.jars.len() - 1
    };
    jar_object(id, ctx)
}

fn jar_object(id: usize, ctx: &mut Context) -> JsResult<JsValue> {
    let obj = ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(cookies_for_url),
            js_string!("cookiesForURL"),
            1,
        )
        .function(NativeFunction::from_fn_ptr(set), js_string!("set"), 4)
        .function(NativeFunction::from_fn_ptr(clear), js_string!("clear"), 1)
        .function(NativeFunction::from_fn_ptr(delete), js_string!("delete"), 2)
        .build();
    obj.define_property_or_throw(
        key(JAR_ID),
        boa_engine::property::PropertyDescriptor::builder()
            .value(id as u32)
            .writable(false)
            .enumerable(false)
            .configurable(false),
        ctx,
    )?;
    Ok(obj.into())
}

/// The jar behind a jar object (`params.jar` or `this` of a jar method).
pub fn jar_of(v: &JsValue, ctx: &mut Context) -> JsResult<Jar> {
    let id = match v.as_object() {
        Some(o) => o.get(key(JAR_ID), ctx)?,
        None => JsValue::undefined(),
    };
    if id.is_undefined() {
        return Err(JsNativeError::typ().with_message("not a cookie jar").into());
    }
    let id = id.to_u32(ctx)? as usize;
    let state = vu_state(ctx)?;
    let jar = state.borrow().http.jars.get(id).cloned();
    jar.ok_or_else(|| {
        JsNativeError::error()
            .with_message("unknown cookie jar")
            .into()
    })
}

fn url_arg(args: &[JsValue], ctx: &mut Context) -> JsResult<Url> {
    let url = crate::modules::arg_string(args, 0, ctx)?;
    Url::parse(&url).map_err(|e| {
        JsNativeError::typ()
            .with_message(format!("invalid URL {url}: {e}"))
            .into()
    })
}

fn cookies_for_url(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let jar = jar_of(this, ctx)?;
    let url = url_arg(args, ctx)?;
    let pairs: Vec<(String, String)> = match jar.lock() {
        Ok(j) => j
            .get_request_values(&url)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let obj = new_object(ctx);
    for (k, v) in pairs {
        let existing = obj.get(key(&k), ctx)?;
        let arr = match existing
            .as_object()
            .and_then(|o| JsArray::from_object(o.clone()).ok())
        {
            Some(a) => a,
            None => JsArray::new(ctx)?,
        };
        arr.push(key(&v), ctx)?;
        obj.set(key(&k), arr, false, ctx)?;
    }
    Ok(obj.into())
}

fn set(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let jar = jar_of(this, ctx)?;
    let url = url_arg(args, ctx)?;
    let name = crate::modules::arg_string(args, 1, ctx)?;
    let value = crate::modules::arg_string(args, 2, ctx)?;
    let mut c = cookie::Cookie::new(name, value);
    if let Some(opts) = args.get(3).and_then(JsValue::as_object) {
        if let Some(d) = get_string(&opts, "domain", ctx)? {
            c.set_domain(d);
        }
        if let Some(p) = get_string(&opts, "path", ctx)? {
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

/// Removes the cookies matching `url` (and `name`, when given).
fn remove(jar: &Jar, url: &Url, name: Option<&str>) {
    if let Ok(mut j) = jar.lock() {
        let found: Vec<(String, String, String)> = j
            .matches(url)
            .iter()
            .filter(|c| name.is_none_or(|n| c.name() == n))
            .map(|c| {
                // The store's own domain/path (host-only cookies have no Domain attribute).
                (
                    String::from(&c.domain),
                    String::from(&c.path),
                    c.name().to_string(),
                )
            })
            .collect();
        for (d, p, n) in found {
            j.remove(&d, &p, &n);
        }
    }
}

fn clear(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let jar = jar_of(this, ctx)?;
    let url = url_arg(args, ctx)?;
    remove(&jar, &url, None);
    Ok(JsValue::undefined())
}

fn delete(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let jar = jar_of(this, ctx)?;
    let url = url_arg(args, ctx)?;
    let name = crate::modules::arg_string(args, 1, ctx)?;
    remove(&jar, &url, Some(&name));
    Ok(JsValue::undefined())
}
