// setup() data flows to default() and teardown(); handleSummary() prints a
// normalised digest of its `data` argument (only the parts that are exact).
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const seen = new Counter('setup_token_seen');

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { setup_token_seen: ['count==4'] },
};

export function setup() {
  const r = http.post(`${B}/anything/login`, JSON.stringify({ user: 'ann' }), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(r, { 'login ok': (x) => x.status === 200 });
  return { token: `t-${r.json('json.user')}`, list: [1, 2, 3], nested: { deep: true, none: null } };
}

export default function (data) {
  group('with data', () => {
    check(data, {
      'token arrived': (d) => d.token === 't-ann',
      'list arrived': (d) => d.list.length === 3 && d.list[2] === 3,
      'nested arrived': (d) => d.nested.deep === true && d.nested.none === null,
    });
  });
  if (data.token === 't-ann') seen.add(1);
}

export function teardown(data) {
  check(data, { 'teardown sees setup data': (d) => d.token === 't-ann' });
}

function digestGroup(g) {
  return {
    name: g.name,
    path: g.path,
    id: g.id,
    checks: g.checks.map((c) => [c.name, c.path, c.id, c.passes, c.fails]),
    groups: g.groups.map(digestGroup),
  };
}

export function handleSummary(data) {
  const metrics = {};
  for (const name of Object.keys(data.metrics).sort()) {
    if (name === 'vus' || name === 'vus_max') continue;
    const m = data.metrics[name];
    const d = { type: m.type, contains: m.contains, keys: Object.keys(m.values).sort() };
    if (m.type === 'rate') d.passes_fails = [m.values.passes, m.values.fails];
    if (m.type === 'counter' && m.contains !== 'data') d.count = m.values.count;
    if (m.thresholds) d.thresholds = m.thresholds;
    metrics[name] = d;
  }
  const digest = {
    setup_data: data.setup_data,
    root_group: digestGroup(data.root_group),
    options: data.options,
    state_keys: Object.keys(data.state).sort(),
    metrics,
  };
  return { stdout: JSON.stringify(digest, null, 1) + '\n' };
}
