import {
  type DuckDBDataChunk,
  DuckDBDecimalValue,
  type DuckDBListType,
  type DuckDBListVector,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBVector,
} from '@duckdb/node-api';
import { Bool, type Data, type DataType, Field, Float32, Float64, Int32, Int64, type Table, Utf8 } from 'apache-arrow';
import { CancelledError, InputError } from '../../engine/errors.js';
import { listData, numericData, tableOf, valuesData } from './arrow-columns.js';

type NumKind = 'i32' | 'i64' | 'f32' | 'f64';
type Kind = NumKind | 'utf8' | 'bool' | { list: NumKind };

const ARRAYS = { i32: Int32Array, i64: BigInt64Array, f32: Float32Array, f64: Float64Array } as const;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
type NumArray = Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * Reads a DuckDB result chunk by chunk into an Arrow table, column-wise into typed arrays (no
 * per-row objects). Types map: TINYINT..INTEGER -> Int32, BIGINT -> Int64, FLOAT -> Float32,
 * DOUBLE/DECIMAL/UINTEGER/UBIGINT/HUGEINT -> Float64, VARCHAR -> Utf8, BOOLEAN -> Bool, and LIST
 * of those numbers -> List. Anything else is refused naming the column; CAST it in SQL.
 */
export async function duckDbResultToArrow(result: DuckDBResult, source: string, signal?: AbortSignal): Promise<Table> {
  const names = result.columnNames();
  const kinds = result.columnTypes().map((t, c) => kindOf(t, `${source}: column "${names[c]}"`));
  const parts: Part[][] = names.map(() => []);
  for (;;) {
    if (signal?.aborted) throw new CancelledError(`reading ${source} was cancelled`);
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let c = 0; c < names.length; c++) {
      parts[c]?.push(readColumn(chunk, c, kinds[c]!, `${source}: column "${names[c]}"`));
    }
  }
  const fields: Field[] = [];
  const columns: Data[] = [];
  for (let c = 0; c < names.length; c++) {
    const data = buildColumn(kinds[c]!, parts[c]!);
    fields.push(new Field(names[c]!, data.type, true));
    columns.push(data);
  }
  return tableOf(fields, [columns]);
}

interface Part {
  values: NumArray | (string | null)[] | (boolean | null)[];
  valid: Uint8Array | null;
  /** For lists: offsets into values (length rows + 1). */
  offsets?: Int32Array;
  rows: number;
}

function kindOf(t: DuckDBType, where: string): Kind {
  switch (t.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return 'i32';
    case DuckDBTypeId.BIGINT:
      return 'i64';
    case DuckDBTypeId.FLOAT:
      return 'f32';
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      return 'f64';
    case DuckDBTypeId.VARCHAR:
      return 'utf8';
    case DuckDBTypeId.BOOLEAN:
      return 'bool';
    case DuckDBTypeId.LIST: {
      const inner = kindOf((t as DuckDBListType).valueType, where);
      if (typeof inner === 'string' && inner in ARRAYS) return { list: inner as NumKind };
      break;
    }
  }
  throw new InputError(`${where} has type ${t.toString()}, which reckit does not read; CAST it to a number or VARCHAR`);
}

function readColumn(chunk: DuckDBDataChunk, c: number, kind: Kind, where: string): Part {
  const vector = chunk.getColumnVector(c);
  const rows = chunk.rowCount;
  if (typeof kind === 'object') return readList(vector as DuckDBListVector, rows, kind.list, where);
  if (kind === 'utf8' || kind === 'bool') {
    const values = new Array(rows);
    for (let r = 0; r < rows; r++) values[r] = vector.getItem(r);
    return { values, valid: null, rows };
  }
  const values = new ARRAYS[kind](rows);
  const valid = fillNumbers(vector, 0, rows, values, 0, where);
  return { values, valid, rows };
}

/**
 * Copies items [from, from+count) of a numeric vector into out[at..]; returns a validity mask if
 * any was null. A UBIGINT/HUGEINT beyond 2^53 is refused (docs/data-and-ids.md, "Ids"): as a
 * double it would round, and two such ids could become one.
 */
