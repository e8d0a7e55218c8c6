//! RSA: key pairs (k6 accepts only the exponent 65537), `spki`/`pkcs8`/`jwk` import and
//! export, RSASSA-PKCS1-v1_5 and RSA-PSS signatures, and RSA-OAEP encryption, with the
//! messages k6 (Go's `crypto/rsa`) gives.

use boa_engine::object::builtins::JsArray;
use boa_engine::{Context, JsResult, JsValue};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};

use super::hash::{arg_hash, with_hash, Hash};
use super::key::{handle, with_material, KeyMaterial, RsaPublicOrigin};
use super::secret::{decode_base64url, jwk_member};
use super::{arg_bytes, arg_int, buffer_or_throw, exported_or_throw, Exported, WebCryptoError};
use crate::modules::arg_string;

type Result<T> = std::result::Result<T, WebCryptoError>;

fn not_private(m: &KeyMaterial) -> WebCryptoError {
    WebCryptoError::InvalidAccess(format!(
        "given CryptoKey is not a private RSA key, it's {}",
        m.go_type()
    ))
}

fn not_public(m: &KeyMaterial) -> WebCryptoError {
    WebCryptoError::InvalidAccess(format!(
        "given CryptoKey is not a public RSA key, it's {}",
        m.go_type()
    ))
}

/// `rsaGenerate(modulusLength, publicExponent)`: `[privateHandle, publicHandle]`.
pub fn rsa_generate(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bits = arg_int(args, 0, ctx)?;
    let exponent = BigUint::from_bytes_be(&arg_bytes(args, 1, ctx)?);
    let generated = (|| {
        if !(1024..=16384).contains(&bits) {
            return Err(WebCryptoError::Operation(
                "could not generate RSA key pair".into(),
            ));
        }
        if exponent != BigUint::from(65537u32) {
            // Go generates with 65537, then swaps the exponent in and validates.
            return Err(WebCryptoError::Operation(
                "could not validate RSA key pair, check public exponent: crypto/rsa: invalid exponents".into(),
            ));
        }
        RsaPrivateKey::new_with_exp(&mut rsa::rand_core::OsRng, bits as usize, &exponent)
            .map_err(|_| WebCryptoError::Operation("could not generate RSA key pair".into()))
    })();
    let private = generated.map_err(|e| e.into_js(ctx))?;
    let public = RsaPublicKey::from(&private);
    let private = handle(KeyMaterial::RsaPrivate(Box::new(private)), ctx);
    let public = handle(
        KeyMaterial::RsaPublic(Box::new(public), RsaPublicOrigin::Standard),
        ctx,
    );
    Ok(JsArray::from_iter([private, public], ctx).into())
}

/// `rsaImport(format, data)`: `[handle, type, modulusLength]`; `data` is bytes, or JSON text
/// for `jwk`.
pub fn rsa_import(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let format = arg_string(args, 0, ctx)?;
    let material = match format.as_str() {
        "pkcs8" => import_pkcs8(&arg_bytes(args, 1, ctx)?),
        "spki" => import_spki(&arg_bytes(args, 1, ctx)?),
        _ => import_jwk(&arg_string(args, 1, ctx)?).map_err(WebCryptoError::Plain),
    };
    let material = material.map_err(|e| e.into_js(ctx))?;
    let (kind, bits) = match &material {
        KeyMaterial::RsaPrivate(k) => ("private", k.n().bits()),
        KeyMaterial::RsaPublic(k, _) => ("public", k.n().bits()),
        _ => ("secret", 0),
    };
    let h = handle(material, ctx);
    let items = [
        h,
        crate::modules::key(kind).into(),
        JsValue::from(bits as f64),
    ];
    Ok(JsArray::from_iter(items, ctx).into())
}

/// Whether DER `der` holds a key of another algorithm than RSA (k6 reports those apart).
fn other_algorithm(der: &[u8], public: bool) -> bool {
    use rsa::pkcs8::der::Decode;
    let oid = if public {
        rsa::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der).map(|i| i.algorithm.oid)
    } else {
        rsa::pkcs8::PrivateKeyInfo::from_der(der).map(|i| i.algorithm.oid)
    };
    oid.is_ok_and(|oid| oid != rsa::pkcs1::ALGORITHM_OID)
}

