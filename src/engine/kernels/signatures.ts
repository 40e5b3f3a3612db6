/**
 * The contract both kernel backends implement. One typed object per backend makes a missing
 * kernel a compile error. Each domain keeps its signatures in its own interface so that adding
 * a kernel touches one interface, its TS twin in `ts/` and its native wrapper in `addon/`.
 */

/** Compressed sparse rows. `offsets` has nRows + 1 entries; row r owns entries offsets[r]..offsets[r+1]. */
export interface Csr {
  offsets: Int32Array;
  cols: Int32Array;
  values: Float32Array;
  nRows: number;
  nCols: number;
}

/** Coordinate triples with dense indices. */
export interface Coo {
  rows: Int32Array;
  cols: Int32Array;
  values: Float32Array;
  nRows: number;
  nCols: number;
}

export interface BuildCsrResult {
  csr: Csr;
  /** For each CSR entry, the input position it came from (to carry timestamps, report rows). */
  source: Int32Array;
  /** Input triples dropped because a later one had the same (row, col): keep-last policy. */
  duplicates: number;
}

/** Options every long-running kernel accepts. */
export interface KernelRun {
  signal?: AbortSignal | undefined;
  /** Called with the fraction done (0..1) while the kernel runs. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface MatrixKernels {
  /** COO -> CSR sorted by (row, col); duplicates keep the last input. O(nnz). */
  buildCsr(coo: Coo, run?: KernelRun): Promise<BuildCsrResult>;
  /** CSR -> CSR of the transpose (CSC), each output row in ascending input-row order. */
  transposeCsr(csr: Csr, run?: KernelRun): Promise<Csr>;
}

/** Rows to cluster: sparse CSR (never densified), or dense row-major nRows x dim (e.g. SVD factors). */
export type KmeansRows =
  | { kind: 'csr'; csr: Csr }
  | { kind: 'dense'; values: Float32Array; nRows: number; dim: number };

/** One k-means assignment pass (E-step), optionally accumulating the M-step sums. */
export interface AssignArgs {
  rows: KmeansRows;
  /** ||x||^2 per row (all rows, indexed by row), accumulated in double. */
  rowNorms: Float64Array;
  /** k x dim row-major. */
  centroids: Float32Array;
  k: number;
  /** Rows to assign (a mini-batch); every row when absent. Outputs are indexed by position in it. */
  subset?: Int32Array | undefined;
  /** In: the previous labels (-1 for none); out: the nearest centroid. */
  labels: Int32Array;
  /** Out: squared distance to the assigned centroid. */
  distances: Float64Array;
  /** Out (when given): per-centroid sums of the assigned rows, k x dim, and counts. */
  sums?: Float64Array | undefined;
  counts?: Float64Array | undefined;
  /**
   * Hamerly bounds (full passes only): lower[i] bounds the distance from row i to its second
   * nearest centroid; shift[c] is how far centroid c moved since the bounds were set. When
   * `ready` is false every row is computed in full and the bounds are (re)set.
   */
  bounds?: { lower: Float64Array; shift: Float64Array; ready: boolean; separation: boolean } | undefined;
  threads?: number | undefined;
}

export interface AssignResult {
  /** Sum of `distances`. */
  inertia: number;
  /** Rows whose label differs from the input label. */
  changed: number;
  /** Rows whose distances to every centroid were computed (the rest were pruned by the bounds). */
  full: number;
}

export interface KmeansPlusPlusArgs {
  rows: KmeansRows;
  rowNorms: Float64Array;
  k: number;
  /** Candidates tried per step (scikit-learn: 2 + floor(ln k)). */
  trials: number;
  seed: number;
  threads?: number | undefined;
}

export interface KmeansKernels {
  /** Nearest centroid for each row by ||x||^2 - 2 x.c + ||c||^2 (order-free: parallel = serial). */
  assignClusters(a: AssignArgs, run?: KernelRun): Promise<AssignResult>;
  /** Greedy k-means++ seeding (scikit-learn's): the row index of each of the k seeds. */
  kmeansPlusPlus(a: KmeansPlusPlusArgs, run?: KernelRun): Promise<Int32Array>;
}

export type BackendName = 'native' | 'reference';

export interface Kernels extends MatrixKernels, KmeansKernels {
  readonly name: BackendName;
}
