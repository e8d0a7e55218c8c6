// k6/experimental/csv: what csv.Parser's constructor throws (GoError) and what
// csv.parse rejects with (a Go error value) for bad arguments and options. Kept apart
// from csv_edges.js: k6 v1.1 deadlocks when these run before that script's parsers.
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';

export const options = { iterations: 1 };

const bad = [{ delimiter: ';;' }, { fromLine: 3, toLine: 1 }, { asObjects: true, skipFirstLine: true }, { asObjects: true, fromLine: 1 }, { fromLine: -1 }, { toLine: -2 }, { fromLine: 50 }];
for (const o of bad) {
  try { new csv.Parser(await open('data.csv'), o); console.log('parser ok', JSON.stringify(o)); } catch (e) { console.log('parser threw', JSON.stringify(o), e instanceof Error, e.name, e.message); }
}
for (const o of bad.slice(0, 6)) {
  try { await csv.parse(await open('data.csv'), o); console.log('parse ok', JSON.stringify(o)); } catch (e) { console.log('parse rejected', JSON.stringify(o), String(e)); }
}
for (const a of [[], [null], [{}], ['x'], [42]]) {
  try { new csv.Parser(...a); console.log('ctor ok'); } catch (e) { console.log('ctor', JSON.stringify(a), e.name, e.message); }
}

export default function () {}
