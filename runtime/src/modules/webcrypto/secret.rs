//! Secret (symmetric) keys, for AES and HMAC: handles made from raw bytes, their bytes
//! back for `raw` export, and k6's `oct` JWK parsing and base64url encoding for `jwk`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use boa_engine::{Context, JsResult, JsValue};

use super::key::{handle, with_material, KeyMaterial};
use super::{arg_bytes, buffer_or_throw, WebCryptoError};

/// `secretKey(bytes)`: a handle for secret key bytes.
pub fn secret_key(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bytes = arg_bytes(args, 0, ctx)?;
    Ok(handle(KeyMaterial::Secret(bytes), ctx))
}

/// `secretBytes(handle)`: the bytes of a secret key.
pub fn secret_bytes(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bytes = with_material(args.first(), |m| match m {
        KeyMaterial::Secret(b) => Ok(b.clone()),
        _ => Err(WebCryptoError::Operation(
            "key underlying data is not of the correct type".into(),
        )),
    });
    buffer_or_throw(bytes, ctx)
}

/// `base64url(bytes)`: unpadded base64url, JWK's encoding of key bytes.
pub fn base64url(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bytes = arg_bytes(args, 0, ctx)?;
    Ok(crate::modules::key(&URL_SAFE_NO_PAD.encode(bytes)).into())
}

/// Unpadded base64url decoding with Go's error text.
pub fn decode_base64url(text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| {
        let at = match e {
            base64::DecodeError::InvalidByte(at, _)
            | base64::DecodeError::InvalidLastSymbol(at, _) => at,
            base64::DecodeError::InvalidLength(len) => len,
            base64::DecodeError::InvalidPadding => text.find('=').unwrap_or(text.len()),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

/// The string member `name` of a JWK (empty when missing, like Go's zero value), or
/// Go's `json: cannot unmarshal` error for other types.
pub fn jwk_member(jwk: &serde_json::Value, name: &str, go_type: &str) -> Result<String, String> {
    match jwk.get(name) {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "json: cannot unmarshal {} into Go struct field {go_type}.{name} of type string",
            json_kind(other)
        )),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
        _ => "string",
    }
}

/// The key bytes of an `oct` JWK given as JSON text, or k6's message for why not.
fn symmetric_jwk(text: &str) -> Result<Vec<u8>, String> {
    let jwk: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("failed to parse symmetric JWK: {e}"))?;
    let member = |name| {
        jwk_member(&jwk, name, "webcrypto.symmetricJWK")
            .map_err(|e| format!("failed to parse symmetric JWK: {e}"))
    };
    let (kty, k) = (member("kty")?, member("k")?);
    if kty != "oct" {
        return Err(format!("invalid symmetric JWK: invalid key type: {kty}"));
    }
    if k.is_empty() {
        return Err("invalid symmetric JWK: key (k) is required".into());
    }
    decode_base64url(&k).map_err(|e| format!("failed to decode symmetric key: {e}"))
}

/// `secretFromJwk(json)`: the bytes of an `oct` JWK, or k6's DataError.
pub fn secret_from_jwk(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = crate::modules::arg_string(args, 0, ctx)?;
    buffer_or_throw(symmetric_jwk(&text).map_err(WebCryptoError::Data), ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_errors_read_like_gos() {
        assert_eq!(decode_base64url("AQAB"), Ok(vec![1, 0, 1]));
        assert_eq!(
            decode_base64url("A="),
            Err("illegal base64 data at input byte 1".to_string())
        );
        assert_eq!(
            decode_base64url("A*AA"),
            Err("illegal base64 data at input byte 1".to_string())
        );
    }

    #[test]
    fn symmetric_jwk_checks_type_then_key() {
        assert_eq!(
            symmetric_jwk(r#"{"kty":"EC","k":"AA"}"#),
            Err("invalid symmetric JWK: invalid key type: EC".to_string())
        );
        assert_eq!(
            symmetric_jwk(r#"{"kty":"oct"}"#),
            Err("invalid symmetric JWK: key (k) is required".to_string())
        );
        assert_eq!(symmetric_jwk(r#"{"kty":"oct","k":"AQI"}"#), Ok(vec![1, 2]));
    }
}
