import { check, InputError } from '../errors.js';
import type { Csr } from '../kernels/signatures.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import { clusterModelTables } from './cluster-model-files.js';
import type { FoldedUser, Model, Prediction, RecommendAllOptions, RecommendOptions, Scored, TopN } from './model.js';
import { ModelBase } from './model-base.js';
import { writeModelDir } from './model-dir.js';
import { usersToRank } from './users-to-rank.js';

/** What users were clustered on (see algorithms/kmeans/cluster-features.ts). */
export type ClusterFeatureKind = 'ratings' | 'centered' | 'normalized' | 'factors';

/**
 * Everything a fitted cluster model holds. With mu the global mean,
 *   mu_i = mu + b_i,  b_i = sum_{u rated i} (r_ui - mu) / (n_i + itemBeta)
 *   b_u  = sum_{i rated by u} (r_ui - mu_i) / (n_u + userBeta)
 *   dev_ci = sum_{v in C, v rated i} (r_vi - mu_i - b_v) / (n_Ci + beta)
 *   score(u, i) = mu_i + b_u + dev_{c(u) i}, clipped to the scale.
 * So an item few members of u's cluster rated scores near its own mean (shrunk toward mu when
 * few rated it at all), and one many rated scores by what the cluster thought of it.
 */
export interface ClusterModelData {
  algorithm: string;
  params: Record<string, unknown>;
  users: IdIndex;
  items: IdIndex;
  scale: RatingScale;
  globalMean: number;
  features: ClusterFeatureKind;
  k: number;
  /** Length of a feature vector (items, or SVD factors). */
  dim: number;
  /** k x dim row-major (unit length for 'normalized'). */
  centroids: Float32Array;
  /** Cluster of each dense user, -1 for users without training ratings. */
  userCluster: Int32Array;
  /** b_u per dense user (0 for unknown). */
  userBias: Float32Array;
  /** b_i per dense item (0 for unknown). */
  itemBias: Float32Array;
  /** k x nItems: dev_ci (0 where no member rated i) and n_Ci. */
  deviation: Float32Array;
  memberCounts: Int32Array;
  seen: Csr;
  itemKnown: Uint8Array;
  /** k-means inertia of the user features, and the fit's figures. */
  metrics?: Record<string, number> | undefined;
}

/**
 * A fitted cluster model (KMeansRecommender). Fallbacks, flagged known = false: an unknown user
 * gets mu_i, an unknown item mu + b_u, both unknown mu. Ranking uses the unclipped score; items
 * without training ratings are never recommended; ties go to the lower item index.
 */
export class ClusterModel extends ModelBase<ClusterModelData> implements Model {
  readonly k: number;
  private orderCache = new Map<number, Int32Array>();

  constructor(data: ClusterModelData) {
    const nI = data.items.size;
    super(data, 'ClusterModelData', [
      ['centroids', data.centroids.length, data.k * data.dim],
      ['userCluster', data.userCluster.length, data.users.size],
      ['deviation', data.deviation.length, data.k * nI],
      ['memberCounts', data.memberCounts.length, data.k * nI],
    ]);
    this.k = data.k;
  }

  /** Cluster of a dense user index, -1 when unknown. */
  clusterOf(u: number): number {
    return u >= 0 && u < this.users.size ? this.data.userCluster[u]! : -1;
  }

  /** Users per cluster. */
  clusterSizes(): Int32Array {
    const s = new Int32Array(this.k);
    for (const c of this.data.userCluster) if (c >= 0) s[c]!++;
    return s;
  }

  /** Unclipped score of dense (u, i) with the fallbacks; either may be -1. */
  rawScore(u: number, i: number): { score: number; known: boolean } {
    return this.scoreIn(this.clusterOf(u), u >= 0 && this.clusterOf(u) >= 0 ? this.data.userBias[u]! : 0, i);
  }

  private scoreIn(c: number, userBias: number, i: number): { score: number; known: boolean } {
    const d = this.data;
    const ki = this.itemKnown(i);
    let s = d.globalMean + userBias;
    if (!ki) return { score: s, known: false };
    s += d.itemBias[i]!;
    if (c < 0) return { score: s, known: false };
    return { score: s + d.deviation[c * this.items.size + i]!, known: true };
  }

  protected clip(s: number): number {
    return Math.min(this.scale.max, Math.max(this.scale.min, s));
  }

