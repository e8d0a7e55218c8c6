// `__ENV` as k6 v1.1 has it: a plain object of the environment (here only `-e` values),
// whose entries rk6 creates on first observation. Each check observes an entry first by a
// different route (key order is not compared: k6's follows a Go map). Run with -e RK6_A=one -e RK6_B=two -e RK6_C=three -e RK6_D=four
// -e RK6_E=five --include-system-env-vars=false; every check passes under k6 and rk6.
import { check } from 'k6';

const A = __ENV.RK6_A;
const rk6Keys = (o) => Object.keys(o).filter((k) => k.startsWith('RK6_')).sort();

export const options = { iterations: 1, vus: 1 };

export default function () {
  check(null, {
    'read in the init context': () => A === 'one',
    '`in` first': () => 'RK6_B' in __ENV && !('RK6_NOPE' in __ENV),
    'descriptor first': () => {
      const d = Object.getOwnPropertyDescriptor(__ENV, 'RK6_C');
      // k6 reports configurable: false yet lets entries be deleted; rk6's are configurable.
      return d.value === 'three' && d.writable && d.enumerable;
    },
    'hasOwnProperty first': () => __ENV.hasOwnProperty('RK6_D') && !__ENV.hasOwnProperty('toString'),
    'keys list every entry': () => JSON.stringify(rk6Keys(__ENV)) === '["RK6_A","RK6_B","RK6_C","RK6_D","RK6_E"]',
    'spread and JSON copy the entries': () => ({ ...__ENV }).RK6_B === 'two' && JSON.parse(JSON.stringify(__ENV)).RK6_A === 'one',
    'unknown names are undefined': () => __ENV.RK6_NOPE === undefined,
    'an entry can be overwritten': () => { __ENV.RK6_B = 'changed'; return __ENV.RK6_B === 'changed'; },
    'a deleted entry stays deleted': () => { delete __ENV.RK6_E; return !('RK6_E' in __ENV) && __ENV.RK6_E === undefined && !rk6Keys(__ENV).includes('RK6_E'); },
    'a new entry can be added': () => { __ENV.RK6_NEW = 'n'; return __ENV.RK6_NEW === 'n' && rk6Keys(__ENV).includes('RK6_NEW'); },
    'prototype is Object.prototype': () => Object.getPrototypeOf(__ENV) === Object.prototype,
  });
}
