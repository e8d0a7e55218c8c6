// WebCrypto failures and their reports: each case logs `case: result` where result is the
// error's type, name, message, String() and own keys (or the value), so k6 v1.1 and rk6 can
// be compared line by line. No randomness reaches the output.
export const options = { iterations: 1 };
const s = crypto.subtle;
const te = (t) => new Uint8Array(Array.from(t, (c) => c.charCodeAt(0)));
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
// A short fingerprint of deterministic output (short enough to survive the test's masking).
const short = async (buf) => hex(await s.digest('SHA-256', buf)).slice(0, 12);
const describe = (e) => `${typeof e} ${e instanceof Error} ${e.name}|${e.message}|${String(e)}|${Object.keys(e).join(',')}`;

// Arguments k6 converts before it starts (a TypeError thrown by the call) or checks first.
const args = ({ aes }) => ({
  usagesString: () => s.generateKey({ name: 'AES-GCM', length: 128 }, true, 'encrypt'),
  usagesMissing: () => s.generateKey({ name: 'AES-GCM', length: 128 }, true),
  importUsagesString: () => s.importKey('raw', new Uint8Array(16), 'AES-GCM', true, 'encrypt'),
  importNoData: () => s.importKey('raw', undefined, 'AES-GCM', true, ['encrypt']),
  exportUndefined: () => s.exportKey('raw', undefined),
  signNoKey: () => s.sign('HMAC', undefined, new Uint8Array(1)),
  verifyNoKey: () => s.verify('HMAC', undefined, new Uint8Array(1), new Uint8Array(1)),
  encryptNoKey: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, null, new Uint8Array(1)),
  encryptString: () => s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aes, 'text'),
  genLengthString: async () => JSON.stringify((await s.generateKey({ name: 'AES-GCM', length: '256' }, true, ['encrypt'])).algorithm),
  extractableString: async () => (await s.generateKey({ name: 'AES-GCM', length: 128 }, 'yes', ['encrypt'])).extractable,
});

// The keys the cases share.
async function fixtures() {
  const aes = await s.importKey('raw', new Uint8Array(16), 'AES-CBC', true, ['encrypt']);
  const aesNoExport = await s.importKey('raw', new Uint8Array(16), 'AES-CBC', false, ['encrypt', 'decrypt']);
  const gcm = await s.importKey('raw', new Uint8Array(32), { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']);
  const ctr = await s.importKey('raw', new Uint8Array(24), { name: 'AES-CTR' }, true, ['encrypt', 'decrypt']);
  const hmac = await s.importKey('raw', te('secret'), { name: 'HMAC', hash: 'SHA-256' }, true, ['verify']);
  const ec = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  const dh = await s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const dh384 = await s.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveBits']);
  const rsa = await s.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt']);
  return { aes, aesNoExport, gcm, ctr, hmac, ec, dh, dh384, rsa };
}

// generateKey: parameters, usages, lengths, exponents.
const generation = () => ({
    genUnknown: () => s.generateKey({ name: 'FOO' }, true, ['sign']),
    genHashAsAlgorithm: () => s.generateKey('SHA-256', true, ['sign']),
    genAesUsage: () => s.generateKey({ name: 'AES-CBC', length: 256 }, true, ['sign']),
    genAesLength: () => s.generateKey({ name: 'AES-CTR', length: 100 }, true, ['encrypt']),
    genAesNoLength: () => s.generateKey({ name: 'AES-GCM' }, true, ['encrypt']),
    genAesNoUsages: () => s.generateKey({ name: 'AES-GCM', length: 128 }, true, []),
    genKwEncrypt: () => s.generateKey({ name: 'AES-KW', length: 128 }, true, ['encrypt']),
    genHmacNoHash: () => s.generateKey({ name: 'HMAC' }, true, ['sign']),
    genHmacZero: () => s.generateKey({ name: 'HMAC', hash: 'SHA-1', length: 0 }, true, ['sign']),
    genHmacUsage: () => s.generateKey({ name: 'HMAC', hash: 'SHA-1' }, true, ['encrypt']),
    genEcCurve: () => s.generateKey({ name: 'ECDSA', namedCurve: 'P-192' }, true, ['sign']),
    genEcNoCurve: () => s.generateKey({ name: 'ECDH' }, true, ['deriveBits']),
    genEcNoUsages: () => s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, []),
    genEcUsage: () => s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['sign']),
    genRsaEven: () => s.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([2]), hash: 'SHA-256' }, true, ['sign']),
    genRsaOne: () => s.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1]), hash: 'SHA-256' }, true, ['sign']),
    genRsaHash: () => s.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'MD5' }, true, ['sign']),
    genRsaUsage: () => s.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt']),
    genRsaExponentBuffer: () => s.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]).buffer, hash: 'SHA-256' }, true, ['sign']),
});

