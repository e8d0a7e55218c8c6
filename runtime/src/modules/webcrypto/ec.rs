//! ECDSA and ECDH on P-256, P-384 and P-521: key pairs, `raw`/`spki`/`pkcs8`/`jwk` import
//! and export with k6's encodings (PKCS#8 without curve parameters inside the EC key, JWK
//! coordinates without leading zero bytes), signatures as `r || s`, and shared secrets.
//! Signing is deterministic (RFC 6979); k6's are random, both verify the same way.

use boa_engine::object::builtins::JsArray;
use boa_engine::{Context, JsResult, JsValue};
use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use elliptic_curve::pkcs8::der::{Decode, Encode};
use elliptic_curve::pkcs8::{AssociatedOid, DecodePrivateKey, EncodePublicKey, ObjectIdentifier};
use elliptic_curve::sec1::ToEncodedPoint;

use super::hash::{arg_hash, Hash};
use super::key::{handle, with_material, Curve, KeyMaterial};
use super::secret::{decode_base64url, jwk_member};
use super::{arg_bytes, buffer_or_throw, exported_or_throw, Exported, WebCryptoError};
use crate::modules::arg_string;

type Result<T> = std::result::Result<T, WebCryptoError>;

/// Runs `$body` with `$c` the RustCrypto crate of curve `$curve`.
macro_rules! with_curve {
    ($curve:expr, $c:ident => $body:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $c;
                $body
            }
            Curve::P384 => {
                use p384 as $c;
                $body
            }
            Curve::P521 => {
                use p521 as $c;
                $body
            }
        }
    };
}

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

impl Curve {
    fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => p256::NistP256::OID,
            Curve::P384 => p384::NistP384::OID,
            Curve::P521 => p521::NistP521::OID,
        }
    }

    fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        [Curve::P256, Curve::P384, Curve::P521]
            .into_iter()
            .find(|c| c.oid() == *oid)
    }
}

/// Which of the two EC algorithms a key belongs to: k6's messages name them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Ecdsa,
    Ecdh,
}

