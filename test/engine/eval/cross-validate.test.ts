import { describe, expect, test } from 'vitest';
import type { Algorithm } from '../../../src/engine/algorithms/algorithm.js';
import { Baseline } from '../../../src/engine/algorithms/baseline.js';
import { GlobalMean } from '../../../src/engine/algorithms/global-mean.js';
import { crossValidate } from '../../../src/engine/eval/cross-validate.js';
import { gridSearch } from '../../../src/engine/eval/grid-search.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { kFold } from '../../../src/engine/matrix/split.js';
import type { Model, TopN } from '../../../src/engine/model/model.js';
import { tinyMatrix } from '../algorithms/tiny-matrix.js';

async function matrix() {
  const rng = new Rng(5);
  const t: [number, number, number][] = [];
  for (let u = 0; u < 30; u++)
    for (let i = 0; i < 20; i++) if (rng.nextDouble() < 0.5) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

describe('crossValidate', () => {
  test('every rating is tested once; figures equal a direct computation per fold', async () => {
    const m = await matrix();
    const r = await crossValidate(new GlobalMean(), m, { folds: 4, seed: 3, ranking: false });
    expect(r.folds.length).toBe(4);
    expect(r.folds.reduce((a, f) => a + f.testRatings, 0)).toBe(m.nRatings);
    const direct = [...kFold(m, { folds: 4, seed: 3 })].map(({ train, test }) => {
      let s = 0;
      for (const v of test.ratings) s += (v - train.globalMean) ** 2;
      return Math.sqrt(s / test.ratings.length);
    });
    for (const [k, f] of r.folds.entries()) expect(f.rmse).toBeCloseTo(direct[k]!, 5);
    const mean = direct.reduce((a, b) => a + b, 0) / 4;
    expect(r.mean.rmse).toBeCloseTo(mean, 5);
    expect(r.std.rmse).toBeCloseTo(Math.sqrt(direct.reduce((a, b) => a + (b - mean) ** 2, 0) / 4), 5);
    expect(r.split).toEqual({ kind: 'kfold', folds: 4, seed: 3 });
    expect(r.folds[0]?.fitSeconds).toBeGreaterThanOrEqual(0);
  });

  test('testFraction gives one holdout fold of that size', async () => {
    const m = await matrix();
    const r = await crossValidate(new Baseline(), m, { testFraction: 0.25, ranking: false });
    expect(r.folds.length).toBe(1);
    expect(r.folds[0]?.testRatings).toBe(Math.round(0.25 * m.nRatings));
    expect(r.folds[0]?.history?.length).toBe(10);
  });

  test('ranking metrics come from the model top-N lists (relevance rating >= threshold)', async () => {
    const m = await matrix();
    // A fake model that recommends items 0, 1, 2 to everyone.
    const fake: Algorithm = {
      name: 'fake',
      params: {},
      async fit(train) {
        const users = Int32Array.from({ length: train.nUsers }, (_, u) => u);
        const items = Int32Array.from({ length: train.nUsers * 3 }, (_, x) => x % 3);
        const model = await new GlobalMean().fit(train);
        return Object.assign(Object.create(model) as Model, {
          recommendAll: async (): Promise<TopN> => ({ n: 3, users, items, scores: new Float32Array(items.length) }),
        });
      },
    };
    const r = await crossValidate(fake, m, { folds: 2, ranking: { k: 3, threshold: 4 } });
    for (const f of r.folds) {
      expect(f.ranking?.k).toBe(3);
      expect(f.ranking?.coverage).toBeCloseTo(3 / 20, 12);
      expect(f.ranking?.precision).toBeGreaterThanOrEqual(0);
    }
    expect(r.mean.coverage).toBeCloseTo(3 / 20, 12);
  });
});

test('gridSearch cross-validates every combination and picks the best mean', async () => {
  const m = await matrix();
  const seen: unknown[] = [];
  const g = await gridSearch(
    (p) => {
      seen.push(p);
      return new Baseline(p);
    },
    { regU: [0, 15], regI: [0, 10] },
    m,
    { folds: 3, ranking: false },
  );
  expect(seen).toEqual([
    { regU: 0, regI: 0 },
    { regU: 0, regI: 10 },
    { regU: 15, regI: 0 },
    { regU: 15, regI: 10 },
  ]);
  expect(g.rows.length).toBe(4);
  expect(g.best.score).toBe(Math.min(...g.rows.map((r) => r.score)));
  await expect(gridSearch((p) => new Baseline(p), { regU: [] }, m)).rejects.toThrow(
    /grid.regU must be a non-empty array/,
  );
});
