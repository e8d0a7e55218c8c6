//! `k6/http`: requests, batches, cookie jars, expected statuses and response helpers.
//!
//! Entirely native: a JS wrapper would be compiled again in every VU's context, and each
//! line of it costs memory in every VU. Requests run on the VU's own thread (its tokio
//! runtime drives the VU's connections) while the VU is suspended; metrics are emitted and
//! the response object is built when it resumes.

pub mod args;
pub mod debug;
pub mod fields;
pub mod instance;
pub mod jar;
pub mod json_path;
pub mod params;
pub mod response;

use std::sync::Arc;

use boa_engine::object::builtins::JsArray;
use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::Attribute;
use boa_engine::{
    js_string, Context, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction,
};

use crate::modules::lazy_exports::{self, Export};
use crate::vu::coro::await_op;
use crate::vu::instances::with_instance;
use crate::vu::state::{with_vu, VuState};
use instance::VuHttp;

/// `http.get(url, [params])` and the other verbs: `request` with the method filled in.
macro_rules! verbs {
    ($($name:ident $method:literal $has_body:literal),* $(,)?) => {
        $(fn $name(_: &JsValue, a: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
            verb(js_string!($method), $has_body, a, ctx)
        })*
    };
}

verbs!(get "GET" false, head "HEAD" false, post "POST" true, put "PUT" true,
    patch "PATCH" true, del "DELETE" true, options "OPTIONS" true);

fn cookie_jar_constructor(ctx: &mut Context) -> JsValue {
    FunctionObjectBuilder::new(ctx.realm(), NativeFunction::from_fn_ptr(jar::new_jar))
        .name(js_string!("CookieJar"))
        .constructor(true)
        .build()
        .into()
}

/// Everything `k6/http` exports, in k6's order and with its arities (checked against k6
/// v1.1), made per VU on first use (`lazy_exports.rs`).
static EXPORTS: [Export; 34] = [
    Export::constant("TLS_1_0", "tls1.0"),
    Export::constant("TLS_1_1", "tls1.1"),
    Export::constant("TLS_1_2", "tls1.2"),
    Export::constant("TLS_1_3", "tls1.3"),
    Export::constant("OCSP_STATUS_GOOD", "good"),
    Export::constant("OCSP_STATUS_REVOKED", "revoked"),
    Export::constant("OCSP_STATUS_SERVER_FAILED", "server_failed"),
    Export::constant("OCSP_STATUS_UNKNOWN", "unknown"),
    Export::constant("OCSP_REASON_UNSPECIFIED", "unspecified"),
    Export::constant("OCSP_REASON_KEY_COMPROMISE", "key_compromise"),
    Export::constant("OCSP_REASON_CA_COMPROMISE", "ca_compromise"),
    Export::constant("OCSP_REASON_AFFILIATION_CHANGED", "affiliation_changed"),
    Export::constant("OCSP_REASON_SUPERSEDED", "superseded"),
    Export::constant(
        "OCSP_REASON_CESSATION_OF_OPERATION",
        "cessation_of_operation",
    ),
    Export::constant("OCSP_REASON_CERTIFICATE_HOLD", "certificate_hold"),
    Export::constant("OCSP_REASON_REMOVE_FROM_CRL", "remove_from_crl"),
    Export::constant("OCSP_REASON_PRIVILEGE_WITHDRAWN", "privilege_withdrawn"),
    Export::constant("OCSP_REASON_AA_COMPROMISE", "aa_compromise"),
    Export::function("url", args::url_template, 2),
    Export::value("CookieJar", cookie_jar_constructor, Attribute::all()),
    Export::function("cookieJar", jar::vu_jar, 0),
    Export::function("file", args::file, 2),
    Export::function("get", get, 2),
    Export::function("head", head, 2),
    Export::function("post", post, 2),
    Export::function("put", put, 2),
    Export::function("patch", patch, 2),
    Export::function("del", del, 2),
    Export::function("options", options, 2),
    Export::function("request", request, 3),
    Export::function("asyncRequest", async_request, 3),
    Export::function("batch", batch, 1),
    Export::function("setResponseCallback", set_response_callback, 1),
    Export::function("expectedStatuses", expected_statuses, 1),
];

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(lazy_exports::object(&EXPORTS, context))
}

fn verb(method: JsString, has_body: bool, a: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let at = |i: usize| a.get(i).cloned().unwrap_or_default();
    let (body, params) = if has_body {
        (at(1), at(2))
    } else {
        (JsValue::null(), at(1))
    };
    request(
        &JsValue::undefined(),
        &[method.into(), at(0), body, params],
        ctx,
    )
}

