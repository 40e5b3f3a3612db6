import type { Algorithm, EpochReport } from '../../engine/algorithms/algorithm.js';
import type { Id } from '../../engine/matrix/id-index.js';
import type { RatingMatrix } from '../../engine/matrix/rating-matrix.js';
import { kFold, type TestSet } from '../../engine/matrix/split.js';
import type { Model } from '../../engine/model/model.js';

export interface FoldResult {
  fold: number;
  rmse: number;
  mae: number;
  testRatings: number;
  fitSeconds: number;
  /** Per-epoch training figures of this fold's fit. */
  history: EpochReport[];
}

export interface CrossValidation {
  folds: FoldResult[];
  /** Means over folds, as Surprise's cross_validate prints them. */
  rmse: number;
  mae: number;
}

/**
 * k-fold RMSE and MAE of an algorithm, as the seed's `cross_validate(algo, data, measures=['RMSE',
 * 'MAE'], cv=5)`: fit on k-1 folds, predict the held-out ratings (fallbacks included, as Surprise
 * scores impossible predictions too), average the per-fold figures.
 */
export async function crossValidateRatings(
  matrix: RatingMatrix,
  algorithm: Algorithm,
  o: {
    folds: number;
    seed?: number | undefined;
    signal?: AbortSignal | undefined;
    onProgress?: ((fraction: number) => void) | undefined;
  },
): Promise<CrossValidation> {
  const folds: FoldResult[] = [];
  for (const split of kFold(matrix, { folds: o.folds, seed: o.seed ?? 0 })) {
    const t0 = performance.now();
    const history: EpochReport[] = [];
    const model = await algorithm.fit(split.train, {
      signal: o.signal,
      onEpoch: (e) => history.push(e),
      onProgress: o.onProgress && ((f) => o.onProgress?.((split.fold + f) / o.folds)),
    });
    const fitSeconds = (performance.now() - t0) / 1000;
    folds.push({ fold: split.fold + 1, ...errors(model, matrix, split.test), fitSeconds, history });
  }
  const mean = (key: 'rmse' | 'mae') => folds.reduce((s, f) => s + f[key], 0) / folds.length;
  return { folds, rmse: mean('rmse'), mae: mean('mae') };
}

function errors(model: Model, matrix: RatingMatrix, test: TestSet): { rmse: number; mae: number; testRatings: number } {
  const n = test.ratings.length;
  const users: Id[] = new Array(n);
  const items: Id[] = new Array(n);
  for (let p = 0; p < n; p++) {
    users[p] = matrix.users.idOf(test.users[p] as number);
    items[p] = matrix.items.idOf(test.items[p] as number);
  }
  const { scores } = model.predict(users, items);
  let se = 0;
  let ae = 0;
  for (let p = 0; p < n; p++) {
    const d = (scores[p] as number) - (test.ratings[p] as number);
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, testRatings: n };
}
