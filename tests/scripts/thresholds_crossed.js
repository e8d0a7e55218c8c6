// Deterministic threshold verdicts: some pass, some are crossed, so the run exits 99.
// Only counts, rates and gauge values are used, never timings, so the verdicts are exact.
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Gauge, Rate } from 'k6/metrics';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const retries = new Counter('retries');
const level = new Gauge('level');
const ok = new Rate('ok_rate');

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: {
    retries: ['count<2', 'count>0'],
    level: ['value==3'],
    ok_rate: ['rate>0.9'],
    http_req_failed: ['rate<0.4'],
    'http_req_failed{status:500}': ['rate==1'],
    'http_reqs{status:200}': ['count==3'],
    checks: ['rate==1'],
    iterations: ['count==3'],
  },
};

export default function () {
  http.get(`${B}/get`);
  const r = http.get(`${B}/status/500`);
  check(r, { 'is 500': (x) => x.status === 500, 'is 200': (x) => x.status === 200 });
  retries.add(1);
  level.add(__ITER + 1);
  ok.add(__ITER === 0);
}
