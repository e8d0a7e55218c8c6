// Modules that the VUs of a thread share a parse of (rk6 parses a module's text once per
// worker thread): each VU must still see its own module instances, its own strings, and one
// template object per tagged-template site, also when its init code interned other strings
// before a module was loaded.
import { check } from 'k6';
import { counter, bump, site, tag } from './shared_parse_lib.js';

// VU 8 interns the name word_b where every other VU interns word_a (as many strings, so
// only their text differs; this text names neither), then loads a module that names word_a.
const word = `word_${__VU === 8 ? 'b' : 'a'}`;
const mine = eval(`var ${word} = ${__VU}; ${word}`);
const late = require('./shared_parse_late.js');

const here = () => tag`x${1}y`;

export default function () {
  bump();
  check(null, {
    'the eval saw its VU': () => mine === __VU,
    'module state is per VU': () => counter() === __ITER + 1,
    'one template object per site': () => site() === site() && here() === here(),
    'sites in two modules differ': () => site() !== here(),
    'a late module reads its own strings': () => late.words() === 'word_a word_c',
    'a late module computes': () => late.describe(__VU) === `vu ${__VU} of late`,
  });
}
