import type { SgdRates } from '../kernels/signatures.js';
import { type ParamSchema, threadsParam, validateParams } from './param-schema.js';

/** SVD's parameters: Surprise's names in camelCase, Surprise's defaults, plus reckit's extras. */
export interface SvdParams {
  factors: number;
  epochs: number;
  learningRate: number;
  reg: number;
  lrBu?: number;
  lrBi?: number;
  lrPu?: number;
  lrQi?: number;
  regBu?: number;
  regBi?: number;
  regPu?: number;
  regQi?: number;
  initMean: number;
  initStd: number;
  biased: boolean;
  shuffle: boolean;
  seed: number;
  threads: number;
  patience: number;
  validationFraction: number;
}

// The upper bounds are where SGD on any rating scale is already far past diverging (ml-100k
// diverges from learningRate 0.5): a value above them is a typo or a unit mistake, refused with
// the range. Within them the divergence guard (divergence.ts) catches what still diverges.
const MAX_LR = 1;
const MAX_REG = 10;
const lr = (term: string) =>
  ({
    type: 'number',
    default: undefined,
    min: 0,
    max: MAX_LR,
    doc: `learning rate of ${term} (default learningRate)`,
  }) as const;
const reg = (term: string) =>
  ({
    type: 'number',
    default: undefined,
    min: 0,
    max: MAX_REG,
    doc: `regularisation of ${term} (default reg)`,
  }) as const;

export const SVD_SCHEMA: ParamSchema = {
  factors: { type: 'integer', default: 100, min: 1, max: 4096, doc: 'latent factors k' },
  epochs: { type: 'integer', default: 20, min: 1, max: 100000, doc: 'SGD passes over the ratings' },
  learningRate: { type: 'number', default: 0.005, above: 0, max: MAX_LR, doc: 'learning rate of every term' },
  reg: { type: 'number', default: 0.02, min: 0, max: MAX_REG, doc: 'regularisation of every term' },
  lrBu: lr('user biases'),
  lrBi: lr('item biases'),
  lrPu: lr('user factors'),
  lrQi: lr('item factors'),
  regBu: reg('user biases'),
  regBi: reg('item biases'),
  regPu: reg('user factors'),
  regQi: reg('item factors'),
  initMean: { type: 'number', default: 0, min: -10, max: 10, doc: 'mean of the normal initialisation' },
  initStd: { type: 'number', default: 0.1, min: 0, max: 10, doc: 'standard deviation of the normal initialisation' },
  biased: { type: 'boolean', default: true, doc: 'use mu + b_u + b_i (false: plain Funk SVD, p.q only)' },
  shuffle: { type: 'boolean', default: false, doc: 'shuffle the visit order every epoch (Surprise does not)' },
  seed: { type: 'integer', default: 0, min: 0, max: 0xffffffff, doc: 'seed of the initialisation and shuffles' },
  threads: threadsParam(
    'SGD threads (0: all cores). More than 1 cuts the matrix into a 4t x 4t grid of blocks (FPSGD-style), ' +
      'so results depend on t: set it for figures that reproduce across machines',
  ),
  patience: {
    type: 'integer',
    default: 0,
    min: 0,
    max: 100000,
    doc: 'stop after this many epochs without a better validation RMSE and keep the best (0: off)',
  },
  validationFraction: {
    type: 'number',
    default: 0,
    min: 0,
    max: 0.5,
    doc:
      'hold out this fraction of the training ratings (seeded) for validation when fit() gets none; ' +
      'the model is then fitted, and its seen items recorded, without them',
  },
};

export function resolveSvdParams(given: Partial<SvdParams>): SvdParams {
  return validateParams<SvdParams>('svd', SVD_SCHEMA, given);
}

/** The rate and regularisation fields svdRates reads (SVD++ has them too). */
export type SgdRateParams = Pick<
  SvdParams,
  'learningRate' | 'reg' | 'lrBu' | 'lrBi' | 'lrPu' | 'lrQi' | 'regBu' | 'regBi' | 'regPu' | 'regQi'
>;

/** Per-term rates, each defaulting to the shared learningRate / reg. */
export function svdRates(p: SgdRateParams): SgdRates {
  return {
    lrBu: p.lrBu ?? p.learningRate,
    lrBi: p.lrBi ?? p.learningRate,
    lrPu: p.lrPu ?? p.learningRate,
    lrQi: p.lrQi ?? p.learningRate,
    regBu: p.regBu ?? p.reg,
    regBi: p.regBi ?? p.reg,
    regPu: p.regPu ?? p.reg,
    regQi: p.regQi ?? p.reg,
  };
}
