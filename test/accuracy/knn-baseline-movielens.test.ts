import { expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { KNNBaseline } from '../../src/engine/algorithms/knn-baseline.js';
import { crossValidate } from '../../src/engine/eval/cross-validate.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// KNNBaseline, item based, pearson_baseline (k 40, min_k 1, shrinkage 100; ALS baselines reg_i 10,
// reg_u 15, 10 epochs) on ml-100k u.data, Surprise's KFold protocol (5 folds, seed 0). Surprise 1.1
// measured 0.9176 RMSE here (docs/peer-figures.md); the band is 0.918 +- 0.005 (below it would
// mean leakage, above it a semantic difference). reckit's figure is in docs/explicit-models.md.

test.skipIf(!dataPath('ml-100k', 'u.data'))(
  `KNNBaseline ml-100k 5-fold: RMSE within 0.005 of Surprise's 0.918 (${missing('ml-100k', 'u.data')})`,
  async () => {
    const d = await loadDataset('ml-100k', { items: false });
    const m = (await RatingMatrix.fromTable(d.ratings, { scale: d.scale ?? { min: 1, max: 5 } })).matrix;
    const t0 = performance.now();
    const r = await crossValidate(new KNNBaseline({ threads: 2 }), m, { folds: 5, seed: 0, ranking: false });
    console.log(
      `knn-baseline ml-100k 5-fold RMSE ${r.mean.rmse?.toFixed(4)} MAE ${r.mean.mae?.toFixed(4)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(r.mean.rmse).toBeGreaterThan(0.913);
    expect(r.mean.rmse).toBeLessThanOrEqual(0.923);
  },
);
