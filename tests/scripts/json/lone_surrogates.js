// Lone surrogates: k6 reads JSON text as UTF-8, so an escaped lone surrogate and a lone
// surrogate code unit in the JS string both become U+FFFD, and pairs (even after a lone
// one) combine. Printed as code units.
import { both, canon, attempt } from './show.js';

export const options = { iterations: 1 };

const TEXTS = [
  ['lone-high', '"\\ud800"'],
  ['lone-low-then-x', '"\\udc00x"'],
  ['high-then-x', '"\\ud800x"'],
  ['reversed-pair', '"\\udc00\\ud800"'],
  ['high-high-low', '"\\ud800\\ud83d\\ude00"'],
  ['high-then-escape', '"\\ud800\\n"'],
  ['in-key', '{"\\ud800":1,"\\udfff":2}'],
];

// Lone surrogates as JS code units, not escapes: only JSON.parse can be given them.
const RAW = [
  ['raw-lone-high', '"\ud800"'],
  ['raw-lone-low', '"a\udc00b"'],
  ['raw-in-key', '{"\ud800":1}'],
];

export default function () {
  for (const [label, text] of TEXTS) both(label, text, canon);
  for (const [label, text] of RAW) console.log(`parse ${label}: ${attempt(() => JSON.parse(text))}`);
}
