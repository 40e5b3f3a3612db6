import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { EpochReport, FitOptions } from './algorithm.js';
import { factorDataBase } from './factor-data.js';

/**
 * What the factor rankers (implicit ALS, BPR; docs/ranking.md) share around their own update
 * loops: seeded normal initialisation of both sides in one draw (users first), the epoch report,
 * and the preference-scale FactorModel they produce (scores rank, predict clips to [0, 1]).
 */
export async function initRankingFactors(
  k: Kernels,
  train: RatingMatrix,
  p: { factors: number; initStd: number; seed: number },
  signal: AbortSignal | undefined,
): Promise<{ userFactors: Float32Array; itemFactors: Float32Array }> {
  const both = new Float32Array((train.nUsers + train.nItems) * p.factors);
  await k.fillNormal(both, 0, p.initStd, p.seed, { signal });
  return {
    userFactors: both.subarray(0, train.nUsers * p.factors),
    itemFactors: both.subarray(train.nUsers * p.factors),
  };
}

/** Records epoch `epoch` (1-based) of `total` with its loss and tells the caller's callbacks. */
export function reportEpoch(history: EpochReport[], o: FitOptions, epoch: number, total: number, loss: number): void {
  const report = { epoch, loss };
  history.push(report);
  o.onEpoch?.(report);
  o.onProgress?.(epoch / total);
}

export function rankingFactorModel(
  train: RatingMatrix,
  algorithm: string,
  params: { factors: number },
  m: {
    userFactors: Float32Array;
    itemFactors: Float32Array;
    itemBias?: Float32Array | undefined;
    metrics: Record<string, number>;
    history: EpochReport[];
  },
): FactorModel {
  return new FactorModel({
    ...factorDataBase(train, algorithm, params),
    scale: { min: 0, max: 1 },
    globalMean: 0,
    factors: params.factors,
    userFactors: m.userFactors,
    itemFactors: m.itemFactors,
    userBias: new Float32Array(train.nUsers),
    itemBias: m.itemBias ?? new Float32Array(train.nItems),
    biased: m.itemBias !== undefined,
    metrics: m.metrics,
    history: m.history,
  });
}
