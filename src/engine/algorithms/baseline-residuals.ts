import type { Csr, ResidualRows } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModel } from '../model/factor-model.js';
import { Baseline } from './baseline.js';

/** The BASELINE_ALS_SCHEMA params of a model that starts from Surprise's ALS baselines. */
export interface BaselineAlsParams {
  regU: number;
  regI: number;
  baselineEpochs: number;
}

/**
 * The first step of explicit ALS and KNNBaseline: the ALS baselines b_ui = mu + b_u + b_i fitted
 * on `train`, and every rating's residual r_ui - b_ui, by user (CSR) and by item (CSC).
 */
export async function fitBaselineResiduals(
  train: RatingMatrix,
  p: BaselineAlsParams,
  signal: AbortSignal | undefined,
): Promise<{ base: FactorModel; byUser: ResidualRows; byItem: ResidualRows }> {
  const base = await new Baseline({ method: 'als', epochs: p.baselineEpochs, regU: p.regU, regI: p.regI }).fit(train, {
    signal,
  });
  const { userBias, itemBias } = base.data;
  const mu = train.globalMean;
  const byUser = residuals(train.csr, (u, i) => mu + userBias[u]! + itemBias[i]!);
  const byItem = residuals(await train.csc({ signal }), (i, u) => mu + userBias[u]! + itemBias[i]!);
  return { base, byUser, byItem };
}

/** Each entry's r - b(row, col): (mu + b_u) + b_i in double, as the baselines define it. */
export function residuals(m: Csr, baseline: (row: number, col: number) => number): ResidualRows {
  const res = new Float64Array(m.cols.length);
  for (let r = 0; r < m.nRows; r++) {
    for (let q = m.offsets[r]!; q < m.offsets[r + 1]!; q++) {
      res[q] = m.values[q]! - baseline(r, m.cols[q]!);
    }
  }
  return { offsets: m.offsets, cols: m.cols, residuals: res };
}
