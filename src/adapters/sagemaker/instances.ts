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
 *  - `{"user": 1, "top": 10, "excludeSeen": true, "exclude": [...]}`: recommend;
 *  - `{"vector": [...]}` / `{"ratings": {...}}`: a new user by ratings (new-user-instances.ts).
 */
export function toInstance(x: unknown, where: string): Instance {
  if (Array.isArray(x)) {
    if (x.length !== 2 || !isId(x[0]) || !isId(x[1])) {
      throw new InvocationError(400, `${where}: an array instance must be [user, item] (ids are numbers or strings)`);
    }
    return { kind: 'predict', user: x[0], item: x[1] };
  }
  if (x === null || typeof x !== 'object') {
    throw new InvocationError(400, `${where}: expected an object {"user", "item"} or {"user", "top"}, got ${json(x)}`);
  }
  const o = x as Record<string, unknown>;
  if (isNewUserInstance(o)) return toNewUserInstance(o, where, MAX_TOP_N);
  if (!isId(o.user)) throw new InvocationError(400, `${where}: "user" must be a number or string, got ${json(o.user)}`);
  if (o.top !== undefined) {
    const n = o.top;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TOP_N) {
      throw new InvocationError(400, `${where}: "top" must be an integer in [1, ${MAX_TOP_N}], got ${json(n)}`);
    }
    if (o.excludeSeen !== undefined && typeof o.excludeSeen !== 'boolean') {
      throw new InvocationError(400, `${where}: "excludeSeen" must be true or false, got ${json(o.excludeSeen)}`);
    }
    if (o.exclude !== undefined && !(Array.isArray(o.exclude) && o.exclude.every(isId))) {
      throw new InvocationError(400, `${where}: "exclude" must be an array of item ids`);
    }
    return { kind: 'recommend', user: o.user, n, excludeSeen: o.excludeSeen !== false, exclude: o.exclude as Id[] };
  }
  if (!isId(o.item)) {
    throw new InvocationError(400, `${where}: give "item" (predict) or "top" (recommend); "item" was ${json(o.item)}`);
  }
  return { kind: 'predict', user: o.user, item: o.item };
}

/** `{"instances": [...]}` (the SageMaker JSON convention). */
export function parseJsonInstances(body: string): Instance[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (error) {
    throw new InvocationError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  const list = (doc as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(list)) throw new InvocationError(400, 'JSON body must be {"instances": [...]}');
  return list.map((x, i) => toInstance(x, `instances[${i}]`));
}

/** JSON Lines: one instance per line (batch transform with SplitType Line); blank trailing line allowed. */
export function parseJsonLines(body: string): Instance[] {
  const lines = body.split('\n');
  if (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines.map((line, i) => {
    let x: unknown;
    try {
      x = JSON.parse(line);
    } catch (error) {
      throw new InvocationError(400, `line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    return toInstance(x, `line ${i + 1}`);
  });
}

function isId(x: unknown): x is Id {
  return (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && x.length > 0);
}

function json(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
