// Own-key order of parsed objects: integer-like keys (array indices below 2^32 - 1) first
// in ascending order, then the other keys in text order, nested too. res.json() is shown
// with sorted keys (see show.js); its values and key sets must still match.
import { both, canon } from './show.js';

export const options = { iterations: 1 };

const TEXT =
  '{"b":1,"2":2,"a":3,"1":4,"10":5,"-1":6,"01":7,"4294967295":8,"4294967294":9,' +
  '"1.5":10,"nested":{"z":1,"3":2,"y":3,"0":4},"list":[{"k":1,"0":2}]}';

function order(o) {
  const forIn = [];
  for (const k in o) forIn.push(k);
  return [
    `keys ${JSON.stringify(Object.keys(o))}`,
    `stringify ${JSON.stringify(o)}`,
    `for-in ${JSON.stringify(forIn)}`,
    `spread ${JSON.stringify(Object.keys({ ...o }))}`,
    `entries ${JSON.stringify(Object.entries(o))}`,
    `own ${JSON.stringify(Reflect.ownKeys(o))}`,
    `nested ${JSON.stringify(Object.keys(o.nested))}`,
    `in-array ${JSON.stringify(Object.keys(o.list[0]))}`,
    `assign ${JSON.stringify(Object.keys(Object.assign({}, o)))}`,
  ].join(' | ');
}

export default function () {
  console.log(`parse order: ${order(JSON.parse(TEXT))}`);
  both('values', TEXT, canon);
  const o = JSON.parse(TEXT);
  o.c = 1;
  o[5] = 1;
  delete o[10];
  console.log(`parse order after edits: ${JSON.stringify(Object.keys(o))}`);
}
