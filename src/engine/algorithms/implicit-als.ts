import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { Csr, Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModel } from '../model/factor-model.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';
import { initRankingFactors, rankingFactorModel, reportEpoch } from './ranking-factors.js';

export interface ImplicitAlsParams {
  factors: number;
  iterations: number;
  reg: number;
  regExponent: number;
  alpha: number;
  base: number;
  scaling: 'linear' | 'log';
  eps: number;
  cgSteps: number;
  cgPrecision: 'float32' | 'float64';
  initStd: number;
  seed: number;
  threads: number;
}

export const IMPLICIT_ALS_SCHEMA: ParamSchema = {
  factors: { type: 'integer', default: 64, min: 1, max: 1024, doc: 'latent factors k' },
  iterations: { type: 'integer', default: 15, min: 1, max: 10000, doc: 'ALS sweeps (users then items)' },
  reg: { type: 'number', default: 30, min: 0, doc: 'L2 regularisation of user and item factors' },
  regExponent: {
    type: 'number',
    default: 0,
    min: 0,
    max: 2,
    doc: 'frequency-scaled regularisation: a user or item with n interactions gets reg * (1 + n)^regExponent',
  },
  alpha: { type: 'number', default: 1, min: 0, doc: 'confidence slope: c = base + alpha r (or the log form)' },
  base: {
    type: 'number',
    default: 1,
    min: 0,
    doc: "confidence floor of an observed pair: c = base + alpha r (Hu et al.: 1; the implicit library's alpha r: 0)",
  },
  scaling: {
    type: 'string',
    default: 'linear',
    oneOf: ['linear', 'log'],
    doc: 'confidence from the rating/count r: linear base + alpha r, or log base + alpha log(1 + r / eps)',
  },
  eps: { type: 'number', default: 1, above: 0, doc: 'eps of the log scaling' },
  cgSteps: {
    type: 'integer',
    default: 3,
    min: 0,
    max: 1000,
    doc: 'conjugate-gradient steps per row and half-step (implicit: 3); 0 solves each row exactly (Cholesky)',
  },
  cgPrecision: {
    type: 'string',
    default: 'float32',
    oneOf: ['float32', 'float64'],
    doc: 'arithmetic of the CG solve (implicit: float32, about twice as fast); the exact solve is always float64',
  },
  initStd: { type: 'number', default: 0.01, min: 0, doc: 'standard deviation of the normal initialisation' },
  seed: { type: 'integer', default: 0, min: 0, max: 0xffffffff, doc: 'seed of the initialisation' },
  threads: threadsParam('solver threads (0: all cores); results do not depend on it'),
};

/**
 * Implicit-feedback ALS (Hu, Koren and Volinsky 2008; docs/ranking.md): every observed pair has
 * preference 1 and confidence c = base + alpha r (or base + alpha log(1 + r / eps); base 1 as in the
 * paper), every other pair
 * preference 0 and confidence 1; user and item factors are solved in turn, each row by a few
 * warm-started conjugate-gradient steps (as the `implicit` library) or exactly (cgSteps 0).
 *
 * The model is an unbiased FactorModel whose scores are preferences, not ratings: score = p_u . q_i
 * (about 1 for a liked item, 0 for an unknown one), so predict clips to [0, 1] and an unknown pair
 * scores 0. Use it to rank (recommend, recommendAll); RMSE against ratings is meaningless for it.
 */
export class ImplicitALS implements Algorithm<ImplicitAlsParams> {
  readonly name = 'als';
  readonly params: Readonly<ImplicitAlsParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<ImplicitAlsParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<ImplicitAlsParams>(this.name, IMPLICIT_ALS_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    const p = this.params;
    const k = this.kernels ?? activeKernels();
    const threads = resolveThreads(p.threads);
    const byUser = confidenceCsr(train.csr, p);
    const byItem = await k.transposeCsr(byUser, { signal: o.signal });
    const { userFactors, itemFactors } = await initRankingFactors(k, train, p, o.signal);
    const history: EpochReport[] = [];
    const step = {
      k: p.factors,
      reg: p.reg,
      regExponent: p.regExponent,
      cgSteps: p.cgSteps,
      cgPrecision: p.cgPrecision === 'float32' ? (32 as const) : (64 as const),
      threads,
    };
    for (let it = 0; it < p.iterations; it++) {
      await k.alsHalfStep(
        { rows: byUser, solve: userFactors, fixed: itemFactors, ...step, loss: false },
        { signal: o.signal },
      );
      const { loss } = await k.alsHalfStep(
        { rows: byItem, solve: itemFactors, fixed: userFactors, ...step },
        { signal: o.signal },
      );
      reportEpoch(history, o, it + 1, p.iterations, loss + p.reg * squaredNorm(userFactors));
    }
    const metrics = { iterations: p.iterations, loss: history[history.length - 1]?.loss ?? Number.NaN };
    return rankingFactorModel(train, this.name, p, { userFactors, itemFactors, metrics, history });
  }
}

/** The training CSR with confidences for values (same offsets and columns, shared). */
export function confidenceCsr(csr: Csr, p: Pick<ImplicitAlsParams, 'alpha' | 'base' | 'scaling' | 'eps'>): Csr {
  const values = new Float32Array(csr.values.length);
  for (let e = 0; e < values.length; e++) {
    const r = Math.max(0, csr.values[e]!);
    const c = p.base + p.alpha * (p.scaling === 'log' ? Math.log1p(r / p.eps) : r);
    if (!(c > 0)) {
      throw new InputError(
        `als: confidence ${c} of rating ${r} is not positive (base ${p.base}, alpha ${p.alpha}); raise base or alpha`,
      );
    }
    values[e] = c;
  }
  return { ...csr, values };
}

function squaredNorm(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}
