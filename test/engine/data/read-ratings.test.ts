import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, test } from 'vitest';
import type { RatingsLayout } from '../../../src/engine/data/ratings-layout.js';
import { readRatings } from '../../../src/engine/data/read-ratings.js';
import { sniffDelimited } from '../../../src/engine/data/sniff-delimited.js';
import { InputError } from '../../../src/engine/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-read-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const CSV: RatingsLayout = {
  format: 'delimited',
  file: 'x',
  delimiter: ',',
  header: true,
  columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' },
};
const col = (t: { getChild(n: string): { toArray(): unknown } | null }, n: string) =>
  Array.from(t.getChild(n)!.toArray() as ArrayLike<unknown>);

describe('readRatings (delimited)', () => {
  test('an empty file and a header-only file are InputErrors naming the file', async () => {
    await expect(readRatings(file('empty.csv', ''), CSV)).rejects.toThrow(/empty\.csv: the file is empty/);
    await expect(readRatings(file('head.csv', 'userId,movieId,rating,timestamp\n'), CSV)).rejects.toThrow(
      /head\.csv: no rating rows/,
    );
  });

  test('columns by header name in any order; a missing name lists the header', async () => {
    const p = file('order.csv', 'rating,timestamp,movieId,userId\n4.5,100,7,1\n3,200,8,2\n');
    const { table, report } = await readRatings(p, CSV);
    expect(report).toEqual({ rows: 2, skipped: 0, skippedExamples: [] });
    expect(col(table, 'user')).toEqual([1, 2]);
    expect(col(table, 'item')).toEqual([7, 8]);
    expect(col(table, 'rating')).toEqual([4.5, 3]);
    expect(col(table, 'timestamp')).toEqual([100, 200]);
    const bad = { ...CSV, columns: { ...CSV.columns, user: 'uid' } } as RatingsLayout;
    await expect(readRatings(p, bad)).rejects.toThrow(
      /no column "uid" in the header \(columns: rating, timestamp, movieId, userId\)/,
    );
  });

  test('rating outside the declared scale fails with file and line; skipBad counts it', async () => {
    const p = file('scale.csv', 'userId,movieId,rating,timestamp\n1,1,4,0\n1,2,9,0\n2,1,abc,0\n');
    await expect(readRatings(p, CSV, { scale: { min: 1, max: 5 } })).rejects.toThrow(
      new RegExp(`${p.replace(/[.\\/]/g, '\\$&')} line 3: rating 9 \\(column 3\\) is outside the scale \\[1, 5\\]`),
    );
    const r = await readRatings(p, CSV, { scale: { min: 1, max: 5 }, skipBad: true });
    expect(r.report.rows).toBe(1);
    expect(r.report.skipped).toBe(2);
    expect(r.report.skippedExamples[1]).toMatch(/line 4: field rating \(column 3\) is "abc"/);
  });

  test('all rows bad is an error even with skipBad', async () => {
    const p = file('allbad.csv', 'userId,movieId,rating,timestamp\n1,1,x,0\n');
    await expect(readRatings(p, CSV, { skipBad: true })).rejects.toThrow(/all 1 rows are bad/);
  });

  test('string ids (Amazon-style) take the text path with the same checks', async () => {
    const p = file(
      'amazon.csv',
      'userId,movieId,rating,timestamp\nA3SGXH7AUHU8GW,B001E4KFG0,5,1303862400\nA1D87F6ZCVE5NK,B00813GRG4,1,1346976000\nA1D87F6ZCVE5NK,B000LQOCH0,x,1\n',
    );
    await expect(readRatings(p, CSV)).rejects.toThrow(/amazon\.csv line 4: field rating \(column 3\) is "x"/);
    const { table, report } = await readRatings(p, CSV, { skipBad: true });
    expect(report.skipped).toBe(1);
    expect(col(table, 'user')).toEqual(['A3SGXH7AUHU8GW', 'A1D87F6ZCVE5NK']);
    expect(col(table, 'rating')).toEqual([5, 1]);
  });
});

