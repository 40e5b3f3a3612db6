import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import { TopHeap } from '../kernels/ts/top-heap.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { ItemItemModel } from '../model/item-item-model.js';
import type { Algorithm, FitOptions } from './algorithm.js';
import { gram } from './ease.js';
import { fittedItemItemModel } from './item-item-fit.js';
import { sparseKnnWeights } from './item-knn-sparse.js';
import { type ParamSchema, validateParams } from './param-schema.js';

export type KnnSimilarity = 'cosine' | 'adjusted-cosine' | 'jaccard' | 'asymmetric-cosine';

export interface ItemKnnParams {
  similarity: KnnSimilarity;
  neighbours: number;
  shrink: number;
  asymmetricAlpha: number;
  maxItems: number;
}

export const ITEM_KNN_SCHEMA: ParamSchema = {
  similarity: {
    type: 'string',
    default: 'cosine',
    oneOf: ['cosine', 'adjusted-cosine', 'jaccard', 'asymmetric-cosine'],
    doc: 'item-item similarity; jaccard on co-occurrence counts is the SAR-style variant',
  },
  neighbours: { type: 'integer', default: 100, min: 1, doc: 'most similar items kept per item (k of k-NN)' },
  shrink: { type: 'number', default: 10, min: 0, doc: 'shrinkage: similarity = dot / (norms + shrink)' },
  asymmetricAlpha: {
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    doc: 'asymmetric cosine: c_ij / (n_i^alpha n_j^(1 - alpha)); 0.5 is plain cosine',
  },
  maxItems: {
    type: 'integer',
    default: 15000,
    min: 1,
    doc: 'dense weights (n^2 floats) up to this many items; above it, sparse neighbour lists (neighbours x n)',
  },
};

/**
 * Item-based k-NN for top-N (docs/ranking.md). From co-occurrence counts c_ij = |U_i and U_j| (binary
 * interactions; adjusted cosine uses ratings centred on each user's mean instead):
 *   cosine c_ij / (sqrt(n_i n_j) + shrink), jaccard c_ij / (n_i + n_j - c_ij + shrink),
 *   asymmetric cosine c_ij / (n_i^a n_j^(1-a) + shrink);
 * each item keeps its `neighbours` most similar items, and a user's score for item i is the sum of
 * sim(j, i) over the items j they have, among i's neighbours. Produces an ItemItemModel: with a
 * dense W up to maxItems items, above it with W as neighbour lists (item-knn-sparse.ts), the same
 * weights without the n^2 memory.
 */
export class ItemKNN implements Algorithm<ItemKnnParams> {
  readonly name = 'itemknn';
  readonly params: Readonly<ItemKnnParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<ItemKnnParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<ItemKnnParams>(this.name, ITEM_KNN_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<ItemItemModel> {
    const p = this.params;
    const n = train.nItems;
    const k = this.kernels ?? activeKernels();
    if (n > p.maxItems) {
      const neighbours = await sparseKnnWeights(train, p, k, o);
      o.onProgress?.(1);
      return fittedItemItemModel(train, this.name, p, { weights: new Float32Array(0), neighbours }, k);
    }
    o.signal?.throwIfAborted();
    const sim = p.similarity === 'adjusted-cosine' ? centredGram(train) : gram(train);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) norms[i] = sim[i * n + i]!;
    const weights = new Float32Array(n * n);
    const heap = new TopHeap(Math.min(p.neighbours, n));
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) col[j] = j === i ? 0 : itemSimilarity(p, sim[j * n + i]!, norms[j]!, norms[i]!);
      for (let j = 0; j < n; j++) if (col[j]! > 0) heap.offer(col[j]!, j);
      for (let h = 0; h < heap.size; h++) {
        const j = heap.items[h]!;
        weights[j * n + i] = col[j]!;
      }
      heap.size = 0;
      if ((i & 255) === 0) o.onProgress?.(i / n);
    }
    o.onProgress?.(1);
    return fittedItemItemModel(train, this.name, p, { weights }, k);
  }
}

/** sim(j, i) from the co-occurrence c = c_ji and the self-co-occurrences (norms) nj = c_jj, ni = c_ii. */
export function itemSimilarity(p: ItemKnnParams, c: number, nj: number, ni: number): number {
  if (c === 0) return 0;
  switch (p.similarity) {
    case 'jaccard':
      return c / (nj + ni - c + p.shrink);
    case 'asymmetric-cosine':
      return c / (nj ** p.asymmetricAlpha * ni ** (1 - p.asymmetricAlpha) + p.shrink);
    default:
      return nj > 0 && ni > 0 ? c / (Math.sqrt(nj * ni) + p.shrink) : 0;
  }
}

/** sum over users of (r_ui - mean_u)(r_uj - mean_u): the adjusted-cosine numerators (diagonal: squared norms). */
function centredGram(train: RatingMatrix): Float64Array {
  const n = train.nItems;
  const g = new Float64Array(n * n);
  const { offsets, cols, values } = train.csr;
  for (let u = 0; u < train.nUsers; u++) {
    const a = offsets[u]!;
    const b = offsets[u + 1]!;
    let mean = 0;
    for (let x = a; x < b; x++) mean += values[x]!;
    mean /= Math.max(1, b - a);
    for (let x = a; x < b; x++) {
      const row = cols[x]! * n;
      const dx = values[x]! - mean;
      for (let y = a; y < b; y++) g[row + cols[y]!] = g[row + cols[y]!]! + dx * (values[y]! - mean);
    }
  }
  return g;
}
