// k6/data: SharedArray. The data is built once per test run (by the first VU whose init
// code constructs it) and kept natively as JSON per element; every VU reads elements
// through a read-only array-like proxy that parses an element when it is accessed.
(function (native) {
  function SharedArray(name, fn) {
    if (!new.target) throw new TypeError('calling SharedArray without new is not supported');
    if (typeof fn !== 'function') throw new TypeError('a function is expected as the second argument of SharedArray');
    const key = String(name);
    const length = native.create(key, fn);
    const get = (i) => native.get(key, i);
    const isIndex = (p) => typeof p === 'string' && /^(0|[1-9]\d*)$/.test(p) && Number(p) < length;
    const readOnly = () => { throw new TypeError('SharedArray is read-only'); };
    return new Proxy([], {
      get(target, prop, receiver) {
        if (prop === 'length') return length;
        if (isIndex(prop)) return get(Number(prop));
        if (prop === Symbol.iterator) {
          return function* () { for (let i = 0; i < length; i++) yield get(i); };
        }
        return Reflect.get(target, prop, receiver);
      },
      has(target, prop) { return prop === 'length' || isIndex(prop) || Reflect.has(target, prop); },
      set: readOnly,
      deleteProperty: readOnly,
      defineProperty: readOnly,
    });
  }
  return { SharedArray };
})
