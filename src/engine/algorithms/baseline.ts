import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { FactorModel } from '../model/factor-model.js';
import type { Algorithm, EpochReport, FitOptions } from './algorithm.js';
import { checkEpochFinite, checkFittedFinite, type DivergenceContext } from './divergence.js';
import { factorDataBase } from './factor-data.js';
import { type ParamSchema, validateParams } from './param-schema.js';

export interface BaselineParams {
  method: 'als' | 'sgd';
  /** Default 10 for ALS, 20 for SGD (Surprise's bsl_options defaults). */
  epochs: number;
  regU: number;
  regI: number;
  reg: number;
  learningRate: number;
}

/**
 * The bias-ALS parameters of a model that starts from Surprise's ALS baselines (KNNBaseline,
 * explicit ALS): the same names and defaults as Surprise's bsl_options.
 */
export const BASELINE_ALS_SCHEMA: ParamSchema = {
  regU: { type: 'number', default: 15, min: 0, max: 1e6, doc: 'baseline ALS: regularisation of user biases' },
  regI: { type: 'number', default: 10, min: 0, max: 1e6, doc: 'baseline ALS: regularisation of item biases' },
  baselineEpochs: { type: 'integer', default: 10, min: 1, max: 100000, doc: 'baseline ALS passes' },
};

const SCHEMA: ParamSchema = {
  method: { type: 'string', default: 'als', oneOf: ['als', 'sgd'], doc: 'alternating least squares or SGD' },
  epochs: { type: 'integer', default: undefined, min: 1, max: 100000, doc: 'passes (default 10 for als, 20 for sgd)' },
  regU: { type: 'number', default: 15, min: 0, max: 1e6, doc: 'ALS: regularisation of user biases' },
  regI: { type: 'number', default: 10, min: 0, max: 1e6, doc: 'ALS: regularisation of item biases' },
  reg: { type: 'number', default: 0.02, min: 0, max: 10, doc: 'SGD: regularisation of both biases' },
  learningRate: { type: 'number', default: 0.005, above: 0, max: 1, doc: 'SGD: learning rate' },
};

/**
 * Surprise's BaselineOnly: score = mu + b_u + b_i, biases fitted by ALS (default) or SGD.
 * ALS, per epoch: b_i = sum_u (r_ui - mu - b_u) / (reg_i + |U_i|) for every item, then
 * b_u = sum_i (r_ui - mu - b_i) / (reg_u + |I_u|) for every user. SGD, per rating in CSR order:
 * err = r - (mu + b_u + b_i); b_u += lr (err - reg b_u); b_i += lr (err - reg b_i).
 * Biases are kept in double while fitting and stored as float32. TypeScript only: each epoch is
 * one pass of a few flops per rating (ml-1m: ~10 ms), not worth a native twin.
 */
export class Baseline implements Algorithm<BaselineParams> {
  readonly name = 'baseline';
  readonly params: Readonly<BaselineParams>;

  constructor(params: Partial<BaselineParams> = {}) {
    const p = validateParams<BaselineParams>(this.name, SCHEMA, params);
    p.epochs ??= p.method === 'als' ? 10 : 20;
    this.params = Object.freeze(p);
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<FactorModel> {
    const p = this.params;
    const mu = train.globalMean;
    const bu = new Float64Array(train.nUsers);
    const bi = new Float64Array(train.nItems);
    const csc = p.method === 'als' ? await train.csc({ signal: o.signal }) : undefined;
    const history: EpochReport[] = [];
    const guard: DivergenceContext = {
      algorithm: this.name,
      scale: train.scale,
      learningRate: csc ? undefined : p.learningRate,
      reg: p.reg,
    };
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      o.signal?.throwIfAborted();
      if (csc) {
        solveBiases(csc, bi, bu, mu, p.regI);
        solveBiases(train.csr, bu, bi, mu, p.regU);
      } else {
        sgdBiases(train, bu, bi, mu, p.learningRate, p.reg);
      }
      const trainRmse = rmse(train, bu, bi, mu);
      // The objective each method minimises: squared error plus its L2 penalty on the biases.
      const penalty = csc ? p.regU * sumSq(bu) + p.regI * sumSq(bi) : p.reg * (sumSq(bu) + sumSq(bi));
      const report: EpochReport = {
        epoch: epoch + 1,
        loss: trainRmse * trainRmse * train.nRatings + penalty,
        trainRmse,
      };
      checkEpochFinite(guard, epoch + 1, report.loss);
      history.push(report);
      o.onEpoch?.(report);
      o.onProgress?.((epoch + 1) / p.epochs);
      // Let the event loop run (cancellation, progress) between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    checkFittedFinite(guard, history.length, { userBias: bu, itemBias: bi });
    const last = history[history.length - 1];
    return new FactorModel({
      ...factorDataBase(train, this.name, p),
      factors: 0,
      userFactors: new Float32Array(0),
      itemFactors: new Float32Array(0),
      userBias: Float32Array.from(bu),
      itemBias: Float32Array.from(bi),
      biased: true,
      metrics:
        last?.trainRmse === undefined
          ? { epochs: history.length }
          : { epochs: history.length, trainRmse: last.trainRmse },
      history,
    });
  }
}

/** One ALS half-step: for each row r of `m`, out[r] = sum (v - mu - other[col]) / (reg + count). */
function solveBiases(
  m: { offsets: Int32Array; cols: Int32Array; values: Float32Array; nRows: number },
  out: Float64Array,
  other: Float64Array,
  mu: number,
  reg: number,
): void {
  for (let r = 0; r < m.nRows; r++) {
    const a = m.offsets[r]!;
    const b = m.offsets[r + 1]!;
    let dev = 0;
    for (let p = a; p < b; p++) dev += m.values[p]! - mu - other[m.cols[p]!]!;
    out[r] = dev / (reg + (b - a));
  }
}

function sgdBiases(train: RatingMatrix, bu: Float64Array, bi: Float64Array, mu: number, lr: number, reg: number): void {
  const { offsets, cols, values, nRows } = train.csr;
  for (let u = 0; u < nRows; u++) {
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      const i = cols[p]!;
      const err = values[p]! - (mu + bu[u]! + bi[i]!);
      bu[u] = bu[u]! + lr * (err - reg * bu[u]!);
      bi[i] = bi[i]! + lr * (err - reg * bi[i]!);
    }
  }
}

function sumSq(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

function rmse(train: RatingMatrix, bu: Float64Array, bi: Float64Array, mu: number): number {
  const { offsets, cols, values, nRows } = train.csr;
  let s = 0;
  for (let u = 0; u < nRows; u++) {
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      const e = values[p]! - (mu + bu[u]! + bi[cols[p]!]!);
      s += e * e;
    }
  }
  return train.nRatings ? Math.sqrt(s / train.nRatings) : Number.NaN;
}
