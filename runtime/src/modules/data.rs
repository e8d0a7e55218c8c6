//! `k6/data` (`SharedArray`): the data is built once per test run and held here as JSON
//! text per element, shared by every VU of the process — one copy in memory, not one per
//! VU. The JS side (`js-modules/k6/data.js`) is a read-only proxy parsing elements on
//! access, as k6 does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use crate::vu::state::{vu_state, Phase};

const JS: &str = include_str!("../../../js-modules/k6/data.js");

type Elements = Arc<Vec<Box<str>>>;
/// One array's data, filled by the first VU that constructs it.
type Slot = Arc<Mutex<Option<Elements>>>;

/// The shared arrays of a test run, by name.
#[derive(Debug, Clone, Default)]
pub struct SharedArrays {
    arrays: Arc<Mutex<HashMap<String, Slot>>>,
}

impl SharedArrays {
    fn slot(&self, name: &str) -> Slot {
        let mut all = self.arrays.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(name.to_string()).or_default().clone()
    }

    fn get(&self, name: &str) -> Option<Elements> {
        let all = self.arrays.lock().unwrap_or_else(|p| p.into_inner());
        let slot = all.get(name)?.clone();
        drop(all);
        let data = slot.lock().unwrap_or_else(|p| p.into_inner());
        data.clone()
    }
}

pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let native = ObjectInitializer::new(ctx)
        .function(NativeFunction::from_fn_ptr(create), js_string!("create"), 2)
        .function(NativeFunction::from_fn_ptr(get), js_string!("get"), 2)
        .build();
    super::eval_js_part("k6/data.js", JS, native, ctx)
}

/// `create(name, fn)`: builds the array unless another VU already did; returns its length.
fn create(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let state = vu_state(ctx)?;
    if state.borrow().phase != Phase::Init {
        return Err(JsNativeError::error()
            .with_message("new SharedArray must be called in the init context")
            .into());
    }
    let name = super::arg_string(args, 0, ctx)?;
    let shared = state.borrow().config.shared.clone();
    let slot = shared.slot(&name);
    // Held while the first VU runs the function: the others wait and then reuse its data.
    let mut data = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(d) = data.as_ref() {
        return Ok(JsValue::from(d.len() as f64));
    }
    let Some(f) = args.get(1).and_then(JsValue::as_callable) else {
        return Err(JsNativeError::typ()
            .with_message("a function is expected as the second argument of SharedArray")
            .into());
    };
    let value = f.call(&JsValue::undefined(), &[], ctx)?;
    let Some(array) = value.as_object().filter(|o| o.is_array()) else {
        return Err(JsNativeError::typ()
            .with_message("only arrays can be made into SharedArray")
            .into());
    };
    let len = array.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    let mut elements = Vec::with_capacity(len as usize);
    for i in 0..len {
        let v = array.get(i, ctx)?;
        let json = v.to_json(ctx)?.unwrap_or(serde_json::Value::Null);
        elements.push(json.to_string().into_boxed_str());
    }
    *data = Some(Arc::new(elements));
    drop(data);
    // The parsed source of a large data file is garbage now; collect it before the other
    // VUs initialise rather than at some later pause, so peak memory holds one copy.
    drop((value, array));
    boa_gc::force_collect();
    Ok(JsValue::from(len as f64))
}

/// `get(name, i)`: element `i`, parsed.
fn get(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = super::arg_string(args, 0, ctx)?;
    let i = args.get(1).cloned().unwrap_or_default().to_number(ctx)? as usize;
    let shared = vu_state(ctx)?.borrow().config.shared.clone();
    let Some(data) = shared.get(&name) else {
        return Ok(JsValue::undefined());
    };
    let Some(text) = data.get(i) else {
        return Ok(JsValue::undefined());
    };
    super::globals::parse_json_text(text, ctx)
}
