//! `k6/data` (`SharedArray`): the data is built once per test run and held here as JSON
//! text per element, shared by every VU of the process — one copy in memory, not one per
//! VU. Each VU sees a read-only proxy over an empty array whose traps (native closures
//! over the shared elements) parse an element when it is accessed, as k6 does. Native
//! rather than a JS part evaluated per VU (a parse, a compile and ~30 KiB per VU).

use std::sync::Arc;

use boa_engine::builtins::iterable::create_iter_result_object;
use boa_engine::builtins::object::OrdinaryObject;
use boa_engine::gc::{Finalize, Gc, GcRefCell, Trace};
use boa_engine::object::builtins::JsArray;
use boa_engine::object::{FunctionObjectBuilder, ObjectInitializer};
use boa_engine::property::{Attribute, PropertyDescriptor};
use boa_engine::{
    js_string, Context, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction,
};

use crate::vu::state::{vu_config, vu_phase, Phase};

use crate::config::shared_arrays::Elements;

/// What a proxy's traps close over: the shared elements.
// SAFETY (unsafe_empty_trace): plain Rust data, no GC pointers.
#[derive(Clone, Trace, Finalize)]
#[boa_gc(unsafe_empty_trace)]
struct Shared(Elements);
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let ctor = FunctionObjectBuilder::new(ctx.realm(), NativeFunction::from_fn_ptr(construct))
        .name(js_string!("SharedArray"))
        .length(2)
        .constructor(true)
        .build();
    Ok(ObjectInitializer::new(ctx)
        .property(js_string!("SharedArray"), ctor, Attribute::all())
        .build())
}

/// `new SharedArray(name, fn)`; like k6, also callable without `new`, and its errors in
/// k6's order and words.
fn construct(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("new SharedArray must be called in the init context")
            .into());
    }
    let Some(f) = args.get(1).and_then(JsValue::as_callable) else {
        return Err(JsNativeError::error()
            .with_message(
                "a function is expected as the second argument of SharedArray's constructor",
            )
            .into());
    };
    let name = super::arg_string(args, 0, ctx)?;
    let elements = create(&name, &f, ctx)?;
    proxy(Shared(elements), ctx)
}

/// The read-only array-like view of `shared` a VU gets.
fn proxy(shared: Shared, ctx: &mut Context) -> JsResult<JsValue> {
    let target = JsArray::new(ctx)?;
    let read_only = NativeFunction::from_fn_ptr(|_, _, _| {
        Err(JsNativeError::typ()
            .with_message("SharedArray is immutable")
            .into())
    });
    let get = NativeFunction::from_copy_closure_with_captures(
        |_, args, shared: &Shared, ctx| {
            let (target, prop) = trap_args(args);
            trap_get(target, &prop, shared, ctx)
        },
        shared.clone(),
    );
    let has = NativeFunction::from_copy_closure_with_captures(
        |_, args, shared: &Shared, ctx| {
            let (target, prop) = trap_args(args);
            trap_has(target, &prop, shared, ctx)
        },
        shared,
    );
    let mut handler = ObjectInitializer::new(ctx);
    handler
        .function(get, js_string!("get"), 3)
        .function(has, js_string!("has"), 2);
    for name in [
        js_string!("set"),
        js_string!("deleteProperty"),
        js_string!("defineProperty"),
    ] {
        handler.function(read_only.clone(), name, 0);
    }
    let handler = handler.build();
    let proxy = ctx.intrinsics().constructors().proxy().constructor();
    Ok(proxy
        .construct(&[target.into(), handler.into()], None, ctx)?
        .into())
}

/// The element index `prop` names, if it is a canonical index below `len`.
fn index(prop: &JsValue, len: usize) -> Option<usize> {
    let s = prop.as_string()?.to_std_string().ok()?;
    let canonical = s == "0" || (!s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()));
    let i: usize = s.parse().ok().filter(|_| canonical)?;
    (i < len).then_some(i)
}

fn is_length(prop: &JsValue) -> bool {
    prop.as_string().is_some_and(|s| s == js_string!("length"))
}

/// A trap's `target` and `property` arguments.
fn trap_args(args: &[JsValue]) -> (Option<JsObject>, JsValue) {
    let target = args.first().and_then(JsValue::as_object);
    (target, args.get(1).cloned().unwrap_or_default())
}

type TrapResult = JsResult<JsValue>;

