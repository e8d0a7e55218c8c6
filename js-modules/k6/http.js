// k6/http: the JS face of rk6's native HTTP client. Argument shapes (verbs, batch forms,
// http.url templates, form bodies, http.file) are normalised here; requests, cookies and
// metrics are native. Evaluated once per VU with the native binding as `native`.
(function (native) {
  const JSON_CACHE = Symbol('json');

  class Response {
    json(selector) {
      if (selector === undefined) {
        if (!Object.prototype.hasOwnProperty.call(this, JSON_CACHE)) {
          Object.defineProperty(this, JSON_CACHE, { value: native.parseBody(this.body), enumerable: false });
        }
        return this[JSON_CACHE];
      }
      return native.jsonSelect(this.body, String(selector));
    }
    html() {
      throw new Error('res.html() needs k6/html, which rk6 does not provide yet');
    }
  }

  class FileData {
    constructor(data, filename, contentType) {
      this.data = data;
      this.filename = filename === undefined ? String(Date.now() * 1000000) : String(filename);
      this.content_type = contentType || 'application/octet-stream';
    }
  }

  class URLTag {
    constructor(url, name) { this.url = url; this.name = name; }
    toString() { return this.url; }
  }

  function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v) && !Array.isArray(v);
  }

  function encodeBody(body) {
    if (!isPlainObject(body) || body instanceof FileData) return body;
    const parts = [];
    let multipart = false;
    for (const k of Object.keys(body)) {
      const v = body[k];
      const values = Array.isArray(v) ? v : [v];
      for (const x of values) {
        if (x instanceof FileData) {
          multipart = true;
          parts.push([k, x.data, x.filename, x.content_type]);
        } else {
          parts.push([k, String(x)]);
        }
      }
    }
    return { __rk6_form: parts, multipart: multipart };
  }

  function prepare(method, url, body, params) {
    let p = params;
    if (url instanceof URLTag) {
      p = Object.assign({}, params || {});
      p.tags = Object.assign({ name: url.name }, (params && params.tags) || {});
      url = url.url;
    }
    return [String(method).toUpperCase(), String(url), encodeBody(body), p];
  }

  function wrap(raw) {
    Object.setPrototypeOf(raw, Response.prototype);
    return raw;
  }

  function request(method, url, body, params) {
    return wrap(native.request.apply(null, prepare(method, url, body, params)));
  }

  function batchItem(item) {
    if (typeof item === 'string' || item instanceof URLTag) return prepare('GET', item, null, undefined);
    if (Array.isArray(item)) return prepare(item[0], item[1], item[2], item[3]);
    if (item && typeof item === 'object') {
      const m = String(item.method || 'GET').toUpperCase();
      const b = m === 'GET' || m === 'HEAD' ? null : item.body;
      return prepare(m, item.url, b, item.params);
    }
    throw new TypeError('invalid batch request: ' + String(item));
  }

  function batch(requests) {
    if (Array.isArray(requests)) {
      return native.batch(requests.map(batchItem)).map(wrap);
    }
    const keys = Object.keys(requests);
    const out = native.batch(keys.map((k) => batchItem(requests[k])));
    const res = {};
    keys.forEach((k, i) => { res[k] = wrap(out[i]); });
    return res;
  }

  function expectedStatuses(...args) {
    const ranges = args.map((a, i) => {
      if (Number.isInteger(a)) return [a, a];
      if (a && typeof a === 'object' && Number.isInteger(a.min) && Number.isInteger(a.max)) return [a.min, a.max];
      throw new TypeError(`argument number ${i + 1} to expectedStatuses was neither an integer nor an object like {min:100, max:329}`);
    });
    return { __rk6_expected: ranges };
  }

  class CookieJar {
    constructor(id) {
      Object.defineProperty(this, '__rk6_jar', { value: id === undefined ? native.newJar() : id });
    }
    cookiesForURL(url) { return native.jarCookies(this.__rk6_jar, String(url)); }
    set(url, name, value, opts) { return native.jarSet(this.__rk6_jar, String(url), String(name), String(value), opts || {}); }
    clear(url) { native.jarClear(this.__rk6_jar, String(url)); }
    delete(url, name) { native.jarDelete(this.__rk6_jar, String(url), String(name)); }
  }

  const http = {
    get: (url, params) => request('GET', url, null, params),
    head: (url, params) => request('HEAD', url, null, params),
    post: (url, body, params) => request('POST', url, body, params),
    put: (url, body, params) => request('PUT', url, body, params),
    patch: (url, body, params) => request('PATCH', url, body, params),
    del: (url, body, params) => request('DELETE', url, body, params),
    options: (url, body, params) => request('OPTIONS', url, body, params),
    request: request,
    asyncRequest: (method, url, body, params) => new Promise((resolve) => resolve(request(method, url, body, params))),
    batch: batch,
    file: (data, filename, contentType) => new FileData(data, filename, contentType),
    expectedStatuses: expectedStatuses,
    setResponseCallback: (cb) => native.setResponseCallback(cb),
    cookieJar: () => { native.requireVu('Making cookie jars in the init context is not supported'); return new CookieJar(0); },
    CookieJar: CookieJar,
    url: (strings, ...values) => {
      let url = '';
      let name = '';
      strings.forEach((s, i) => {
        url += s;
        name += s;
        if (i < values.length) { url += String(values[i]); name += '${}'; }
      });
      return new URLTag(url, name);
    },
    TLS_1_0: 'tls1.0', TLS_1_1: 'tls1.1', TLS_1_2: 'tls1.2', TLS_1_3: 'tls1.3',
    OCSP_STATUS_GOOD: 'good', OCSP_STATUS_REVOKED: 'revoked', OCSP_STATUS_SERVER_FAILED: 'server_failed', OCSP_STATUS_UNKNOWN: 'unknown',
    OCSP_REASON_UNSPECIFIED: 'unspecified', OCSP_REASON_KEY_COMPROMISE: 'key_compromise', OCSP_REASON_CA_COMPROMISE: 'ca_compromise',
    OCSP_REASON_AFFILIATION_CHANGED: 'affiliation_changed', OCSP_REASON_SUPERSEDED: 'superseded',
    OCSP_REASON_CESSATION_OF_OPERATION: 'cessation_of_operation', OCSP_REASON_CERTIFICATE_HOLD: 'certificate_hold',
    OCSP_REASON_REMOVE_FROM_CRL: 'remove_from_crl', OCSP_REASON_PRIVILEGE_WITHDRAWN: 'privilege_withdrawn',
    OCSP_REASON_AA_COMPROMISE: 'aa_compromise',
  };
  return http;
})
