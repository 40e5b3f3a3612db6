import { InputError } from '../../errors.js';
import { Rng } from '../rng.js';
import type { KernelRun, KmeansPlusPlusArgs, KmeansRows } from '../signatures.js';
import { blockedSum, checkRowsShape, forEachEntry, rowCount, rowDim, throwIfCancelled } from './kmeans-rows.js';

/**
 * Reference twin of native/kmeans-plus-plus.cc: greedy k-means++ as scikit-learn's
 * `_kmeans_plusplus`. The first seed is uniform; then each step draws `trials` candidates with
 * probability proportional to D(x)^2 (u * potential located in the running sum of D^2, first
 * index whose sum is >= u) and keeps the candidate that lowers the potential sum(min(D^2, d^2))
 * most. Draw order: 1 nextBelow for the first seed, then `trials` nextDouble per step.
 */
export async function kmeansPlusPlus(a: KmeansPlusPlusArgs, run?: KernelRun): Promise<Int32Array> {
  throwIfCancelled(run);
  const { rows, rowNorms, k, trials } = a;
  checkRowsShape(rows, rowNorms);
  const n = rowCount(rows);
  if (!(k >= 1 && k <= n && trials >= 1)) throw new InputError(`k-means++ needs 1 <= k <= ${n} and trials >= 1`);
  const rng = new Rng(a.seed);
  const centers = new Int32Array(k);
  centers[0] = rng.nextBelow(n);
  let closest = distancesTo(rows, rowNorms, centers.subarray(0, 1))[0]!;
  let pot = blockedSum(closest, n);
  const cum = new Float64Array(n);
  const cand = new Int32Array(trials);
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) cum[i] = s += closest[i]!;
    for (let t = 0; t < trials; t++) cand[t] = Math.min(searchLeft(cum, rng.nextDouble() * pot), n - 1);
    const d = distancesTo(rows, rowNorms, cand);
    let best = 0;
    let bestPot = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const dt = d[t]!;
      for (let i = 0; i < n; i++) dt[i] = Math.min(closest[i]!, dt[i]!);
      const p = blockedSum(dt, n);
      if (p < bestPot) {
        bestPot = p;
        best = t;
      }
    }
    pot = bestPot;
    closest = d[best]!;
    centers[c] = cand[best]!;
    throwIfCancelled(run);
  }
  run?.onProgress?.(1);
  return centers;
}

/** Squared distances from every row to each of the rows `ids`, by the norm expansion. */
function distancesTo(rows: KmeansRows, rowNorms: Float64Array, ids: Int32Array): Float64Array[] {
  const n = rowCount(rows);
  const dim = rowDim(rows);
  return Array.from(ids, (id) => {
    const dense = new Float64Array(dim);
    forEachEntry(rows, id, (j, v) => {
      dense[j] = v;
    });
    const cn = rowNorms[id]!;
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let dot = 0;
      forEachEntry(rows, r, (j, v) => {
        dot += v * dense[j]!;
      });
      out[r] = Math.max(0, rowNorms[r]! + cn - 2 * dot);
    }
    return out;
  });
}

/** First index i with cum[i] >= v (numpy searchsorted, side='left'); cum.length when none. */
export function searchLeft(cum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
