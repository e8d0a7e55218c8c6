// 50-VU throughput with one check() per iteration.
import http from 'k6/http';
import { check } from 'k6';

const URL = __ENV.BENCH_URL || 'http://127.0.0.1:18080/';

export default function () {
  const res = http.get(URL);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
