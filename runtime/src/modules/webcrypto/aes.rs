//! AES-CBC (PKCS#7 padding), AES-CTR (128-bit big-endian counter, as Go's `cipher.NewCTR`)
//! and AES-GCM (96-bit IVs, 96- to 128-bit tags), with 128-, 192- and 256-bit keys, and
//! k6's checks and messages for IVs, counters and tag lengths.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, StreamCipher};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::consts::{U12, U13, U14, U15, U16};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use boa_engine::{Context, JsResult, JsValue};

use super::key::{with_material, KeyMaterial};
use super::{arg_bool, arg_bytes, arg_int, buffer_or_throw, WebCryptoError};

type Result<T> = std::result::Result<T, WebCryptoError>;

/// Runs `$body` with `$a` the AES variant for a key of `$len` bytes, else `$otherwise`.
macro_rules! with_aes {
    ($len:expr, $a:ident => $body:expr, $otherwise:expr) => {
        match $len {
            16 => {
                type $a = Aes128;
                $body
            }
            24 => {
                type $a = Aes192;
                $body
            }
            32 => {
                type $a = Aes256;
                $body
            }
            _ => $otherwise,
        }
    };
}

/// The bytes of secret key handle `args[i]`.
fn secret(args: &[JsValue], i: usize) -> Result<Vec<u8>> {
    with_material(args.get(i), |m| match m {
        KeyMaterial::Secret(k) => Ok(k.clone()),
        _ => Err(WebCryptoError::Operation("invalid key handle".into())),
    })
}

fn op(message: &str) -> WebCryptoError {
    WebCryptoError::Operation(message.into())
}

/// `aesCbc(encrypt, key, iv, data)`.
pub fn aes_cbc(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let encrypt = arg_bool(args, 0);
    let (iv, data) = (arg_bytes(args, 2, ctx)?, arg_bytes(args, 3, ctx)?);
    let out = secret(args, 1).and_then(|key| {
        if encrypt {
            cbc_encrypt(&key, &iv, &data)
        } else {
            cbc_decrypt(&key, &iv, &data)
        }
    });
    buffer_or_throw(out, ctx)
}

fn cbc_encrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    if iv.len() != 16 {
        return Err(op("iv length is not 16 bytes"));
    }
    if data.is_empty() {
        return Err(op("could not pad plaintext"));
    }
    with_aes!(key.len(), A => cbc::Encryptor::<A>::new_from_slices(key, iv)
        .map(|c| c.encrypt_padded_vec_mut::<Pkcs7>(data))
        .map_err(|_| op("could not create cipher")),
        Err(op("could not create cipher")))
}

fn cbc_decrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    if iv.len() != 16 {
        return Err(op("iv length is invalid, should be 16 bytes"));
    }
    with_aes!(key.len(), A => cbc::Decryptor::<A>::new_from_slices(key, iv)
        .map_err(|_| op("could not create AES cipher"))?
        .decrypt_padded_vec_mut::<Pkcs7>(data)
        .map_err(|_| op("invalid padding")),
        Err(op("could not create AES cipher")))
}

/// `aesCtr(encrypt, key, counter, length, data)`: the whole 16-byte block counts, like
/// Go's `cipher.NewCTR` (k6 checks `length` but does not use it).
pub fn aes_ctr(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let encrypt = arg_bool(args, 0);
    let counter = arg_bytes(args, 2, ctx)?;
    let length = arg_int(args, 3, ctx)?;
    let mut data = arg_bytes(args, 4, ctx)?;
    let out = (|| {
        if counter.len() != 16 {
            return Err(op(if encrypt {
                "counter length is not 16 bytes"
            } else {
                "counter length is invalid, should be 16 bytes"
            }));
        }
        if length <= 0 || length > 128 {
            return Err(op(if encrypt {
                "invalid counter length, out of the 0 < x < 128 bounds"
            } else {
                "invalid length, should be within 1 <= length <= 128 bounds"
            }));
        }
        let key = secret(args, 1)?;
        with_aes!(key.len(), A => {
            let mut c = ctr::Ctr128BE::<A>::new_from_slices(&key, &counter)
                .map_err(|_| op("could not create cipher"))?;
            c.apply_keystream(&mut data);
            Ok(data)
        }, Err(op("could not create cipher")))
    })();
    buffer_or_throw(out, ctx)
}

