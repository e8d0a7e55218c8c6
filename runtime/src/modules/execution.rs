//! `k6/execution`: `exec.vu`, `exec.scenario`, `exec.instance` (read-only facts, computed
//! on access like k6) and `exec.test` (`abort()`, `fail()`, `options`).

use std::sync::atomic::Ordering;

use boa_engine::object::ObjectInitializer;
use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use super::{key, new_object, static_key};
use crate::vu::state::{vu_config, vu_phase, with_vu, Phase};

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    let getters: [(&str, boa_engine::native_function::NativeFunctionPointer); 4] = [
        ("vu", vu),
        ("scenario", scenario),
        ("instance", instance),
        ("test", test),
    ];
    let mut accessors = Vec::new();
    for (name, f) in getters {
        accessors.push((
            name,
            NativeFunction::from_fn_ptr(f).to_js_function(context.realm()),
        ));
    }
    let mut init = ObjectInitializer::new(context);
    for (name, get) in accessors {
        init.accessor(
            static_key(name),
            Some(get),
            None,
            Attribute::ENUMERABLE | Attribute::CONFIGURABLE,
        );
    }
    let exec = init.build();
    let exports = new_object(context);
    exports.set(js_string!("default"), exec, false, context)?;
    // Named imports (`import { scenario } from 'k6/execution'`, as k6's own examples do)
    // are bound once, at import time in the init context; k6 reads its getters on every
    // access. Each named export is therefore a live view: a Proxy whose traps read the
    // getter's current object at each access.
    for (name, f) in getters {
        exports.set(static_key(name), live_view(f, context)?, false, context)?;
    }
    Ok(exports)
}

/// A Proxy that forwards reads to what `getter` returns at the time of each read.
fn live_view(
    getter: boa_engine::native_function::NativeFunctionPointer,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    let target = new_object(ctx);
    let handler = new_object(ctx);
    let traps: [(&str, TrapFn); 4] = [
        ("get", trap_get),
        ("has", trap_has),
        ("ownKeys", trap_own_keys),
        ("getOwnPropertyDescriptor", trap_descriptor),
    ];
    for (name, trap) in traps {
        let f = NativeFunction::from_copy_closure_with_captures(
            move |_, args, getter: &LiveGetter, ctx| {
                let current = (getter.0)(&JsValue::undefined(), &[], ctx)?;
                trap(current, args, ctx)
            },
            LiveGetter(getter),
        );
        let f = boa_engine::object::FunctionObjectBuilder::new(ctx.realm(), f).build();
        handler.set(static_key(name), f, false, ctx)?;
    }
    let proxy = ctx.intrinsics().constructors().proxy().constructor();
    proxy.construct(&[target.into(), handler.into()], None, ctx)
}

/// The getter a live view reads through.
// SAFETY (unsafe_empty_trace): a plain function pointer, no GC pointers.
#[derive(Clone, Copy, boa_engine::Trace, boa_engine::Finalize)]
#[boa_gc(unsafe_empty_trace)]
struct LiveGetter(boa_engine::native_function::NativeFunctionPointer);

