// Streaming without SSE: Ollama's /api/generate answers in NDJSON over chunked HTTP, one
// JSON line per token. k6/x/stream (rk6's own module) hands each line to the script as it
// arrives; time to first token and the gaps between tokens are its stream_* Trends.
//   rk6 target --listen 127.0.0.1:8080 &
//   rk6 run examples/streaming_ndjson.js
// A real Ollama works too: BASE_URL=http://127.0.0.1:11434 MODEL=llama3.2
import stream from 'k6/x/stream';
import { check, sleep } from 'k6';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';

export const options = {
  vus: 5,
  duration: '10s',
  thresholds: {
    stream_time_to_first_chunk: ['p(95)<500'],
    stream_chunk_gap: ['p(50)<50'],
    checks: ['rate>0.99'],
  },
};

export default function () {
  let answer = '';
  let final = null;
  const res = stream.open(`${BASE}/api/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: __ENV.MODEL || 'tiny-llm',
      prompt: 'Say twenty tokens.',
      options: { num_predict: 20 },
      tokens_per_second: 40,
      first_token_ms: 80,
    }),
    tags: { name: 'generate_stream' },
    timings: true,
  }, (s) => {
    s.on('data', (line) => {
      const chunk = JSON.parse(line);
      answer += chunk.response;
      if (chunk.done) final = chunk;
    });
    s.on('error', (e) => console.error(`stream error: ${e.error()}`));
  });
  check(res, {
    'stream opened': (r) => r.status === 200,
    'stream finished': () => final !== null,
    'answer assembled': () => final !== null && answer.split(' ').filter(Boolean).length === final.eval_count,
  });
  sleep(0.5);
}
