import { check } from '../errors.js';
import { defaultThreads, kernels } from '../kernels/registry.js';
import type { ItemFactors, Kernels, PairDot } from '../kernels/signatures.js';
import { dotF32 } from '../kernels/ts/pair-dot.js';
import type { Id } from '../matrix/id-index.js';
import type { FactorModelData } from './factor-model-data.js';
import { factorModelTables } from './factor-model-files.js';
import { type FactorFoldedUser, type FoldInOptions, foldInUser } from './fold-in.js';
import type { Model, Prediction, RecommendAllOptions, RecommendOptions, Scored, TopN } from './model.js';
import { ModelBase } from './model-base.js';
import { writeModelDir } from './model-dir.js';
import { usersToRank } from './users-to-rank.js';

/**
 * A fitted factor model: score(u, i) = mu + b_u + b_i + p_u . q_i (biased) or p_u . q_i (Funk),
 * clipped to the rating scale. Unknown users/items fall back as Surprise's SVD.predict does:
 * biased: mu, + b_u when the user is known, + b_i when the item is known, + p.q only when both are;
 * unbiased: p.q when both are known, else the global mean. `known` is true only when both are
 * known (Surprise's was_impossible is its negation).
 *
 * Ranking (recommend, recommendAll, similarItems) uses the same formula unclipped, computed by the
 * active kernel backend in float32 (native) or double rounded to float32 (reference). Items with no
 * training ratings are never recommended. An unknown user is ranked by predict's own fallback,
 * mu + b_i (popularity-like; all ties, hence item order, for unbiased models).
 */
export class FactorModel extends ModelBase<FactorModelData> implements Model {
  /** Latent size (0 for bias-only models). */
  readonly k: number;
  private cache: { items?: ItemFactors; userOffset?: Float32Array; unit?: ItemFactors; pairDot?: PairDot } = {};

  constructor(
    data: FactorModelData,
    private readonly backend: Kernels = kernels(),
  ) {
    super(data, 'FactorModelData', [
      ['userFactors', data.userFactors.length, data.users.size * data.factors],
      ['itemFactors', data.itemFactors.length, data.items.size * data.factors],
    ]);
    this.k = data.factors;
  }

  /** The unclipped score of dense (u, i) with the fallbacks above; u or i may be -1. Accumulates in double. */
  rawScore(u: number, i: number): { score: number; known: boolean } {
    const d = this.data;
    const ku = this.userKnown(u);
    const ki = this.itemKnown(i);
    const both = ku && ki;
    let s = d.globalMean;
    if (d.biased) {
      if (ku) s += d.userBias[u]!;
      if (ki) s += d.itemBias[i]!;
    }
    if (both) {
      const dot = (this.cache.pairDot ??= this.backend.pairDot(d.userFactors, d.itemFactors, this.k))(u, i);
      s = d.biased ? s + dot : dot;
    }
    return { score: s, known: both };
  }

  predictOne(user: Id, item: Id): Prediction {
    const r = this.rawScore(this.users.indexOf(user), this.items.indexOf(item));
    return { score: Math.fround(this.clip(r.score)), known: r.known };
  }

  /** Top-N for one user; unknown users get the mu + b_i fallback ranking (see the class comment). */
  recommend(user: Id, o: RecommendOptions = {}): Scored[] {
    const u = this.users.indexOf(user);
    if (!this.userKnown(u)) return this.rankVector(new Float32Array(this.k), this.data.globalMean, undefined, o);
    const seen = this.seenRow(u);
    return this.rankVector(this.userVectorAt(u), this.userOffsets()[u]!, seen, o);
  }

  /** Top-N for many users on the native bulk kernel; unknown external ids are an InputError. */
  async recommendAll(o: RecommendAllOptions = {}): Promise<TopN> {
    const n = checkN(o.n ?? 10);
    const users = usersToRank(this.users, (u) => this.userKnown(u), o.users);
    const res = await this.backend.topNAll(
      {
        items: this.itemArgs(),
        userFactors: this.data.userFactors,
        userOffset: this.userOffsets(),
        users,
        n,
        seen: (o.excludeSeen ?? true) ? this.data.seen : undefined,
        threads: o.threads ?? defaultThreads(),
      },
      { signal: o.signal, onProgress: o.onProgress },
    );
    // Users in the vocabulary without training ratings (e.g. after a split): the fallback ranking.
    let cold: { items: Int32Array; scores: Float32Array } | undefined;
    for (let r = 0; r < users.length; r++) {
      if (this.userKnown(users[r]!)) continue;
      cold ??= this.backend.topNVector(this.itemArgs(), {
        vector: new Float32Array(this.k),
        offset: this.data.globalMean,
        n,
      });
      res.items.set(cold.items, r * n);
      res.scores.set(cold.scores, r * n);
    }
    return { n, users, items: res.items, scores: res.scores };
  }

