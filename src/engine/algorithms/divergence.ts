import { InputError } from '../errors.js';
import type { RatingScale } from '../matrix/rating-matrix.js';

/**
 * The divergence guard (docs/data-and-ids.md, "Diverged training"): SGD with a step too large for
 * the ratings' range overflows to Infinity and then NaN within an epoch or two, after which every
 * prediction is NaN. Fitting checks the epoch's loss (a NaN or Infinity anywhere in the factors
 * shows up in it, since every trained factor takes part in some rating's error) and stops with an
 * InputError that says what to change, instead of returning a model that cannot predict.
 */

/** A rating span above this is taken for unscaled counts (play counts, clicks), not a rating scale. */
const WIDE_SPAN = 100;

export interface DivergenceContext {
  algorithm: string;
  scale: RatingScale;
  learningRate?: number | undefined;
  /** The largest regularisation SGD applies (its step shrinks a value by learningRate x reg). */
  reg?: number | undefined;
  initStd?: number | undefined;
}

/** Throws InputError when an epoch's loss is not finite: training diverged in that epoch (1-based). */
export function checkEpochFinite(c: DivergenceContext, epoch: number, loss: number): void {
  if (Number.isFinite(loss)) return;
  throw new InputError(
    `${c.algorithm}: training diverged in epoch ${epoch} (the training loss is ${loss}); ${likelyCause(c)}`,
  );
}

/** What most likely made SGD diverge, and the fix, in one clause. */
export function likelyCause(c: DivergenceContext): string {
  const { min, max } = c.scale;
  const lr = c.learningRate === undefined ? '' : ` (learningRate ${c.learningRate})`;
  if (max - min > WIDE_SPAN) {
    return (
      `the ratings span [${min}, ${max}], too wide for SGD${lr}: scale them first ` +
      '(e.g. log(1 + count) for play counts, or bucket them to 1..5), or lower learningRate'
    );
  }
  if (c.learningRate !== undefined && c.reg !== undefined && c.learningRate * c.reg >= 1) {
    return `learningRate x reg is ${c.learningRate * c.reg} (>= 1), so each step overshoots: lower either`;
  }
  if (c.initStd !== undefined && c.initStd > 1) {
    return `initStd ${c.initStd} is large for ratings on [${min}, ${max}]: use about 0.1`;
  }
  return `the learning rate is too high for ratings on [${min}, ${max}]${lr}: lower it (e.g. 0.005 to 0.05)`;
}

/** Index of the first NaN or +-Infinity in `a`, or -1. */
export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    // v - v is 0 for every finite v and NaN for NaN and +-Infinity: one test for both.
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * The scan after the last epoch: an update in the last epoch can overflow after its loss was
 * summed. Throws the same InputError, naming the array and the epoch.
 */
export function checkFittedFinite(
  c: DivergenceContext,
  epochs: number,
  arrays: Record<string, ArrayLike<number>>,
): void {
  for (const [name, a] of Object.entries(arrays)) {
    const at = firstNonFinite(a);
    if (at >= 0) {
      throw new InputError(
        `${c.algorithm}: training diverged by epoch ${epochs} (${name}[${at}] is ${a[at]}); ${likelyCause(c)}`,
      );
    }
  }
}
