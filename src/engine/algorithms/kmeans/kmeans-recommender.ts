import { CancelledError, InputError } from '../../errors.js';
import type { Kernels, KmeansRows } from '../../kernels/signatures.js';
import type { RatingMatrix } from '../../matrix/rating-matrix.js';
import { ClusterModel } from '../../model/cluster-model.js';
import type { Algorithm, FitOptions } from '../algorithm.js';
import { SVD } from '../svd.js';
import { userFeatureRows } from './cluster-features.js';
import { kmeans } from './kmeans.js';
import { type KmeansParams, resolveKmeansParams } from './kmeans-params.js';

/**
 * The cluster recommender (the seed's SageMaker KMeansClustering, in-process): clusters users
 * with k-means on their rating vectors (or SVD user factors), then scores
 *   score(u, i) = mu_i + b_u + dev_{c(u) i},
 *   dev_ci = sum_{v in C, v rated i} (r_vi - mu_i - b_v) / (n_Ci + beta),
 * with mu_i = mu + b_i the item mean shrunk toward the global mean mu (itemBeta) and b_u the
 * user's offset (userBeta): an item few cluster members rated scores near its own mean. See
 * ClusterModel for fallbacks, ranking and fold-in.
 */
export class KMeansRecommender implements Algorithm<KmeansParams> {
  readonly name = 'kmeans';
  readonly params: Readonly<KmeansParams>;
  private readonly kernels: Kernels | undefined;

  /** Throws InputError on an unknown parameter or a bad value. */
  constructor(params: Partial<KmeansParams> = {}, o: { kernels?: Kernels | undefined } = {}) {
    this.params = Object.freeze(resolveKmeansParams(params));
    this.kernels = o.kernels;
  }

  async fit(train: RatingMatrix, o: FitOptions = {}): Promise<ClusterModel> {
    try {
      return await this.fitModel(train, o);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw new CancelledError('cancelled', { cause: error });
      throw error;
    }
  }

  private async fitModel(train: RatingMatrix, o: FitOptions): Promise<ClusterModel> {
    const p = this.params;
    const { csr } = train;
    const nU = train.nUsers;
    const nI = train.nItems;
    const mu = train.globalMean;
    const itemBias = offsets(csr, nI, mu, undefined, p.itemBeta);
    const userBias = offsets(csr, nI, mu, itemBias, p.userBeta);
    let rows: KmeansRows;
    let members: Int32Array;
    const kmeansShare = p.features === 'factors' ? 0.5 : 1;
    if (p.features === 'factors') {
      const svd = new SVD({ factors: p.svdFactors, seed: p.seed, threads: p.threads }, { kernels: this.kernels });
      const fm = await svd
        .fit(train, { signal: o.signal, onProgress: (f) => o.onProgress?.(0.5 * f) })
        .catch((error: unknown) => {
          // name the step the user did not ask for by name (divergence.ts: e.g. unscaled counts)
          if (error instanceof InputError)
            throw new InputError(`kmeans (features=factors): ${error.message}`, { cause: error });
          throw error;
        });
      const f = p.svdFactors;
      const known = userFeatureRows(csr, 'ratings').users;
      const values = new Float32Array(known.length * f);
      for (let r = 0; r < known.length; r++) {
        values.set(fm.data.userFactors.subarray(known[r]! * f, (known[r]! + 1) * f), r * f);
      }
      rows = { kind: 'dense', values, nRows: known.length, dim: f };
      members = known;
    } else {
      const built = userFeatureRows(csr, p.features);
      rows = built.rows;
      members = built.users;
    }
    const km = await kmeans(rows, p.k, {
      seed: p.seed,
      nInit: p.nInit,
      maxIter: p.maxIter,
      tol: p.tol,
      algorithm: p.algorithm,
      metric: p.features === 'normalized' ? 'cosine' : 'euclidean',
      threads: p.threads || undefined,
      kernels: this.kernels,
      signal: o.signal,
      onProgress: (f) => o.onProgress?.(1 - kmeansShare + kmeansShare * f),
    });
    const userCluster = new Int32Array(nU).fill(-1);
    for (let r = 0; r < members.length; r++) userCluster[members[r]!] = km.labels[r]!;
    const sums = new Float64Array(p.k * nI);
    const memberCounts = new Int32Array(p.k * nI);
    for (let u = 0; u < nU; u++) {
      const c = userCluster[u]!;
      if (c < 0) continue;
      for (let q = csr.offsets[u]!; q < csr.offsets[u + 1]!; q++) {
        const i = csr.cols[q]!;
        sums[c * nI + i]! += csr.values[q]! - mu - itemBias[i]! - userBias[u]!;
        memberCounts[c * nI + i]!++;
      }
    }
    const deviation = new Float32Array(p.k * nI);
    for (let q = 0; q < sums.length; q++)
      if (memberCounts[q]! > 0) deviation[q] = sums[q]! / (memberCounts[q]! + p.beta);
    const itemKnown = new Uint8Array(nI);
    for (let q = 0; q < csr.offsets[nU]!; q++) itemKnown[csr.cols[q]!] = 1;
    return new ClusterModel({
      algorithm: this.name,
      params: { ...p },
      users: train.users,
      items: train.items,
      scale: train.scale,
      globalMean: mu,
      features: p.features,
      k: p.k,
      dim: km.dim,
      centroids: km.centroids,
      userCluster,
      userBias,
      itemBias,
      deviation,
      memberCounts,
      seen: csr,
      itemKnown,
      metrics: { inertia: km.inertia, iterations: km.iterations, emptyClustersRepaired: km.emptyClustersRepaired },
    });
  }
}

/**
 * Shrunk offsets in one pass: without `itemBias`, b_i = sum (r - mu) / (n_i + beta) per item;
 * with it, b_u = sum (r - mu - b_i) / (n_u + beta) per user.
 */
function offsets(
  csr: RatingMatrix['csr'],
  nI: number,
  mu: number,
  itemBias: Float32Array | undefined,
  beta: number,
): Float32Array {
  const perUser = itemBias !== undefined;
  const n = perUser ? csr.nRows : nI;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (let u = 0; u < csr.nRows; u++) {
    for (let q = csr.offsets[u]!; q < csr.offsets[u + 1]!; q++) {
      const i = csr.cols[q]!;
      const key = perUser ? u : i;
      sum[key]! += csr.values[q]! - mu - (perUser ? itemBias[i]! : 0);
      count[key]!++;
    }
  }
  return Float32Array.from(sum, (s, key) => (count[key]! > 0 ? s / (count[key]! + beta) : 0));
}
