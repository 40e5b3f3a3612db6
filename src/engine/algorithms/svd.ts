import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels, SgdParams } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { randomHoldout, type TestSet } from '../matrix/split.js';
import { FactorModel } from '../model/factor-model.js';
import type { FactorModelData } from '../model/factor-model-data.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { checkEpochFinite, checkFittedFinite, type DivergenceContext } from './divergence.js';
import { factorDataBase } from './factor-data.js';
import { resolveThreads } from './param-schema.js';
import { buildSgdPlan, sgdGrid } from './sgd-plan.js';
import { resolveSvdParams, type SvdParams, svdRates } from './svd-params.js';

/**
 * Biased matrix factorisation by SGD with Surprise's semantics and defaults (Surprise's `SVD`):
 * 100 factors, 20 epochs, lr 0.005, reg 0.02, p and q drawn from N(0, 0.1) (users first, row by
 * row, from the shared seeded Rng), biases start at 0; `biased: false` is plain Funk SVD. One
 * thread visits the ratings in CSR order (user-major, as Surprise's trainset) when the item
 * factors fit in cache; otherwise, and with several threads, the matrix is cut into a grid of
 * blocks run stratum by stratum, independent blocks at once (sgdGrid, sgd-plan.ts), with the
 * same result for a given seed, thread count and shape on either backend.
 */
export class SVD implements Algorithm<SvdParams> {
  readonly name = 'svd';
  readonly params: Readonly<SvdParams>;
  private readonly kernels: Kernels | undefined;

  /** Throws InputError on an unknown parameter or a bad value. `o.kernels` picks a backend (tests, benchmarks). */
  constructor(params: Partial<SvdParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(resolveSvdParams(params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    return new FactorModel(await this.fitData(train, o));
  }

  /** The fitted arrays without the model wrapper. */
  async fitData(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModelData> {
    const p = this.params;
    const k = this.kernels ?? activeKernels();
    let validation: TestSet | undefined = o.validation;
    if (!validation && p.validationFraction > 0) {
      const split = randomHoldout(train, { testFraction: p.validationFraction, seed: p.seed });
      train = split.train;
      validation = split.test;
    }
    const threads = resolveThreads(p.threads);
    const grid = sgdGrid(threads, train.nItems, p.factors);
    const plan = buildSgdPlan(train.csr, grid);
    const m = await initParams(k, train, p, o.signal);
    const rates = svdRates(p);
    const n = plan.users.length;
    const history: EpochReport[] = [];
    let best: { rmse: number; epoch: number; snapshot: Float32Array[] } | undefined;
    const guard: DivergenceContext = {
      algorithm: this.name,
      scale: train.scale,
      learningRate: p.learningRate,
      reg: Math.max(rates.regBu, rates.regBi, rates.regPu, rates.regQi),
      initStd: p.initStd,
    };
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const shuffleSeed = p.shuffle ? (p.seed + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0 : undefined;
      const { sse, penalty } = await k.sgdEpoch(
        { plan, params: m, rates, shuffleSeed, threads },
        { signal: o.signal, onProgress: o.onProgress && ((f) => o.onProgress?.((epoch + f) / p.epochs)) },
      );
      const report: EpochReport = {
        epoch: epoch + 1,
        loss: sse + penalty,
        trainRmse: n ? Math.sqrt(sse / n) : Number.NaN,
      };
      checkEpochFinite(guard, epoch + 1, report.loss);
      if (validation) report.validationRmse = validationRmse(train, m, validation);
      history.push(report);
      o.onEpoch?.(report);
      if (p.patience > 0 && report.validationRmse !== undefined) {
        if (!best || report.validationRmse < best.rmse) {
          best = { rmse: report.validationRmse, epoch: epoch + 1, snapshot: snapshot(m) };
        } else if (epoch + 1 - best.epoch >= p.patience) {
          restore(m, best.snapshot);
          break;
        }
      }
    }
    checkFittedFinite(guard, history.length, {
      userFactors: m.userFactors,
      itemFactors: m.itemFactors,
      userBias: m.userBias,
      itemBias: m.itemBias,
    });
    const last = history[history.length - 1];
    const metrics: Record<string, number> = { epochs: history.length };
    if (last?.trainRmse !== undefined) metrics.trainRmse = last.trainRmse;
    if (best) {
      metrics.bestEpoch = best.epoch;
      metrics.validationRmse = best.rmse;
    } else if (last?.validationRmse !== undefined) metrics.validationRmse = last.validationRmse;
    return {
      ...factorDataBase(train, this.name, p),
      factors: m.factors,
      userFactors: m.userFactors,
      itemFactors: m.itemFactors,
      userBias: m.userBias,
      itemBias: m.itemBias,
      biased: p.biased,
      metrics,
      history,
    };
  }
}

/**
 * p_u then q_i, each mean + std * N(0, 1) (Surprise: rng.normal), drawn as one seeded array
 * (users first) by the fillNormal kernel.
 */
async function initParams(k: Kernels, train: RatingMatrix, p: SvdParams, signal?: AbortSignal): Promise<SgdParams> {
  const both = new Float32Array((train.nUsers + train.nItems) * p.factors);
  await k.fillNormal(both, p.initMean, p.initStd, p.seed, { signal });
  const userFactors = both.subarray(0, train.nUsers * p.factors);
  const itemFactors = both.subarray(train.nUsers * p.factors);
  return {
    userFactors,
    itemFactors,
    userBias: new Float32Array(train.nUsers),
    itemBias: new Float32Array(train.nItems),
    factors: p.factors,
    globalMean: train.globalMean,
    biased: p.biased,
  };
}

/** RMSE of the current parameters on held-out triples, predicting as FactorModel does (fallbacks, clipping). */
function validationRmse(train: RatingMatrix, m: SgdParams, test: TestSet): number {
  const model = new FactorModel({
    ...factorDataBase(train, 'svd', {}),
    factors: m.factors,
    userFactors: m.userFactors,
    itemFactors: m.itemFactors,
    userBias: m.userBias,
    itemBias: m.itemBias,
    biased: m.biased,
  });
  const { min, max } = train.scale;
  let s = 0;
  for (let x = 0; x < test.ratings.length; x++) {
    const raw = model.rawScore(test.users[x]!, test.items[x]!).score;
    const e = test.ratings[x]! - Math.min(max, Math.max(min, raw));
    s += e * e;
  }
  return test.ratings.length ? Math.sqrt(s / test.ratings.length) : Number.NaN;
}

function snapshot(m: SgdParams): Float32Array[] {
  return [m.userFactors.slice(), m.itemFactors.slice(), m.userBias.slice(), m.itemBias.slice()];
}

function restore(m: SgdParams, s: Float32Array[]): void {
  m.userFactors.set(s[0]!);
  m.itemFactors.set(s[1]!);
  m.userBias.set(s[2]!);
  m.itemBias.set(s[3]!);
}
