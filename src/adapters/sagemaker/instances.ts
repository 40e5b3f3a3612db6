import type { Id } from '../../engine/matrix/id-index.js';
import { InvocationError } from './invocation-error.js';
import { isNewUserInstance, type NewUserInstance, toNewUserInstance } from './new-user-instances.js';

/** One predicted rating for (user, item). */
export interface PredictInstance {
  kind: 'predict';
  user: Id;
  item: Id;
}

/** The top-N items for a user (unseen ones by default). */
export interface RecommendInstance {
  kind: 'recommend';
  user: Id;
  n: number;
  excludeSeen: boolean;
  exclude?: Id[] | undefined;
}

export type Instance = PredictInstance | RecommendInstance | NewUserInstance;

/** The largest `top` a request may ask for (keeps a response well under 6 MB). */
export const MAX_TOP_N = 1000;

/**
 * Reads one JSON instance. Shapes (README, "Inference server"):
 *  - `{"user": 1, "item": 610}` or `[1, 610]`: predict;
 *  - `{"user": 1, "top": 10, "excludeSeen": true, "exclude": [...]}`: recommend.
 */
export function toInstance(x: unknown, where: string): Instance {
  if (Array.isArray(x)) {
    if (x.length !== 2 || !isId(x[0]) || !isId(x[1])) {
      throw new InvocationError(400, `${where}: an array instance must be [user, item] (ids are numbers or strings)`);
    }
    return { kind: 'predict', user: x[0], item: x[1] };
  }
  if (x === null || typeof x !== 'object') {
    throw new InvocationError(
      400,
      `${where}: expected an object {"user", "item"} or {"user", "top"}, got ${describe(x)}`,
    );
  }
  const o = x as Record<string, unknown>;
  if (isNewUserInstance(o)) return toNewUserInstance(o, where, MAX_TOP_N);
  if (!isId(o.user))
    throw new InvocationError(400, `${where}: "user" must be a number or string, got ${describe(o.user)}`);
  if (o.top !== undefined) {
    const n = o.top;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TOP_N) {
      throw new InvocationError(400, `${where}: "top" must be an integer in [1, ${MAX_TOP_N}], got ${describe(n)}`);
    }
    if (o.excludeSeen !== undefined && typeof o.excludeSeen !== 'boolean') {
      throw new InvocationError(400, `${where}: "excludeSeen" must be true or false, got ${describe(o.excludeSeen)}`);
    }
    if (o.exclude !== undefined && !(Array.isArray(o.exclude) && o.exclude.every(isId))) {
      throw new InvocationError(400, `${where}: "exclude" must be an array of item ids`);
    }
    return { kind: 'recommend', user: o.user, n, excludeSeen: o.excludeSeen !== false, exclude: o.exclude as Id[] };
  }
  if (!isId(o.item)) {
    throw new InvocationError(
      400,
      `${where}: give "item" (predict) or "top" (recommend); "item" was ${describe(o.item)}`,
    );
  }
  return { kind: 'predict', user: o.user, item: o.item };
}

/** Ids as JSON numbers must be exact: past 2^53 distinct ids would read as one. */
function isId(x: unknown): x is Id {
  return (
    (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) ||
    (typeof x === 'string' && x.length > 0)
  );
}

/**
 * A value as an error message shows it: short, and never by walking it (JSON.stringify of a
 * deeply nested id overflows the stack; a long one would flood the log).
 */
export function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (x === null) return 'null';
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (typeof x === 'number' && !(Math.abs(x) <= Number.MAX_SAFE_INTEGER)) {
    return `${String(x)} (ids as JSON numbers must be within +-2^53 to stay exact)`;
  }
  return String(x);
}
