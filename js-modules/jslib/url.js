// jslib.k6.io's `url` module (https://jslib.k6.io/url/1.0.0/index.js), served offline:
// the WHATWG `URL` and `URLSearchParams` classes. Parsing, the setters and query-string
// encoding are native (the `url` crate, through rk6's internal `k6/x/rk6-url`).
import { parse, update, parseQuery, formatQuery } from 'k6/x/rk6-url';

const PARTS = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port',
  'pathname', 'search', 'hash'];

export class URLSearchParams {
  constructor(init) {
    this._list = [];
    this._url = null;
    if (init === undefined || init === null) return;
    if (typeof init === 'string') {
      this._list = parseQuery(init);
    } else if (init instanceof URLSearchParams) {
      this._list = init._list.map(([k, v]) => [k, v]);
    } else if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
        this._list.push([String(p[0]), String(p[1])]);
      }
    } else {
      for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
    }
  }
  _changed() { if (this._url) this._url._setSearch(this.toString()); }
  get size() { return this._list.length; }
  append(name, value) { this._list.push([String(name), String(value)]); this._changed(); }
  delete(name, value) {
    name = String(name);
    this._list = this._list.filter(([k, v]) => !(k === name && (value === undefined || v === String(value))));
    this._changed();
  }
  get(name) { const e = this._list.find(([k]) => k === String(name)); return e ? e[1] : null; }
  getAll(name) { return this._list.filter(([k]) => k === String(name)).map(([, v]) => v); }
  has(name, value) {
    return this._list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value)));
  }
  set(name, value) {
    name = String(name);
    const i = this._list.findIndex(([k]) => k === name);
    if (i < 0) { this._list.push([name, String(value)]); } else {
      this._list[i] = [name, String(value)];
      this._list = this._list.filter(([k], j) => j <= i || k !== name);
    }
    this._changed();
  }
  sort() {
    this._list = this._list.map((e, i) => [e, i])
      .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
      .map(([e]) => e);
    this._changed();
  }
  forEach(fn, thisArg) { for (const [k, v] of this._list) fn.call(thisArg, v, k, this); }
  keys() { return this._list.map(([k]) => k)[Symbol.iterator](); }
  values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
  entries() { return this._list.map(([k, v]) => [k, v])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return formatQuery(this._list); }
}

export class URL {
  constructor(url, base) {
    const parts = parse(String(url), base === undefined ? undefined : String(base));
    if (parts === null) throw new TypeError(`Invalid URL: ${url}`);
    this._parts = parts;
    this._params = new URLSearchParams(parts.search);
    this._params._url = this;
  }
  _apply(field, value) {
    const parts = update(this._parts.href, field, String(value));
    if (parts === null) throw new TypeError(`Invalid URL: ${value}`);
    this._parts = parts;
  }
  _setSearch(query) { this._apply('search', query); }
  get origin() { return this._parts.origin; }
  get searchParams() { return this._params; }
  toString() { return this._parts.href; }
  toJSON() { return this._parts.href; }
}

for (const name of PARTS) {
  Object.defineProperty(URL.prototype, name, {
    get() { return this._parts[name]; },
    set(value) {
      this._apply(name, value);
      if (name === 'href' || name === 'search') {
        this._params._list = new URLSearchParams(this._parts.search)._list;
      }
    },
    enumerable: true,
    configurable: true,
  });
}