function fillNumbers(
  vector: DuckDBVector,
  from: number,
  count: number,
  out: NumArray,
  at: number,
  where: string,
): Uint8Array | null {
  let valid: Uint8Array | null = null;
  const big = out instanceof BigInt64Array;
  for (let r = 0; r < count; r++) {
    const v = vector.getItem(from + r) as number | bigint | DuckDBDecimalValue | null;
    if (v === null) {
      valid ??= new Uint8Array(count).fill(1);
      valid[r] = 0;
      continue;
    }
    const x = v instanceof DuckDBDecimalValue ? v.toDouble() : v;
    if (big) (out as BigInt64Array)[at + r] = BigInt(x);
    else if (typeof x === 'bigint' && (x > MAX_SAFE || x < -MAX_SAFE)) {
      throw new InputError(
        `${where} holds ${x}, beyond 2^53: a double cannot hold it exactly; CAST it to VARCHAR (ids) or DOUBLE (measures)`,
      );
    } else (out as Float64Array)[at + r] = Number(x);
  }
  return valid;
}

function readList(vector: DuckDBListVector, rows: number, kind: NumKind, where: string): Part {
  const offsets = new Int32Array(rows + 1);
  let valid: Uint8Array | null = null;
  for (let r = 0; r < rows; r++) {
    const isNull = vector.getItem(r) === null;
    if (isNull) {
      valid ??= new Uint8Array(rows).fill(1);
      valid[r] = 0;
    }
    offsets[r + 1] = offsets[r]! + (isNull ? 0 : vector.getEntryLength(r));
  }
  const values = new ARRAYS[kind](offsets[rows]!);
  const child = vector.childVector;
  for (let r = 0; r < rows; r++) {
    const n = offsets[r + 1]! - offsets[r]!;
    if (n === 0) continue;
    if (fillNumbers(child, vector.getEntryOffset(r), n, values, offsets[r]!, where)) {
      throw new InputError(`list row ${r} holds a null element; reckit reads lists of numbers without nulls`);
    }
  }
  return { values, valid, offsets, rows };
}

function arrowType(kind: NumKind): DataType {
  return { i32: new Int32(), i64: new Int64(), f32: new Float32(), f64: new Float64() }[kind];
}

function buildColumn(kind: Kind, parts: Part[]): Data {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  if (kind === 'utf8' || kind === 'bool') {
    const all: (string | boolean | null)[] = [];
    for (const p of parts) for (const v of p.values as (string | boolean | null)[]) all.push(v);
    return valuesData(all, kind === 'utf8' ? new Utf8() : new Bool());
  }
  const valid = mergeMasks(parts, rows);
  if (typeof kind === 'object') {
    const total = parts.reduce((s, p) => s + (p.values as NumArray).length, 0);
    const values = new ARRAYS[kind.list](total);
    const offsets = new Int32Array(rows + 1);
    let at = 0;
    let row = 0;
    for (const p of parts) {
      (values as Float64Array).set(p.values as Float64Array, at);
      for (let r = 1; r <= p.rows; r++) offsets[row + r] = at + (p.offsets?.[r] as number);
      at += (p.values as NumArray).length;
      row += p.rows;
    }
    return listData(arrowType(kind.list), rows, offsets, values, valid);
  }
  const values = new ARRAYS[kind](rows);
  let at = 0;
  for (const p of parts) {
    (values as Float64Array).set(p.values as Float64Array, at);
    at += p.rows;
  }
  return numericData(arrowType(kind), rows, values, valid);
}

/** The parts' 0/1 validity masks end to end (null when no part has a null). */
function mergeMasks(parts: Part[], rows: number): Uint8Array | null {
  if (parts.every((p) => !p.valid)) return null;
  const mask = new Uint8Array(rows).fill(1);
  let row = 0;
  for (const p of parts) {
    if (p.valid) mask.set(p.valid, row);
    row += p.rows;
  }
  return mask;
}
