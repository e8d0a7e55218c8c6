// Adapted from grafana/k6 internal/cmd/templates/minimal.js at v1.1.0: Go template rendered without ProjectID; vus 10 duration 30s -> vus 2 duration 3s; quickpizza -> HTTPBIN/
import http from 'k6/http';
import { sleep, check } from 'k6';

export const options = {
  vus: 2,
  duration: '3s',
};

export default function() {
  let res = http.get(__ENV.HTTPBIN + '/');
  check(res, { "status is 200": (res) => res.status === 200 });
  sleep(1);
}
