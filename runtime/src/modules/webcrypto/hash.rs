//! The SHA family as WebCrypto names it (`SHA-1` … `SHA-512`): `digest`, HMAC sign and
//! verify, plus `getRandomValues`' and `randomUUID`'s randomness. Digests and HMACs reuse
//! `k6/crypto`'s implementations.

use boa_engine::{Context, JsResult, JsValue};

use super::{arg_bytes, buffer_or_throw, WebCryptoError};
use crate::modules::crypto;

/// A WebCrypto hash algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn from_name(name: &str) -> Option<Hash> {
        match name {
            "SHA-1" => Some(Hash::Sha1),
            "SHA-256" => Some(Hash::Sha256),
            "SHA-384" => Some(Hash::Sha384),
            "SHA-512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// `k6/crypto`'s name of the same algorithm.
    fn legacy_name(self) -> &'static str {
        match self {
            Hash::Sha1 => "sha1",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        crypto::digest_named(self.legacy_name(), data)
    }

    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        crypto::hmac_named(self.legacy_name(), key, data)
    }
}

/// Runs `$body` with `$d` the RustCrypto digest type of hash `$h`.
macro_rules! with_hash {
    ($h:expr, $d:ident => $body:expr) => {
        match $h {
            $crate::modules::webcrypto::hash::Hash::Sha1 => {
                type $d = sha1::Sha1;
                $body
            }
            $crate::modules::webcrypto::hash::Hash::Sha256 => {
                type $d = sha2::Sha256;
                $body
            }
            $crate::modules::webcrypto::hash::Hash::Sha384 => {
                type $d = sha2::Sha384;
                $body
            }
            $crate::modules::webcrypto::hash::Hash::Sha512 => {
                type $d = sha2::Sha512;
                $body
            }
        }
    };
}
pub(super) use with_hash;

/// Argument `i` as a hash name; `message` (given the name) when it is not one.
pub fn arg_hash(
    args: &[JsValue],
    i: usize,
    message: impl FnOnce(&str) -> String,
    ctx: &mut Context,
) -> JsResult<Result<Hash, WebCryptoError>> {
    let name = crate::modules::arg_string(args, i, ctx)?;
    Ok(Hash::from_name(&name).ok_or_else(|| WebCryptoError::NotSupported(message(&name))))
}

/// `random(n)`: `n` random bytes.
pub fn random(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let n = super::arg_int(args, 0, ctx)?.clamp(0, 1 << 20) as usize;
    let mut buf = vec![0u8; n];
    rand::Rng::fill(&mut rand::rng(), &mut buf[..]);
    crate::convert::bytes::array_buffer(&buf, ctx)
}

/// `uuid()`: a random (version 4) UUID.
pub fn uuid(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(crate::modules::key(&crate::modules::http::debug::uuid_v4()).into())
}

/// `digest(hash, data)`.
pub fn digest(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let hash = arg_hash(
        args,
        0,
        |n| {
            format!("unsupported digest algorithm '{n}', accepted values are: SHA-1, SHA-256, SHA-384, and SHA-512")
        },
        ctx,
    )?;
    let data = arg_bytes(args, 1, ctx)?;
    buffer_or_throw(hash.map(|h| h.digest(&data)), ctx)
}

/// The HMAC of `data` under secret key handle `args[1]` with hash `args[0]`.
fn hmac_of(
    args: &[JsValue],
    data: &[u8],
    ctx: &mut Context,
) -> JsResult<Result<Vec<u8>, WebCryptoError>> {
    let hash = arg_hash(args, 0, |n| format!("unsupported hash algorithm {n}"), ctx)?;
    Ok(hash.and_then(|h| {
        super::key::with_material(args.get(1), |m| match m {
            super::key::KeyMaterial::Secret(k) => Ok(h.hmac(k, data)),
            _ => Err(incorrect_handle()),
        })
    }))
}

/// `hmacSign(hash, key, data)`.
pub fn hmac_sign(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let data = arg_bytes(args, 2, ctx)?;
    let mac = hmac_of(args, &data, ctx)?;
    buffer_or_throw(mac, ctx)
}

/// `hmacVerify(hash, key, signature, data)`: the MACs compared in constant time.
pub fn hmac_verify(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let signature = arg_bytes(args, 2, ctx)?;
    let data = arg_bytes(args, 3, ctx)?;
    let hash = arg_hash(args, 0, |n| format!("unsupported hash algorithm {n}"), ctx)?;
    let verified = hash.and_then(|h| {
        super::key::with_material(args.get(1), |m| match m {
            super::key::KeyMaterial::Secret(k) => Ok(crypto::hmac_verify_named(
                h.legacy_name(),
                k,
                &data,
                &signature,
            )),
            _ => Err(incorrect_handle()),
        })
    });
    match verified {
        Ok(v) => Ok(v.into()),
        Err(e) => Err(e.into_js(ctx)),
    }
}

fn incorrect_handle() -> WebCryptoError {
    WebCryptoError::InvalidAccess("key handle is of incorrect type".into())
}
