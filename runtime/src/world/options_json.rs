//! The script's `options` export as JSON, read the way k6 reads it (sobek's `Export`, then
//! Go's JSON encoder): BigInts are numbers, `undefined` keys vanish, a function anywhere is
//! an error (k6: "json: unsupported type"), a cycle is an error, and a throwing getter is a
//! script error, and so is NaN or an infinity (Go's `json: unsupported value: NaN`).
//! Whole-number floats become integers for the integer options.

use boa_engine::property::PropertyKey;
use boa_engine::{Context, JsError, JsObject, JsValue};
use serde_json::{Map, Number, Value};

/// Why the options could not be read.
#[derive(Debug)]
pub enum OptionsJsonError {
    /// A value JSON cannot hold; k6's message.
    Unsupported(String),
    /// The script's own code (a getter, a proxy trap) threw.
    Thrown(JsError),
}

/// Deeper than this is refused even without a cycle (a getter can build an endless
/// chain of fresh objects), at the depth where Go's encoder starts looking for cycles.
const MAX_DEPTH: usize = 1_000;

/// Converts `value` (the `options` export).
pub fn to_json(value: &JsValue, ctx: &mut Context) -> Result<Option<Value>, OptionsJsonError> {
    convert(value, ctx, &mut Vec::new())
}

/// Go's words for a cycle, naming the Go type sobek exported the repeated object as.
fn cycle(obj: &JsObject) -> OptionsJsonError {
    let via = if obj.is_array() {
        "[]interface {}"
    } else {
        "map[string]interface {}"
    };
    OptionsJsonError::Unsupported(format!(
        "json: unsupported value: encountered a cycle via {via}"
    ))
}

/// `path` holds the objects being converted, outermost first: meeting one again is a cycle.
fn convert(
    v: &JsValue,
    ctx: &mut Context,
    path: &mut Vec<JsObject>,
) -> Result<Option<Value>, OptionsJsonError> {
    if path.len() > MAX_DEPTH {
        return Err(OptionsJsonError::Unsupported(
            "json: unsupported value: encountered a cycle via map[string]interface {}".into(),
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
        return number(n).map(Some);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(Value::String(s.to_std_string_escaped())));
    }
    if let Some(b) = v.as_bigint() {
        let text = b.to_string();
        let n = text.parse::<i64>().map(Value::from).unwrap_or_else(|_| {
            let f = text.parse::<f64>().unwrap_or(f64::NAN);
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        });
        return Ok(Some(n));
    }
    if let Some(sym) = v.as_symbol() {
        let d = sym.description().map(|d| d.to_std_string_escaped());
        return Ok(Some(Value::String(d.unwrap_or_default())));
    }
    let Some(obj) = v.as_object() else {
        return Ok(None);
    };
    if path.iter().any(|seen| JsObject::equals(seen, &obj)) {
        return Err(cycle(&obj));
    }
    path.push(obj.clone());
    let converted = convert_object(&obj, v, ctx, path);
    path.pop();
    converted
}

fn convert_object(
    obj: &JsObject,
    v: &JsValue,
    ctx: &mut Context,
    path: &mut Vec<JsObject>,
) -> Result<Option<Value>, OptionsJsonError> {
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
            items.push(convert(&item, ctx, path)?.unwrap_or(Value::Null));
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
        if let Some(value) = convert(&item, ctx, path)? {
            map.insert(name, value);
        }
    }
    Ok(Some(Value::Object(map)))
}

/// JS numbers are floats (`Number("2")` is `2.0`); options that take integers (`vus`,
/// `batchPerHost`, ...) want integers, as k6's JSON decoding accepts them. NaN and the
/// infinities are what Go's encoder refuses.
fn number(f: f64) -> Result<Value, OptionsJsonError> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Ok(Value::from(f as i64));
    }
    let go_name = if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    };
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| OptionsJsonError::Unsupported(format!("json: unsupported value: {go_name}")))
}