impl Algorithm {
    fn from_arg(args: &[JsValue], ctx: &mut Context) -> JsResult<Algorithm> {
        Ok(match arg_string(args, 0, ctx)?.as_str() {
            "ECDH" => Algorithm::Ecdh,
            _ => Algorithm::Ecdsa,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Ecdsa => "ECDSA",
            Algorithm::Ecdh => "ECDH",
        }
    }
}

/// `[handle, type]` for the JS half.
fn pair(a: JsValue, b: JsValue, ctx: &mut Context) -> JsValue {
    JsArray::from_iter([a, b], ctx).into()
}

/// `ecGenerate(curve)`: `[privateHandle, publicHandle]`.
pub fn ec_generate(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = arg_string(args, 0, ctx)?;
    let Some(curve) = Curve::from_name(&name) else {
        let e = WebCryptoError::NotSupported(format!("elliptic curve {name} is not supported"));
        return Err(e.into_js(ctx));
    };
    let scalar = with_curve!(curve, c => c::SecretKey::random(&mut rsa::rand_core::OsRng).to_bytes().to_vec());
    let point = point_of(curve, &scalar).map_err(|e| e.into_js(ctx))?;
    let private = handle(KeyMaterial::EcPrivate { curve, scalar }, ctx);
    let public = handle(KeyMaterial::EcPublic { curve, point }, ctx);
    Ok(pair(private, public, ctx))
}

/// `ecImport(algorithm, format, namedCurve, data)`: `[handle, type]`; `data` is bytes, or
/// JSON text for `jwk`.
pub fn ec_import(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let alg = Algorithm::from_arg(args, ctx)?;
    let format = arg_string(args, 1, ctx)?;
    let curve = arg_string(args, 2, ctx)?;
    let material = match format.as_str() {
        "raw" => import_raw(alg, &curve, &arg_bytes(args, 3, ctx)?),
        "spki" => import_spki(&arg_bytes(args, 3, ctx)?),
        "pkcs8" => import_pkcs8(alg, &arg_bytes(args, 3, ctx)?),
        "jwk" => import_jwk(alg, &arg_string(args, 3, ctx)?),
        other => Err(WebCryptoError::NotSupported(format!(
            "unsupported key format {other} for algorithm {}",
            alg.name()
        ))),
    };
    let material = material.map_err(|e| e.into_js(ctx))?;
    let kind = match material {
        KeyMaterial::EcPrivate { .. } => "private",
        _ => "public",
    };
    let h = handle(material, ctx);
    Ok(pair(h, crate::modules::key(kind).into(), ctx))
}

fn import_raw(alg: Algorithm, curve: &str, data: &[u8]) -> Result<KeyMaterial> {
    let Some(curve) = Curve::from_name(curve) else {
        return Err(WebCryptoError::NotSupported(match alg {
            Algorithm::Ecdh => format!("invalid ECDH curve {curve}"),
            Algorithm::Ecdsa => format!("invalid elliptic curve {curve}"),
        }));
    };
    let uncompressed = data.first() == Some(&4) && data.len() == 1 + 2 * curve.field_len();
    let valid =
        uncompressed && with_curve!(curve, c => c::PublicKey::from_sec1_bytes(data).is_ok());
    if !valid {
        return Err(WebCryptoError::Data(match alg {
            Algorithm::Ecdh => {
                "unable to import ECDH public key data: crypto/ecdh: invalid public key".into()
            }
            Algorithm::Ecdsa => "unable to import ECDSA public key data".into(),
        }));
    }
    Ok(KeyMaterial::EcPublic {
        curve,
        point: data.to_vec(),
    })
}

/// An SPKI public key; the curve comes from the data (k6 ignores `namedCurve` here).
fn import_spki(der: &[u8]) -> Result<KeyMaterial> {
    let fail =
        |e: String| WebCryptoError::Data(format!("unable to import ECDH public key data: {e}"));
    let info = elliptic_curve::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| fail(e.to_string()))?;
    if info.algorithm.oid != EC_PUBLIC_KEY {
        return Err(WebCryptoError::Data(
            "a public key is not an ECDSA key".into(),
        ));
    }
    let curve =
        curve_of(&info.algorithm).ok_or_else(|| fail("x509: unsupported elliptic curve".into()))?;
    let point = with_curve!(curve, c => {
        use elliptic_curve::pkcs8::DecodePublicKey;
        c::PublicKey::from_public_key_der(der)
            .map(|k| k.to_encoded_point(false).as_bytes().to_vec())
            .map_err(|e| fail(e.to_string()))?
    });
    Ok(KeyMaterial::EcPublic { curve, point })
}

/// The named curve of an `id-ecPublicKey` algorithm identifier.
fn curve_of(alg: &elliptic_curve::pkcs8::AlgorithmIdentifierRef<'_>) -> Option<Curve> {
    alg.parameters_oid()
        .ok()
        .and_then(|oid| Curve::from_oid(&oid))
}

/// A PKCS#8 private key; the curve comes from the data.
fn import_pkcs8(alg: Algorithm, der: &[u8]) -> Result<KeyMaterial> {
    let fail = |e: String| {
        WebCryptoError::Data(format!(
            "unable to import {} private key data: {e}",
            alg.name()
        ))
    };
    let info =
        elliptic_curve::pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| fail(e.to_string()))?;
    let oid = info.algorithm.oid;
    if oid == RSA_ENCRYPTION {
        return Err(WebCryptoError::Data(
            "a private key is not an ECDSA key".into(),
        ));
    }
    if oid != EC_PUBLIC_KEY {
        return Err(fail(format!(
            "x509: PKCS#8 wrapping contained private key with unknown algorithm: {oid}"
        )));
    }
    let curve =
        curve_of(&info.algorithm).ok_or_else(|| fail("x509: unknown elliptic curve".into()))?;
    let scalar = with_curve!(curve, c => c::SecretKey::from_pkcs8_der(der)
        .map(|k| k.to_bytes().to_vec())
        .map_err(|e| fail(e.to_string()))?);
    Ok(KeyMaterial::EcPrivate { curve, scalar })
}

/// `bytes` as a big-endian integer of exactly `len` bytes, if it fits.
fn fixed_width(bytes: &[u8], len: usize) -> Option<Vec<u8>> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let digits = &bytes[start..];
    (digits.len() <= len).then(|| {
        let mut out = vec![0u8; len - digits.len()];
        out.extend_from_slice(digits);
        out
    })
}

