import { expect, test } from 'vitest';
import { formatScores, round } from '../../../src/adapters/sagemaker/format-scores.js';
import { forEachCsvPair, parseCsvPairs } from '../../../src/adapters/sagemaker/parse-csv-pairs.js';

test('formatScores prints exactly the numbers round() gives, one per line', () => {
  const xs = new Float32Array(5000);
  let s = 12345;
  for (let k = 0; k < xs.length; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs[k] = (s / 2 ** 32) * 5;
  }
  xs.set([0, 0.5, 1, 5, 4.25, 3.0000001, 0.000001, 0.0000004, -1.5, 1234.5678], 0);
  const lines = formatScores(xs).toString('latin1').split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(xs.length);
  lines.forEach((line, k) => {
    expect(line).toBe(String(round(xs[k]!)));
  });
});

test('parseCsvPairs reads numbers, strings, quotes, spaces and CRLF', () => {
  const { users, items } = parseCsvPairs(Buffer.from('1,610\r\n10,"313"\n u7 , 2.5\n-3,1e3\n42,abc'));
  expect(users).toEqual([1, 10, 'u7', -3, 42]);
  expect(items).toEqual([610, 313, 2.5, 1000, 'abc']);
  expect(() => parseCsvPairs(Buffer.from('1,2\n\n'))).toThrow(/line 2/);
  expect(() => parseCsvPairs(Buffer.from('1,\n'))).toThrow(/line 1: an id is empty/);
});

test('forEachCsvPair hands over the same pairs in order, and refuses an empty body', () => {
  const body = Buffer.from('1,610\r\n10,"313"\n u7 , 2.5\n');
  const seen: [unknown, unknown][] = [];
  forEachCsvPair(body, (user, item) => seen.push([user, item]));
  const { users, items } = parseCsvPairs(body);
  expect(seen).toEqual(users.map((u, k) => [u, items[k]]));
  expect(seen).toEqual([
    [1, 610],
    [10, 313],
    ['u7', 2.5],
  ]);
  expect(() => forEachCsvPair(Buffer.alloc(0), () => {})).toThrow(/body is empty/);
});
