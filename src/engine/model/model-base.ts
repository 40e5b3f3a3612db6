import type { Csr } from '../kernels/signatures.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import { checkLengths } from './check-lengths.js';
import { predictPairs } from './predict-pairs.js';

/** What factor, cluster and KNN-baseline model data all hold, with the same meaning in each. */
export interface ModelDataCore {
  algorithm: string;
  params: Record<string, unknown>;
  users: IdIndex;
  items: IdIndex;
  scale: RatingScale;
  /** b_u per dense user. */
  userBias: Float32Array;
  /** b_i per dense item. */
  itemBias: Float32Array;
  /** Training ratings, one row per dense user. */
  seen: Csr;
  /** 1 for items with training ratings, per dense item. */
  itemKnown: Uint8Array;
}

/**
 * The part of a Model that FactorModel, ClusterModel and KnnBaselineModel build alike from their
 * data: the Model identity fields, the length checks of the arrays all their data types hold,
 * which users and items had training ratings, and `predict` from each model's own rawScore and
 * clip. Each subclass passes its own arrays' checks (`own`, checked first) under its data type's
 * name for the error messages; its `k` stays its own (latent size, clusters or neighbours).
 */
export abstract class ModelBase<D extends ModelDataCore> {
  readonly algorithm: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly scale: RatingScale;

  protected constructor(
    readonly data: D,
    what: string,
    own: readonly (readonly [string, number, number])[],
  ) {
    this.algorithm = data.algorithm;
    this.params = data.params;
    this.users = data.users;
    this.items = data.items;
    this.scale = data.scale;
    const nU = data.users.size;
    const nI = data.items.size;
    checkLengths(what, [
      ...own,
      ['userBias', data.userBias.length, nU],
      ['itemBias', data.itemBias.length, nI],
      ['itemKnown', data.itemKnown.length, nI],
      ['seen rows', data.seen.nRows, nU],
    ]);
  }

  /** Whether a dense user index has training ratings (a user with an empty row is unknown). */
  userKnown(u: number): boolean {
    const o = this.data.seen.offsets;
    return u >= 0 && u < this.users.size && o[u + 1]! > o[u]!;
  }

  /** Whether a dense item index has training ratings. */
  itemKnown(i: number): boolean {
    return i >= 0 && i < this.items.size && this.data.itemKnown[i] === 1;
  }

  /** Unclipped score of dense (u, i) with the model's fallbacks; u or i may be -1 (unknown id). */
  abstract rawScore(u: number, i: number): { score: number; known: boolean };

  /** A score clipped to the rating scale, as predictions are. */
  protected abstract clip(s: number): number;

  predict(users: readonly Id[], items: readonly Id[]): { scores: Float32Array; known: Uint8Array } {
    return predictPairs(
      this.users,
      this.items,
      users,
      items,
      (u, i) => this.rawScore(u, i),
      (s) => this.clip(s),
    );
  }
}
