import { Bool, type Data, Field, Float64, Int32, Int64, List, type Table, Utf8 } from 'apache-arrow';
import { CancelledError, InputError } from '../../engine/errors.js';
import { listData, numericData, tableOf, valuesData } from './arrow-columns.js';
import type { SnowflakeColumn } from './snowflake-client.js';

/** Rows per Arrow record batch while streaming. */
const BATCH_ROWS = 65_536;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64 = /^-?\d{1,19}$/;

type Kind = 'int' | 'float' | 'utf8' | 'bool' | 'variant';

/** One batch of one column: numbers in typed arrays, BigInts only when a value needs them. */
interface Part {
  rows: number;
  valid: Uint8Array | null;
  num?: Float64Array;
  big?: BigInt64Array;
  /** Variant arrays of numbers: offsets into `num`/`big`. */
  offsets?: Int32Array;
  /** Variant arrays holding a non-integer: the list is of doubles. */
  floats?: boolean;
  text?: (string | null)[];
  bool?: (boolean | null)[];
}

/**
 * Streamed Snowflake rows (arrays, numbers and VARIANT as text) into an Arrow table, one column
 * builder per batch of 64K rows: no object per row outlives its batch. NUMBER(p,0) becomes Int32
 * when every value fits, else Int64 (exact, through BigInt); NUMBER(p,s>0) and FLOAT become
 * Float64; VARIANT/ARRAY holding arrays of numbers become List columns (exact ids), any other
 * VARIANT stays JSON text (Utf8).
 */
export async function snowflakeRowsToArrow(
  columns: readonly SnowflakeColumn[],
  rows: AsyncIterable<unknown>,
  source: string,
  signal?: AbortSignal,
): Promise<Table> {
  const kinds = columns.map((c) => kindOf(c, source));
  const parts: Part[][] = columns.map(() => []);
  let batch: unknown[][] = [];
  const flush = () => {
    columns.forEach((c, i) => {
      parts[i]!.push(buildPart(batch, i, kinds[i]!, `${source}: column "${c.name}"`));
    });
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row as unknown[]);
    if (batch.length === BATCH_ROWS) {
      if (signal?.aborted) throw new CancelledError(`reading ${source} was cancelled`);
      flush();
    }
  }
  if (batch.length || parts[0]?.length === 0) flush();
  const plans = columns.map((c, i) => finish(c.name, kinds[i]!, parts[i]!));
  const batches = (parts[0] ?? []).map((_, b) => plans.map((p) => p.data[b]!));
  return tableOf(
    plans.map((p) => p.field),
    batches,
  );
}

function kindOf(c: SnowflakeColumn, source: string): Kind {
  switch (c.type) {
    case 'fixed':
      return c.scale > 0 ? 'float' : 'int';
    case 'real':
      return 'float';
    case 'text':
      return 'utf8';
    case 'boolean':
      return 'bool';
    case 'variant':
    case 'array':
    case 'object':
      return 'variant';
  }
  throw new InputError(
    `${source}: column "${c.name}" has Snowflake type ${c.type}, which reckit does not read; CAST it`,
  );
}

function buildPart(batch: unknown[][], c: number, kind: Kind, where: string): Part {
  const rows = batch.length;
  let valid: Uint8Array | null = null;
  const isNull = (r: number) => {
    if (batch[r]?.[c] !== null && batch[r]?.[c] !== undefined) return false;
    valid ??= new Uint8Array(rows).fill(1);
    valid[r] = 0;
    return true;
  };
  if (kind === 'utf8' || kind === 'bool') {
    const out = new Array(rows);
    for (let r = 0; r < rows; r++)
      out[r] = isNull(r) ? null : kind === 'bool' ? Boolean(batch[r]?.[c]) : String(batch[r]?.[c]);
    return kind === 'utf8' ? { rows, valid, text: out } : { rows, valid, bool: out };
  }
  if (kind === 'variant') return variantPart(batch, c, where);
  const part: Part = { rows, valid: null, num: new Float64Array(rows) };
  for (let r = 0; r < rows; r++) if (!isNull(r)) putNumber(part, r, String(batch[r]?.[c]), kind === 'int', where);
  part.valid = valid;
  return part;
}

