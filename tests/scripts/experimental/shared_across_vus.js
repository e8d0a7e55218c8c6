// Files and parsed records shared by VUs: each VU's File keeps its own offset, every VU
// sees the same records; counted with checks across 3 VUs.
import { open, SeekMode } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
import { check } from 'k6';

export const options = { vus: 3, iterations: 12 };

const file = await open('hello.txt');
const records = await csv.parse(await open('data.csv'), { skipFirstLine: true });
const parser = new csv.Parser(await open('data.csv'));

export default async function () {
  const b = new Uint8Array(11);
  const n = await file.read(b);
  await file.seek(0, SeekMode.Start);
  const row = await parser.next();
  check(n, {
    'whole file from offset 0': (v) => v === 11,
    'records shared': () => records.length === 3 && records[2][0] === 'x "q" y',
    'records read-only': () => { try { records[0] = 1; return false; } catch (e) { return e instanceof TypeError; } },
    'own parser position': () => row.done || row.value.length === 3,
  });
}
