import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun, KmeansRows } from '../signatures.js';

/** Rows of a k-means input. */
export function rowCount(rows: KmeansRows): number {
  return rows.kind === 'csr' ? rows.csr.nRows : rows.nRows;
}

/** Dimension (columns) of a k-means input. */
export function rowDim(rows: KmeansRows): number {
  return rows.kind === 'csr' ? rows.csr.nCols : rows.dim;
}

/**
 * Calls f(j, v) for each non-zero of row r in ascending j, the order both twins sum in. Dense
 * zeros are skipped: x*c with x = 0 adds +0, so every sum is unchanged (native kmeans-rows.h).
 */
export function forEachEntry(rows: KmeansRows, r: number, f: (j: number, v: number) => void): void {
  if (rows.kind === 'csr') {
    const { offsets, cols, values } = rows.csr;
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) f(cols[p]!, values[p]!);
  } else {
    const { values, dim } = rows;
    const base = r * dim;
    for (let j = 0; j < dim; j++) {
      const v = values[base + j]!;
      if (v !== 0) f(j, v);
    }
  }
}

/** 4096-entry blocks summed in order, then the block sums in order: the same bits at any thread count. */
export const SUM_BLOCK = 4096;

export function blockedSum(x: Float64Array, n: number): number {
  let total = 0;
  for (let b = 0; b < n; b += SUM_BLOCK) {
    let s = 0;
    const e = Math.min(n, b + SUM_BLOCK);
    for (let i = b; i < e; i++) s += x[i]!;
    total += s;
  }
  return total;
}

/** ||c||^2 of each centroid row, in double, ascending j. */
export function centroidNorms(centroids: Float32Array, k: number, dim: number): Float64Array {
  const cn = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    const base = c * dim;
    for (let j = 0; j < dim; j++) s += centroids[base + j]! * centroids[base + j]!;
    cn[c] = s;
  }
  return cn;
}

/** The twins' cancellation point: a CancelledError (as the native jobs give), not a DOM AbortError. */
export function throwIfCancelled(run: KernelRun | undefined): void {
  if (run?.signal?.aborted) throw new CancelledError('cancelled');
}

/** Shape checks shared by the twins (the native side repeats them with RK_CHECK). */
export function checkRowsShape(rows: KmeansRows, rowNorms: Float64Array): void {
  const n = rowCount(rows);
  if (rows.kind === 'dense' && rows.values.length !== n * rows.dim) {
    throw new InputError(`dense rows: ${rows.values.length} values, expected nRows*dim = ${n * rows.dim}`);
  }
  if (rowNorms.length !== n) throw new InputError(`rowNorms has ${rowNorms.length} entries, expected ${n}`);
}
