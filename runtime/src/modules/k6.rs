//! `k6`: `check`, `group`, `sleep`, `fail`, `randomSeed`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};
use rand::{Rng, SeedableRng};

use super::lazy_exports::Export;
use crate::metrics::builtin;
use crate::vu::coro::{await_long, await_op};
use crate::vu::state::with_vu;

/// `k6`'s exports, in k6's order and with its arities (checked against k6 v1.1).
static EXPORTS: [Export; 5] = [
    Export::function("check", check, 3),
    Export::function("fail", fail, 1),
    Export::function("group", group, 2),
    Export::function("randomSeed", random_seed, 1),
    Export::function("sleep", sleep, 1),
];

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(super::lazy_exports::object(&EXPORTS, context))
}

/// `check(val, sets, [tags])`: one `checks` sample per entry, in object order.
fn check(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    with_vu(ctx, |st| {
        st.require_run_phase("Using check() in the init context is not supported")
    })??;
    let value = args.first().cloned().unwrap_or_default();
    let Some(sets) = args.get(1).and_then(JsValue::as_object) else {
        return Ok(true.into());
    };
    let extra = args.get(2).filter(|v| v.is_object());
    let base = match extra {
        Some(extra) => {
            let mut base = with_vu(ctx, |st| st.tags())?;
            super::merge_tags(&mut base, extra, ctx)?;
            Some(base)
        }
        None => None,
    };
    let with_check = with_vu(ctx, |st| st.config.system_tags.has("check"))?;
    let mut all_ok = true;
    for key in sets.own_property_keys(ctx)? {
        let boa_engine::property::PropertyKey::String(name) = &key else {
            continue;
        };
        let name = name.to_std_string_escaped();
        if name.contains("::") {
            return Err(JsNativeError::error()
                .with_message("group and check names may not contain '::'")
                .into());
        }
        let entry = sets.get(key.clone(), ctx)?;
        let (ok, thrown) = match entry.as_callable() {
            Some(f) => match f.call(&JsValue::undefined(), std::slice::from_ref(&value), ctx) {
                Ok(r) => {
                    if is_promise(&r) {
                        return Err(JsNativeError::typ()
                            .with_message("the built-in check() does not support async functions as arguments. Use the JavaScript utils library as a replacement. Refer to https://grafana.com/docs/k6/latest/javascript-api/jslib/utils/check/ for more info")
                            .into());
                    }
                    (r.to_boolean(), None)
                }
                Err(e) => (false, Some(e)),
            },
            None => (entry.to_boolean(), None),
        };
        with_vu(ctx, |st| {
            let tags = match &base {
                Some(base) => {
                    let mut tags = base.clone();
                    if with_check {
                        tags.insert("check".to_string(), name);
                    }
                    Arc::new(tags)
                }
                None => st.check_tag_set(&name, with_check),
            };
            st.emit(builtin::CHECKS, if ok { 1.0 } else { 0.0 }, &tags);
        })?;
        if let Some(e) = thrown {
            return Err(e);
        }
        all_ok &= ok;
    }
    Ok(all_ok.into())
}

fn is_promise(v: &JsValue) -> bool {
    v.as_object()
        .map(|o| boa_engine::object::builtins::JsPromise::from_object(o.clone()).is_ok())
        .unwrap_or(false)
}

/// `group(name, fn)`: runs `fn` with the `group` tag extended by `::name`.
fn group(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    with_vu(ctx, |st| {
        st.require_run_phase("Using group() in the init context is not supported")
    })??;
    let name = crate::modules::arg_string(args, 0, ctx)?;
    if name.contains("::") {
        return Err(JsNativeError::error()
            .with_message("group and check names may not contain '::'")
            .into());
    }
    let Some(f) = args.get(1).and_then(JsValue::as_callable) else {
        return Err(JsNativeError::typ()
            .with_message("group() requires a callback as its second argument")
            .into());
    };
    if is_async_function(&f, ctx) {
        return Err(JsNativeError::typ()
            .with_message("group() does not support async functions as arguments, please see https://grafana.com/docs/k6/latest/javascript-api/k6/group/#working-with-async-functions")
            .into());
    }
    let parent = with_vu(ctx, |st| {
        let parent = st.group.clone();
        st.group = format!("{parent}::{name}");
        parent
    })?;
    let start = Instant::now();
    let result = f.call(&JsValue::undefined(), &[], ctx);
    let elapsed = start.elapsed();
    with_vu(ctx, |st| {
        let tags = st.tag_set();
        st.emit(
            builtin::GROUP_DURATION,
            elapsed.as_secs_f64() * 1000.0,
            &tags,
        );
        st.group = parent;
    })?;
    result
}

fn is_async_function(f: &JsObject, ctx: &mut Context) -> bool {
    let Ok(ctor) = f.get(js_string!("constructor"), ctx) else {
        return false;
    };
    let Some(ctor) = ctor.as_object() else {
        return false;
    };
    ctor.get(js_string!("name"), ctx)
        .ok()
        .and_then(|n| n.as_string().map(|s| s.to_std_string_escaped()))
        .map(|n| n == "AsyncFunction")
        .unwrap_or(false)
}

/// From this long on, a sleeping VU hands its idle stack pages back (~16 KiB per VU). The
/// release is not free: a `madvise` that interrupts the other core to flush its TLB, and the
/// page faults when the VU wakes, ~15 µs per iteration measured. At 100 ms, 5,000 VUs of the
/// AI script (2.5 s sleeps) paid 0.6 of their 10.8 CPU-s for 42 MiB of a 1.7 GiB RSS; a
/// think time of this length is rare enough that its release costs ~1 µs per VU-second.
const LONG_SLEEP: Duration = Duration::from_secs(10);

/// `sleep(seconds)`: suspends only this VU.
fn sleep(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let secs = args.first().cloned().unwrap_or_default().to_number(ctx)?;
    let dur = if secs.is_finite() && secs > 0.0 {
        Duration::from_secs_f64(secs)
    } else {
        Duration::ZERO
    };
    if dur >= LONG_SLEEP {
        await_long(ctx, "sleep()", tokio::time::sleep(dur))?;
    } else {
        await_op(ctx, "sleep()", tokio::time::sleep(dur))?;
    }
    Ok(JsValue::undefined())
}

/// `fail([msg])`: throws a `GoError`, aborting the iteration (not the test).
fn fail(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let msg = match args.first() {
        Some(v) if !v.is_undefined() => v.to_string(ctx)?.to_std_string_escaped(),
        _ => String::new(),
    };
    Err(super::go_error(&msg, ctx))
}

/// `randomSeed(n)`: makes this VU's `Math.random` deterministic.
fn random_seed(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let seed = args.first().cloned().unwrap_or_default().to_number(ctx)? as i64 as u64;
    with_vu(ctx, |st| {
        st.rng = Some(rand::rngs::SmallRng::seed_from_u64(seed));
    })?;
    let math = ctx.global_object().get(js_string!("Math"), ctx)?;
    if let Some(math) = math.as_object() {
        let f = NativeFunction::from_fn_ptr(seeded_random).to_js_function(ctx.realm());
        math.define_property_or_throw(
            js_string!("random"),
            boa_engine::property::PropertyDescriptor::builder()
                .value(f)
                .writable(true)
                .configurable(true)
                .enumerable(false),
            ctx,
        )?;
    }
    let _ = Attribute::all();
    Ok(JsValue::undefined())
}

fn seeded_random(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let v: f64 = with_vu(ctx, |st| match st.rng.as_mut() {
        Some(rng) => rng.random(),
        None => rand::random(),
    })?;
    Ok(v.into())
}
