//! `k6/crypto` (k6's legacy hashing module): one-shot digests (`md5`, `sha256`, …), `hmac`,
//! incremental `createHash` / `createHMAC`, `randomBytes` and `hexEncode`, with k6's output
//! encodings (`hex`, `base64`, `base64url`, `base64rawurl`, `binary`). Its digests and HMACs
//! also serve WebCrypto (`super::webcrypto`).

use base64::Engine;
use boa_engine::object::ObjectInitializer;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue,
    NativeFunction, Trace,
};
use hmac::{Mac, SimpleHmac};
use sha2::Digest;

use super::lazy_exports::Export;
use super::{arg_string, key};
use crate::convert::bytes::{array_buffer, bytes_or_string};

const ALGORITHMS: [&str; 9] = [
    "md4",
    "md5",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "sha512_224",
    "sha512_256",
    "ripemd160",
];

/// `md5(input, encoding)` and its siblings: a one-shot digest; the index is into
/// [`ALGORITHMS`].
macro_rules! one_shots {
    ($($name:ident $i:literal),* $(,)?) => {
        $(fn $name(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
            one_shot($i, args, ctx)
        })*
    };
}

one_shots!(md4 0, md5 1, sha1 2, sha256 3, sha384 4, sha512 5, sha512_224 6, sha512_256 7,
    ripemd160 8);

/// `k6/crypto`'s exports with k6's arities (k6 lists them in Go map order, which varies).
static EXPORTS: [Export; 14] = [
    Export::function("md4", md4, 2),
    Export::function("md5", md5, 2),
    Export::function("sha1", sha1, 2),
    Export::function("sha256", sha256, 2),
    Export::function("sha384", sha384, 2),
    Export::function("sha512", sha512, 2),
    Export::function("sha512_224", sha512_224, 2),
    Export::function("sha512_256", sha512_256, 2),
    Export::function("ripemd160", ripemd160, 2),
    Export::function("hmac", hmac_fn, 4),
    Export::function("createHash", create_hash, 1),
    Export::function("createHMAC", create_hmac, 2),
    Export::function("randomBytes", random_bytes, 1),
    Export::function("hexEncode", hex_encode, 1),
];

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(super::lazy_exports::object(&EXPORTS, context))
}

fn algorithm(name: &str) -> JsResult<usize> {
    let normalized = name.to_ascii_lowercase().replace(['-', '/'], "_");
    ALGORITHMS
        .iter()
        .position(|a| *a == normalized)
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!("invalid hash type '{name}'"))
                .into()
        })
}

macro_rules! with_digest {
    ($alg:expr, $d:ident => $body:expr) => {
        match $alg {
            0 => {
                type $d = md4::Md4;
                $body
            }
            1 => {
                type $d = md5::Md5;
                $body
            }
            2 => {
                type $d = sha1::Sha1;
                $body
            }
            3 => {
                type $d = sha2::Sha256;
                $body
            }
            4 => {
                type $d = sha2::Sha384;
                $body
            }
            5 => {
                type $d = sha2::Sha512;
                $body
            }
            6 => {
                type $d = sha2::Sha512_224;
                $body
            }
            7 => {
                type $d = sha2::Sha512_256;
                $body
            }
            _ => {
                type $d = ripemd::Ripemd160;
                $body
            }
        }
    };
}

fn digest(alg: usize, data: &[u8]) -> Vec<u8> {
    with_digest!(alg, D => D::digest(data).to_vec())
}

