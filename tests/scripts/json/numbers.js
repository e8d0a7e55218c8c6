// Valid number literals: precision, range edges, negative zero, exponents, underflow to
// zero; each as the whole text and inside an array. Malformed and out-of-range numbers
// are errors, in invalid.js.
import { both, canon } from './show.js';

export const options = { iterations: 1 };

const TEXTS = [
  '0', '-0', '-0.0', '0e5', '1E2', '1e+2', '1e-2', '0.1', '0.30000000000000004', '-1e-7',
  '9007199254740991', '9007199254740993', '12345678901234567890123', '1e308',
  '1.7976931348623157e308', '5e-324', '2e-324', '1e-400', '-1e-400',
  '123456789012345678901234567890.123456789012345678901234567890e-10',
  '0.000000000000000000000000000000000000000000000000001', '100000000000000000000000',
  '1e21', '123e-20', '1E-0', '0.5e1', '-123.456e+3',
];

export default function () {
  for (const t of TEXTS) {
    both(t, t, canon);
    both(`[${t}]`, `[${t}]`, canon);
  }
}
