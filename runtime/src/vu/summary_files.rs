//! What `handleSummary` returned, read the way k6 reads it.
//!
//! k6 exports the returned value to Go and accepts a map whose every value is a string or
//! binary data (`ArrayBuffer`, `Uint8Array`). Anything else fails the whole summary with an
//! error naming the key and the Go type the value exported as (`int64`,
//! `map[string]interface {}`, ...), and then nothing is written at all. A falsy return
//! value means "print the default summary". Users read those Go type names in their logs,
//! so rk6 names the same ones.

use boa_engine::builtins::typed_array::TypedArrayKind;
use boa_engine::object::builtins::{
    JsArray, JsArrayBuffer, JsDate, JsMap, JsPromise, JsProxy, JsSet, JsTypedArray,
};
use boa_engine::{js_string, Context, JsObject, JsResult, JsString, JsValue};

use super::job::JobValue;

/// Why k6 refuses a `handleSummary` result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    /// The result is not a plain object.
    #[error("handleSummary() should return a map with string keys")]
    NotAMap,
    /// The value under `key` is neither a string nor binary data.
    #[error("error handling summary object {key}: invalid type {go_type}, it needs to be a string or ArrayBuffer")]
    InvalidValue { key: String, go_type: &'static str },
}

/// A value as k6's runtime exports it to Go, as far as `handleSummary` cares.
enum Exported {
    /// Written as is: a string, an `ArrayBuffer`, a `Uint8Array`, a symbol's description.
    Bytes(Vec<u8>),
    /// A plain object: `map[string]interface {}`.
    Map,
    /// Anything else, by the Go type name k6 prints.
    Other(&'static str),
}

const MAP: &str = "map[string]interface {}";

/// The files `handleSummary` asked for; `JobValue::None` for a falsy result (the default
/// summary), or k6's error.
pub(crate) fn summary_files(
    v: JsValue,
    ctx: &mut Context,
) -> JsResult<Result<JobValue, SummaryError>> {
    if !v.to_boolean() {
        return Ok(Ok(JobValue::None));
    }
    let obj = match (export(&v, ctx)?, v.as_object()) {
        (Exported::Map, Some(obj)) => obj,
        _ => return Ok(Err(SummaryError::NotAMap)),
    };
    let mut files = Vec::new();
    for key in enumerable_string_keys(&obj, ctx)? {
        let name = key.to_std_string_escaped();
        let value = obj.get(key, ctx)?;
        match export(&value, ctx)? {
            Exported::Bytes(bytes) => files.push((name, bytes)),
            Exported::Map => return Ok(Err(invalid(name, MAP))),
            Exported::Other(go_type) => return Ok(Err(invalid(name, go_type))),
        }
    }
    Ok(Ok(JobValue::Files(files)))
}

fn invalid(key: String, go_type: &'static str) -> SummaryError {
    SummaryError::InvalidValue { key, go_type }
}

/// The keys k6's export of an object sees: own, enumerable, strings (`Object.keys`).
fn enumerable_string_keys(obj: &JsObject, ctx: &mut Context) -> JsResult<Vec<JsString>> {
    let object = ctx.intrinsics().constructors().object().constructor();
    let keys = object.get(js_string!("keys"), ctx)?;
    let Some(keys) = keys.as_callable() else {
        return Ok(Vec::new());
    };
    let list = keys.call(&JsValue::undefined(), &[obj.clone().into()], ctx)?;
    let Some(list) = list
        .as_object()
        .and_then(|o| JsArray::from_object(o.clone()).ok())
    else {
        return Ok(Vec::new());
    };
    let len = list.length(ctx)?;
    let mut names = Vec::new();
    for i in 0..len {
        names.push(list.get(i, ctx)?.to_string(ctx)?);
    }
    Ok(names)
}

fn export(v: &JsValue, ctx: &mut Context) -> JsResult<Exported> {
    if let Some(s) = v.as_string() {
        return Ok(Exported::Bytes(s.to_std_string_escaped().into_bytes()));
    }
    if let Some(sym) = v.as_symbol() {
        let text = sym.description().map(|d| d.to_std_string_escaped());
        return Ok(Exported::Bytes(text.unwrap_or_default().into_bytes()));
    }
    if let Some(n) = v.as_number() {
        return Ok(Exported::Other(go_number(n)));
    }
    if v.is_null_or_undefined() {
        return Ok(Exported::Other("<nil>"));
    }
    if v.is_boolean() {
        return Ok(Exported::Other("bool"));
    }
    match v.as_object() {
        Some(obj) => export_object(&obj, ctx),
        None => Ok(Exported::Other("*big.Int")),
    }
}

fn export_object(obj: &JsObject, ctx: &mut Context) -> JsResult<Exported> {
    if JsProxy::from_object(obj.clone()).is_ok() {
        return Ok(Exported::Other("sobek.Proxy"));
    }
    if let Ok(buf) = JsArrayBuffer::from_object(obj.clone()) {
        return Ok(Exported::Bytes(buf.to_vec().unwrap_or_default()));
    }
    if let Ok(arr) = JsTypedArray::from_object(obj.clone()) {
        return match typed_array_type(arr.kind()) {
            None => {
                let bytes = crate::convert::bytes::to_bytes(&obj.clone().into(), ctx)?;
                Ok(Exported::Bytes(bytes.unwrap_or_default()))
            }
            Some(go_type) => Ok(Exported::Other(go_type)),
        };
    }
    if let Some(n) = obj.downcast_ref::<f64>().as_deref().copied() {
        return Ok(Exported::Other(go_number(n)));
    }
    let go_type = if obj.is_callable() {
        "func(sobek.FunctionCall) sobek.Value"
    } else if obj.is_array() || JsSet::from_object(obj.clone()).is_ok() {
        "[]interface {}"
    } else if JsMap::from_object(obj.clone()).is_ok() {
        "[][2]interface {}"
    } else if JsDate::from_object(obj.clone()).is_ok() {
        "time.Time"
    } else if JsPromise::from_object(obj.clone()).is_ok() {
        "*sobek.Promise"
    } else if obj.downcast_ref::<bool>().is_some() {
        "bool"
    } else {
        return Ok(Exported::Map);
    };
    Ok(Exported::Other(go_type))
}

/// sobek exports integral numbers as `int64` (negative zero and values beyond int64 stay
/// `float64`).
fn go_number(n: f64) -> &'static str {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    let integral = n.is_finite() && n.fract() == 0.0 && (-LIMIT..LIMIT).contains(&n);
    if integral && !(n == 0.0 && n.is_sign_negative()) {
        "int64"
    } else {
        "float64"
    }
}

