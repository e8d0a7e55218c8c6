// SSE streams at scale (bench/sse.sh): every VU opens one streamed chat completion from
// rk6 target (TOKENS tokens at RATE per second after FIRST_MS), with rk6's timing metrics.
import sse from 'k6/experimental/sse';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: Number(__ENV.VUS || 1000), iterations: 1, maxDuration: '120s' } } };
export default function () {
  sse.open(`${__ENV.BASE_URL}/v1/chat/completions?max_tokens=${__ENV.TOKENS || 100}&tokens_per_second=${__ENV.RATE || 20}&first_token_ms=${__ENV.FIRST_MS || 100}`, { method: 'POST', body: '{"stream": true}', timings: true }, (c) => { c.on('event', () => {}); });
}
