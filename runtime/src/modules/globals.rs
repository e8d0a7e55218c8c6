//! Globals of every VU context: `__ENV`, `__VU`, `open()`, `require()`, `console`, a
//! per-VU seedable `Math.random`, and k6's `JSON.parse` (in `json`).

use std::sync::Arc;

use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsNativeError, JsResult, JsValue, NativeFunction};

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
    super::json::install(context)?;
    Ok(())
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
