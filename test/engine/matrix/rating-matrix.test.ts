import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/engine/errors.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { kFold, leaveKOut, randomHoldout, temporal } from '../../../src/engine/matrix/split.js';

function small() {
  return tableFromArrays({
    user: Int32Array.from([10, 10, 20, 30, 20, 10]),
    item: Int32Array.from([5, 7, 5, 9, 7, 5]),
    rating: Float32Array.from([4, 3, 5, 1, 2, 2]),
    timestamp: Float64Array.from([1, 2, 3, 4, 5, 6]),
  });
}

describe('RatingMatrix.fromTable', () => {
  test('maps ids, keeps the last duplicate, carries timestamps', async () => {
    const { matrix, report } = await RatingMatrix.fromTable(small());
    expect(matrix.nUsers).toBe(3);
    expect(matrix.nItems).toBe(3);
    expect(matrix.nRatings).toBe(5);
    expect(report.duplicates).toBe(1);
    const u10 = matrix.userRow(matrix.userIndex(10));
    expect(Array.from(u10.items, (i) => matrix.items.idOf(i))).toEqual([5, 7]);
    expect(Array.from(u10.ratings)).toEqual([2, 3]); // (10, 5) keeps the last rating, 2
    expect(matrix.timestamps?.[matrix.csr.offsets[0]!]).toBe(6);
    expect(matrix.scale).toEqual({ min: 1, max: 5 });
    expect(matrix.globalMean).toBeCloseTo((2 + 3 + 5 + 2 + 1) / 5, 6);
  });

  test('string ids work and sort by code unit', async () => {
    const t = tableFromArrays({ user: ['b', 'a', 'b'], item: ['x', 'y', 'y'], rating: Float32Array.from([1, 2, 3]) });
    const { matrix } = await RatingMatrix.fromTable(t);
    expect(matrix.users.idOf(0)).toBe('a');
    expect(matrix.userIndex('b')).toBe(1);
    expect(matrix.userIndex('zz')).toBe(-1);
  });

  test('a rating outside the declared scale names the row', async () => {
    const t = small();
    await expect(RatingMatrix.fromTable(t, { scale: { min: 1, max: 4 }, source: 'r.arrow' })).rejects.toThrow(
      new InputError('r.arrow row 2: rating 5 is outside the scale [1, 4]'),
    );
  });

  test('NaN ratings and missing columns are clear errors', async () => {
    const bad = tableFromArrays({
      user: Int32Array.from([1]),
      item: Int32Array.from([1]),
      rating: Float32Array.from([Number.NaN]),
    });
    await expect(RatingMatrix.fromTable(bad)).rejects.toThrow(/row 0: rating NaN is not a finite number/);
    const noItem = tableFromArrays({ user: Int32Array.from([1]), rating: Float32Array.from([1]) });
    await expect(RatingMatrix.fromTable(noItem)).rejects.toThrow(/no column "item" \(columns: user, rating\)/);
  });

  test('toArrowRows shares the CSR buffers and survives IPC', async () => {
    const { matrix } = await RatingMatrix.fromTable(small());
    const rows = matrix.toArrowRows();
    expect(rows.length).toBe(3);
    expect(rows.data[0]!.valueOffsets).toBe(matrix.csr.offsets);
    const back = tableFromIPC(tableToIPC(matrix.toTable()));
    expect(back.numRows).toBe(5);
    expect(back.getChild('user')?.get(0)).toBe(10);
  });
});

describe('splits', async () => {
  const { matrix } = await RatingMatrix.fromTable(
    tableFromArrays({
      user: Int32Array.from({ length: 400 }, (_, i) => i % 20),
      item: Int32Array.from({ length: 400 }, (_, i) => Math.floor(i / 20)),
      rating: Float32Array.from({ length: 400 }, (_, i) => 1 + (i % 5)),
      timestamp: Float64Array.from({ length: 400 }, (_, i) => i),
    }),
  );

  test('k-fold puts every rating in exactly one test fold, reproducibly', () => {
    const seen = new Map<string, number>();
    for (const { train, test: t } of kFold(matrix, { folds: 5, seed: 3 })) {
      expect(train.nRatings + t.users.length).toBe(400);
      for (let i = 0; i < t.users.length; i++) {
        const key = `${t.users[i]}:${t.items[i]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(400);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    const a = [...kFold(matrix, { folds: 5, seed: 3 })][2]!.test.items;
    const b = [...kFold(matrix, { folds: 5, seed: 3 })][2]!.test.items;
    expect(a).toEqual(b);
  });

  test('random holdout takes the requested fraction', () => {
    const s = randomHoldout(matrix, { testFraction: 0.25, seed: 1 });
    expect(s.test.users.length).toBe(100);
    expect(s.train.nRatings).toBe(300);
  });

  test('leave-k-out holds out k per user', () => {
    const s = leaveKOut(matrix, { k: 2, seed: 1 });
    const perUser = new Int32Array(20);
    for (const u of s.test.users) perUser[u]!++;
    expect(Array.from(perUser).every((c) => c === 2)).toBe(true);
  });

  test('temporal puts the newest ratings in test', () => {
    const s = temporal(matrix, { testFraction: 0.1 });
    expect(s.test.users.length).toBe(39);
    expect(Math.min(...Array.from(s.train.timestamps ?? []))).toBe(0);
    expect(Math.max(...Array.from(s.train.timestamps ?? []))).toBe(360);
  });
});
