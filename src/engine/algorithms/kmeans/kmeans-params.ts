import { type ParamSchema, threadsParam, validateParams } from '../param-schema.js';

/** What users are clustered on. */
export type ClusterFeatures = 'ratings' | 'centered' | 'normalized' | 'factors';

/** KMeansRecommender's parameters (plain JSON: they travel as SageMaker hyperparameters). */
export interface KmeansParams {
  k: number;
  features: ClusterFeatures;
  /** Shrinkage of a cluster's deviation for an item toward the item mean (pseudo-ratings). */
  beta: number;
  /** Shrinkage of item and user offsets toward the global mean (Surprise's BaselineOnly ALS reg_i, reg_u). */
  itemBeta: number;
  userBeta: number;
  algorithm: 'auto' | 'lloyd' | 'hamerly' | 'minibatch';
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  /** SVD factors when features = 'factors'. */
  svdFactors: number;
  /** Native worker threads (0 = all cores). */
  threads: number;
}

export const KMEANS_SCHEMA: ParamSchema = {
  k: { type: 'integer', default: 20, min: 1, max: 1_000_000, doc: 'clusters' },
  features: {
    type: 'string',
    default: 'ratings',
    oneOf: ['ratings', 'centered', 'normalized', 'factors'],
    doc: 'user vectors clustered: zero-filled ratings (as the seed), user-mean-centred ratings, unit-length ratings (cosine), or SVD user factors',
  },
  beta: { type: 'number', default: 5, min: 0, max: 1e6, doc: 'cluster deviation shrinkage toward the item mean' },
  itemBeta: { type: 'number', default: 10, min: 0, max: 1e6, doc: 'item offset shrinkage toward the global mean' },
  userBeta: { type: 'number', default: 15, min: 0, max: 1e6, doc: 'user offset shrinkage' },
  algorithm: {
    type: 'string',
    default: 'auto',
    oneOf: ['auto', 'lloyd', 'hamerly', 'minibatch'],
    doc: 'k-means iterations',
  },
  nInit: { type: 'integer', default: 1, min: 1, max: 1000, doc: 'k-means restarts (best inertia kept)' },
  maxIter: { type: 'integer', default: 300, min: 1, max: 100_000, doc: 'Lloyd passes' },
  tol: { type: 'number', default: 1e-4, min: 0, max: 1, doc: 'relative tolerance on centroid movement' },
  seed: { type: 'integer', default: 0, min: 0, max: 4_294_967_295, doc: 'k-means++ seed' },
  svdFactors: { type: 'integer', default: 20, min: 1, max: 4096, doc: 'SVD factors for features = factors' },
  threads: threadsParam('native threads (0 = all cores)'),
};

export function resolveKmeansParams(given: object): KmeansParams {
  return validateParams<KmeansParams>('kmeans', KMEANS_SCHEMA, given);
}
