import { InternalError } from '../errors.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import type { FactorModelData } from './factor-model-data.js';
import type { FoldedUser, Model, Prediction, RecommendAllOptions, RecommendOptions, Scored, TopN } from './model.js';

/**
 * A fitted factor model: score(u, i) = mu + b_u + b_i + p_u . q_i (biased) or p_u . q_i (Funk),
 * clipped to the rating scale. Unknown users/items fall back as Surprise's SVD.predict does:
 * biased: mu, + b_u when the user is known, + b_i when the item is known, + p.q only when both are;
 * unbiased: p.q when both are known, else the global mean. `known` is true only when both are
 * known (Surprise's was_impossible is its negation).
 */
export class FactorModel implements Model {
  readonly algorithm: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly scale: RatingScale;
  readonly k: number;

  constructor(readonly data: FactorModelData) {
    this.algorithm = data.algorithm;
    this.params = data.params;
    this.users = data.users;
    this.items = data.items;
    this.scale = data.scale;
    this.k = data.factors;
  }

  /** Whether a dense user index has training ratings (a user with an empty row is unknown). */
  userKnown(u: number): boolean {
    const o = this.data.seen.offsets;
    return u >= 0 && u < this.users.size && (o[u + 1] as number) > (o[u] as number);
  }

  /** Whether a dense item index has training ratings. */
  itemKnown(i: number): boolean {
    return i >= 0 && i < this.items.size && this.data.itemKnown[i] === 1;
  }

  /** The unclipped score of dense (u, i) with the fallbacks above; u or i may be -1. Accumulates in double. */
  rawScore(u: number, i: number): { score: number; known: boolean } {
    const d = this.data;
    const ku = this.userKnown(u);
    const ki = this.itemKnown(i);
    const both = ku && ki;
    let s = d.globalMean;
    if (d.biased) {
      if (ku) s += d.userBias[u] as number;
      if (ki) s += d.itemBias[i] as number;
    }
    if (both) {
      const k = this.k;
      const pu = u * k;
      const qi = i * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += (d.userFactors[pu + f] as number) * (d.itemFactors[qi + f] as number);
      s = d.biased ? s + dot : dot;
    }
    return { score: s, known: both };
  }

  predict(users: readonly Id[], items: readonly Id[]): { scores: Float32Array; known: Uint8Array } {
    if (users.length !== items.length) {
      throw new InternalError(`predict: ${users.length} users but ${items.length} items; pass one item per user`);
    }
    const scores = new Float32Array(users.length);
    const known = new Uint8Array(users.length);
    for (let p = 0; p < users.length; p++) {
      const r = this.rawScore(this.users.indexOf(users[p] as Id), this.items.indexOf(items[p] as Id));
      scores[p] = this.clip(r.score);
      known[p] = r.known ? 1 : 0;
    }
    return { scores, known };
  }

  predictOne(user: Id, item: Id): Prediction {
    const r = this.rawScore(this.users.indexOf(user), this.items.indexOf(item));
    return { score: Math.fround(this.clip(r.score)), known: r.known };
  }

  recommend(_user: Id, _o?: RecommendOptions): Scored[] {
    throw new InternalError('FactorModel.recommend is not implemented yet');
  }

  recommendAll(_o?: RecommendAllOptions): Promise<TopN> {
    throw new InternalError('FactorModel.recommendAll is not implemented yet');
  }

  foldIn(_ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): FoldedUser {
    throw new InternalError('FactorModel.foldIn is not implemented yet');
  }

  save(_dir: string): Promise<void> {
    throw new InternalError('FactorModel.save is not implemented yet');
  }

  protected clip(s: number): number {
    return s < this.scale.min ? this.scale.min : s > this.scale.max ? this.scale.max : s;
  }
}
