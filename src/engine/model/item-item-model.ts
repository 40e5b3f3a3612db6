import { check } from '../errors.js';
import { defaultThreads, kernels } from '../kernels/registry.js';
import type { Csr, ItemItemFactors, Kernels } from '../kernels/signatures.js';
import { TopHeap } from '../kernels/ts/top-heap.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import { checkLengths } from './check-lengths.js';
import { implicitUserVector } from './implicit-fold-in.js';
import { itemItemModelTables } from './item-item-model-files.js';
import type { FoldedUser, Model, Prediction, RecommendAllOptions, RecommendOptions, Scored, TopN } from './model.js';
import { writeModelDir } from './model-dir.js';
import { predictPairs } from './predict-pairs.js';
import { sparseItemItemTopN, sparseScoreRow, sparseWeight } from './sparse-item-weights.js';
import { usersToRank } from './users-to-rank.js';

/** What an item-item model holds: a dense weight matrix and the training interactions. */
export interface ItemItemModelData {
  algorithm: string;
  params: Record<string, unknown>;
  users: IdIndex;
  items: IdIndex;
  /**
   * nItems x nItems row-major float32: row j is what having seen item j adds to every item's score.
   * Empty when `neighbours` holds the weights instead.
   */
  weights: Float32Array;
  /** The same weights as neighbour lists (row j: the items i with W[j, i] != 0, ascending): large catalogues. */
  neighbours?: Csr | undefined;
  /** Training interactions (CSR by user); every entry counts 1 in the scores. */
  seen: Csr;
  /** 1 for items with training interactions: the only recommendable ones. */
  itemKnown: Uint8Array;
  /**
   * A blended factor term (EASE + implicit ALS): score += weight * p_u . q_i; a folded-in user's
   * p_u is solved as implicit ALS does, with the ALS entries of `params` (alpha, base, scaling,
   * eps, reg, regExponent).
   */
  factors?: ItemItemFactors | undefined;
  metrics?: Record<string, number> | undefined;
}

/** Scores are preferences, not ratings: predict clips them to this scale. */
export const PREFERENCE_SCALE: RatingScale = Object.freeze({ min: 0, max: 1 });

/**
 * A fitted item-item model (EASE, item-kNN; docs/ranking.md): score(u, i) = sum over the items j
 * u interacted with in training of W[j, i]. An unknown user or item scores 0 (known false).
 * Scores rank; they are not ratings, so predict clips them to [0, 1]. A folded-in user is scored
 * the same way from the items given (their values are ignored: interactions are binary).
 */
export class ItemItemModel implements Model {
  readonly algorithm: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly scale: RatingScale = PREFERENCE_SCALE;

  constructor(
    readonly data: ItemItemModelData,
    private readonly backend: Kernels = kernels(),
  ) {
    this.algorithm = data.algorithm;
    this.params = data.params;
    this.users = data.users;
    this.items = data.items;
    const nI = data.items.size;
    check(!(data.neighbours && data.factors), () => 'ItemItemModelData: neighbour lists take no factor term');
    checkLengths('ItemItemModelData', [
      ['weights', data.weights.length, data.neighbours ? 0 : nI * nI],
      ...(data.neighbours ? ([['neighbour rows', data.neighbours.nRows, nI]] as const) : []),
      ['itemKnown', data.itemKnown.length, nI],
      ['seen rows', data.seen.nRows, data.users.size],
      ...(data.factors
        ? ([
            ['user factors', data.factors.user.length, data.users.size * data.factors.k],
            ['item factors', data.factors.item.length, nI * data.factors.k],
          ] as const)
        : []),
    ]);
  }

  userKnown(u: number): boolean {
    const o = this.data.seen.offsets;
    return u >= 0 && u < this.users.size && o[u + 1]! > o[u]!;
  }

  itemKnown(i: number): boolean {
    return i >= 0 && i < this.items.size && this.data.itemKnown[i] === 1;
  }

  /** Unclipped score of dense (u, i) summed in float32 in the user's CSR order (as the kernels). */
  rawScore(u: number, i: number): Prediction {
    if (!this.userKnown(u) || !this.itemKnown(i)) return { score: 0, known: false };
    return { score: this.scoreFor(this.seenRow(u), i, this.userVector(u)), known: true };
  }

  predict(users: readonly Id[], items: readonly Id[]): { scores: Float32Array; known: Uint8Array } {
    return predictPairs(this.users, this.items, users, items, (u, i) => this.rawScore(u, i), clip);
  }

  predictOne(user: Id, item: Id): Prediction {
    const r = this.rawScore(this.users.indexOf(user), this.items.indexOf(item));
    return { score: clip(r.score), known: r.known };
  }

  recommend(user: Id, o: RecommendOptions = {}): Scored[] {
    const u = this.users.indexOf(user);
    if (!this.userKnown(u)) return this.rankRow(new Int32Array(0), o);
    return this.rankRow(this.seenRow(u), o, this.userVector(u));
  }