  predictOne(user: Id, item: Id): Prediction {
    const r = this.rawScore(this.users.indexOf(user), this.items.indexOf(item));
    return { score: Math.fround(this.clip(r.score)), known: r.known };
  }

  /**
   * Known items of cluster c (-1: the item-mean ranking for unknown users) by descending
   * mu_i + dev_ci, ties to the lower index; built once per cluster.
   */
  rankedItems(c: number): Int32Array {
    let order = this.orderCache.get(c);
    if (!order) {
      const nI = this.items.size;
      const key = new Float64Array(nI);
      const ids: number[] = [];
      for (let i = 0; i < nI; i++) {
        if (!this.itemKnown(i)) continue;
        key[i] = this.scoreIn(c, 0, i).score;
        ids.push(i);
      }
      order = Int32Array.from(ids).sort((a, b) => key[b]! - key[a]! || a - b);
      this.orderCache.set(c, order);
    }
    return order;
  }

  recommend(user: Id, o: RecommendOptions = {}): Scored[] {
    const u = this.users.indexOf(user);
    const c = this.clusterOf(u);
    const seen = (o.excludeSeen ?? true) && c >= 0 ? this.seenItems(u) : undefined;
    return this.rankFor(c, c >= 0 ? this.data.userBias[u]! : 0, seen, o);
  }

  private seenItems(u: number): Int32Array {
    const o = this.data.seen.offsets;
    return this.data.seen.cols.subarray(o[u], o[u + 1]);
  }

  private rankFor(c: number, userBias: number, seen: ArrayLike<number> | undefined, o: RecommendOptions): Scored[] {
    const n = checkN(o.n ?? 10);
    const skip = new Set<number>(seen ? Array.from(seen) : []);
    for (const id of o.exclude ?? []) skip.add(this.items.indexOf(id));
    const allowed = o.candidates ? new Set(Array.from(o.candidates, (id) => this.items.indexOf(id))) : undefined;
    const out: Scored[] = [];
    for (const i of this.rankedItems(c)) {
      if (out.length >= n) break;
      if (skip.has(i) || (allowed && !allowed.has(i))) continue;
      out.push({ item: this.items.idOf(i), score: Math.fround(this.scoreIn(c, userBias, i).score) });
    }
    return out;
  }

  /**
   * Top-N for many users: each cluster's items are ranked once, and each user walks their
   * cluster's order skipping their seen items (b_u shifts every score of a user alike).
   */
  async recommendAll(o: RecommendAllOptions = {}): Promise<TopN> {
    const n = checkN(o.n ?? 10);
    const users = usersToRank(this.users, (u) => this.data.userCluster[u]! >= 0, o.users);
    const excludeSeen = o.excludeSeen ?? true;
    const items = new Int32Array(users.length * n).fill(-1);
    const scores = new Float32Array(users.length * n);
    const mark = new Uint8Array(this.items.size);
    for (let r = 0; r < users.length; r++) {
      if ((r & 1023) === 0) {
        o.signal?.throwIfAborted();
        o.onProgress?.(r / users.length);
      }
      const u = users[r]!;
      const c = this.clusterOf(u);
      const seen = excludeSeen && c >= 0 ? this.seenItems(u) : new Int32Array(0);
      for (const i of seen) mark[i] = 1;
      const bias = c >= 0 ? this.data.userBias[u]! : 0;
      let got = 0;
      for (const i of this.rankedItems(c)) {
        if (got >= n) break;
        if (mark[i]) continue;
        items[r * n + got] = i;
        scores[r * n + got] = this.scoreIn(c, bias, i).score;
        got++;
      }
      for (const i of seen) mark[i] = 0;
    }
    o.onProgress?.(1);
    return { n, users, items, scores };
  }

  /**
   * A new user from (item, rating) pairs; unknown items are ignored. The user joins the cluster
   * whose centroid is nearest to their feature vector (built as in training: raw, centred or unit
   * ratings); for 'factors' models, which hold no item factors, the cluster whose scores fit the
   * given ratings best (least squared error). b_u is computed as in training.
   */
  foldIn(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): FoldedUser & { cluster: number } {
    const { idx, val, bias } = this.newUser(ratings, 'foldIn');
    const cluster = idx.length === 0 ? -1 : this.nearestCluster(idx, val, bias).cluster;
    const seen = new Set(idx);
    return {
      cluster,
      predict: (items) => {
        const scores = new Float32Array(items.length);
        const known = new Uint8Array(items.length);
        for (let p = 0; p < items.length; p++) {
          const r = this.scoreIn(cluster, cluster >= 0 ? bias : 0, this.items.indexOf(items[p]!));
          scores[p] = this.clip(r.score);
          known[p] = r.known ? 1 : 0;
        }
        return { scores, known };
      },
      recommend: (o = {}) =>
        this.rankFor(cluster, cluster >= 0 ? bias : 0, (o.excludeSeen ?? true) ? Array.from(seen) : undefined, o),
    };
  }

