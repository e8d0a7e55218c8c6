// Open model: constant-arrival-rate at BENCH_RATE iterations/s (default 2,000) for
// BENCH_DUR (default 10s), one http.get each. Reports achieved rate and dropped_iterations;
// rk6 also reports iteration_start_lag (how late each iteration started).
import http from 'k6/http';

const URL = __ENV.BENCH_URL || 'http://127.0.0.1:18080/';

export const options = {
  scenarios: {
    open: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.BENCH_RATE || 2000),
      timeUnit: '1s',
      duration: __ENV.BENCH_DUR || '10s',
      preAllocatedVUs: Number(__ENV.BENCH_VUS || 100),
      maxVUs: 1000,
    },
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

export default function () {
  http.get(URL);
}
