// System tags and user tags as seen through submetric thresholds. Every threshold
// here passes under k6 v1.1; each one pins one tagging rule (name overrides url,
// error_code for 4xx, status 0 for network errors, nested group paths, run tags...).
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const hits = new Counter('hits');

export const options = {
  vus: 1,
  iterations: 2,
  tags: { team: 'qa' },
  thresholds: {
    'http_reqs{name:home}': ['count==2'],
    'http_reqs{url:home}': ['count==2'],
    'http_reqs{status:404}': ['count==2'],
    'http_reqs{error_code:1404}': ['count==2'],
    'http_reqs{expected_response:false}': ['count==4'],
    'http_reqs{method:POST}': ['count==2'],
    'http_reqs{group:::g1}': ['count==2'],
    'http_reqs{group:::g1::g2}': ['count==2'],
    'http_reqs{scenario:default}': ['count==12'],
    'http_reqs{team:qa}': ['count==12'],
    'http_reqs{custom:yes}': ['count==2'],
    'http_reqs{status:0}': ['count==2'],
    'http_reqs{error_code:1212}': ['count==2'],
    'http_reqs{name:http://127.0.0.1:1/x}': ['count==2'],
    'checks{check:tagged}': ['rate==1'],
    'checks{ck:v}': ['rate==1'],
    'checks{group:::g1}': ['rate==0.5'],
    'hits{k:1}': ['count==2'],
    'hits{k:2}': ['count==4'],
    'hits{team:qa}': ['count==6'],
    'iterations{scenario:default}': ['count==2'],
  },
};

export default function () {
  http.get(`${B}/get`, { tags: { name: 'home' } });
  http.get(`${B}/status/404`);
  http.post(`${B}/post`, 'x', { tags: { custom: 'yes' } });
  http.get('http://127.0.0.1:1/x');
  group('g1', () => {
    http.get(`${B}/get?g=1`);
    check(1, { tagged: () => true }, { ck: 'v' });
    check(1, { untagged: () => false });
    group('g2', () => {
      http.get(`${B}/get?g=2`);
    });
  });
  hits.add(1, { k: '1' });
  hits.add(2, { k: 2 });
}
