import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { Baseline } from '../../src/engine/algorithms/baseline.js';
import { SVD } from '../../src/engine/algorithms/svd.js';
import { crossValidate } from '../../src/engine/eval/cross-validate.js';
import { ratingMetrics } from '../../src/engine/eval/rating-metrics.js';
import { availableBackends } from '../../src/engine/kernels/registry.js';
import type { Id } from '../../src/engine/matrix/id-index.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { kFold } from '../../src/engine/matrix/split.js';
import { dataPath, missing } from '../support/data-dir.js';

// Bands set at commit 877c35a (issue 3). Measured with the chunked fillNormal init, 5-fold KFold
// seed 0, SVD defaults, threads 2: ml-100k 0.9378 / 0.7394, ml-latest-small 0.8733 / 0.6706,
// ml-1m-triples 0.8743 / 0.6860; Baseline ml-100k 0.9438; ua.base -> ua.test SVD 0.9556 / 0.7567,
// Baseline 0.9638 / 0.7658 (SVD on ua moves by ~0.004 with the init seed).
// Surprise 1.1 on the same data (docs/peer-figures.md): 0.9369 / 0.7386, 0.8733, 0.8729; ua 0.9512 and
// 0.9638. The lower edges matter too: beating Surprise by far would mean test ratings leaked.
// threads: 2 is fixed so the blocks (and so the figures) do not depend on the machine's cores.

async function matrixOf(name: string, file?: string): Promise<RatingMatrix> {
  const spec = file ? `${process.env.RECKIT_DATA_DIR ?? '../shared/datasets'}/${name}/${file}` : name;
  const d = await loadDataset(spec, { items: false });
  return (await RatingMatrix.fromTable(d.ratings, { scale: d.scale ?? { min: 1, max: 5 } })).matrix;
}

const hasNative = availableBackends().includes('native');

describe('SVD defaults, 5-fold CV (Surprise KFold, seed 0)', () => {
  test.skipIf(!dataPath('ml-100k', 'u.data'))(
    `ml-100k: RMSE <= 0.940, MAE <= 0.742 (${missing('ml-100k', 'u.data')})`,
    async () => {
      const r = await crossValidate(new SVD({ threads: 2 }), await matrixOf('ml-100k'), {
        folds: 5,
        seed: 0,
        ranking: false,
      });
      expect(r.mean.rmse).toBeGreaterThan(0.925);
      expect(r.mean.rmse).toBeLessThanOrEqual(0.94);
      expect(r.mean.mae).toBeGreaterThan(0.725);
      expect(r.mean.mae).toBeLessThanOrEqual(0.742);
    },
  );

  test.skipIf(!dataPath('ml-latest-small', 'ratings.csv'))(
    `ml-latest-small: RMSE <= 0.876 (${missing('ml-latest-small', 'ratings.csv')})`,
    async () => {
      const r = await crossValidate(new SVD({ threads: 2 }), await matrixOf('ml-latest-small'), { ranking: false });
      expect(r.mean.rmse).toBeGreaterThan(0.86);
      expect(r.mean.rmse).toBeLessThanOrEqual(0.876);
    },
  );

  // 5 x 800k ratings x 20 epochs: seconds natively, many minutes in the TypeScript reference.
  test.skipIf(!dataPath('ml-1m-triples', 'ratings.tsv') || !hasNative)(
    `ml-1m-triples: RMSE <= 0.876 (needs the native addon; ${missing('ml-1m-triples', 'ratings.tsv')})`,
    async () => {
      const r = await crossValidate(new SVD({ threads: 2 }), await matrixOf('ml-1m-triples'), { ranking: false });
      expect(r.mean.rmse).toBeGreaterThan(0.86);
      expect(r.mean.rmse).toBeLessThanOrEqual(0.876);
    },
  );
});

test.skipIf(!dataPath('ml-100k', 'u.data'))(
  `Baseline (ALS defaults) ml-100k 5-fold: RMSE <= 0.950 (${missing('ml-100k', 'u.data')})`,
  async () => {
    const r = await crossValidate(new Baseline(), await matrixOf('ml-100k'), { ranking: false });
    expect(r.mean.rmse).toBeGreaterThan(0.93);
    expect(r.mean.rmse).toBeLessThanOrEqual(0.95);
  },
);

test.skipIf(!dataPath('ml-100k', 'u.data'))(
  `one thread and two reach the same accuracy (${missing('ml-100k', 'u.data')})`,
  async () => {
    const split = kFold(await matrixOf('ml-100k'), { folds: 5, seed: 0 }).next().value;
    if (!split) throw new Error('no fold');
    const rmse = async (threads: number) => {
      const r = await crossValidate(new SVD({ threads }), split.train, {
        testFraction: undefined,
        folds: 2,
        ranking: false,
      });
      return r.mean.rmse ?? Number.NaN; // missing fails the comparison below
    };
    const one = await rmse(1);
    const two = await rmse(2);
    expect(Math.abs(one - two)).toBeLessThan(0.005);
  },
);

test.skipIf(!dataPath('ml-100k', 'ua.base'))(
  `official split ua.base -> ua.test: SVD and Baseline near Surprise's 0.9512 / 0.9638 (${missing('ml-100k', 'ua.base')})`,
  async () => {
    const train = await matrixOf('ml-100k', 'ua.base');
    const test = (
      await loadDataset(`${process.env.RECKIT_DATA_DIR ?? '../shared/datasets'}/ml-100k/ua.test`, { items: false })
    ).ratings;
    const users = Array.from(test.getChild('user')?.toArray() ?? [], (v) => Number(v) as Id);
    const items = Array.from(test.getChild('item')?.toArray() ?? [], (v) => Number(v) as Id);
    const ratings = Float64Array.from(test.getChild('rating')?.toArray() ?? []);
    expect(ratings.length).toBe(9430);
    const svd = await new SVD({ threads: 2 }).fit(train);
    const base = await new Baseline().fit(train);
    const s = ratingMetrics(ratings, svd.predict(users, items).scores);
    const b = ratingMetrics(ratings, base.predict(users, items).scores);
    console.log(
      `ua.test: SVD RMSE ${s.rmse.toFixed(4)} MAE ${s.mae.toFixed(4)}; Baseline RMSE ${b.rmse.toFixed(4)} MAE ${b.mae.toFixed(4)}`,
    );
    expect(s.rmse).toBeGreaterThan(0.935);
    expect(s.rmse).toBeLessThanOrEqual(0.96);
    expect(b.rmse).toBeGreaterThan(0.95);
    expect(b.rmse).toBeLessThanOrEqual(0.97);
  },
);
