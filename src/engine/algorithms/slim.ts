import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { ItemItemModel } from '../model/item-item-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { gram } from './ease.js';
import { fittedItemItemModel } from './item-item-fit.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';

export interface SlimParams {
  l1: number;
  l2: number;
  topK: number;
  maxSweeps: number;
  tol: number;
  maxItems: number;
  threads: number;
}

export const SLIM_SCHEMA: ParamSchema = {
  l1: { type: 'number', default: 0.5, min: 0, doc: 'L1 penalty on each weight column (in co-occurrence units)' },
  l2: { type: 'number', default: 1000, min: 0, doc: 'L2 penalty on each weight column (in co-occurrence units)' },
  topK: { type: 'integer', default: 200, min: 1, doc: 'largest weights kept per item column after the solve' },
  maxSweeps: {
    type: 'integer',
    default: 100,
    min: 1,
    max: 100000,
    doc: 'coordinate-descent sweeps per item column at most',
  },
  tol: {
    type: 'number',
    default: 1e-4,
    above: 0,
    doc: 'a sweep has converged when no weight moves by more than tol x the column largest weight',
  },
  maxItems: {
    type: 'integer',
    default: 15000,
    min: 1,
    doc: 'refuse catalogs larger than this: the Gram matrix is dense, 8 n^2 bytes, plus 4 n^2 for W',
  },
  threads: threadsParam('solver threads (0: all cores); results do not depend on it'),
};

/**
 * SLIM ElasticNet (Ning & Karypis 2011; docs/ranking.md): a sparse, non-negative item-item matrix W
 * whose column j regresses item j's interactions on the other items',
 *   W[:, j] = argmin 0.5 |x_j - X w|^2 + l1 |w|_1 + 0.5 l2 |w|^2,  w >= 0, w_j = 0,
 * on the binary interactions X, by coordinate descent on the dense Gram matrix X'X
 * (kernels/ts/slim-column.ts; natively slim-columns.cc, columns over threads); each column keeps its topK largest weights. score(u, i) = x_u . W[:, i], the
 * same item-item model as EASE's, so it recommends, folds in, saves and loads like it.
 */
export class SLIM implements Algorithm<SlimParams> {
  readonly name = 'slim';
  readonly params: Readonly<SlimParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<SlimParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<SlimParams>(this.name, SLIM_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<ItemItemModel> {
    const p = this.params;
    const n = train.nItems;
    if (n > p.maxItems) {
      const gb = (12 * n * n) / 1e9;
      throw new InputError(
        `slim: ${n} items is above maxItems ${p.maxItems}: SLIM fits on the dense Gram matrix and would need ` +
          `${gb.toFixed(1)} GB (12 bytes per item pair). Use item-kNN (--algo itemknn), which keeps sparse ` +
          'neighbour lists on large catalogs, or a factor model (--algo als or bpr); or keep the most popular ' +
          'items, or raise --param maxItems if the memory is there',
      );
    }
    const k = this.kernels ?? activeKernels();
    o.signal?.throwIfAborted();
    const gramMatrix = gram(train);
    const weights = new Float32Array(n * n);
    const { sweeps } = await k.slimColumns(
      { gram: gramMatrix, n, ...p, weights, threads: resolveThreads(p.threads) },
      { signal: o.signal, onProgress: o.onProgress },
    );
    let nonZeros = 0;
    for (const v of weights) if (v !== 0) nonZeros++;
    o.onProgress?.(1);
    const model = fittedItemItemModel(train, this.name, p, { weights }, k);
    model.data.metrics = { sweeps, nonZeros };
    return model;
  }
}
