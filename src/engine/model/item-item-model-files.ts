import { Bool, Table, vectorFromArray } from 'apache-arrow';
import type { ItemItemModelData } from './item-item-model.js';
import { fixedListValues, fixedListVector, idVector, iota, modelFiles, seenTable } from './model-columns.js';
import type { ModelMeta, ModelMetaInput } from './model-dir.js';

/**
 * An item-item model directory (model.json kind "item-item"), plain Arrow IPC:
 * - users.arrow: id, one row per dense user index.
 * - items.arrow: id, known Bool, weights FixedSizeList<Float32>[nItems] (row j of W).
 * - seen.arrow: user, item, rating Float32: the training interactions, by user then item.
 */
export function itemItemModelTables(d: ItemItemModelData): { meta: ModelMetaInput; tables: Record<string, Table> } {
  const nU = d.users.size;
  const nI = d.items.size;
  const users = new Table({ id: idVector(d.users, iota(nU)) });
  const items = new Table({
    id: idVector(d.items, iota(nI)),
    known: vectorFromArray(
      Array.from(d.itemKnown, (x) => x === 1),
      new Bool(),
    ),
    weights: fixedListVector(d.weights, nI, nI, 'weight'),
  });
  const meta: ModelMetaInput = {
    kind: 'item-item',
    algorithm: d.algorithm,
    params: d.params,
    idTypes: { user: d.users.kind, item: d.items.kind },
    scale: { min: 0, max: 1 },
    metrics: d.metrics,
  };
  return { meta, tables: { users, items, seen: seenTable(d.users, d.items, d.seen) } };
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
  return {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    weights: fixedListValues(f.column('items', 'weights'), nI, nI, `${dir}/items.arrow weights`),
    seen: await f.seen(users, items),
    itemKnown: f.flags('items', 'known'),
    metrics: meta.metrics,
  };
}
