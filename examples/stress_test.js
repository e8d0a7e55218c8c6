// Stress test: push well past normal load with constant VUs and a mix of slow and failing
// calls; thresholds tolerate a small error budget. `-u`/`-d` override the shape, like k6.
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/stress_test.js            (or: rk6 run -u 200 -d 30s examples/stress_test.js)
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const serverErrors = new Counter('server_errors');

export const options = {
  vus: 50,
  duration: '10s',
  thresholds: {
    http_req_failed: ['rate<0.05'],
    'http_req_duration{kind:fast}': ['p(95)<300'],
    server_errors: ['count<1000'],
  },
};

export default function () {
  const fast = http.get(`${BASE}/get?i=${__ITER}`, { tags: { kind: 'fast' } });
  check(fast, { 'fast ok': (r) => r.status === 200 });
  if (__ITER % 50 === 0) {
    const slow = http.get(`${BASE}/delay/0.2`, { tags: { kind: 'slow' } });
    check(slow, { 'slow ok': (r) => r.status === 200 });
  }
  if (__ITER % 100 === 7) {
    const bad = http.get(`${BASE}/status/503`, { tags: { kind: 'error' } });
    if (bad.status >= 500) serverErrors.add(1);
  }
}
