// Groups (nested), a named scenario and thresholds: what the full and legacy summary
// modes lay out per group and per scenario. Checks are listed in first-seen order, so the
// default scenario starts after `a` to make that order the same in every run. `0late`
// runs after `a` but sorts before it: full mode lists SCENARIO sections by name.
import http from 'k6/http';
import { check, group } from 'k6';
import { Trend, Counter } from 'k6/metrics';
const t = new Trend('my_trend', true);
const c = new Counter('my_counter');
export const options = {
  scenarios: {
    a: { executor: 'shared-iterations', iterations: 2, vus: 1, exec: 'a' },
    '0late': { executor: 'per-vu-iterations', startTime: '250ms', iterations: 1, vus: 1, exec: 'late' },
    default: { executor: 'shared-iterations', startTime: '500ms', iterations: 2, vus: 1 },
  },
  thresholds: { 'http_req_duration{name:home}': ['max<1000'], my_counter: ['count>1'] },
};
export function a() {
  group('ga', () => {
    check(1, { 'a ok': () => true });
    group('nested', () => { http.get(`${__ENV.BASE_URL}/get`, { tags: { name: 'home' } }); check(1, { 'n ok': () => true, 'n bad': () => false }); });
  });
  c.add(1);
}
export function late() {
  group('gl', () => { check(1, { 'late ok': () => true }); });
}
export default function () {
  http.get(`${__ENV.BASE_URL}/get`);
  group('g1', () => { t.add(5); check(1, { 'g ok': () => true }); group('inner', () => { c.add(2); }); });
  group('g0', () => { http.get(`${__ENV.BASE_URL}/get`); });
}
