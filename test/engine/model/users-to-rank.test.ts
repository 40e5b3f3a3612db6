import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/engine/errors.js';
import { IdIndex } from '../../../src/engine/matrix/id-index.js';
import { usersToRank } from '../../../src/engine/model/users-to-rank.js';

describe('the users recommendAll ranks', () => {
  const users = IdIndex.fromIds(Float64Array.from([10, 20, 30, 40]));

  test('no ids: every known user, in index order', () => {
    expect(Array.from(usersToRank(users, (u) => u !== 2))).toEqual([0, 1, 3]);
  });

  test('given ids: their rows, in the order given', () => {
    expect(Array.from(usersToRank(users, () => true, [40, 10]))).toEqual([3, 0]);
  });

  test('unknown ids: one InputError naming up to five of them', () => {
    const ids = [10, 1, 2, 3, 4, 5, 6];
    expect(() => usersToRank(users, () => true, ids)).toThrow(InputError);
    expect(() => usersToRank(users, () => true, ids)).toThrow(/6 unknown user id\(s\): 1, 2, 3, 4, 5, \.\.\./);
  });
});
