import { InputError } from '../errors.js';

/** Error figures of predicted scores against observed ratings, accumulated in double. */
export interface RatingMetrics {
  rmse: number;
  mae: number;
  /** Pairs scored. */
  count: number;
}

/** RMSE and MAE of `scores` against `ratings` (same length, pairwise). NaN when empty. */
export function ratingMetrics(ratings: ArrayLike<number>, scores: ArrayLike<number>): RatingMetrics {
  if (ratings.length !== scores.length) {
    throw new InputError(`ratingMetrics: ${ratings.length} ratings but ${scores.length} scores`);
  }
  let se = 0;
  let ae = 0;
  for (let x = 0; x < ratings.length; x++) {
    const e = ratings[x]! - scores[x]!;
    se += e * e;
    ae += Math.abs(e);
  }
  const n = ratings.length;
  return { rmse: n ? Math.sqrt(se / n) : Number.NaN, mae: n ? ae / n : Number.NaN, count: n };
}
