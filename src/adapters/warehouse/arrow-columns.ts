import {
  type Bool,
  type Data,
  type DataType,
  Field,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  type Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';

/**
 * The Arrow column builders both warehouse readers (DuckDB chunks, Snowflake rowsets) share:
 * typed arrays and 0/1 validity masks in, Arrow Data and tables out.
 */

/** A 0/1 per-row mask (null = no nulls) as Arrow's null bitmap and count. */
export function validity(valid: Uint8Array | null): { nullCount: number; nullBitmap?: Uint8Array } {
  if (!valid) return { nullCount: 0 };
  const bitmap = new Uint8Array(((valid.length + 63) >> 6) << 3);
  let nullCount = 0;
  for (let r = 0; r < valid.length; r++) {
    if (valid[r]) bitmap[r >> 3] = bitmap[r >> 3]! | (1 << (r & 7));
    else nullCount++;
  }
  return nullCount ? { nullCount, nullBitmap: bitmap } : { nullCount: 0 };
}

/** A numeric column from its values (typed array matching `type`). */
export function numericData(
  type: DataType,
  length: number,
  values: ArrayLike<number | bigint>,
  valid: Uint8Array | null,
): Data {
  return makeData({ type, length, ...validity(valid), data: values } as never) as Data;
}

/** A list-of-numbers column: row r holds values[offsets[r] .. offsets[r+1]). */
export function listData(
  childType: DataType,
  rows: number,
  offsets: Int32Array,
  values: ArrayLike<number | bigint>,
  valid: Uint8Array | null,
): Data {
  const child = numericData(childType, values.length, values, null);
  return makeData({
    type: new List(new Field('item', childType, false)),
    length: rows,
    ...validity(valid),
    valueOffsets: offsets,
    child,
  } as never) as Data;
}

/** A text or boolean column (nulls where the value is null). */
export function valuesData(values: readonly (string | boolean | null)[], type: Utf8 | Bool): Data {
  return (vectorFromArray(values as never[], type) as Vector).data[0]!;
}

/** A table of `fields` from record batches given column by column; empty batches are skipped. */
export function tableOf(fields: Field[], batches: readonly Data[][]): Table {
  const schema = new Schema(fields);
  const records = batches
    .filter((columns) => (columns[0]?.length ?? 0) > 0)
    .map((children) => {
      const length = children[0]?.length ?? 0;
      return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
    });
  return records.length ? new Table(schema, records) : new Table(schema);
}
