// WebCrypto interop between two tools: with MODE=make it signs and encrypts with fixed keys
// and logs one line `blob: <json>`; with MODE=check and BLOB=<that json> it verifies and
// decrypts what the other tool made, as checks. Signatures (ECDSA, RSA-PSS) and OAEP
// ciphertexts are random, so only the other tool's verify/decrypt can judge them.
import { check } from 'k6';
import encoding from 'k6/encoding';

export const options = { iterations: 1 };
const s = crypto.subtle;
const b64 = (buf) => encoding.b64encode(buf);
const unb64 = (text) => encoding.b64decode(text);
const RSA_PKCS8 = 'MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAOOo4+3hdukmrtz70OB0oDEAv2+awZ6yjb+jKuqX96OP9Kx70ddpM0y6OIKUzOGzx2JBMJPWE/iiP9eI6zAhQbLjYmUsT0hZSMcHp4gdirQyvHYeUMtD5QFgxUTkRuFFRWe9GQ0oroKewyvwN3VR0W5VTQnIiouLhF6a3X5gfWzxAgMBAAECgYEAy1mxdms9FtcZvIQluEgUSpEbbinyprlgyfuKOw/RAEV2zJaxAlOSogd4sJMPSs+V2hrWtEa1ghITKoe/ZDdggSTT8m7QEs0AK7fS4TDMRjlmJHHQmoqeCWz4pCKkokvoaEO7zwdHduWO092ipHomz3fpi5oS0VjmL/u6glc/NX0CQQD79kfQ9JsAaijWYUPhnuUHTMcrprqETdwrQ2A0PBiGhHXKJMLGAeK34BU3gx/wd71UclPE2n3u9xFATvBb6iGLAkEA507nvjhhVAvPs3KP6JR1taKR8ON7vbG+IAEafmLPxljGnoV/bnC4bAz/y5/1YJnuKcCDeJ6etIpt9LnQTYWC8wJAW8/1gW3woWkNsnjE7I0i9dMDbKOXqahZhyZJAx+27CWOaneUxeRgAhLUiGLum4h2ZDQ41C2t4AsFrUJWkZeyWwJAdTgrgN6ZlDoYG9xmyXrS3CVyyBzATLWSoC1u+7WfjejXXuZQWeuNylQcHVkGxNm9NDN3bN0VmHC+oFK6GU8buQJACzJuKFyv681GLbQK23oUXJz6By9hOr7ZFQtdzZDRn4qb5B/1tX3Hrt8uSf8U7OWtARGQRo4H8cXbel9DbGGhMA==';
const RSA_SPKI = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDjqOPt4XbpJq7c+9DgdKAxAL9vmsGeso2/oyrql/ejj/Sse9HXaTNMujiClMzhs8diQTCT1hP4oj/XiOswIUGy42JlLE9IWUjHB6eIHYq0Mrx2HlDLQ+UBYMVE5EbhRUVnvRkNKK6CnsMr8Dd1UdFuVU0JyIqLi4Remt1+YH1s8QIDAQAB';
// The ECDSA P-256 pair of grafana/k6's import-ecdsa-keys example (raw public, PKCS#8 private).
const EC_PUBLIC = 'BGqVIky4Z2Uj6jlM5xW89A+zZXEYBhEVwzy1SZqqzhX0ZjIV60JrN2GxoBWn0g/pTB+Hg9d7lauZ55jFV7AgJ4k=';
const EC_PKCS8 = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKafKOq6z7ODw1lsMzwwKBMj8UaOvTHg8ZsmEKLFK9OKhRANCAARqlSJMuGdlI+o5TOcVvPQPs2VxGAYRFcM8tUmaqs4V9GYyFetCazdhsaAVp9IP6Uwfh4PXe5WrmeeYxVewICeJ';
const MESSAGE = new Uint8Array([104, 101, 108, 108, 111, 32, 105, 110, 116, 101, 114, 111, 112]);
const PSS = { name: 'RSA-PSS', saltLength: 32 };
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' };

async function keys() {
  const rsa = (name, usages, format, data) => s.importKey(format, unb64(data), { name, hash: 'SHA-256' }, true, usages);
  return {
    ecPrivate: await s.importKey('pkcs8', unb64(EC_PKCS8), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']),
    ecPublic: await s.importKey('raw', unb64(EC_PUBLIC), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    pkcs1Private: await rsa('RSASSA-PKCS1-v1_5', ['sign'], 'pkcs8', RSA_PKCS8),
    pkcs1Public: await rsa('RSASSA-PKCS1-v1_5', ['verify'], 'spki', RSA_SPKI),
    pssPrivate: await rsa('RSA-PSS', ['sign'], 'pkcs8', RSA_PKCS8),
    pssPublic: await rsa('RSA-PSS', ['verify'], 'spki', RSA_SPKI),
    oaepPrivate: await rsa('RSA-OAEP', ['decrypt'], 'pkcs8', RSA_PKCS8),
    oaepPublic: await rsa('RSA-OAEP', ['encrypt'], 'spki', RSA_SPKI),
  };
}

async function make(k) {
  const blob = {
    ecdsa: b64(await s.sign(ECDSA, k.ecPrivate, MESSAGE)),
    pkcs1: b64(await s.sign('RSASSA-PKCS1-v1_5', k.pkcs1Private, MESSAGE)),
    pss: b64(await s.sign(PSS, k.pssPrivate, MESSAGE)),
    oaep: b64(await s.encrypt({ name: 'RSA-OAEP' }, k.oaepPublic, MESSAGE)),
    ecPkcs8: b64(await s.exportKey('pkcs8', k.ecPrivate)),
    rsaJwk: await s.exportKey('jwk', k.pkcs1Private),
  };
  console.log(`blob: ${JSON.stringify(blob)}`);
}

async function verify(k, blob) {
  const oaep = new Uint8Array(await s.decrypt({ name: 'RSA-OAEP' }, k.oaepPrivate, unb64(blob.oaep)));
  const fromJwk = await s.importKey('jwk', blob.rsaJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  const pkcs1Again = b64(await s.sign('RSASSA-PKCS1-v1_5', fromJwk, MESSAGE));
  const ecdsa = await s.verify(ECDSA, k.ecPublic, unb64(blob.ecdsa), MESSAGE);
  const pkcs1 = await s.verify('RSASSA-PKCS1-v1_5', k.pkcs1Public, unb64(blob.pkcs1), MESSAGE);
  const pss = await s.verify(PSS, k.pssPublic, unb64(blob.pss), MESSAGE);
  const tampered = await s.verify(ECDSA, k.ecPublic, unb64(blob.ecdsa), MESSAGE.slice(1));
  check(blob, {
    'ECDSA signature verifies': () => ecdsa === true && tampered === false,
    'RSASSA-PKCS1-v1_5 signature verifies': () => pkcs1 === true,
    'RSA-PSS signature verifies': () => pss === true,
    'RSA-OAEP ciphertext decrypts': () => oaep.length === MESSAGE.length && oaep.every((b, i) => b === MESSAGE[i]),
    'EC PKCS#8 export is the same bytes': () => blob.ecPkcs8 === EC_PKCS8,
    'RSA JWK export imports and signs the same': () => pkcs1Again === blob.pkcs1,
  });
}

export default async function () {
  const k = await keys();
  if (__ENV.MODE === 'make') {
    await make(k);
  } else {
    await verify(k, JSON.parse(__ENV.BLOB));
  }
}