/// An EC JWK (k6's plain Go errors, prefixed for ECDH as k6 does).
fn import_jwk(alg: Algorithm, text: &str) -> Result<KeyMaterial> {
    import_jwk_inner(text).map_err(|e| {
        WebCryptoError::Plain(match alg {
            Algorithm::Ecdh => format!("failed to parse input as ECDH key: {e}"),
            Algorithm::Ecdsa => e,
        })
    })
}

fn import_jwk_inner(text: &str) -> std::result::Result<KeyMaterial, String> {
    let parse = |e: String| format!("failed to parse input as EC JWK key: {e}");
    let jwk: serde_json::Value = serde_json::from_str(text).map_err(|e| parse(e.to_string()))?;
    let member = |name| jwk_member(&jwk, name, "webcrypto.ecJWK").map_err(parse);
    let (kty, crv, x, y, d) = (
        member("kty")?,
        member("crv")?,
        member("x")?,
        member("y")?,
        member("d")?,
    );
    let missing = [
        (kty != "EC", format!("invalid key type: {kty}")),
        (crv.is_empty(), "curve is required".into()),
        (x.is_empty(), "coordinate X is required".into()),
        (y.is_empty(), "coordinate Y is required".into()),
    ];
    if let Some((_, why)) = missing.into_iter().find(|(bad, _)| *bad) {
        return Err(format!("invalid EC JWK key: {why}"));
    }
    let curve = Curve::from_name(&crv)
        .ok_or_else(|| format!("failed to parse elliptic curve: invalid elliptic curve {crv}"))?;
    let x = decode_base64url(&x).map_err(|e| format!("failed to decode X coordinate: {e}"))?;
    let y = decode_base64url(&y).map_err(|e| format!("failed to decode Y coordinate: {e}"))?;
    let n = curve.field_len();
    let invalid =
        || "failed to convert ECDSA key to ECDH key: ecdsa: invalid public key".to_string();
    let (x, y) = (
        fixed_width(&x, n).ok_or_else(invalid)?,
        fixed_width(&y, n).ok_or_else(invalid)?,
    );
    let point = [&[4u8][..], &x, &y].concat();
    if !with_curve!(curve, c => c::PublicKey::from_sec1_bytes(&point).is_ok()) {
        return Err(invalid());
    }
    if d.is_empty() {
        return Ok(KeyMaterial::EcPublic { curve, point });
    }
    let d = decode_base64url(&d).map_err(|e| format!("failed to decode D: {e}"))?;
    let scalar = fixed_width(&d, n)
        .filter(|s| with_curve!(curve, c => c::SecretKey::from_slice(s).is_ok()))
        .ok_or_else(|| {
            "failed to convert ECDSA key to ECDH key: ecdh: invalid private key".to_string()
        })?;
    Ok(KeyMaterial::EcPrivate { curve, scalar })
}

/// The public point of a private scalar.
fn point_of(curve: Curve, scalar: &[u8]) -> Result<Vec<u8>> {
    with_curve!(curve, c => c::SecretKey::from_slice(scalar)
        .map(|sk| sk.public_key().to_encoded_point(false).as_bytes().to_vec())
        .map_err(|_| WebCryptoError::Operation("key data is not accessible".into())))
}

/// `ecExport(format, handle)`: bytes, or JSON text for `jwk`.
pub fn ec_export(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let format = arg_string(args, 0, ctx)?;
    let not_public =
        || WebCryptoError::InvalidAccess("key is not a valid elliptic curve public key".into());
    let out = with_material(args.get(1), |m| match (format.as_str(), m) {
        ("raw", KeyMaterial::EcPublic { point, .. }) => Ok(Exported::Bytes(point.clone())),
        ("spki", KeyMaterial::EcPublic { curve, point }) => {
            spki_of(*curve, point).map(Exported::Bytes)
        }
        ("raw" | "spki", _) => Err(not_public()),
        ("pkcs8", KeyMaterial::EcPrivate { curve, scalar }) => {
            pkcs8_of(*curve, scalar).map(Exported::Bytes)
        }
        ("pkcs8", _) => Err(WebCryptoError::InvalidAccess(
            "key is not a valid elliptic curve private key".into(),
        )),
        ("jwk", m) => jwk_of(m).map(Exported::Json),
        (other, _) => Err(WebCryptoError::NotSupported(format!(
            "unsupported key format {other}"
        ))),
    });
    exported_or_throw(out, ctx)
}

