import type { Id } from '../../engine/matrix/id-index.js';
import { InvocationError } from './invocation-error.js';

/**
 * A user the model has not seen, given by their ratings instead of an id:
 *  - `{"vector": [4, 0, 3.5, ...]}`: one value per model item, in the model's item order
 *    (items.arrow); 0 or null means not rated (seed 2's `predictor.predict(vector)`);
 *  - `{"ratings": {"50": 4, "181": 3.5}}`: item id -> rating.
 * With `"top": N` the answer is their top N (unrated items), with `"items": [...]` their predicted
 * ratings of those items (both through fold-in); with neither, a cluster model answers the
 * cluster the ratings fall in and the distance to it.
 */
export interface NewUserInstance {
  kind: 'new-user';
  /** Where the instance sits in the request (`instances[3]`, `line 4`), for 400 messages. */
  where: string;
  vector?: readonly (number | null)[] | undefined;
  ratings?: Record<string, number> | undefined;
  top?: number | undefined;
  excludeSeen: boolean;
  items?: Id[] | undefined;
}

/** Whether an object instance describes a new user by ratings (and has no `user`). */
export function isNewUserInstance(o: Record<string, unknown>): boolean {
  return o.user === undefined && (o.vector !== undefined || o.ratings !== undefined);
}

export function toNewUserInstance(o: Record<string, unknown>, where: string, maxTop: number): NewUserInstance {
  const bad = (what: string) => new InvocationError(400, `${where}: ${what}`);
  if (o.vector !== undefined && o.ratings !== undefined) throw bad('give "vector" or "ratings", not both');
  const vector = o.vector;
  if (vector !== undefined) {
    if (!Array.isArray(vector) || vector.length === 0) throw bad('"vector" must be a non-empty array of numbers');
    const at = vector.findIndex((v) => v !== null && !(typeof v === 'number' && Number.isFinite(v)));
    if (at >= 0) throw bad(`"vector"[${at}] is ${short(vector[at])}; expected a number (0 or null: not rated)`);
  }
  const ratings = o.ratings;
  if (ratings !== undefined) {
    if (ratings === null || typeof ratings !== 'object' || Array.isArray(ratings)) {
      throw bad('"ratings" must be an object {item id: rating}');
    }
    for (const [item, v] of Object.entries(ratings)) {
      if (!(typeof v === 'number' && Number.isFinite(v)))
        throw bad(`"ratings"["${item}"] is ${short(v)}; expected a number`);
    }
  }
  const top = o.top;
  if (top !== undefined && (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > maxTop)) {
    throw bad(`"top" must be an integer in [1, ${maxTop}], got ${short(top)}`);
  }
  const items = o.items;
  if (items !== undefined && !(Array.isArray(items) && items.length > 0 && items.every(isId))) {
    throw bad('"items" must be a non-empty array of item ids');
  }
  if (top !== undefined && items !== undefined) throw bad('give "top" (recommend) or "items" (predict), not both');
  if (o.excludeSeen !== undefined && typeof o.excludeSeen !== 'boolean')
    throw bad('"excludeSeen" must be true or false');
  return {
    kind: 'new-user',
    where,
    vector: vector as (number | null)[] | undefined,
    ratings: ratings as Record<string, number> | undefined,
    top: top as number | undefined,
    excludeSeen: o.excludeSeen !== false,
    items: items as Id[] | undefined,
  };
}

function isId(x: unknown): x is Id {
  return (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && x.length > 0);
}

function short(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
