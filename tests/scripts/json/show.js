// Shared by the tests/scripts/json/*.js scripts of `differential_json.rs`: serving a text
// as a response body (through the hostile server's `/raw`), and printing parsed values in
// one stable form under k6 and rk6. k6's `res.json()` objects are Go maps whose key order
// changes from run to run, so `canon` sorts keys; only `JSON.parse` results show order.
import http from 'k6/http';
import encoding from 'k6/encoding';

// The response of a GET whose body is exactly `body` (a string as UTF-8, or the bytes of
// an ArrayBuffer).
export function respond(body) {
  return http.get(`${__ENV.HOSTILE}/raw?b64=${encoding.b64encode(body, 'rawurl')}`);
}

// `s` with every code unit outside printable ASCII (and `"`, `\`) as \uXXXX, quoted.
export function units(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const plain = c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
    out += plain ? s[i] : '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

// A value as JSON-like text with sorted keys, -0 and exact string code units.
export function canon(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  switch (typeof v) {
    case 'object':
      return '{' + Object.keys(v).sort().map((k) => units(k) + ':' + canon(v[k])).join(',') + '}';
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return units(v);
    default:
      return `${typeof v} ${String(v)}`;
  }
}

// `f()` described by `describe`, or the error it threw as `name: message`.
export function attempt(f, describe = canon) {
  try {
    return describe(f());
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

// Logs `parse LABEL: …` for JSON.parse(text) and `json LABEL: …` for res.json() of the
// same text as a body, each described by `describe`.
export function both(label, text, describe = canon) {
  console.log(`parse ${label}: ${attempt(() => JSON.parse(text), describe)}`);
  console.log(`json ${label}: ${attempt(() => respond(text).json(), describe)}`);
}
