import { check } from '../errors.js';
import type { Id, IdIndex } from '../matrix/id-index.js';

/** A model's score for dense (user, item) rows; -1 marks an id the model does not know. */
export type RawScore = (u: number, i: number) => { score: number; known: boolean };

/**
 * `Model.predict` for every model kind: one score per (user, item) pair, in order, clipped as the
 * model clips; `known` is 0 where the model fell back (unknown user or item).
 */
export function predictPairs(
  userIds: IdIndex,
  itemIds: IdIndex,
  users: readonly Id[],
  items: readonly Id[],
  raw: RawScore,
  clip: (score: number) => number,
): { scores: Float32Array; known: Uint8Array } {
  check(users.length === items.length, () => `predict: ${users.length} users but ${items.length} items`);
  const scores = new Float32Array(users.length);
  const known = new Uint8Array(users.length);
  for (let p = 0; p < users.length; p++) {
    const r = raw(userIds.indexOf(users[p]!), itemIds.indexOf(items[p]!));
    scores[p] = clip(r.score);
    known[p] = r.known ? 1 : 0;
  }
  return { scores, known };
}
