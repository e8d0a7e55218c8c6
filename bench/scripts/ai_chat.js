// A realistic AI-service test: one chat-completion request per iteration whose ~20 KB JSON
// answer (bench/ai.sh serves it with nginx) is parsed whole, a few fields read, one check,
// then a sleep sized by bench/ai.sh so that every VU count runs at the same target rate.
//   AI_URL    the completion endpoint
//   AI_PARSE  'json' for res.json(), 'parse' for JSON.parse(res.body)
//   AI_SLEEP  seconds to sleep after each iteration
import http from 'k6/http';
import { check, sleep } from 'k6';

const URL = __ENV.AI_URL;
const PARSE = __ENV.AI_PARSE || 'json';
const PAUSE = Number(__ENV.AI_SLEEP || '1');

export default function () {
  const res = http.get(URL, { headers: { Authorization: 'Bearer bench', Accept: 'application/json' } });
  const body = PARSE === 'parse' ? JSON.parse(res.body) : res.json();
  const choice = body.choices[0];
  check(body, {
    'completion has content': (b) => choice.message.content.length > 0
      && choice.finish_reason === 'stop' && b.usage.total_tokens > 0,
  });
  sleep(PAUSE);
}
