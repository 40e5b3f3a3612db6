import type { Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import { idValues, numberValues } from '../matrix/arrow-columns.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { Split } from '../matrix/split.js';

/**
 * A user-given test file against a training matrix (e.g. MovieLens' u1.base / u1.test): each
 * (user, item, rating) row mapped to the training indices. Rows whose user or item never occurs in
 * training cannot be ranked or predicted by any model fitted there; they are counted and dropped.
 * A pair that is also in training is an InputError (the file pair would leak the answer).
 */
export function fileSplit(train: RatingMatrix, test: Table, source: string): Split & { dropped: number } {
  const users = idValues(test, 'user', source);
  const items = idValues(test, 'item', source);
  const ratings = numberValues(test, 'rating', source, Float32Array);
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  let dropped = 0;
  for (let x = 0; x < ratings.length; x++) {
    const uu = train.users.indexOf(users[x]!);
    const ii = train.items.indexOf(items[x]!);
    if (uu < 0 || ii < 0 || !train.hasUser(uu)) {
      dropped++;
      continue;
    }
    const row = train.userRow(uu).items;
    if (binaryHas(row, ii)) {
      throw new InputError(
        `${source} row ${x}: user ${String(users[x])}, item ${String(items[x])} is also in the training file`,
      );
    }
    u.push(uu);
    i.push(ii);
    r.push(ratings[x]!);
  }
  if (u.length === 0) throw new InputError(`${source}: no test row has a user and item known in training`);
  return {
    train,
    test: { users: Int32Array.from(u), items: Int32Array.from(i), ratings: Float32Array.from(r) },
    dropped,
  };
}

function binaryHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
