// Memory / scale: one GET then sleep(1) per iteration (one keep-alive connection per VU).
import http from 'k6/http';
import { sleep } from 'k6';

const URL = __ENV.BENCH_URL || 'http://127.0.0.1:18080/';

export default function () {
  http.get(URL);
  sleep(1);
}