/** Stores a number's text exactly: a double when it is one, else (integers) a BigInt. */
function putNumber(part: Part, at: number, text: string, integer: boolean, where: string): void {
  const x = Number(text);
  if (!integer || Number.isSafeInteger(x)) {
    (part.num as Float64Array)[at] = x;
    if (part.big) part.big[at] = BigInt(Math.trunc(x));
    return;
  }
  if (!INT64.test(text) || BigInt(text) > 0x7fffffffffffffffn || BigInt(text) < -0x8000000000000000n) {
    throw new InputError(`${where}: ${text} does not fit in 64 bits; CAST the column to VARCHAR to read it`);
  }
  part.big ??= BigInt64Array.from(part.num as Float64Array, (v) => BigInt(Math.trunc(v)));
  part.big[at] = BigInt(text);
}

/** VARIANT text: arrays of numbers as list parts (exact), anything else kept as JSON text. */
function variantPart(batch: unknown[][], c: number, where: string): Part {
  const rows = batch.length;
  const texts = batch.map((row) => (row[c] === null || row[c] === undefined ? null : String(row[c])));
  const numeric = /^\s*\[\s*(-?[\d.eE+-]+\s*(,\s*-?[\d.eE+-]+\s*)*)?\]\s*$/;
  if (!texts.every((t) => t === null || numeric.test(t))) return { rows, valid: null, text: texts };
  const tokens = texts.map((t) =>
    t === null
      ? []
      : (t
          .trim()
          .slice(1, -1)
          .match(/[^,\s]+/g) ?? []),
  );
  const offsets = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) offsets[r + 1] = offsets[r]! + (tokens[r] as string[]).length;
  const part: Part = { rows, valid: null, offsets, num: new Float64Array(offsets[rows]!) };
  const integer = tokens.every((ts) => ts.every((t) => /^-?\d+$/.test(t)));
  tokens.forEach((ts, r) => {
    ts.forEach((t, j) => {
      putNumber(part, offsets[r]! + j, t, integer, `${where} (array element)`);
    });
  });
  if (texts.includes(null)) part.valid = Uint8Array.from(texts, (t) => (t === null ? 0 : 1));
  part.floats = !integer;
  return part;
}

/** Chooses the column's Arrow type from every batch and builds one Data per batch. */
function finish(name: string, kind: Kind, parts: Part[]): { field: Field; data: Data[] } {
  const listParts = kind === 'variant' && parts.every((p) => p.offsets || p.rows === 0);
  if (kind === 'utf8' || (kind === 'variant' && !listParts)) {
    const data = parts.map((p) => valuesData(p.text ?? new Array(p.rows).fill(null), new Utf8()));
    return { field: new Field(name, new Utf8(), true), data };
  }
  if (kind === 'bool') {
    const data = parts.map((p) => valuesData(p.bool ?? [], new Bool()));
    return { field: new Field(name, new Bool(), true), data };
  }
  const integer = kind === 'int' || (listParts && parts.every((p) => !p.floats));
  const type = !integer ? new Float64() : parts.every(fitsInt32) ? new Int32() : new Int64();
  const values = (p: Part) =>
    type instanceof Float64
      ? (p.num as Float64Array)
      : type instanceof Int32
        ? Int32Array.from(p.num as Float64Array)
        : (p.big ?? BigInt64Array.from(p.num as Float64Array, (v) => BigInt(v)));
  if (!listParts) {
    const data = parts.map((p) => numericData(type, p.rows, values(p), p.valid));
    return { field: new Field(name, type, true), data };
  }
  const data = parts.map((p) => listData(type, p.rows, p.offsets as Int32Array, values(p), p.valid));
  return { field: new Field(name, new List(new Field('item', type, false)), true), data };
}

function fitsInt32(p: Part): boolean {
  if (p.big) return false;
  const a = p.num as Float64Array;
  for (let i = 0; i < a.length; i++) if (a[i]! < INT32_MIN || a[i]! > INT32_MAX) return false;
  return true;
}
