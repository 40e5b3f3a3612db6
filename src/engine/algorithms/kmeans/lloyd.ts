import type { KernelRun, Kernels, KmeansLloydResult } from '../../kernels/signatures.js';
import type { PreparedRows } from './kmeans-input.js';

export interface LloydOptions {
  maxIter: number;
  /** Stop when sum_c ||c_new - c_old||^2 <= this (scikit-learn's tol * mean column variance). */
  tolAbs: number;
  /** Hamerly bounds; `separation` also uses half the centroid-to-centroid distances. */
  bounds: boolean;
  separation: boolean;
  spherical: boolean;
  threads?: number | undefined;
}

/** A finished Lloyd or mini-batch run (centroids, labels, inertia history, counters). */
export type LloydRun = KmeansLloydResult;

/**
 * Lloyd's algorithm from the given centroids, with scikit-learn's stopping rules: labels
 * unchanged (strict convergence), or total squared centroid movement <= tolAbs; after a tol
 * stop, one more E-step so labels match the centroids returned. The whole loop is one kernel
 * call (kmeansLloyd: one native job per fit, no per-pass buffers or event-loop hops);
 * `run.onProgress` sees iterations / maxIter.
 */
export function lloyd(
  p: PreparedRows,
  k: number,
  init: Float32Array,
  o: LloydOptions,
  kernels: Kernels,
  run?: KernelRun,
): Promise<LloydRun> {
  return kernels.kmeansLloyd(
    {
      rows: p.rows,
      rowNorms: p.norms,
      init,
      k,
      maxIter: o.maxIter,
      tolAbs: o.tolAbs,
      bounds: o.bounds,
      separation: o.separation,
      spherical: o.spherical,
      threads: o.threads,
    },
    run,
  );
}
