//! Globals of every VU context: `__ENV`, `__VU`, `open()`, `require()`, `console`, a
//! per-VU seedable `Math.random`, and a native `JSON.parse` (Boa's own re-parses JSON with
//! the full JS parser: slow and hungry for native stack).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use boa_engine::property::Attribute;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use super::bytes::array_buffer;
use crate::config::TestConfig;
use crate::vu::init::LoaderData;
use crate::vu::state::{vu_config, vu_phase, with_vu, IterGlobal, Phase, VuState};

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
    context.register_global_callable(
        js_string!("require"),
        1,
        NativeFunction::from_fn_ptr(require),
    )?;
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

/// Makes the global `__ITER` read `iter` before an iteration. k6 writes a data property
/// each time; an ordinary `[[Set]]` on the global object cost ~1,600 instructions per
/// iteration (3 % of a bare `http.get` loop). rk6 defines an accessor over the VU's
/// iteration counter once instead: reading gives the same number. A script that assigns
/// to `__ITER` turns it back into a data property, written before every iteration.
pub fn set_iter(context: &mut Context, state: &RefCell<VuState>, iter: i64) -> JsResult<()> {
    use boa_engine::object::FunctionObjectBuilder;
    use boa_engine::property::PropertyDescriptor;
    let mode = state.borrow().iter_global;
    match mode {
        IterGlobal::Accessor => Ok(()),
        IterGlobal::Data => context
            .global_object()
            .set(
                js_string!("__ITER"),
                JsValue::from(iter as f64),
                false,
                context,
            )
            .map(drop),
        IterGlobal::Unset => {
            let get = NativeFunction::from_fn_ptr(|_, _, ctx| {
                Ok(JsValue::from(with_vu(ctx, |st| st.iteration)? as f64))
            });
            let set = NativeFunction::from_fn_ptr(|_, args, ctx| {
                let value = args.first().cloned().unwrap_or_default();
                ctx.global_object().define_property_or_throw(
                    js_string!("__ITER"),
                    PropertyDescriptor::builder()
                        .value(value)
                        .writable(true)
                        .enumerable(true)
                        .configurable(true),
                    ctx,
                )?;
                with_vu(ctx, |st| st.iter_global = IterGlobal::Data)?;
                Ok(JsValue::undefined())
            });
            let realm = context.realm().clone();
            let get = FunctionObjectBuilder::new(&realm, get)
                .name(js_string!("get __ITER"))
                .build();
            let set = FunctionObjectBuilder::new(&realm, set)
                .name(js_string!("set __ITER"))
                .length(1)
                .build();
            context.global_object().define_property_or_throw(
                js_string!("__ITER"),
                PropertyDescriptor::builder()
                    .get(get)
                    .set(set)
                    .enumerable(true)
                    .configurable(true),
                context,
            )?;
            state.borrow_mut().iter_global = IterGlobal::Accessor;
            Ok(())
        }
    }
}

/// Applies a scenario's `env` on top of `__ENV`.
pub fn set_env_overrides(context: &mut Context, env: &BTreeMap<String, String>) -> JsResult<()> {
    let global = context.global_object();
    let obj = global.get(js_string!("__ENV"), context)?;
    if let Some(obj) = obj.as_object() {
        for (k, v) in env {
            obj.set(super::key(k), super::key(v), false, context)?;
        }
    }
    Ok(())
}

/// Throws a RangeError naming `what` when `value` nests deeper than
/// [`crate::source::TO_JSON_MAX_DEPTH`], before `JsValue::to_json` (which recurses natively,
/// and whose serde_json value is serialised and dropped recursively on other threads).
/// Iterative, and gives up (leaving the rest to the conversion) after 100k values.
pub(crate) fn check_nesting(value: &JsValue, what: &str, ctx: &mut Context) -> JsResult<()> {
    let limit = crate::source::TO_JSON_MAX_DEPTH;
    let mut stack: Vec<(JsObject, usize)> = Vec::new();
    if let Some(o) = value.as_object() {
        stack.push((o, 1));
    }
    let mut visited = 0usize;
    while let Some((obj, depth)) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        if depth > limit {
            return Err(JsNativeError::range()
                .with_message(format!("{what}: value nests deeper than {limit} levels"))
                .into());
        }
        if obj.is_callable() {
            continue;
        }
        // JSON.stringify serialises what `toJSON` returns, not the object's own properties
        // (which may even be cyclic, as a URL and its searchParams are).
        if obj.get(js_string!("toJSON"), ctx)?.is_callable() {
            continue;
        }
        for key in obj.own_property_keys(ctx)? {
            if let Some(child) = obj.get(key, ctx)?.as_object() {
                stack.push((child, depth + 1));
            }
        }
    }
    Ok(())
}

fn json_parse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = crate::modules::arg_string(args, 0, ctx)?;
    parse_json_text(&text, ctx)
}

/// Parses JSON text into a JS value natively, at any depth; errors are JS `SyntaxError`s.
pub fn parse_json_text(text: &str, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(super::json_text::parse(text, ctx)?)
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
    let path = crate::loader::normalize(&config.script_dir().join(rel));
    let bytes = config.sources.read(&path).map_err(|e| {
        JsNativeError::error().with_message(format!("open {}: {e}", path.display()))
    })?;
    if binary {
        array_buffer(&bytes, ctx)
    } else {
        Ok(super::key(&String::from_utf8_lossy(&bytes)).into())
    }
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
    if super::is_builtin(&spec) {
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
        Err(_) => return Err(super::go_error(&crate::error::missing_module(&spec), ctx)),
    };
    if crate::vu::init::is_esm(&src) {
        let module = loader.load_file(&path, ctx)?;
        let promise = module.load_link_evaluate(ctx);
        ctx.run_jobs()?;
        if let boa_engine::builtins::promise::PromiseState::Rejected(e) = promise.state() {
            return Err(boa_engine::JsError::from_opaque(e));
        }
        return Ok(module.namespace(ctx).into());
    }
    crate::vu::init::load_cjs(&path, &src, ctx)
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
