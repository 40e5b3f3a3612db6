import { makeVector, Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import { checkFinite } from './check-finite.js';
import type { KnnBaselineModelData } from './knn-baseline-model.js';
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
 * A KNNBaseline model directory (model.json kind "knn-baseline"), plain Arrow IPC:
 * - users.arrow: id, bias Float32.
 * - items.arrow: id, bias Float32, known Bool, sims FixedSizeList<Float32>[nItems] (row i of the similarity matrix).
 * - seen.arrow: user, item, rating: the training ratings, by user then item.
 * model.json `extra` holds globalMean, k, minK and regU.
 */
export function knnBaselineModelTables(d: KnnBaselineModelData): {
  meta: ModelMetaInput;
  tables: Record<string, Table>;
} {
  const nU = d.users.size;
  const nI = d.items.size;
  const users = new Table({ id: idVector(d.users, iota(nU)), bias: makeVector(d.userBias) });
  const items = new Table({
    id: idVector(d.items, iota(nI)),
    bias: makeVector(d.itemBias),
    known: flagVector(d.itemKnown),
    sims: fixedListVector(d.sims, nI, nI, 'sim'),
  });
  const meta = ratingModelMeta('knn-baseline', d, { globalMean: d.globalMean, k: d.k, minK: d.minK, regU: d.regU });
  return { meta, tables: { users, items, seen: seenTable(d.users, d.items, d.seen) } };
}

/** Reads back what knnBaselineModelTables wrote; a missing table, column or field is an InputError naming it. */
export async function knnBaselineModelData(
  dir: string,
  meta: ModelMeta,
  tables: Record<string, Table>,
): Promise<KnnBaselineModelData> {
  const { globalMean, k, minK, regU } = meta.extra ?? {};
  for (const [name, v] of Object.entries({ globalMean, k, minK, regU })) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(`${dir}/model.json: extra.${name} must be a number`);
  }
  const f = modelFiles(dir, tables, 'a knn-baseline model needs users, items and seen');
  for (const name of ['users', 'items', 'seen']) f.table(name);
  const users = f.ids('users', meta.idTypes.user);
  const items = f.ids('items', meta.idTypes.item);
  const nI = items.size;
  const data: KnnBaselineModelData = {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    scale: meta.scale,
    globalMean: globalMean as number,
    userBias: f.numbers('users', 'bias', Float32Array),
    itemBias: f.numbers('items', 'bias', Float32Array),
    itemKnown: f.flags('items', 'known'),
    sims: fixedListValues(f.column('items', 'sims'), nI, nI, `${dir}/items.arrow sims`),
    seen: await f.seen(users, items),
    k: k as number,
    minK: minK as number,
    regU: regU as number,
    metrics: meta.metrics,
  };
  checkFinite(
    dir,
    [
      { name: 'users.arrow bias', values: data.userBias, ids: users },
      { name: 'items.arrow bias', values: data.itemBias, ids: items },
      { name: 'items.arrow sims', values: data.sims, width: nI, ids: items },
    ],
    'the model is damaged: train it again',
  );
  return data;
}
