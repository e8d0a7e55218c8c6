// Adapted from grafana/k6 examples/http_batch.js at v1.1.0: test.k6.io page -> HTTPBIN/html; pi.php -> HTTPBIN/base64/My4xNA== (body '3.14')
import { check } from 'k6';
import http from 'k6/http';

export default function() {
  const responses = http.batch([
    __ENV.HTTPBIN + "/html",
    __ENV.HTTPBIN + "/base64/My4xNA=="
  ]);

  check(responses[0], {
    "main page 200": res => res.status === 200,
  });

  check(responses[1], {
    "pi page 200": res => res.status === 200,
    "pi page has right content": res => res.body === "3.14",
  });
};