/// What a request takes from its VU, read before any of the script's code (a URL's
/// `toString`, a getter in the params) runs for it.
fn request_defaults(ctx: &Context) -> JsResult<params::VuDefaults> {
    with_instance(ctx, |http: &mut VuHttp, st| {
        st.require_run_phase("Making http requests in the init context is not supported")?;
        Ok(params::VuDefaults {
            config: st.config.clone(),
            tags: st.tag_set(),
            expected: http.expected.clone(),
            vu_jar: http.vu_jar.clone(),
            client: http.client(&st.config.http),
        })
    })?
}

/// Logs and records a finished request's hops on its VU.
fn record_hops(
    ctx: &Context,
    hops: &[Box<crate::net::client::Hop>],
    meta: &params::RequestMeta,
) -> JsResult<()> {
    with_instance(ctx, |http: &mut VuHttp, st| {
        debug::log_hops(st, hops, debug_mode(st));
        response::emit_metrics(http, st, hops, meta);
    })
}

fn debug_mode(st: &VuState) -> crate::config::HttpDebug {
    st.config.http.debug
}

/// `http.request(method, url, [body], [params])`.
fn request(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (pending, meta, max_redirects) = start_request(args, ctx)?;
    // The request runs on the VU's own thread (its connections live there too): measured
    // 16 % more requests per CPU-second than handing it to the I/O runtime and back.
    let hops = await_op(ctx, "an HTTP request", pending)?;
    finish_request(hops, &meta, max_redirects, ctx)
}

/// A request's future, boxed, and what its response needs.
type Started = (
    std::pin::Pin<Box<dyn std::future::Future<Output = crate::net::client::Hops>>>,
    params::RequestMeta,
    u32,
);

/// Reads the arguments and starts the exchange. Not inlined, like [`finish_request`]: the
/// VU's coroutine stack then holds only `request`'s small frame while it waits.
#[inline(never)]
fn start_request(args: &[JsValue], ctx: &mut Context) -> JsResult<Started> {
    let defaults = request_defaults(ctx)?;
    let (spec, meta) = params::build(args, &defaults, ctx)?;
    let max_redirects = spec.max_redirects;
    let client = defaults.client.clone();
    let pending = Box::pin(crate::net::client::execute(client, spec));
    Ok((pending, meta, max_redirects))
}

#[inline(never)]
fn finish_request(
    hops: crate::net::client::Hops,
    meta: &params::RequestMeta,
    max_redirects: u32,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    record_hops(ctx, &hops, meta)?;
    response::report_failure(&hops, meta, max_redirects, ctx)?;
    Ok(response::to_js(hops, meta, ctx)?.into())
}

/// `http.asyncRequest(...)`: returns a pending Promise at once; the request runs on the
/// VU thread's runtime and the VU's event loop settles the promise when the response is in, so
/// several requests awaited together (`Promise.all`) run concurrently, as in k6.
fn async_request(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    use boa_engine::object::builtins::JsPromise;

    let defaults = request_defaults(ctx)?;
    let built = params::build(args, &defaults, ctx);
    let (spec, meta) = match built {
        Ok(v) => v,
        Err(e) => {
            let reason = e.into_opaque(ctx)?;
            return Ok(JsPromise::reject(boa_engine::JsError::from_opaque(reason), ctx)?.into());
        }
    };
    let max_redirects = spec.max_redirects;
    let client = defaults.client.clone();
    let (events, id) = with_vu(ctx, |st| (st.event_loop.sender(), st.event_loop.next_id()))?;
    let (promise, resolvers) = JsPromise::new_pending(ctx);
    // On the VU thread's runtime, like every request of the VU.
    tokio::spawn(async move {
        let hops = crate::net::client::execute(client, spec).await;
        let _ = events.send(crate::vu::event_loop::Completion {
            id,
            payload: Box::new(hops),
        });
    });
    let mut pending = Some((meta, resolvers));
    let listener: crate::vu::event_loop::Listener = Box::new(move |ctx, payload| {
        let Some((meta, resolvers)) = pending.take() else {
            return Ok(true);
        };
        let Ok(hops) = payload.downcast::<crate::net::client::Hops>() else {
            return Ok(true);
        };
        record_hops(ctx, &hops, &meta)?;
        match response::report_failure(&hops, &meta, max_redirects, ctx) {
            Err(e) => {
                let reason = e.into_opaque(ctx)?;
                resolvers
                    .reject
                    .call(&JsValue::undefined(), &[reason], ctx)?;
            }
            Ok(()) => {
                let res = response::to_js(*hops, &meta, ctx)?;
                resolvers
                    .resolve
                    .call(&JsValue::undefined(), &[res.into()], ctx)?;
            }
        }
        Ok(true)
    });
    with_vu(ctx, |st| st.event_loop.listen(id, listener))?;
    Ok(promise.into())
}

