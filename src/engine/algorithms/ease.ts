import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { ItemItemModel } from '../model/item-item-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { fittedItemItemModel } from './item-item-fit.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';

export interface EaseParams {
  lambda: number;
  maxItems: number;
  threads: number;
}

/** Bytes EASE holds at its peak per item^2: the Gram/inverse and the inverse's work copy (float64), B (float32). */
export const EASE_BYTES_PER_ITEM2 = 20;

export const EASE_SCHEMA: ParamSchema = {
  lambda: { type: 'number', default: 500, above: 0, doc: 'L2 regularisation added to the Gram diagonal' },
  maxItems: {
    type: 'integer',
    default: 15000,
    min: 1,
    doc: `refuse catalogs larger than this: EASE is dense, ${EASE_BYTES_PER_ITEM2} n^2 bytes and n^3 / 2 multiply-adds`,
  },
  threads: threadsParam('inverse threads (0: all cores)'),
};

/**
 * EASE (Steck 2019; docs/ranking.md): the closed-form item-item model
 *   P = (X'X + lambda I)^-1,  B = I - P diag(1 / diag(P))  (so diag(B) = 0),
 * on the binary interaction matrix X; score(u, i) = x_u . B[:, i]. The Gram matrix and its
 * inverse are dense float64 (Cholesky in the spdInverse kernel), B is stored float32 (scores are
 * compared, not summed over many items, so float32's 1e-7 relative error changes no ranking that
 * is not already a tie to 6 digits). Catalogs above maxItems are refused with the memory they need.
 */
export class EASE implements Algorithm<EaseParams> {
  readonly name = 'ease';
  readonly params: Readonly<EaseParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<EaseParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<EaseParams>(this.name, EASE_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<ItemItemModel> {
    const p = this.params;
    const n = train.nItems;
    if (n > p.maxItems) {
      const gb = (EASE_BYTES_PER_ITEM2 * n * n) / 1e9;
      throw new InputError(
        `ease: ${n} items is above maxItems ${p.maxItems}: EASE is dense and would need ${gb.toFixed(1)} GB ` +
          `(${EASE_BYTES_PER_ITEM2} bytes per item pair). Use item-kNN (--algo itemknn), which keeps sparse ` +
          'top-k neighbour lists on large catalogs, or a factor model (--algo als or bpr), whose memory grows ' +
          'with items x factors; or keep the most popular items, or raise --param maxItems if the memory is there',
      );
    }
    const k = this.kernels ?? activeKernels();
    const g = gram(train);
    for (let i = 0; i < n; i++) g[i * n + i] = g[i * n + i]! + p.lambda;
    o.onProgress?.(0.1);
    await k.spdInverse(g, n, {
      signal: o.signal,
      threads: resolveThreads(p.threads),
      onProgress: o.onProgress && ((f) => o.onProgress?.(0.1 + 0.85 * f)),
    });
    const weights = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (i !== j) weights[i * n + j] = -g[i * n + j]! / g[j * n + j]!;
    }
    o.onProgress?.(1);
    return fittedItemItemModel(train, this.name, p, { weights }, k);
  }
}

/** X'X of the binary interactions, dense float64: G[i][j] = users who have both i and j. */
export function gram(train: RatingMatrix): Float64Array {
  const n = train.nItems;
  const g = new Float64Array(n * n);
  const { offsets, cols } = train.csr;
  for (let u = 0; u < train.nUsers; u++) {
    const a = offsets[u]!;
    const b = offsets[u + 1]!;
    for (let x = a; x < b; x++) {
      const row = cols[x]! * n;
      for (let y = a; y < b; y++) g[row + cols[y]!] = g[row + cols[y]!]! + 1;
    }
  }
  return g;
}
