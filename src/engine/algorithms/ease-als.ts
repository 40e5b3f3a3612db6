import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { ItemItemModel } from '../model/item-item-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { EASE, EASE_SCHEMA, type EaseParams } from './ease.js';
import { IMPLICIT_ALS_SCHEMA, ImplicitALS, type ImplicitAlsParams } from './implicit-als.js';
import { type ParamSchema, validateParams } from './param-schema.js';

export type EaseAlsParams = EaseParams & Omit<ImplicitAlsParams, 'threads'> & { weight: number };

export const EASE_ALS_SCHEMA: ParamSchema = {
  ...EASE_SCHEMA,
  ...IMPLICIT_ALS_SCHEMA,
  weight: { type: 'number', default: 1, min: 0, doc: 'score = EASE score + weight * ALS score' },
};

/**
 * A blend of EASE and implicit ALS fitted on the same data (docs/ranking.md): score(u, i) =
 * x_u . B[:, i] + weight * p_u . q_i. One ItemItemModel with a factor term, so it recommends,
 * folds in (the ALS part solved as ALS does), saves and loads like EASE. Takes EASE's and ALS's
 * parameters under their own names (`threads` drives both).
 */
export class EaseALS implements Algorithm<EaseAlsParams> {
  readonly name = 'ease-als';
  readonly params: Readonly<EaseAlsParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<EaseAlsParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<EaseAlsParams>(this.name, EASE_ALS_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<ItemItemModel> {
    const { weight, lambda, maxItems, ...als } = this.params;
    const k = { kernels: this.kernels };
    const run = (from: number, to: number) => ({
      signal: o.signal,
      onProgress: o.onProgress && ((f: number) => o.onProgress?.(from + (to - from) * f)),
    });
    const ease = await new EASE({ lambda, maxItems, threads: als.threads }, k).fit(train, run(0, 0.5));
    const factors = await new ImplicitALS(als, k).fit(train, run(0.5, 1));
    return new ItemItemModel(
      {
        ...ease.data,
        algorithm: this.name,
        params: { ...this.params },
        factors: { user: factors.userFactors, item: factors.itemFactors, k: factors.k, weight },
      },
      this.kernels,
    );
  }
}
