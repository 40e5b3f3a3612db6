import { kernels as activeKernels } from '../kernels/registry.js';
import type { Csr, Kernels, SvdppParams as SvdppState } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModel } from '../model/factor-model.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { checkEpochFinite, type DivergenceContext } from './divergence.js';
import { ratingFactorModel } from './factor-data.js';
import { resolveSvdppParams, type SvdppParams, svdppRates } from './svdpp-params.js';

/**
 * SVD++ (Koren 2008) with Surprise's SVDpp semantics and defaults (docs/explicit-models.md):
 * score = mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j), N(u) the items u rated
 * in training; 20 factors, 20 epochs, lr 0.007, reg 0.02, p, q and y drawn from N(0, 0.1), biases
 * from 0, ratings visited user by user (no shuffle), state in double. The fitted model is a
 * FactorModel whose user vector is p_u + |N(u)|^-1/2 sum y_j (exact for the training users), so
 * predict, recommend, save and load are SVD's.
 */
export class SVDpp implements Algorithm<SvdppParams> {
  readonly name = 'svdpp';
  readonly params: Readonly<SvdppParams>;
  private readonly kernels: Kernels | undefined;

  /** Throws InputError on an unknown parameter or a bad value. `o.kernels` picks a backend (tests). */
  constructor(params: Partial<SvdppParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(resolveSvdppParams(params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    const p = this.params;
    const k = this.kernels ?? activeKernels();
    const m = await initState(k, train, p, o.signal);
    const rates = svdppRates(p);
    const guard: DivergenceContext = {
      algorithm: this.name,
      scale: train.scale,
      learningRate: p.learningRate,
      reg: Math.max(rates.regBu, rates.regBi, rates.regPu, rates.regQi, rates.regYj),
      initStd: p.initStd,
    };
    const history: EpochReport[] = [];
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const { sse, penalty } = await k.svdppEpoch(
        { csr: train.csr, params: m, rates },
        { signal: o.signal, onProgress: o.onProgress && ((f) => o.onProgress?.((epoch + f) / p.epochs)) },
      );
      const n = train.nRatings;
      const report: EpochReport = {
        epoch: epoch + 1,
        loss: sse + penalty,
        trainRmse: n ? Math.sqrt(sse / n) : Number.NaN,
      };
      checkEpochFinite(guard, epoch + 1, report.loss);
      history.push(report);
      o.onEpoch?.(report);
    }
    const userFactors = effectiveUserFactors(train.csr, m);
    const itemFactors = Float32Array.from(m.itemFactors);
    const userBias = Float32Array.from(m.userBias);
    const itemBias = Float32Array.from(m.itemBias);
    return ratingFactorModel(train, this.name, p, guard, { userFactors, itemFactors, userBias, itemBias, history });
  }
}

/** p_u, q_i, y_j, each initMean + initStd * N(0, 1), drawn as one seeded array (users, items, implicit). */
async function initState(k: Kernels, train: RatingMatrix, p: SvdppParams, signal?: AbortSignal): Promise<SvdppState> {
  const nU = train.nUsers * p.factors;
  const nI = train.nItems * p.factors;
  const all = new Float32Array(nU + 2 * nI);
  await k.fillNormal(all, p.initMean, p.initStd, p.seed, { signal });
  return {
    userFactors: Float64Array.from(all.subarray(0, nU)),
    itemFactors: Float64Array.from(all.subarray(nU, nU + nI)),
    implicitFactors: Float64Array.from(all.subarray(nU + nI)),
    userBias: new Float64Array(train.nUsers),
    itemBias: new Float64Array(train.nItems),
    factors: p.factors,
    globalMean: train.globalMean,
  };
}

/** p_u + sum_{j in N(u)} y_j / sqrt(|N(u)|) per user, in double, stored float32. */
export function effectiveUserFactors(csr: Csr, m: SvdppState): Float32Array {
  const k = m.factors;
  const out = new Float32Array(csr.nRows * k);
  const z = new Float64Array(k);
  for (let u = 0; u < csr.nRows; u++) {
    const lo = csr.offsets[u]!;
    const hi = csr.offsets[u + 1]!;
    z.fill(0);
    if (hi > lo) {
      const s = Math.sqrt(hi - lo);
      for (let p = lo; p < hi; p++) {
        const yj = csr.cols[p]! * k;
        for (let f = 0; f < k; f++) z[f] = z[f]! + m.implicitFactors[yj + f]! / s;
      }
    }
    for (let f = 0; f < k; f++) out[u * k + f] = m.userFactors[u * k + f]! + z[f]!;
  }
  return out;
}
