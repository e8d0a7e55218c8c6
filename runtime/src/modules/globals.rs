//! Globals of every VU context: `__ENV`, `__VU`, `open()`, `require()`, `console`, a
//! per-VU seedable `Math.random`, and a native `JSON.parse` (Boa's own re-parses JSON with
//! the full JS parser: slow and hungry for native stack).

use std::sync::Arc;

use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use crate::config::TestConfig;
use crate::convert::bytes::array_buffer;
use crate::vu::state::{vu_config, vu_phase, Phase};

pub fn install(context: &mut Context, config: &Arc<TestConfig>, id: u64) -> JsResult<()> {
    super::console::install(context)?;
    super::timers::install(context)?;
    super::webcrypto::install(context)?;
    if let Some(hook) = config.text_summary.clone() {
        // SAFETY: the closure captures only an `Arc` of a Rust function, no GC values.
        let f = unsafe {
            NativeFunction::from_closure(move |_, args, ctx| {
                let data = super::arg_string(args, 0, ctx)?;
                let opts = super::arg_string(args, 1, ctx)?;
                Ok(super::key(&hook(&data, &opts)).into())
            })
        };
        context.register_global_callable(js_string!("__rk6_text_summary"), 2, f)?;
    }
    let env = super::env::object(config, context);
    context.register_global_property(js_string!("__ENV"), env, Attribute::all())?;
    context.register_global_property(js_string!("__VU"), id as f64, Attribute::all())?;
    if config.global_alias {
        context.register_global_property(
            js_string!("global"),
            context.global_object(),
            Attribute::all(),
        )?;
    }
    context.register_global_callable(js_string!("open"), 2, NativeFunction::from_fn_ptr(open))?;
    wrap_json(context)?;
    Ok(())
}

/// Replaces `JSON.parse` (without a reviver) by the native parser (`JSON.stringify` is
/// Boa's: it stops at the native stack floor with a RangeError). Built from a native
/// closure over the original: evaluating a JS shim per VU cost a parse, a compile
/// and ~16 KiB per context.
fn wrap_json(context: &mut Context) -> JsResult<()> {
    use boa_engine::object::FunctionObjectBuilder;
    use boa_engine::property::PropertyDescriptor;
    let json = context
        .global_object()
        .get(js_string!("JSON"), context)?
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("JSON is not an object"))?;
    let original = |name, ctx: &mut Context| -> JsResult<JsObject> {
        json.get(name, ctx)?.as_object().ok_or_else(|| {
            JsNativeError::typ()
                .with_message("JSON method missing")
                .into()
        })
    };
    let parse = NativeFunction::from_copy_closure_with_captures(
        |_, args, original: &JsObject, ctx| {
            let reviver = args.get(1).is_some_and(JsValue::is_callable);
            if reviver {
                return original.call(&JsValue::undefined(), args, ctx);
            }
            json_parse(&JsValue::undefined(), args, ctx)
        },
        original(js_string!("parse"), context)?,
    );
    let parse = FunctionObjectBuilder::new(context.realm(), parse)
        .name(js_string!("parse"))
        .length(2)
        .build();
    json.define_property_or_throw(
        js_string!("parse"),
        PropertyDescriptor::builder()
            .value(parse)
            .writable(true)
            .configurable(true)
            .enumerable(false),
        context,
    )?;
    Ok(())
}

fn json_parse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = crate::modules::arg_string(args, 0, ctx)?;
    parse_json_text(&text, ctx)
}

/// Parses JSON text into a JS value natively, at any depth, its objects built as the script
/// reaches them; errors are JS `SyntaxError`s.
pub fn parse_json_text(text: &str, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(crate::convert::json_lazy::parse(text, ctx)?)
}

fn open(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("the \"open\" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/ for more information")
            .into());
    }
    let name = crate::modules::arg_string(args, 0, ctx)?;
    if name.is_empty() {
        return Err(JsNativeError::error()
            .with_message("open() can't be used with an empty filename")
            .into());
    }
    let binary = match args.get(1) {
        Some(m) if !m.is_undefined() => m.to_string(ctx)?.to_std_string_escaped() == "b",
        _ => false,
    };
    let config = vu_config(ctx)?;
    let rel = name.strip_prefix("file://").unwrap_or(&name);
    let path = config.script_relative(rel);
    let bytes = config.sources.read(&path).map_err(|e| {
        JsNativeError::error().with_message(format!("open {}: {e}", path.display()))
    })?;
    if binary {
        array_buffer(&bytes, ctx)
    } else {
        Ok(super::key(&String::from_utf8_lossy(&bytes)).into())
    }
}
