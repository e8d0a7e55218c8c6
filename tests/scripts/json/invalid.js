// Malformed texts: the error's name and message from JSON.parse and from res.json(),
// including where res.json() says the error is (line and character, counted over
// newlines and multibyte characters). Structure, literals, strings, numbers (malformed
// and out of float64 range), and whitespace JSON does not allow.
import { both, units } from './show.js';

export const options = { iterations: 1 };

const STRUCTURE = [
  '', ' ', '{', '{"a"', '{"a":', '{"a":}', '[1,]', '{,}', '{"a":1,}', '[,1]', '[1 2]',
  '{"a":1}x', '{"a":1} {"b":2}', '1 2', '{"a" 1}', '{a:1}', '{"a":1 "b":2}', '[1;2]', '[',
  ']', '}', ':', '[1]]', '{"a":[}', '\n\n  {"a":\n  x}', '{"é":1,"ü":x}', '"😀" x',
  '//c\n1', '/*c*/1', '{"a":1}\n\n\n}', '{"a":1,"a"}', '[1,{"b":[2,]}]',
];
const LITERALS = ['nul', 'tru', 'fals', 'nulll', 'True', 'NULL', 'undefined', "'a'", 'Infinity', 'NaN'];
const STRINGS = [
  '"abc', '"a\u0001b"', '"tab\there"', '"nl\nx"', '"\\x41"', '"\\u12"', '"\\u12G4"', '"\\a"',
  '"\\', '"\\u"', '"\\U0041"', '"\u0000"', '{"a\u001fb":1}',
];
const NUMBERS = [
  '01', '-01', '00', '1.', '.5', '+1', '-', '1e', '1e+', '-.5', '0x10', '1_000', '[01]', '[1.]',
  '[-]', '[1e]', '1.7976931348623159e308', '1e309', '1e400', '-1e400', '[1e400]',
  '{"a":1e999}', '1e-', '--1', '1.5.5',
];
const WHITESPACE = [
  '\u00a01', '1\u00a0', '\u000b1', '\f1', '\u20281', '[1,\u20282]', '\ufeff{}', '\ufeff 1',
  '{}\ufeff', '\u00001', '1\u0000', '\u3000[]',
];

export default function () {
  for (const t of [...STRUCTURE, ...LITERALS, ...STRINGS, ...NUMBERS, ...WHITESPACE]) {
    both(units(t), t);
  }
}
