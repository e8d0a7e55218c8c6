// Adapted from grafana/k6 examples/docker-compose/opentelemetry/script.js at v1.1.0: quickpizza.grafana.com -> HTTPBIN/ (HTTP/1.1: the HTTP/2 check fails in both); vus 10 duration 3m -> vus 5 duration 3s
import http from "k6/http";
import { check } from "k6";

export const options = {
  vus: 5,
  duration: '3s',
  thresholds: {
    'http_reqs{expected_response:true}': ['rate>10'],
  },
};

export default function () {
  check(http.get(__ENV.HTTPBIN + "/"), {
    "status is 200": (r) => r.status == 200,
    "protocol is HTTP/2": (r) => r.proto == "HTTP/2.0",
  });
}
