//! The global `crypto` (WebCrypto as k6 v1.1 has it): `getRandomValues`, `randomUUID` and
//! `crypto.subtle`. The JS half (`js-modules/webcrypto.js`) owns argument handling, the
//! `CryptoKey` objects and k6's checks and error messages; the natives here own the key
//! material and every cryptographic operation, one submodule per algorithm family.
//!
//! Not here: `k6/crypto` (the legacy hashing module, `super::crypto`), whose digest and HMAC
//! functions `hash` reuses.

mod aes;
mod ec;
mod error;
mod hash;
mod key;
mod rsa;
mod secret;

use boa_engine::object::ObjectInitializer;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{js_string, Context, JsResult, JsValue, NativeFunction};

pub(crate) use error::WebCryptoError;

/// The natives the JS half calls, with their arities.
const NATIVES: &[(
    &str,
    boa_engine::native_function::NativeFunctionPointer,
    usize,
)] = &[
    ("random", hash::random, 1),
    ("uuid", hash::uuid, 0),
    ("digest", hash::digest, 2),
    ("hmacSign", hash::hmac_sign, 3),
    ("hmacVerify", hash::hmac_verify, 4),
    ("secretKey", secret::secret_key, 1),
    ("secretBytes", secret::secret_bytes, 1),
    ("secretFromJwk", secret::secret_from_jwk, 1),
    ("base64url", secret::base64url, 1),
    ("aesCbc", aes::aes_cbc, 4),
    ("aesCtr", aes::aes_ctr, 5),
    ("aesGcm", aes::aes_gcm, 6),
    ("ecGenerate", ec::ec_generate, 1),
    ("ecImport", ec::ec_import, 4),
    ("ecExport", ec::ec_export, 2),
    ("ecdsaSign", ec::ecdsa_sign, 3),
    ("ecdsaVerify", ec::ecdsa_verify, 4),
    ("ecdh", ec::ecdh, 2),
    ("rsaGenerate", rsa::rsa_generate, 2),
    ("rsaImport", rsa::rsa_import, 2),
    ("rsaExport", rsa::rsa_export, 2),
    ("rsaSign", rsa::rsa_sign, 5),
    ("rsaVerify", rsa::rsa_verify, 6),
    ("rsaOaep", rsa::rsa_oaep, 5),
];

/// Defines the global `crypto` as a getter that builds it on first access, so VUs that
/// never touch it never compile its JS half.
pub fn install(ctx: &mut Context) -> JsResult<()> {
    let getter = NativeFunction::from_fn_ptr(getter).to_js_function(ctx.realm());
    ctx.global_object().define_property_or_throw(
        js_string!("crypto"),
        PropertyDescriptor::builder()
            .get(getter)
            .configurable(true)
            .enumerable(false),
        ctx,
    )?;
    Ok(())
}

const WEBCRYPTO_JS: &str = include_str!("../../../../js-modules/webcrypto.js");

fn getter(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let mut native = ObjectInitializer::new(ctx);
    for (name, f, arity) in NATIVES {
        native.function(NativeFunction::from_fn_ptr(*f), super::key(name), *arity);
    }
    let native = native.build();
    let obj = super::eval_js_part("webcrypto.js", WEBCRYPTO_JS, native, ctx)?;
    ctx.global_object().define_property_or_throw(
        js_string!("crypto"),
        PropertyDescriptor::builder()
            .value(obj.clone())
            .writable(true)
            .configurable(true)
            .enumerable(false),
        ctx,
    )?;
    Ok(obj.into())
}

/// Argument `i` as bytes (the JS half passes `ArrayBuffer`s); empty when missing.
fn arg_bytes(args: &[JsValue], i: usize, ctx: &mut Context) -> JsResult<Vec<u8>> {
    let v = args.get(i).cloned().unwrap_or_default();
    Ok(crate::convert::bytes::to_bytes(&v, ctx)?.unwrap_or_default())
}

/// Argument `i` as an integer (0 when missing or not a number).
fn arg_int(args: &[JsValue], i: usize, ctx: &mut Context) -> JsResult<i64> {
    let n = args.get(i).cloned().unwrap_or_default().to_number(ctx)?;
    Ok(if n.is_finite() { n.trunc() as i64 } else { 0 })
}

/// Argument `i` as a boolean.
fn arg_bool(args: &[JsValue], i: usize) -> bool {
    args.get(i).is_some_and(JsValue::to_boolean)
}

/// An exported key: binary formats, or a JWK's JSON text (which the JS half parses).
pub enum Exported {
    Bytes(Vec<u8>),
    Json(String),
}

/// The JS value of an export, or the rejection for its error.
fn exported_or_throw(
    out: Result<Exported, WebCryptoError>,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    match out {
        Ok(Exported::Bytes(b)) => crate::convert::bytes::array_buffer(&b, ctx),
        Ok(Exported::Json(s)) => Ok(super::key(&s).into()),
        Err(e) => Err(e.into_js(ctx)),
    }
}

/// A new `ArrayBuffer` of `bytes`, or the rejection for `err`.
fn buffer_or_throw(
    result: Result<Vec<u8>, WebCryptoError>,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    match result {
        Ok(bytes) => crate::convert::bytes::array_buffer(&bytes, ctx),
        Err(e) => Err(e.into_js(ctx)),
    }
}
