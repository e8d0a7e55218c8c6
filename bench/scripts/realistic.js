// Memory on a realistic script (seed style, ../shared/compat/): several modules, custom
// metrics, checks, a group, JSON bodies and a bearer token, one request + sleep(1) per
// iteration. BENCH_API_URL is a POST endpoint answering JSON (the bench's nginx serves
// /api/* with a small document; the built-in target's /anything echoes the request).
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import encoding from 'k6/encoding';

const API_URL = __ENV.BENCH_API_URL || 'http://127.0.0.1:18080/api/generate';
const errors = new Rate('errors');
const generated = new Counter('generated');
const latency = new Trend('generation_latency', true);

export const options = {
  thresholds: {
    errors: ['rate<0.1'],
    http_req_duration: ['p(95)<2000'],
    generation_latency: ['p(99)<3000'],
  },
};

export function setup() {
  return { token: encoding.b64encode(`bench:${Date.now()}`) };
}

export default function (data) {
  group('generate', () => {
    const res = http.post(API_URL, JSON.stringify({
      prompt: `a cat #${exec.scenario.iterationInTest}`,
      vu: exec.vu.idInTest,
    }), {
      headers: { Authorization: `Bearer ${data.token}`, 'Content-Type': 'application/json' },
      tags: { endpoint: 'generate' },
    });
    const ok = check(res, {
      'status is 200': (r) => r.status === 200,
      'is a JSON object': (r) => typeof r.json() === 'object',
    });
    errors.add(!ok);
    if (ok) generated.add(1);
    latency.add(res.timings.duration);
  });
  sleep(1);
}
