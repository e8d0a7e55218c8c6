//! `k6/secrets`: `secrets.get(name)` and `secrets.source(name).get(key)`, each a Promise
//! of the value, from the sources given with `--secret-source`, parsed by k6's rules:
//! `TYPE=CONFIG` where TYPE is `file` (`PATH` or `filename=PATH`: `key=value` lines) or
//! `mock` (`k1=v1,k2=v2`), and CONFIG may also hold `name=N` and the bare word `default`.
//! A single source is the default one; otherwise the one marked `default`. Every value is
//! redacted from log output as k6 does (`***SECRET_REDACTED***`).

use boa_engine::object::builtins::JsPromise;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsObject, JsResult, JsValue, NativeFunction};

use crate::vu::state::vu_config;

pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let source = NativeFunction::from_fn_ptr(source);
    Ok(ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(get_default),
            js_string!("get"),
            1,
        )
        .function(source, js_string!("source"), 1)
        .build())
}

/// The value, or k6's rejection text (k6 rejects with a plain string, not an Error).
fn lookup(source: Option<&str>, name: &str, ctx: &mut Context) -> JsResult<Result<String, String>> {
    let secrets = vu_config(ctx)?.secrets.clone();
    if secrets.sources.is_empty() {
        return Ok(Err("no secret sources are configured".to_string()));
    }
    let values = match source {
        // k6 registers the default source under the name `default` too.
        None | Some("default") => secrets.default.as_ref(),
        Some(s) => secrets.sources.get(s),
    };
    let Some(values) = values else {
        let source = source.unwrap_or("default");
        return Ok(Err(format!(
            "no secret source with name \"{source}\" is configured"
        )));
    };
    Ok(values
        .get(name)
        .cloned()
        .ok_or_else(|| "no value".to_string()))
}

fn promise_of(result: Result<String, String>, ctx: &mut Context) -> JsResult<JsValue> {
    let p = match result {
        Ok(v) => JsPromise::resolve(super::key(&v), ctx)?,
        Err(msg) => JsPromise::reject(
            boa_engine::JsError::from_opaque(super::key(&msg).into()),
            ctx,
        )?,
    };
    Ok(p.into())
}

fn get_default(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = super::arg_string(args, 0, ctx)?;
    let r = lookup(None, &name, ctx)?;
    promise_of(r, ctx)
}

fn source(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = super::arg_string(args, 0, ctx)?;
    let get = NativeFunction::from_copy_closure_with_captures(
        |_, args, source: &boa_engine::JsString, ctx| {
            let key = super::arg_string(args, 0, ctx)?;
            let r = lookup(Some(&source.to_std_string_escaped()), &key, ctx)?;
            promise_of(r, ctx)
        },
        super::key(&name),
    );
    Ok(ObjectInitializer::new(ctx)
        .function(get, js_string!("get"), 1)
        .build()
        .into())
}