/// The Go slice a typed array exports as; `None` for the byte arrays k6 writes.
fn typed_array_type(kind: Option<TypedArrayKind>) -> Option<&'static str> {
    Some(match kind? {
        TypedArrayKind::Uint8 | TypedArrayKind::Uint8Clamped => return None,
        TypedArrayKind::Int8 => "[]int8",
        TypedArrayKind::Int16 => "[]int16",
        TypedArrayKind::Uint16 => "[]uint16",
        TypedArrayKind::Int32 => "[]int32",
        TypedArrayKind::Uint32 => "[]uint32",
        TypedArrayKind::BigInt64 => "[]int64",
        TypedArrayKind::BigUint64 => "[]uint64",
        TypedArrayKind::Float32 => "[]float32",
        TypedArrayKind::Float64 => "[]float64",
        // k6's runtime has no Float16Array; as an object it would export as a map.
        #[allow(unreachable_patterns)]
        _ => MAP,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_are_int64_like_in_sobek() {
        assert_eq!(go_number(42.0), "int64");
        assert_eq!(go_number(-5.0), "int64");
        assert_eq!(go_number(9_007_199_254_740_992.0), "int64");
        assert_eq!(go_number(1.5), "float64");
        assert_eq!(go_number(-0.0), "float64");
        assert_eq!(go_number(f64::NAN), "float64");
        assert_eq!(go_number(9_223_372_036_854_775_808.0), "float64");
        assert_eq!(go_number(1e21), "float64");
    }
}
