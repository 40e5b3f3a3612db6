import { InputError } from '../../errors.js';
import type { KernelRun, Kernels, KmeansRows } from '../../kernels/signatures.js';
import { prepareRows } from './kmeans-input.js';

export type KmeansMetric = 'euclidean' | 'cosine';
export type KmeansAlgorithm = 'lloyd' | 'hamerly' | 'minibatch';

/** A fitted clustering: centroids, the training labels and how the fit went. Immutable. */
export class KmeansResult {
  constructor(
    /** k x dim row-major; unit length for cosine. */
    readonly centroids: Float32Array,
    readonly k: number,
    readonly dim: number,
    /** Cluster of each training row. */
    readonly labels: Int32Array,
    /** Sum of squared distances from each row to its centroid (on unit rows for cosine). */
    readonly inertia: number,
    /** Lloyd passes that moved the centroids (mini-batch: batches). */
    readonly iterations: number,
    /** Inertia of each pass of the kept restart; Lloyd's never increases. */
    readonly inertiaHistory: readonly number[],
    readonly converged: boolean,
    /** Empty clusters reseeded with the farthest rows (kept restart). */
    readonly emptyClustersRepaired: number,
    readonly metric: KmeansMetric,
    readonly algorithm: KmeansAlgorithm,
    /** Inertia of every restart, in order. */
    readonly restartInertias: readonly number[],
    /** Fraction of row assignments Hamerly bounds settled without computing all k distances. */
    readonly pruned: number,
    private readonly kernels: Kernels,
  ) {}

  /** Rows per cluster. */
  sizes(): Int32Array {
    const s = new Int32Array(this.k);
    for (let i = 0; i < this.labels.length; i++) s[this.labels[i]!]!++;
    return s;
  }

  /**
   * Nearest centroid of each new row (same dim; unit-normalised first for cosine), and its
   * squared distance. InputError on bad rows.
   */
  async predict(
    rows: KmeansRows,
    run?: KernelRun & { threads?: number | undefined },
  ): Promise<{ labels: Int32Array; distances: Float64Array }> {
    const p = prepareRows(rows, 'predict rows', this.metric === 'cosine');
    if (p.dim !== this.dim) throw new InputError(`predict rows have ${p.dim} columns; the clustering has ${this.dim}`);
    const labels = new Int32Array(p.n).fill(-1);
    const distances = new Float64Array(p.n);
    await this.kernels.assignClusters(
      {
        rows: p.rows,
        rowNorms: p.norms,
        centroids: this.centroids,
        k: this.k,
        labels,
        distances,
        threads: run?.threads,
      },
      run,
    );
    return { labels, distances };
  }
}
