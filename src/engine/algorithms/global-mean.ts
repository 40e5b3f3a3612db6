import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { factorDataBase } from './factor-data.js';
import { validateParams } from './param-schema.js';

/** Predicts the training mean for every pair (Surprise's NormalPredictor without the noise); a floor for RMSE. */
export class GlobalMean implements Algorithm<Record<string, never>> {
  readonly name = 'globalmean';
  readonly params: Readonly<Record<string, never>>;

  constructor(params: object = {}) {
    this.params = Object.freeze(validateParams<Record<string, never>>(this.name, {}, params));
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    o.signal?.throwIfAborted();
    const model = new FactorModel({
      ...factorDataBase(train, this.name, this.params),
      factors: 0,
      userFactors: new Float32Array(0),
      itemFactors: new Float32Array(0),
      userBias: new Float32Array(train.nUsers),
      itemBias: new Float32Array(train.nItems),
      biased: true,
    });
    o.onProgress?.(1);
    return model;
  }
}