/// `http.batch(requests)`: array or object of requests, run concurrently (option `batch`).
fn batch(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let defaults = request_defaults(ctx)?;
    let Some(list) = args.first().and_then(JsValue::as_object) else {
        return Err(JsNativeError::typ()
            .with_message("batch() expects an array or an object")
            .into());
    };
    let mut keys: Vec<boa_engine::property::PropertyKey> = Vec::new();
    let items: Vec<JsValue> = if list.is_array() {
        let n = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
        (0..n).map(|i| list.get(i, ctx)).collect::<JsResult<_>>()?
    } else {
        keys = list
            .own_property_keys(ctx)?
            .into_iter()
            .filter(|k| matches!(k, boa_engine::property::PropertyKey::String(_)))
            .collect();
        keys.iter()
            .map(|k| list.get(k.clone(), ctx))
            .collect::<JsResult<_>>()?
    };
    let mut prepared = Vec::new();
    for item in &items {
        let a = args::batch_item(item, ctx)?;
        prepared.push(params::build(&a, &defaults, ctx)?);
    }
    let client = defaults.client.clone();
    let (limit, per_host) = (
        defaults.config.http.batch,
        defaults.config.http.batch_per_host,
    );
    let (specs, metas): (Vec<_>, Vec<_>) = prepared.into_iter().unzip();
    let max_redirects: Vec<u32> = specs.iter().map(|s| s.max_redirects).collect();
    let results = await_op(
        ctx,
        "http.batch()",
        run_batch(client, specs, limit, per_host),
    )?;
    let mut responses = Vec::new();
    for ((meta, max), hops) in metas.iter().zip(max_redirects).zip(results) {
        record_hops(ctx, &hops, meta)?;
        response::report_failure(&hops, meta, max, ctx)?;
        responses.push(response::to_js(hops, meta, ctx)?);
    }
    if list.is_array() {
        let arr = JsArray::new(ctx)?;
        for r in responses {
            arr.push(r, ctx)?;
        }
        return Ok(arr.into());
    }
    let out = crate::modules::new_object(ctx);
    for (k, r) in keys.into_iter().zip(responses) {
        out.set(k, r, false, ctx)?;
    }
    Ok(out.into())
}

/// Runs a batch concurrently: at most `limit` requests in flight (option `batch`) and at
/// most `per_host` to one host:port (`batchPerHost`); zero means unlimited.
async fn run_batch(
    client: crate::net::client::HttpClient,
    specs: Vec<crate::net::client::RequestSpec>,
    limit: usize,
    per_host: usize,
) -> Vec<crate::net::client::Hops> {
    use std::collections::HashMap;
    use tokio::sync::Semaphore;
    let permits = |n: usize| {
        // Past tokio's limit a semaphore panics; such a limit is no limit anyway.
        Arc::new(Semaphore::new(if n == 0 {
            Semaphore::MAX_PERMITS
        } else {
            n.min(Semaphore::MAX_PERMITS)
        }))
    };
    let all = permits(limit);
    let mut hosts: HashMap<(String, u16), Arc<Semaphore>> = HashMap::new();
    let tasks: Vec<_> = specs
        .into_iter()
        .map(|spec| {
            let host_key = (
                spec.url.host_str().unwrap_or("").to_string(),
                spec.url.port_or_known_default().unwrap_or(0),
            );
            let host = hosts
                .entry(host_key)
                .or_insert_with(|| permits(per_host))
                .clone();
            let (client, all) = (client.clone(), all.clone());
            tokio::spawn(async move {
                let _host = host.acquire_owned().await;
                let _all = all.acquire_owned().await;
                crate::net::client::execute(client, spec).await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap_or_default());
    }
    out
}

/// `http.expectedStatuses(200, {min: 300, max: 399}, ...)`.
fn expected_statuses(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let ranges = JsArray::new(ctx)?;
    for (i, a) in args.iter().enumerate() {
        let int = |v: &JsValue| v.as_number().filter(|n| n.fract() == 0.0);
        let pair = if let Some(n) = int(a) {
            Some((n, n))
        } else if let Some(o) = a.as_object() {
            let (min, max) = (
                o.get(js_string!("min"), ctx)?,
                o.get(js_string!("max"), ctx)?,
            );
            int(&min).zip(int(&max))
        } else {
            None
        };
        let Some((lo, hi)) = pair else {
            return Err(JsNativeError::typ()
                .with_message(format!("argument number {} to expectedStatuses was neither an integer nor an object like {{min:100, max:329}}", i + 1))
                .into());
        };
        let p = JsArray::from_iter([JsValue::from(lo), JsValue::from(hi)], ctx);
        ranges.push(p, ctx)?;
    }
    let obj = crate::modules::new_object(ctx);
    obj.set(js_string!("__rk6_expected"), ranges, false, ctx)?;
    Ok(obj.into())
}

fn set_response_callback(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let expected = params::expected_from(&args.first().cloned().unwrap_or_default(), ctx)?;
    with_instance(ctx, |http: &mut VuHttp, _| http.expected = expected)?;
    Ok(JsValue::undefined())
}