type TrapFn = fn(JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// The current object and the trap's property key.
fn current_and_key(
    current: JsValue,
    args: &[JsValue],
    ctx: &mut Context,
) -> JsResult<(JsObject, boa_engine::property::PropertyKey)> {
    let obj = current.to_object(ctx)?;
    let key = args
        .get(1)
        .cloned()
        .unwrap_or_default()
        .to_property_key(ctx)?;
    Ok((obj, key))
}

fn trap_get(current: JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (obj, key) = current_and_key(current, args, ctx)?;
    obj.get(key, ctx)
}

fn trap_has(current: JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (obj, key) = current_and_key(current, args, ctx)?;
    Ok(obj.has_property(key, ctx)?.into())
}

fn trap_own_keys(current: JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let obj = current.to_object(ctx)?;
    let keys: Vec<JsValue> = obj
        .own_property_keys(ctx)?
        .into_iter()
        .map(JsValue::from)
        .collect();
    Ok(boa_engine::object::builtins::JsArray::from_iter(keys, ctx).into())
}

/// Own properties show as configurable data properties of the view (the Proxy's target
/// is an empty extensible object, so the invariants hold).
fn trap_descriptor(current: JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (obj, key) = current_and_key(current, args, ctx)?;
    if !obj.has_own_property(key.clone(), ctx)? {
        return Ok(JsValue::undefined());
    }
    let value = obj.get(key, ctx)?;
    let desc = new_object(ctx);
    desc.set(js_string!("value"), value, false, ctx)?;
    for flag in [
        js_string!("writable"),
        js_string!("enumerable"),
        js_string!("configurable"),
    ] {
        desc.set(flag, true, false, ctx)?;
    }
    Ok(desc.into())
}

fn set(obj: &JsObject, k: &str, v: impl Into<JsValue>, ctx: &mut Context) -> JsResult<()> {
    obj.set(key(k), v.into(), false, ctx)?;
    Ok(())
}

fn in_iteration(ctx: &Context, message: &str) -> JsResult<()> {
    if with_vu(ctx, |st| {
        st.phase == Phase::Init || st.exec.scenario.is_none()
    })? {
        return Err(JsNativeError::error()
            .with_message(message.to_string())
            .into());
    }
    Ok(())
}

fn vu(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("getting VU information in the init context is not supported")
            .into());
    }
    let (id, iter, in_scenario, tags) = with_vu(ctx, |st| {
        (
            st.id,
            st.iteration,
            st.exec.iteration_in_scenario,
            st.tags(),
        )
    })?;
    let obj = new_object(ctx);
    set(&obj, "idInInstance", id as f64, ctx)?;
    let id_in_test = vu_config(ctx)?.test.vu_id_in_test(id);
    set(&obj, "idInTest", id_in_test as f64, ctx)?;
    set(&obj, "iterationInInstance", iter as f64, ctx)?;
    set(&obj, "iterationInScenario", in_scenario as f64, ctx)?;
    let tag_obj = proxied_pairs(tags.iter(), set_vu_tag, None, ctx)?;
    set(&obj, "tags", tag_obj.clone(), ctx)?;
    let metrics = new_object(ctx);
    set(&metrics, "tags", tag_obj, ctx)?;
    let metadata = with_vu(ctx, |st| st.script_metadata().to_vec())?;
    let metadata = proxied_pairs(
        metadata.iter().map(|(k, v)| (k, v)),
        set_vu_metadata,
        Some(delete_vu_metadata),
        ctx,
    )?;
    set(&metrics, "metadata", metadata, ctx)?;
    set(&obj, "metrics", metrics, ctx)?;
    Ok(obj.into())
}

/// `exec.vu.tags` (a Proxy whose `set` also tags the VU's later samples) and
/// `exec.vu.metrics.metadata` (whose `set` and `delete` change the metadata of its samples,
/// never a tag): a copy of the pairs behind the given traps.
fn proxied_pairs<'a>(
    pairs: impl Iterator<Item = (&'a String, &'a String)>,
    set_trap: boa_engine::native_function::NativeFunctionPointer,
    delete_trap: Option<boa_engine::native_function::NativeFunctionPointer>,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    let target = new_object(ctx);
    for (k, v) in pairs {
        set(&target, k, key(v), ctx)?;
    }
    let mut proxy = boa_engine::object::builtins::JsProxy::builder(target).set(set_trap);
    if let Some(delete) = delete_trap {
        proxy = proxy.delete_property(delete);
    }
    Ok(proxy.build(ctx)?.into())
}

fn set_vu_metadata(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    set_trap(
        args,
        "invalid value for metric metadata '{}': only String, Boolean and Number types are accepted as a metric metadata value",
        |st, name, text| st.set_script_metadata(&name, Some(text)),
        ctx,
    )
}

fn delete_vu_metadata(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (Some(target), Some(name)) = (args.first().and_then(JsValue::as_object), args.get(1))
    else {
        return Ok(false.into());
    };
    let name = name.to_string(ctx)?.to_std_string_escaped();
    target.delete_property_or_throw(key(&name), ctx)?;
    with_vu(ctx, |st| st.set_script_metadata(&name, None))?;
    Ok(true.into())
}

/// The Proxy `set` trap of `exec.vu.tags`.
fn set_vu_tag(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    set_trap(
        args,
        "invalid value for metric tag '{}': only String, Boolean and Number types are accepted as a metric tag values",
        |st, name, text| st.set_script_tag(name, text),
        ctx,
    )
}

/// A Proxy `set` trap `(target, key, value, receiver)` for `exec.vu.tags` and
/// `exec.vu.metrics.metadata`: k6 takes strings, numbers and booleans (kept as strings,
/// on the target and through `store` on the VU) and throws a TypeError (`invalid`, with
/// `{}` for the key) for anything else.
fn set_trap(
    args: &[JsValue],
    invalid: &str,
    store: fn(&mut crate::vu::state::VuState, String, String),
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let (Some(target), Some(name), Some(value)) = (
        args.first().and_then(JsValue::as_object),
        args.get(1),
        args.get(2),
    ) else {
        return Ok(false.into());
    };
    let name = name.to_string(ctx)?.to_std_string_escaped();
    if !(value.is_string() || value.is_number() || value.is_boolean()) {
        return Err(JsNativeError::typ()
            .with_message(invalid.replacen("{}", &name, 1))
            .into());
    }
    let text = value.to_string(ctx)?.to_std_string_escaped();
    target.set(key(&name), key(&text), false, ctx)?;
    with_vu(ctx, |st| store(st, name, text))?;
    Ok(true.into())
}

