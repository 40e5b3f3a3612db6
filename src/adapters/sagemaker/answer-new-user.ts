import type { Id } from '../../engine/matrix/id-index.js';
import { ClusterModel } from '../../engine/model/cluster-model.js';
import type { Model } from '../../engine/model/model.js';
import { round } from './format-scores.js';
import { InvocationError } from './invocation-error.js';
import type { NewUserInstance } from './new-user-instances.js';

export type NewUserAnswer =
  | { cluster: number; distance: number }
  | { items: Id[]; scores: number[] }
  | { scores: number[]; known: boolean[] };

/**
 * Answers a new user given by ratings (new-user-instances.ts): their top N or predictions through
 * fold-in (any model), or, for a cluster model asked neither, their cluster and its distance.
 * 400 when a vector's length is not the model's item count, or no rated item is known.
 */
export function answerNewUser(model: Model, x: NewUserInstance): NewUserAnswer {
  const given = ratingsOf(model, x);
  if (x.top !== undefined) {
    const top = model.foldIn(given).recommend({ n: x.top, excludeSeen: x.excludeSeen });
    return { items: top.map((s) => s.item), scores: top.map((s) => round(s.score)) };
  }
  if (x.items !== undefined) {
    const { scores, known } = model.foldIn(given).predict(x.items);
    return { scores: Array.from(scores, round), known: Array.from(known, (k) => k === 1) };
  }
  if (model instanceof ClusterModel) {
    const { cluster, distance } = model.assign(given);
    if (cluster < 0) {
      throw new InvocationError(400, `${x.where}: none of the rated items is known to the model; no cluster fits`);
    }
    return { cluster, distance: round(distance) };
  }
  throw new InvocationError(
    400,
    `${x.where}: a ${model.algorithm} model answers a new user's ratings with "top" (recommend) or "items" (predict); give one`,
  );
}

/** The instance's ratings as (item id, rating) pairs in the model's id kind. */
function ratingsOf(model: Model, x: NewUserInstance): { items: Id[]; ratings: number[] } {
  const items: Id[] = [];
  const ratings: number[] = [];
  if (x.vector) {
    const n = model.items.size;
    if (x.vector.length !== n) {
      throw new InvocationError(
        400,
        `${x.where}: "vector" has ${x.vector.length} values but the model has ${n} items (one value per item, in the model's item order)`,
      );
    }
    x.vector.forEach((v, j) => {
      if (v !== null && v !== 0) {
        items.push(model.items.idOf(j));
        ratings.push(v);
      }
    });
  }
  for (const [key, v] of Object.entries(x.ratings ?? {})) {
    const id = model.items.kind === 'number' ? Number(key) : key;
    if (typeof id === 'number' && !Number.isFinite(id)) {
      throw new InvocationError(
        400,
        `${x.where}: "ratings" key "${key}" is not an item id (this model's ids are numbers)`,
      );
    }
    items.push(id);
    ratings.push(v);
  }
  return { items, ratings };
}