describe('sniffDelimited (generic files)', () => {
  test('header aliases pick user/item/rating/timestamp; no header means positions', async () => {
    const a = file('g1.tsv', 'customer_id\tproduct_id\tstars\tunixReviewTime\n1\t2\t3\t4\n');
    expect(await sniffDelimited(a, 'g1.tsv')).toMatchObject({
      delimiter: '\t',
      header: true,
      columns: { user: 0, item: 1, rating: 2, timestamp: 3 },
    });
    const b = file('g2.txt', '1;2;3.5\n2;3;4\n');
    const layout = await sniffDelimited(b, 'g2.txt');
    expect(layout).toMatchObject({ delimiter: ';', header: false, columns: { user: 0, item: 1, rating: 2 } });
    const { table } = await readRatings(b, layout);
    expect(col(table, 'rating')).toEqual([3.5, 4]);
  });

  test('an unknown header asks for --columns; a mapping resolves it', async () => {
    const p = file('g3.csv', 'a,b,c\n1,2,3\n');
    await expect(sniffDelimited(p, 'g3.csv')).rejects.toThrow(/pass --columns user=\.\.,item=\.\.,rating=\.\./);
    const layout = await sniffDelimited(p, 'g3.csv', { columns: { user: 'b', item: 'a', rating: 'c' } });
    const { table } = await readRatings(p, layout);
    expect(col(table, 'user')).toEqual([2]);
  });
});

describe('readRatings (columnar)', () => {
  const data = { userId: [1, 1, 2], movieId: [10, 11, 10], rating: [4, 3.5, 5], timestamp: [1, 2, 3] };

  test('Parquet written by hyparquet-writer round-trips, columns found by alias', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'userId', data: Int32Array.from(data.userId), type: 'INT32' },
        { name: 'movieId', data: Int32Array.from(data.movieId), type: 'INT32' },
        { name: 'rating', data: Float32Array.from(data.rating), type: 'FLOAT' },
        { name: 'timestamp', data: data.timestamp.map(BigInt), type: 'INT64' },
      ],
    });
    const p = file('r.parquet', new Uint8Array(buf));
    const { table, report } = await readRatings(p, { format: 'parquet', file: 'r.parquet' });
    expect(report.rows).toBe(3);
    expect(col(table, 'user')).toEqual(data.userId);
    expect(col(table, 'item')).toEqual(data.movieId);
    expect(table.getChild('rating')?.type.toString()).toBe('Float32');
    expect(col(table, 'rating')).toEqual(data.rating);
    expect(col(table, 'timestamp')).toEqual(data.timestamp);
  });

  test('Arrow IPC with string ids; a NaN rating is refused with the row, or skipped', async () => {
    const t = tableFromArrays({ u: ['a', 'b', 'c'], i: ['x', 'y', 'x'], score: Float64Array.from([1, Number.NaN, 2]) });
    const p = file('r.arrow', tableToIPC(t, 'file'));
    const layout: RatingsLayout = {
      format: 'arrow',
      file: 'r.arrow',
      columns: { user: 'u', item: 'i', rating: 'score' },
    };
    await expect(readRatings(p, layout)).rejects.toThrow(/r\.arrow row 1: field rating is "NaN", not a finite number/);
    const { table, report } = await readRatings(p, layout, { skipBad: true });
    expect(report.skipped).toBe(1);
    expect(col(table, 'user')).toEqual(['a', 'c']);
    expect(col(table, 'rating')).toEqual([1, 2]);
  });

  test('a file that is not Parquet is an InputError', async () => {
    const p = file('fake.parquet', 'userId,movieId\n');
    await expect(readRatings(p, { format: 'parquet', file: 'fake.parquet' })).rejects.toBeInstanceOf(InputError);
  });
});
