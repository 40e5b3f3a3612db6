import { check } from '../errors.js';
import { alsHalfStepSync } from '../kernels/ts/als-half-step.js';
import type { Id } from '../matrix/id-index.js';
import type { FactorModel } from './factor-model.js';
import { FactorFoldedUser, knownRatings } from './fold-in.js';

/**
 * Folds a new user into an implicit-ALS model the way training solves a user (docs/ranking.md):
 * preference 1 with confidence base + alpha * r (or the log form) for each given item, 0 with
 * confidence 1 elsewhere, one exact solve against the fixed item factors with the model's own
 * reg and regExponent. Items unknown to the model are ignored; a repeated item keeps its last value.
 */
export function implicitFoldIn(
  model: FactorModel,
  input: { items: readonly Id[]; ratings: ArrayLike<number> },
): FactorFoldedUser {
  check(
    input.items.length === input.ratings.length,
    () => `foldIn: ${input.items.length} items but ${input.ratings.length} ratings`,
  );
  const { items, ratings: values } = knownRatings(model, input);
  const { vector, cols } = implicitUserVector(model.params, items, values, model.itemFactors, model.k);
  return new FactorFoldedUser(model, vector, 0, cols);
}

/**
 * The implicit-ALS solve of one user row from dense item indices and their values, with the ALS
 * params given (alpha, base, scaling, eps, reg, regExponent). Returns the vector and the items used.
 */
export function implicitUserVector(
  params: Readonly<Record<string, unknown>>,
  items: readonly number[],
  values: readonly number[],
  itemFactors: Float32Array,
  k: number,
): { vector: Float32Array; cols: Int32Array } {
  const p = params as Record<string, number | string>;
  const alpha = Number(p.alpha ?? 1);
  const base = Number(p.base ?? 1);
  const eps = Number(p.eps ?? 1);
  const byItem = new Map<number, number>();
  items.forEach((i, j) => {
    const x = Math.max(0, values[j]!);
    const c = base + alpha * (p.scaling === 'log' ? Math.log1p(x / eps) : x);
    check(c > 0, () => `foldIn: confidence ${c} of a given item is not positive`);
    byItem.set(i, c);
  });
  const cols = Int32Array.from(byItem.keys()).sort();
  const conf = Float32Array.from(cols, (i) => byItem.get(i) as number);
  const vector = new Float32Array(k);
  alsHalfStepSync({
    rows: { offsets: Int32Array.of(0, cols.length), cols, values: conf, nRows: 1, nCols: itemFactors.length / k },
    solve: vector,
    fixed: itemFactors,
    k,
    reg: Number(p.reg ?? 0),
    regExponent: Number(p.regExponent ?? 0),
    cgSteps: 0,
    loss: false,
  });
  return { vector, cols };
}
