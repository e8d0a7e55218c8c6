// Script code that runs *inside* a module call (getters on params, headers, tags and form
// bodies, a header value's toString/valueOf, a check callback in a group, a timer, an
// async request's params) and calls back into modules that change the VU:
// randomSeed, exec.vu.tags, a metric add, a check, a group. Every such request must go out
// and every check pass, as under k6: no entry point may find the VU's state taken.
import http from 'k6/http';
import exec from 'k6/execution';
import { check, group, randomSeed } from 'k6';
import { Counter } from 'k6/metrics';

const touched = new Counter('reentry_touched');

export const options = { iterations: 2 };

const BASE = __ENV.BASE_URL;

// Calls into every module that keeps per-VU state.
function touchVu(where) {
  randomSeed(7);
  exec.vu.tags.reentry = where;
  touched.add(1, { where });
  check(true, { [`inner check from ${where}`]: (v) => v === true });
  return where;
}

export default function () {
  const headers = {};
  Object.defineProperty(headers, 'X-Reentry', {
    enumerable: true,
    get: () => touchVu('header getter'),
  });
  const h = http.get(`${BASE}/headers`, { headers });
  check(h, { 'header getter sent': (r) => r.json().headers['X-Reentry'] === 'header getter' });

  const valueOf = { valueOf: () => { touchVu('valueOf'); return 'v'; }, toString() { return this.valueOf(); } };
  const t = http.get(`${BASE}/headers`, { headers: { 'X-Value': valueOf } });
  check(t, { 'valueOf header sent': (r) => r.status === 200 });

  const tags = {};
  Object.defineProperty(tags, 'entry', { enumerable: true, get: () => touchVu('tag getter') });
  check(http.get(`${BASE}/get`, { tags }), { 'tag getter request': (r) => r.status === 200 });

  const params = {};
  Object.defineProperty(params, 'timeout', { enumerable: true, get: () => { touchVu('params getter'); return '10s'; } });
  check(http.get(`${BASE}/get`, params), { 'params getter request': (r) => r.status === 200 });

  const form = {};
  Object.defineProperty(form, 'field', { enumerable: true, get: () => touchVu('body getter') });
  const p = http.post(`${BASE}/post`, form);
  check(p, { 'body getter posted': (r) => r.json().form.field === 'body getter' });

  group('outer', () => {
    check(http.get(`${BASE}/get`), {
      'check callback re-enters': (r) => touchVu('check callback') === 'check callback' && r.status === 200,
    });
  });

  setTimeout(() => {
    check(touchVu('timer'), { 'timer re-entered': (w) => w === 'timer' });
  }, 1);
  http.asyncRequest('GET', `${BASE}/headers`, null, { headers }).then((r) => {
    check(r, { 'async header getter sent': (x) => x.json().headers['X-Reentry'] === 'header getter' });
  });
}
