import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr, KmeansRows } from '../../src/engine/kernels/signatures.js';

/** ||x||^2 per row in double, ascending column (as the k-means code computes it). */
export function normsOf(rows: KmeansRows): Float64Array {
  if (rows.kind === 'dense') {
    const out = new Float64Array(rows.nRows);
    for (let r = 0; r < rows.nRows; r++) {
      let s = 0;
      for (let j = 0; j < rows.dim; j++) s += rows.values[r * rows.dim + j]! ** 2;
      out[r] = s;
    }
    return out;
  }
  const { offsets, values, nRows } = rows.csr;
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++)
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) out[r]! += values[p]! * values[p]!;
  return out;
}

/** Seeded sparse rating-like rows: each row rates ~density of the columns with 0.5..5 (some rows empty). */
export function randomCsr(seed: number, nRows: number, nCols: number, density: number): Csr {
  const rng = new Rng(seed);
  const offsets = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < nRows; r++) {
    for (let j = 0; j < nCols; j++) {
      if (rng.nextDouble() < density) {
        cols.push(j);
        values.push(0.5 + rng.nextBelow(10) / 2);
      }
    }
    offsets[r + 1] = cols.length;
  }
  return { offsets, cols: Int32Array.from(cols), values: Float32Array.from(values), nRows, nCols };
}

/** The same rows zero-filled and row-major. */
export function densify(csr: Csr): Float32Array {
  const out = new Float32Array(csr.nRows * csr.nCols);
  for (let r = 0; r < csr.nRows; r++)
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) out[r * csr.nCols + csr.cols[p]!] = csr.values[p]!;
  return out;
}

/**
 * Seeded Gaussian blobs: `k` centres uniform in [-spread, spread]^dim, `perCluster` points each
 * with N(0, 1) noise. Returns the rows and the planted labels.
 */
export function blobs(
  seed: number,
  k: number,
  perCluster: number,
  dim: number,
  spread: number,
): { rows: KmeansRows; truth: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: k * dim }, () => (2 * rng.nextDouble() - 1) * spread);
  const n = k * perCluster;
  const values = new Float32Array(n * dim);
  const truth = new Int32Array(n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  for (let i = 0; i < n; i++) {
    const c = order[i]! % k;
    truth[i] = c;
    for (let j = 0; j < dim; j++) values[i * dim + j] = centres[c * dim + j]! + rng.nextNormal();
  }
  return { rows: { kind: 'dense', values, nRows: n, dim }, truth };
}