// digest: algorithms and data types.
const digests = () => ({
    digestMd5: () => s.digest('MD5', new Uint8Array(1)),
    digestString: () => s.digest('SHA-256', 'abc'),
    digestDataView: () => s.digest('SHA-256', new DataView(new ArrayBuffer(2))),
    digestLower: async () => new Uint8Array(await s.digest('sha-1', te('abc')))[0],
    digestSubarray: async () => new Uint8Array(await s.digest('SHA-256', new Uint8Array([1, 2, 3, 4]).subarray(2)))[0],
});

// importKey: formats, lengths, usages, malformed JWKs and points.
const imports = () => ({
    importFormat: () => s.importKey('pem', new Uint8Array(16), 'AES-CBC', true, ['encrypt']),
    importAesLength: () => s.importKey('raw', new Uint8Array(15), 'AES-CBC', true, ['encrypt']),
    importAesUsage: () => s.importKey('raw', new Uint8Array(16), 'AES-CBC', true, ['sign']),
    importAesSpki: () => s.importKey('spki', new Uint8Array(16), 'AES-CBC', true, ['encrypt']),
    importAesNoUsages: () => s.importKey('raw', new Uint8Array(16), 'AES-GCM', true, []),
    importJwkKty: () => s.importKey('jwk', { kty: 'EC', k: 'AAAA' }, 'AES-GCM', true, ['encrypt']),
    importJwkNoK: () => s.importKey('jwk', { kty: 'oct' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']),
    importJwkBadB64: () => s.importKey('jwk', { kty: 'oct', k: 'A=' }, 'AES-GCM', true, ['encrypt']),
    importHmacLength: () => s.importKey('raw', new Uint8Array(8), { name: 'HMAC', hash: 'SHA-256', length: 32 }, true, ['sign']),
    importHmacEmpty: () => s.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']),
    importHmacNoHash: () => s.importKey('raw', new Uint8Array(8), { name: 'HMAC' }, true, ['sign']),
    importEcRawCurve: () => s.importKey('raw', new Uint8Array(65), { name: 'ECDSA', namedCurve: 'P-999' }, true, ['verify']),
    importEcRawPoint: () => s.importKey('raw', new Uint8Array(65), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    importEcdhRawPoint: () => s.importKey('raw', new Uint8Array(65), { name: 'ECDH', namedCurve: 'P-256' }, true, []),
    importEcPem: () => s.importKey('pem', new Uint8Array(65), { name: 'ECDH', namedCurve: 'P-256' }, true, []),
    importEcJwkKty: () => s.importKey('jwk', { kty: 'RSA' }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    importEcJwkNoX: () => s.importKey('jwk', { kty: 'EC', crv: 'P-256' }, { name: 'ECDH', namedCurve: 'P-256' }, true, []),
    importEcJwkCurve: () => s.importKey('jwk', { kty: 'EC', crv: 'P-1', x: 'AA', y: 'AA' }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    importRsaRaw: () => s.importKey('raw', new Uint8Array(16), { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']),
    importRsaNoHash: () => s.importKey('spki', new Uint8Array(16), { name: 'RSA-OAEP' }, true, ['encrypt']),
    importRsaJwkKty: () => s.importKey('jwk', { kty: 'oct' }, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']),
    importRsaJwkNoE: () => s.importKey('jwk', { kty: 'RSA', n: 'AQAB' }, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']),
    importedUsages: async () => JSON.stringify((await s.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['decrypt', 'encrypt', 'decrypt'])).usages),
});

// exportKey: formats per key type, extractability.
const exports = ({ aes, aesNoExport, hmac, ec, rsa }) => ({
    exportNotExtractable: () => s.exportKey('raw', aesNoExport),
    exportAesSpki: () => s.exportKey('spki', aes),
    exportEcPrivateRaw: () => s.exportKey('raw', ec.privateKey),
    exportEcPublicPkcs8: () => s.exportKey('pkcs8', ec.publicKey),
    exportEcPem: () => s.exportKey('pem', ec.publicKey),
    exportRsaRaw: () => s.exportKey('raw', rsa.publicKey),
    exportRsaPrivateSpki: () => s.exportKey('spki', rsa.privateKey),
    exportRsaPublicPkcs8: () => s.exportKey('pkcs8', rsa.publicKey),
    exportNotAKey: () => s.exportKey('raw', {}),
    exportHmacJwkKeys: async () => Object.keys(await s.exportKey('jwk', hmac)).sort().join(','),
    exportEcJwkKeys: async () => Object.keys(await s.exportKey('jwk', ec.privateKey)).sort().join(','),
    exportRsaJwkKeys: async () => Object.keys(await s.exportKey('jwk', rsa.privateKey)).sort().join(','),
});

// encrypt/decrypt: IVs, counters, tags, padding, OAEP.
const ciphers = ({ aes, aesNoExport, gcm, ctr, hmac, rsa }) => ({
    encryptUsage: () => s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aes, new Uint8Array(4)).then(() => s.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aes, new Uint8Array(16))),
    encryptNameMismatch: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, aes, new Uint8Array(4)),
    encryptNotAKey: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, {}, new Uint8Array(4)),
    encryptHmac: () => s.encrypt({ name: 'HMAC' }, hmac, new Uint8Array(4)),
    cbcIv: () => s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(8) }, aes, new Uint8Array(4)),
    cbcEmpty: () => s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aes, new Uint8Array(0)),
    cbcLength: async () => (await s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aes, new Uint8Array(16))).byteLength,
    cbcPadding: () => s.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, aesNoExport, new Uint8Array(16)),
    ctrLength: () => s.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 0 }, ctr, new Uint8Array(4)),
    ctrDecryptLength: () => s.decrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 200 }, ctr, new Uint8Array(4)),
    ctrCounter: () => s.encrypt({ name: 'AES-CTR', counter: new Uint8Array(8), length: 64 }, ctr, new Uint8Array(4)),
    ctrKnown: async () => Array.from(new Uint8Array(await s.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16).fill(255), length: 64 }, ctr, new Uint8Array(20)))).join(','),
    gcmIv: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(16) }, gcm, new Uint8Array(4)),
    gcmTag64: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 64 }, gcm, new Uint8Array(4)),
    gcmTag100: () => s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 100 }, gcm, new Uint8Array(4)),
    gcmTag96: async () => Array.from(new Uint8Array(await s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 96 }, gcm, new Uint8Array(4)))).join(','),
    gcmShort: () => s.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, gcm, new Uint8Array(4)),
    gcmTampered: () => s.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, gcm, new Uint8Array(20)),
    oaepLong: () => s.encrypt({ name: 'RSA-OAEP' }, rsa.publicKey, new Uint8Array(200)),
    oaepPrivate: () => s.encrypt({ name: 'RSA-OAEP' }, rsa.privateKey, new Uint8Array(2)),
    oaepGarbage: () => s.decrypt({ name: 'RSA-OAEP' }, rsa.privateKey, new Uint8Array(128)),
    aesKw: async () => JSON.stringify(await s.generateKey({ name: 'AES-KW', length: 192 }, true, ['wrapKey', 'unwrapKey'])),
    aesKwExport: async () => s.exportKey('raw', await s.generateKey({ name: 'AES-KW', length: 128 }, true, ['wrapKey'])),
    aesKwEncrypt: async () => s.encrypt({ name: 'AES-KW' }, await s.importKey('raw', new Uint8Array(16), 'AES-KW', true, ['encrypt']), te('x')),
    oaepLabel: async () => {
      const ct = await s.encrypt({ name: 'RSA-OAEP', label: te('label') }, rsa.publicKey, te('hi'));
      const pt = await s.decrypt({ name: 'RSA-OAEP', label: te('label') }, rsa.privateKey, ct);
      return `${ct.byteLength} ${hex(pt)}`;
    },
    oaepWrongLabel: async () => s.decrypt({ name: 'RSA-OAEP', label: te('other') }, rsa.privateKey, await s.encrypt({ name: 'RSA-OAEP', label: te('label') }, rsa.publicKey, te('hi'))),
});

