import { CancelledError, check, InputError } from '../../errors.js';
import { kernels as activeKernels } from '../../kernels/registry.js';
import { Rng } from '../../kernels/rng.js';
import type { KernelRun, Kernels, KmeansRows } from '../../kernels/signatures.js';
import { defaultLocalTrials, initCentroids, type KmeansInit } from './init-centroids.js';
import { meanColumnVariance, prepareRows } from './kmeans-input.js';
import { type KmeansAlgorithm, type KmeansMetric, KmeansResult } from './kmeans-result.js';
import { type LloydRun, lloyd } from './lloyd.js';
import { miniBatch } from './mini-batch.js';

export interface KmeansOptions extends KernelRun {
  /** 'k-means++' (default, greedy with `localTrials`), 'random' (k distinct rows), or k x dim centroids. */
  init?: KmeansInit | undefined;
  /** Restarts, keeping the lowest inertia. Default 1 (10 for 'random', as scikit-learn's 'auto'). */
  nInit?: number | undefined;
  /** Lloyd passes (default 300) or mini-batch epochs (default 100). */
  maxIter?: number | undefined;
  /** Relative tolerance on centroid movement (scikit-learn's): default 1e-4 (mini-batch 0). */
  tol?: number | undefined;
  seed?: number | undefined;
  /** 'auto' (default) = 'hamerly': Lloyd with triangle-inequality bounds; 'lloyd' plain; 'minibatch'. */
  algorithm?: 'auto' | KmeansAlgorithm | undefined;
  /** Mini-batch size, default 1024. */
  batchSize?: number | undefined;
  /** 'cosine' = spherical k-means on unit-normalised rows (rating vectors differ in length). */
  metric?: KmeansMetric | undefined;
  /** k-means++ candidates per step, default 2 + floor(ln k). */
  localTrials?: number | undefined;
  /** Native worker threads, default all cores. */
  threads?: number | undefined;
  kernels?: Kernels | undefined;
}

/**
 * k-means on sparse (CSR, never densified) or dense rows. Returns the best of `nInit` restarts.
 * Throws InputError for k < 1, k > rows, no rows, zero-length rows, non-finite values, bad
 * options; CancelledError when `signal` aborts.
 */
export async function kmeans(rows: KmeansRows, k: number, o: KmeansOptions = {}): Promise<KmeansResult> {
  try {
    return await fit(rows, k, o);
  } catch (error) {
    // AbortSignal.throwIfAborted (before a native job starts) throws a DOMException; one error type for callers.
    if ((error as Error)?.name === 'AbortError') throw new CancelledError('cancelled', { cause: error });
    throw error;
  }
}

async function fit(rows: KmeansRows, k: number, o: KmeansOptions): Promise<KmeansResult> {
  const metric = o.metric ?? 'euclidean';
  check(metric === 'euclidean' || metric === 'cosine', () => `metric "${metric}": use "euclidean" or "cosine"`);
  const cosine = metric === 'cosine';
  const p = prepareRows(rows, 'k-means rows', cosine);
  check(Number.isInteger(k) && k >= 1, () => `k must be an integer >= 1, got ${k}`);
  check(k <= p.n, () => `k = ${k} is more than the ${p.n} rows to cluster`);
  const algorithm = o.algorithm === undefined || o.algorithm === 'auto' ? 'hamerly' : o.algorithm;
  check(
    algorithm === 'lloyd' || algorithm === 'hamerly' || algorithm === 'minibatch',
    () => `algorithm "${algorithm}": use "auto", "lloyd", "hamerly" or "minibatch"`,
  );
  const init = o.init ?? 'k-means++';
  if (init instanceof Float32Array) {
    check(init.length === k * p.dim, () => `init centroids have ${init.length} values, expected k*dim = ${k}*${p.dim}`);
    for (let i = 0; i < init.length; i++) {
      if (!Number.isFinite(init[i]))
        throw new InputError(`init centroid ${Math.floor(i / p.dim)}: value ${init[i]} is not finite`);
    }
  } else {
    check(
      init === 'k-means++' || init === 'random',
      () => `init "${String(init)}": use "k-means++", "random" or centroids`,
    );
  }
  // Given centroids are deterministic: one run (scikit-learn warns and does the same).
  const nInit = init instanceof Float32Array ? 1 : (o.nInit ?? (init === 'random' ? 10 : 1));
  const maxIter = o.maxIter ?? (algorithm === 'minibatch' ? 100 : 300);
  const tol = o.tol ?? (algorithm === 'minibatch' ? 0 : 1e-4);
  const batchSize = o.batchSize ?? 1024;
  const localTrials = o.localTrials ?? defaultLocalTrials(k);
  check(Number.isInteger(nInit) && nInit >= 1, () => `nInit must be an integer >= 1, got ${nInit}`);
  check(Number.isInteger(maxIter) && maxIter >= 1, () => `maxIter must be an integer >= 1, got ${maxIter}`);
  check(Number.isFinite(tol) && tol >= 0, () => `tol must be >= 0, got ${tol}`);
  check(Number.isInteger(batchSize) && batchSize >= 1, () => `batchSize must be an integer >= 1, got ${batchSize}`);
  check(Number.isInteger(localTrials) && localTrials >= 1, () => `localTrials must be >= 1, got ${localTrials}`);
  const K = o.kernels ?? activeKernels();
  const tolAbs = tol > 0 ? tol * meanColumnVariance(p) : 0;
  // Separation bounds cost k^2 dim / 2 per pass; use them only when that is small next to nnz k.
  const separation = k * p.dim * 2 < p.nnz;
  const seeder = new Rng(o.seed ?? 0);
  let best: LloydRun | undefined;
  const restartInertias: number[] = [];
  for (let restart = 0; restart < nInit; restart++) {
    const seed = seeder.nextU32();
    const c0 = await initCentroids(p, k, init, seed, localTrials, cosine, K, o.threads, o);
    const onProgress = o.onProgress;
    const run = { signal: o.signal, onProgress: onProgress && ((f: number) => onProgress((restart + f) / nInit)) };
    const r =
      algorithm === 'minibatch'
        ? await miniBatch(
            p,
            k,
            c0,
            { maxIter, batchSize, tolAbs, maxNoImprovement: 10, spherical: cosine, seed, threads: o.threads },
            K,
            o,
          )
        : await lloyd(
            p,
            k,
            c0,
            {
              maxIter,
              tolAbs,
              bounds: algorithm === 'hamerly',
              separation,
              spherical: cosine,
              threads: o.threads,
            },
            K,
            run,
          );
    restartInertias.push(r.inertia);
    if (!best || r.inertia < best.inertia) best = r;
  }
  o.onProgress?.(1);
  const b = best as LloydRun;
  return new KmeansResult(
    b.centroids,
    k,
    p.dim,
    b.labels,
    b.inertia,
    b.iterations,
    b.history,
    b.converged,
    b.relocated,
    metric,
    algorithm,
    restartInertias,
    b.pruned,
    K,
  );
}
