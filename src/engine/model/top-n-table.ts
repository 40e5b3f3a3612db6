import { Field, List, makeData, makeVector, Table, type Vector } from 'apache-arrow';
import type { Model, TopN } from './model.js';
import { idVector } from './model-columns.js';

/**
 * TopN as a long Arrow table, one row per recommendation: user, rank (1-based), item, score, with
 * external ids (Int32 when every id of that vocabulary is an int32, else Float64, or Utf8).
 * Padding (fewer eligible items than n) is dropped.
 */
export function topNLongTable(top: TopN, model: Pick<Model, 'users' | 'items'>): Table {
  const { rows, lengths } = filled(top);
  const user = new Int32Array(rows);
  const rank = new Int32Array(rows);
  const item = new Int32Array(rows);
  const score = new Float32Array(rows);
  let p = 0;
  for (let r = 0; r < top.users.length; r++) {
    for (let j = 0; j < lengths[r]!; j++, p++) {
      user[p] = top.users[r]!;
      rank[p] = j + 1;
      item[p] = top.items[r * top.n + j]!;
      score[p] = top.scores[r * top.n + j]!;
    }
  }
  return new Table({
    user: idVector(model.users, user),
    rank: makeVector(rank),
    item: idVector(model.items, item),
    score: makeVector(score),
  });
}

/** TopN with one row per user: user, items List<id>, scores List<Float32> (best first, padding dropped). */
export function topNListTable(top: TopN, model: Pick<Model, 'users' | 'items'>): Table {
  const { rows, lengths } = filled(top);
  const offsets = new Int32Array(top.users.length + 1);
  const item = new Int32Array(rows);
  const score = new Float32Array(rows);
  for (let r = 0; r < top.users.length; r++) {
    const len = lengths[r]!;
    const at = offsets[r]!;
    item.set(top.items.subarray(r * top.n, r * top.n + len), at);
    score.set(top.scores.subarray(r * top.n, r * top.n + len), at);
    offsets[r + 1] = at + len;
  }
  const list = (child: Vector) =>
    makeVector(
      makeData({
        type: new List(new Field('element', child.type, false)),
        length: top.users.length,
        nullCount: 0,
        valueOffsets: offsets,
        child: child.data[0],
      } as never),
    );
  return new Table({
    user: idVector(model.users, top.users),
    items: list(idVector(model.items, item)),
    scores: list(makeVector(score)),
  });
}

function filled(top: TopN): { rows: number; lengths: Int32Array } {
  const lengths = new Int32Array(top.users.length);
  let rows = 0;
  for (let r = 0; r < top.users.length; r++) {
    let len = 0;
    while (len < top.n && top.items[r * top.n + len]! >= 0) len++;
    lengths[r] = len;
    rows += len;
  }
  return { rows, lengths };
}
