//! The `console` global: `log`, `info`, `debug`, `warn`, `error`, printed as k6 prints them
//! (logrus lines with `source=console`; objects JSON-serialised; args joined by a space).

use boa_engine::object::ObjectInitializer;
use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsResult, JsValue, NativeFunction};

use crate::log::{Level, Logger};

pub fn install(context: &mut Context) -> JsResult<()> {
    let console = ObjectInitializer::new(context)
        .function(NativeFunction::from_fn_ptr(log), js_string!("log"), 0)
        .function(NativeFunction::from_fn_ptr(info), js_string!("info"), 0)
        .function(NativeFunction::from_fn_ptr(debug), js_string!("debug"), 0)
        .function(NativeFunction::from_fn_ptr(warn), js_string!("warn"), 0)
        .function(NativeFunction::from_fn_ptr(error), js_string!("error"), 0)
        .build();
    context.register_global_property(js_string!("console"), console, Attribute::all())?;
    Ok(())
}

fn log(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    emit(Level::Info, args, ctx)
}
fn info(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    emit(Level::Info, args, ctx)
}
fn debug(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    emit(Level::Debug, args, ctx)
}
fn warn(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    emit(Level::Warning, args, ctx)
}
fn error(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    emit(Level::Error, args, ctx)
}

fn emit(level: Level, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let mut parts = Vec::with_capacity(args.len());
    for a in args {
        parts.push(render(a, ctx)?);
    }
    Logger::console(level, &parts.join(" "));
    Ok(JsValue::undefined())
}

/// One console argument: strings raw, objects as JSON, everything else via `String()`.
pub fn render(v: &JsValue, ctx: &mut Context) -> JsResult<String> {
    if v.is_object() && !v.is_callable() {
        let json = ctx.global_object().get(js_string!("JSON"), ctx)?;
        if let Some(json) = json.as_object() {
            let stringify = json.get(js_string!("stringify"), ctx)?;
            if let Some(f) = stringify.as_callable() {
                if let Ok(s) = f.call(&JsValue::undefined(), std::slice::from_ref(v), ctx) {
                    if s.is_string() {
                        return Ok(s.to_string(ctx)?.to_std_string_escaped());
                    }
                }
            }
        }
    }
    Ok(v.to_string(ctx)?.to_std_string_escaped())
}
