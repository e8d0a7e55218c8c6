// JSON.parse(text, reviver): the order of calls (depth first, keys in own-key order,
// the root last with key ""), `this` as the holder, undefined deleting, replaced values,
// and whether a third (source text) argument is passed.
import { canon, attempt } from './show.js';

export const options = { iterations: 1 };

const TEXT = '{"b":1,"2":[10,{"x":null}],"a":{"c":"s","1":true},"__proto__":0}';

export default function () {
  const calls = [];
  const out = JSON.parse(TEXT, function (key, value) {
    const holder = Array.isArray(this) ? 'array' : typeof this;
    calls.push(`${JSON.stringify(key)}:${typeof key}:${canon(value)}:${holder}:${this[key] === value}:${arguments.length}`);
    return value;
  });
  console.log(`calls: ${calls.join(' ; ')}`);
  console.log(`identity result: ${JSON.stringify(out)}`);

  const deleted = JSON.parse(TEXT, (k, v) => (k === 'b' || k === '0' || k === 'c' ? undefined : v));
  console.log(`undefined deletes: ${JSON.stringify(deleted)} ${JSON.stringify(Object.keys(deleted.a))} ${deleted[2].length} ${0 in deleted[2]}`);

  const replaced = JSON.parse(TEXT, (k, v) => (typeof v === 'number' ? v * 2 : v));
  console.log(`replaced: ${JSON.stringify(replaced)}`);

  const root = JSON.parse('[1,2]', (k, v) => (k === '' ? { wrapped: v } : v));
  console.log(`root replaced: ${JSON.stringify(root)}`);

  const edits = [];
  const sibling = JSON.parse('{"p":1,"q":2,"r":3}', function (k, v) {
    if (k === 'p') { delete this.q; this.s = 4; }
    edits.push(k);
    return v;
  });
  console.log(`holder edited during walk: ${JSON.stringify(sibling)} calls ${JSON.stringify(edits)}`);

  const ctx = [];
  JSON.parse('[1.0, "x", {"n": -0}]', function (k, v, context) {
    ctx.push(`${k}:${context === undefined ? 'undefined' : JSON.stringify(context)}`);
    return v;
  });
  console.log(`third argument: ${ctx.join(' ')}`);

  console.log(`non-callable reviver: ${attempt(() => JSON.parse('{"a":1}', 5))} ${attempt(() => JSON.parse('{"a":1}', {}))}`);
  console.log(`throwing reviver: ${attempt(() => JSON.parse('[1]', () => { throw new RangeError('stop'); }))}`);
}
