// The global `crypto` as k6 v1.1 has it: getRandomValues, randomUUID, CryptoKey and
// crypto.subtle (digest, generateKey, importKey, exportKey, encrypt, decrypt, sign, verify,
// deriveBits) for AES-CBC/CTR/GCM, HMAC, ECDSA, ECDH, RSA-OAEP, RSA-PSS and
// RSASSA-PKCS1-v1_5. This half owns argument handling, k6's checks (in k6's order, with its
// error names and messages) and the CryptoKey objects (with k6's JSON shape); key material
// and cryptography are the natives' (runtime/src/modules/webcrypto/). Built on first
// access to `crypto`.
(function (rawNative) {
  // k6's error object: `name`, `message` and Go's `error()`, not an instance of Error.
  class WebCryptoError {
    constructor(name, message) {
      this.name = name;
      this.message = message;
      this.error = () => `${name}: ${message}`;
    }
    toString() { return `${this.name}: ${this.message}`; }
  }
  // A bare Go error: `error()`, and `unwrap()` for the wrapped ones (k6's JWK errors).
  class GoError {
    constructor(message, wrapped) {
      this.error = () => message;
      if (wrapped) this.unwrap = () => undefined;
      Object.defineProperty(this, 'text', { value: message });
    }
    toString() { return this.text; }
  }
  // What k6 throws (not rejects) with: a JS Error named GoError holding the Go error as `value`.
  const goThrown = (value) => {
    const e = new Error(String(value));
    Object.defineProperty(e, 'name', { value: 'GoError', enumerable: false, writable: true, configurable: true });
    e.value = value;
    return e;
  };
  const thrown = (name, message) => goThrown(fail(name, message));
  const fail = (name, message) => new WebCryptoError(name, message);
  const native = {};
  for (const k of Object.getOwnPropertyNames(rawNative)) {
    native[k] = (...args) => {
      try {
        return rawNative[k](...args);
      } catch (e) {
        if (e && typeof e === 'object' && !(e instanceof Error) && 'message' in e) {
          throw 'name' in e ? fail(e.name, e.message) : new GoError(e.message, true);
        }
        throw e;
      }
    };
  }

  const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
  const AES = ['AES-CBC', 'AES-CTR', 'AES-GCM', 'AES-KW'];
  const EC = ['ECDH', 'ECDSA'];
  const RSA = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'];
  const KEYED = [...AES, 'HMAC', ...EC, ...RSA];
  const REGISTERED = {
    digest: HASHES,
    generateKey: [...KEYED, ...HASHES],
    importKey: KEYED,
    exportKey: KEYED,
    encrypt: [...AES, 'RSA-OAEP'],
    decrypt: [...AES, 'RSA-OAEP'],
    sign: ['HMAC', 'ECDSA', 'RSA-PSS', 'RSASSA-PKCS1-v1_5'],
    verify: ['HMAC', 'ECDSA', 'RSA-PSS', 'RSASSA-PKCS1-v1_5'],
  };
  const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
  const nullish = (v) => v === undefined || v === null;
  const toInt = (v) => { const n = Math.trunc(Number(v)); return Number.isFinite(n) ? n : 0; };
  const quoted = (s) => JSON.stringify(String(s));

  // k6's normalizeAlgorithm: a name (string or `.name`), upper-cased, registered for `op`.
  const normalize = (v, op) => {
    if (!isObject(v) && typeof v !== 'string') {
      throw fail('SyntaxError', 'algorithm cannot be interpreted as a string or an object');
    }
    const raw = typeof v === 'string' ? v : v.name;
    let name = nullish(raw) ? '' : String(raw).toUpperCase();
    if (name === 'RSASSA-PKCS1-V1_5') name = 'RSASSA-PKCS1-v1_5';
    if (!REGISTERED[op].includes(name)) {
      throw fail('NotSupportedError', `algorithm ${quoted(name)} doesn't support (in implementation) operation ${quoted(op)}`);
    }
    return name;
  };
  // k6's traverseObject: `src.a.b`, each step present.
  const traverse = (src, ...fields) => {
    if (nullish(src)) throw fail('TypeError', 'Object is null or undefined');
    let v = src;
    fields.forEach((f, i) => {
      v = Object(v)[f];
      if (nullish(v)) throw fail('TypeError', `field ${fields.slice(0, i + 1).join('.')} is null or undefined`);
    });
    return v;
  };
  const param = (params, field) => {
    try {
      return traverse(params, field);
    } catch (_) {
      throw fail('SyntaxError', `could not get ${field} from algorithm parameter`);
    }
  };
  const optionalParam = (params, field) => {
    try { return traverse(params, field); } catch (_) { return undefined; }
  };
  // k6's extractHash (RSA): a hash name, as a string or `{name}`.
  const extractHash = (params) => {
    const v = param(params, 'hash');
    const name = typeof v === 'string' ? v : Object(v).name;
    if (nullish(name)) throw fail('TypeError', 'hash name is null or undefined');
    if (!HASHES.includes(String(name))) throw fail('NotSupportedError', `hash algorithm is not supported ${name}`);
    return String(name);
  };

  const isView = (v) => ArrayBuffer.isView(v) && !(v instanceof DataView);
  // k6's exportArrayBuffer: a typed array counts with its whole buffer.
  const bytesOf = (v) => {
    if (nullish(v)) throw fail('TypeError', 'data is null or undefined');
    if (isView(v)) return v.buffer.slice(0);
    if (v instanceof ArrayBuffer) return v.slice(0);
    throw fail('OperationError', 'data is neither an ArrayBuffer, nor a TypedArray nor DataView');
  };
  // An algorithm parameter holding bytes (`iv`, `counter`, `label`…), as Go exports it.
  const paramBytes = (v) => {
    if (nullish(v)) return new ArrayBuffer(0);
    if (v instanceof ArrayBuffer) return v.slice(0);
    if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    if (Array.isArray(v)) return Uint8Array.from(v).buffer;
    throw fail('SyntaxError', 'invalid algorithm parameters, unable to interpret as "" object');
  };

  // CryptoKey objects, with k6's JSON shape; their material stays out of reach.
  const handles = new WeakMap();
  function CryptoKey() { throw new TypeError('Illegal constructor'); }
  // k6's CryptoKey and CryptoKeyPair also list their Go methods among their keys.
  const pairMethods = (self, isPair) => ({
    isKeyPair: () => isPair,
    resolveCryptoKey() { if (isPair) throw new GoError('not a CryptoKey'); return self; },
    resolveCryptoKeyPair() { if (!isPair) throw new GoError('not a Crypto Key Pair'); return self; },
  });
  const makeKey = (type, extractable, algorithm, usages, handle) => {
    const key = Object.create(CryptoKey.prototype);
    Object.assign(key, { type, extractable: !!extractable, algorithm, usages });
    key.containsUsage = (u) => usageList(key.usages).includes(u);
    Object.assign(key, pairMethods(key, false));
    key.validate = () => (['private', 'public', 'secret'].includes(key.type) ? null : new GoError('invalid key type'));
    if (handle !== undefined) handles.set(key, handle);
    return key;
  };
  const makePair = (privateKey, publicKey) => {
    const pair = { privateKey, publicKey };
    return Object.assign(pair, pairMethods(pair, true));
  };
  const handleOf = (key) => (isObject(key) ? handles.get(key) : undefined);
  const keyAlgorithm = (name) => ({ algorithm: { name }, name });
  const aesAlgorithm = (name, length) => ({ algorithm: { name }, name, length });
  const hmacAlgorithm = (hash, length) => ({ key_algorithm: keyAlgorithm('HMAC'), ...keyAlgorithm('HMAC'), hash: keyAlgorithm(hash), length });
  const ecAlgorithm = (name, namedCurve) => ({ key_algorithm: keyAlgorithm(name), ...keyAlgorithm(name), namedCurve });
  const rsaAlgorithm = (name, modulusLength, hash) => ({ key_algorithm: keyAlgorithm(name), ...keyAlgorithm(name), modulusLength, hash: { name: hash } });
  const usageList = (usages) => (nullish(usages) ? [] : Array.from(usages, String));
  // Usages as an argument: sobek converts arrays and throws a TypeError for anything else.
  const usageArg = (usages, index) => {
    if (!nullish(usages) && !Array.isArray(usages)) {
      throw new TypeError(`could not convert function call parameter ${index}: could not convert ${String(usages)} to []string`);
    }
    return usageList(usages);
  };
  // Go's UsageIntersection: the usages of `a` also in `b`, once each, in `a`'s order.
  const intersect = (a, b) => a.filter((u, i) => b.includes(u) && a.indexOf(u) === i);
  const checkUsages = (usages, allowed, message) => {
    const bad = usages.find((u) => !allowed.includes(u));
    if (bad !== undefined) throw fail('SyntaxError', message(bad));
  };
  const requireUsages = (key) => {
    if ((key.type === 'secret' || key.type === 'private') && key.usages.length === 0) {
      throw fail('SyntaxError', 'usages cannot not be empty for a secret or private CryptoKey');
    }
    return key;
  };

  // A failure k6 throws from the call itself instead of rejecting (a JS TypeError from
  // converting an argument).
  class Thrown {
    constructor(error) { this.error = error; }
  }
  const nullObject = () => new Thrown(new TypeError('Cannot convert undefined or null to object'));
  // Resolves with `body()`, rejecting with what it throws, except for `Thrown` failures.
  const settle = (body) => {
    let thrownNow;
    const promise = new Promise((resolve) => {
      try {
        resolve(body());
      } catch (e) {
        if (!(e instanceof Thrown)) throw e;
        thrownNow = e.error;
      }
    });
    if (thrownNow) throw thrownNow;
    return promise;
  };

  const HMAC_DEFAULT_LENGTH = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
  const ACCEPTED_GENERATORS = 'AES-CBC, AES-CTR, AES-GCM, AES-KW, HMAC, ECDH, ECDSA, RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP';

  // generateKey, per family: the parameters read up front, then the key(s).
  const generators = {
    aes(name, params) {
      const length = toInt(param(params, 'length'));
      return (extractable, usages) => {
        usages.forEach((u) => {
          const ok = ['wrapKey', 'unwrapKey'].includes(u) || (['encrypt', 'decrypt'].includes(u) && name !== 'AES-KW');
          if (!ok) throw fail('SyntaxError', 'invalid key usage');
        });
        if (![128, 192, 256].includes(length)) throw fail('OperationError', 'invalid key length');
        const h = native.secretKey(native.random(length / 8));
        return requireUsages(makeKey('secret', extractable, aesAlgorithm(name, length), usages, h));
      };
    },
    hmac(name, params) {
      const hash = normalize(param(params, 'hash'), 'generateKey');
      const given = optionalParam(params, 'length');
      return (extractable, usages) => {
        checkUsages(usages, ['sign', 'verify'], (u) => `invalid key usage: ${u}`);
        let length = given === undefined ? HMAC_DEFAULT_LENGTH[hash] : toInt(given);
        if (length === undefined) throw fail('ImplementationError', `invalid hash algorithm: ${hash}`);
        if (length === 0) throw fail('OperationError', "algorithm's length cannot be 0");
        const h = native.secretKey(native.random(Math.trunc(length / 8)));
        return requireUsages(makeKey('secret', extractable, hmacAlgorithm(hash, length), usages, h));
      };
    },
    ec(name, params) {
      const curve = String(param(params, 'namedCurve'));
      return (extractable, usages) => {
        if (!['P-256', 'P-384', 'P-521'].includes(curve)) throw fail('NotSupportedError', `elliptic curve ${curve} is not supported`);
        if (usages.length === 0) throw fail('SyntaxError', 'key usages cannot be empty');
        const [priv, pub] = name === 'ECDH' ? [['deriveKey', 'deriveBits'], []] : [['sign'], ['verify']];
        checkUsages(usages, [...priv, ...pub], () => 'invalid key usage');
        const [privateHandle, publicHandle] = native.ecGenerate(curve);
        const alg = () => ecAlgorithm(name, curve);
        return makePair(
          makeKey('private', extractable, alg(), intersect(usages, priv), privateHandle),
          makeKey('public', true, alg(), intersect(pub, usages), publicHandle),
        );
      };
    },
    rsa(name, params) {
      const modulusLength = toInt(param(params, 'modulusLength'));
      const exponent = param(params, 'publicExponent');
      if (!(exponent instanceof Uint8Array)) throw fail('OperationError', 'publicExponent is not a byte array');
      const hash = extractHash(params);
      return (extractable, usages) => {
        const e = Array.from(exponent).reduce((acc, b) => acc * 256 + b, 0);
        const why = e % 2 === 0 ? 'public exponent is even' : e < 2 ? 'public exponent too small' : e > 2147483647 ? 'public exponent too large' : '';
        if (why) throw fail('OperationError', `invalid public exponent: ${why}`);
        if (usages.length === 0) throw fail('SyntaxError', 'key usages cannot be empty');
        const [priv, pub] = name === 'RSA-OAEP' ? [['decrypt'], ['encrypt']] : [['sign'], ['verify']];
        const allowed = name === 'RSA-OAEP' ? ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] : ['sign', 'verify'];
        checkUsages(usages, allowed, (u) => `invalid key usage: ${u}`);
        const [privateHandle, publicHandle] = native.rsaGenerate(modulusLength, exponent.slice().buffer);
        const alg = () => rsaAlgorithm(name, modulusLength, hash);
        return makePair(
          makeKey('private', extractable, alg(), intersect(usages, priv), privateHandle),
          makeKey('public', true, alg(), intersect(usages, pub), publicHandle),
        );
      };
    },
  };
  const family = (name) => (AES.includes(name) ? 'aes' : name === 'HMAC' ? 'hmac' : EC.includes(name) ? 'ec' : RSA.includes(name) ? 'rsa' : undefined);

  // importKey, per family: the parameters read up front, then the key from its data.
  const importers = {
    aes(name) {
      return (format, data, usages) => {
        checkUsages(usages, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], (u) => `invalid key usage: ${u}`);
        if (format !== 'raw' && format !== 'jwk') throw fail('NotSupportedError', `unsupported key format ${format}`);
        const raw = format === 'jwk' ? native.secretFromJwk(data) : data;
        if (![16, 24, 32].includes(raw.byteLength)) throw fail('DataError', `invalid key length ${raw.byteLength} bytes`);
        return ['secret', aesAlgorithm(name, raw.byteLength * 8), native.secretKey(raw)];
      };
    },
    hmac(name, params) {
      const hash = normalize(param(params, 'hash'), 'generateKey');
      const given = optionalParam(params, 'length');
      return (format, data, usages) => {
        checkUsages(usages, ['sign', 'verify'], (u) => `invalid key usage: ${u}`);
        if (format !== 'raw' && format !== 'jwk') throw fail('NotSupportedError', `unsupported key format ${format}`);
        const raw = format === 'jwk' ? native.secretFromJwk(data) : data;
        const length = raw.byteLength * 8;
        if (length === 0) throw fail('DataError', 'key length cannot be 0');
        if (given !== undefined && toInt(given) !== length) {
          throw fail('DataError', 'key length cannot be different from the length of the imported data');
        }
        return ['secret', hmacAlgorithm(hash, length), native.secretKey(raw)];
      };
    },
    ec(name, params) {
      const curve = String(param(params, 'namedCurve'));
      return (format, data) => {
        if (!['raw', 'spki', 'pkcs8', 'jwk'].includes(format)) {
          throw fail('NotSupportedError', `unsupported key format ${format} for algorithm ${name}`);
        }
        const [handle, type] = native.ecImport(name, format, curve, data);
        return [type, ecAlgorithm(name, curve), handle];
      };
    },
    rsa(name, params) {
      const hash = extractHash(params);
      return (format, data) => {
        if (!['spki', 'pkcs8', 'jwk'].includes(format)) {
          throw fail('NotSupportedError', `unsupported key format ${format} for algorithm ${name}`);
        }
        const [handle, type, bits] = native.rsaImport(format, data);
        return [type, rsaAlgorithm(name, bits, hash), handle];
      };
    },
  };

  // A symmetric key as k6's JWK: k, kty, ext, key_ops, alg.
  const symmetricJwk = (key, raw) => {
    const alg = key.algorithm.name === 'HMAC'
      ? `HS${String(key.algorithm.hash.name).slice(4)}`
      : `A${raw.byteLength * 8}${key.algorithm.name.slice(4)}`;
    return { k: native.base64url(raw), kty: 'oct', ext: key.extractable, key_ops: key.usages, alg };
  };
  const exporters = {
    secret(key, handle, format) {
      const raw = native.secretBytes(handle);
      if (format === 'raw') return raw;
      if (format === 'jwk') return symmetricJwk(key, raw);
      throw fail('NotSupportedError', `unsupported key format ${format}`);
    },
    ec: (key, handle, format) => fromExport(native.ecExport(format, handle)),
    rsa: (key, handle, format) => fromExport(native.rsaExport(format, handle)),
  };
  const fromExport = (v) => (typeof v === 'string' ? JSON.parse(v) : v);

  // The checks k6 makes on a key for an operation: a CryptoKey, of the algorithm, with the usage.
  // (k6 takes any object as a key here; one without material fails later, in the natives.
  // Only verify reports a missing key through the promise.)
  const usableKey = (key, name, prefix, throwsOnNull = true) => {
    if (nullish(key) && throwsOnNull) throw nullObject();
    if (!isObject(key) && !nullish(key)) throw fail('InvalidAccessError', `${prefix}key argument does hold not a valid CryptoKey object`);
    if (name !== String(traverse(key, 'algorithm', 'name'))) {
      throw fail('InvalidAccessError', `${prefix}algorithm name does not match key algorithm name`);
    }
    return handleOf(key);
  };
  const requireUsage = (key, usage, subject) => {
    if (!usageList(key.usages).includes(usage)) throw fail('InvalidAccessError', `${subject} does not contain the '${usage}' usage`);
  };

  // encrypt/decrypt, per algorithm.
  const ciphers = {
    'AES-CBC': (enc, a, h, data) => native.aesCbc(enc, h, paramBytes(a.iv), data),
    'AES-CTR': (enc, a, h, data) => native.aesCtr(enc, h, paramBytes(a.counter), toInt(a.length), data),
    'AES-GCM': (enc, a, h, data) => native.aesGcm(enc, h, paramBytes(a.iv), paramBytes(a.additionalData), toInt(a.tagLength), data),
    'RSA-OAEP': (enc, a, h, data, key) => native.rsaOaep(enc, key.algorithm.hash.name, h, data, paramBytes(a.label)),
  };
  const crypt = (encrypt, algorithm, key, data) => settle(() => {
    const op = encrypt ? 'encrypt' : 'decrypt';
    const bytes = bytesOf(data);
    const name = normalize(algorithm, op);
    const handle = usableKey(key, name, `${op}'s `);
    const run = ciphers[name];
    if (!run) throw fail('NotSupportedError', `unsupported algorithm ${name}`);
    const params = isObject(algorithm) ? algorithm : {};
    ['iv', 'counter', 'additionalData', 'label'].forEach((f) => paramBytes(params[f]));
    requireUsage(key, op, `${op}'s key`);
    return run(encrypt, params, handle, bytes, key);
  });

  // sign/verify: the algorithm's parameters, then the signature operation.
  const signer = (name, algorithm) => {
    if (name === 'ECDSA') {
      const hash = normalize(param(algorithm, 'hash'), 'generateKey');
      return {
        sign: (key, h, data) => native.ecdsaSign(hash, h, data),
        verify: (key, h, sig, data) => native.ecdsaVerify(hash, h, sig, data),
      };
    }
    if (name === 'HMAC') {
      return {
        sign: (key, h, data) => native.hmacSign(key.algorithm.hash.name, h, data),
        verify: (key, h, sig, data) => native.hmacVerify(key.algorithm.hash.name, h, sig, data),
      };
    }
    const salt = name === 'RSA-PSS' ? toInt(param(algorithm, 'saltLength')) : 0;
    return {
      sign: (key, h, data) => native.rsaSign(name, key.algorithm.hash.name, h, data, salt),
      verify: (key, h, sig, data) => native.rsaVerify(name, key.algorithm.hash.name, h, sig, data, salt),
    };
  };

  const ecCurve = (key) => (EC.includes(key.algorithm && key.algorithm.name) ? key.algorithm.namedCurve : undefined);
  // Go's %v of a CryptoKey, as k6 prints one (the trailing handle pointer varies anyway).
  const goStruct = (k) => {
    const a = isObject(k.algorithm) ? k.algorithm : {};
    const alg = a.namedCurve !== undefined ? `{{{${a.name}}} ${a.namedCurve}}` : `{{${a.name}}}`;
    return `{${k.type} ${k.extractable} ${alg} [${usageList(k.usages).join(' ')}] 0xc000000000}`;
  };

  const subtle = {
    decrypt(algorithm, key, data) { return crypt(false, algorithm, key, data); },
    deriveBits(algorithm, baseKey, length) {
      return settle(() => {
        const privateHandle = handleOf(baseKey);
        if (privateHandle === undefined) throw fail('InvalidAccessError', 'provided baseKey is not a valid CryptoKey');
        if (baseKey.type !== 'private') throw fail('InvalidAccessError', `provided baseKey is not a private key: ${goStruct(baseKey)}`);
        requireUsage(baseKey, 'deriveBits', 'provided baseKey');
        if (!isObject(algorithm)) throw fail('InvalidAccessError', 'algorithm is not an object');
        const pub = algorithm.public;
        if (nullish(pub)) throw fail('TypeError', 'algorithm does not contain a public key');
        const publicHandle = handleOf(pub);
        if (publicHandle === undefined) throw fail('TypeError', "algorithm's public is not a valid CryptoKey");
        if (pub.type !== 'public') throw fail('InvalidAccessError', "algorithm's public key is not a public key");
        if (nullish(algorithm.name)) throw fail('TypeError', 'algorithm does not contain a name property');
        const name = String(algorithm.name).toUpperCase();
        const pubName = String(traverse(pub, 'algorithm', 'name'));
        if (name !== pubName) throw fail('InvalidAccessError', `algorithm name does not match public key's algorithm name: ${name} != ${pubName}`);
        const [c1, c2] = [ecCurve(baseKey), ecCurve(pub)];
        if (c1 === undefined || c2 === undefined) throw fail('InvalidAccessError', 'keys are not valid elliptic curve keys');
        if (c1 !== c2) throw fail('InvalidAccessError', `keys have different curves ${c1} and ${c2}`);
        const bits = toInt(length);
        if (bits % 8 !== 0) throw fail('NotSupportedError', 'currently only multiples of 8 are supported for length');
        if (name !== 'ECDH') throw fail('NotSupportedError', `unsupported algorithm for derive bits: ${name}`);
        const secret = native.ecdh(privateHandle, publicHandle);
        if (bits === 0) return secret;
        if (secret.byteLength < bits / 8) throw fail('OperationError', 'length is too large');
        return secret.slice(0, bits / 8);
      });
    },
    // k6 v1.1 declares deriveKey but does not implement it: it returns nothing.
    deriveKey() { return null; },
    digest(algorithm, data) {
      return settle(() => {
        if (!(data instanceof ArrayBuffer || data instanceof DataView || isView(data))) {
          throw new GoError('data must be an ArrayBuffer, TypedArray, or DataView');
        }
        const bytes = bytesOf(data);
        return native.digest(normalize(algorithm, 'digest'), bytes);
      });
    },
    encrypt(algorithm, key, data) { return crypt(true, algorithm, key, data); },
    exportKey(format, key) {
      return settle(() => {
        if (nullish(key)) throw nullObject();
        if (!isObject(key)) throw fail('InvalidAccessError', 'key is not an object');
        const handle = handleOf(key);
        if (handle === undefined) throw fail('ImplementationError', 'unable to extract CryptoKey from key object');
        const name = isObject(key.algorithm) ? String(key.algorithm.name) : '';
        if (!REGISTERED.exportKey.includes(name)) throw fail('NotSupportedError', `unsupported algorithm ${name}`);
        if (!key.extractable) throw fail('InvalidAccessError', 'the key is not extractable');
        const kind = name === 'AES-KW' ? undefined : family(name) === 'aes' || name === 'HMAC' ? 'secret' : family(name);
        if (!kind) throw fail('NotSupportedError', `unsupported algorithm ${name}`);
        return exporters[kind](key, handle, String(format));
      });
    },
    generateKey(algorithm, extractable, keyUsages) {
      const usages = usageArg(keyUsages, 2);
      return settle(() => {
        const name = normalize(algorithm, 'generateKey');
        const kind = family(name);
        if (!kind) throw fail('NotImplemented', `unsupported key generation algorithm '${name}', accepted values are: ${ACCEPTED_GENERATORS}`);
        return generators[kind](name, algorithm)(extractable, usages);
      });
    },
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      const usages = usageArg(keyUsages, 4);
      return settle(() => {
        let data;
        if (['pkcs8', 'raw', 'spki'].includes(format)) data = bytesOf(keyData);
        else if (format === 'jwk') data = JSON.stringify(keyData);
        else throw fail('ImplementationError', `unsupported format ${format}`);
        const name = normalize(algorithm, 'importKey');
        const [type, alg, handle] = importers[family(name)](name, algorithm)(format, data, usages);
        return requireUsages(makeKey(type, extractable, alg, usages, handle));
      });
    },
    sign(algorithm, key, data) {
      return settle(() => {
        const bytes = bytesOf(data);
        const name = normalize(algorithm, 'sign');
        const s = signer(name, algorithm);
        const handle = usableKey(key, name, '');
        requireUsage(key, 'sign', 'key');
        return s.sign(key, handle, bytes);
      });
    },
    unwrapKey() { throw goThrown(new GoError('not implemented')); },
    verify(algorithm, key, signature, data) {
      return settle(() => {
        const sig = bytesOf(signature);
        const bytes = bytesOf(data);
        const name = normalize(algorithm, 'verify');
        const s = signer(name, algorithm);
        const handle = usableKey(key, name, '', false);
        requireUsage(key, 'verify', 'key');
        return s.verify(key, handle, sig, bytes);
      });
    },
    wrapKey() { throw goThrown(new GoError('not implemented')); },
  };

  const RANDOM_TYPES = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];
  const readOnly = (obj, props) => {
    for (const [k, value] of Object.entries(props)) {
      Object.defineProperty(obj, k, { value, writable: false, enumerable: true, configurable: false });
    }
    return obj;
  };
  return readOnly({}, {
    // k6 fills each element with one random byte, whatever the element size.
    getRandomValues(typedArray) {
      if (!isObject(typedArray) || !RANDOM_TYPES.includes(typedArray.constructor)) {
        throw thrown('TypeMismatchError', "typedArray parameter isn't a TypedArray instance");
      }
      const n = typedArray.length;
      if (n > 65536) throw thrown('QuotaExceededError', 'typedArray parameter is too big; maximum length is 65536');
      const random = new Uint8Array(native.random(n));
      for (let i = 0; i < n; i++) typedArray[i] = random[i];
      return typedArray;
    },
    randomUUID() { return native.uuid(); },
    subtle: readOnly({}, subtle),
    CryptoKey: makeKey('', false, null, []),
  });
})
