// Duplicate keys: the last value wins; JSON.parse keeps the key where it first appeared.
import { both, canon } from './show.js';

export const options = { iterations: 1 };

const CASES = [
  ['flat', '{"a":1,"b":2,"a":3}'],
  ['index', '{"1":1,"a":2,"1":3,"0":4}'],
  ['objects', '{"a":{"x":1},"b":0,"a":{"y":2}}'],
  ['to-null', '{"a":1,"a":null}'],
  ['nested', '{"o":{"k":1,"j":2,"k":[3]}}'],
  ['escaped-same', '{"a":1,"\\u0061":2}'],
];

export default function () {
  for (const [label, text] of CASES) {
    both(label, text, canon);
    const o = JSON.parse(text);
    console.log(`parse ${label} order: ${JSON.stringify(o)}`);
  }
}
