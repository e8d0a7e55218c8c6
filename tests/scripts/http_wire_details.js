// Wire-level and response-object details of k6/http that scripts can observe.
// All checks pass under k6 v1.1; each failing one names a difference.
import http from 'k6/http';
import { check } from 'k6';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';

export const options = { vus: 1, iterations: 1 };

export default function () {
  const first = http.get(`${B}/headers`);
  check(first, {
    'only Host and User-Agent are sent': (r) =>
      JSON.stringify(Object.keys(r.json('headers')).sort()) === '["Host","User-Agent"]',
    'new connection has connecting time': (r) => r.timings.connecting > 0,
    'new connection has blocked time': (r) => r.timings.blocked > 0,
    'sending time is measured': (r) => r.timings.sending > 0,
    'duration is sending+waiting+receiving': (r) =>
      Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 0.01,
  });
  const again = http.get(`${B}/get`);
  check(again, { 'reused connection has no connecting time': (r) => r.timings.connecting === 0 });

  const refused = http.get('http://127.0.0.1:1/');
  check(refused, {
    'refused: status 0': (r) => r.status === 0,
    'refused: error_code 1212': (r) => r.error_code === 1212,
    'refused: error text': (r) => r.error === 'dial: connection refused',
  });
  const slow = http.get(`${B}/delay/2`, { timeout: '200ms' });
  check(slow, {
    'timeout: error_code 1050': (r) => r.error_code === 1050,
    'timeout: error text': (r) => r.error === 'request timeout',
  });

  http.get(`${B}/cookies/set?a=1`);
  const withCookies = http.get(`${B}/cookies`, { cookies: { extra: 'x' } });
  check(withCookies, {
    'server got jar and param cookies': (r) => r.json('cookies.a') === '1' && r.json('cookies.extra') === 'x',
    'request.cookies lists jar cookie': (r) => r.request.cookies.a && r.request.cookies.a[0].value === '1',
    'request.cookies lists param cookie': (r) => r.request.cookies.extra && r.request.cookies.extra[0].value === 'x',
  });
  const jar = http.cookieJar();
  jar.clear(`${B}/`);
  check(jar.cookiesForURL(`${B}/`), { 'jar.clear empties the jar': (c) => Object.keys(c).length === 0 });

  const u = http.url`${B}/anything/${7}`;
  check(u, { 'http.url has clean_url': (x) => x.clean_url === `${B}/anything/7` });
}
