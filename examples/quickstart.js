// Quickstart: a short load test against the built-in target.
//   rk6 demo                                              (starts the target itself)
//   rk6 target --listen 127.0.0.1:8080 & rk6 run examples/quickstart.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Trend } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const echoTime = new Trend('echo_time', true);

export const options = {
  vus: 10,
  duration: '5s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
    checks: ['rate>0.99'],
  },
};

export default function () {
  group('read', () => {
    const res = http.get(`${BASE}/get?page=1`);
    check(res, {
      'status is 200': (r) => r.status === 200,
      'query echoed': (r) => r.json('args.page') === '1',
    });
  });
  group('write', () => {
    const res = http.post(`${BASE}/post`, JSON.stringify({ prompt: 'hello' }), {
      headers: { 'Content-Type': 'application/json' },
    });
    check(res, { 'body echoed': (r) => r.json('json.prompt') === 'hello' });
    echoTime.add(res.timings.duration);
  });
  sleep(0.1);
}
