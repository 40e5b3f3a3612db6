import type { KernelRun, Kernels, KmeansLloydArgs, KmeansLloydResult } from '../../kernels/signatures.js';
import type { PreparedRows } from './kmeans-input.js';

/** The kernel's stopping rules and variants, as the fit passes them through. */
export type LloydOptions = Pick<
  KmeansLloydArgs,
  'maxIter' | 'tolAbs' | 'bounds' | 'separation' | 'spherical' | 'threads'
>;

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
