// Shared by the k6/net/grpc scripts: printing values the same way under k6 and rk6.

/** JSON with object keys sorted at every level (k6's response objects are Go maps, whose
 * key order is not fixed). */
export function canon(v) {
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/** Header or trailer names, sorted, without the ones a transport adds on its own terms. */
export function names(md) {
  return Object.keys(md || {}).sort().join(',');
}

/** The message of an exception, as printed by both tools. */
export function errorText(e) {
  return String(e && e.message !== undefined ? e.message : e);
}

export const PROTO_DIR = '../../servers/grpc';

/** A deadline's error text: the client's own timer ("context deadline exceeded") and the
 * server's DEADLINE_EXCEEDED status ("Deadline Exceeded") race, so both read the same. */
export function deadlineText(msg) {
  return msg === 'context deadline exceeded' || msg === 'Deadline Exceeded' ? 'deadline exceeded' : msg;
}
