// k6/experimental/csv: csv.parse with each option, csv.Parser's next(), and the errors
// k6 gives for short records (bad options: csv_errors.js). Avoids inputs that crash k6
// itself: csv.parse of a record Go's reader refuses panics k6, an empty delimiter too,
// and csv.parse(file, undefined) throws and then deadlocks k6's init event loop.
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
import { check } from 'k6';

export const options = { iterations: 1 };

console.log(Object.keys(csv).sort().join(','));

const variants = [{}, { skipFirstLine: true }, { fromLine: 2 }, { fromLine: 1, toLine: 2 }, { toLine: 1 }, { asObjects: true }, { toLine: 0 }, { delimiter: 'ab' }, { delimiter: ';' }];
for (const o of variants) {
  try {
    const rows = await csv.parse(await open(o.delimiter === ';' ? 'semi.csv' : 'data.csv'), o);
    console.log('parse', JSON.stringify(o), rows.length, JSON.stringify(rows), Array.isArray(rows), JSON.stringify(rows[0]), JSON.stringify([...rows].slice(-1)));
  } catch (e) { console.log('parse rejected', JSON.stringify(o), typeof e, e instanceof Error, String(e)); }
}
const semi = await csv.parse(await open('semi.csv'), { delimiter: ';' });
console.log('semi', JSON.stringify(semi));
const noOptions = await csv.parse(await open('data.csv'));
console.log('no options', noOptions.length);

const objects = new csv.Parser(await open('data.csv'), { asObjects: true });
const lines = new csv.Parser(await open('data.csv'), { fromLine: 1, toLine: 2 });
const semis = new csv.Parser(await open('semi.csv'), { delimiter: ';' });
const short = new csv.Parser(await open('short.csv'));

export default async function () {
  for (let i = 0; i < 4; i++) {
    const r = await objects.next();
    console.log('object', r.done, Object.keys(r).join(','), Array.isArray(r.value), JSON.stringify(Object.entries(r.value).sort()));
  }
  for (let i = 0; i < 3; i++) console.log('lines', JSON.stringify(await lines.next()));
  console.log('semis', JSON.stringify(await semis.next()), JSON.stringify(await semis.next()), JSON.stringify(await semis.next()));
  console.log('short', JSON.stringify(await short.next()));
  try { await short.next(); } catch (e) { console.log('short rejected', typeof e, e instanceof Error, e.name, String(e)); }
  console.log('short after', JSON.stringify(await short.next()));
  try { new csv.Parser(await open('data.csv')); } catch (e) { console.log('vu open', e.name, e.message); }
  check(noOptions, { 'four records': (r) => r.length === 4 });
}
