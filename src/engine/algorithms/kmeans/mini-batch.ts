import { Rng } from '../../kernels/rng.js';
import type { KernelRun, Kernels } from '../../kernels/signatures.js';
import { relocateEmptyClusters } from '../../kernels/ts/kmeans-relocate-empty.js';
import { normaliseRow, updateCentroids } from '../../kernels/ts/kmeans-update-centroids.js';
import type { PreparedRows } from './kmeans-input.js';
import type { LloydRun } from './lloyd.js';

export interface MiniBatchOptions {
  /** Passes over the data's worth of batches (scikit-learn's max_iter, default 100). */
  maxIter: number;
  batchSize: number;
  /** Stop when sum_c ||c_new - c_old||^2 over one batch <= this; 0 disables (scikit-learn's default). */
  tolAbs: number;
  /** Stop after this many batches without improving the smoothed batch inertia (scikit-learn: 10). */
  maxNoImprovement: number;
  spherical: boolean;
  seed: number;
  threads?: number | undefined;
}

/**
 * Mini-batch k-means (Sculley 2010; scikit-learn's MiniBatchKMeans without random
 * reassignment): each step assigns `batchSize` rows drawn with replacement and moves each
 * centroid to the running mean of every row it was ever given,
 *   c <- (c * w_c + sum of its batch rows) / (w_c + batch count),  w_c += batch count.
 * Stops on the smoothed batch inertia (EWA, alpha = 2 b / (n + 1)) not improving for
 * `maxNoImprovement` steps; then one full pass gives labels and inertia, and empty clusters are
 * repaired with the farthest rows as in Lloyd. `history` holds the smoothed inertia scaled to n rows.
 */
export async function miniBatch(
  p: PreparedRows,
  k: number,
  init: Float32Array,
  o: MiniBatchOptions,
  kernels: Kernels,
  run?: KernelRun,
): Promise<LloydRun> {
  const { n, dim } = p;
  const b = Math.min(o.batchSize, n);
  const C = init.slice();
  const weight = new Float64Array(k);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const subset = new Int32Array(b);
  const labels = new Int32Array(b);
  const distances = new Float64Array(b);
  const rng = new Rng(o.seed);
  const steps = Math.max(1, Math.floor((o.maxIter * n) / b));
  const alpha = Math.min(1, (2 * b) / (n + 1));
  const history: number[] = [];
  let ewa = Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  let step = 0;
  let converged = false;
  while (step < steps) {
    for (let i = 0; i < b; i++) subset[i] = rng.nextBelow(n);
    labels.fill(-1);
    const r = await kernels.assignClusters(
      { rows: p.rows, rowNorms: p.norms, centroids: C, k, subset, labels, distances, sums, counts, threads: o.threads },
      { signal: run?.signal },
    );
    step++;
    let shiftTotal = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      const w = weight[c]!;
      const total = w + counts[c]!;
      const base = c * dim;
      for (let j = 0; j < dim; j++) {
        const next = (C[base + j]! * w + sums[base + j]!) / total;
        const d = next - C[base + j]!;
        shiftTotal += d * d;
        C[base + j] = next;
      }
      if (o.spherical) normaliseRow(C, base, dim);
      weight[c] = total;
    }
    const batchInertia = r.inertia / b;
    ewa = Number.isNaN(ewa) ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    history.push(ewa * n);
    run?.onProgress?.(step / steps);
    if (o.tolAbs > 0 && shiftTotal <= o.tolAbs) {
      converged = true;
      break;
    }
    if (ewa < best) {
      best = ewa;
      noImprovement = 0;
    } else if (++noImprovement >= o.maxNoImprovement) {
      converged = true;
      break;
    }
  }
  // Full pass: labels and inertia for every row, and the empty-cluster repair.
  const all = {
    labels: new Int32Array(n).fill(-1),
    distances: new Float64Array(n),
    sums: new Float64Array(k * dim),
    counts: new Float64Array(k),
  };
  const args = { rows: p.rows, rowNorms: p.norms, k, threads: o.threads, ...all };
  let r = await kernels.assignClusters({ ...args, centroids: C }, { signal: run?.signal });
  const moved = relocateEmptyClusters(p.rows, k, all.labels, all.distances, all.sums, all.counts);
  let centroids: Float32Array = C;
  if (moved.length > 0) {
    centroids = updateCentroids(C, all.sums, all.counts, k, dim, o.spherical).centroids;
    r = await kernels.assignClusters({ ...args, centroids }, { signal: run?.signal });
  }
  history.push(r.inertia);
  return {
    centroids,
    labels: all.labels,
    distances: all.distances,
    inertia: r.inertia,
    iterations: step,
    history,
    converged,
    relocated: moved.length,
    pruned: 0,
  };
}