fn hmac_bytes(alg: usize, secret: &[u8], data: &[u8]) -> Vec<u8> {
    with_digest!(alg, D => {
        // Any key length is valid for HMAC, so this cannot fail.
        match SimpleHmac::<D>::new_from_slice(secret) {
            Ok(mut mac) => {
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    })
}

/// Renders `bytes` in k6's output encoding.
fn encode(bytes: &[u8], encoding: &str, ctx: &mut Context) -> JsResult<JsValue> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = match encoding {
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "base64" => STANDARD.encode(bytes),
        "base64url" => URL_SAFE.encode(bytes),
        "base64rawurl" => URL_SAFE_NO_PAD.encode(bytes),
        "binary" => return array_buffer(bytes, ctx),
        other => {
            return Err(JsNativeError::typ()
                .with_message(format!("invalid output encoding: {other}"))
                .into())
        }
    };
    Ok(key(&text).into())
}

fn one_shot(alg: usize, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let data = bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    let enc = arg_string(args, 1, ctx)?;
    encode(&digest(alg, &data), &enc, ctx)
}

fn hmac_fn(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = algorithm(&arg_string(args, 0, ctx)?)?;
    let secret = bytes_or_string(&args.get(1).cloned().unwrap_or_default(), ctx)?;
    let data = bytes_or_string(&args.get(2).cloned().unwrap_or_default(), ctx)?;
    let enc = arg_string(args, 3, ctx)?;
    encode(&hmac_bytes(alg, &secret, &data), &enc, ctx)
}

/// State of a `createHash`/`createHMAC` object: input is buffered until `digest()`.
// SAFETY (unsafe_empty_trace): plain Rust data, no GC pointers.
#[derive(Debug, Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
struct Hasher {
    alg: usize,
    secret: Option<Vec<u8>>,
    input: Vec<u8>,
}

fn hasher_object(hasher: Hasher, ctx: &mut Context) -> JsResult<JsValue> {
    let proto = ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(hasher_update),
            js_string!("update"),
            1,
        )
        .function(
            NativeFunction::from_fn_ptr(hasher_digest),
            js_string!("digest"),
            1,
        )
        .build();
    Ok(
        boa_engine::object::ObjectInitializer::with_native_data_and_proto(hasher, proto, ctx)
            .build()
            .into(),
    )
}

fn create_hash(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = algorithm(&arg_string(args, 0, ctx)?)?;
    hasher_object(
        Hasher {
            alg,
            secret: None,
            input: Vec::new(),
        },
        ctx,
    )
}

fn create_hmac(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = algorithm(&arg_string(args, 0, ctx)?)?;
    let secret = bytes_or_string(&args.get(1).cloned().unwrap_or_default(), ctx)?;
    hasher_object(
        Hasher {
            alg,
            secret: Some(secret),
            input: Vec::new(),
        },
        ctx,
    )
}

fn not_a_hasher() -> boa_engine::JsError {
    JsNativeError::typ()
        .with_message("update/digest called on something that is not a hasher")
        .into()
}

fn hasher_update(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let data = bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    let obj = this.as_object().ok_or_else(not_a_hasher)?;
    let mut h = obj.downcast_mut::<Hasher>().ok_or_else(not_a_hasher)?;
    h.input.extend_from_slice(&data);
    Ok(this.clone())
}

fn hasher_digest(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let enc = arg_string(args, 0, ctx)?;
    let bytes = {
        let obj = this.as_object().ok_or_else(not_a_hasher)?;
        let h = obj.downcast_ref::<Hasher>().ok_or_else(not_a_hasher)?;
        match &h.secret {
            Some(secret) => hmac_bytes(h.alg, secret, &h.input),
            None => digest(h.alg, &h.input),
        }
    };
    encode(&bytes, &enc, ctx)
}

fn random_bytes(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let n = args.first().cloned().unwrap_or_default().to_number(ctx)?;
    if n.is_nan() || n < 1.0 {
        return Err(JsNativeError::typ().with_message("invalid size").into());
    }
    let bytes: Vec<u8> = (0..n as usize).map(|_| rand::random::<u8>()).collect();
    array_buffer(&bytes, ctx)
}

fn hex_encode(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bytes = bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    encode(&bytes, "hex", ctx)
}

/// The digest of `data` with `k6/crypto` algorithm `name` (empty for unknown names).
pub(crate) fn digest_named(name: &str, data: &[u8]) -> Vec<u8> {
    algorithm(name).map(|a| digest(a, data)).unwrap_or_default()
}

/// The HMAC of `data` with `k6/crypto` algorithm `name` (empty for unknown names).
pub(crate) fn hmac_named(name: &str, secret: &[u8], data: &[u8]) -> Vec<u8> {
    algorithm(name)
        .map(|a| hmac_bytes(a, secret, data))
        .unwrap_or_default()
}

/// Whether `mac` is the HMAC of `data`, compared in constant time (false for unknown names).
pub(crate) fn hmac_verify_named(name: &str, secret: &[u8], data: &[u8], mac: &[u8]) -> bool {
    let Ok(alg) = algorithm(name) else {
        return false;
    };
    with_digest!(alg, D => match SimpleHmac::<D>::new_from_slice(secret) {
        Ok(mut m) => {
            m.update(data);
            m.verify_slice(mac).is_ok()
        }
        Err(_) => false,
    })
}
