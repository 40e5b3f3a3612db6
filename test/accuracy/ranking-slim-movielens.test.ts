import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { SLIM } from '../../src/engine/algorithms/slim.js';
import { evaluateRanking } from '../../src/engine/eval/evaluate-ranking.js';
import { protocolSplit } from '../../src/engine/eval/protocols.js';
import { availableBackends } from '../../src/engine/kernels/registry.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// ms-recommenders protocol on ml-100k (per-user stratified 75/25 split, seed 0; training items
// excluded; every held-out rating relevant; k = 10). SLIM {l1 0.5, l2 1000, topK 200} was chosen on
// a validation split carved from the training part (stratified 75/25 of it, seed 1), never on the
// test part (docs/ranking.md): validation nDCG@10 0.2699, test 0.4639 at this commit, below EASE's
// 0.4757 on the same split. The columns are the same bits at any thread count (twin-tested).
describe.skipIf(!dataPath('ml-100k', 'u.data') || !availableBackends().includes('native'))(
  `SLIM under ms-recommenders on ml-100k (needs the native addon; ${missing('ml-100k', 'u.data')})`,
  () => {
    test('nDCG@10 in [0.455, 0.475], precision@10 above 0.39', async () => {
      const d = await loadDataset('ml-100k', { items: false });
      const { matrix } = await RatingMatrix.fromTable(d.ratings, { scale: d.scale });
      const split = protocolSplit('ms-recommenders', matrix, { seed: 0 });
      const run = await evaluateRanking(new SLIM({ l1: 0.5, l2: 1000, topK: 200 }), split);
      expect(run.metrics.users).toBe(943);
      expect(run.metrics.ndcg).toBeGreaterThan(0.455);
      expect(run.metrics.ndcg).toBeLessThan(0.475);
      expect(run.metrics.precision).toBeGreaterThan(0.39);
    }, 120_000);
  },
);