/// The inputs of one AES-GCM operation.
struct Gcm<'a> {
    key: &'a [u8],
    iv: &'a [u8],
    aad: &'a [u8],
    data: &'a [u8],
    encrypt: bool,
}

impl Gcm<'_> {
    fn run<A, T>(&self) -> Option<Vec<u8>>
    where
        A: aes::cipher::BlockCipher
            + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>
            + aes::cipher::BlockEncrypt
            + KeyInit,
        T: aes_gcm::TagSize,
    {
        let cipher = AesGcm::<A, U12, T>::new_from_slice(self.key).ok()?;
        if self.iv.len() != 12 {
            return None;
        }
        let nonce = aes_gcm::Nonce::<U12>::from_slice(self.iv);
        let payload = Payload {
            msg: self.data,
            aad: self.aad,
        };
        if self.encrypt {
            cipher.encrypt(nonce, payload).ok()
        } else {
            cipher.decrypt(nonce, payload).ok()
        }
    }

    /// Runs with a `tag_bits`-bit tag (one of 96, 104, 112, 120, 128).
    fn run_tagged<A>(&self, tag_bits: i64) -> Option<Vec<u8>>
    where
        A: aes::cipher::BlockCipher
            + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>
            + aes::cipher::BlockEncrypt
            + KeyInit,
    {
        match tag_bits {
            96 => self.run::<A, U12>(),
            104 => self.run::<A, U13>(),
            112 => self.run::<A, U14>(),
            120 => self.run::<A, U15>(),
            _ => self.run::<A, U16>(),
        }
    }
}

/// k6's tag length for `requested` (0 means 128), or its error.
fn tag_length(requested: i64, encrypt: bool) -> Result<i64> {
    match (requested, encrypt) {
        (0, _) => Ok(128),
        (96 | 104 | 112 | 120 | 128, _) => Ok(requested),
        (32 | 64, true) => Err(WebCryptoError::NotSupported(
            "tag length 32 and 64 are not supported".into(),
        )),
        (32 | 64, false) => Err(op(
            "invalid tag length, should be within 96 <= length <= 128 bounds",
        )),
        (_, true) => Err(op(
            "invalid tag length, should be one of 96, 104, 112, 120, 128",
        )),
        (_, false) => Err(op(
            "invalid tag length, accepted values are 96, 104, 112, 120, 128",
        )),
    }
}

/// `aesGcm(encrypt, key, iv, additionalData, tagLength, data)`: ciphertext with its tag
/// appended, or the plaintext.
pub fn aes_gcm(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let encrypt = arg_bool(args, 0);
    let (iv, aad) = (arg_bytes(args, 2, ctx)?, arg_bytes(args, 3, ctx)?);
    let requested_tag = arg_int(args, 4, ctx)?;
    let data = arg_bytes(args, 5, ctx)?;
    let out = (|| {
        if encrypt && iv.len() != 12 {
            return Err(WebCryptoError::NotSupported(
                "only 12 bytes long iv are supported".into(),
            ));
        }
        let tag_bits = tag_length(requested_tag, encrypt)?;
        if !encrypt && (data.len() as i64) * 8 < tag_bits {
            return Err(op("ciphertext is too short"));
        }
        if !encrypt && iv.is_empty() {
            return Err(op("iv length is too long"));
        }
        let key = secret(args, 1)?;
        let gcm = Gcm {
            key: &key,
            iv: &iv,
            aad: &aad,
            data: &data,
            encrypt,
        };
        let failed = if encrypt {
            "could not create cipher"
        } else {
            "could not decrypt ciphertext"
        };
        with_aes!(key.len(), A => gcm.run_tagged::<A>(tag_bits), None).ok_or_else(|| op(failed))
    })();
    buffer_or_throw(out, ctx)
}
