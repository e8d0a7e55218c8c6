// res.json() itself: gjson selectors, repeated calls and edits seen by a later call, and
// bodies that are scalars or binary. Its errors are in response_json_errors.js.
import http from 'k6/http';
import { respond, attempt } from './show.js';

export const options = { iterations: 1 };

const DOC = JSON.stringify({
  choices: [
    { index: 0, message: { role: 'assistant', content: 'hi' } },
    { index: 1, message: { role: 'user', content: 'yo' } },
  ],
  'a.b': 1, n: null, num: 1.5, s: 'x\u00e9"', t: true, arr: [1, [2, 3]], empty: {}, ea: [],
}).replace('"num":1.5', '"num":1.50,"big":12345678901234567890');

const SELECTORS = [
  'choices.0.message', 'choices.0.message.content', 'choices.1.index', 'choices.#',
  'choices.#.index', 'choices.#.message.role', 'a\\.b', 'n', 'num', 'big', 's', 't', 'arr',
  'arr.1', 'arr.1.0', 'missing', 'choices.5', 'empty', 'ea', '', 'arr|@reverse',
  'choices.#(index==1).message.content', 'ch*.0.index', 'choices.-1', '@this', 'arr.#',
  'choices.0.message|@keys', 'choices.0.nope.deeper',
];

export default function () {
  const r = respond(DOC);
  for (const s of SELECTORS) console.log(`selector ${JSON.stringify(s)}: ${attempt(() => r.json(s))}`);
  console.log(`selector number 0 on array: ${attempt(() => respond('[7,8]').json(0))}`);
  console.log(`selector undefined: ${attempt(() => r.json(undefined))}`);
  console.log(`selector null: ${attempt(() => r.json(null))}`);
  console.log(`selector on invalid body: ${attempt(() => respond('{"a":1').json('a'))}`);
  console.log(`selector on empty body: ${attempt(() => respond('').json('a'))}`);
  console.log(`selector on scalar body: ${attempt(() => respond('5').json('a'))} ${attempt(() => respond('5').json('@this'))}`);

  const m = respond('{"keep":1,"gone":2,"nested":{"k":1}}');
  const first = m.json();
  first.added = 'x';
  delete first.gone;
  first.keep = 'changed';
  first.nested.k = 2;
  console.log(`later call sees edits: ${attempt(() => m.json())}`);
  console.log(`selector after edits: ${attempt(() => m.json('keep'))}`);

  for (const body of ['null', '123', '-0', '"s"', 'true', '[]', '{}']) {
    const res = respond(body);
    console.log(`body ${JSON.stringify(body)}: ${attempt(() => res.json())} again ${attempt(() => res.json())}`);
  }
  const bin = http.get(respond('{"a":[1]}').url, { responseType: 'binary' });
  console.log(`responseType binary: ${attempt(() => bin.json())} ${attempt(() => bin.json('a.0'))}`);
}
