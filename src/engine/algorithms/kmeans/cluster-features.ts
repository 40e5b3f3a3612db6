import type { Csr, KmeansRows } from '../../kernels/signatures.js';
import type { ClusterFeatures } from './kmeans-params.js';

/**
 * The vectors users are clustered on, for the users that have ratings (`users` maps row -> dense
 * user index). Sparse modes share the CSR structure and never densify:
 * - ratings: the zero-filled rating row (the seed's TensorFlow KMeansClustering input);
 * - centered: r_ui - mean_u, so a user's leniency does not decide their cluster;
 * - normalized: the rating row, clustered by cosine (spherical k-means) since rows differ in length.
 * - factors: dense rows given by the caller (SVD user factors).
 */
export function userFeatureRows(
  seen: Csr,
  features: Exclude<ClusterFeatures, 'factors'>,
): { rows: KmeansRows; users: Int32Array } {
  const users: number[] = [];
  for (let u = 0; u < seen.nRows; u++) if (seen.offsets[u + 1]! > seen.offsets[u]!) users.push(u);
  const n = users.length;
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + seen.offsets[users[r]! + 1]! - seen.offsets[users[r]!]!;
  const nnz = offsets[n]!;
  const cols = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < n; r++) {
    const a = seen.offsets[users[r]!];
    const b = seen.offsets[users[r]! + 1];
    cols.set(seen.cols.subarray(a, b), offsets[r]);
    const row = featureValues(seen.values.subarray(a, b), features);
    values.set(row, offsets[r]);
  }
  return {
    rows: { kind: 'csr', csr: { offsets, cols, values, nRows: n, nCols: seen.nCols } },
    users: Int32Array.from(users),
  };
}

/** One user's feature values from their ratings (fold-in uses the same rule). */
export function featureValues(ratings: ArrayLike<number>, features: Exclude<ClusterFeatures, 'factors'>): Float32Array {
  const out = Float32Array.from(ratings);
  if (features === 'centered' && out.length > 0) {
    let mean = 0;
    for (let p = 0; p < out.length; p++) mean += out[p]!;
    mean /= out.length;
    for (let p = 0; p < out.length; p++) out[p]! -= mean;
  }
  return out;
}
