import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  INTEGER,
  LIST,
  VARCHAR,
} from '@duckdb/node-api';
// The list fast path needs the raw vector calls node-api wraps (same pinned version, its own dependency).
import duckdb from '@duckdb/node-bindings';
import { type DataType, type Table, Type, type Vector } from 'apache-arrow';
import { CancelledError, InputError } from '../../engine/errors.js';
import { quoteColumn } from './table-name.js';

type NumArray = Int32Array | BigInt64Array | Float32Array | Float64Array;

/** How one Arrow column is written: its DuckDB type and a writer for a row range. */
interface ColumnPlan {
  name: string;
  sqlType: string;
  duckType: DuckDBType;
  write(chunk: DuckDBDataChunk, c: number, from: number, to: number): void;
}

/** `"a" INTEGER, "b" DOUBLE[]` for CREATE TABLE, from an Arrow schema. */
export function columnDefinitions(table: Table): string {
  return planColumns(table)
    .map((p) => `${quoteColumn(p.name)} ${p.sqlType}`)
    .join(', ');
}

/**
 * Appends every row of `table` through `appender`, `batchRows` rows per DuckDB data chunk, copying
 * typed-array slices column by column (no per-row objects). Types: Int8..Int32/Uint8..Uint16 ->
 * INTEGER, Int64/Uint32 -> BIGINT, Float32 -> FLOAT, Float64 -> DOUBLE, Utf8 -> VARCHAR, Bool ->
 * BOOLEAN, List of those numbers -> X[] (the warehouse's array column, Snowflake's VARIANT array).
 */
export function appendArrowTable(
  appender: DuckDBAppender,
  table: Table,
  o: { batchRows: number; onBatch?: ((rows: number) => void) | undefined; signal?: AbortSignal | undefined },
): number {
  const plans = planColumns(table);
  const types = plans.map((p) => p.duckType);
  for (let from = 0; from < table.numRows; from += o.batchRows) {
    if (o.signal?.aborted) throw new CancelledError('writing the table was cancelled');
    const to = Math.min(table.numRows, from + o.batchRows);
    const chunk = DuckDBDataChunk.create(types, to - from);
    plans.forEach((p, c) => {
      p.write(chunk, c, from, to);
    });
    appender.appendDataChunk(chunk);
    o.onBatch?.(to);
  }
  appender.flushSync();
  return table.numRows;
}

function planColumns(table: Table): ColumnPlan[] {
  return table.schema.fields.map((f) => {
    const v = table.getChild(f.name) as Vector;
    const where = `column "${f.name}"`;
    quoteColumn(f.name);
    if (v.type.typeId === Type.List) return listPlan(f.name, v, where);
    const scalar = scalarType(v.type, where);
    if (scalar.sql === 'VARCHAR' || scalar.sql === 'BOOLEAN') {
      return itemPlan(f.name, scalar, (r) => {
        const x = v.get(r) as string | boolean | null;
        return x === null ? null : scalar.sql === 'VARCHAR' ? String(x) : Boolean(x);
      });
    }
    const values = numbers(v, scalar.array);
    return itemPlan(f.name, scalar, (r) => (v.nullCount && !v.isValid(r) ? null : values[r]!));
  });
}

/**
 * A scalar column written item by item through the chunk's column vector: strings, booleans and
 * numbers differ only in how row r's value is read, so they share the write loop (lists are
 * copied raw instead, see listPlan).
 */
function itemPlan(
  name: string,
  scalar: { sql: string; duck: DuckDBType },
  valueAt: (r: number) => DuckDBValue,
): ColumnPlan {
  return {
    name,
    sqlType: scalar.sql,
    duckType: scalar.duck,
    write(chunk, c, from, to) {
      const out = chunk.getColumnVector(c);
      for (let r = from; r < to; r++) out.setItem(r - from, valueAt(r));
      out.flush();
    },
  };
}