// sign/verify: usages, parameters, key types.
const signatures = ({ aes, hmac, ec, rsa }) => ({
    signUsage: () => s.sign('HMAC', hmac, te('x')),
    signNoHash: () => s.sign({ name: 'ECDSA' }, ec.privateKey, te('x')),
    signPublic: () => s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ec.publicKey, te('x')),
    signPssNoSalt: () => s.sign({ name: 'RSA-PSS' }, rsa.privateKey, te('x')),
    signOaepKey: () => s.sign({ name: 'RSASSA-PKCS1-v1_5' }, rsa.privateKey, te('x')),
    signAes: () => s.sign({ name: 'AES-CBC' }, aes, te('x')),
    verifyShortSig: () => s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ec.publicKey, new Uint8Array(5), te('x')),
    verifyHmacWrong: () => s.verify('HMAC', hmac, new Uint8Array(32), te('x')),
    rsaJwkPublicVerify: async () => {
      const pub = await s.importKey('jwk', await s.exportKey('jwk', rsa.publicKey), { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']);
      return s.encrypt({ name: 'RSA-OAEP' }, pub, te('x'));
    },
    rsaJwkPublicSpki: async () => s.exportKey('spki', await s.importKey('jwk', await s.exportKey('jwk', rsa.publicKey), { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt'])),
});

// deriveBits: key types, curves, lengths.
const derivation = ({ ec, dh, dh384 }) => ({
    deriveNotPrivate: () => s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.publicKey, 256),
    deriveNoPublic: () => s.deriveBits({ name: 'ECDH' }, dh.privateKey, 256),
    deriveCurves: () => s.deriveBits({ name: 'ECDH', public: dh384.publicKey }, dh.privateKey, 256),
    deriveOdd: () => s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 7),
    deriveLong: () => s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 512),
    deriveShort: async () => (await s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 64)).byteLength,
    deriveAll: async () => (await s.deriveBits({ name: 'ECDH', public: dh384.publicKey }, dh384.privateKey)).byteLength,
    deriveEcdsa: () => s.deriveBits({ name: 'ECDSA', public: ec.publicKey }, ec.privateKey, 256),
    deriveKeyResult: () => String(s.deriveKey({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, { name: 'AES-GCM', length: 256 }, true, ['encrypt'])),
});

