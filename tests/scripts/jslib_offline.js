// jslib.k6.io imports resolved offline to rk6's own k6-utils, k6-summary and papaparse.
import http from 'k6/http';
import { check, group } from 'k6';
import { randomIntBetween, randomItem, randomString, uuidv4, findBetween, normalDistributionStages } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
import { textSummary, jUnit } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
export const options = { iterations: 1, thresholds: { checks: ['rate>0.5'] } };
export default function () {
  const n = randomIntBetween(3, 5);
  const csv = papaparse.parse('name,age\n"Smith, J",42\nAnna,7\n', { header: true, dynamicTyping: true, skipEmptyLines: true });
  check(null, {
    'int in range': () => n >= 3 && n <= 5 && Number.isInteger(n),
    'item from list': () => ['a', 'b'].includes(randomItem(['a', 'b'])),
    'random string': () => /^[ab]{8}$/.test(randomString(8, 'ab')),
    'uuid v4': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'findBetween': () => findBetween('<a>1</a><a>2</a>', '<a>', '</a>') === '1' && findBetween('<a>1</a><a>2</a>', '<a>', '</a>', true).join() === '1,2',
    'stages': () => normalDistributionStages(100, 60, 5).length === 7,
    'papaparse quoted field': () => csv.data[0].name === 'Smith, J' && csv.data[0].age === 42 && csv.data.length === 2,
  });
  group('g', () => check(1, { 'inner': () => true }));
}
export function handleSummary(data) {
  return { stdout: textSummary(data, { indent: ' ', enableColors: false }), 'junit.xml': jUnit(data) };
}
