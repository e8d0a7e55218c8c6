// res.json() failing: bodies that are empty, blank or not JSON (the same error on every
// call), no body at all (responseType none, a failed request), and its decoder's depth
// limit of 10,000.
import http from 'k6/http';
import { respond, canon, attempt } from './show.js';

export const options = { iterations: 1 };

function depth(v) {
  let d = 0;
  while (Array.isArray(v)) { d++; v = v[0]; }
  return d;
}

export default function () {
  for (const body of ['', ' ', '\n', '<html>hi</html>', '{"a":', '\n\n[1,\n2,,3]', 'nul']) {
    const res = respond(body);
    console.log(`body ${JSON.stringify(body)}: ${attempt(() => res.json())} again ${attempt(() => res.json())}`);
  }
  const none = http.get(respond('{"a":1}').url, { responseType: 'none' });
  console.log(`responseType none: ${canon(none.body)} ${attempt(() => none.json())} ${attempt(() => none.json('a'))}`);
  const failed = http.get('http://127.0.0.1:1/', { timeout: '2s' });
  console.log(`failed request: ${canon(failed.body)} ${attempt(() => failed.json())}`);
  for (const n of [10000, 10001]) {
    const res = respond('['.repeat(n) + ']'.repeat(n));
    console.log(`depth ${n}: ${attempt(() => res.json(), depth)} selector ${attempt(() => res.json('0.0'), depth)}`);
  }
  // Objects count towards the same limit; mostly arrays keep the URL under rk6's 64 KiB.
  for (const n of [1000, 1001]) {
    const mixed = respond('['.repeat(9000) + '{"":'.repeat(n) + '1' + '}'.repeat(n) + ']'.repeat(9000));
    console.log(`mixed depth ${9000 + n}: ${attempt(() => mixed.json(), () => 'parsed')}`);
  }
}
