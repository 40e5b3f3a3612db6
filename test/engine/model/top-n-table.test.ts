import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { IdIndex } from '../../../src/engine/matrix/id-index.js';
import type { TopN } from '../../../src/engine/model/model.js';
import { topNListTable, topNLongTable } from '../../../src/engine/model/top-n-table.js';

const model = {
  users: IdIndex.fromIds(Float64Array.from([10, 20, 30])),
  items: IdIndex.fromIds(['a', 'b', 'c', 'd']),
};
// user 30 has only two eligible items: padded with -1 / NaN
const top: TopN = {
  n: 3,
  users: Int32Array.from([2, 0]),
  items: Int32Array.from([3, 1, -1, 0, 2, 1]),
  scores: Float32Array.from([4.5, 4, Number.NaN, 3.5, 3, 2.5]),
};

describe('TopN as Arrow tables', () => {
  test('long: user, rank, item, score with external ids, padding dropped', () => {
    const t = tableFromIPC(tableToIPC(topNLongTable(top, model)));
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'user:Int32',
      'rank:Int32',
      'item:Utf8',
      'score:Float32',
    ]);
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { user: 30, rank: 1, item: 'd', score: 4.5 },
      { user: 30, rank: 2, item: 'b', score: 4 },
      { user: 10, rank: 1, item: 'a', score: 3.5 },
      { user: 10, rank: 2, item: 'c', score: 3 },
      { user: 10, rank: 3, item: 'b', score: 2.5 },
    ]);
  });

  test('per user: items and scores list columns', () => {
    const t = tableFromIPC(tableToIPC(topNListTable(top, model)));
    expect(t.numRows).toBe(2);
    expect(t.getChild('user')?.toArray()).toEqual(Int32Array.from([30, 10]));
    expect(Array.from(t.getChild('items')?.get(0) ?? [])).toEqual(['d', 'b']);
    expect(Array.from(t.getChild('items')?.get(1) ?? [])).toEqual(['a', 'c', 'b']);
    expect(Array.from(t.getChild('scores')?.get(1) ?? [])).toEqual([3.5, 3, 2.5]);
  });
});
