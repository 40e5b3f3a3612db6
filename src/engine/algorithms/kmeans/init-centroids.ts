import { Rng } from '../../kernels/rng.js';
import type { KernelRun, Kernels } from '../../kernels/signatures.js';
import { normaliseRow } from '../../kernels/ts/kmeans-update-centroids.js';
import { addRow, type PreparedRows } from './kmeans-input.js';

export type KmeansInit = 'k-means++' | 'random' | Float32Array;

/**
 * Initial centroids (k x dim, float32): copies of rows chosen by greedy k-means++ (the kernel),
 * or k distinct rows drawn uniformly (partial Fisher-Yates), or the given centroids (copied;
 * unit-normalised for cosine).
 */
export async function initCentroids(
  p: PreparedRows,
  k: number,
  init: KmeansInit,
  seed: number,
  localTrials: number,
  spherical: boolean,
  kernels: Kernels,
  threads: number | undefined,
  run?: KernelRun,
): Promise<Float32Array> {
  if (init instanceof Float32Array) {
    const c = init.slice();
    if (spherical) for (let i = 0; i < k; i++) normaliseRow(c, i * p.dim, p.dim);
    return c;
  }
  let ids: Int32Array;
  if (init === 'random') {
    const rng = new Rng(seed);
    const perm = Int32Array.from({ length: p.n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextBelow(p.n - i);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    ids = perm.slice(0, k);
  } else {
    ids = await kernels.kmeansPlusPlus(
      { rows: p.rows, rowNorms: p.norms, k, trials: localTrials, seed, threads },
      { signal: run?.signal },
    );
  }
  const c = new Float32Array(k * p.dim);
  for (let i = 0; i < k; i++) addRow(p.rows, ids[i]!, c, i * p.dim, 1);
  return c;
}

/** scikit-learn's number of local k-means++ trials: 2 + floor(ln k). */
export function defaultLocalTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}
