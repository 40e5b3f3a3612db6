import { check, InputError } from '../errors.js';
import type { Id } from '../matrix/id-index.js';
import type { FactorModel } from './factor-model.js';
import { implicitFoldIn } from './implicit-fold-in.js';
import type { FoldedUser, RecommendOptions, Scored } from './model.js';

export interface FoldInOptions {
  /**
   * Ridge strength per rating. The system solved is (X^T X + reg * n * I) w = X^T y, the
   * stationary point of Surprise's SGD objective for one user (its reg term is applied once per
   * rating, so it scales with n). Default: the model's `reg` param (regPu when set), else 0.02.
   */
  reg?: number | undefined;
}

/** A user folded into a factor model: its vector and bias, scoring like a trained user. */
export class FactorFoldedUser implements FoldedUser {
  constructor(
    private readonly model: FactorModel,
    /** p_u (length k). */
    readonly vector: Float32Array,
    /** b_u (0 for unbiased models). */
    readonly bias: number,
    /** Dense indices of the rated items, sorted (excluded from recommendations). */
    readonly rated: Int32Array,
  ) {}

  /** Scores clipped to the scale; known[i] = 0 for unknown items (they get mu + b_u). */
  predict(items: readonly Id[]): { scores: Float32Array; known: Uint8Array } {
    const m = this.model;
    const d = m.data;
    const scores = new Float32Array(items.length);
    const known = new Uint8Array(items.length);
    items.forEach((id, p) => {
      const i = m.items.indexOf(id);
      const ki = m.itemKnown(i);
      let s = d.biased ? d.globalMean + this.bias + (ki ? d.itemBias[i]! : 0) : d.globalMean;
      if (ki) s = d.biased ? s + m.dot(this.vector, 0, i) : m.dot(this.vector, 0, i);
      scores[p] = m.clip(s);
      known[p] = ki ? 1 : 0;
    });
    return { scores, known };
  }

  recommend(o: RecommendOptions = {}): Scored[] {
    const d = this.model.data;
    const offset = d.biased ? d.globalMean + this.bias : 0;
    return this.model.rankVector(this.vector, offset, this.rated, o);
  }
}

/**
 * Regularised least squares for one new user against the fixed item factors (and biases):
 * biased: w = [p_u; b_u], x_j = [q_j; 1], y_j = r_j - mu - b_j; Funk: w = p_u, x_j = q_j, y_j = r_j.
 * Solved in double by Cholesky. Items unknown to the model (or never rated in training) are ignored.
 */
export function foldInUser(
  model: FactorModel,
  input: { items: readonly Id[]; ratings: ArrayLike<number> },
  o: FoldInOptions = {},
): FactorFoldedUser {
  // Implicit ALS models solve a new user with their own confidence-weighted system.
  if (model.algorithm === 'als' && o.reg === undefined) return implicitFoldIn(model, input);
  check(
    input.items.length === input.ratings.length,
    () => `foldIn: ${input.items.length} items but ${input.ratings.length} ratings`,
  );
  const d = model.data;
  const k = model.k;
  const dim = k + (d.biased ? 1 : 0);
  const reg = o.reg ?? defaultReg(model.params);
  check(Number.isFinite(reg) && reg >= 0, () => `foldIn: reg must be a non-negative number, got ${reg}`);
  const { items: rows, ratings } = knownRatings(model, input);
  const ys = d.biased ? ratings.map((r, j) => r - d.globalMean - d.itemBias[rows[j]!]!) : ratings;
  const n = rows.length;
  const a = new Float64Array(dim * dim);
  const b = new Float64Array(dim);
  const x = new Float64Array(dim);
  for (let j = 0; j < n; j++) {
    const i = rows[j]!;
    for (let f = 0; f < k; f++) x[f] = d.itemFactors[i * k + f]!;
    if (d.biased) x[k] = 1;
    for (let p = 0; p < dim; p++) {
      b[p] = b[p]! + x[p]! * ys[j]!;
      for (let q = 0; q <= p; q++) a[p * dim + q] = a[p * dim + q]! + x[p]! * x[q]!;
    }
  }
  // A tiny floor keeps the system positive definite when n = 0 or reg = 0 (w = 0 then: the fallback).
  const ridge = Math.max(reg * n, 1e-9);
  for (let p = 0; p < dim; p++) a[p * dim + p] = a[p * dim + p]! + ridge;
  const w = choleskySolve(a, b, dim);
  const vector = Float32Array.from(w.subarray(0, k));
  const bias = d.biased ? Math.fround(w[k]!) : 0;
  // Finite ratings far off the scale (1e300) overflow float32 here, or the solve itself: refuse, as
  // the model files refuse non-finite numbers (docs/data-and-ids.md, "Diverged training").
  check(
    Number.isFinite(bias) && vector.every((v) => Number.isFinite(v)),
    () =>
      `foldIn: the user's factors overflowed; are the ratings (e.g. ${String(input.ratings[0])}) on the model's scale [${d.scale.min}, ${d.scale.max}]?`,
  );
  return new FactorFoldedUser(model, vector, bias, Int32Array.from(new Set(rows)).sort());
}

/**
 * A new user's ratings of the items the model knows: dense item indices and ratings, in the given
 * order; unknown items are skipped, a rating that is not a finite number is an InputError.
 */
export function knownRatings(
  model: FactorModel,
  input: { items: readonly Id[]; ratings: ArrayLike<number> },
): { items: number[]; ratings: number[] } {
  const items: number[] = [];
  const ratings: number[] = [];
  for (let j = 0; j < input.items.length; j++) {
    const r = Number(input.ratings[j]);
    check(Number.isFinite(r), () => `foldIn: rating ${j} (item ${String(input.items[j])}) is not a number`);
    const i = model.items.indexOf(input.items[j]!);
    if (!model.itemKnown(i)) continue;
    items.push(i);
    ratings.push(r);
  }
  return { items, ratings };
}

/** Solves A w = b for symmetric positive definite A (lower triangle used), in place, in double. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let p = 0; p < j; p++) s -= a[j * n + p]! ** 2;
    if (!(s > 0)) throw new InputError('foldIn: the least-squares system is not positive definite (raise reg)');
    const l = Math.sqrt(s);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let p = 0; p < j; p++) t -= a[i * n + p]! * a[j * n + p]!;
      a[i * n + j] = t / l;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = b[i]!;
    for (let p = 0; p < i; p++) t -= a[i * n + p]! * y[p]!;
    y[i] = t / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = y[i]!;
    for (let p = i + 1; p < n; p++) t -= a[p * n + i]! * y[p]!;
    y[i] = t / a[i * n + i]!;
  }
  return y;
}

function defaultReg(params: Readonly<Record<string, unknown>>): number {
  for (const key of ['regPu', 'reg']) if (typeof params[key] === 'number') return params[key]!;
  return 0.02;
}
