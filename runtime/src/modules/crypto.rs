//! `k6/crypto` (k6's legacy hashing module): one-shot digests (`md5`, `sha256`, …), `hmac`,
//! incremental `createHash` / `createHMAC`, `randomBytes` and `hexEncode`, with k6's output
//! encodings (`hex`, `base64`, `base64url`, `base64rawurl`, `binary`).

use base64::Engine;
use boa_engine::object::ObjectInitializer;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue,
    NativeFunction, Trace,
};
use hmac::{Mac, SimpleHmac};
use sha2::Digest;

use super::bytes::{array_buffer, bytes_or_string};
use super::lazy_exports::Export;
use super::{arg_string, key};

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

/// The global `crypto` (WebCrypto subset): built on first access so VUs that never touch it
/// never compile its JS part.
pub fn install_webcrypto(ctx: &mut Context) -> JsResult<()> {
    use boa_engine::property::PropertyDescriptor;
    let getter = NativeFunction::from_fn_ptr(webcrypto_getter).to_js_function(ctx.realm());
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

const WEBCRYPTO_JS: &str = include_str!("../../../js-modules/webcrypto.js");

fn webcrypto_getter(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    use boa_engine::property::PropertyDescriptor;
    let native = ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(wc_random),
            js_string!("random"),
            1,
        )
        .function(NativeFunction::from_fn_ptr(wc_uuid), js_string!("uuid"), 0)
        .function(
            NativeFunction::from_fn_ptr(wc_digest),
            js_string!("digest"),
            2,
        )
        .function(NativeFunction::from_fn_ptr(wc_hmac), js_string!("hmac"), 3)
        .function(
            NativeFunction::from_fn_ptr(wc_aes_gcm),
            js_string!("aesGcm"),
            5,
        )
        .build();
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

/// WebCrypto's hash names to this module's algorithm indexes.
fn web_hash(name: &str) -> JsResult<usize> {
    match name {
        "SHA-1" => algorithm("sha1"),
        "SHA-256" => algorithm("sha256"),
        "SHA-384" => algorithm("sha384"),
        "SHA-512" => algorithm("sha512"),
        other => Err(JsNativeError::typ()
            .with_message(format!(
                "NotSupportedError: unsupported hash algorithm {other}"
            ))
            .into()),
    }
}

fn wc_random(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let n = args.first().cloned().unwrap_or_default().to_u32(ctx)? as usize;
    let mut buf = vec![0u8; n.min(65536)];
    rand::Rng::fill(&mut rand::rng(), &mut buf[..]);
    super::bytes::array_buffer(&buf, ctx)
}

fn wc_uuid(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let b: [u8; 16] = rand::random();
    let s = format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        (u16::from_be_bytes([b[6], b[7]]) & 0x0fff) | 0x4000,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    );
    Ok(super::key(&s).into())
}

fn wc_digest(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = web_hash(&super::arg_string(args, 0, ctx)?)?;
    let data = super::bytes::bytes_or_string(&args.get(1).cloned().unwrap_or_default(), ctx)?;
    super::bytes::array_buffer(&digest(alg, &data), ctx)
}

fn wc_hmac(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = web_hash(&super::arg_string(args, 0, ctx)?)?;
    let key = super::bytes::bytes_or_string(&args.get(1).cloned().unwrap_or_default(), ctx)?;
    let data = super::bytes::bytes_or_string(&args.get(2).cloned().unwrap_or_default(), ctx)?;
    super::bytes::array_buffer(&hmac_bytes(alg, &key, &data), ctx)
}

/// `aesGcm(encrypt, key, iv, aad, data)`: ciphertext with its 128-bit tag appended, or
/// the plaintext; WebCrypto's OperationError when the tag does not verify.
fn wc_aes_gcm(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm, Nonce};
    let encrypt = args.first().is_some_and(JsValue::to_boolean);
    let arg = |i: usize, ctx: &mut Context| {
        super::bytes::bytes_or_string(&args.get(i).cloned().unwrap_or_default(), ctx)
    };
    let (key, iv, aad, data) = (arg(1, ctx)?, arg(2, ctx)?, arg(3, ctx)?, arg(4, ctx)?);
    if iv.len() != 12 {
        return Err(JsNativeError::error()
            .with_message("NotSupportedError: rk6 supports 96-bit AES-GCM IVs")
            .into());
    }
    let nonce = Nonce::from_slice(&iv);
    let payload = Payload {
        msg: &data,
        aad: &aad,
    };
    type Aes192Gcm = AesGcm<aes_gcm::aes::Aes192, aes_gcm::aead::consts::U12>;
    let out = match key.len() {
        16 => run(Aes128Gcm::new_from_slice(&key), encrypt, nonce, payload),
        24 => run(Aes192Gcm::new_from_slice(&key), encrypt, nonce, payload),
        32 => run(Aes256Gcm::new_from_slice(&key), encrypt, nonce, payload),
        _ => None,
    };
    fn run<C: Aead, E>(
        cipher: Result<C, E>,
        encrypt: bool,
        nonce: &aes_gcm::Nonce<C::NonceSize>,
        payload: Payload<'_, '_>,
    ) -> Option<Vec<u8>> {
        let c = cipher.ok()?;
        if encrypt {
            c.encrypt(nonce, payload).ok()
        } else {
            c.decrypt(nonce, payload).ok()
        }
    }
    match out {
        Some(bytes) => super::bytes::array_buffer(&bytes, ctx),
        None => Err(JsNativeError::error()
            .with_message("OperationError: AES-GCM operation failed")
            .into()),
    }
}
