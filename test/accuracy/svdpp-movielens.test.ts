import { expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { SVDpp } from '../../src/engine/algorithms/svdpp.js';
import { crossValidate } from '../../src/engine/eval/cross-validate.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// SVD++ with Surprise's SVDpp defaults (20 factors, 20 epochs, lr 0.007, reg 0.02, seed 0) on
// ml-100k u.data, Surprise's KFold protocol (5 folds, seed 0). Surprise 1.1 measured 0.9187 RMSE
// here (docs/peer-figures.md); reckit's 5-fold mean is in docs/explicit-models.md. The band is
// 0.919 +- 0.005: below it would mean leakage, above it a semantic difference.

async function ml100k(): Promise<RatingMatrix> {
  const d = await loadDataset('ml-100k', { items: false });
  return (await RatingMatrix.fromTable(d.ratings, { scale: d.scale ?? { min: 1, max: 5 } })).matrix;
}

test.skipIf(!dataPath('ml-100k', 'u.data'))(
  `SVD++ defaults, ml-100k 5-fold: RMSE within 0.005 of Surprise's 0.919 (${missing('ml-100k', 'u.data')})`,
  async () => {
    const t0 = performance.now();
    const r = await crossValidate(new SVDpp(), await ml100k(), { folds: 5, seed: 0, ranking: false });
    console.log(
      `svdpp ml-100k 5-fold RMSE ${r.mean.rmse?.toFixed(4)} MAE ${r.mean.mae?.toFixed(4)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(r.mean.rmse).toBeGreaterThan(0.914);
    expect(r.mean.rmse).toBeLessThanOrEqual(0.924);
  },
);
