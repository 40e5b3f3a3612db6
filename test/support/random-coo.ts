import { Rng } from '../../src/engine/kernels/rng.js';
import type { Coo } from '../../src/engine/kernels/signatures.js';

/** Seeded random COO triples, with some repeated (row, col) pairs to exercise keep-last. */
export function randomCoo(seed: number, nRows: number, nCols: number, n: number): Coo {
  const rng = new Rng(seed);
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = rng.nextBelow(nRows);
    cols[i] = rng.nextBelow(nCols);
    values[i] = 1 + rng.nextBelow(9) / 2;
  }
  return { rows, cols, values, nRows, nCols };
}
