//! The globals the VU core rewrites before each iteration: `__ITER` and a scenario's
//! `env` over `__ENV`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use boa_engine::{js_string, Context, JsResult, JsString, JsValue, NativeFunction};

use super::state::{with_vu, IterGlobal, VuState};

/// Makes the global `__ITER` read `iter` before an iteration. k6 writes a data property
/// each time; an ordinary `[[Set]]` on the global object cost ~1,600 instructions per
/// iteration (3 % of a bare `http.get` loop). rk6 defines an accessor over the VU's
/// iteration counter once instead: reading gives the same number. A script that assigns
/// to `__ITER` turns it back into a data property, written before every iteration.
pub(crate) fn set_iter(context: &mut Context, state: &RefCell<VuState>, iter: i64) -> JsResult<()> {
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
pub(crate) fn set_env_overrides(
    context: &mut Context,
    env: &BTreeMap<String, String>,
) -> JsResult<()> {
    let global = context.global_object();
    let obj = global.get(js_string!("__ENV"), context)?;
    if let Some(obj) = obj.as_object() {
        for (k, v) in env {
            obj.set(
                JsString::from(k.as_str()),
                JsString::from(v.as_str()),
                false,
                context,
            )?;
        }
    }
    Ok(())
}
