import { makeVector, Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import { kernels } from '../kernels/registry.js';
import type { Csr } from '../kernels/signatures.js';
import type { ItemItemModelData } from './item-item-model.js';
import {
  fixedListValues,
  fixedListVector,
  flagVector,
  idVector,
  iota,
  modelFiles,
  seenTable,
} from './model-columns.js';
import type { ModelMeta, ModelMetaInput } from './model-dir.js';

type ModelFiles = ReturnType<typeof modelFiles>;

/**
 * An item-item model directory (model.json kind "item-item"), plain Arrow IPC:
 * - users.arrow: id, one row per dense user index.
 * - items.arrow: id, known Bool, weights FixedSizeList<Float32>[nItems] (row j of W); or, for
 *   weights kept as neighbour lists (model.json extra.neighbours = 1), no weights column and
 * - neighbours.arrow: item, neighbour (Int32 row numbers of items.arrow), weight Float32: W[item, neighbour].
 * - seen.arrow: user, item, rating Float32: the training interactions, by user then item.
 * A blended model (factor term) adds factors FixedSizeList<Float32>[k] to users.arrow and
 * items.arrow, and extra.factorK / extra.factorWeight to model.json.
 */
export function itemItemModelTables(d: ItemItemModelData): { meta: ModelMetaInput; tables: Record<string, Table> } {
  const nU = d.users.size;
  const nI = d.items.size;
  const f = d.factors;
  const users = new Table({
    id: idVector(d.users, iota(nU)),
    ...(f ? { factors: fixedListVector(f.user, nU, f.k, 'factor') } : {}),
  });
  const items = new Table({
    id: idVector(d.items, iota(nI)),
    known: flagVector(d.itemKnown),
    ...(d.neighbours ? {} : { weights: fixedListVector(d.weights, nI, nI, 'weight') }),
    ...(f ? { factors: fixedListVector(f.item, nI, f.k, 'factor') } : {}),
  });
  const meta: ModelMetaInput = {
    kind: 'item-item',
    algorithm: d.algorithm,
    params: d.params,
    idTypes: { user: d.users.kind, item: d.items.kind },
    scale: { min: 0, max: 1 },
    metrics: d.metrics,
    ...(f ? { extra: { factorK: f.k, factorWeight: f.weight } } : {}),
    ...(d.neighbours ? { extra: { neighbours: 1 } } : {}),
  };
  const tables: Record<string, Table> = { users, items, seen: seenTable(d.users, d.items, d.seen) };
  if (d.neighbours) tables.neighbours = neighbourTable(d.neighbours);
  return { meta, tables };
}

function neighbourTable(w: Csr): Table {
  const nnz = w.offsets[w.nRows]!;
  const item = new Int32Array(nnz);
  for (let j = 0; j < w.nRows; j++) item.fill(j, w.offsets[j]!, w.offsets[j + 1]!);
  return new Table({
    item: makeVector(item),
    neighbour: makeVector(w.cols.slice(0, nnz)),
    weight: makeVector(w.values.slice(0, nnz)),
  });
}

/** neighbours.arrow back to the CSR; a row number outside items.arrow is an InputError naming the row. */
async function readNeighbours(f: ModelFiles, dir: string, nI: number): Promise<Csr> {
  const rows = f.numbers('neighbours', 'item', Int32Array);
  const cols = f.numbers('neighbours', 'neighbour', Int32Array);
  const values = f.numbers('neighbours', 'weight', Float32Array);
  for (let p = 0; p < rows.length; p++) {
    if (!(rows[p]! >= 0 && rows[p]! < nI && cols[p]! >= 0 && cols[p]! < nI)) {
      throw new InputError(
        `${dir}/neighbours.arrow row ${p}: item ${rows[p]} or neighbour ${cols[p]} is not a row of items.arrow (${nI})`,
      );
    }
  }
  return (await kernels().buildCsr({ rows, cols, values, nRows: nI, nCols: nI })).csr;
}

/** Reads back what itemItemModelTables wrote; a missing table or column is an InputError naming it. */
export async function itemItemModelData(
  dir: string,
  meta: ModelMeta,
  tables: Record<string, Table>,
): Promise<ItemItemModelData> {
  const f = modelFiles(dir, tables, 'an item-item model needs users, items and seen');
  for (const name of ['users', 'items', 'seen']) f.table(name);
  const users = f.ids('users', meta.idTypes.user);
  const items = f.ids('items', meta.idTypes.item);
  const nI = items.size;
  const k = meta.extra?.factorK;
  const weight = meta.extra?.factorWeight;
  let factors: ItemItemModelData['factors'];
  if (k !== undefined) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || typeof weight !== 'number') {
      throw new InputError(`${dir}/model.json: extra.factorK and extra.factorWeight must be numbers`);
    }
    factors = {
      k,
      weight,
      user: fixedListValues(f.column('users', 'factors'), users.size, k, `${dir}/users.arrow factors`),
      item: fixedListValues(f.column('items', 'factors'), nI, k, `${dir}/items.arrow factors`),
    };
  }
  return {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    ...(meta.extra?.neighbours === 1
      ? { weights: new Float32Array(0), neighbours: await readNeighbours(f, dir, nI) }
      : { weights: fixedListValues(f.column('items', 'weights'), nI, nI, `${dir}/items.arrow weights`) }),
    seen: await f.seen(users, items),
    itemKnown: f.flags('items', 'known'),
    factors,
    metrics: meta.metrics,
  };
}