function scalarType(
  t: DataType,
  where: string,
): {
  sql: string;
  duck: DuckDBType;
  array: typeof Int32Array | typeof BigInt64Array | typeof Float32Array | typeof Float64Array;
} {
  if (t.typeId === Type.Int) {
    const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
    if (bitWidth <= 16 || (bitWidth === 32 && isSigned)) return { sql: 'INTEGER', duck: INTEGER, array: Int32Array };
    if (bitWidth === 32 || (bitWidth === 64 && isSigned)) return { sql: 'BIGINT', duck: BIGINT, array: BigInt64Array };
  }
  if (t.typeId === Type.Float) {
    const { precision } = t as unknown as { precision: number };
    if (precision === 1) return { sql: 'FLOAT', duck: FLOAT, array: Float32Array };
    if (precision === 2) return { sql: 'DOUBLE', duck: DOUBLE, array: Float64Array };
  }
  if (t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8 || t.typeId === Type.Dictionary) {
    return { sql: 'VARCHAR', duck: VARCHAR, array: Float64Array };
  }
  if (t.typeId === Type.Bool) return { sql: 'BOOLEAN', duck: BOOLEAN, array: Float64Array };
  throw new InputError(`${where} has Arrow type ${t}; the warehouse writes ints, floats, strings, booleans and lists`);
}

/** A numeric column as one typed array of the target width (one copy when widths differ). */
function numbers(
  v: Vector,
  as: typeof Int32Array | typeof BigInt64Array | typeof Float32Array | typeof Float64Array,
): NumArray {
  const a = v.toArray() as NumArray | Int8Array | Int16Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  if (a instanceof as) return a as NumArray;
  if (as === BigInt64Array) return BigInt64Array.from(a as ArrayLike<number>, (x) => BigInt(x));
  return (as as typeof Float64Array).from(a as ArrayLike<number>);
}

/** Lists of numbers: offsets + one flat child array, copied into the list vector a batch at a time. */
function listPlan(name: string, v: Vector, where: string): ColumnPlan {
  const childType = (v.type as unknown as { children: { type: DataType }[] }).children[0]?.type as DataType;
  const inner = scalarType(childType, `${where} (list element)`);
  if (inner.sql === 'VARCHAR' || inner.sql === 'BOOLEAN') {
    throw new InputError(`${where}: lists of ${childType} are not supported; use lists of numbers`);
  }
  const { offsets, values } = flattenList(v, inner.array, where);
  const itemBytes = values.BYTES_PER_ELEMENT;
  return {
    name,
    sqlType: `${inner.sql}[]`,
    duckType: LIST(inner.duck),
    write(chunk, c, from, to) {
      const raw = duckdb.data_chunk_get_vector(chunk.chunk, c);
      const base = offsets[from]!;
      const total = offsets[to]! - base;
      duckdb.list_vector_reserve(raw, total);
      duckdb.list_vector_set_size(raw, total);
      const child = values.subarray(base, base + total);
      if (total)
        duckdb.copy_data_to_vector(
          duckdb.list_vector_get_child(raw),
          0,
          child.buffer as ArrayBuffer,
          child.byteOffset,
          total * itemBytes,
        );
      const entries = new BigUint64Array((to - from) * 2);
      for (let r = from; r < to; r++) {
        entries[(r - from) * 2] = BigInt(offsets[r]! - base);
        entries[(r - from) * 2 + 1] = BigInt(offsets[r + 1]! - offsets[r]!);
      }
      duckdb.copy_data_to_vector(raw, 0, entries.buffer, entries.byteOffset, entries.byteLength);
      if (v.nullCount) {
        const out = chunk.getColumnVector(c);
        for (let r = from; r < to; r++) if (!v.isValid(r)) out.setItem(r - from, null);
      }
    },
  };
}

function flattenList(
  v: Vector,
  as: typeof Int32Array | typeof BigInt64Array | typeof Float32Array | typeof Float64Array,
  where: string,
): { offsets: Int32Array; values: NumArray } {
  const offsets = new Int32Array(v.length + 1);
  let total = 0;
  let row = 0;
  for (const d of v.data) {
    const off = d.valueOffsets as Int32Array;
    for (let r = 0; r < d.length; r++, row++) {
      total += off[d.offset + r + 1]! - off[d.offset + r]!;
      offsets[row + 1] = total;
    }
  }
  const values = new as(total);
  row = 0;
  for (const d of v.data) {
    const off = d.valueOffsets as Int32Array;
    const child = d.children[0];
    if (!child) throw new InputError(`${where}: list data without a child`);
    if (child.nullCount) throw new InputError(`${where}: list elements hold nulls; reckit writes lists without nulls`);
    const src = child.values as ArrayLike<number> | BigInt64Array;
    for (let r = 0; r < d.length; r++, row++) {
      let at = offsets[row]!;
      for (let p = off[d.offset + r]! + child.offset; p < off[d.offset + r + 1]! + child.offset; p++) {
        (values as Float64Array)[at++] = as === BigInt64Array ? (BigInt(src[p] as number) as never) : Number(src[p]);
      }
    }
  }
  return { offsets, values };
}
