//! `k6/metrics`: custom `Counter`, `Gauge`, `Rate`, `Trend`. The classes are JS
//! (`js-modules/k6/metrics.js`); registration and sample emission are native.

use std::sync::Arc;

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use crate::log::Logger;
use crate::metrics::{MetricType, ValueType};
use crate::vu::state::{vu_state, Phase};

const JS: &str = include_str!("../../../js-modules/k6/metrics.js");

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    let native = ObjectInitializer::new(context)
        .function(
            NativeFunction::from_fn_ptr(register),
            js_string!("register"),
            3,
        )
        .function(NativeFunction::from_fn_ptr(add), js_string!("add"), 3)
        .build();
    super::eval_js_part("k6/metrics.js", JS, native, context)
}

fn register(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = vu_state(ctx)?;
    if state.borrow().phase != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("metrics must be declared in the init context")
            .into());
    }
    let name = super::arg_string(args, 0, ctx)?;
    let kind = match super::arg_string(args, 1, ctx)?.as_str() {
        "Counter" => MetricType::Counter,
        "Gauge" => MetricType::Gauge,
        "Rate" => MetricType::Rate,
        _ => MetricType::Trend,
    };
    let is_time = args.get(2).map(JsValue::to_boolean).unwrap_or(false);
    let contains = if is_time {
        ValueType::Time
    } else {
        ValueType::Default
    };
    let registry = state.borrow().config.registry.clone();
    let id = registry
        .register(&name, kind, contains)
        .map_err(|e| JsNativeError::error().with_message(e.to_string()))?;
    Ok(JsValue::from(id))
}

fn add(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = vu_state(ctx)?;
    if state.borrow().phase == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("Adding to metrics in the init context is not supported")
            .into());
    }
    let id = args.first().cloned().unwrap_or_default().to_u32(ctx)?;
    let raw = args.get(1).cloned().unwrap_or_default();
    let value = if raw.is_boolean() {
        Some(if raw.to_boolean() { 1.0 } else { 0.0 })
    } else if raw.is_number() {
        raw.as_number().filter(|n| !n.is_nan())
    } else {
        None
    };
    let Some(value) = value else {
        let shown = super::console::render(&raw, ctx)?;
        let name = state
            .borrow()
            .config
            .registry
            .snapshot()
            .get(id as usize)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let msg = format!(
            "'{shown}' is an invalid value for metric '{name}', a number or a boolean value is expected"
        );
        if state.borrow().config.http.throw {
            return Err(JsNativeError::typ().with_message(msg).into());
        }
        Logger::warn(&msg, &[]);
        return Ok(false.into());
    };
    let tags = match args.get(2).filter(|v| v.is_object()) {
        Some(extra) => {
            let mut tags = state.borrow().tags();
            super::merge_tags(&mut tags, extra, ctx)?;
            Arc::new(tags)
        }
        None => state.borrow().tag_set(),
    };
    state.borrow_mut().emit(id, value, &tags);
    Ok(true.into())
}
