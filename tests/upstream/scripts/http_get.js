// Adapted from grafana/k6 examples/http_get.js at v1.1.0: quickpizza.grafana.com -> HTTPBIN/
import http from 'k6/http';

export default function () {
  http.get(__ENV.HTTPBIN + '/');
};
