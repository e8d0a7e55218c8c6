// What k6's res.json() values do because they wrap Go maps and slices (a new wrapper on
// every call and every property read; edits written through to the cached Go value, but
// not growth of a slice; no property attributes), where ordinary objects differ. Key
// order is not here: k6 iterates a Go map, in an order that changes from read to read.
import { respond, canon, attempt } from './show.js';

export const options = { iterations: 1 };

const TEXT = '{"a":{"b":1},"arr":[1,2,3],"s":"x"}';

const STEPS = [
  ['identity', (r) => `${r.json() === r.json()} nested ${r.json().a === r.json().a}`],
  ['same-read', (r) => { const o = r.json(); return `${o.a === o.a} ${o.arr === o.arr} ${o.s === o.s}`; }],
  ['push', (r) => { const o = r.json(); const n = o.arr.push(4); return `${n} ${canon(o.arr)} ${canon(r.json().arr)}`; }],
  ['truncate', (r) => { const o = r.json(); o.arr.length = 1; return `${canon(o.arr)} ${canon(r.json().arr)}`; }],
  ['grow', (r) => { const o = r.json(); const a = o.arr; a[5] = 6; return `${a.length} ${4 in a} ${canon(o.arr)}`; }],
  ['element', (r) => { r.json().arr[0] = 'e'; return canon(r.json().arr); }],
  ['replace-array', (r) => { const o = r.json(); const old = o.arr; o.arr = [9]; old[0] = 'stale'; return `${canon(old)} ${canon(o.arr)}`; }],
  ['set-object', (r) => { const o = r.json(); o.x = { y: 1 }; o.x.y = 2; return `${canon(o.x)} ${o.x === o.x}`; }],
  ['define', (r) => { const o = r.json(); Object.defineProperty(o, 'h', { value: 1, enumerable: false }); return `${JSON.stringify(Object.keys(o).sort())} ${JSON.stringify(Object.getOwnPropertyDescriptor(o, 'h'))}`; }],
  ['freeze', (r) => { const o = r.json(); Object.freeze(o); return `${Object.isFrozen(o)}`; }],
  ['in-set', (r) => { const set = new Set([r.json().a]); return `${set.has(r.json().a)}`; }],
];

export default function () {
  for (const [step, f] of STEPS) console.log(`json ${step}: ${attempt(() => f(respond(TEXT)), String)}`);
}
