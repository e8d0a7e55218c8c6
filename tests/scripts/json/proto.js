// `__proto__` as a JSON key: an own data property like any other, never the prototype;
// nested, in arrays, and through a JSON.stringify round trip.
import { both, canon } from './show.js';

export const options = { iterations: 1 };

function proto(o) {
  return [
    `own ${Object.prototype.hasOwnProperty.call(o, '__proto__')}`,
    `plain-proto ${Object.getPrototypeOf(o) === Object.prototype}`,
    `value ${canon(o.__proto__)}`,
    `inherited-x ${canon(o.x)}`,
    `keys ${JSON.stringify(Object.keys(o).sort())}`,
    `round-trip ${canon(JSON.parse(JSON.stringify(o)))}`,
  ].join(' | ');
}

export default function () {
  both('top', '{"__proto__":{"x":1},"a":2}', proto);
  both('null', '{"__proto__":null}', proto);
  both('number', '{"__proto__":5}', proto);
  both('nested', '{"a":{"__proto__":{"x":1}}}', (o) => proto(o.a));
  both('in-array', '[{"__proto__":[1]}]', (o) => proto(o[0]));
  both('twice', '{"__proto__":1,"__proto__":2}', proto);
  both('absent', '{"a":1}', proto);
  const o = JSON.parse('{"__proto__":{"x":1}}');
  o.__proto__ = { y: 2 };
  console.log(`parse assign after parse: ${canon(o.__proto__)} y ${o.y}`);
}
