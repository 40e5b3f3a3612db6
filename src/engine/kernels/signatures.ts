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

export type BackendName = 'native' | 'reference';

export interface Kernels extends MatrixKernels {
  readonly name: BackendName;
}
