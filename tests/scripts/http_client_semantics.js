// k6/http client semantics scripts lean on: asyncRequest, setResponseCallback, cookie
// jars (own jars, set/delete, per-iteration reset of the VU jar), res.cookies, the
// http.url templates, userAgent, maxRedirects, hosts wildcards, brotli
// bodies and numeric timeouts. Every check passes and every threshold holds under k6 v1.1.
import http from 'k6/http';
import { check } from 'k6';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const PORT = B.split(':')[2];

export const options = {
  vus: 1,
  iterations: 2,
  userAgent: 'rk6-suite/1.0',
  maxRedirects: 2,
  hosts: { '*.rk6.test': `127.0.0.1:${PORT}` },
  thresholds: {
    // setResponseCallback made the 404 expected: it is not a failed request.
    'http_req_failed{name:callback404}': ['rate==0'],
    'http_reqs{name:callback404}': ['count==2'],
    // the default callback again: 404 fails.
    'http_req_failed{name:default404}': ['rate==1'],
    // maxRedirects 2: the redirect hops are requests of their own (3 per iteration).
    'http_reqs{name:redirects}': ['count==6'],
    'http_reqs{error_code:1050}': ['count==2'],
  },
};

export default async function () {
  const a = await http.asyncRequest('GET', `${B}/get?async=1`);
  check(a, {
    'asyncRequest: resolves to a response': (r) => r.status === 200 && r.json('args.async') === '1',
  });

  http.setResponseCallback(http.expectedStatuses(200, 404));
  http.get(`${B}/status/404`, { tags: { name: 'callback404' } });
  http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }));
  http.get(`${B}/status/404`, { tags: { name: 'default404' } });

  const jar = new http.CookieJar();
  jar.set(B, 'own', 'yes');
  jar.set(B, 'gone', 'soon');
  jar.delete(B, 'gone');
  const withJar = http.get(`${B}/cookies`, { jar });
  check(withJar, {
    'own jar: its cookie is sent': (r) => r.json('cookies.own') === 'yes',
    'own jar: a deleted cookie is not': (r) => r.json('cookies.gone') === undefined,
  });
  check(http.cookieJar().cookiesForURL(B), {
    'own jar: the VU jar stays untouched': (c) => c.own === undefined,
  });

  const vuJar = http.cookieJar();
  if (__ITER === 0) {
    const set = http.get(`${B}/cookies/set?flavour=oat`, { redirects: 0 });
    check(set, {
      'res.cookies: lists the Set-Cookie values': (r) => r.cookies.flavour[0].value === 'oat',
    });
    check(vuJar.cookiesForURL(B), { 'vu jar: keeps the cookie within the iteration': (c) => c.flavour[0] === 'oat' });
  } else {
    check(vuJar.cookiesForURL(B), { 'vu jar: empty again next iteration': (c) => c.flavour === undefined });
  }

  const id = 7;
  const templated = http.get(http.url`${B}/anything/item/${id}`);
  check(templated, {
    'http.url: requests the interpolated URL': (r) => r.json('url').endsWith('/anything/item/7'),
  });

  const ua = http.get(`${B}/user-agent`);
  check(ua, { 'userAgent option: sent': (r) => r.json('user-agent') === 'rk6-suite/1.0' });

  const redirected = http.get(`${B}/redirect/3`, { tags: { name: 'redirects' } });
  check(redirected, {
    'maxRedirects: stops at the limit with the last 302': (r) => r.status === 302,
  });

  const wildcard = http.get('http://api.rk6.test/get');
  check(wildcard, {
    'hosts wildcard: reaches the mapped address': (r) => r.status === 200,
    'hosts wildcard: keeps the Host name': (r) => r.json('headers.Host') === 'api.rk6.test',
  });

  const br = http.get(`${B}/brotli`);
  check(br, { 'brotli body: decoded': (r) => r.json('brotli') === true });

  const slow = http.get(`${B}/delay/2`, { timeout: 200 });
  check(slow, { 'numeric timeout: milliseconds, 1050': (r) => r.error_code === 1050 });
}
