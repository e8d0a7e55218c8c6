// k6/net/grpc: the Client and Stream classes and the status constants. Loading,
// connecting, calls and streams are native (`native.*`, runtime/src/modules/grpc); this
// file holds the JS surface: which client an object is, and a stream's handlers.
// Evaluated once per VU that imports it.
(function (native) {
  const ids = new WeakMap();

  class Client {
    constructor() { ids.set(this, native.newClient()); }
    load(importPaths, ...files) { return native.load(ids.get(this), importPaths, files); }
    loadProtoset(file) { return native.loadProtoset(ids.get(this), file); }
    connect(addr, params) { return native.connect(ids.get(this), addr, params); }
    invoke(method, request, params) { return native.invoke(ids.get(this), method, request, params); }
    asyncInvoke(method, request, params) { return native.asyncInvoke(ids.get(this), method, request, params); }
    close() { return native.close(ids.get(this)); }
  }

  const EVENTS = ['data', 'error', 'end', 'status'];

  class Stream {
    constructor(client, method, params) {
      const handlers = { data: [], error: [], end: [], status: [] };
      let id = null;
      if (client !== null && client !== undefined) {
        id = ids.has(client) ? ids.get(client) : -1;
      }
      const deliver = (type, value, meta) => {
        const list = handlers[type] || [];
        for (const h of list) h(value, meta);
        return list.length > 0;
      };
      const streamId = native.openStream(id, method, params, deliver);
      Object.defineProperty(this, 'on', {
        value: (event, handler) => {
          if (typeof handler !== 'function') {
            throw new Error(`handler for "${event}" event isn't a callable function`);
          }
          if (!EVENTS.includes(event)) {
            console.warn(`can't register ${event} event handler: unknown GRPC stream's event type: ${event}`);
            return;
          }
          handlers[event].push(handler);
        },
        enumerable: true,
      });
      Object.defineProperty(this, 'write', { value: (message) => native.write(streamId, message), enumerable: true });
      Object.defineProperty(this, 'end', { value: () => native.end(streamId), enumerable: true });
    }
  }

  const codes = [
    'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
    'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
    'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
  ];
  const exports = { Client, Stream };
  codes.forEach((name, code) => { exports['Status' + name] = code; });
  return exports;
})