/// `get`: length, parsed elements, a lazy iterator, else the (empty) array's property.
fn trap_get(
    target: Option<JsObject>,
    prop: &JsValue,
    shared: &Shared,
    ctx: &mut Context,
) -> TrapResult {
    let elements = &shared.0;
    if is_length(prop) {
        return Ok(JsValue::from(elements.len() as f64));
    }
    if let Some(i) = index(prop, elements.len()) {
        return super::json::parse_json_text(&elements[i], ctx);
    }
    if prop.as_symbol().is_some_and(|s| s == JsSymbol::iterator()) {
        let iter = NativeFunction::from_copy_closure_with_captures(
            |_, _, shared: &Shared, ctx| iterator(shared.clone(), ctx),
            shared.clone(),
        );
        return Ok(FunctionObjectBuilder::new(ctx.realm(), iter)
            .name(js_string!("[Symbol.iterator]"))
            .build()
            .into());
    }
    let key = prop.to_property_key(ctx)?;
    target.map_or(Ok(JsValue::undefined()), |t| t.get(key, ctx))
}

/// `has`: length and element indexes, else the (empty) array's.
fn trap_has(
    target: Option<JsObject>,
    prop: &JsValue,
    shared: &Shared,
    ctx: &mut Context,
) -> TrapResult {
    if is_length(prop) || index(prop, shared.0.len()).is_some() {
        return Ok(true.into());
    }
    let key = prop.to_property_key(ctx)?;
    Ok(target
        .map_or(Ok(false), |t| t.has_property(key, ctx))?
        .into())
}

/// An iterator parsing one element per `next()`, like the generator k6 uses.
fn iterator(shared: Shared, ctx: &mut Context) -> JsResult<JsValue> {
    let next = NativeFunction::from_copy_closure_with_captures(
        |_, _, (shared, at): &(Shared, Gc<GcRefCell<usize>>), ctx| {
            let i = *at.borrow();
            let Some(text) = shared.0.get(i) else {
                return Ok(create_iter_result_object(JsValue::undefined(), true, ctx));
            };
            *at.borrow_mut() = i + 1;
            let value = super::json::parse_json_text(text, ctx)?;
            Ok(create_iter_result_object(value, false, ctx))
        },
        (shared, Gc::new(GcRefCell::new(0usize))),
    );
    let proto = ctx.intrinsics().constructors().iterator().prototype();
    let it = JsObject::from_proto_and_data(proto, OrdinaryObject);
    let next = FunctionObjectBuilder::new(ctx.realm(), next)
        .name(js_string!("next"))
        .build();
    it.define_property_or_throw(
        js_string!("next"),
        PropertyDescriptor::builder()
            .value(next)
            .writable(true)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    Ok(it.into())
}

/// Builds the array unless another VU already did; returns its elements.
fn create(name: &str, f: &JsObject, ctx: &mut Context) -> JsResult<Elements> {
    let shared = vu_config(ctx)?.shared.clone();
    let slot = shared.slot(name);
    // Held while the first VU runs the function: the others wait and then reuse its data.
    let mut data = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(d) = data.as_ref() {
        return Ok(d.clone());
    }
    let value = f.call(&JsValue::undefined(), &[], ctx)?;
    let Some(array) = value.as_object().filter(|o| o.is_array()) else {
        return Err(JsNativeError::error()
            .with_message("only arrays can be made into SharedArray")
            .into());
    };
    let len = array.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    let mut elements = Vec::with_capacity(len as usize);
    for i in 0..len {
        let v = array.get(i, ctx)?;
        // `to_json` recurses natively: a deep element must fail, not overflow.
        crate::convert::nesting::check_nesting(&v, "SharedArray", ctx)?;
        let json = v.to_json(ctx)?.unwrap_or(serde_json::Value::Null);
        elements.push(json.to_string().into_boxed_str());
    }
    let elements = Arc::new(elements);
    *data = Some(elements.clone());
    drop(data);
    // The parsed source of a large data file is garbage now; collect it before the other
    // VUs initialise rather than at some later pause, so peak memory holds one copy.
    drop((value, array));
    boa_gc::force_collect();
    Ok(elements)
}

/// A SharedArray of records built natively (`csv.parse`): `build` gives each element's
/// JSON text and runs once per process for `name`; every VU gets its own read-only view.
pub(crate) fn shared_from<E>(
    name: &str,
    build: impl FnOnce() -> Result<Vec<Box<str>>, E>,
    ctx: &mut Context,
) -> JsResult<Result<JsValue, E>> {
    let shared = vu_config(ctx)?.shared.clone();
    let slot = shared.slot(name);
    let elements = {
        let mut data = slot.lock().unwrap_or_else(|p| p.into_inner());
        match data.as_ref() {
            Some(d) => d.clone(),
            None => match build() {
                Ok(v) => data.insert(Arc::new(v)).clone(),
                Err(e) => return Ok(Err(e)),
            },
        }
    };
    Ok(Ok(proxy(Shared(elements), ctx)?))
}
