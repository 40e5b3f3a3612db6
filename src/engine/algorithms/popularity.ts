import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { factorDataBase } from './factor-data.js';
import { validateParams } from './param-schema.js';

/**
 * The top-N baseline: recommends the most-rated items (by training rating count) that the user has
 * not rated. It is a bias-only FactorModel, so the one scoring path ranks it: b_u = 0 and
 * b_i = count_i x u, where u is the float32 spacing of the scores (see countStep): every score
 * mu + b_i is then a distinct float32 per count, so the ranking is exactly by count (ties, equal
 * counts: lower item index, i.e. lower id), for counts below 2^23 per item. A fixed fraction of
 * the mean (the old 0.01 x count / max) merged counts such as 358 and 359 on Last.fm, whose mean
 * of 744 leaves float32 a spacing of 6e-5. Predictions are the global mean plus the nudge
 * (at most ~0.1 for Last.fm's 611 ratings on one artist): Popularity is for ranking metrics, its
 * RMSE is about GlobalMean's. Ranking scores are unclipped (see FactorModel).
 */
export class Popularity implements Algorithm<Record<string, never>> {
  readonly name = 'popularity';
  readonly params: Readonly<Record<string, never>>;

  constructor(params: object = {}) {
    this.params = Object.freeze(validateParams<Record<string, never>>(this.name, {}, params));
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    o.signal?.throwIfAborted();
    const counts = new Float64Array(train.nItems);
    const cols = train.csr.cols;
    for (let p = 0; p < cols.length; p++) counts[cols[p]!]!++;
    const step = countStep(train.globalMean);
    const itemBias = new Float32Array(train.nItems);
    for (let i = 0; i < itemBias.length; i++) itemBias[i] = counts[i]! * step;
    o.onProgress?.(1);
    return new FactorModel({
      ...factorDataBase(train, this.name, this.params),
      factors: 0,
      userFactors: new Float32Array(0),
      itemFactors: new Float32Array(0),
      userBias: new Float32Array(train.nUsers),
      itemBias,
      biased: true,
    });
  }
}

/**
 * The score step per rating counted: 2^(E - 24) with 2^(E - 1) > |mean| + 1, i.e. at least the
 * float32 spacing of every score mu + count x step below 2^E. Two counts then give scores at least
 * one spacing apart, which float32 rounding cannot merge, while count x step stays under 2^(E - 1)
 * for counts below 2^23, so no score leaves the binade where the step holds.
 */
export function countStep(mean: number): number {
  const e = Math.ceil(Math.log2(Math.abs(mean) + 1)) + 1;
  return 2 ** (e - 24);
}
