// Failing requests, auth and body codings in k6/http: the tags and error codes of
// failed requests (read back through tagged threshold submetrics), digest and basic
// auth, request compression and unknown codings. Every check passes and every
// threshold holds under k6 v1.1.
import http from 'k6/http';
import { check } from 'k6';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const HOST = B.replace('http://', '');

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: {
    'http_reqs{error_code:1212}': ['count==1'],
    'http_reqs{error:dial: connection refused}': ['count==1'],
    'http_reqs{status:0}': ['count==2'],
    'http_reqs{error_code:1050}': ['count==1'],
    'http_req_failed{error_code:1050}': ['rate==1'],
    'http_reqs{error_code:1401}': ['count==3'],
    'http_reqs{error_code:1401,expected_response:true}': ['count==2'],
    'http_req_failed{name:digest}': ['rate==0'],
    'http_reqs{name:digest}': ['count==2'],
    
    'http_reqs{expected_response:false}': ['count==3'],
  },
};

export default function () {
  const refused = http.get('http://127.0.0.1:1/');
  check(refused, {
    'refused: status 0, error 1212': (r) => r.status === 0 && r.error_code === 1212,
    'refused: body null': (r) => r.body === null,
    'refused: all timings numbers': (r) => Object.values(r.timings).every((v) => typeof v === 'number'),
  });
  const slow = http.get(`${B}/delay/2`, { timeout: '300ms' });
  check(slow, {
    'timeout: 1050 request timeout': (r) => r.error_code === 1050 && r.error === 'request timeout',
  });

  const digest = http.get(`http://user:passwd@${HOST}/digest-auth/auth/user/passwd`, {
    auth: 'digest',
    tags: { name: 'digest' },
  });
  check(digest, {
    'digest: 200': (r) => r.status === 200,
    'digest: authenticated': (r) => r.json('authenticated') === true,
    'digest: url without credentials': (r) => r.url === `${B}/digest-auth/auth/user/passwd`,
    'digest: no Authorization in request headers': (r) => !('Authorization' in r.request.headers),
  });
  const wrong = http.get(`http://user:nope@${HOST}/digest-auth/auth/user/passwd`, { auth: 'digest' });
  check(wrong, { 'digest wrong password: 401': (r) => r.status === 401 && r.error_code === 1401 });

  const basic = http.get(`http://user:passwd@${HOST}/basic-auth/user/passwd`);
  check(basic, {
    'basic: 200': (r) => r.status === 200,
    'basic: res.url keeps credentials': (r) => r.url === `http://user:passwd@${HOST}/basic-auth/user/passwd`,
  });

  const body = 'x'.repeat(1000);
  for (const c of ['gzip', 'deflate', 'br', 'zstd', 'gzip, br']) {
    const r = http.post(`${B}/anything`, body, { compression: c });
    check(r, {
      [`compression ${c}: Content-Encoding sent`]: (x) => x.json('headers')['Content-Encoding'] === c,
      [`compression ${c}: body shrank on the wire`]: (x) => Number(x.json('headers')['Content-Length']) < 100,
      [`compression ${c}: request.body is the original`]: (x) => x.request.body === body,
    });
  }
  const bad = http.post(`${B}/anything`, body, { compression: 'foo' });
  check(bad, {
    'unknown coding: not sent, status 0': (r) => r.status === 0 && r.error_code === 0,
    'unknown coding: k6 error text': (r) =>
      r.error === 'unknown compression algorithm foo, supported algorithms are [gzip deflate zstd br]',
  });
}
