//! The global `require()`: k6's CommonJS loading in the init context, of built-in modules
//! (their default export) and of files (ES modules or CommonJS), through the VU's loader.

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use crate::loader::LoaderData;
use crate::vu::state::{vu_config, vu_phase, Phase};

/// Defines the global `require`.
pub(crate) fn install(context: &mut Context) -> JsResult<()> {
    context.register_global_callable(
        js_string!("require"),
        1,
        NativeFunction::from_fn_ptr(require),
    )
}

fn require(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let spec = crate::modules::arg_string(args, 0, ctx)?;
    if vu_phase(ctx)? != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("the \"require\" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/ for more information")
            .into());
    }
    let Some(loader) = ctx.get_data::<LoaderData>().map(|l| l.0.clone()) else {
        return Err(JsNativeError::error()
            .with_message("no module loader")
            .into());
    };
    if crate::modules::is_builtin(&spec) {
        // `require` hands out the default export only.
        let wanted =
            boa_engine::module::ImportedNames::Names(vec![boa_engine::js_string!("default")]);
        let module = loader.load_builtin(&spec, wanted, ctx)?;
        return Ok(namespace_or_default(module, ctx)?.into());
    }
    let path = loader.resolve(&spec, None)?;
    let config = vu_config(ctx)?;
    let src = match config.sources.read(&path) {
        Ok(src) => src,
        Err(_) => {
            return Err(crate::modules::go_error(
                &crate::error::missing_module(&spec),
                ctx,
            ))
        }
    };
    if super::init::is_esm(&src) {
        let module = loader.load_file(&path, ctx)?;
        let promise = module.load_link_evaluate(ctx);
        ctx.run_jobs()?;
        if let boa_engine::builtins::promise::PromiseState::Rejected(e) = promise.state() {
            return Err(boa_engine::JsError::from_opaque(e));
        }
        return Ok(module.namespace(ctx).into());
    }
    super::init::load_cjs(&path, &src, ctx)
        .map(JsValue::from)
        .map_err(|e| JsNativeError::error().with_message(e.to_string()).into())
}

/// `require('k6/http')` returns the module's default export object (which carries every
/// named export too), as k6 does for CommonJS scripts.
fn namespace_or_default(module: boa_engine::Module, ctx: &mut Context) -> JsResult<JsObject> {
    let promise = module.load_link_evaluate(ctx);
    ctx.run_jobs()?;
    if let boa_engine::builtins::promise::PromiseState::Rejected(e) = promise.state() {
        return Err(boa_engine::JsError::from_opaque(e));
    }
    let ns = module.namespace(ctx);
    let default = ns.get(js_string!("default"), ctx)?;
    Ok(default.as_object().unwrap_or(ns))
}
