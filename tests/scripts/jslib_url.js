// jslib.k6.io's url module (URL, URLSearchParams) resolved offline; every check holds for
// the WHATWG URL standard the real module implements.
import { URL, URLSearchParams } from 'https://jslib.k6.io/url/1.0.0/index.js';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const u = new URL('https://user:pw@example.com:8443/a/b?x=1&y=two%20words#frag');
  const rel = new URL('../c?z=3', 'https://example.com/a/b/');
  const p = new URLSearchParams({ q: 'k6 load', page: 2 });
  p.append('tag', 'a&b');
  const u2 = new URL('https://example.com/search');
  u2.searchParams.append('q', 'rk6');
  u2.searchParams.set('lang', 'en');
  u2.pathname = '/find';
  let invalid = '';
  try { new URL('not a url'); } catch (e) { invalid = e.name; }
  const sorted = new URLSearchParams('b=2&a=1&b=1'); sorted.sort();
  check(null, {
    'parts': () => [u.protocol, u.username, u.password, u.hostname, u.port, u.pathname, u.search, u.hash].join('|') === 'https:|user|pw|example.com|8443|/a/b|?x=1&y=two%20words|#frag',
    'origin and host': () => u.origin === 'https://example.com:8443' && u.host === 'example.com:8443',
    'searchParams get': () => u.searchParams.get('y') === 'two words' && u.searchParams.get('nope') === null,
    'relative with base': () => rel.href === 'https://example.com/a/c?z=3',
    'params from object': () => p.toString() === 'q=k6+load&page=2&tag=a%26b',
    'searchParams update the URL': () => u2.href === 'https://example.com/find?q=rk6&lang=en',
    'invalid URL throws TypeError': () => invalid === 'TypeError',
    'sort is stable by name': () => sorted.toString() === 'a=1&b=2&b=1',
    'getAll and has': () => sorted.getAll('b').join() === '2,1' && sorted.has('a') && !sorted.has('c'),
    'iteration': () => [...sorted].map(([k, v]) => k + v).join() === 'a1,b2,b1',
    'toString and JSON': () => String(rel) === rel.href && JSON.stringify({ u: rel }) === `{"u":"${rel.href}"}`,
  });
}
