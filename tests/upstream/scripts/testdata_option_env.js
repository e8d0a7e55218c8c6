// Adapted from grafana/k6 internal/cmd/testdata/invalidconfig/option_env.js at v1.1.0: test.k6.io -> HTTPBIN/ (run without DURATION: valid, 1 iteration)
import http from 'k6/http';

export const options = {
	iterations: 1,
    duration: __ENV.DURATION,
};

export default function () {
  const res = http.get(__ENV.HTTPBIN + '/');
}
