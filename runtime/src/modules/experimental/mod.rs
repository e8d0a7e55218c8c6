//! k6's `k6/experimental/*` modules that are not about WebSockets: `fs` (files read once
//! per process, read and seeked per VU), `csv` (records of such files) and `streams`
//! (WHATWG `ReadableStream`). WebSockets live in `modules::ws` beside `k6/ws`, whose
//! metrics they share.
//!
//! What the three share sits here: how a k6 module's errors look to a script. k6 rejects
//! its promises with Go values, not JS `Error`s: an `fsError` struct (own `name`, `message`
//! and `error()`), or a plain Go `error` (no `name`, no `message`, only its text when made
//! a string). Scripts see both shapes (`e.name`, `String(e)`, the "Uncaught (in promise)"
//! line), so rk6 builds the same shapes.

pub mod csv;
pub mod fs;
pub mod streams;

use boa_engine::object::{FunctionObjectBuilder, ObjectInitializer};
use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsObject, JsValue, NativeFunction};

use super::key;

/// A function property the way k6 exposes Go methods: own, enumerable.
pub(crate) fn method(
    obj: &JsObject,
    name: &'static str,
    f: NativeFunction,
    length: usize,
    ctx: &mut Context,
) -> boa_engine::JsResult<()> {
    let func = FunctionObjectBuilder::new(ctx.realm(), f)
        .name(key(name))
        .length(length)
        .build();
    obj.set(key(name), func, false, ctx)?;
    Ok(())
}

/// The value k6 rejects with for a plain Go `error`: an object whose only visible trait
/// is its text, through `toString` (so `String(e)` and uncaught-rejection lines show it).
pub(crate) fn go_error_value(text: &str, ctx: &mut Context) -> JsValue {
    let to_string = NativeFunction::from_copy_closure_with_captures(
        |_, _, text: &boa_engine::JsString, _| Ok(text.clone().into()),
        key(text),
    );
    let to_string = FunctionObjectBuilder::new(ctx.realm(), to_string)
        .name(js_string!("toString"))
        .build();
    ObjectInitializer::new(ctx)
        .property(js_string!("toString"), to_string, Attribute::CONFIGURABLE)
        .build()
        .into()
}

/// The value k6 rejects with for one of its named errors (`fsError`): own enumerable
/// `name` and `message`, an `error()` method, and `Name: message` as its string.
pub(crate) fn named_error_value(name: &str, message: &str, ctx: &mut Context) -> JsValue {
    let text = key(&format!("{name}: {message}"));
    let as_text = NativeFunction::from_copy_closure_with_captures(
        |_, _, text: &boa_engine::JsString, _| Ok(text.clone().into()),
        text,
    );
    let error = FunctionObjectBuilder::new(ctx.realm(), as_text.clone())
        .name(js_string!("error"))
        .build();
    let to_string = FunctionObjectBuilder::new(ctx.realm(), as_text)
        .name(js_string!("toString"))
        .build();
    ObjectInitializer::new(ctx)
        .property(js_string!("name"), key(name), Attribute::all())
        .property(js_string!("message"), key(message), Attribute::all())
        .property(js_string!("error"), error, Attribute::all())
        .property(js_string!("toString"), to_string, Attribute::CONFIGURABLE)
        .build()
        .into()
}

/// A promise already rejected with `reason`.
pub(crate) fn rejected(reason: JsValue, ctx: &mut Context) -> boa_engine::JsResult<JsValue> {
    let p = boa_engine::object::builtins::JsPromise::reject(
        boa_engine::JsError::from_opaque(reason),
        ctx,
    )?;
    Ok(p.into())
}

/// A promise already fulfilled with `value`.
pub(crate) fn resolved(value: JsValue, ctx: &mut Context) -> boa_engine::JsResult<JsValue> {
    Ok(boa_engine::object::builtins::JsPromise::resolve(value, ctx)?.into())
}
