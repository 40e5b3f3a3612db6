import { Field, Float64, Int32, List, makeData, makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { InputError } from '../../engine/errors.js';
import type { IdIndex } from '../../engine/matrix/id-index.js';
import type { Model, TopN } from '../../engine/model/model.js';

/**
 * The seed's output table from a dense TopN: one row per user, `USERID` and a list of item ids
 * (`TOP_10_RECOMMENDATIONS`, the seed's VARIANT array), padding (-1) dropped. Integer ids that fit
 * int32 are written as INTEGER, other numbers as DOUBLE; item ids must be numeric (the warehouse
 * writes lists of numbers).
 */
export function topNTable(
  top: TopN,
  model: Pick<Model, 'users' | 'items'>,
  o: { userColumn?: string | undefined; listColumn?: string | undefined } = {},
): Table {
  const nUsers = top.users.length;
  const offsets = new Int32Array(nUsers + 1);
  for (let r = 0; r < nUsers; r++) {
    let len = 0;
    while (len < top.n && (top.items[r * top.n + len] as number) >= 0) len++;
    offsets[r + 1] = (offsets[r] as number) + len;
  }
  const itemDense = new Int32Array(offsets[nUsers] as number);
  for (let r = 0; r < nUsers; r++) {
    itemDense.set(
      top.items.subarray(r * top.n, r * top.n + ((offsets[r + 1] as number) - (offsets[r] as number))),
      offsets[r],
    );
  }
  if (model.items.kind !== 'number') {
    throw new InputError('item ids are strings; the recommendations table holds lists of numeric ids');
  }
  const itemIds = ids(model.items, itemDense);
  const child = makeData({
    type: itemIds.type,
    length: itemIds.values.length,
    nullCount: 0,
    data: itemIds.values,
  } as never);
  const list = makeData({
    type: new List(new Field('item', itemIds.type, false)),
    length: nUsers,
    nullCount: 0,
    valueOffsets: offsets,
    child,
  } as never);
  const userCol =
    model.users.kind === 'number'
      ? makeVector(ids(model.users, top.users).values)
      : vectorFromArray(
          Array.from(top.users, (u) => String(model.users.idOf(u))),
          new Utf8(),
        );
  return new Table({
    [o.userColumn ?? 'USERID']: userCol,
    [o.listColumn ?? `TOP_${top.n}_RECOMMENDATIONS`]: makeVector(list as never),
  });
}

/** External numeric ids of dense indices, as Int32 when they all are int32 integers. */
function ids(index: IdIndex, dense: Int32Array): { type: Int32 | Float64; values: Int32Array | Float64Array } {
  const all = index.ids as Float64Array;
  let integral = true;
  for (let k = 0; k < all.length && integral; k++) {
    const v = all[k] as number;
    integral = Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
  }
  const values = integral ? new Int32Array(dense.length) : new Float64Array(dense.length);
  for (let p = 0; p < dense.length; p++) values[p] = all[dense[p] as number] as number;
  return { type: integral ? new Int32() : new Float64(), values };
}
