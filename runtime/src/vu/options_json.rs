//! The script's `options` export as JSON, read the way k6 reads it (sobek's `Export`, then
//! Go's JSON encoder): BigInts are numbers, `undefined` keys vanish, a function anywhere is
//! an error (k6: "json: unsupported type"), a cycle is an error, and a throwing getter is a
//! script error. Whole-number floats become integers for the integer options.

use boa_engine::property::PropertyKey;
use boa_engine::{Context, JsError, JsValue};
use serde_json::{Map, Number, Value};

/// Why the options could not be read.
#[derive(Debug)]
pub enum OptionsJsonError {
    /// A value JSON cannot hold; k6's message.
    Unsupported(String),
    /// The script's own code (a getter, a proxy trap) threw.
    Thrown(JsError),
}

/// Deeper than this is taken for a cycle.
const MAX_DEPTH: usize = 64;

/// Converts `value` (the `options` export).
pub fn to_json(value: &JsValue, ctx: &mut Context) -> Result<Option<Value>, OptionsJsonError> {
    convert(value, ctx, 0)
}

fn convert(
    v: &JsValue,
    ctx: &mut Context,
    depth: usize,
) -> Result<Option<Value>, OptionsJsonError> {
    if depth > MAX_DEPTH {
        return Err(OptionsJsonError::Unsupported(
            "json: unsupported value: encountered a cycle".into(),
        ));
    }
    if v.is_undefined() {
        return Ok(None);
    }
    if v.is_null() {
        return Ok(Some(Value::Null));
    }
    if let Some(b) = v.as_boolean() {
        return Ok(Some(Value::Bool(b)));
    }
    if let Some(n) = v.as_number() {
        return Ok(Some(number(n)));
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(Value::String(s.to_std_string_escaped())));
    }
    if let Some(b) = v.as_bigint() {
        let text = b.to_string();
        let n = text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| text.parse::<f64>().map(number).unwrap_or(Value::Null));
        return Ok(Some(n));
    }
    if let Some(sym) = v.as_symbol() {
        let d = sym.description().map(|d| d.to_std_string_escaped());
        return Ok(Some(Value::String(d.unwrap_or_default())));
    }
    let Some(obj) = v.as_object() else {
        return Ok(None);
    };
    if obj.is_callable() {
        return Err(OptionsJsonError::Unsupported(
            "json: unsupported type: func(sobek.FunctionCall) sobek.Value".into(),
        ));
    }
    if obj.is_array() {
        let len = obj
            .get(boa_engine::js_string!("length"), ctx)
            .and_then(|l| l.to_length(ctx))
            .map_err(OptionsJsonError::Thrown)?;
        let mut items = Vec::new();
        for i in 0..len {
            let item = obj.get(i, ctx).map_err(OptionsJsonError::Thrown)?;
            items.push(convert(&item, ctx, depth + 1)?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(items)));
    }
    // `Object.keys`: own enumerable string keys, in order (what sobek's export walks).
    let keys = boa_engine::builtins::object::OrdinaryObject::keys(
        &JsValue::undefined(),
        std::slice::from_ref(v),
        ctx,
    )
    .map_err(OptionsJsonError::Thrown)?;
    let keys = keys.as_object();
    let len = match &keys {
        Some(k) => k
            .get(boa_engine::js_string!("length"), ctx)
            .and_then(|l| l.to_length(ctx))
            .map_err(OptionsJsonError::Thrown)?,
        None => 0,
    };
    let mut map = Map::new();
    for i in 0..len {
        let Some(keys) = &keys else { break };
        let name = keys.get(i, ctx).map_err(OptionsJsonError::Thrown)?;
        let Some(name) = name.as_string().map(|n| n.to_std_string_escaped()) else {
            continue;
        };
        let item = obj
            .get(
                PropertyKey::from(boa_engine::JsString::from(name.as_str())),
                ctx,
            )
            .map_err(OptionsJsonError::Thrown)?;
        if let Some(value) = convert(&item, ctx, depth + 1)? {
            map.insert(name, value);
        }
    }
    Ok(Some(Value::Object(map)))
}

/// JS numbers are floats (`Number("2")` is `2.0`); options that take integers (`vus`,
/// `batchPerHost`, ...) want integers, as k6's JSON decoding accepts them.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Value::from(f as i64);
    }
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}
