import { InputError } from '../../errors.js';
import type { KernelRun, KmeansLloydArgs, KmeansLloydResult } from '../signatures.js';
import { assignClusters } from './assign-clusters.js';
import { clusterSums } from './kmeans-cluster-sums.js';
import { relocateEmptyClusters } from './kmeans-relocate-empty.js';
import { checkRowsShape, rowCount, rowDim, throwIfCancelled } from './kmeans-rows.js';
import { updateCentroids } from './kmeans-update-centroids.js';

/**
 * Reference twin of native/kmeans-lloyd.cc: Lloyd's algorithm from `init`, with scikit-learn's
 * stopping rules. Each iteration: an assignment pass (assignClusters, with Hamerly bounds when
 * `bounds`), stop if no label changed (strict convergence); else the M-step sums
 * (clusterSums, split like the native threads), empty clusters repaired with the farthest rows
 * (relocateEmptyClusters), centroids moved to the means (updateCentroids), and stop when the
 * total squared movement <= tolAbs. After a tol or maxIter stop, one more E-step, so labels match
 * the centroids returned. Each pass's inertia never exceeds the previous one.
 */
export async function kmeansLloyd(a: KmeansLloydArgs, run?: KernelRun): Promise<KmeansLloydResult> {
  throwIfCancelled(run);
  const { rows, rowNorms, k, maxIter } = a;
  checkLloydArgs(a);
  const n = rowCount(rows);
  const dim = rowDim(rows);
  const parts = Math.min(n, Math.max(1, a.threads ?? 1));
  let C: Float32Array = a.init.slice();
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const lower = new Float64Array(n);
  const shift = new Float64Array(k);
  const history: number[] = [];
  let ready = false;
  let strict = false;
  let converged = false;
  let relocated = 0;
  let iterations = 0;
  let full = 0;
  let passes = 0;
  const pass = async () => {
    const r = await assignClusters(
      {
        rows,
        rowNorms,
        centroids: C,
        k,
        labels,
        distances,
        bounds: a.bounds ? { lower, shift, ready, separation: a.separation } : undefined,
      },
      { signal: run?.signal },
    );
    ready = true;
    full += r.full;
    passes++;
    history.push(r.inertia);
    return r;
  };
  while (iterations < maxIter) {
    const r = await pass();
    iterations++;
    run?.onProgress?.(iterations / maxIter);
    if (r.changed === 0) {
      strict = converged = true;
      break;
    }
    clusterSums(rows, labels, k, parts, sums, counts);
    const moved = relocateEmptyClusters(rows, k, labels, distances, sums, counts);
    relocated += moved.length;
    for (const row of moved) lower[row] = 0;
    const u = updateCentroids(C, sums, counts, k, dim, a.spherical);
    C = u.centroids;
    shift.set(u.shift);
    if (u.shiftTotal <= a.tolAbs) {
      converged = true;
      break;
    }
  }
  if (!strict) await pass();
  run?.onProgress?.(1);
  return {
    centroids: C,
    labels,
    distances,
    inertia: history[history.length - 1]!,
    iterations,
    history,
    converged,
    relocated,
    pruned: 1 - full / (passes * n),
  };
}

function checkLloydArgs(a: KmeansLloydArgs): void {
  checkRowsShape(a.rows, a.rowNorms);
  const dim = rowDim(a.rows);
  if (!(Number.isInteger(a.k) && a.k >= 1) || a.init.length !== a.k * dim) {
    throw new InputError(`init has ${a.init.length} values, expected k*dim = ${a.k}*${dim}`);
  }
  if (!(Number.isInteger(a.maxIter) && a.maxIter >= 1)) {
    throw new InputError(`maxIter must be an integer >= 1, got ${a.maxIter}`);
  }
  if (!(a.tolAbs >= 0)) throw new InputError(`tolAbs must be >= 0, got ${a.tolAbs}`);
}