fn import_pkcs8(der: &[u8]) -> Result<KeyMaterial> {
    if other_algorithm(der, false) {
        return Err(WebCryptoError::Data(
            "given CryptoKey is not a private RSA key, it's *rsa.PrivateKey".into(),
        ));
    }
    RsaPrivateKey::from_pkcs8_der(der)
        .map(|k| KeyMaterial::RsaPrivate(Box::new(k)))
        .map_err(|e| WebCryptoError::Data(format!("unable to import RSA private key data: {e}")))
}

fn import_spki(der: &[u8]) -> Result<KeyMaterial> {
    if other_algorithm(der, true) {
        return Err(WebCryptoError::Data(
            "given CryptoKey is not a public RSA key, it's *rsa.PublicKey".into(),
        ));
    }
    RsaPublicKey::from_public_key_der(der)
        .map(|k| KeyMaterial::RsaPublic(Box::new(k), RsaPublicOrigin::Standard))
        .map_err(|e| WebCryptoError::Data(format!("unable to import RSA public key data: {e}")))
}

/// An RSA JWK, with k6's plain error messages.
fn import_jwk(text: &str) -> std::result::Result<KeyMaterial, String> {
    let parse = |e: String| format!("failed to parse input as RSA JWK key: {e}");
    let jwk: serde_json::Value = serde_json::from_str(text).map_err(|e| parse(e.to_string()))?;
    let member = |name| jwk_member(&jwk, name, "webcrypto.rsaJWK").map_err(parse);
    let (kty, n, e) = (member("kty")?, member("n")?, member("e")?);
    if kty != "RSA" {
        return Err(format!("invalid RSA JWK key: invalid key type: {kty}"));
    }
    if n.is_empty() {
        return Err("invalid RSA JWK key: modulus (n) is required".into());
    }
    if e.is_empty() {
        return Err("invalid RSA JWK key: exponent (e) is required".into());
    }
    let int = |v: &str, what: &str| {
        decode_base64url(v)
            .map(|b| BigUint::from_bytes_be(&b))
            .map_err(|err| format!("failed to decode {what}: {err}"))
    };
    let (n, e) = (int(&n, "modulus")?, int(&e, "exponent")?);
    let d = member("d")?;
    if d.is_empty() {
        let key = RsaPublicKey::new_unchecked(n, e);
        return Ok(KeyMaterial::RsaPublic(Box::new(key), RsaPublicOrigin::Jwk));
    }
    let d = int(&d, "private exponent")?;
    let p = int(&member("p")?, "first prime factor")?;
    let q = int(&member("q")?, "second prime factor")?;
    for (name, what) in [
        ("dp", "first exponent"),
        ("dq", "second exponent"),
        ("qi", "coefficient"),
    ] {
        int(&member(name)?, what)?;
    }
    let key = RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .and_then(|k| k.validate().map(|_| k))
        .map_err(|err| format!("failed to validate private key: crypto/rsa: {err}"))?;
    Ok(KeyMaterial::RsaPrivate(Box::new(key)))
}

/// `rsaExport(format, handle)`: bytes, or JSON text for `jwk`.
pub fn rsa_export(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let format = arg_string(args, 0, ctx)?;
    let out = with_material(args.get(1), |m| match (format.as_str(), m) {
        ("spki", KeyMaterial::RsaPublic(k, RsaPublicOrigin::Standard)) => k
            .to_public_key_der()
            .map(|d| Exported::Bytes(d.as_bytes().to_vec()))
            .map_err(|e| marshal("SPKI", e.to_string())),
        ("spki", KeyMaterial::RsaPublic(_, RsaPublicOrigin::Jwk)) => Err(marshal(
            "SPKI",
            "x509: unsupported public key type: rsa.PublicKey".into(),
        )),
        ("spki", m) => Err(not_public(m)),
        ("pkcs8", KeyMaterial::RsaPrivate(k)) => k
            .to_pkcs8_der()
            .map(|d| Exported::Bytes(d.as_bytes().to_vec()))
            .map_err(|e| marshal("PKCS8", e.to_string())),
        ("pkcs8", m) => Err(not_private(m)),
        ("jwk", m) => jwk_of(m).map(Exported::Json),
        (other, _) => Err(WebCryptoError::NotSupported(format!(
            "unsupported key format {other}"
        ))),
    });
    exported_or_throw(out, ctx)
}

