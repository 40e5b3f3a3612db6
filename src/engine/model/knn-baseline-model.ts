import { check } from '../errors.js';
import { defaultThreads, kernels } from '../kernels/registry.js';
import type { Kernels } from '../kernels/signatures.js';
import { type KnnScratch, knnBaselineScore, knnScratch } from '../kernels/ts/knn-baseline-top-n.js';
import { TopHeap } from '../kernels/ts/top-heap.js';
import type { Id } from '../matrix/id-index.js';
import { knnBaselineModelTables } from './knn-baseline-model-files.js';
import type { FoldedUser, Model, Prediction, RecommendAllOptions, RecommendOptions, Scored, TopN } from './model.js';
import { ModelBase, type ModelDataCore } from './model-base.js';
import { writeModelDir } from './model-dir.js';
import { usersToRank } from './users-to-rank.js';

/** A fitted KNNBaseline model: baselines, the item-item similarity matrix and the training ratings. */
export interface KnnBaselineModelData extends ModelDataCore {
  globalMean: number;
  /** nItems x nItems row-major float32, symmetric: sim(i, j) at i * nItems + j. */
  sims: Float32Array;
  /** Neighbours used at most (Surprise's k). */
  k: number;
  /** Fewer positive neighbours than this: the baseline alone (Surprise's min_k). */
  minK: number;
  /** Regularisation of a folded-in user's bias (the baseline's regU). */
  regU: number;
  metrics?: Record<string, number> | undefined;
}

/**
 * Surprise's KNNBaseline, item based (docs/explicit-models.md): with b_ui = mu + b_u + b_i,
 *   score(u, i) = b_ui + sum_{j in N^k_u(i)} sim(i, j) (r_uj - b_uj) / sum_{j in N^k_u(i)} sim(i, j)
 * where N^k_u(i) holds the k items u rated most similar to i, of those with sim > 0; fewer than
 * minK of them: b_ui alone. Unknown user or item: mu (+ b_u, + b_i for the known one), known false.
 * Scores clip to the rating scale in predict; recommend ranks by the unclipped score.
 */
export class KnnBaselineModel extends ModelBase<KnnBaselineModelData> implements Model {
  /** Scratch for scoring (synchronous), grown to the longest row seen. */
  private buffers: KnnScratch | undefined;

  constructor(
    data: KnnBaselineModelData,
    private readonly backend: Kernels = kernels(),
  ) {
    const nI = data.items.size;
    super(data, 'KnnBaselineModelData', [['sims', data.sims.length, nI * nI]]);
  }

  /** Unclipped score of dense (u, i); u or i may be -1. */
  rawScore(u: number, i: number): Prediction {
    const d = this.data;
    const ku = this.userKnown(u);
    const ki = this.itemKnown(i);
    if (!ku || !ki) {
      const s = d.globalMean + (ku ? d.userBias[u]! : 0) + (ki ? d.itemBias[i]! : 0);
      return { score: s, known: false };
    }
    const { cols, values, offsets } = d.seen;
    const lo = offsets[u]!;
    const hi = offsets[u + 1]!;
    return {
      score: this.scoreFor(cols.subarray(lo, hi), values.subarray(lo, hi), d.userBias[u]!, i),
      known: true,
    };
  }

  predictOne(user: Id, item: Id): Prediction {
    const r = this.rawScore(this.users.indexOf(user), this.items.indexOf(item));
    return { score: this.clip(r.score), known: r.known };
  }

  recommend(user: Id, o: RecommendOptions = {}): Scored[] {
    const u = this.users.indexOf(user);
    const d = this.data;
    if (!this.userKnown(u)) return this.rank(new Int32Array(0), new Float32Array(0), undefined, o);
    const lo = d.seen.offsets[u]!;
    const hi = d.seen.offsets[u + 1]!;
    return this.rank(d.seen.cols.subarray(lo, hi), d.seen.values.subarray(lo, hi), d.userBias[u]!, o);
  }

