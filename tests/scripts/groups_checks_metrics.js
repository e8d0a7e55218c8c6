// Deterministic: per-VU iterations, nested groups, passing and failing checks,
// one of each custom metric type with known values, and thresholds that all pass.
// Every count in the summary is exact, so k6 and rk6 must agree on all of them.
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const B = __ENV.BASE_URL || 'http://127.0.0.1:8080';

const orders = new Counter('orders');
const queue = new Gauge('queue_depth');
const paid = new Rate('paid');
const basket = new Trend('basket_size');
const think = new Trend('think_time', true);

export const options = {
  scenarios: {
    shoppers: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
  },
  thresholds: {
    orders: ['count==18'],
    queue_depth: ['value==7'],
    paid: ['rate>0.6'],
    basket_size: ['avg==25', 'max==40', 'p(50)==25'],
    checks: ['rate>0.7'],
    'checks{check:catalog 200}': ['rate==1'],
    'http_reqs{name:catalog}': ['count==6'],
    'group_duration{group:::shop::checkout}': ['max<10000'],
  },
};

export default function () {
  group('shop', () => {
    const cat = http.get(`${B}/get?page=catalog`, { tags: { name: 'catalog' } });
    check(cat, {
      'catalog 200': (r) => r.status === 200,
      'catalog echoes page': (r) => r.json('args.page') === 'catalog',
    });
    group('checkout', () => {
      const res = http.post(`${B}/post`, JSON.stringify({ vu: __VU, iter: __ITER }), {
        headers: { 'Content-Type': 'application/json' },
      });
      check(res, {
        'order accepted': (r) => r.status === 200,
        'order echoed': (r) => r.json('json.iter') === __ITER,
      });
      orders.add(1);
      orders.add(2, { kind: 'bulk' });
    });
  });
  const missing = http.get(`${B}/status/404`);
  check(missing, {
    'missing is 404': (r) => r.status === 404,
    'missing is 200': (r) => r.status === 200,
  });
  queue.add(__VU * 10 + __ITER);
  queue.add(7); // the last value is the same whichever VU ends last
  paid.add(__ITER !== 2);
  basket.add(10);
  basket.add(40);
  think.add(250);
}
