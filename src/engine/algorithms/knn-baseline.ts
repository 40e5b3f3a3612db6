import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { KnnBaselineModel } from '../model/knn-baseline-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { BASELINE_ALS_SCHEMA } from './baseline.js';
import { fitBaselineResiduals } from './baseline-residuals.js';
import { factorDataBase } from './factor-data.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';

export interface KnnBaselineParams {
  k: number;
  minK: number;
  shrinkage: number;
  minSupport: number;
  regU: number;
  regI: number;
  baselineEpochs: number;
  threads: number;
}

/** Items above this would need a dense similarity matrix over 1 GiB (4 bytes per pair). */
export const KNN_BASELINE_MAX_ITEMS = 16384;

export const KNN_BASELINE_SCHEMA: ParamSchema = {
  k: { type: 'integer', default: 40, min: 1, max: 100000, doc: 'neighbours used per prediction at most' },
  minK: { type: 'integer', default: 1, min: 0, max: 100000, doc: 'fewer positive neighbours: the baseline alone' },
  shrinkage: { type: 'number', default: 100, min: 0, max: 1e9, doc: 'pearson_baseline shrinkage' },
  minSupport: {
    type: 'integer',
    default: 1,
    min: 0,
    max: 1e9,
    doc: 'common users below this (and below 2): similarity 0',
  },
  ...BASELINE_ALS_SCHEMA,
  threads: threadsParam('similarity threads (0: all cores); no effect on results'),
};

/**
 * Surprise's KNNBaseline, item based, pearson_baseline similarity (docs/explicit-models.md):
 * baselines b_ui = mu + b_u + b_i by ALS (reg_i 10, reg_u 15, 10 epochs), the shrunk
 * pearson_baseline similarity of every item pair on the baseline residuals (shrinkage 100), and
 * predictions from the k = 40 items the user rated most similar to the target. The similarity
 * matrix is dense, so the catalogue is capped at KNN_BASELINE_MAX_ITEMS items.
 */
export class KNNBaseline implements Algorithm<KnnBaselineParams> {
  readonly name = 'knn-baseline';
  readonly params: Readonly<KnnBaselineParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<KnnBaselineParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<KnnBaselineParams>(this.name, KNN_BASELINE_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<KnnBaselineModel> {
    const p = this.params;
    if (train.nItems > KNN_BASELINE_MAX_ITEMS) {
      const gb = (train.nItems * train.nItems * 4) / 2 ** 30;
      throw new InputError(
        `knn-baseline keeps a dense item x item similarity matrix: ${train.nItems} items would need ` +
          `${gb.toFixed(1)} GiB (limit ${KNN_BASELINE_MAX_ITEMS} items); use svd, svdpp or als-explicit, ` +
          'or drop rarely rated items first',
      );
    }
    const k = this.kernels ?? activeKernels();
    const { base, byUser, byItem } = await fitBaselineResiduals(train, p, o.signal);
    const { userBias, itemBias } = base.data;
    const sims = await k.pearsonBaselineSims(
      {
        byItem,
        byUser,
        nItems: train.nItems,
        shrinkage: p.shrinkage,
        minSupport: p.minSupport,
        threads: resolveThreads(p.threads),
      },
      { signal: o.signal, onProgress: o.onProgress },
    );
    const { algorithm, params, users, items, scale, globalMean, seen, itemKnown } = factorDataBase(train, this.name, p);
    return new KnnBaselineModel({
      algorithm,
      params,
      users,
      items,
      scale,
      globalMean,
      seen,
      itemKnown,
      userBias,
      itemBias,
      sims,
      k: p.k,
      minK: p.minK,
      regU: p.regU,
      metrics: { baselineTrainRmse: base.data.metrics?.trainRmse ?? Number.NaN },
    });
  }
}
