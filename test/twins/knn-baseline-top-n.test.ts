import { describe, expect, test } from 'vitest';
import { KNNBaseline } from '../../src/engine/algorithms/knn-baseline.js';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { KnnBaselineTopNArgs } from '../../src/engine/kernels/signatures.js';
import { tinyMatrix } from '../engine/algorithms/tiny-matrix.js';

const reference = backend('reference');

// A fitted model's arrays (50 users x 35 items, ~45% rated; k = 4 so most scores select among
// more positive neighbours than k), every user, top 7.
async function fixture(excludeSeen: boolean): Promise<KnnBaselineTopNArgs> {
  const rng = new Rng(31);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 50; u++)
    for (let i = 1; i <= 35; i++) if (rng.nextDouble() < 0.45) t.push([u, i, 1 + rng.nextBelow(5)]);
  const m = await tinyMatrix(t);
  const d = (await new KNNBaseline({ k: 4, shrinkage: 5 }, { kernels: reference }).fit(m)).data;
  return { ...d, eligible: d.itemKnown, users: Int32Array.from({ length: 50 }, (_, u) => 49 - u), n: 7, excludeSeen };
}

// Same double operations in the same order per user on both backends, the same tie rule: identical lists.
describe.each(availableBackends())('knnBaselineTopN [%s]', (name) => {
  const k = backend(name);
  test.each([true, false])('excludeSeen %s, 1 and 3 threads: identical to the reference', async (excludeSeen) => {
    const a = await fixture(excludeSeen);
    const want = await reference.knnBaselineTopN(a);
    for (const threads of [1, 3]) {
      const got = await k.knnBaselineTopN({ ...a, threads });
      expect(got.items).toEqual(want.items);
      expect(got.scores).toEqual(want.scores);
    }
  });

  test('an out-of-range user index is refused', async () => {
    const a = await fixture(true);
    await expect(k.knnBaselineTopN({ ...a, users: Int32Array.of(0, 50) })).rejects.toThrow(/out of range/);
  });
});
