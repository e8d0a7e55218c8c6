// Custom metrics whose values exercise every number format of the compact summary:
// durations from nanoseconds to hours, plain floats, large and negative gauges,
// truncated rate percentages. All values are fixed, so the lines are exact.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const durations = {
  t_a_ns: 0.0005,
  t_b_us: 0.25,
  t_c_ms: 12.345,
  t_d_s: 1500,
  t_e_min: 90000,
  t_f_h: 3725000,
  t_g_zero: 0,
  t_h_sub: 0.999999,
};
const trends = Object.keys(durations).map((k) => [new Trend(k, true), durations[k]]);
const plain = new Trend('u_plain');
const big = new Gauge('v_gauge');
const neg = new Gauge('v_neg');
const rate = new Rate('w_rate');
const counter = new Counter('x_counter');

export const options = { iterations: 1 };

export default function () {
  trends.forEach(([t, v]) => {
    t.add(v);
    t.add(v * 2);
  });
  plain.add(1234567.891);
  plain.add(0.000001);
  big.add(123456789.123456789);
  neg.add(-5);
  neg.add(-2);
  rate.add(1);
  rate.add(1);
  rate.add(0);
  counter.add(0.5);
  counter.add(1e6);
}
