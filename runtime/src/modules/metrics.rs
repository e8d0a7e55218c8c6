//! `k6/metrics`: custom `Counter`, `Gauge`, `Rate`, `Trend`, native constructors. As in
//! k6, `new Counter(name)` registers the metric (init context only) and returns a plain
//! object with own enumerable `name` and `add` (`add(value, tags)` sends a sample).
//! Native rather than a JS class evaluated per VU: that cost a parse, a compile and
//! ~29 KiB in every VU importing the module.

use std::sync::Arc;

use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::{Attribute, PropertyDescriptor};
use boa_engine::{
    js_string, Context, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction,
};

use super::lazy_exports::Export;
use crate::log::Logger;
use crate::metrics::{MetricId, MetricType, ValueType};
use crate::vu::state::{vu_config, vu_phase, with_vu, Phase};

const KINDS: [(&str, MetricType); 4] = [
    ("Counter", MetricType::Counter),
    ("Gauge", MetricType::Gauge),
    ("Rate", MetricType::Rate),
    ("Trend", MetricType::Trend),
];

/// `k6/metrics`' constructors, in k6's order and with its arity (0).
static EXPORTS: [Export; 4] = [
    Export::value("Counter", |ctx| constructor(0, ctx), Attribute::all()),
    Export::value("Gauge", |ctx| constructor(1, ctx), Attribute::all()),
    Export::value("Trend", |ctx| constructor(3, ctx), Attribute::all()),
    Export::value("Rate", |ctx| constructor(2, ctx), Attribute::all()),
];

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(super::lazy_exports::object(&EXPORTS, context))
}

/// The constructor of metric kind `kind` (an index into [`KINDS`]), with its prototype.
fn constructor(kind: usize, context: &mut Context) -> JsValue {
    let f =
        NativeFunction::from_copy_closure(move |this, args, ctx| construct(kind, this, args, ctx));
    let ctor = FunctionObjectBuilder::new(context.realm(), f)
        .name(super::static_key(KINDS[kind].0))
        .length(0)
        .constructor(true)
        .build();
    let proto = JsObject::with_object_proto(context.intrinsics());
    // A fresh function's `prototype` can always be defined.
    let _ = ctor.define_property_or_throw(
        js_string!("prototype"),
        PropertyDescriptor::builder()
            .value(proto)
            .writable(true)
            .enumerable(false)
            .configurable(false),
        context,
    );
    ctor.into()
}

/// `new Counter(name, isTime)` and its siblings; `kind` indexes [`KINDS`]. Called without
/// `new`, `this` is not the constructor (Boa passes `new.target` as `this` to natives).
fn construct(
    kind: usize,
    this: &JsValue,
    args: &[JsValue],
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let (label, metric_type) = KINDS[kind];
    if !this.as_object().is_some_and(|o| o.is_constructor()) {
        return Err(JsNativeError::typ()
            .with_message(format!("calling {label} without new is not supported"))
            .into());
    }
    let name = super::arg_string(args, 0, ctx)?;
    let is_time = args.get(1).map(JsValue::to_boolean).unwrap_or(false);
    let id = register(&name, metric_type, is_time, ctx)?;
    let add = NativeFunction::from_copy_closure(move |_, args, ctx| add(id, args, ctx));
    let add = FunctionObjectBuilder::new(ctx.realm(), add)
        .name(js_string!("add"))
        .length(2)
        .build();
    let metric = JsObject::with_object_proto(ctx.intrinsics());
    metric.define_property_or_throw(
        js_string!("name"),
        PropertyDescriptor::builder()
            .value(JsString::from(name.as_str()))
            .enumerable(true),
        ctx,
    )?;
    metric.define_property_or_throw(
        js_string!("add"),
        PropertyDescriptor::builder().value(add).enumerable(true),
        ctx,
    )?;
    Ok(metric.into())
}

fn register(name: &str, kind: MetricType, is_time: bool, ctx: &mut Context) -> JsResult<MetricId> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("metrics must be declared in the init context")
            .into());
    }
    let contains = if is_time {
        ValueType::Time
    } else {
        ValueType::Default
    };
    let registry = vu_config(ctx)?.registry.clone();
    let id = registry
        .register(name, kind, contains)
        .map_err(|e| JsNativeError::error().with_message(e.to_string()))?;
    Ok(id)
}

/// A metric's `add(value, tags)`.
fn add(id: MetricId, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("Adding to metrics in the init context is not supported")
            .into());
    }
    let raw = args.first().cloned().unwrap_or_default();
    let value = if raw.is_boolean() {
        Some(if raw.to_boolean() { 1.0 } else { 0.0 })
    } else if raw.is_number() {
        raw.as_number().filter(|n| !n.is_nan())
    } else {
        None
    };
    let Some(value) = value else {
        let shown = super::console::render(&raw, ctx)?;
        let name = vu_config(ctx)?
            .registry
            .snapshot()
            .get(id as usize)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let msg = format!(
            "'{shown}' is an invalid value for metric '{name}', a number or a boolean value is expected"
        );
        if vu_config(ctx)?.http.throw {
            return Err(JsNativeError::typ().with_message(msg).into());
        }
        Logger::warn(&msg, &[]);
        return Ok(false.into());
    };
    let tags = match args.get(1).filter(|v| v.is_object()) {
        Some(extra) => {
            let mut tags = with_vu(ctx, |st| st.tags())?;
            super::merge_tags(&mut tags, extra, ctx)?;
            Arc::new(tags)
        }
        None => with_vu(ctx, |st| st.tag_set())?,
    };
    with_vu(ctx, |st| st.emit(id, value, &tags))?;
    Ok(true.into())
}
