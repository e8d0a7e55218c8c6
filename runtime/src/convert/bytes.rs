//! Conversions between JS binary values (`ArrayBuffer`, typed arrays) and Rust bytes.

use boa_engine::builtins::array_buffer::AlignedVec;
use boa_engine::object::builtins::{JsArrayBuffer, JsTypedArray, JsUint8Array};
use boa_engine::{Context, JsResult, JsValue};

/// The bytes of an `ArrayBuffer` or typed array, or `None` for other values.
pub fn to_bytes(value: &JsValue, context: &mut Context) -> JsResult<Option<Vec<u8>>> {
    let Some(obj) = value.as_object() else {
        return Ok(None);
    };
    if let Ok(buf) = JsArrayBuffer::from_object(obj.clone()) {
        return Ok(Some(buf.to_vec().unwrap_or_default()));
    }
    if let Ok(arr) = JsTypedArray::from_object(obj.clone()) {
        let buffer = arr.buffer(context)?;
        let offset = arr.byte_offset(context)?;
        let len = arr.byte_length(context)?;
        if let Some(buf) = buffer
            .as_object()
            .and_then(|o| JsArrayBuffer::from_object(o.clone()).ok())
        {
            let all = buf.to_vec().unwrap_or_default();
            let end = (offset + len).min(all.len());
            return Ok(Some(all[offset.min(end)..end].to_vec()));
        }
    }
    let _ = JsUint8Array::from_object;
    Ok(None)
}

/// The bytes of a binary value, or of its string form (UTF-8) for anything else: how k6
/// reads every "string or ArrayBuffer" argument.
pub fn bytes_or_string(value: &JsValue, context: &mut Context) -> JsResult<Vec<u8>> {
    match to_bytes(value, context)? {
        Some(b) => Ok(b),
        None => Ok(value
            .to_string(context)?
            .to_std_string_escaped()
            .into_bytes()),
    }
}

/// A new `ArrayBuffer` holding `bytes`.
pub fn array_buffer(bytes: &[u8], context: &mut Context) -> JsResult<JsValue> {
    let block = AlignedVec::from_slice(64, bytes);
    Ok(JsArrayBuffer::from_byte_block(block, context)?.into())
}