  foldIn(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }, o: FoldInOptions = {}): FactorFoldedUser {
    return foldInUser(this, ratings, o);
  }

  async save(dir: string): Promise<void> {
    const { meta, tables } = factorModelTables(this.data);
    await writeModelDir(dir, meta, tables);
  }

  // ---- embeddings for services ----

  /** nUsers x k row-major view (no copy). */
  get userFactors(): Float32Array {
    return this.data.userFactors;
  }
  /** nItems x k row-major view (no copy). */
  get itemFactors(): Float32Array {
    return this.data.itemFactors;
  }
  /** A user's factor vector as a view, undefined for unknown ids. */
  userVector(id: Id): Float32Array | undefined {
    const u = this.users.indexOf(id);
    return u < 0 ? undefined : this.userVectorAt(u);
  }
  /** An item's factor vector as a view, undefined for unknown ids. */
  itemVector(id: Id): Float32Array | undefined {
    const i = this.items.indexOf(id);
    return i < 0 ? undefined : this.data.itemFactors.subarray(i * this.k, (i + 1) * this.k);
  }

  /** The n items whose factors are closest in cosine to `item`'s (itself excluded); [] for unknown items. */
  similarItems(item: Id, n = 10): Scored[] {
    const i = this.items.indexOf(item);
    if (!this.itemKnown(i)) return [];
    const unit = this.unitItems();
    const vector = unit.factors.subarray(i * this.k, (i + 1) * this.k);
    const r = this.backend.topNVector(unit, { vector, offset: 0, n: checkN(n), exclude: Int32Array.of(i) });
    return this.scored(r.items, r.scores);
  }

  /**
   * Scores of every item (dense item order) for a query vector, as a user with that vector and
   * bias `userBias` would get them unclipped: mu + userBias + b_i + v . q_i (Funk: v . q_i).
   */
  scoreItems(vector: Float32Array, userBias = 0): Float32Array {
    check(vector.length === this.k, () => `scoreItems: vector has ${vector.length} values, expected ${this.k}`);
    const offset = this.data.biased ? this.data.globalMean + userBias : 0;
    return this.backend.scoreItems(this.itemArgs(), vector, offset);
  }

  // ---- internals shared with fold-in.ts ----

  /** Ranks items for a query vector: the single-user path (synchronous; short work). */
  rankVector(vector: Float32Array, offset: number, seen: Int32Array | undefined, o: RecommendOptions): Scored[] {
    const n = checkN(o.n ?? 10);
    const skip = new Set<number>();
    if ((o.excludeSeen ?? true) && seen) for (const i of seen) skip.add(i);
    for (const id of o.exclude ?? []) {
      const i = this.items.indexOf(id);
      if (i >= 0) skip.add(i);
    }
    let candidates: Int32Array | undefined;
    if (o.candidates) {
      const set = new Set<number>();
      for (const id of o.candidates) {
        const i = this.items.indexOf(id);
        if (i >= 0) set.add(i);
      }
      candidates = Int32Array.from(set);
    }
    const exclude = Int32Array.from(skip).sort();
    const r = this.backend.topNVector(this.itemArgs(), { vector, offset, n, exclude, candidates });
    return this.scored(r.items, r.scores);
  }

  /** Dot product of a user-side vector (at `at` in `v`) with item i's factors, in double. */
  dot(v: Float32Array, at: number, i: number): number {
    return dotF32(v, at, this.data.itemFactors, i * this.k, this.k);
  }

  clip(s: number): number {
    return s < this.scale.min ? this.scale.min : s > this.scale.max ? this.scale.max : s;
  }

  /** Item factors, biases (zeros for Funk models) and eligibility as the kernels take them. */
  itemArgs(): ItemFactors {
    const d = this.data;
    this.cache.items ??= {
      factors: d.itemFactors,
      bias: d.biased ? d.itemBias : new Float32Array(d.items.size),
      k: this.k,
      eligible: d.itemKnown,
    };
    return this.cache.items;
  }

  private userVectorAt(u: number): Float32Array {
    return this.data.userFactors.subarray(u * this.k, (u + 1) * this.k);
  }

  private seenRow(u: number): Int32Array {
    const s = this.data.seen;
    return s.cols.subarray(s.offsets[u]!, s.offsets[u + 1]!);
  }

  /** mu + b_u per user (biased), 0 (Funk): the score term every item shares. */
  private userOffsets(): Float32Array {
    const d = this.data;
    this.cache.userOffset ??= Float32Array.from(d.userBias, (b) => (d.biased ? d.globalMean + b : 0));
    return this.cache.userOffset;
  }

  private unitItems(): ItemFactors {
    if (!this.cache.unit) {
      const k = this.k;
      const q = this.data.itemFactors;
      const unit = new Float32Array(q.length);
      for (let i = 0; i < this.items.size; i++) {
        let norm = 0;
        for (let f = 0; f < k; f++) norm += q[i * k + f]! ** 2;
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let f = 0; f < k; f++) unit[i * k + f] = q[i * k + f]! * inv;
      }
      this.cache.unit = { factors: unit, bias: new Float32Array(this.items.size), k, eligible: this.data.itemKnown };
    }
    return this.cache.unit;
  }

  private scored(items: Int32Array, scores: Float32Array): Scored[] {
    const out: Scored[] = [];
    for (let r = 0; r < items.length && items[r]! >= 0; r++) {
      out.push({ item: this.items.idOf(items[r]!), score: scores[r]! });
    }
    return out;
  }
}

function checkN(n: number): number {
  check(Number.isInteger(n) && n >= 0, () => `n must be a non-negative integer, got ${n}`);
  return n;
}
