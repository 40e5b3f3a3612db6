import { tableFromArrays } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { NumpyRandomState } from '../../../src/engine/eval/numpy-random.js';
import { protocolSplit } from '../../../src/engine/eval/protocols.js';
import { pythonStratifiedSplit } from '../../../src/engine/eval/ranking-splits.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';

// numpy 2.4 printed these: np.random.seed(42); np.random.rand(5) and np.random.seed(7); rand(3).
const NUMPY_SEED_42 = [
  0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652,
];
const NUMPY_SEED_7 = [0.07630828937395717, 0.7799187922401146, 0.4384092314408935];

/** Rows in the given order: (user, item) pairs, rating 3. */
async function matrixFromRows(rows: [number, number][]): Promise<RatingMatrix> {
  const table = tableFromArrays({
    user: Float64Array.from(rows, (r) => r[0]),
    item: Float64Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, () => 3),
  });
  return (await RatingMatrix.fromTable(table)).matrix;
}

describe('python-stratified split (Microsoft Recommenders python_stratified_split)', () => {
  test("numpy's legacy rand stream, seeded as np.random.seed does", () => {
    expect(Array.from(new NumpyRandomState(42).rand(5))).toEqual(NUMPY_SEED_42);
    expect(Array.from(new NumpyRandomState(7).rand(3))).toEqual(NUMPY_SEED_7);
  });

  test('each row gets the draw of its input position; a user keeps the rows with the smallest draws', async () => {
    // Input order interleaves users; user 1 has rows 0, 2, 4, 6 (draws .37 .73 .16 + the 7th),
    // user 2 rows 1, 3, 5 (.95 .60 + the 6th). Items are out of order so the CSR order differs.
    const rows: [number, number][] = [
      [1, 40],
      [2, 10],
      [1, 30],
      [2, 30],
      [1, 20],
      [2, 20],
      [1, 10],
    ];
    const draws = new NumpyRandomState(42).rand(rows.length);
    const split = pythonStratifiedSplit(await matrixFromRows(rows), { seed: 42, trainRatio: 0.75 });
    for (const user of [1, 2]) {
      const mine = rows.map((r, i) => ({ item: r[1], draw: draws[i]! })).filter((_, i) => rows[i]![0] === user);
      mine.sort((a, b) => a.draw - b.draw);
      const nTrain = Math.floor(0.75 * mine.length);
      const u = split.train.users.indexOf(user);
      const trainItems = Array.from(split.train.userRow(u).items, (i) => split.train.items.idOf(i)).sort();
      expect(trainItems).toEqual(
        mine
          .slice(0, nTrain)
          .map((m) => m.item)
          .sort(),
      );
      const testItems = Array.from(split.test.users.keys())
        .filter((q) => split.test.users[q] === u)
        .map((q) => split.train.items.idOf(split.test.items[q]!))
        .sort();
      expect(testItems).toEqual(
        mine
          .slice(nTrain)
          .map((m) => m.item)
          .sort(),
      );
    }
  });

  test('a user with one rating is held out, as pandas ranks it 1/1 > 0.75', async () => {
    const m = await matrixFromRows([
      [1, 1],
      [2, 1],
      [2, 2],
    ]);
    const split = protocolSplit('python-stratified', m, { seed: 42 });
    const u1 = split.train.users.indexOf(1);
    expect(split.train.userRow(u1).items.length).toBe(0);
    expect(Array.from(split.test.users)).toContain(u1);
  });

  test('refuses a matrix without input order, naming what it needs', async () => {
    const m = await matrixFromRows([
      [1, 1],
      [1, 2],
    ]);
    const bare = m.subset(new Uint8Array([1, 1]));
    expect(() => pythonStratifiedSplit(bare)).toThrow(/input order/);
  });
});