fn marshal(format: &str, e: String) -> WebCryptoError {
    WebCryptoError::Operation(format!("unable to marshal key to {format} format: {e}"))
}

fn jwk_of(m: &KeyMaterial) -> Result<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let b64 = |n: &BigUint| URL_SAFE_NO_PAD.encode(n.to_bytes_be());
    match m {
        KeyMaterial::RsaPublic(k, _) => Ok(serde_json::json!({
            "kty": "RSA", "n": b64(k.n()), "e": b64(k.e()),
        })
        .to_string()),
        KeyMaterial::RsaPrivate(k) => {
            let missing = || WebCryptoError::Operation("key data is not accessible".into());
            let (dp, dq) = (k.dp().ok_or_else(missing)?, k.dq().ok_or_else(missing)?);
            let qi = k.qinv().and_then(|q| q.to_biguint()).ok_or_else(missing)?;
            let primes = k.primes();
            let (p, q) = (
                primes.first().ok_or_else(missing)?,
                primes.get(1).ok_or_else(missing)?,
            );
            Ok(serde_json::json!({
                "kty": "RSA", "n": b64(k.n()), "e": b64(k.e()), "d": b64(k.d()),
                "p": b64(p), "q": b64(q), "dp": b64(dp), "dq": b64(dq), "qi": b64(&qi),
            })
            .to_string())
        }
        other => Err(WebCryptoError::Operation(format!(
            "key's handle isn't an RSA public/private key, got: {}",
            other.go_type()
        ))),
    }
}

/// An RSA signature scheme with its parameters.
#[derive(Clone, Copy)]
enum Scheme {
    Pkcs1v15,
    /// RSA-PSS with k6's `saltLength` (Go's: 0 is "as long as possible" when signing).
    Pss(i64),
}

impl Scheme {
    fn from_args(args: &[JsValue], salt_at: usize, ctx: &mut Context) -> JsResult<Scheme> {
        Ok(match arg_string(args, 0, ctx)?.as_str() {
            "RSA-PSS" => Scheme::Pss(arg_int(args, salt_at, ctx)?),
            _ => Scheme::Pkcs1v15,
        })
    }
}

/// The salt length Go's `rsa.SignPSS` uses for `requested` with a key of `bits`.
fn pss_salt(requested: i64, hash: Hash, bits: usize) -> Result<usize> {
    let hash_len = hash.digest(&[]).len();
    match requested {
        0 => Ok(((bits - 1).div_ceil(8)).saturating_sub(hash_len + 2)),
        -1 => Ok(hash_len),
        n if n < 0 => Err(WebCryptoError::Operation(
            "could not sign data: crypto/rsa: PSSOptions.SaltLength cannot be negative".into(),
        )),
        n => Ok(n as usize),
    }
}

fn sign_with(key: &RsaPrivateKey, scheme: Scheme, hash: Hash, data: &[u8]) -> Result<Vec<u8>> {
    let hashed = hash.digest(data);
    let mut rng = rsa::rand_core::OsRng;
    let signed = match scheme {
        Scheme::Pkcs1v15 => with_hash!(hash, D => key.sign(Pkcs1v15Sign::new::<D>(), &hashed)),
        Scheme::Pss(salt) => {
            let salt = pss_salt(salt, hash, key.n().bits())?;
            with_hash!(hash, D => key.sign_with_rng(&mut rng, Pss::new_with_salt::<D>(salt), &hashed))
        }
    };
    signed.map_err(|e| WebCryptoError::Operation(format!("could not sign data: crypto/rsa: {e}")))
}

/// Argument 1: the hash of an RSA key's algorithm.
fn rsa_hash(args: &[JsValue], ctx: &mut Context) -> JsResult<Result<Hash>> {
    arg_hash(
        args,
        1,
        |n| format!("hash algorithm is not supported {n}"),
        ctx,
    )
}

