// `__ITER`, which rk6 serves from an accessor over the VU's counter instead of writing a
// global before every iteration: what a script can see of it must match k6.
import { check } from 'k6';

let inInit;
try {
  inInit = __ITER;
} catch (e) {
  inInit = e.name;
}

export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 4 } },
};

export function setup() {
  let seen;
  try {
    seen = __ITER;
  } catch (e) {
    seen = e.name;
  }
  return { seen };
}

export default function (data) {
  const at = __ITER;
  const d = Object.getOwnPropertyDescriptor(globalThis, '__ITER');
  check(__ITER, {
    'init context has no __ITER': () => inInit === 'ReferenceError',
    'setup has no __ITER': () => data.seen === 'ReferenceError',
    'a number from 0 to 3': (it) => typeof it === 'number' && it >= 0 && it <= 3,
    'the same through globalThis': (it) => globalThis.__ITER === it,
    'enumerable and configurable': () => d.enumerable === true && d.configurable === true,
    'listed among the global keys': () => Object.keys(globalThis).includes('__ITER'),
    'serialised as its value': (it) => JSON.stringify({ i: __ITER }) === `{"i":${it}}`,
  });
  if (at === 1) {
    __ITER = 100;
    check(__ITER, { 'an assignment is read back': (it) => it === 100 });
  }
  if (at >= 2) {
    check(__ITER, { 'the next iteration counts on after an assignment': (it) => it === 2 || it === 3 });
  }
}
