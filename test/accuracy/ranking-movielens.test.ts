import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { EASE } from '../../src/engine/algorithms/ease.js';
import { EaseALS } from '../../src/engine/algorithms/ease-als.js';
import { ImplicitALS } from '../../src/engine/algorithms/implicit-als.js';
import { Popularity } from '../../src/engine/algorithms/popularity.js';
import { evaluateRanking } from '../../src/engine/eval/evaluate-ranking.js';
import { protocolSplit } from '../../src/engine/eval/protocols.js';
import { availableBackends } from '../../src/engine/kernels/registry.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// ms-recommenders protocol (per-user stratified 75/25 split, seed 0; training items excluded;
// every held-out rating relevant; k = 10), measured at this commit with the parameters below,
// chosen on a validation split carved from the training part (stratified 75/25 of it, seed 1),
// never on the test part (docs/ranking.md):
//   ml-100k: ALS {factors 64, reg 5, regExponent 0.5, alpha 1.5, base 0} nDCG@10 0.4912,
//            EASE {lambda 800} 0.4757, popularity 0.2445, ease-als (both, weight 2) 0.4928;
//   ml-1m-triples: EASE {lambda 1000} 0.4769, ALS {factors 128, reg 100, alpha 2, base 0} 0.4731,
//            ease-als (both, weight 1) 0.4820.
// References on the same protocol (measured by the author, not here): implicit's ALS 0.497,
// EASE 0.483, popularity 0.253 on ml-100k; EASE 0.477 on ml-1m. The goal: >= 0.48 on
// ml-1m is reached (ease-als, asserted below); >= 0.50 on ml-100k is not (0.4928): the band pins it.
// ALS and EASE are deterministic for a seed whatever the thread count.

async function matrixOf(name: string): Promise<RatingMatrix> {
  const d = await loadDataset(name, { items: false });
  return (await RatingMatrix.fromTable(d.ratings, { scale: d.scale })).matrix;
}

const hasNative = availableBackends().includes('native');

describe.skipIf(!dataPath('ml-100k', 'u.data'))(`ms-recommenders on ml-100k (${missing('ml-100k', 'u.data')})`, () => {
  test('tuned implicit ALS nDCG@10 in [0.48, 0.505], EASE in [0.465, 0.49], popularity in [0.235, 0.255]', async () => {
    const split = protocolSplit('ms-recommenders', await matrixOf('ml-100k'), { seed: 0 });
    const als = await evaluateRanking(
      new ImplicitALS({ factors: 64, reg: 5, regExponent: 0.5, alpha: 1.5, base: 0 }),
      split,
    );
    expect(als.metrics.users).toBe(943);
    expect(als.metrics.ndcg).toBeGreaterThan(0.48);
    expect(als.metrics.ndcg).toBeLessThan(0.505);
    expect(als.metrics.precision).toBeGreaterThan(0.41);
    const ease = await evaluateRanking(new EASE({ lambda: 800 }), split);
    expect(ease.metrics.ndcg).toBeGreaterThan(0.465);
    expect(ease.metrics.ndcg).toBeLessThan(0.49);
    const pop = await evaluateRanking(new Popularity(), split);
    expect(pop.metrics.ndcg).toBeGreaterThan(0.235);
    expect(pop.metrics.ndcg).toBeLessThan(0.255);
    const blend = await evaluateRanking(
      new EaseALS({ lambda: 800, factors: 64, reg: 5, regExponent: 0.5, alpha: 1.5, base: 0, weight: 2 }),
      split,
    );
    expect(blend.metrics.ndcg).toBeGreaterThan(0.485);
    expect(blend.metrics.ndcg).toBeLessThan(0.505);
  });
});

// The split Microsoft Recommenders' figures use (python_stratified_split, seed 42), reproduced row
// for row: its popularity and EASE (binary, lambda 500) give the peers' published nDCG@10 / P@10
// (0.253 / 0.228 and 0.483 / 0.426). On it, parameters picked on a validation split of its
// training part: ALS 0.4945, ease-als (lambda 800, weight 4) 0.4973 against implicit's ALS 0.497.
describe.skipIf(!dataPath('ml-100k', 'u.data'))(
  `python-stratified on ml-100k (${missing('ml-100k', 'u.data')})`,
  () => {
    test('reproduces the Microsoft Recommenders split: its popularity and EASE figures, to the third decimal', async () => {
      const split = protocolSplit('python-stratified', await matrixOf('ml-100k'), { seed: 42 });
      expect(split.test.users.length).toBe(25_354);
      const pop = await evaluateRanking(new Popularity(), split);
      expect(pop.metrics.ndcg).toBeCloseTo(0.253, 3);
      expect(pop.metrics.precision).toBeCloseTo(0.228, 3);
      const ease = await evaluateRanking(new EASE({ lambda: 500 }), split);
      expect(ease.metrics.ndcg).toBeCloseTo(0.483, 3);
      expect(ease.metrics.precision).toBeCloseTo(0.426, 3);
    });
  },
);

// A 3,706 x 3,706 inverse: seconds natively, minutes in the TypeScript reference.
describe.skipIf(!dataPath('ml-1m-triples', 'ratings.tsv') || !hasNative)(
  `ms-recommenders on ml-1m-triples (needs the native addon; ${missing('ml-1m-triples', 'ratings.tsv')})`,
  () => {
    test('the EASE + ALS blend reaches nDCG@10 >= 0.48 (band [0.48, 0.495])', async () => {
      const split = protocolSplit('ms-recommenders', await matrixOf('ml-1m-triples'), { seed: 0 });
      const blend = await evaluateRanking(
        new EaseALS({ lambda: 1000, factors: 128, reg: 100, alpha: 2, base: 0, weight: 1 }),
        split,
      );
      expect(blend.metrics.users).toBe(6040);
      expect(blend.metrics.ndcg).toBeGreaterThanOrEqual(0.48);
      expect(blend.metrics.ndcg).toBeLessThan(0.495);
    }, 300_000);
  },
);
