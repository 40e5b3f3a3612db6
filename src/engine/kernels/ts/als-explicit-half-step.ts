import { CancelledError, InputError } from '../../errors.js';
import type { AlsExplicitArgs, KernelRun } from '../signatures.js';

/**
 * One explicit-ALS half-step (docs/explicit-models.md): for each row with entries (j, d_j), n of
 * them, x = (sum_j y_j y_j^T + reg n I)^-1 sum_j d_j y_j, by Cholesky, all in double, stored as
 * float32. The native twin (native/als-explicit-half-step.cc) does the same operations in the same
 * order per row, so both agree to the last bit; rows are independent, so threads do not matter.
 */
export async function alsExplicitHalfStep(a: AlsExplicitArgs, run?: KernelRun): Promise<void> {
  const { offsets, cols, residuals } = a.rows;
  const k = a.k;
  const nRows = offsets.length - 1;
  checkArgs(a, nRows);
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let r = 0; r < nRows; r++) {
    if ((r & 255) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(r / nRows);
    }
    const lo = offsets[r]!;
    const hi = offsets[r + 1]!;
    const x = a.solve.subarray(r * k, (r + 1) * k);
    if (hi === lo) {
      x.fill(0);
      continue;
    }
    A.fill(0);
    b.fill(0);
    for (let p = lo; p < hi; p++) {
      const y = cols[p]! * k;
      const d = residuals[p]!;
      for (let i = 0; i < k; i++) {
        const yi = a.fixed[y + i]!;
        b[i] = b[i]! + d * yi;
        for (let j = 0; j <= i; j++) A[i * k + j] = A[i * k + j]! + yi * a.fixed[y + j]!;
      }
    }
    const ridge = a.reg * (hi - lo);
    for (let i = 0; i < k; i++) A[i * k + i] = A[i * k + i]! + ridge;
    choleskySolve(A, b, k);
    for (let i = 0; i < k; i++) x[i] = b[i]!;
  }
  run?.onProgress?.(1);
}

/**
 * Solves A x = b in place (x into b) for symmetric positive definite A given by its lower
 * triangle: A = L L^T (L over A's lower triangle), then L z = b, L^T x = z. A pivot <= 0 (reg 0
 * and too few entries) is treated as 0 on that coordinate.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let s = A[j * k + j]!;
    for (let m = 0; m < j; m++) s -= A[j * k + m]! * A[j * k + m]!;
    const d = s > 0 ? Math.sqrt(s) : 0;
    A[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = A[i * k + j]!;
      for (let m = 0; m < j; m++) t -= A[i * k + m]! * A[j * k + m]!;
      A[i * k + j] = d > 0 ? t / d : 0;
    }
  }
  for (let i = 0; i < k; i++) {
    let t = b[i]!;
    for (let m = 0; m < i; m++) t -= A[i * k + m]! * b[m]!;
    const d = A[i * k + i]!;
    b[i] = d > 0 ? t / d : 0;
  }
  for (let i = k - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let m = i + 1; m < k; m++) t -= A[m * k + i]! * b[m]!;
    const d = A[i * k + i]!;
    b[i] = d > 0 ? t / d : 0;
  }
}

function checkArgs(a: AlsExplicitArgs, nRows: number): void {
  const { offsets, cols, residuals } = a.rows;
  const k = a.k;
  if (!(Number.isInteger(k) && k >= 1) || a.solve.length !== nRows * k || a.fixed.length % k !== 0) {
    throw new InputError('alsExplicitHalfStep: solve must be nRows x k and fixed nOther x k');
  }
  if (offsets[0] !== 0 || offsets[nRows] !== cols.length || residuals.length !== cols.length) {
    throw new InputError('alsExplicitHalfStep: offsets must span the entries');
  }
  for (let r = 0; r < nRows; r++) {
    if (offsets[r]! > offsets[r + 1]!) throw new InputError('alsExplicitHalfStep: offsets must not decrease');
  }
  const nOther = a.fixed.length / k;
  for (let p = 0; p < cols.length; p++) {
    const c = cols[p]!;
    if (!(c >= 0 && c < nOther)) throw new InputError(`alsExplicitHalfStep: index out of range at entry ${p}`);
  }
}
