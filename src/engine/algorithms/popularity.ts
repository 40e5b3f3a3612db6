import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { factorDataBase } from './factor-data.js';
import { validateParams } from './param-schema.js';

/** The largest nudge popularity adds to the global mean (the most-rated item gets all of it). */
export const POPULARITY_NUDGE = 0.01;

/**
 * The top-N baseline: recommends the most-rated items (by training rating count) that the user has
 * not rated. It is a bias-only FactorModel, so the one scoring path ranks it: b_i =
 * 0.01 * count_i / max count and b_u = 0, hence every item's score is the global mean plus at most
 * 0.01, ordered by count (ties: lower item index). Predictions are therefore the global mean to
 * within 0.01: Popularity is for ranking metrics, its RMSE is GlobalMean's.
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
    for (let p = 0; p < cols.length; p++) counts[cols[p] as number]++;
    let max = 0;
    for (const c of counts) max = Math.max(max, c);
    const itemBias = new Float32Array(train.nItems);
    for (let i = 0; i < itemBias.length; i++) itemBias[i] = max ? (POPULARITY_NUDGE * (counts[i] as number)) / max : 0;
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
