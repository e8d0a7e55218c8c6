// k6/data SharedArray: built once, read by every VU through a read-only array-like view.
import { SharedArray } from 'k6/data';
import { check } from 'k6';
import exec from 'k6/execution';
const data = new SharedArray('users', function () {
  console.log('building');
  return [{ name: 'a', n: 1 }, { name: 'b', n: 2 }, { name: 'c', n: 3 }];
});
// Same name: the data is reused, the function not called. k6 also accepts a call without new.
const again = SharedArray('users', function () { throw new Error('not called'); });
export const options = { vus: 3, iterations: 6 };
export default function () {
  const u = data[exec.scenario.iterationInTest % data.length];
  const names = [];
  for (const x of data) names.push(x.name);
  check(u, {
    'element parsed': (x) => typeof x.n === 'number',
    'length': () => data.length === 3,
    'iterates': () => names.join('') === 'abc',
    'array methods': () => data.map((x) => x.n).join(',') === '1,2,3' && data.filter((x) => x.n > 1).length === 2,
    'read-only': () => { try { data[0] = 1; return false; } catch (e) { return true; } },
    'out of range': () => data[10] === undefined,
    'immutable': () => { try { data[0] = 1; return false; } catch (e) { return e.message === 'SharedArray is immutable'; } },
    'has': () => (1 in data) && ('length' in data) && !(7 in data),
    'spread and from': () => [...data].length === 3 && Array.from(data)[2].name === 'c',
    'is an array': () => Array.isArray(data),
    'iterator protocol': () => {
      const it = data[Symbol.iterator]();
      const first = it.next();
      return first.done === false && first.value.name === 'a' && typeof it[Symbol.iterator] === 'function';
    },
    'same name, same data': () => again.length === 3 && again[1].name === 'b',
  });
}
