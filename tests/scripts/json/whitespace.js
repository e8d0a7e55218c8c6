// The four JSON whitespace characters around and between tokens. Other spaces (NBSP,
// vertical tab, form feed, U+2028, a BOM) are errors, in invalid.js.
import { both, canon, units } from './show.js';

export const options = { iterations: 1 };

const TEXTS = [
  ' 1 ', '\t[1,\r\n2]\n', '\r\n{ "a" :\t1 }\r\n', '[ ]', '{ }', '\n\n\n"x"\n\n', '\r\r1\r',
  '[\n1\n,\n{\n"a"\n:\n[\n]\n}\n]', ' '.repeat(1000) + 'true' + '\t'.repeat(1000),
];

export default function () {
  for (const t of TEXTS) both(units(t).slice(0, 60), t, canon);
}
