// The standard builtins a VU creates on first use (rk6 defers ~30 of them): each check
// touches one builtin first, by a different route (call, construct, property read, `in`,
// key listing, prototype query, a primitive's method, a literal, an object made by a native
// module), and must see it complete. Run under k6 and rk6; every check passes under both.
import { check } from 'k6';
import k6crypto from 'k6/crypto';

const names = (o) => Object.getOwnPropertyNames(o);

// A global accessor that replaces itself with a data property on first read (as rk6's
// `crypto` does): a call site read twice must see the data property the second time.
Object.defineProperty(globalThis, 'selfReplacing', {
  configurable: true,
  get() {
    Object.defineProperty(globalThis, 'selfReplacing', { value: { v: 1 }, writable: true, configurable: true });
    return globalThis.selfReplacing;
  },
});
const readSelfReplacing = () => selfReplacing.v;
const randomLength = () => crypto.getRandomValues(new Uint8Array(4)).length;

export const options = { iterations: 2, vus: 2 };

export default function () {
  check(null, {
    'Math: keys listed first': () => names(Math).includes('hypot') && Object.keys(Math).length === 0,
    'Reflect: `in` first': () => 'ownKeys' in Reflect && Reflect.ownKeys({ a: 1, [Symbol.iterator]: 0 }).length === 2,
    'Date: constructed first': () => new Date(Date.UTC(2020, 1, 29)).toISOString() === '2020-02-29T00:00:00.000Z',
    'Date: JSON of a date': () => JSON.stringify({ d: new Date(0) }) === '{"d":"1970-01-01T00:00:00.000Z"}',
    'Map: prototype read first': () => Map.prototype.constructor === Map && new Map([[1, 'a']]).get(1) === 'a',
    'Map: iterator': () => JSON.stringify([...new Map([[1, 'a']]).entries()]) === '[[1,"a"]]',
    'Set: instance prototype': () => Object.getPrototypeOf(new Set([1, 1, 2])) === Set.prototype && new Set([1, 1, 2]).size === 2,
    'Set: iterator': () => [...new Set([3, 4])].join() === '3,4',
    'WeakMap: prototype of prototype': () => Object.getPrototypeOf(WeakMap.prototype) === Object.prototype,
    'WeakSet: function shape': () => typeof WeakSet === 'function' && WeakSet.length === 0 && WeakSet.name === 'WeakSet',
    'Number: primitive method first': () => (255).toString(16) === 'ff' && (1.005).toFixed(1) === '1.0',
    'Number: statics': () => Number.isSafeInteger(2 ** 53 - 1) && Number.parseFloat === parseFloat,
    'Symbol: description of a new symbol': () => Symbol('d').description === 'd' && String(Symbol('e')) === 'Symbol(e)',
    'BigInt: primitive method first': () => (2n ** 64n).toString() === '18446744073709551616' && BigInt.asUintN(8, 257n) === 1n,
    'RegExp: literal first': () => /b+/.test('abbc') && 'a-b_c'.split(/[-_]/).length === 3,
    'RegExp: matchAll iterator': () => [...'a1b2'.matchAll(/\d/g)].map((m) => m[0]).join() === '1,2',
    'RegExp: toString of constructor': () => Function.prototype.toString.call(RegExp).includes('RegExp'),
    'ArrayBuffer: made by k6/crypto': () => {
      const buf = k6crypto.md5('rk6', 'binary');
      return buf instanceof ArrayBuffer && buf.byteLength === 16 && new Uint8Array(buf).length === 16;
    },
    'TypedArray: shared parent': () => Object.getPrototypeOf(Int16Array) === Object.getPrototypeOf(Uint32Array)
      && Object.getPrototypeOf(Int16Array).name === 'TypedArray',
    'TypedArray: methods': () => Float64Array.from([1.5, 2.5]).reduce((a, b) => a + b) === 4
      && Int32Array.BYTES_PER_ELEMENT === 4 && new Int8Array([200])[0] === -56,
    'DataView: endianness': () => {
      const v = new DataView(new ArrayBuffer(4));
      v.setUint16(0, 0x0102);
      return v.getUint8(0) === 1 && v.getUint16(0, true) === 0x0201;
    },
    'Proxy: trap': () => new Proxy({}, { get: (_, k) => `got ${String(k)}` }).x === 'got x',
    'globals: bindings unchanged': () => ['Map', 'Set', 'Date', 'Math', 'Reflect', 'Proxy', 'Symbol', 'DataView']
      .every((n) => Object.getOwnPropertyDescriptor(globalThis, n).writable && !Object.getOwnPropertyDescriptor(globalThis, n).enumerable),
    'global accessor replaced by data, same call site twice': () => readSelfReplacing() === 1 && readSelfReplacing() === 1,
    'crypto: same call site twice': () => randomLength() === 4 && randomLength() === 4,
    'TypeError: thrown by the engine first': () => {
      try { null.x; } catch (e) { return e instanceof TypeError && e.name === 'TypeError' && e.message.length > 0; }
      return false;
    },
    'RangeError: constructed first': () => String(new RangeError('r')) === 'RangeError: r',
    'SyntaxError: prototype chain': () => Object.getPrototypeOf(SyntaxError.prototype) === Error.prototype,
    'Promise: made by an async function': () => { const p = (async () => 1)(); return p instanceof Promise && typeof p.then === 'function'; },
    'generator: next first': () => { function* g() { yield 1; } return g().next().value === 1; },
    'String iterator: spread': () => [...'ab'].join('|') === 'a|b',
    'Boolean: primitive method first': () => true.toString() === 'true',
    'prototype chain: instanceof': () => new Date() instanceof Date && !(new Map() instanceof Set) && [] instanceof Object,
  });
}
