// Smoke test: one VU checks every endpoint of an inference-style API once per iteration.
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/smoke_test.js
import http from 'k6/http';
import { check, group } from 'k6';
import { Rate } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const apiErrors = new Rate('api_errors');

export const options = {
  vus: 1,
  iterations: 5,
  thresholds: {
    api_errors: ['rate==0'],
    'http_req_duration{name:health}': ['p(95)<200'],
    checks: ['rate==1.0'],
  },
};

export default function () {
  group('health', () => {
    const res = http.get(`${BASE}/get`, { tags: { name: 'health' } });
    apiErrors.add(res.status !== 200);
    check(res, { 'health is 200': (r) => r.status === 200 });
  });
  group('models', () => {
    const res = http.get(`${BASE}/anything/v1/models`);
    apiErrors.add(res.status !== 200);
    check(res, {
      'models listed': (r) => r.status === 200,
      'echoes the path': (r) => r.json('url').endsWith('/anything/v1/models'),
    });
  });
}
