import type { SvdppRates } from '../kernels/signatures.js';
import { type ParamSchema, validateParams } from './param-schema.js';
import { SVD_SCHEMA, svdRates } from './svd-params.js';

/** SVD++'s parameters: Surprise's SVDpp names in camelCase and its defaults. */
export interface SvdppParams {
  factors: number;
  epochs: number;
  learningRate: number;
  reg: number;
  lrBu?: number;
  lrBi?: number;
  lrPu?: number;
  lrQi?: number;
  lrYj?: number;
  regBu?: number;
  regBi?: number;
  regPu?: number;
  regQi?: number;
  regYj?: number;
  initMean: number;
  initStd: number;
  seed: number;
}

const S = SVD_SCHEMA;
const spec = (name: string) => S[name]!;

export const SVDPP_SCHEMA: ParamSchema = {
  factors: { ...spec('factors'), default: 20 },
  epochs: spec('epochs'),
  learningRate: { ...spec('learningRate'), default: 0.007 },
  reg: spec('reg'),
  lrBu: spec('lrBu'),
  lrBi: spec('lrBi'),
  lrPu: spec('lrPu'),
  lrQi: spec('lrQi'),
  lrYj: { ...spec('lrQi'), doc: 'learning rate of the implicit item factors y_j (default learningRate)' },
  regBu: spec('regBu'),
  regBi: spec('regBi'),
  regPu: spec('regPu'),
  regQi: spec('regQi'),
  regYj: { ...spec('regQi'), doc: 'regularisation of the implicit item factors y_j (default reg)' },
  initMean: spec('initMean'),
  initStd: spec('initStd'),
  seed: { ...spec('seed'), doc: 'seed of the initialisation' },
};

export function resolveSvdppParams(given: Partial<SvdppParams>): SvdppParams {
  return validateParams<SvdppParams>('svdpp', SVDPP_SCHEMA, given);
}

/** Per-term rates, each defaulting to the shared learningRate / reg. */
export function svdppRates(p: SvdppParams): SvdppRates {
  return { ...svdRates(p), lrYj: p.lrYj ?? p.learningRate, regYj: p.regYj ?? p.reg };
}
