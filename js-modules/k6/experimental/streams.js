// k6/experimental/streams: k6 v1.1's surface over the vendored WHATWG streams
// implementation (js-modules/vendor/web-streams-polyfill.js, MIT), which does the streams
// themselves: queues, backpressure, pull/start/cancel, readers. This file only makes it
// look like k6's module: its three exports, what k6 does not support ('bytes' streams,
// BYOB readers, piping, async iteration), its argument checks and its error texts.
// Called with the polyfill's exports of this VU, so patching their prototypes touches
// this VU's copy only.
(function (ws) {
  const Base = ws.ReadableStream;
  const BaseReader = ws.ReadableStreamDefaultReader;
  const BaseCQS = ws.CountQueuingStrategy;

  // What k6 throws from Go: an Error named GoError whose message is "Kind:message".
  function notSupported(what) {
    const e = new Error('NotSupportedError:' + what + ' is not supported yet');
    e.name = 'GoError';
    return e;
  }

  // The polyfill's texts for the errors k6 words differently, by exact text so that a
  // script's own errors pass through untouched.
  const TEXTS = {
    'This stream has already been locked for exclusive reading by another reader': 'stream is locked',
    'Cannot read from a stream using a released reader': 'stream is undefined',
    'Cannot cancel a stream using a released reader': 'stream is undefined',
    'Cannot cancel a stream that already has a reader': 'cannot cancel a locked stream',
    'The stream is not in a state that permits enqueue': 'cannot close or enqueue',
    'The stream is not in a state that permits close': 'cannot close or enqueue',
    'The stream is closing and cannot be closed again': 'cannot close or enqueue',
    'Invalid highWaterMark': 'highWaterMark must be a non-negative number',
  };
  function k6Error(e) {
    if ((e instanceof TypeError || e instanceof RangeError) && Object.prototype.hasOwnProperty.call(TEXTS, e.message)) {
      return new e.constructor(TEXTS[e.message]);
    }
    return e;
  }
  function wrapSync(proto, name) {
    const f = proto[name];
    Object.defineProperty(proto, name, {
      value: function (...args) {
        try { return f.apply(this, args); } catch (e) { throw k6Error(e); }
      },
      writable: true, configurable: true,
    });
  }
  function wrapAsync(proto, name) {
    const f = proto[name];
    Object.defineProperty(proto, name, {
      value: function (...args) {
        return f.apply(this, args).catch((e) => { throw k6Error(e); });
      },
      writable: true, configurable: true,
    });
  }
  function isObject(v) {
    return (typeof v === 'object' && v !== null) || typeof v === 'function';
  }

  // k6's strategy: highWaterMark 1 unless given, a non-negative number; size a function.
  function strategyOf(source, strategy) {
    const s = strategy === undefined || strategy === null ? {} : Object(strategy);
    let hwm = s.highWaterMark;
    if (hwm === undefined || hwm === null) hwm = 1;
    else if (typeof hwm !== 'number' || Number.isNaN(hwm) || hwm < 0) {
      throw new RangeError('highWaterMark must be a non-negative number');
    }
    const size = s.size;
    if (size !== undefined && size !== null && typeof size !== 'function') {
      throw new TypeError('size must be a function');
    }
    return size === undefined || size === null ? { highWaterMark: hwm } : { highWaterMark: hwm, size };
  }

  function checkSource(source) {
    if (source === undefined) return;
    if (!isObject(source)) throw new TypeError('underlyingSource must be an object');
    if (source.type !== undefined && source.type !== null && String(source.type) !== 'bytes') {
      throw new TypeError('invalid underlying source type');
    }
    for (const hook of ['start', 'pull', 'cancel']) {
      const f = source[hook];
      if (f !== undefined && f !== null && typeof f !== 'function') {
        throw new TypeError('underlyingSource.[[' + hook + ']] must be a function');
      }
    }
    if (source.type !== undefined && source.type !== null) throw notSupported("'bytes' stream");
  }

  class ReadableStream extends Base {
    constructor(source, strategy) {
      const checked = strategyOf(source, strategy);
      checkSource(source);
      try { super(source, checked); } catch (e) { throw k6Error(e); }
    }

    getReader(options) {
      if (isObject(options) && options.mode !== undefined && options.mode !== null) {
        if (String(options.mode) !== 'byob') throw new TypeError("options.mode is not 'byob'");
        throw notSupported("'byob' mode");
      }
      try { return super.getReader(); } catch (e) { throw k6Error(e); }
    }

    cancel(reason) {
      return super.cancel(reason).catch((e) => { throw k6Error(e); });
    }

    tee() {
      throw notSupported("'tee()'");
    }
  }
  for (const hidden of ['pipeTo', 'pipeThrough', 'values', Symbol.asyncIterator]) {
    Object.defineProperty(ReadableStream.prototype, hidden, { value: undefined, configurable: true });
  }

  wrapAsync(BaseReader.prototype, 'read');
  wrapAsync(BaseReader.prototype, 'cancel');
  wrapSync(ws.ReadableStreamDefaultController.prototype, 'enqueue');
  wrapSync(ws.ReadableStreamDefaultController.prototype, 'close');

  function ReadableStreamDefaultReader(stream) {
    if (arguments.length !== 1) throw new TypeError('ReadableStreamDefaultReader takes a single argument');
    if (!(stream instanceof Base)) throw new TypeError('ReadableStreamDefaultReader argument must be a ReadableStream');
    try { return new BaseReader(stream); } catch (e) { throw k6Error(e); }
  }

  function CountQueuingStrategy(init) {
    if (arguments.length !== 1) throw new TypeError('CountQueuingStrategy takes a single argument');
    if (!isObject(init)) throw new TypeError('CountQueuingStrategy argument must be an object');
    if (init.highWaterMark === undefined || init.highWaterMark === null) {
      throw new TypeError("CountQueuingStrategy argument must have 'highWaterMark' property");
    }
    return new BaseCQS(init);
  }

  return { ReadableStream, CountQueuingStrategy, ReadableStreamDefaultReader };
})
