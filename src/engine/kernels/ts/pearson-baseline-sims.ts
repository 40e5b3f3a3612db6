import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun, PearsonBaselineArgs, ResidualRows } from '../signatures.js';

/**
 * Shrunk pearson_baseline similarity of every item pair, Surprise's definition (docs/explicit-models.md):
 * with d_ui = r_ui - (mu + b_u + b_i) and U_ij the users who rated both i and j, n = |U_ij|,
 *   sim(i, j) = sum d_ui d_uj / sqrt(sum d_ui^2 * sum d_uj^2) * (n - 1) / (n - 1 + shrinkage)
 * and 0 when n < max(2, minSupport); sim(i, i) = 1. Row i is accumulated in double over i's users
 * in ascending order, each user's items in ascending order, so sim(i, j) and sim(j, i) are the same
 * sums and the matrix is exactly symmetric; the native twin (native/pearson-baseline-sims.cc) runs
 * rows on several threads with the same arithmetic. O(sum_u |I_u|^2) work, nItems^2 floats out.
 */
export async function pearsonBaselineSims(a: PearsonBaselineArgs, run?: KernelRun): Promise<Float32Array> {
  const nI = a.nItems;
  const nU = a.byUser.offsets.length - 1;
  checkRows('byUser', a.byUser, nU, nI);
  checkRows('byItem', a.byItem, nI, nU);
  const out = new Float32Array(nI * nI);
  const prods = new Float64Array(nI);
  const sqi = new Float64Array(nI);
  const sqj = new Float64Array(nI);
  const freq = new Int32Array(nI);
  const minSupport = Math.max(2, a.minSupport);
  const { byItem, byUser } = a;
  for (let i = 0; i < nI; i++) {
    if ((i & 63) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(i / nI);
    }
    prods.fill(0);
    sqi.fill(0);
    sqj.fill(0);
    freq.fill(0);
    for (let p = byItem.offsets[i]!; p < byItem.offsets[i + 1]!; p++) {
      const u = byItem.cols[p]!;
      const di = byItem.residuals[p]!;
      for (let q = byUser.offsets[u]!; q < byUser.offsets[u + 1]!; q++) {
        const j = byUser.cols[q]!;
        const dj = byUser.residuals[q]!;
        freq[j] = freq[j]! + 1;
        prods[j] = prods[j]! + di * dj;
        sqi[j] = sqi[j]! + di * di;
        sqj[j] = sqj[j]! + dj * dj;
      }
    }
    const row = i * nI;
    for (let j = 0; j < nI; j++) {
      const n = freq[j]!;
      if (j === i) out[row + j] = 1;
      else if (n >= minSupport) out[row + j] = shrunk(prods[j]!, sqi[j]!, sqj[j]!, n, a.shrinkage);
    }
  }
  run?.onProgress?.(1);
  return out;
}

/** rho * (n - 1) / (n - 1 + shrinkage); 0 when a side has no spread (Surprise divides by zero there). */
function shrunk(prod: number, si: number, sj: number, n: number, shrinkage: number): number {
  const den = Math.sqrt(si * sj);
  if (!(den > 0)) return 0;
  let s = prod / den;
  s *= (n - 1) / (n - 1 + shrinkage);
  return s;
}

function checkRows(name: string, r: ResidualRows, nRows: number, nCols: number): void {
  const { offsets, cols, residuals } = r;
  if (nRows < 0 || offsets.length !== nRows + 1) {
    throw new InputError(`pearsonBaselineSims: ${name} must have ${nRows} rows`);
  }
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== cols.length || residuals.length !== cols.length) {
    throw new InputError(`pearsonBaselineSims: ${name} offsets must span its entries`);
  }
  for (let x = 0; x + 1 < offsets.length; x++) {
    if (offsets[x]! > offsets[x + 1]!) throw new InputError(`pearsonBaselineSims: ${name} offsets must not decrease`);
  }
  for (let p = 0; p < cols.length; p++) {
    const c = cols[p]!;
    if (!(c >= 0 && c < nCols)) throw new InputError(`pearsonBaselineSims: ${name} index out of range at entry ${p}`);
  }
}
