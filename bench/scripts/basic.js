// 50-VU throughput: one GET per iteration, no checks.
import http from 'k6/http';

const URL = __ENV.BENCH_URL || 'http://127.0.0.1:18080/';

export default function () {
  http.get(URL);
}
