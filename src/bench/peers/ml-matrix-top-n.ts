import { Matrix } from 'ml-matrix';
import type { FactorFixture } from './factor-fixture.js';
import { selectTopN, type TopNLists } from './top-n-select.js';

/**
 * Bulk top-N with ml-matrix (pure JS, float64 rows): scores = U_block x Q^T + item bias by
 * `mmul`, then the shared JS selection. Users go in blocks so the dense score block stays small
 * (a 25M-shape score matrix would be 77 GB).
 */
export function mlMatrixTopN(f: FactorFixture, n: number, blockUsers = 256): TopNLists {
  const k = f.factors;
  const qt = new Matrix(k, f.nItems);
  for (let i = 0; i < f.nItems; i++) for (let d = 0; d < k; d++) qt.set(d, i, f.items[i * k + d]!);
  const items = new Int32Array(f.nUsers * n);
  const scores = new Float32Array(f.nUsers * n);
  for (let u0 = 0; u0 < f.nUsers; u0 += blockUsers) {
    const rows = Math.min(blockUsers, f.nUsers - u0);
    const ub = new Matrix(rows, k);
    for (let r = 0; r < rows; r++) for (let d = 0; d < k; d++) ub.set(r, d, f.users[(u0 + r) * k + d]!);
    const s = ub.mmul(qt);
    for (let r = 0; r < rows; r++) {
      const row = s.getRow(r);
      for (let i = 0; i < f.nItems; i++) row[i]! += f.itemBias[i]!;
      selectTopN(row, 0, f.nItems, n, items, scores, (u0 + r) * n);
    }
  }
  return { n, items, scores };
}
