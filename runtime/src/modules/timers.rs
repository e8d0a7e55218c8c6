//! `setTimeout`, `clearTimeout`, `setInterval`, `clearInterval` — as globals and as the
//! `k6/timers` module. Callbacks run on the VU's event loop, which keeps the iteration
//! alive until no timer is left (cleared or fired).

use std::time::Duration;

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use crate::vu::state::with_vu;

type Native = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

const FUNCTIONS: [(&str, Native); 4] = [
    ("setTimeout", set_timeout),
    ("clearTimeout", clear),
    ("setInterval", set_interval),
    ("clearInterval", clear),
];

/// Installs the timer functions on the global object.
pub fn install(ctx: &mut Context) -> JsResult<()> {
    for (name, f) in FUNCTIONS {
        ctx.register_global_callable(js_string!(name), 2, NativeFunction::from_fn_ptr(f))?;
    }
    Ok(())
}

/// The `k6/timers` exports.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let mut init = ObjectInitializer::new(ctx);
    for (name, f) in FUNCTIONS {
        init.function(NativeFunction::from_fn_ptr(f), js_string!(name), 2);
    }
    Ok(init.build())
}

fn delay(args: &[JsValue], ctx: &mut Context) -> JsResult<Duration> {
    let ms = match args.get(1) {
        Some(v) if !v.is_undefined() => v.to_number(ctx)?,
        _ => 0.0,
    };
    Ok(if ms.is_finite() && ms > 0.0 {
        Duration::from_secs_f64(ms / 1000.0)
    } else {
        Duration::ZERO
    })
}

fn schedule(args: &[JsValue], ctx: &mut Context, repeat: bool) -> JsResult<JsValue> {
    let Some(callback) = args
        .first()
        .and_then(JsValue::as_object)
        .filter(|o| o.is_callable())
    else {
        return Err(JsNativeError::typ()
            .with_message("setTimeout/setInterval needs a function as its first argument")
            .into());
    };
    let d = delay(args, ctx)?;
    let extra = args.get(2..).map(<[JsValue]>::to_vec).unwrap_or_default();
    let id = with_vu(ctx, |st| {
        let name = if repeat { "setInterval" } else { "setTimeout" };
        st.event_loop
            .add_timer(callback.clone(), extra, d, repeat, Some(name))
    })?;
    Ok(JsValue::from(id as f64))
}

fn set_timeout(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    schedule(args, ctx, false)
}

fn set_interval(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    schedule(args, ctx, true)
}

fn clear(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if let Some(id) = args.first().and_then(JsValue::as_number) {
        with_vu(ctx, |st| st.event_loop.clear_timer(id as u64))?;
    }
    Ok(JsValue::undefined())
}
