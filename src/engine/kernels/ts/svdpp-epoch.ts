import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun, SvdppEpochArgs } from '../signatures.js';

/**
 * One epoch of SVD++ SGD with Surprise's SVDpp semantics (docs/explicit-models.md), user by user
 * in CSR order. With s = sqrt(|N(u)|) and z_u = sum_{j in N(u)} y_j / s, per rating (u, i, r):
 *   err = r - (mu + b_u + b_i + q_i . (p_u + z_u))
 *   b_u += lr_bu (err - reg_bu b_u);  b_i += lr_bi (err - reg_bi b_i)
 *   p_uf += lr_pu (err q_if - reg_pu p_uf);  q_if += lr_qi (err (p_uf + z_uf) - reg_qi q_if)
 *   y_jf += lr_yj (err q_if / s - reg_yj y_jf) for every j in N(u)          (old p_uf, q_if)
 * Surprise recomputes z_u and touches every y_j at each rating, O(|N(u)| k) per rating. Here the y
 * update is carried exactly in closed form: with c = 1 - lr_yj reg_yj every y_j of N(u) moves as
 * y_j <- c y_j + g (the same g for all j), so z_u <- c z_u + lr_yj err q_i and, after the user's n
 * ratings, y_j = c^n y_j + D with D accumulated alongside. Same algebra, O(k) per rating.
 * Everything in double; the native twin (native/svdpp-epoch.cc) does the same operations in the
 * same order, so both agree to the last bit.
 */
export async function svdppEpoch(a: SvdppEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }> {
  checkShapes(a);
  const { offsets, cols, values, nRows } = a.csr;
  const { userFactors: P, itemFactors: Q, implicitFactors: Y, userBias: bu, itemBias: bi } = a.params;
  const { factors: k, globalMean: mu } = a.params;
  const r8 = a.rates;
  const c = 1 - r8.lrYj * r8.regYj;
  const z = new Float64Array(k);
  const d = new Float64Array(k);
  let sse = 0;
  for (let u = 0; u < nRows; u++) {
    if ((u & 255) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(u / nRows);
    }
    const lo = offsets[u]!;
    const hi = offsets[u + 1]!;
    if (hi === lo) continue;
    const s = Math.sqrt(hi - lo);
    const pu = u * k;
    z.fill(0);
    d.fill(0);
    for (let p = lo; p < hi; p++) {
      const yj = cols[p]! * k;
      for (let f = 0; f < k; f++) z[f] = z[f]! + Y[yj + f]! / s;
    }
    let cn = 1;
    for (let p = lo; p < hi; p++) {
      const i = cols[p]!;
      const qi = i * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += Q[qi + f]! * (P[pu + f]! + z[f]!);
      const err = values[p]! - (mu + bu[u]! + bi[i]! + dot);
      sse += err * err;
      const b1 = bu[u]!;
      const b2 = bi[i]!;
      bu[u] = b1 + r8.lrBu * (err - r8.regBu * b1);
      bi[i] = b2 + r8.lrBi * (err - r8.regBi * b2);
      const g = r8.lrYj * err;
      for (let f = 0; f < k; f++) {
        const pf = P[pu + f]!;
        const qf = Q[qi + f]!;
        const zf = z[f]!;
        P[pu + f] = pf + r8.lrPu * (err * qf - r8.regPu * pf);
        Q[qi + f] = qf + r8.lrQi * (err * (pf + zf) - r8.regQi * qf);
        z[f] = c * zf + g * qf;
        d[f] = c * d[f]! + (g * qf) / s;
      }
      cn *= c;
    }
    for (let p = lo; p < hi; p++) {
      const yj = cols[p]! * k;
      for (let f = 0; f < k; f++) Y[yj + f] = cn * Y[yj + f]! + d[f]!;
    }
  }
  run?.onProgress?.(1);
  return { sse, penalty: svdppPenalty(a) };
}

/** reg_pu ||P||^2 + reg_qi ||Q||^2 + reg_yj ||Y||^2 + reg_bu ||b_u||^2 + reg_bi ||b_i||^2, each sum in index order. */
function svdppPenalty(a: SvdppEpochArgs): number {
  const m = a.params;
  const r = a.rates;
  const sq = (x: Float64Array) => {
    let t = 0;
    for (let i = 0; i < x.length; i++) t += x[i]! * x[i]!;
    return t;
  };
  return (
    r.regPu * sq(m.userFactors) +
    r.regQi * sq(m.itemFactors) +
    r.regYj * sq(m.implicitFactors) +
    r.regBu * sq(m.userBias) +
    r.regBi * sq(m.itemBias)
  );
}

/** Shapes and indices checked up front: a bad index would read past Q or Y (memory natively). */
function checkShapes(a: SvdppEpochArgs): void {
  const { offsets, cols, nRows } = a.csr;
  const m = a.params;
  const nUsers = m.userBias.length;
  const nItems = m.itemBias.length;
  const k = m.factors;
  if (nRows !== nUsers || offsets.length !== nRows + 1) throw new InputError('svdppEpoch: csr rows != users');
  if (
    m.userFactors.length !== nUsers * k ||
    m.itemFactors.length !== nItems * k ||
    m.implicitFactors.length !== nItems * k
  ) {
    throw new InputError('svdppEpoch: factor arrays must be nUsers x factors and nItems x factors');
  }
  if (offsets[0] !== 0 || offsets[nRows] !== cols.length || a.csr.values.length !== cols.length) {
    throw new InputError('svdppEpoch: offsets must span the entries');
  }
  for (let r = 0; r < nRows; r++) {
    if (offsets[r]! > offsets[r + 1]!) throw new InputError('svdppEpoch: offsets must not decrease');
  }
  for (let p = 0; p < cols.length; p++) {
    const i = cols[p]!;
    if (!(i >= 0 && i < nItems)) throw new InputError(`svdppEpoch: item index out of range at entry ${p}`);
  }
}
