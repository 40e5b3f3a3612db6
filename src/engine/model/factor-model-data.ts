import type { Csr } from '../kernels/signatures.js';
import type { IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';

/**
 * Everything a fitted factor model holds: score(u, i) = mu + b_u + b_i + p_u . q_i, clipped to
 * the scale. SVD, biased or not, and the baselines (factors = 0) all produce this; FactorModel
 * serves it. Arrays are row-major float32, one row per dense index.
 */
export interface FactorModelData {
  algorithm: string;
  params: Record<string, unknown>;
  users: IdIndex;
  items: IdIndex;
  scale: RatingScale;
  globalMean: number;
  /** Latent size k (0 for bias-only models). */
  factors: number;
  /** nUsers * k. */
  userFactors: Float32Array;
  /** nItems * k. */
  itemFactors: Float32Array;
  /** nUsers (zeros when the model is unbiased). */
  userBias: Float32Array;
  /** nItems. */
  itemBias: Float32Array;
  /** Training ratings (CSR by user) for excludeSeen and fold-in; a user with an empty row is unknown. */
  seen: Csr;
  /** Items with at least one training rating (others are unknown). */
  itemKnown: Uint8Array;
  /** Whether the model uses mu + biases (false: plain Funk SVD scores p.q only). */
  biased: boolean;
  metrics?: Record<string, number> | undefined;
  /** Per-epoch training history, if the algorithm recorded one. */
  history?:
    | { epoch: number; loss: number; trainRmse?: number | undefined; validationRmse?: number | undefined }[]
    | undefined;
}