fn scenario(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    in_iteration(
        ctx,
        "getting scenario information outside of the VU context is not supported",
    )?;
    let (name, facts) = with_vu(ctx, |st| (st.scenario.clone(), st.exec.clone()))?;
    let obj = new_object(ctx);
    set(&obj, "name", key(&name), ctx)?;
    set(&obj, "executor", key(&facts.executor), ctx)?;
    if let Some(sc) = &facts.scenario {
        set(
            &obj,
            "startTime",
            sc.start_unix_ms.load(Ordering::Relaxed) as f64,
            ctx,
        )?;
        set(&obj, "progress", sc.progress(), ctx)?;
    }
    set(
        &obj,
        "iterationInInstance",
        facts.iteration_in_instance as f64,
        ctx,
    )?;
    set(&obj, "iterationInTest", facts.iteration_in_test as f64, ctx)?;
    Ok(obj.into())
}

fn instance(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("getting instance information in the init context is not supported")
            .into());
    }
    let test = vu_config(ctx)?.test.clone();
    let obj = new_object(ctx);
    let ms = test.elapsed().as_secs_f64() * 1000.0;
    set(&obj, "currentTestRunDuration", ms, ctx)?;
    let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed) as f64;
    set(
        &obj,
        "iterationsCompleted",
        load(&test.iterations_completed),
        ctx,
    )?;
    set(
        &obj,
        "iterationsInterrupted",
        load(&test.iterations_interrupted),
        ctx,
    )?;
    set(&obj, "vusActive", load(&test.vus_active), ctx)?;
    set(&obj, "vusInitialized", load(&test.vus_initialized), ctx)?;
    Ok(obj.into())
}

fn test(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let options = vu_config(ctx)?.test.options.clone();
    let options = JsValue::from_json(&options, ctx)?;
    let obj = ObjectInitializer::new(ctx)
        .function(NativeFunction::from_fn_ptr(abort), js_string!("abort"), 1)
        .function(NativeFunction::from_fn_ptr(fail), js_string!("fail"), 1)
        .property(js_string!("options"), options, Attribute::ENUMERABLE)
        .build();
    Ok(obj.into())
}

/// `exec.test.abort([reason])`: stops the whole test (exit 108).
fn abort(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let reason = match args.first() {
        Some(v) if !v.is_undefined() => v.to_string(ctx)?.to_std_string_escaped(),
        _ => String::new(),
    };
    let text = abort_text(&reason, ctx);
    let test = vu_config(ctx)?.test.clone();
    test.abort.send_replace(Some(text.clone()));
    // The host reports the abort once; the iteration ends as interrupted, not as an error.
    with_vu(ctx, |st| {
        st.interrupted = true;
        st.aborted = true;
    })?;
    Err(JsNativeError::error().with_message(text).into())
}

/// k6's words for an abort: `test aborted[: reason] at <where>`, where is the calling
/// function and its position (`default (file:///s.js:4:7)`), or the bare position at top
/// level.
fn abort_text(reason: &str, ctx: &Context) -> String {
    let mut text = String::from("test aborted");
    if !reason.is_empty() {
        text.push_str(": ");
        text.push_str(reason);
    }
    let Some(frame) = ctx.stack_trace().next() else {
        return text;
    };
    let loc = frame.position();
    let place = match (&loc.path, loc.position) {
        (boa_engine::vm::SourcePath::Path(p), Some(pos)) => format!(
            "{}:{}:{}",
            crate::error::file_url(p),
            pos.line_number(),
            pos.column_number()
        ),
        _ => return text,
    };
    let name = loc.function_name.to_std_string_escaped();
    let frame = if name.is_empty() || name == "<main>" {
        place
    } else {
        format!("{name} ({place})")
    };
    format!("{text} at {}", crate::source_map::remap_frame(&frame))
}

/// `exec.test.fail([reason])`: the test goes on but exits 110.
fn fail(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let reason = match args.first() {
        Some(v) if !v.is_undefined() => v.to_string(ctx)?.to_std_string_escaped(),
        _ => String::new(),
    };
    let text = if reason.is_empty() {
        "test marked as failed".to_string()
    } else {
        format!("test marked as failed: {reason}")
    };
    crate::log::Logger::error(&text, &[]);
    let test = vu_config(ctx)?.test.clone();
    *test.failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
    Ok(JsValue::undefined())
}
