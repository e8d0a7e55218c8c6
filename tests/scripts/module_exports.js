// k6/http's exports object and the module's named exports, as k6 v1.1 shows them. rk6 makes
// each member on first use and fills only the named exports some importer names (no
// namespace import here, so that path is the one taken); every check observes a member by a
// different route first (a named import, a second module's import, key listing, a
// descriptor, `in`, delete). Namespace and dynamic imports: tests/cli_modules.rs.
import http, { get, TLS_1_2 } from 'k6/http';
import k6, { check } from 'k6';
import crypto from 'k6/crypto';
import metrics, { Trend } from 'k6/metrics';
import encoding from 'k6/encoding';
import { fromHelper } from './module_exports_helper.js';

export const options = { iterations: 1 };

// k6's order of Object.keys(http).
const K6_ORDER = [
  'TLS_1_0', 'TLS_1_1', 'TLS_1_2', 'TLS_1_3', 'OCSP_STATUS_GOOD', 'OCSP_STATUS_REVOKED',
  'OCSP_STATUS_SERVER_FAILED', 'OCSP_STATUS_UNKNOWN', 'OCSP_REASON_UNSPECIFIED',
  'OCSP_REASON_KEY_COMPROMISE', 'OCSP_REASON_CA_COMPROMISE', 'OCSP_REASON_AFFILIATION_CHANGED',
  'OCSP_REASON_SUPERSEDED', 'OCSP_REASON_CESSATION_OF_OPERATION', 'OCSP_REASON_CERTIFICATE_HOLD',
  'OCSP_REASON_REMOVE_FROM_CRL', 'OCSP_REASON_PRIVILEGE_WITHDRAWN', 'OCSP_REASON_AA_COMPROMISE',
  'url', 'CookieJar', 'cookieJar', 'file', 'get', 'head', 'post', 'put', 'patch', 'del',
  'options', 'request', 'asyncRequest', 'batch', 'setResponseCallback', 'expectedStatuses',
];

// Read in the init context, before anything else touches the object.
const initKeys = Object.keys(http);
const trend = new Trend('module_exports_trend');

// `name:arity:flags` of every member, sorted by name (k6 lists k6/crypto in Go map order).
const shape = (m) => Object.keys(m).sort().map((k) => {
  const d = Object.getOwnPropertyDescriptor(m, k);
  return `${k}:${m[k].length}:${d.writable ? 'w' : ''}${d.enumerable ? 'e' : ''}${d.configurable ? 'c' : ''}`;
}).join(' ');

export default function () {
  const helper = fromHelper();
  const getDesc = Object.getOwnPropertyDescriptor(http, 'get');
  const constDesc = Object.getOwnPropertyDescriptor(http, 'TLS_1_0');
  const lengths = ['get', 'post', 'request', 'url', 'file', 'batch'].map((k) => http[k].length);
  check(http, {
    'a named import is the default object member': () => get === http.get,
    'a constant by named import': () => TLS_1_2 === 'tls1.2' && http.TLS_1_2 === 'tls1.2',
    'another module imports the same functions': () =>
      helper.post === http.post && helper.batch === http.batch,
    'members nobody imports by name are on the object': () =>
      typeof http.put === 'function' && http.TLS_1_3 === 'tls1.3',
    // rk6 lists members already made first (here the named imports), then the rest in k6's
    // order: compared as sets.
    'the same keys as k6': () => JSON.stringify([...initKeys].sort()) === JSON.stringify([...K6_ORDER].sort()),
    'every key before any read': () => initKeys.length === 34,
    'functions are writable, enumerable, configurable': () =>
      getDesc.writable && getDesc.enumerable && getDesc.configurable,
    'constants are enumerable and read-only': () =>
      !constDesc.writable && constDesc.enumerable && !constDesc.configurable,
    'arities as k6': () => JSON.stringify(lengths) === JSON.stringify([2, 2, 3, 2, 2, 1]),
    'in sees members not read yet': () => 'expectedStatuses' in http && !('nope' in http),
    'JSON lists the constants': () => JSON.parse(JSON.stringify(http)).OCSP_STATUS_GOOD === 'good',
    'k6 members as k6': () =>
      shape(k6) === 'check:3:wec fail:1:wec group:2:wec randomSeed:1:wec sleep:1:wec',
    'k6/metrics members as k6': () =>
      shape(metrics) === 'Counter:0:wec Gauge:0:wec Rate:0:wec Trend:0:wec' &&
      trend.name === 'module_exports_trend',
    'k6/encoding members as k6': () => shape(encoding) === 'b64decode:3:wec b64encode:2:wec',
    'k6/crypto members as k6': () =>
      shape(crypto) === 'createHMAC:2:wec createHash:1:wec hexEncode:1:wec hmac:4:wec md4:2:wec ' +
        'md5:2:wec randomBytes:1:wec ripemd160:2:wec sha1:2:wec sha256:2:wec sha384:2:wec ' +
        'sha512:2:wec sha512_224:2:wec sha512_256:2:wec',
    'a deleted member stays deleted': () =>
      delete http.options && !('options' in http) && http.options === undefined,
  });
}
