// Streams at scale (bench/sse.sh): every VU opens one streamed completion from rk6 target
// (TOKENS tokens at RATE per second after FIRST_MS), with rk6's timing metrics: OpenAI's
// SSE chat completion through k6/experimental/sse, or (MODULE=stream) Ollama's NDJSON
// generation through k6/x/stream. STAGGER_MS spreads the VUs' starts over that many ms.
import sse from 'k6/experimental/sse';
import stream from 'k6/x/stream';
import { sleep } from 'k6';

const VUS = Number(__ENV.VUS || 1000);
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: VUS, iterations: 1, maxDuration: '120s' } } };
const QUERY = `max_tokens=${__ENV.TOKENS || 100}&tokens_per_second=${__ENV.RATE || 20}&first_token_ms=${__ENV.FIRST_MS || 100}`;

export default function () {
  sleep(((__VU - 1) * Number(__ENV.STAGGER_MS || 0)) / VUS / 1000);
  if (__ENV.MODULE === 'stream') {
    stream.open(`${__ENV.BASE_URL}/api/generate?${QUERY}`, { method: 'POST', timings: true }, (s) => { s.on('data', () => {}); });
  } else {
    sse.open(`${__ENV.BASE_URL}/v1/chat/completions?${QUERY}`, { method: 'POST', body: '{"stream": true}', timings: true }, (c) => { c.on('event', () => {}); });
  }
}
