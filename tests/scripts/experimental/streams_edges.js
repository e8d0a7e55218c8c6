// k6/experimental/streams: exports, strategies, readers, cancel, errors and the texts k6
// gives for misuse and for what it does not support.
import * as streams from 'k6/experimental/streams';
import { ReadableStream, CountQueuingStrategy, ReadableStreamDefaultReader } from 'k6/experimental/streams';
import { setTimeout } from 'k6/timers';
import { check } from 'k6';

export const options = { iterations: 1 };

console.log(Object.keys(streams).filter((k) => k !== 'default').sort().join(','));

function t(label, fn) {
  try { const r = fn(); console.log(label, 'ok', typeof r); } catch (e) { console.log(label, 'threw', e instanceof Error, e.name, '|', e.message); }
}
async function at(label, p) {
  // k6's read results are Go maps: their key order is random, so print the fields.
  const show = (r) => (r && typeof r === 'object' && 'done' in r ? `done=${r.done} value=${JSON.stringify(r.value)}` : JSON.stringify(r));
  try { console.log(label, 'ok', show(await p())); } catch (e) { console.log(label, 'rejected', e instanceof Error, e && e.name, '|', e && e.message); }
}

export default async function () {
  t('bytes', () => new ReadableStream({ type: 'bytes' }));
  t('type other', () => new ReadableStream({ type: 'foo' }));
  t('source number', () => new ReadableStream(5));
  t('hwm negative', () => new ReadableStream({}, { highWaterMark: -1 }));
  t('hwm NaN', () => new ReadableStream({}, { highWaterMark: NaN }));
  t('size not fn', () => new ReadableStream({}, { size: 3 }));
  t('pull not fn', () => new ReadableStream({ pull: 5 }));
  t('cqs none', () => new CountQueuingStrategy());
  t('cqs primitive', () => new CountQueuingStrategy(3));
  t('cqs no hwm', () => new CountQueuingStrategy({}));
  const c = new CountQueuingStrategy({ highWaterMark: 3 });
  console.log('cqs', c.highWaterMark, typeof c.size, c.size('x'));

  const s = new ReadableStream({ start(ctl) { ctl.enqueue('a'); ctl.enqueue('b'); ctl.close(); } });
  console.log('methods', s.locked, typeof s.cancel, typeof s.getReader, typeof s.tee, typeof s.pipeTo, typeof s.values, typeof s[Symbol.asyncIterator]);
  t('tee', () => s.tee());
  t('byob', () => s.getReader({ mode: 'byob' }));
  t('mode other', () => s.getReader({ mode: 'x' }));
  const r = s.getReader();
  console.log('locked', s.locked);
  t('second reader', () => s.getReader());
  t('reader ctor on locked', () => new ReadableStreamDefaultReader(s));
  t('reader ctor on object', () => new ReadableStreamDefaultReader({}));
  t('reader ctor without args', () => new ReadableStreamDefaultReader());
  for (let i = 1; i <= 4; i++) await at('read' + i, () => r.read());
  await at('closed', () => r.closed);
  r.releaseLock();
  console.log('unlocked', s.locked);
  await at('read released', () => r.read());
  await at('cancel released', () => r.cancel());

  const pulled = new ReadableStream({ pull(ctl) { ctl.enqueue(1); }, cancel(reason) { console.log('cancel called', reason); } });
  const r2 = pulled.getReader();
  await at('pulled read', () => r2.read());
  await at('pulled cancel', () => r2.cancel('why'));
  await at('read after cancel', () => r2.read());
  await at('cancel locked stream', () => pulled.cancel());
  await at('cancel unlocked stream', () => new ReadableStream({ cancel(x) { console.log('c', x); } }).cancel('rr'));

  await at('errored', () => new ReadableStream({ start(ctl) { ctl.error(new Error('boom')); } }).getReader().read());
  await at('pull rejects', () => new ReadableStream({ pull() { return Promise.reject(new TypeError('pull failed')); } }).getReader().read());
  new ReadableStream({ start(ctl) { ctl.close(); t('enqueue after close', () => ctl.enqueue(1)); t('close twice', () => ctl.close()); console.log('desired', ctl.desiredSize); } });
  new ReadableStream({ start(ctl) { console.log('desired start', ctl.desiredSize); ctl.enqueue(1); console.log('desired after', ctl.desiredSize); } }, new CountQueuingStrategy({ highWaterMark: 4 }));
  new ReadableStream({ start(ctl) { ctl.enqueue('abc'); console.log('sized desired', ctl.desiredSize); } }, { highWaterMark: 10, size(ch) { return ch.length; } });
  t('size throws', () => new ReadableStream({ start(ctl) { ctl.enqueue(1); } }, { size() { throw new Error('size boom'); } }));

  let n = 0;
  const timed = new ReadableStream({
    start(ctl) { const tick = () => { if (n < 3) { ctl.enqueue(++n); setTimeout(tick, 20); } else ctl.close(); }; setTimeout(tick, 20); },
  }, new CountQueuingStrategy({ highWaterMark: 2 }));
  const got = [];
  const tr = timed.getReader();
  for (let x = await tr.read(); !x.done; x = await tr.read()) got.push(x.value);
  console.log('timed', got.join(','));
  check(got, { 'three numbers': (g) => g.length === 3 });
}
