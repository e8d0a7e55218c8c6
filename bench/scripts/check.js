// 50-VU throughput with one check() and one custom Trend.add() per iteration.
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const URL = __ENV.BENCH_URL || 'http://127.0.0.1:18080/';
const body = new Trend('body_bytes');

export default function () {
  const res = http.get(URL);
  check(res, { 'status is 200': (r) => r.status === 200 });
  body.add(res.body.length);
}
