import type { KernelRun } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { TestSet } from '../matrix/split.js';
import type { Model } from '../model/model.js';

/** One training epoch's figures, for history, progress and early stopping. */
export interface EpochReport {
  epoch: number;
  /** Training loss (regularised squared error) or the algorithm's own objective. */
  loss: number;
  trainRmse?: number | undefined;
  validationRmse?: number | undefined;
}

export interface FitOptions extends KernelRun {
  onEpoch?: ((e: EpochReport) => void) | undefined;
  /** Held-out ratings for early stopping / validation curves, in `train`'s index space. */
  validation?: TestSet | undefined;
}

/**
 * A configured, unfitted algorithm. Params are plain JSON (they travel as SageMaker
 * hyperparameters), validated in the constructor; fitted state lives only in the Model.
 */
export interface Algorithm<P extends object = Record<string, unknown>> {
  readonly name: string;
  readonly params: Readonly<P>;
  fit(train: RatingMatrix, o?: FitOptions): Promise<Model>;
}
