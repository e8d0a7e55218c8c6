// The global `crypto` (WebCrypto as k6 v1.1 has it, the parts scripts use): getRandomValues,
// randomUUID, and crypto.subtle: digest, importKey/exportKey/generateKey for raw HMAC and
// AES-GCM keys, sign/verify with HMAC, encrypt/decrypt with AES-GCM. Built on first access to `crypto`, from natives in `native`.
(function (native) {
  const hashName = (h) => {
    const name = typeof h === 'string' ? h : h && h.name;
    const n = String(name).toUpperCase();
    if (!['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].includes(n)) {
      throw new Error(`NotSupportedError: unsupported hash algorithm ${name}`);
    }
    return n;
  };
  const bytes = (d) => {
    if (d instanceof ArrayBuffer) return d;
    if (ArrayBuffer.isView(d)) return d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength);
    throw new TypeError('data must be an ArrayBuffer or a TypedArray');
  };
  class CryptoKey {
    constructor(algorithm, extractable, usages, raw) {
      this.type = 'secret';
      this.algorithm = algorithm;
      this.extractable = extractable;
      this.usages = usages;
      Object.defineProperty(this, '_raw', { value: raw });
    }
  }
  const hmacKey = (key, usage) => {
    if (!(key instanceof CryptoKey) || key.algorithm.name !== 'HMAC') throw new Error('InvalidAccessError: not an HMAC key');
    if (!key.usages.includes(usage)) throw new Error(`InvalidAccessError: key cannot be used to ${usage}`);
    return key;
  };
  const aes = (encrypt, algorithm, key, data) => new Promise((resolve) => {
    if (!(key instanceof CryptoKey) || key.algorithm.name !== 'AES-GCM' || String(algorithm.name).toUpperCase() !== 'AES-GCM') {
      throw new Error('InvalidAccessError: rk6 encrypts with AES-GCM keys only');
    }
    if (!key.usages.includes(encrypt ? 'encrypt' : 'decrypt')) throw new Error(`InvalidAccessError: key cannot be used to ${encrypt ? 'encrypt' : 'decrypt'}`);
    if ((algorithm.tagLength || 128) !== 128) throw new Error('NotSupportedError: only 128-bit AES-GCM tags');
    const aad = algorithm.additionalData ? bytes(algorithm.additionalData) : new ArrayBuffer(0);
    resolve(native.aesGcm(encrypt, key._raw, bytes(algorithm.iv), aad, bytes(data)));
  });
  const subtle = {
    digest(algorithm, data) {
      return new Promise((resolve) => resolve(native.digest(hashName(algorithm), bytes(data))));
    },
    importKey(format, keyData, algorithm, extractable, usages) {
      return new Promise((resolve) => {
        const name = String(typeof algorithm === 'string' ? algorithm : algorithm.name).toUpperCase();
        if (format !== 'raw' || !['HMAC', 'AES-GCM'].includes(name)) {
          throw new Error(`NotSupportedError: rk6 imports raw HMAC and AES-GCM keys only (got ${format} ${name})`);
        }
        const raw = bytes(keyData);
        if (name === 'AES-GCM' && ![16, 24, 32].includes(raw.byteLength)) {
          throw new Error('DataError: AES-GCM keys are 128, 192 or 256 bits');
        }
        const alg = name === 'HMAC'
          ? { name: 'HMAC', hash: { name: hashName(algorithm.hash) }, length: raw.byteLength * 8 }
          : { name: 'AES-GCM', length: raw.byteLength * 8 };
        resolve(new CryptoKey(alg, !!extractable, [...usages], raw));
      });
    },
    generateKey(algorithm, extractable, usages) {
      return new Promise((resolve) => {
        const name = String(algorithm.name).toUpperCase();
        if (name === 'AES-GCM') {
          if (![128, 192, 256].includes(algorithm.length)) throw new Error('OperationError: AES-GCM length must be 128, 192 or 256');
          resolve(new CryptoKey({ name: 'AES-GCM', length: algorithm.length }, !!extractable, [...usages], native.random(algorithm.length / 8)));
        } else if (name === 'HMAC') {
          const hash = hashName(algorithm.hash);
          const len = algorithm.length || ({ 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 })[hash];
          resolve(new CryptoKey({ name: 'HMAC', hash: { name: hash }, length: len }, !!extractable, [...usages], native.random(len / 8)));
        } else {
          throw new Error(`NotSupportedError: rk6 generates AES-GCM and HMAC keys only (got ${algorithm.name})`);
        }
      });
    },
    encrypt(algorithm, key, data) { return aes(true, algorithm, key, data); },
    decrypt(algorithm, key, data) { return aes(false, algorithm, key, data); },
    exportKey(format, key) {
      return new Promise((resolve) => {
        if (format !== 'raw' || !key.extractable) throw new Error('InvalidAccessError: key is not extractable as raw');
        resolve(key._raw.slice(0));
      });
    },
    sign(algorithm, key, data) {
      return new Promise((resolve) => {
        const k = hmacKey(key, 'sign');
        resolve(native.hmac(k.algorithm.hash.name, k._raw, bytes(data)));
      });
    },
    verify(algorithm, key, signature, data) {
      return new Promise((resolve) => {
        const k = hmacKey(key, 'verify');
        const mac = new Uint8Array(native.hmac(k.algorithm.hash.name, k._raw, bytes(data)));
        const sig = new Uint8Array(bytes(signature));
        resolve(mac.length === sig.length && mac.every((b, i) => b === sig[i]));
      });
    },
  };
  return {
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array) {
        throw new TypeError('TypeMismatchError: getRandomValues needs an integer TypedArray');
      }
      if (array.byteLength > 65536) throw new Error('QuotaExceededError: at most 65536 bytes');
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(native.random(array.byteLength)));
      return array;
    },
    randomUUID() { return native.uuid(); },
    subtle,
  };
})
