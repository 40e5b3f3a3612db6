import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels, ResidualRows } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModel } from '../model/factor-model.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { BASELINE_ALS_SCHEMA } from './baseline.js';
import { fitBaselineResiduals } from './baseline-residuals.js';
import { checkEpochFinite, type DivergenceContext } from './divergence.js';
import { ratingFactorModel } from './factor-data.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';

export interface AlsExplicitParams {
  factors: number;
  iterations: number;
  reg: number;
  regU: number;
  regI: number;
  baselineEpochs: number;
  initStd: number;
  seed: number;
  threads: number;
}

export const ALS_EXPLICIT_SCHEMA: ParamSchema = {
  factors: { type: 'integer', default: 20, min: 1, max: 1024, doc: 'latent factors k' },
  iterations: { type: 'integer', default: 15, min: 1, max: 10000, doc: 'ALS sweeps (users, then items)' },
  // Chosen on ml-100k: a validation split (20%, seed 1) of KFold fold 0's training set, over
  // factors 10 / 20 / 50 and reg 0.05 ... 0.5 (docs/explicit-models.md).
  reg: {
    type: 'number',
    default: 0.15,
    above: 0,
    max: 1e6,
    doc: 'ridge per rating: a row with n ratings is regularised by reg * n (ALS-WR, as Spark ALS)',
  },
  ...BASELINE_ALS_SCHEMA,
  initStd: { type: 'number', default: 0.1, above: 0, max: 10, doc: 'standard deviation of the item factors at start' },
  seed: { type: 'integer', default: 0, min: 0, max: 0xffffffff, doc: 'seed of the initialisation' },
  threads: threadsParam('solver threads (0: all cores); no effect on results'),
};

/**
 * Biased matrix factorisation by alternating least squares (LensKit's BiasedMF, Spark ALS style;
 * docs/explicit-models.md): the biases b_u, b_i first, by the baseline's ALS (as `baseline`), then
 * p_u and q_i by alternating ridge regressions on the residuals r - (mu + b_u + b_i), each row
 * regularised by reg * its rating count. Deterministic for a seed on any thread count. The model
 * is a FactorModel: score = mu + b_u + b_i + p_u . q_i, like SVD's.
 */
export class ExplicitALS implements Algorithm<AlsExplicitParams> {
  readonly name = 'als-explicit';
  readonly params: Readonly<AlsExplicitParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<AlsExplicitParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<AlsExplicitParams>(this.name, ALS_EXPLICIT_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    const p = this.params;
    const k = this.kernels ?? activeKernels();
    const threads = resolveThreads(p.threads);
    const { base, byUser, byItem } = await fitBaselineResiduals(train, p, o.signal);
    const { userBias, itemBias } = base.data;
    const userFactors = new Float32Array(train.nUsers * p.factors);
    const itemFactors = new Float32Array(train.nItems * p.factors);
    await k.fillNormal(itemFactors, 0, p.initStd, p.seed, { signal: o.signal });
    const guard: DivergenceContext = { algorithm: this.name, scale: train.scale, reg: p.reg };
    const history: EpochReport[] = [];
    for (let it = 0; it < p.iterations; it++) {
      const run = { signal: o.signal };
      await k.alsExplicitHalfStep(
        { rows: byUser, fixed: itemFactors, solve: userFactors, k: p.factors, reg: p.reg, threads },
        run,
      );
      await k.alsExplicitHalfStep(
        { rows: byItem, fixed: userFactors, solve: itemFactors, k: p.factors, reg: p.reg, threads },
        run,
      );
      const sse = residualSse(byUser, userFactors, itemFactors, p.factors);
      const n = train.nRatings;
      const report: EpochReport = { epoch: it + 1, loss: sse, trainRmse: n ? Math.sqrt(sse / n) : Number.NaN };
      checkEpochFinite(guard, it + 1, report.loss);
      history.push(report);
      o.onEpoch?.(report);
      o.onProgress?.((it + 1) / p.iterations);
    }
    return ratingFactorModel(train, this.name, p, guard, { userFactors, itemFactors, userBias, itemBias, history });
  }
}

/** Squared error of the factor term against the residuals (the training error of the full model). */
function residualSse(rows: ResidualRows, P: Float32Array, Q: Float32Array, k: number): number {
  let sse = 0;
  for (let u = 0; u + 1 < rows.offsets.length; u++) {
    for (let q = rows.offsets[u]!; q < rows.offsets[u + 1]!; q++) {
      const i = rows.cols[q]!;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += P[u * k + f]! * Q[i * k + f]!;
      const e = rows.residuals[q]! - dot;
      sse += e * e;
    }
  }
  return sse;
}
