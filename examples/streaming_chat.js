// Streaming LLM test: log in, then ask for a streamed chat completion (Server-Sent Events),
// assemble the answer from its chunks and check it; time to first token and the gaps
// between tokens are rk6's sse_* Trends, and thresholds on them decide the exit code.
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/streaming_chat.js
// Any OpenAI-compatible streaming endpoint works: BASE_URL=http://host:port
import http from 'k6/http';
import sse from 'k6/experimental/sse';
import { check, sleep } from 'k6';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';

export const options = {
  vus: 5,
  duration: '10s',
  thresholds: {
    sse_time_to_first_event: ['p(95)<500'],
    sse_event_gap: ['p(50)<50'],
    checks: ['rate>0.99'],
  },
};

export default function () {
  const login = http.post(`${BASE}/anything/login`, JSON.stringify({ user: `vu${__VU}` }), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(login, { 'logged in': (r) => r.status === 200 });

  let answer = '';
  let done = false;
  const res = sse.open(`${BASE}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo' },
    body: JSON.stringify({
      model: 'tiny-llm',
      stream: true,
      max_tokens: 20,
      tokens_per_second: 40,
      first_token_ms: 80,
      messages: [{ role: 'user', content: 'Say twenty tokens.' }],
    }),
    tags: { name: 'chat_stream' },
    timings: true,
  }, (client) => {
    client.on('event', (e) => {
      if (e.data === '[DONE]') {
        done = true;
        return;
      }
      answer += JSON.parse(e.data).choices[0].delta.content || '';
    });
    client.on('error', (e) => console.error(`stream error: ${e.error()}`));
  });
  check(res, {
    'stream opened': (r) => r.status === 200,
    'stream finished': () => done,
    'answer assembled': () => answer.split(' ').filter(Boolean).length === 20,
  });
  sleep(0.5);
}