/// `rsaSign(scheme, hash, handle, data, saltLength)`.
pub fn rsa_sign(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let scheme = Scheme::from_args(args, 4, ctx)?;
    let hash = rsa_hash(args, ctx)?;
    let data = arg_bytes(args, 3, ctx)?;
    let out = hash.and_then(|hash| {
        with_material(args.get(2), |m| match m {
            KeyMaterial::RsaPrivate(k) => sign_with(k, scheme, hash, &data),
            other => Err(not_private(other)),
        })
    });
    buffer_or_throw(out, ctx)
}

/// `rsaVerify(scheme, hash, handle, signature, data, saltLength)`: false when the signature
/// does not verify.
pub fn rsa_verify(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let scheme = Scheme::from_args(args, 5, ctx)?;
    let hash = rsa_hash(args, ctx)?;
    let signature = arg_bytes(args, 3, ctx)?;
    let data = arg_bytes(args, 4, ctx)?;
    let out = hash.and_then(|hash| {
        with_material(args.get(2), |m| match m {
            KeyMaterial::RsaPublic(k, RsaPublicOrigin::Standard) => {
                Ok(verify_with(k, scheme, hash, &signature, &data))
            }
            other => Err(not_public(other)),
        })
    });
    out.map(JsValue::from).map_err(|e| e.into_js(ctx))
}

fn verify_with(key: &RsaPublicKey, scheme: Scheme, hash: Hash, sig: &[u8], data: &[u8]) -> bool {
    let hashed = hash.digest(data);
    let verified = match scheme {
        Scheme::Pkcs1v15 => {
            with_hash!(hash, D => key.verify(Pkcs1v15Sign::new::<D>(), &hashed, sig))
        }
        Scheme::Pss(salt) if salt > 0 => {
            let salt = salt as usize;
            with_hash!(hash, D => key.verify(Pss::new_with_salt::<D>(salt), &hashed, sig))
        }
        Scheme::Pss(_) => {
            // Go's 0 ("auto") accepts any salt length; rk6 accepts the two that signers use:
            // the longest (Go's and rk6's own for 0) and the hash's length.
            let longest = pss_salt(0, hash, key.n().bits()).unwrap_or_default();
            let salts = [longest, hash.digest(&[]).len()];
            return salts.into_iter().any(|salt| {
                with_hash!(hash, D => key.verify(Pss::new_with_salt::<D>(salt), &hashed, sig))
                    .is_ok()
            });
        }
    };
    verified.is_ok()
}

/// `rsaOaep(encrypt, hash, handle, data, label)`.
pub fn rsa_oaep(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let encrypt = super::arg_bool(args, 0);
    let hash = rsa_hash(args, ctx)?;
    let data = arg_bytes(args, 3, ctx)?;
    let label = arg_bytes(args, 4, ctx)?;
    let out = hash.and_then(|hash| {
        let label = String::from_utf8(label).map_err(|_| {
            WebCryptoError::NotSupported("rk6 supports RSA-OAEP labels in UTF-8 only".into())
        })?;
        let padding = || with_hash!(hash, D => if label.is_empty() { Oaep::new::<D>() } else { Oaep::new_with_label::<D, _>(&label) });
        with_material(args.get(2), |m| match (encrypt, m) {
            (true, KeyMaterial::RsaPublic(k, RsaPublicOrigin::Standard)) => k
                .encrypt(&mut rsa::rand_core::OsRng, padding(), &data)
                .map_err(|_| WebCryptoError::Operation(
                    "could not encrypt data: crypto/rsa: message too long for RSA key size".into(),
                )),
            (true, other) => Err(not_public(other)),
            (false, KeyMaterial::RsaPrivate(k)) => k
                .decrypt(padding(), &data)
                .map_err(|_| WebCryptoError::Operation(
                    "could not decrypt data: crypto/rsa: decryption error".into(),
                )),
            (false, other) => Err(not_private(other)),
        })
    });
    buffer_or_throw(out, ctx)
}
