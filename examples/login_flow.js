// Login-then-work: setup() logs in once, every iteration uses the token; users ramp up
// and down in stages; per-step groups and a cookie-based session.
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/login_flow.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Trend } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const stepTime = new Trend('step_time', true);

export const options = {
  stages: [
    { duration: '2s', target: 5 },
    { duration: '4s', target: 5 },
    { duration: '2s', target: 0 },
  ],
  thresholds: {
    'group_duration{group:::browse}': ['p(95)<1000'],
    'checks{check:logged in}': ['rate==1'],
    http_req_failed: ['rate<0.01'],
  },
};

export function setup() {
  const res = http.post(`${BASE}/anything/login`, JSON.stringify({ user: 'alice', password: 'secret' }), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(res, { 'logged in': (r) => r.status === 200 });
  return { token: `token-${res.json('json.user')}` };
}

export default function (data) {
  const auth = { headers: { Authorization: `Bearer ${data.token}` } };
  group('session', () => {
    http.get(`${BASE}/cookies/set?session=${__VU}-${__ITER}`, auth);
    const res = http.get(`${BASE}/cookies`, auth);
    check(res, { 'session cookie kept': (r) => r.json('cookies.session') === `${__VU}-${__ITER}` });
  });
  group('browse', () => {
    const res = http.get(`${BASE}/anything/items?page=${__ITER % 5}`, auth);
    stepTime.add(res.timings.duration, { step: 'browse' });
    check(res, { 'token sent': (r) => r.json('headers.Authorization') === `Bearer ${data.token}` });
  });
  sleep(0.3);
}

export function teardown(data) {
  check(data, { 'token survived': (d) => d.token === 'token-alice' });
}