  async recommendAll(o: RecommendAllOptions = {}): Promise<TopN> {
    const n = o.n ?? 10;
    check(Number.isInteger(n) && n >= 1, () => `n must be a positive integer, got ${n}`);
    const users = usersToRank(this.users, (u) => this.userKnown(u), o.users);
    const d = this.data;
    const r = await this.backend.knnBaselineTopN(
      {
        ...d,
        eligible: d.itemKnown,
        users,
        n,
        excludeSeen: o.excludeSeen ?? true,
        threads: o.threads ?? defaultThreads(),
      },
      { signal: o.signal, onProgress: o.onProgress },
    );
    return { n, users, items: r.items, scores: r.scores };
  }

  /** A new user: b_u from the ratings given (one ALS step on the item baselines), then scored like a trained user. */
  foldIn(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): FoldedUser {
    check(
      ratings.items.length === ratings.ratings.length,
      () => `foldIn: ${ratings.items.length} items but ${ratings.ratings.length} ratings`,
    );
    const d = this.data;
    const byItem = new Map<number, number>();
    ratings.items.forEach((id, x) => {
      const i = this.items.indexOf(id);
      if (this.itemKnown(i)) byItem.set(i, Number(ratings.ratings[x]));
    });
    const row = Int32Array.from(byItem.keys()).sort();
    const vals = Float32Array.from(row, (i) => byItem.get(i) as number);
    let dev = 0;
    for (let x = 0; x < row.length; x++) dev += vals[x]! - d.globalMean - d.itemBias[row[x]!]!;
    const bu = row.length ? dev / (d.regU + row.length) : 0;
    return {
      predict: (items: readonly Id[]) => {
        const scores = new Float32Array(items.length);
        const known = new Uint8Array(items.length);
        items.forEach((id, p) => {
          const i = this.items.indexOf(id);
          if (!this.itemKnown(i) || row.length === 0) {
            scores[p] = this.clip(d.globalMean + (this.itemKnown(i) ? d.itemBias[i]! : 0));
            return;
          }
          scores[p] = this.clip(this.scoreFor(row, vals, bu, i));
          known[p] = 1;
        });
        return { scores, known };
      },
      recommend: (o: RecommendOptions = {}) => this.rank(row, vals, row.length ? bu : undefined, o),
    };
  }

  async save(dir: string): Promise<void> {
    const { meta, tables } = knnBaselineModelTables(this.data);
    await writeModelDir(dir, meta, tables);
  }

  /** The score of item i for a user with rated items `row` (ratings `vals`) and bias `bu`. */
  private scoreFor(row: Int32Array, vals: Float32Array, bu: number, i: number): number {
    this.buffers = knnScratch(row.length, this.buffers);
    return knnBaselineScore(this.data, row, vals, bu, i, this.buffers);
  }

  private rank(row: Int32Array, vals: Float32Array, bu: number | undefined, o: RecommendOptions): Scored[] {
    const n = o.n ?? 10;
    check(Number.isInteger(n) && n >= 1, () => `n must be a positive integer, got ${n}`);
    const d = this.data;
    const nI = this.items.size;
    const skip = new Uint8Array(nI);
    if (o.excludeSeen ?? true) for (const j of row) skip[j] = 1;
    for (const id of o.exclude ?? []) {
      const i = this.items.indexOf(id);
      if (i >= 0) skip[i] = 1;
    }
    let allowed: Uint8Array | undefined;
    if (o.candidates) {
      allowed = new Uint8Array(nI);
      for (const id of o.candidates) {
        const i = this.items.indexOf(id);
        if (i >= 0) allowed[i] = 1;
      }
    }
    const heap = new TopHeap(n);
    for (let i = 0; i < nI; i++) {
      if (skip[i] || !d.itemKnown[i] || (allowed && !allowed[i])) continue;
      // An unknown user is ranked by its fallback, mu + b_i.
      const s = bu === undefined ? d.globalMean + d.itemBias[i]! : this.scoreFor(row, vals, bu, i);
      heap.offer(s, i);
    }
    const items = new Int32Array(n);
    const out = new Float32Array(n);
    heap.drain(items, out, 0);
    const res: Scored[] = [];
    for (let r = 0; r < n && items[r]! >= 0; r++) res.push({ item: this.items.idOf(items[r]!), score: out[r]! });
    return res;
  }

  protected clip(s: number): number {
    return Math.min(this.scale.max, Math.max(this.scale.min, s));
  }
}
