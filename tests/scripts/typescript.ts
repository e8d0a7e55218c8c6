// A TypeScript script (interfaces, type annotations, casts, an enum, a .ts import): types are stripped like k6 v1.1 does.
import http from 'k6/http';
import { check } from 'k6';
import { label, Item, Kind } from './ts_helper.ts';
export const options = { iterations: 1 };
type Res = { status: number };
export default function (): void {
  const item: Item = { id: 7, name: 'seven' };
  const r = http.get(`${__ENV.BASE_URL}/get`) as unknown as Res;
  check(r, { 'typed': (x: Res) => x.status === 200, 'label': () => label(item) === '7:seven', 'enum': () => Kind.B === 'b' });
}
