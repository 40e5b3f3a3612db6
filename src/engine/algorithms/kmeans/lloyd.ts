import type { KernelRun, Kernels } from '../../kernels/signatures.js';
import type { PreparedRows } from './kmeans-input.js';
import { relocateEmptyClusters } from './relocate-empty.js';
import { updateCentroids } from './update-centroids.js';

export interface LloydOptions {
  maxIter: number;
  /** Stop when sum_c ||c_new - c_old||^2 <= this (scikit-learn's tol * mean column variance). */
  tolAbs: number;
  /** Hamerly bounds; `separation` also uses half the centroid-to-centroid distances. */
  bounds: boolean;
  separation: boolean;
  spherical: boolean;
  threads?: number | undefined;
  onIteration?: ((iteration: number, inertia: number) => void) | undefined;
}

export interface LloydRun {
  centroids: Float32Array;
  labels: Int32Array;
  distances: Float64Array;
  inertia: number;
  /** Passes that updated the centroids (scikit-learn's n_iter_). */
  iterations: number;
  /** Inertia of each assignment pass against the centroids it saw; the last entry is the final. */
  history: number[];
  converged: boolean;
  /** Rows moved into empty clusters, over all iterations. */
  relocated: number;
  /** Fraction of row assignments the bounds settled without the k dot products. */
  pruned: number;
}

/**
 * Lloyd's algorithm from the given centroids, with scikit-learn's stopping rules: labels
 * unchanged (strict convergence), or total squared centroid movement <= tolAbs; after a tol
 * stop, one more E-step so labels match the centroids returned. Each pass's inertia never
 * exceeds the previous one (the assignment and the mean each minimise it for the other fixed).
 */
export async function lloyd(
  p: PreparedRows,
  k: number,
  init: Float32Array,
  o: LloydOptions,
  kernels: Kernels,
  run?: KernelRun,
): Promise<LloydRun> {
  const { n, dim } = p;
  let C: Float32Array = init.slice();
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
  const pass = async (withSums: boolean) => {
    const r = await kernels.assignClusters(
      {
        rows: p.rows,
        rowNorms: p.norms,
        centroids: C,
        k,
        labels,
        distances,
        sums: withSums ? sums : undefined,
        counts: withSums ? counts : undefined,
        bounds: o.bounds ? { lower, shift, ready, separation: o.separation } : undefined,
        threads: o.threads,
      },
      { signal: run?.signal },
    );
    ready = true;
    full += r.full;
    passes++;
    history.push(r.inertia);
    return r;
  };
  while (iterations < o.maxIter) {
    const r = await pass(true);
    iterations++;
    o.onIteration?.(iterations, r.inertia);
    if (r.changed === 0) {
      strict = converged = true;
      break;
    }
    const moved = relocateEmptyClusters(p, k, labels, distances, sums, counts);
    relocated += moved.length;
    for (const row of moved) lower[row] = 0;
    const u = updateCentroids(C, sums, counts, k, dim, o.spherical);
    C = u.centroids;
    shift.set(u.shift);
    if (u.shiftTotal <= o.tolAbs) {
      converged = true;
      break;
    }
  }
  if (!strict) await pass(false);
  return {
    centroids: C,
    labels,
    distances,
    inertia: history[history.length - 1],
    iterations,
    history,
    converged,
    relocated,
    pruned: 1 - full / (passes * n),
  };
}
