//! Cookie jars as JS sees them: `http.cookieJar()` (the VU's jar, emptied every iteration
//! unless `noCookiesReset`) and `new http.CookieJar()`, with `cookiesForURL`, `set`,
//! `clear` and `delete`.

use std::sync::{Arc, Mutex};

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsResult, JsValue, NativeFunction, Trace,
};
use cookie_store::CookieStore;
use url::Url;

use super::instance::VuHttp;
use crate::modules::{get_string, key, new_object};
use crate::net::client::Jar;
use crate::vu::instances::with_instance;
use crate::vu::state::require_run_phase;

/// What a jar object stands for; attached to the object as native data, so a jar made
/// with `new http.CookieJar()` lives exactly as long as the script holds it.
// SAFETY (unsafe_empty_trace): the variants hold no GC pointers.
#[derive(Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
enum JarRef {
    /// `http.cookieJar()`: whatever jar the VU has this iteration.
    Vu,
    /// A jar of the script's own.
    Own(Jar),
}

/// `http.cookieJar()`.
pub fn vu_jar(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_run_phase(
        ctx,
        "Making cookie jars in the init context is not supported",
    )?;
    jar_object(JarRef::Vu, ctx)
}

/// `new http.CookieJar()`.
pub fn new_jar(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    jar_object(JarRef::Own(Arc::new(Mutex::new(CookieStore::new()))), ctx)
}

fn jar_object(jar: JarRef, ctx: &mut Context) -> JsResult<JsValue> {
    let obj = ObjectInitializer::with_native_data(jar, ctx)
        .function(
            NativeFunction::from_fn_ptr(cookies_for_url),
            js_string!("cookiesForURL"),
            1,
        )
        .function(NativeFunction::from_fn_ptr(set), js_string!("set"), 4)
        .function(NativeFunction::from_fn_ptr(clear), js_string!("clear"), 1)
        .function(NativeFunction::from_fn_ptr(delete), js_string!("delete"), 2)
        .build();
    Ok(obj.into())
}

/// The jar behind a jar object (`params.jar`); `None` when `v` is not one. `vu_jar` is
/// what `http.cookieJar()` stands for this iteration.
pub fn resolve(v: &JsValue, vu_jar: &Jar) -> Option<Jar> {
    let obj = v.as_object()?;
    let jar = obj.downcast_ref::<JarRef>()?;
    Some(match &*jar {
        JarRef::Vu => vu_jar.clone(),
        JarRef::Own(j) => j.clone(),
    })
}

/// The jar behind `this` of a jar method; anything else is a TypeError.
fn jar_of(v: &JsValue, ctx: &mut Context) -> JsResult<Jar> {
    let vu_jar = with_instance(ctx, |http: &mut VuHttp, _| http.vu_jar.clone())?;
    resolve(v, &vu_jar).ok_or_else(|| JsNativeError::typ().with_message("not a cookie jar").into())
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
        // k6 takes `expires` as an HTTP date and `max_age` in seconds; the cookie crate
        // parses both from their Set-Cookie attribute form.
        if let Some(expires) = get_string(&opts, "expires", ctx)? {
            let attr = cookie::Cookie::parse(format!("x=y; Expires={expires}")).map_err(|e| {
                JsNativeError::typ()
                    .with_message(format!("unable to parse \"expires\" date {expires:?}: {e}"))
            })?;
            match attr.expires() {
                Some(at) => c.set_expires(at),
                None => {
                    return Err(JsNativeError::typ()
                        .with_message(format!("unable to parse \"expires\" date {expires:?}"))
                        .into())
                }
            }
        }
        let max_age = opts.get(js_string!("max_age"), ctx)?;
        if !max_age.is_undefined() && !max_age.is_null() {
            let secs = max_age.to_number(ctx)?;
            if secs.is_finite() {
                c.set_max_age(cookie::time::Duration::seconds(secs as i64));
            }
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
