// k6/metrics: Counter, Gauge, Rate, Trend. Constructors register the metric (init context
// only); add() sends a sample. Evaluated once per VU with the native binding as `native`.
(function (native) {
  function metricClass(kind) {
    const M = function (name, isTime) {
      if (!new.target) {
        throw new TypeError(`calling ${kind} without new is not supported`);
      }
      const id = native.register(String(name), kind, !!isTime);
      Object.defineProperty(this, 'name', { value: String(name), enumerable: true });
      Object.defineProperty(this, 'add', {
        value: function add(value, tags) { return native.add(id, value, tags); },
      });
    };
    Object.defineProperty(M, 'name', { value: kind });
    return M;
  }
  return {
    Counter: metricClass('Counter'),
    Gauge: metricClass('Gauge'),
    Rate: metricClass('Rate'),
    Trend: metricClass('Trend'),
  };
})
