// String contents: escapes, U+2028, surrogate pairs, raw multibyte UTF-8, and (for
// res.json(), whose body is bytes) invalid UTF-8 inside a string. Printed as code units,
// so a U+FFFD replacement and a kept surrogate look different. Lone surrogates are in
// lone_surrogates.js.
import { both, canon, respond, attempt } from './show.js';

export const options = { iterations: 1 };

const TEXTS = [
  ['nul', '"\\u0000"'],
  ['line-sep', '"\\u2028\\u2029"'],
  ['raw-line-sep', '"\u2028"'],
  ['solidus', '"\\/"'],
  ['short', '"\\b\\f\\n\\r\\t\\"\\\\"'],
  ['upper-hex', '"\\u00E9\\u00e9\\uABCD"'],
  ['pair', '"\\ud83d\\ude00"'],
  ['raw-utf8', '"é€😀"'],
  ['raw-del', '"\u007f"'],
  ['key-escapes', '{"\\u0000":1,"\\u0061":2,"😀":3}'],
];

// Bodies that are not valid UTF-8 inside a string (res.json() only).
const BAD_UTF8 = [
  ['ff', [0x22, 0xff, 0x22]],
  ['truncated-2', [0x22, 0x61, 0xc3, 0x22]],
  ['overlong-slash', [0x22, 0xc0, 0xaf, 0x22]],
  ['utf8-surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
  ['in-key', [0x7b, 0x22, 0xfe, 0x22, 0x3a, 0x31, 0x7d]],
];

export default function () {
  for (const [label, text] of TEXTS) both(label, text, canon);
  // Built by join: k6's String.prototype.repeat drops the first code unit of non-ASCII text.
  const long = JSON.stringify(new Array(1000).fill('ab\u00e9\ud83d\ude00').join(''));
  both('long', long, (v) => `${v.length} ${canon(v.slice(0, 6))} ${canon(v.slice(-6))}`);
  const raw = JSON.parse('"\ud83d\ude00"');
  console.log(`parse raw-pair: ${canon(raw)}`);
  for (const [label, bytes] of BAD_UTF8) {
    const res = respond(new Uint8Array(bytes).buffer);
    console.log(`json ${label}: ${attempt(() => res.json())} body ${canon(res.body)}`);
  }
}
