import type {
  AssignArgs,
  AssignResult,
  KernelRun,
  KmeansKernels,
  KmeansLloydArgs,
  KmeansLloydResult,
  KmeansPlusPlusArgs,
  KmeansRows,
} from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { runNative } from './run-native.js';

type RowArgs = [Int32Array | null, Int32Array | null, Float32Array, number, number];

interface KmeansBinding {
  assignClusters(
    ...args: [
      ...RowArgs,
      rowNorms: Float64Array,
      centroids: Float32Array,
      k: number,
      subset: Int32Array | null,
      labels: Int32Array,
      distances: Float64Array,
      sums: Float64Array | null,
      counts: Float64Array | null,
      lower: Float64Array | null,
      shift: Float64Array | null,
      boundsReady: number,
      separation: number,
      threads: number,
    ]
  ): NativeJob<AssignResult>;
  kmeansPlusPlus(
    ...args: [
      ...RowArgs,
      rowNorms: Float64Array,
      k: number,
      trials: number,
      seed: number,
      outCenters: Int32Array,
      threads: number,
    ]
  ): NativeJob<void>;
  kmeansLloyd(
    ...args: [
      ...RowArgs,
      rowNorms: Float64Array,
      init: Float32Array,
      k: number,
      maxIter: number,
      tolAbs: number,
      bounds: number,
      separation: number,
      spherical: number,
      threads: number,
      outCentroids: Float32Array,
      outLabels: Int32Array,
      outDistances: Float64Array,
      outHistory: Float64Array,
    ]
  ): NativeJob<{ iterations: number; converged: boolean; relocated: number; full: number; passes: number }>;
  hardwareThreads(): number;
}

function rowArgs(rows: KmeansRows): RowArgs {
  return rows.kind === 'csr'
    ? [rows.csr.offsets, rows.csr.cols, rows.csr.values, rows.csr.nRows, rows.csr.nCols]
    : [null, null, rows.values, rows.nRows, rows.dim];
}

/** Native k-means kernels (native/assign-clusters.cc, native/kmeans-plus-plus.cc, native/kmeans-lloyd.cc). */
export function nativeKmeansKernels(binding: NativeBinding): KmeansKernels {
  const b = binding as unknown as KmeansBinding;
  const threadsOf = (t: number | undefined) => (t && t > 0 ? t : b.hardwareThreads());
  return {
    assignClusters(a: AssignArgs, run?: KernelRun): Promise<AssignResult> {
      const bounds = a.bounds;
      return runNative(
        () =>
          b.assignClusters(
            ...rowArgs(a.rows),
            a.rowNorms,
            a.centroids,
            a.k,
            a.subset ?? null,
            a.labels,
            a.distances,
            a.sums ?? null,
            a.sums ? (a.counts ?? null) : null,
            bounds?.lower ?? null,
            bounds?.shift ?? null,
            bounds?.ready ? 1 : 0,
            bounds?.separation ? 1 : 0,
            threadsOf(a.threads),
          ),
        run,
      );
    },
    async kmeansLloyd(a: KmeansLloydArgs, run?: KernelRun): Promise<KmeansLloydResult> {
      const [, , , nRows, dim] = rowArgs(a.rows);
      // Output buffers come from JS so the job writes results in place (no copy on resolve);
      // lengths are checked on the native side before the job starts.
      const centroids = new Float32Array(a.k * dim);
      const labels = new Int32Array(nRows);
      const distances = new Float64Array(nRows);
      const history = new Float64Array(Number.isInteger(a.maxIter) && a.maxIter >= 1 ? a.maxIter + 1 : 1);
      const r = await runNative(
        () =>
          b.kmeansLloyd(
            ...rowArgs(a.rows),
            a.rowNorms,
            a.init,
            a.k,
            a.maxIter,
            a.tolAbs,
            a.bounds ? 1 : 0,
            a.separation ? 1 : 0,
            a.spherical ? 1 : 0,
            threadsOf(a.threads),
            centroids,
            labels,
            distances,
            history,
          ),
        run,
      );
      return {
        centroids,
        labels,
        distances,
        inertia: history[r.passes - 1]!,
        iterations: r.iterations,
        history: Array.from(history.subarray(0, r.passes)),
        converged: r.converged,
        relocated: r.relocated,
        pruned: 1 - r.full / (r.passes * nRows),
      };
    },
    async kmeansPlusPlus(a: KmeansPlusPlusArgs, run?: KernelRun): Promise<Int32Array> {
      const out = new Int32Array(a.k);
      await runNative(
        () => b.kmeansPlusPlus(...rowArgs(a.rows), a.rowNorms, a.k, a.trials, a.seed >>> 0, out, threadsOf(a.threads)),
        run,
      );
      return out;
    },
  };
}
