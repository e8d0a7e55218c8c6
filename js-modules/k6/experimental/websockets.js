// k6/experimental/websockets: the browser-like WebSocket class. Connections, frames and
// metrics are native (`native.open/send/ping/close`); this file is the EventTarget side:
// readyState, on* handlers and addEventListener. Events arrive on the VU's event loop, so
// an iteration lasts until its sockets have closed. Evaluated once per VU that imports it.
(function (native) {
  const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;

  class Blob {
    constructor(parts, options) {
      const chunks = (parts || []).map((p) =>
        typeof p === 'string' ? native.utf8(p) : new Uint8Array(p instanceof ArrayBuffer ? p : p.buffer || p));
      const size = chunks.reduce((n, c) => n + c.length, 0);
      const all = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { all.set(c, at); at += c.length; }
      this._bytes = all;
      this.type = (options && options.type) || '';
    }
    get size() { return this._bytes.length; }
    arrayBuffer() { return Promise.resolve(this._bytes.slice().buffer); }
    text() { return Promise.resolve(native.fromUtf8(this._bytes.slice().buffer)); }
  }

  class WebSocket {
    constructor(url, protocols, params) {
      const u = String(url);
      if (!/^wss?:\/\//.test(u)) throw new SyntaxError(`WebSocket: invalid scheme in "${u}", only ws and wss are allowed`);
      if (u.includes('#')) throw new SyntaxError('WebSocket: URL must not contain a fragment');
      this.url = u;
      this.readyState = CONNECTING;
      this.protocol = '';
      this.extensions = '';
      this.bufferedAmount = 0;
      this.binaryType = 'blob';
      this.onopen = null; this.onmessage = null; this.onerror = null;
      this.onclose = null; this.onping = null; this.onpong = null;
      this._listeners = {};
      const list = protocols === undefined || protocols === null ? [] : [].concat(protocols).map(String);
      this._id = native.open(u, list, params || {}, (type, data) => this._event(type, data));
    }
    _event(type, data) {
      let event;
      if (type === 'open') {
        this.readyState = OPEN;
        this.protocol = data || '';
        event = { type };
      } else if (type === 'message') {
        const payload = typeof data === 'string' || this.binaryType === 'arraybuffer' ? data : new Blob([data]);
        event = { type, data: payload, origin: this.url, timestamp: Date.now() };
      } else if (type === 'close') {
        this.readyState = CLOSED;
        event = { type, code: data, reason: '', wasClean: data === 1000 || data === 1001 };
      } else if (type === 'error') {
        event = { type, error: String(data), message: String(data) };
      } else {
        event = { type };
      }
      event.target = this;
      const handler = this['on' + type];
      if (typeof handler === 'function') handler.call(this, event);
      for (const l of this._listeners[type] || []) l.call(this, event);
    }
    addEventListener(type, listener) {
      (this._listeners[type] = this._listeners[type] || []).push(listener);
    }
    send(data) {
      if (this.readyState !== OPEN) throw new Error('InvalidStateError: the WebSocket is not open');
      if (data instanceof Blob) data = data._bytes.slice().buffer;
      native.send(this._id, data);
    }
    ping() {
      if (this.readyState === OPEN) native.ping(this._id);
    }
    close(code, reason) {
      if (this.readyState === CLOSING || this.readyState === CLOSED) return;
      this.readyState = CLOSING;
      native.close(this._id, code === undefined ? 1000 : code, reason === undefined ? '' : String(reason));
    }
  }
  for (const [k, v] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
    Object.defineProperty(WebSocket, k, { value: v });
    Object.defineProperty(WebSocket.prototype, k, { value: v });
  }
  return { WebSocket, Blob };
})
