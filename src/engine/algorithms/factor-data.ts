import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { FactorModelData } from '../model/factor-model-data.js';
import type { EpochReport } from './algorithm.js';
import { checkFittedFinite, type DivergenceContext } from './divergence.js';

/**
 * The parts of FactorModelData every algorithm fills the same way from its training matrix: ids,
 * scale, global mean, seen ratings (the training CSR, shared, not copied) and which items are known.
 */
export function factorDataBase(
  train: RatingMatrix,
  algorithm: string,
  params: object,
): Pick<FactorModelData, 'algorithm' | 'params' | 'users' | 'items' | 'scale' | 'globalMean' | 'seen' | 'itemKnown'> {
  const itemKnown = new Uint8Array(train.nItems);
  const cols = train.csr.cols;
  for (let p = 0; p < cols.length; p++) itemKnown[cols[p]!] = 1;
  return {
    algorithm,
    params: { ...params } as Record<string, unknown>,
    users: train.users,
    items: train.items,
    scale: train.scale,
    globalMean: train.globalMean,
    seen: train.csr,
    itemKnown,
  };
}

/**
 * The rating-scale, biased FactorModel an explicit model ends with (score = mu + b_u + b_i +
 * p_u . q_i): the fitted state checked finite, the epochs and last training RMSE as metrics.
 */
export function ratingFactorModel(
  train: RatingMatrix,
  algorithm: string,
  params: { factors: number },
  guard: DivergenceContext,
  m: Pick<FactorModelData, 'userFactors' | 'itemFactors' | 'userBias' | 'itemBias'> & { history: EpochReport[] },
): FactorModel {
  const { history, ...state } = m;
  checkFittedFinite(guard, history.length, state);
  const last = history[history.length - 1];
  const metrics: Record<string, number> = { epochs: history.length };
  if (last?.trainRmse !== undefined) metrics.trainRmse = last.trainRmse;
  return new FactorModel({
    ...factorDataBase(train, algorithm, params),
    ...state,
    factors: params.factors,
    biased: true,
    metrics,
    history,
  });
}
