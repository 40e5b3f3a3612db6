import type { Table, Vector } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { IdIndex } from '../matrix/id-index.js';

/** A scalar attribute value as filters see it: Arrow's bigint and Date become numbers. */
export type AttributeValue = string | number | boolean | null;

/** Item attributes aligned to the index rows: one array per column, null where an item has no row. */
export interface Attributes {
  names: string[];
  columns: Map<string, AttributeValue[]>;
  /** The Arrow table they came from (saved with the index). */
  table: Table;
  idColumn: string;
}

/**
 * Aligns an Arrow table of item attributes (one row per item, an id column) to the index rows.
 * Rows whose id is not in the index are ignored; index items without a row get nulls (a filter on
 * that column then rejects them). A repeated id is an InputError naming both rows.
 */
export function alignAttributes(table: Table, ids: IdIndex, idColumn = 'id'): Attributes {
  const idVec = table.getChild(idColumn);
  const names = table.schema.fields.map((f) => f.name).filter((n) => n !== idColumn);
  if (!idVec) {
    throw new InputError(
      `attributes: no id column "${idColumn}" (columns: ${table.schema.fields.map((f) => f.name).join(', ')})`,
    );
  }
  const rowOf = new Int32Array(ids.size).fill(-1);
  for (let r = 0; r < table.numRows; r++) {
    const id = scalar(idVec.get(r));
    if (id === null || typeof id === 'boolean') continue;
    const i = ids.indexOf(id);
    if (i < 0) continue;
    if (rowOf[i]! >= 0) throw new InputError(`attributes: id ${id} appears twice (rows ${rowOf[i]} and ${r})`);
    rowOf[i] = r;
  }
  const columns = new Map<string, AttributeValue[]>();
  for (const name of names) {
    const v = table.getChild(name) as Vector;
    const all = Array.from({ length: table.numRows }, (_, r) => scalar(v.get(r)));
    columns.set(
      name,
      Array.from(rowOf, (r) => (r < 0 ? null : (all[r] as AttributeValue))),
    );
  }
  return { names, columns, table, idColumn };
}

function scalar(x: unknown): AttributeValue {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Date) return x.getTime();
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  return String(x);
}