fn spki_of(curve: Curve, point: &[u8]) -> Result<Vec<u8>> {
    let fail =
        |e: String| WebCryptoError::Operation(format!("unable to marshal key to SPKI format: {e}"));
    with_curve!(curve, c => c::PublicKey::from_sec1_bytes(point)
        .map_err(|e| fail(e.to_string()))?
        .to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| fail(e.to_string())))
}

/// PKCS#8 as Go writes it: the EC private key carries the public key but no curve.
fn pkcs8_of(curve: Curve, scalar: &[u8]) -> Result<Vec<u8>> {
    let fail = |e: String| {
        WebCryptoError::Operation(format!("unable to marshal key to PKCS8 format: {e}"))
    };
    let point = point_of(curve, scalar)?;
    let ec = sec1::EcPrivateKey {
        private_key: scalar,
        parameters: None,
        public_key: Some(&point),
    };
    let inner = ec.to_der().map_err(|e| fail(e.to_string()))?;
    let curve_oid = curve.oid();
    let info = elliptic_curve::pkcs8::PrivateKeyInfo {
        algorithm: elliptic_curve::pkcs8::AlgorithmIdentifierRef {
            oid: EC_PUBLIC_KEY,
            parameters: Some((&curve_oid).into()),
        },
        private_key: &inner,
        public_key: None,
    };
    info.to_der().map_err(|e| fail(e.to_string()))
}

/// k6's EC JWK: `x` and `y` without leading zero bytes, `d` at full width.
fn jwk_of(m: &KeyMaterial) -> Result<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let (curve, point, d) = match m {
        KeyMaterial::EcPublic { curve, point } => (*curve, point.clone(), None),
        KeyMaterial::EcPrivate { curve, scalar } => {
            (*curve, point_of(*curve, scalar)?, Some(scalar))
        }
        _ => {
            return Err(WebCryptoError::Operation(
                "key's handle isn't an ECDSA/ECDH public/private key".into(),
            ))
        }
    };
    let n = curve.field_len();
    let trim = |b: &[u8]| {
        let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
        URL_SAFE_NO_PAD.encode(&b[start..])
    };
    let (Some(x), Some(y)) = (point.get(1..1 + n), point.get(1 + n..)) else {
        return Err(WebCryptoError::Operation(
            "key data is not accessible".into(),
        ));
    };
    let mut jwk = serde_json::json!({
        "kty": "EC",
        "crv": curve.name(),
        "x": trim(x),
        "y": trim(y),
    });
    if let Some(d) = d {
        jwk["d"] = URL_SAFE_NO_PAD.encode(d).into();
    }
    Ok(jwk.to_string())
}

/// `hash(data)` widened to a field element where shorter: the same integer, and what the
/// ECDSA crates accept for every hash/curve pair Go accepts.
fn prehash(curve: Curve, hash: Hash, data: &[u8]) -> Vec<u8> {
    let h = hash.digest(data);
    let n = curve.field_len();
    if h.len() >= n {
        return h;
    }
    let mut out = vec![0u8; n - h.len()];
    out.extend_from_slice(&h);
    out
}

/// `ecdsaSign(hash, handle, data)`: `r || s`.
pub fn ecdsa_sign(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let hash = arg_hash(args, 0, |n| format!("unsupported hash algorithm: {n}"), ctx)?;
    let data = arg_bytes(args, 2, ctx)?;
    let out = hash.and_then(|hash| {
        with_material(args.get(1), |m| {
            let KeyMaterial::EcPrivate { curve, scalar } = m else {
                return Err(WebCryptoError::InvalidAccess(
                    "key is not a valid ECDSA private key".into(),
                ));
            };
            let digest = prehash(*curve, hash, &data);
            let fail =
                |e: ecdsa::Error| WebCryptoError::Operation(format!("unable to sign data: {e}"));
            with_curve!(*curve, c => {
                let key = c::ecdsa::SigningKey::from_slice(scalar).map_err(fail)?;
                let sig: c::ecdsa::Signature = key.sign_prehash(&digest).map_err(fail)?;
                Ok(sig.to_bytes().to_vec())
            })
        })
    });
    buffer_or_throw(out, ctx)
}

