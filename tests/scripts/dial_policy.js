// blockHostnames and blacklistIPs at dial time (requests, redirect hops, batch items and
// WebSockets) and localIPs handed to VUs round-robin: error codes and texts as in k6.
import http from 'k6/http';
import ws from 'k6/ws';
import { check } from 'k6';

const port = __ENV.BASE_URL.split(':').pop();
const names = ['a.k6.local', 'a.b.k6.local', 'k6.local', 'xk6.local', 'blocked.test', 'BLOCKED.test', 'sub.blocked.test', 'ok.test'];
const hosts = { 'ten.test': '10.1.2.3' };
for (const n of names) hosts[n.toLowerCase()] = '127.0.0.1';

export const options = {
  // One iteration per VU (with shared iterations a fast VU may take VU 1's turn).
  scenarios: { dial: { executor: 'per-vu-iterations', vus: 3, iterations: 1 } },
  hosts,
  blockHostnames: ['*.k6.local', 'Blocked.test'],
  blacklistIPs: ['10.0.0.0/8'],
};

const url = (h, path = '/get') => `http://${h}:${port}${path}`;
const blocked = (r) => r.status === 0 && r.error === 'hostname is blocked' && r.error_code === 1111;
const passed = (r) => r.status === 200 && r.error === '' && r.error_code === 0;

export default function () {
  if (__VU === 1) {
    check(http.get(url('a.k6.local')), { 'wildcard blocks a subdomain': blocked });
    check(http.get(url('a.b.k6.local')), { 'wildcard blocks a deeper subdomain': blocked });
    check(http.get(url('k6.local')), { 'wildcard leaves the bare name': passed });
    check(http.get(url('xk6.local')), { 'wildcard needs the dot': passed });
    check(http.get(url('BLOCKED.test')), { 'names match without case': blocked });
    check(http.get(url('sub.blocked.test')), { 'exact pattern leaves subdomains': passed });
    const ten = http.get(url('ten.test'));
    check(ten, {
      'blacklisted range refused with 1110': (r) => r.status === 0 && r.error === 'ip is blacklisted' && r.error_code === 1110,
    });
    const hop = http.get(url('ok.test', `/redirect-to?url=${encodeURIComponent(url('blocked.test'))}`));
    check(hop, { 'a redirect to a blocked host is refused': (r) => blocked(r) && r.url === url('blocked.test') });
    const [b] = http.batch([['GET', url('blocked.test')]]);
    check(b, { 'a batch item to a blocked host is refused': blocked });
    const s = ws.connect(`ws://blocked.test:${port}/ws/echo`, {}, (so) => so.close());
    check(s, {
      'a WebSocket to a blocked host is refused': (x) => x.status === 0 && x.error === `hostname (blocked.test) is in a blocked pattern (blocked.test)`,
    });
  }
  // localIPs 127.0.0.2-127.0.0.3 (given on the command line): VU n takes address n-1 mod 2.
  const origin = http.get(`${__ENV.BASE_URL}/get`).json().origin;
  check(origin, { 'each VU dials from its localIPs address': (o) => o === (__VU % 2 === 1 ? '127.0.0.2' : '127.0.0.3') });
}
