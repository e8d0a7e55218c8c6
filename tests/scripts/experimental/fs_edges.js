// k6/experimental/fs: File shape, stat, reads to EOF, seeks from every origin, and the
// errors of open/read/seek (k6 rejects with plain objects carrying name and message).
// Go map key order is random in k6, so maps are printed sorted.
import { open, SeekMode } from 'k6/experimental/fs';
import { check } from 'k6';

export const options = { iterations: 1 };

const file = await open('hello.txt');
const viaUrl = await open('file://hello.txt');
console.log(JSON.stringify(file) === JSON.stringify(viaUrl), Object.keys(file).join(','), JSON.stringify(Object.entries(SeekMode).sort()));

async function reason(p) {
  try { return 'ok ' + JSON.stringify(await p); } catch (e) {
    return [typeof e, e instanceof Error, e.name, e.message, JSON.stringify(e), String(e), Object.keys(e).join(',')].join(' | ');
  }
}

for (const p of ['missing.txt', '.', '', null, undefined]) console.log('open', String(p), await reason(open(p)));

export default async function () {
  console.log('vu open', await reason(open('hello.txt')));
  const st = await file.stat();
  console.log(JSON.stringify(st), Object.keys(st).join(','));
  const b = new Uint8Array(4);
  const seen = [];
  for (let n = await file.read(b); n !== null; n = await file.read(b)) seen.push(n + ':' + b.join(','));
  console.log('reads', seen.join(' '));
  check(seen, { 'three reads': (s) => s.length === 3 });
  console.log(await file.seek(2, SeekMode.Start), await file.seek(3, SeekMode.Current), await file.seek(-1, SeekMode.End), await file.seek(0, SeekMode.End));
  console.log('read at end-1', await file.read(b), await file.read(b));
  for (const [o, w] of [[-1, 0], [1, 2], [-20, 1], [100, 0], ['1', 0], [1, 5], [null, 0], [1, '0'], [1.5, 0], [0, undefined]]) {
    console.log('seek', String(o), String(w), await reason(file.seek(o, w)));
  }
  for (const x of [null, undefined, [1, 2], new Uint16Array(2), 'abc', new ArrayBuffer(3), {}]) {
    console.log('read', Object.prototype.toString.call(x), await reason(file.read(x)));
  }
  await file.seek(0, SeekMode.Start);
  console.log('empty buffer', await file.read(new Uint8Array(0)), 'big buffer', await file.read(new Uint8Array(20)), await file.read(new Uint8Array(20)));
  await viaUrl.seek(6, SeekMode.Start);
  const w = new Uint8Array(5);
  console.log('own offsets', await viaUrl.read(w), String.fromCharCode(...w));
}