// crypto, CryptoKey and getRandomValues themselves.
const objects = ({ aes, ec }) => ({
    randomFloat: () => crypto.getRandomValues(new Float32Array(4)),
    randomTooBig: () => crypto.getRandomValues(new Uint8Array(65537)),
    randomUint32: () => crypto.getRandomValues(new Uint32Array(64)).every((v) => v < 256),
    cryptoKeys: () => Object.keys(crypto).join(','),
    subtleKeys: () => Object.keys(crypto.subtle).join(','),
    cryptoKeyObject: () => JSON.stringify(crypto.CryptoKey),
    keyKeys: () => Object.keys(ec.privateKey).join(','),
    wrapKey: () => s.wrapKey('raw', aes, aes, 'AES-KW'),
    ecUsageOrder: async () => JSON.stringify((await s.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, false, ['verify', 'sign', 'verify'])).publicKey),
});

// Deterministic results and round trips, as fingerprints.
const knownAnswers = ({ hmac, dh }) => ({
    hmacKnown: async () => {
      const out = [];
      for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'sha-512']) {
        const k = await s.importKey('raw', te('key'), { name: 'HMAC', hash }, false, ['sign', 'verify']);
        const mac = await s.sign('HMAC', k, te('abc'));
        out.push(`${k.algorithm.hash.name}=${await short(mac)}:${await s.verify('HMAC', k, mac, te('abc'))}`);
      }
      return out.join(' ');
    },
    aesKnown: async () => {
      const key = (name) => s.importKey('raw', new Uint8Array(32).map((_, i) => i), name, false, ['encrypt', 'decrypt']);
      const iv = new Uint8Array(16).map((_, i) => 200 - i);
      const msg = te('the quick brown fox jumps over the lazy dog');
      const cbc = await s.encrypt({ name: 'AES-CBC', iv }, await key('AES-CBC'), msg);
      const ctrOut = await s.encrypt({ name: 'AES-CTR', counter: iv, length: 32 }, await key('AES-CTR'), msg);
      const gcmOut = await s.encrypt({ name: 'AES-GCM', iv: iv.slice(0, 12), additionalData: te('aad'), tagLength: 112 }, await key('AES-GCM'), msg);
      const back = await s.decrypt({ name: 'AES-GCM', iv: iv.slice(0, 12), additionalData: te('aad'), tagLength: 112 }, await key('AES-GCM'), gcmOut);
      return [await short(cbc), await short(ctrOut), await short(gcmOut), gcmOut.byteLength, await short(back) === await short(msg)].join(' ');
    },
    hmacHashCase: async () => JSON.stringify((await s.generateKey({ name: 'hmac', hash: 'sha-384' }, true, ['sign'])).algorithm),
    hmacHashAes: () => s.generateKey({ name: 'HMAC', hash: 'AES-CBC' }, true, ['sign']),
    hmacImportHashAes: async () => s.sign('HMAC', await s.importKey('raw', te('k'), { name: 'HMAC', hash: 'AES-CBC' }, true, ['sign']), te('x')),
    ecdhJwk: async () => {
      const jwk = await s.exportKey('jwk', dh.privateKey);
      const back = await s.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      const pub = await s.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDH', namedCurve: 'P-256' }, true, []);
      const a = await s.deriveBits({ name: 'ECDH', public: pub }, back, 256);
      const b = await s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 256);
      return `${Object.keys(jwk).sort()} ${back.type} ${pub.type} ${hex(a) === hex(b)}`;
    },
    ecdsaCurvesAndHashes: async () => {
      const out = [];
      for (const [namedCurve, hash] of [['P-256', 'SHA-512'], ['P-384', 'SHA-1'], ['P-521', 'SHA-256'], ['P-521', 'SHA-1']]) {
        const pair = await s.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
        const sig = await s.sign({ name: 'ECDSA', hash }, pair.privateKey, te('msg'));
        const spki = await s.importKey('spki', await s.exportKey('spki', pair.publicKey), { name: 'ECDSA', namedCurve }, true, ['verify']);
        out.push(`${namedCurve}/${hash}:${sig.byteLength}:${await s.verify({ name: 'ECDSA', hash }, spki, sig, te('msg'))}`);
      }
      return out.join(' ');
    },
    rsaSchemes: async () => {
      const out = [];
      for (const [name, hash, saltLength] of [['RSA-PSS', 'SHA-384', 0], ['RSA-PSS', 'SHA-1', 20], ['RSASSA-PKCS1-v1_5', 'SHA-512']]) {
        const pair = await s.generateKey({ name, modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash }, true, ['sign', 'verify']);
        const sig = await s.sign({ name, saltLength }, pair.privateKey, te('msg'));
        out.push(`${name}/${hash}:${sig.byteLength}:${await s.verify({ name, saltLength }, pair.publicKey, sig, te('msg'))}:${await s.verify({ name, saltLength }, pair.publicKey, sig, te('msh'))}`);
      }
      return out.join(' ');
    },
});

export default async function () {
  const keys = await fixtures();
  const cases = Object.assign({}, ...[generation, digests, imports, exports, ciphers, signatures, derivation, objects, knownAnswers, args].map((g) => g(keys)));
  for (const [name, run] of Object.entries(cases)) {
    // Whether k6 throws from the call itself or rejects the promise it returned.
    let thrownByCall = true;
    try {
      const result = run();
      thrownByCall = false;
      console.log(`${name}: ok ${await result}`);
    } catch (e) {
      console.log(`${name}: ${thrownByCall ? 'thrown ' : ''}${describe(e)}`);
    }
  }
  // How console.log shows keys, pairs, errors and crypto.subtle.
  console.log(keys.gcm);
  console.log(keys.ec);
  await s.importKey('raw', new Uint8Array(15), 'AES-GCM', true, ['encrypt']).catch((e) => console.log(e));
  try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { console.log(e); }
  console.log(crypto.subtle);
  await s.generateKey({ name: 'AES-CBC', length: 100 }, true, ['encrypt']);
}
