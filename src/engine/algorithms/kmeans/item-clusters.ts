import type { Kernels } from '../../kernels/signatures.js';
import type { FactorModel } from '../../model/factor-model.js';
import { kmeans } from './kmeans.js';
import type { KmeansResult } from './kmeans-result.js';

/**
 * "Movies like this" groups: k-means on a factor model's item vectors, by cosine (the direction
 * of q_i is the taste it appeals to; its length mostly tracks how much it was rated). Only items
 * with training ratings and a non-zero vector are clustered; `items` maps row -> dense item index.
 */
export async function clusterItems(
  model: FactorModel,
  k: number,
  o: { seed?: number | undefined; kernels?: Kernels | undefined; signal?: AbortSignal | undefined } = {},
): Promise<{ clustering: KmeansResult; items: Int32Array }> {
  const f = model.k;
  const q = model.data.itemFactors;
  const keep: number[] = [];
  for (let i = 0; i < model.items.size; i++) {
    if (!model.itemKnown(i)) continue;
    let s = 0;
    for (let j = 0; j < f; j++) s += q[i * f + j]! ** 2;
    if (s > 0) keep.push(i);
  }
  const values = new Float32Array(keep.length * f);
  for (let r = 0; r < keep.length; r++) values.set(q.subarray(keep[r]! * f, (keep[r]! + 1) * f), r * f);
  const clustering = await kmeans({ kind: 'dense', values, nRows: keep.length, dim: f }, k, {
    metric: 'cosine',
    seed: o.seed,
    kernels: o.kernels,
    signal: o.signal,
  });
  return { clustering, items: Int32Array.from(keep) };
}