  /**
   * The cluster a new user's ratings belong to, and how far they are from it: the Euclidean
   * distance between their feature vector (built as in training) and the centroid; for 'factors'
   * models, the root mean squared error of the cluster's scores on the given ratings. Items the
   * model does not know are ignored; cluster -1 (distance NaN) when none is known.
   */
  assign(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): { cluster: number; distance: number } {
    const { idx, val, bias } = this.newUser(ratings, 'assign');
    if (idx.length === 0) return { cluster: -1, distance: Number.NaN };
    const d = this.data;
    const best = this.nearestCluster(idx, val, bias);
    const distance = d.features === 'factors' ? Math.sqrt(best.d / idx.length) : Math.sqrt(Math.max(0, best.d));
    return { cluster: best.cluster, distance };
  }

  /** A new user's known items (dense), their ratings and b_u, computed as in training. */
  private newUser(
    ratings: { items: readonly Id[]; ratings: ArrayLike<number> },
    what: string,
  ): { idx: number[]; val: number[]; bias: number } {
    check(
      ratings.items.length === ratings.ratings.length,
      () => `${what}: ${ratings.items.length} items but ${ratings.ratings.length} ratings`,
    );
    const idx: number[] = [];
    const val: number[] = [];
    for (let p = 0; p < ratings.items.length; p++) {
      const i = this.items.indexOf(ratings.items[p]!);
      const v = Number(ratings.ratings[p]);
      if (!Number.isFinite(v)) throw new InputError(`${what} rating ${p}: ${ratings.ratings[p]} is not a number`);
      if (i >= 0 && this.itemKnown(i)) {
        idx.push(i);
        val.push(v);
      }
    }
    const d = this.data;
    let bias = 0;
    for (let p = 0; p < idx.length; p++) bias += val[p]! - d.globalMean - d.itemBias[idx[p]!]!;
    bias = idx.length ? bias / (idx.length + Number(this.params.userBeta ?? 15)) : 0;
    return { idx, val, bias };
  }

  /** Nearest cluster and its squared distance (squared error summed over the ratings for 'factors'). */
  private nearestCluster(idx: number[], val: number[], bias: number): { cluster: number; d: number } {
    const d = this.data;
    const nI = this.items.size;
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    if (d.features === 'factors') {
      for (let c = 0; c < this.k; c++) {
        let e = 0;
        for (let p = 0; p < idx.length; p++) {
          const s = d.globalMean + bias + d.itemBias[idx[p]!]! + d.deviation[c * nI + idx[p]!]!;
          e += (val[p]! - s) ** 2;
        }
        if (e < bestD) [best, bestD] = [c, e];
      }
      return { cluster: best, d: bestD };
    }
    const x = Float64Array.from(val);
    if (d.features === 'centered') {
      const mean = x.reduce((s, v) => s + v, 0) / x.length;
      for (let p = 0; p < x.length; p++) x[p]! -= mean;
    }
    let xn = 0;
    for (const v of x) xn += v * v;
    if (d.features === 'normalized' && xn > 0) {
      const inv = 1 / Math.sqrt(xn);
      for (let p = 0; p < x.length; p++) x[p]! *= inv;
      xn = 1;
    }
    for (let c = 0; c < this.k; c++) {
      let cn = 0;
      for (let j = 0; j < d.dim; j++) cn += d.centroids[c * d.dim + j]! ** 2;
      let dot = 0;
      for (let p = 0; p < idx.length; p++) dot += x[p]! * d.centroids[c * d.dim + idx[p]!]!;
      const dist = xn + cn - 2 * dot;
      if (dist < bestD) [best, bestD] = [c, dist];
    }
    return { cluster: best, d: bestD };
  }

  async save(dir: string): Promise<void> {
    const { meta, tables } = clusterModelTables(this.data);
    await writeModelDir(dir, meta, tables);
  }
}

function checkN(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`n must be an integer >= 1, got ${n}`);
  return n;
}
