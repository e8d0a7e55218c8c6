//! `k6/encoding`: `b64encode(input, [encoding])` and `b64decode(input, [encoding], [format])`
//! with k6's four alphabets (`std`, `rawstd`, `url`, `rawurl`).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsValue};

use super::lazy_exports::Export;
use super::{arg_string, key};
use crate::convert::bytes::{array_buffer, bytes_or_string};

static EXPORTS: [Export; 2] = [
    Export::function("b64encode", b64encode, 2),
    Export::function("b64decode", b64decode, 3),
];

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(super::lazy_exports::object(&EXPORTS, context))
}

fn engine(name: &str) -> JsResult<&'static base64::engine::GeneralPurpose> {
    match name {
        "" | "std" => Ok(&STANDARD),
        "rawstd" => Ok(&STANDARD_NO_PAD),
        "url" => Ok(&URL_SAFE),
        "rawurl" => Ok(&URL_SAFE_NO_PAD),
        other => Err(JsNativeError::typ()
            .with_message(format!("unsupported base64 encoding: {other}"))
            .into()),
    }
}

fn optional_string(args: &[JsValue], i: usize, ctx: &mut Context) -> JsResult<String> {
    match args.get(i) {
        Some(v) if !v.is_undefined() && !v.is_null() => arg_string(args, i, ctx),
        _ => Ok(String::new()),
    }
}

fn b64encode(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let data = bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    let enc = engine(&optional_string(args, 1, ctx)?)?;
    Ok(key(&enc.encode(data)).into())
}

fn b64decode(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = arg_string(args, 0, ctx)?;
    let enc = engine(&optional_string(args, 1, ctx)?)?;
    let bytes = enc
        .decode(text.trim_end_matches('\n'))
        .map_err(|e| JsNativeError::error().with_message(format!("illegal base64 data: {e}")))?;
    if optional_string(args, 2, ctx)? == "s" {
        return Ok(key(&String::from_utf8_lossy(&bytes)).into());
    }
    array_buffer(&bytes, ctx)
}
