import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun } from '../signatures.js';

/**
 * In-place inverse of a dense SPD matrix (float64, row-major, n x n), the reference for
 * native/spd-inverse.cc, with the same sums in the same order:
 *   1. Cholesky A = L L' (Crout, row by row): L[i][j] = (A[i][j] - sum_{q<j} L[i][q] L[j][q]) / L[j][j];
 *   2. column j of Z = L^-1 by forward substitution, kept as row j of Zt (Zt = Z');
 *   3. A^-1 = Z' Z: P[i][j] = sum_{q >= max(i, j)} Zt[i][q] Zt[j][q].
 * n^3 / 2 multiply-adds in all, 2 n^2 doubles of memory.
 */
export async function spdInverse(a: Float64Array, n: number, run?: KernelRun): Promise<void> {
  if (a.length !== n * n) throw new InputError(`spdInverse: matrix has ${a.length} values, expected ${n} x ${n}`);
  const tick = (f: number) => {
    if (run?.signal?.aborted) throw new CancelledError('cancelled');
    run?.onProgress?.(f);
  };
  for (let i = 0; i < n; i++) {
    if ((i & 63) === 0) tick(i / n / 3);
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let q = 0; q < j; q++) s += a[ri + q]! * a[rj + q]!;
      const v = a[ri + j]! - s;
      if (j === i) {
        if (!(v > 0)) throw new InputError(`spdInverse: the matrix is not positive definite (pivot ${i} is ${v})`);
        a[ri + i] = Math.sqrt(v);
      } else a[ri + j] = v / a[rj + j]!;
    }
  }
  const zt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    if ((j & 63) === 0) tick(1 / 3 + j / n / 3);
    const rz = j * n;
    for (let i = j; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let q = j; q < i; q++) s += a[ri + q]! * zt[rz + q]!;
      zt[rz + i] = ((i === j ? 1 : 0) - s) / a[ri + i]!;
    }
  }
  for (let i = 0; i < n; i++) {
    if ((i & 63) === 0) tick(2 / 3 + i / n / 3);
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let q = i; q < n; q++) s += zt[i * n + q]! * zt[j * n + q]!;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  run?.onProgress?.(1);
}
