// Imported by module_exports.js: a second module that names other k6/http exports.
import { post, batch } from 'k6/http';

export function fromHelper() {
  return { post, batch };
}
