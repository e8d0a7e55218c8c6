// Soak: a fixed arrival rate of `http.get` + `check` for a long time. Memory should stay
// flat: every Trend sample k6 keeps makes its RSS grow; rk6's HDR histograms do not.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 2000),
      timeUnit: '1s',
      duration: __ENV.DURATION || '10m',
      preAllocatedVUs: 50,
      maxVUs: 100,
    },
  },
};

export default function () {
  const r = http.get(__ENV.URL);
  check(r, { 'status is 200': (x) => x.status === 200 });
}
