import type { Csr } from '../kernels/signatures.js';
import type { IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import { checkLengths } from './check-lengths.js';

/** What factor and cluster model data both hold, with the same meaning in each. */
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
 * The part of a Model that FactorModel and ClusterModel built alike from their data: the Model
 * identity fields, and the length checks of the arrays both data types hold. Each subclass passes
 * its own arrays' checks (`own`, checked first) under its data type's name for the error messages;
 * its `k` stays its own (latent size vs number of clusters).
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
}
