import type { KernelRun } from '../kernels/signatures.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { RatingScale } from '../matrix/rating-matrix.js';

/** A predicted score. `known` is false when the user or item was unseen and a fallback answered (Surprise's was_impossible). */
export interface Prediction {
  /** The predicted rating, clipped to the model's scale. */
  score: number;
  known: boolean;
}

/**
 * One recommended item. `score` is the *ranking* score: the model's formula unclipped, so it may
 * lie outside the rating scale (an SVD on ratings 1..5 scores some items 5.3). Ranking needs it
 * unclipped: clipped, every item above the top of the scale would tie at the maximum and the
 * order among a user's best items would be lost. For the rating itself use predict(), which clips
 * (the same pair's predict() is min(max, max(min, score))). Interfaces that print both should
 * name this one a ranking score, not a rating.
 */
export interface Scored {
  item: Id;
  score: number;
}

export interface RecommendOptions {
  /** How many items, default 10. */
  n?: number | undefined;
  /** Leave out the items the user rated in training, default true. */
  excludeSeen?: boolean | undefined;
  /** More items to leave out. */
  exclude?: Iterable<Id> | undefined;
  /** Rank only these items (unknown ids are ignored). */
  candidates?: Iterable<Id> | undefined;
}

export interface RecommendAllOptions extends KernelRun {
  n?: number | undefined;
  /** Only these users (external ids); default every user with training ratings. */
  users?: readonly Id[] | undefined;
  excludeSeen?: boolean | undefined;
  /** Worker threads for the native kernel; default all cores. */
  threads?: number | undefined;
}

/**
 * Top-N lists for many users, dense: row r holds user `users[r]`'s items in
 * items[r*n .. r*n+n) by descending score (ties: lower item index first), padded with -1.
 */
export interface TopN {
  n: number;
  users: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

/** A user folded in after training: scores like a trained user, without refitting. */
export interface FoldedUser {
  predict(items: readonly Id[]): { scores: Float32Array; known: Uint8Array };
  recommend(o?: RecommendOptions): Scored[];
}

/** A fitted, immutable, serialisable model (factor models and cluster models alike). */
export interface Model {
  readonly algorithm: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly scale: RatingScale;
  /** Scores for pairs (users[i], items[i]), clipped to the scale; known[i] = 0 where a fallback answered. */
  predict(users: readonly Id[], items: readonly Id[]): { scores: Float32Array; known: Uint8Array };
  predictOne(user: Id, item: Id): Prediction;
  /** The user's top items by descending ranking score (unclipped: see Scored). */
  recommend(user: Id, o?: RecommendOptions): Scored[];
  /** recommend() for many users at once; `scores` are ranking scores as in Scored (unclipped). */
  recommendAll(o?: RecommendAllOptions): Promise<TopN>;
  /** A new user from a few (item, rating) pairs; unknown items are ignored. */
  foldIn(ratings: { items: readonly Id[]; ratings: ArrayLike<number> }): FoldedUser;
  /** Writes the model directory (model-dir.ts) atomically. */
  save(dir: string): Promise<void>;
}
