// Parsed values are ordinary: objects extensible with writable, configurable data
// properties, arrays real arrays (length writable, push). Each edit on a fresh JSON.parse
// result and on a fresh res.json() result (one request per step): how k6's Go-backed
// res.json() values behave across accesses is in response_json_go_values.js.
import { respond, canon, attempt } from './show.js';

export const options = { iterations: 1 };

const TEXT = '{"a":1,"b":{"c":[1,2,3]},"d":"x","e":[{"f":null}]}';

const STEPS = [
  ['extensible', (o) => `${Object.isExtensible(o)} frozen ${Object.isFrozen(o)} sealed ${Object.isSealed(o)}`],
  ['desc', (o) => JSON.stringify(Object.getOwnPropertyDescriptor(o, 'a'))],
  ['isArray', (o) => `${Array.isArray(o.b.c)} ${Array.isArray(o.e)} proto ${Object.getPrototypeOf(o.b.c) === Array.prototype}`],
  ['instanceof', (o) => `${o instanceof Object} ${o.b.c instanceof Array} ctor ${o.constructor === Object} ${o.b.c.constructor === Array}`],
  ['toString', (o) => `${Object.prototype.toString.call(o)} ${Object.prototype.toString.call(o.b.c)}`],
  ['arr-desc', (o) => JSON.stringify(Object.getOwnPropertyDescriptor(o.b.c, 'length'))],
  ['set', (o) => { o.z = true; o.a = 'changed'; delete o.d; o.b.y = [1]; return canon(o); }],
  ['push', (o) => { const c = o.b.c; c.push(4); c[0] = 0; return `${canon(c)} len ${c.length}`; }],
  ['truncate', (o) => { const c = o.b.c; c.length = 2; return `${canon(c)} ${2 in c}`; }],
  ['methods', (o) => `${canon(o.b.c.map((x) => x * 10))} ${canon(o.e.slice(0))} ${canon([].concat(o.e))} ${o.b.c.indexOf(2)} ${o.b.c.join('-')}`],
  ['spread', (o) => `${canon([...o.b.c])} ${canon({ ...o.b })} ${canon(Object.assign({}, o.e[0]))}`],
  ['set-proto', (o) => { Object.setPrototypeOf(o, { inherited: 1 }); return `${o.inherited}`; }],
  ['string', (o) => `${String(o)} ${String(o.b.c)} ${o.b.c + ''}`],
];

export default function () {
  for (const [step, f] of STEPS) {
    console.log(`parse ${step}: ${attempt(() => f(JSON.parse(TEXT)), String)}`);
    console.log(`json ${step}: ${attempt(() => f(respond(TEXT).json()), String)}`);
  }
  const o = JSON.parse(TEXT);
  o.b.c.push(4);
  o.b.c.length = 6;
  o.e[0].f = { g: [o.a] };
  console.log(`parse stringify after edits: ${JSON.stringify(o)} ${4 in o.b.c} ${5 in o.b.c}`);
  Object.defineProperty(o, 'h', { value: 1, enumerable: false });
  Object.freeze(o);
  console.log(`parse define and freeze: ${JSON.stringify(Object.keys(o))} ${Object.isFrozen(o)}`);
}
