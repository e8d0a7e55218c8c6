// Adapted from grafana/k6 examples/docker-compose/influxdb-v1/script.js at v1.1.0: quickpizza.grafana.com -> HTTPBIN/ (HTTP/1.1: the HTTP/2 check fails in both)
import http from "k6/http";
import { check } from "k6";

export default function () {
  check(http.get(__ENV.HTTPBIN + "/"), {
    "status is 200": (r) => r.status == 200,
    "protocol is HTTP/2": (r) => r.proto == "HTTP/2.0",
  });
}
