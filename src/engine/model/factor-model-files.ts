import { Float64, makeVector, Table, vectorFromArray } from 'apache-arrow';
import { InputError } from '../errors.js';
import { checkFinite, type FiniteField } from './check-finite.js';
import type { FactorModelData } from './factor-model-data.js';
import {
  fixedListValues,
  fixedListVector,
  flagVector,
  idVector,
  iota,
  modelFiles,
  seenTable,
} from './model-columns.js';
import { type ModelMeta, type ModelMetaInput, ratingModelMeta } from './model-dir.js';

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
  checkFinite(
    `cannot save the ${d.algorithm} model`,
    finiteFields(d, 'user', 'item'),
    'training diverged: refit with a lower learningRate or scaled ratings',
  );
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
    known: flagVector(d.itemKnown),
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
  const meta = ratingModelMeta('factor', d, { globalMean: d.globalMean, factors: d.factors, biased: d.biased });
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
  const f = modelFiles(dir, tables, 'a factor model needs users, items and seen');
  // Every table first, so that a missing one is named before any of its columns is looked for.
  for (const name of ['users', 'items', 'seen']) f.table(name);
  const users = f.ids('users', meta.idTypes.user);
  const items = f.ids('items', meta.idTypes.item);
  const nU = users.size;
  const nI = items.size;
  const factors = (name: string, n: number) =>
    k === 0 ? new Float32Array(0) : fixedListValues(f.column(name, 'factors'), n, k, `${dir}/${name}.arrow factors`);
  const itemKnown = f.flags('items', 'known');
  const csr = await f.seen(users, items);
  const data: FactorModelData = {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    scale: meta.scale,
    globalMean,
    factors: k,
    userFactors: factors('users', nU),
    itemFactors: factors('items', nI),
    userBias: f.numbers('users', 'bias', Float32Array),
    itemBias: f.numbers('items', 'bias', Float32Array),
    seen: csr,
    itemKnown,
    biased: extra.biased !== false,
    metrics: meta.metrics,
    history: tables.history
      ? Array.from({ length: tables.history.numRows }, (_, r) => {
          const row = tables.history?.get(r)?.toJSON() as Record<string, number | null>;
          return {
            epoch: Number(row.epoch),
            loss: Number(row.loss),
            trainRmse: row.trainRmse ?? undefined,
            validationRmse: row.validationRmse ?? undefined,
          };
        })
      : undefined,
  };
  checkFinite(
    dir,
    finiteFields(data, 'users.arrow', 'items.arrow'),
    'the model is damaged or was trained until it diverged: train it again',
  );
  return data;
}

/** The numbers of a factor model that must be finite, named for messages. */
function finiteFields(d: FactorModelData, users: string, items: string): FiniteField[] {
  return [
    { name: `${users} factors`, values: d.userFactors, width: d.factors, ids: d.users },
    { name: `${items} factors`, values: d.itemFactors, width: d.factors, ids: d.items },
    { name: `${users} bias`, values: d.userBias, ids: d.users },
    { name: `${items} bias`, values: d.itemBias, ids: d.items },
    { name: 'globalMean', values: [d.globalMean] },
    { name: 'scale', values: [d.scale.min, d.scale.max] },
  ];
}
