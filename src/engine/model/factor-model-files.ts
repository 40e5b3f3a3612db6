import { Bool, Float64, makeVector, Table, type Vector, vectorFromArray } from 'apache-arrow';
import { InputError } from '../errors.js';
import { kernels } from '../kernels/registry.js';
import { IdIndex } from '../matrix/id-index.js';
import type { FactorModelData } from './factor-model-data.js';
import { fixedListValues, fixedListVector, idsOf, idVector, iota, seenTable } from './model-columns.js';
import type { ModelMeta, ModelMetaInput } from './model-dir.js';

/**
 * A factor model directory (model.json kind "factor"), plain Arrow IPC any reader opens:
 * - users.arrow: id (Int32 when every id is an int32, else Float64, or Utf8), bias Float32,
 *   factors FixedSizeList<Float32>[k] (absent when k = 0); one row per dense user index.
 * - items.arrow: the same columns plus known Bool (the item had training ratings).
 * - seen.arrow: user, item (ids as above), rating Float32: the training ratings, by user then item.
 * - history.arrow (when recorded): epoch Int32, loss Float64, trainRmse, validationRmse Float64 (nullable).
 * model.json `extra` holds globalMean (a JSON double, exact), factors and biased.
 */
export function factorModelTables(d: FactorModelData): { meta: ModelMetaInput; tables: Record<string, Table> } {
  const nU = d.users.size;
  const nI = d.items.size;
  const users = new Table({
    id: idVector(d.users, iota(nU)),
    bias: makeVector(d.userBias),
    ...(d.factors > 0 ? { factors: fixedListVector(d.userFactors, nU, d.factors, 'factor') } : {}),
  });
  const items = new Table({
    id: idVector(d.items, iota(nI)),
    bias: makeVector(d.itemBias),
    known: vectorFromArray(
      Array.from(d.itemKnown, (x) => x === 1),
      new Bool(),
    ),
    ...(d.factors > 0 ? { factors: fixedListVector(d.itemFactors, nI, d.factors, 'factor') } : {}),
  });
  const seen = seenTable(d.users, d.items, d.seen);
  const tables: Record<string, Table> = { users, items, seen };
  if (d.history?.length) {
    const h = d.history;
    tables.history = new Table({
      epoch: makeVector(Int32Array.from(h, (e) => e.epoch)),
      loss: makeVector(Float64Array.from(h, (e) => e.loss)),
      trainRmse: vectorFromArray(
        h.map((e) => e.trainRmse ?? null),
        new Float64(),
      ),
      validationRmse: vectorFromArray(
        h.map((e) => e.validationRmse ?? null),
        new Float64(),
      ),
    });
  }
  const meta: ModelMetaInput = {
    kind: 'factor',
    algorithm: d.algorithm,
    params: d.params,
    idTypes: { user: d.users.kind, item: d.items.kind },
    scale: d.scale,
    metrics: d.metrics,
    extra: { globalMean: d.globalMean, factors: d.factors, biased: d.biased },
  };
  return { meta, tables };
}

/** Reads back what factorModelTables wrote; any missing table, column or length is an InputError naming it. */
export async function factorModelData(
  dir: string,
  meta: ModelMeta,
  tables: Record<string, Table>,
): Promise<FactorModelData> {
  const extra = meta.extra ?? {};
  const k = extra.factors;
  const globalMean = extra.globalMean;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || typeof globalMean !== 'number') {
    throw new InputError(`${dir}/model.json: extra.factors and extra.globalMean must be numbers`);
  }
  const table = (name: string): Table => {
    const t = tables[name];
    if (!t) throw new InputError(`${dir}: ${name}.arrow is missing (a factor model needs users, items and seen)`);
    return t;
  };
  const column = (name: string, t: Table, field: string): Vector => {
    const c = t.getChild(field);
    if (!c) throw new InputError(`${dir}/${name}.arrow: column "${field}" is missing`);
    return c;
  };
  const u = table('users');
  const i = table('items');
  const s = table('seen');
  const users = IdIndex.fromIds(idsOf(column('users', u, 'id'), meta.idTypes.user));
  const items = IdIndex.fromIds(idsOf(column('items', i, 'id'), meta.idTypes.item));
  const nU = users.size;
  const nI = items.size;
  const factors = (name: string, t: Table, n: number) =>
    k === 0 ? new Float32Array(0) : fixedListValues(column(name, t, 'factors'), n, k, `${dir}/${name}.arrow factors`);
  const itemKnown = Uint8Array.from(column('items', i, 'known').toArray() as ArrayLike<unknown>, (x) => (x ? 1 : 0));
  // Seen ratings: ids back to dense indices, then the CSR (sorted, as written).
  const su = column('seen', s, 'user').toArray() as ArrayLike<number | string>;
  const si = column('seen', s, 'item').toArray() as ArrayLike<number | string>;
  const rows = new Int32Array(s.numRows);
  const cols = new Int32Array(s.numRows);
  for (let p = 0; p < s.numRows; p++) {
    rows[p] = users.indexOf(su[p] as number | string);
    cols[p] = items.indexOf(si[p] as number | string);
    if ((rows[p] as number) < 0 || (cols[p] as number) < 0) {
      throw new InputError(`${dir}/seen.arrow row ${p}: user ${su[p]} or item ${si[p]} is not in users/items.arrow`);
    }
  }
  const values = Float32Array.from(column('seen', s, 'rating').toArray() as ArrayLike<number>);
  const { csr } = await kernels().buildCsr({ rows, cols, values, nRows: nU, nCols: nI });
  const h = tables.history;
  return {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    scale: meta.scale,
    globalMean,
    factors: k,
    userFactors: factors('users', u, nU),
    itemFactors: factors('items', i, nI),
    userBias: Float32Array.from(column('users', u, 'bias').toArray() as Float32Array),
    itemBias: Float32Array.from(column('items', i, 'bias').toArray() as Float32Array),
    seen: csr,
    itemKnown,
    biased: extra.biased !== false,
    metrics: meta.metrics,
    history: h
      ? Array.from({ length: h.numRows }, (_, r) => {
          const row = h.get(r)?.toJSON() as Record<string, number | null>;
          return {
            epoch: Number(row.epoch),
            loss: Number(row.loss),
            trainRmse: row.trainRmse ?? undefined,
            validationRmse: row.validationRmse ?? undefined,
          };
        })
      : undefined,
  };
}
