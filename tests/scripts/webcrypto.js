// Global WebCrypto: getRandomValues, randomUUID, subtle.digest, HMAC sign/verify and AES-GCM; every check passes under k6 v1.1.
import { check } from 'k6';
export const options = { iterations: 1 };
const hex = (buf) => Array.from(new Uint8Array(buf)).map((b) => b.toString(16).padStart(2, '0')).join('');
export default async function () {
  const arr = crypto.getRandomValues(new Uint8Array(16));
  const uuid = crypto.randomUUID();
  const d = await crypto.subtle.digest('SHA-256', new Uint8Array([104, 105]));
  const key = await crypto.subtle.importKey('raw', new Uint8Array([107, 101, 121]), { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign', 'verify']);
  const sig = await crypto.subtle.sign('HMAC', key, new Uint8Array([104, 105]));
  const ok = await crypto.subtle.verify('HMAC', key, sig, new Uint8Array([104, 105]));
  const bad = await crypto.subtle.verify('HMAC', key, sig, new Uint8Array([104]));
  const raw = new Uint8Array(32).map((_, i) => i);
  const aesKey = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12).map((_, i) => i + 100);
  const msg = new Uint8Array([104, 101, 108, 108, 111]);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new Uint8Array([1, 2]) }, aesKey, msg);
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: new Uint8Array([1, 2]) }, aesKey, ct);
  let tampered = 'no error';
  try { await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, ct); } catch (e) { tampered = 'rejected'; }
  const gen = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
  const exported = await crypto.subtle.exportKey('raw', gen);
  check(null, {
    'random fills': () => arr.length === 16 && arr.some((b) => b !== 0),
    'uuid v4': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid),
    'sha256 digest': () => hex(d) === '8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4',
    'hmac sign': () => hex(sig) === '1c9dc82e5f8e5ed5a0180aad33b8204dea12fde2fb62ffb5e963035bf324a7a4',
    'hmac verify': () => ok === true && bad === false,
    'aes-gcm ciphertext': () => hex(ct) === '207eb20a162ecb358977e0eb930a7090dd90ffc9aa',
    'aes-gcm round trip': () => hex(pt) === '68656c6c6f',
    'wrong aad rejected': () => tampered === 'rejected',
    'generated key': () => exported.byteLength === 16,
  });
}
