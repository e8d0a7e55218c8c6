// Load test: ramping users send chat-completion requests to an inference API; custom
// Trend/Counter/Rate metrics and thresholds gate the run (exit code 99 when crossed).
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/load_test.js
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const completionTime = new Trend('completion_time', true);
const tokens = new Counter('tokens_generated');
const success = new Rate('completion_success');

export const options = {
  stages: [
    { duration: '3s', target: 20 },
    { duration: '5s', target: 20 },
    { duration: '2s', target: 0 },
  ],
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500', 'p(99)<1000'],
    completion_time: ['avg<300'],
    completion_success: ['rate>0.99'],
    tokens_generated: ['count>100'],
  },
};

export default function () {
  const payload = JSON.stringify({
    model: 'tiny-llm',
    messages: [{ role: 'user', content: `question ${__ITER} from VU ${__VU}` }],
    max_tokens: 32,
  });
  const res = http.post(`${BASE}/anything/v1/chat/completions`, payload, {
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-key' },
    tags: { name: 'chat' },
  });
  const ok = check(res, {
    'status is 200': (r) => r.status === 200,
    'model echoed': (r) => r.json('json.model') === 'tiny-llm',
  });
  success.add(ok);
  completionTime.add(res.timings.duration);
  if (ok) tokens.add(res.json('json.max_tokens'));
  sleep(0.2);
}
