// The response object's shape as k6 v1.1 has it: every field and method is an own,
// enumerable, writable, non-configurable property and the prototype is Object.prototype.
// rk6 creates the properties on first observation; each check observes a fresh response
// first by a different route (read, `in`, descriptor, key listing, spread, JSON, write,
// delete). Every check passes under k6 and rk6.
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2, vus: 1 };

const FIELDS = ['remote_ip', 'remote_port', 'url', 'status', 'status_text', 'proto', 'headers',
  'cookies', 'body', 'timings', 'tls_version', 'tls_cipher_suite', 'ocsp', 'error', 'error_code',
  'request'];
const get = () => http.get(`${__ENV.BASE_URL}/json`);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const throws = (f) => { try { f(); return false; } catch (e) { return e instanceof TypeError; } };

export default function () {
  check(null, {
    'fields are own properties': () => FIELDS.every((f) => Object.prototype.hasOwnProperty.call(get(), f)),
    'keys list the fields first, in order': () => same(Object.keys(get()).slice(0, FIELDS.length), FIELDS),
    'spread copies the fields': () => { const c = { ...get() }; return c.status === 200 && typeof c.json === 'function' && same(Object.keys(c).slice(0, 16), FIELDS); },
    'for-in sees the fields': () => { const ks = []; for (const k in get()) ks.push(k); return same(ks.slice(0, 16), FIELDS); },
    'JSON.stringify has every field': () => same(Object.keys(JSON.parse(JSON.stringify(get()))), FIELDS),
    'descriptor: writable, enumerable, not configurable': () => {
      const d = Object.getOwnPropertyDescriptor(get(), 'status');
      return d.value === 200 && d.writable && d.enumerable && !d.configurable;
    },
    'methods are own properties': () => { const r = get(); return Object.prototype.hasOwnProperty.call(r, 'json') && typeof r.json === 'function' && typeof r.html === 'function'; },
    'prototype is Object.prototype': () => Object.getPrototypeOf(get()) === Object.prototype,
    '`in` finds a field first': () => 'timings' in get() && !('nope' in get()),
    'a field can be overwritten first': () => { const r = get(); r.status = 7; return r.status === 7 && Object.keys(r).includes('status'); },
    'a field cannot be deleted': () => { const r = get(); return throws(() => { delete r.body; }) && typeof r.body === 'string'; },
    'a field reads the same twice': () => { const r = get(); return r.body === r.body && r.status === r.status && r.headers['Content-Type'] === r.headers['Content-Type']; },
    'values are the data': () => { const r = get(); return r.status === 200 && r.json().slideshow !== undefined && r.timings.duration >= 0 && r.request.method === 'GET'; },
    'unknown keys are absent': () => { const r = get(); return r.nope === undefined && !Object.prototype.hasOwnProperty.call(r, 'nope'); },
  });
}