/// `ecdsaVerify(hash, handle, signature, data)`: false for malformed signatures.
pub fn ecdsa_verify(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let hash = arg_hash(args, 0, |n| format!("unsupported hash algorithm: {n}"), ctx)?;
    let signature = arg_bytes(args, 2, ctx)?;
    let data = arg_bytes(args, 3, ctx)?;
    let out = hash.and_then(|hash| {
        with_material(args.get(1), |m| {
            let KeyMaterial::EcPublic { curve, point } = m else {
                return Err(WebCryptoError::InvalidAccess(
                    "key is not a valid ECDSA public key".into(),
                ));
            };
            if signature.len() != 2 * curve.field_len() {
                return Ok(false);
            }
            let digest = prehash(*curve, hash, &data);
            Ok(with_curve!(*curve, c => {
                let key = c::ecdsa::VerifyingKey::from_sec1_bytes(point);
                let sig = c::ecdsa::Signature::from_slice(&signature);
                matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(&digest, &s).is_ok())
            }))
        })
    });
    out.map(JsValue::from).map_err(|e| e.into_js(ctx))
}

/// `ecdh(privateHandle, publicHandle)`: the shared secret (the x coordinate).
pub fn ecdh(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let private = with_material(args.first(), |m| match m {
        KeyMaterial::EcPrivate { curve, scalar } => Ok((*curve, scalar.clone())),
        _ => Err(WebCryptoError::InvalidAccess(
            "key is not a valid ECDH private key".into(),
        )),
    });
    let public = with_material(args.get(1), |m| match m {
        KeyMaterial::EcPublic { curve, point } => Ok((*curve, point.clone())),
        _ => Err(WebCryptoError::InvalidAccess(
            "key is not a valid ECDH public key".into(),
        )),
    });
    let out = private.and_then(|(curve, scalar)| {
        let (other, point) = public?;
        if other != curve {
            return Err(WebCryptoError::Operation(
                "crypto/ecdh: private key and public key curves do not match".into(),
            ));
        }
        let invalid = |_| WebCryptoError::Operation("crypto/ecdh: invalid private key".into());
        with_curve!(curve, c => {
            let sk = c::SecretKey::from_slice(&scalar).map_err(invalid)?;
            let pk = c::PublicKey::from_sec1_bytes(&point).map_err(invalid)?;
            let shared = c::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
            Ok(shared.raw_secret_bytes().to_vec())
        })
    });
    buffer_or_throw(out, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_pads_short_integers_and_refuses_long_ones() {
        assert_eq!(fixed_width(&[1, 2], 4), Some(vec![0, 0, 1, 2]));
        assert_eq!(fixed_width(&[0, 0, 0, 1, 2], 4), Some(vec![0, 0, 1, 2]));
        assert_eq!(fixed_width(&[1, 2, 3, 4, 5], 4), None);
    }

    #[test]
    fn pkcs8_export_is_gos_layout_and_imports_back() {
        let scalar = p256::SecretKey::random(&mut rsa::rand_core::OsRng)
            .to_bytes()
            .to_vec();
        let der = pkcs8_of(Curve::P256, &scalar).expect("export");
        // Go omits the curve inside the EC key: a 135-byte SEQUENCE for P-256, as k6 writes.
        assert_eq!(der[..3], [48, 129, 135]);
        assert_eq!(der.len(), 138);
        match import_pkcs8(Algorithm::Ecdsa, &der).expect("import") {
            KeyMaterial::EcPrivate {
                curve,
                scalar: back,
            } => {
                assert_eq!(curve, Curve::P256);
                assert_eq!(back, scalar);
            }
            _ => panic!("not a private key"),
        }
    }

    #[test]
    fn jwk_with_an_off_curve_point_is_refused_with_gos_message() {
        let jwk = r#"{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}"#;
        let err = import_jwk(Algorithm::Ecdh, jwk)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("failed to parse input as ECDH key: failed to convert ECDSA key to ECDH key: ecdsa: invalid public key")
        );
    }
}