  async recommendAll(o: RecommendAllOptions = {}): Promise<TopN> {
    const n = o.n ?? 10;
    check(Number.isInteger(n) && n >= 1, () => `n must be a positive integer, got ${n}`);
    const users = usersToRank(this.users, (u) => this.userKnown(u), o.users);
    const { neighbours } = this.data;
    if (neighbours) {
      const run = { signal: o.signal, onProgress: o.onProgress };
      const { seen, itemKnown: eligible } = this.data;
      const excludeSeen = o.excludeSeen ?? true;
      const r = await sparseItemItemTopN({ seen, weights: neighbours, users, n, eligible, excludeSeen }, run);
      return { n, users, items: r.items, scores: r.scores };
    }
    const r = await this.backend.itemItemTopN(
      {
        seen: this.data.seen,
        weights: this.data.weights,
        users,
        n,
        eligible: this.data.itemKnown,
        excludeSeen: o.excludeSeen ?? true,
        factors: this.data.factors,
        threads: o.threads ?? defaultThreads(),
      },
      { signal: o.signal, onProgress: o.onProgress },
    );
    return { n, users, items: r.items, scores: r.scores };
  }

  foldIn(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): FoldedUser {
    check(
      ratings.items.length === ratings.ratings.length,
      () => `foldIn: ${ratings.items.length} items but ${ratings.ratings.length} ratings`,
    );
    const rows = new Set<number>();
    const dense: number[] = [];
    const values: number[] = [];
    ratings.items.forEach((id, j) => {
      const i = this.items.indexOf(id);
      if (!this.itemKnown(i)) return;
      rows.add(i);
      dense.push(i);
      values.push(Number(ratings.ratings[j]));
    });
    const row = Int32Array.from(rows).sort();
    const f = this.data.factors;
    const vector =
      f && row.length > 0 ? implicitUserVector(this.data.params, dense, values, f.item, f.k).vector : undefined;
    return {
      predict: (items: readonly Id[]) => {
        const scores = new Float32Array(items.length);
        const known = new Uint8Array(items.length);
        items.forEach((id, p) => {
          const i = this.items.indexOf(id);
          if (!this.itemKnown(i) || row.length === 0) return;
          scores[p] = clip(this.scoreFor(row, i, vector));
          known[p] = 1;
        });
        return { scores, known };
      },
      recommend: (o: RecommendOptions = {}) => this.rankRow(row, o, vector),
    };
  }

  async save(dir: string): Promise<void> {
    const { meta, tables } = itemItemModelTables(this.data);
    await writeModelDir(dir, meta, tables);
  }

  /**
   * Score vector of every item for a set of seen items, float32 sums in the row's order, plus the
   * factor term for user vector `vector` when the model has one (as the kernels compute it).
   */
  scoreRow(row: Int32Array, vector?: Float32Array): Float32Array {
    const nI = this.items.size;
    const acc = new Float32Array(nI);
    if (this.data.neighbours) sparseScoreRow(this.data.neighbours, row, acc);
    else
      for (const j of row) {
        const w = this.data.weights.subarray(j * nI, (j + 1) * nI);
        for (let i = 0; i < nI; i++) acc[i] = acc[i]! + w[i]!;
      }
    const f = this.data.factors;
    if (f && vector) for (let i = 0; i < nI; i++) acc[i] = acc[i]! + f.weight * this.factorDot(vector, i);
    return acc;
  }

  private scoreFor(row: Int32Array, i: number, vector?: Float32Array): number {
    const nI = this.items.size;
    let s = 0;
    const sparse = this.data.neighbours;
    for (const j of row) {
      s = Math.fround(s + (sparse ? sparseWeight(sparse, j, i) : this.data.weights[j * nI + i]!));
    }
    const f = this.data.factors;
    return f && vector ? Math.fround(s + f.weight * this.factorDot(vector, i)) : s;
  }

  /** p . q_i in double, factors in order. */
  private factorDot(vector: Float32Array, i: number): number {
    const f = this.data.factors as ItemItemFactors;
    let dot = 0;
    for (let x = 0; x < f.k; x++) dot += vector[x]! * f.item[i * f.k + x]!;
    return dot;
  }

  /** A training user's factor vector (undefined without a factor term). */
  private userVector(u: number): Float32Array | undefined {
    const f = this.data.factors;
    return f ? f.user.subarray(u * f.k, (u + 1) * f.k) : undefined;
  }

  private rankRow(row: Int32Array, o: RecommendOptions, vector?: Float32Array): Scored[] {
    const n = o.n ?? 10;
    check(Number.isInteger(n) && n >= 1, () => `n must be a positive integer, got ${n}`);
    const skip = new Uint8Array(this.items.size);
    if (o.excludeSeen ?? true) for (const j of row) skip[j] = 1;
    for (const id of o.exclude ?? []) {
      const i = this.items.indexOf(id);
      if (i >= 0) skip[i] = 1;
    }
    let allowed: Uint8Array | undefined;
    if (o.candidates) {
      allowed = new Uint8Array(this.items.size);
      for (const id of o.candidates) {
        const i = this.items.indexOf(id);
        if (i >= 0) allowed[i] = 1;
      }
    }
    const scores = this.scoreRow(row, vector);
    const heap = new TopHeap(n);
    for (let i = 0; i < scores.length; i++) {
      if (skip[i] || !this.data.itemKnown[i] || (allowed && !allowed[i])) continue;
      heap.offer(scores[i]!, i);
    }
    const items = new Int32Array(n);
    const out = new Float32Array(n);
    heap.drain(items, out, 0);
    const res: Scored[] = [];
    for (let r = 0; r < n && items[r]! >= 0; r++) {
      res.push({ item: this.items.idOf(items[r]!), score: out[r]! });
    }
    return res;
  }

  private seenRow(u: number): Int32Array {
    const s = this.data.seen;
    return s.cols.subarray(s.offsets[u]!, s.offsets[u + 1]!);
  }
}

function clip(s: number): number {
  return Math.fround(s < 0 ? 0 : s > 1 ? 1 : s);
}
