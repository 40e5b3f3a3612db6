import { kernels as activeKernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModel } from '../model/factor-model.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { type ParamSchema, resolveThreads, threadsParam, validateParams } from './param-schema.js';
import { initRankingFactors, rankingFactorModel, reportEpoch } from './ranking-factors.js';

export interface BprParams {
  factors: number;
  epochs: number;
  learningRate: number;
  reg: number;
  initStd: number;
  seed: number;
  threads: number;
}

export const BPR_SCHEMA: ParamSchema = {
  factors: { type: 'integer', default: 32, min: 1, max: 1024, doc: 'latent factors k' },
  epochs: { type: 'integer', default: 100, min: 1, max: 100000, doc: 'epochs; each draws one sample per interaction' },
  learningRate: { type: 'number', default: 0.05, above: 0, doc: 'SGD step' },
  reg: { type: 'number', default: 0.01, min: 0, doc: 'L2 regularisation of factors and item biases' },
  initStd: { type: 'number', default: 0.01, min: 0, doc: 'standard deviation of the normal initialisation' },
  seed: { type: 'integer', default: 0, min: 0, max: 0xffffffff, doc: 'seed of the initialisation and the sampling' },
  threads: threadsParam('Hogwild threads (0: all cores); only 1 gives the same model twice (threads race by design)'),
};

/**
 * Bayesian personalised ranking (Rendle et al. 2009; docs/ranking.md): SGD on ln sigmoid(x_ui -
 * x_uj) for a training item i and a uniformly drawn item j the user does not have, Hogwild over
 * threads as the implicit library. score = b_i + p_u . q_i; an unbiased-by-user FactorModel whose
 * scores rank (preferences, not ratings: predict clips to [0, 1]).
 */
export class BPR implements Algorithm<BprParams> {
  readonly name = 'bpr';
  readonly params: Readonly<BprParams>;
  private readonly kernels: Kernels | undefined;

  constructor(params: Partial<BprParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(validateParams<BprParams>(this.name, BPR_SCHEMA, params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    const p = this.params;
    const k = this.kernels ?? activeKernels();
    const threads = resolveThreads(p.threads);
    const { userFactors, itemFactors } = await initRankingFactors(k, train, p, o.signal);
    const itemBias = new Float32Array(train.nItems);
    const history: EpochReport[] = [];
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const { correct } = await k.bprEpoch(
        {
          seen: train.csr,
          userFactors,
          itemFactors,
          itemBias,
          k: p.factors,
          learningRate: p.learningRate,
          reg: p.reg,
          samples: train.nRatings,
          seed: (p.seed + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0,
          threads,
        },
        { signal: o.signal },
      );
      // loss: the share of sampled pairs still ranked wrong before their update.
      reportEpoch(history, o, epoch + 1, p.epochs, 1 - correct);
    }
    const metrics = { epochs: p.epochs, trainAuc: 1 - (history[history.length - 1]?.loss ?? Number.NaN) };
    return rankingFactorModel(train, this.name, p, { userFactors, itemFactors, itemBias, metrics, history });
  }
}
