//! The native half of a `CryptoKey`: its key material, held in an opaque JS object that
//! only the JS half can reach (a `WeakMap` from key to handle), so scripts and
//! `JSON.stringify` never see it.

use boa_engine::object::ObjectInitializer;
use boa_engine::{Context, Finalize, JsData, JsValue, Trace};

use super::WebCryptoError;

/// A NIST curve k6 supports for ECDSA and ECDH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    pub fn from_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Bytes of a field element (and of each half of an ECDSA signature).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// Where an RSA public key came from: k6 keeps JWK-imported public keys in a form its
/// verify, encrypt and SPKI export reject, and rk6 reports the same errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaPublicOrigin {
    Standard,
    Jwk,
}

/// The key material behind one `CryptoKey`.
pub enum KeyMaterial {
    /// AES and HMAC keys.
    Secret(Vec<u8>),
    /// An EC private scalar, big-endian, `curve.field_len()` bytes.
    EcPrivate {
        curve: Curve,
        scalar: Vec<u8>,
    },
    /// An EC public point, SEC1 uncompressed.
    EcPublic {
        curve: Curve,
        point: Vec<u8>,
    },
    RsaPrivate(Box<rsa::RsaPrivateKey>),
    RsaPublic(Box<rsa::RsaPublicKey>, RsaPublicOrigin),
}

impl KeyMaterial {
    /// Go's type name of k6's handle for this material, which k6 prints in RSA key-type
    /// errors ("given CryptoKey is not a public RSA key, it's *rsa.PrivateKey").
    pub fn go_type(&self) -> &'static str {
        match self {
            KeyMaterial::Secret(_) => "[]uint8",
            KeyMaterial::EcPrivate { .. } => "*ecdsa.PrivateKey",
            KeyMaterial::EcPublic { .. } => "*ecdsa.PublicKey",
            KeyMaterial::RsaPrivate(_) => "*rsa.PrivateKey",
            KeyMaterial::RsaPublic(_, RsaPublicOrigin::Standard) => "*rsa.PublicKey",
            KeyMaterial::RsaPublic(_, RsaPublicOrigin::Jwk) => "rsa.PublicKey",
        }
    }
}

/// The JS-side holder of a [`KeyMaterial`].
// SAFETY (unsafe_empty_trace): plain Rust data, no GC pointers.
#[derive(Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
pub struct KeyHandle(pub KeyMaterial);

/// A new opaque handle object holding `material`.
pub fn handle(material: KeyMaterial, ctx: &mut Context) -> JsValue {
    ObjectInitializer::with_native_data(KeyHandle(material), ctx)
        .build()
        .into()
}

/// Runs `f` on the material behind handle `v`.
pub fn with_material<R>(
    v: Option<&JsValue>,
    f: impl FnOnce(&KeyMaterial) -> Result<R, WebCryptoError>,
) -> Result<R, WebCryptoError> {
    let missing = || WebCryptoError::InvalidAccess("key is not a valid CryptoKey".into());
    let obj = v.and_then(JsValue::as_object).ok_or_else(missing)?;
    let handle = obj.downcast_ref::<KeyHandle>().ok_or_else(missing)?;
    f(&handle.0)
}
