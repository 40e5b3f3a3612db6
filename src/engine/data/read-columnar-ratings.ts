import { readFile } from 'node:fs/promises';
import { type Table, Type, tableFromIPC, type Vector } from 'apache-arrow';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { CancelledError, InputError } from '../errors.js';
import { checkNumericIds, idsFromBigInts } from '../matrix/id-rules.js';
import { columnIndex, guessColumns } from './guess-columns.js';
import { plainOrQuoted, quoteBounded } from './quote-bounded.js';
import type { ColumnarLayout, RatingColumns, ReadRatingsOptions, ReadReport } from './ratings-layout.js';
import { ratingsTable, toIdColumn } from './ratings-table.js';

const MAX_EXAMPLES = 5;
type Values = ArrayLike<unknown>;

/** Reads ratings from a Parquet or Arrow IPC (file or stream) file; rows are checked like text rows. */
export async function readColumnarRatings(
  path: string,
  layout: ColumnarLayout,
  o: ReadRatingsOptions = {},
): Promise<{ table: Table; report: ReadReport }> {
  const columns = layout.format === 'arrow' ? await arrowColumns(path) : await parquetColumns(path, o);
  const names = [...columns.keys()];
  const map = layout.columns ?? guessColumns(names);
  if (!map) {
    throw new InputError(
      `${path}: cannot tell which columns hold user, item and rating (columns: ${plainOrQuoted(names.join(', '))}); pass --columns user=..,item=..,rating=..`,
    );
  }
  const pick = (ref: RatingColumns[keyof RatingColumns]) =>
    ref === undefined ? undefined : (columns.get(names[columnIndex(ref, names, path)]!) as Values);
  return normalizeColumns(path, pick(map.user), pick(map.item), pick(map.rating), pick(map.timestamp), o);
}

async function arrowColumns(path: string): Promise<Map<string, Values>> {
  let table: Table;
  try {
    table = tableFromIPC(await readFile(path));
  } catch (error) {
    throw new InputError(`${path}: not an Arrow IPC file or stream (${quoteBounded((error as Error).message)})`, {
      cause: error,
    });
  }
  const out = new Map<string, Values>();
  for (const f of table.schema.fields) out.set(f.name, vectorValues(table.getChild(f.name) as Vector));
  return out;
}

function vectorValues(v: Vector): Values {
  if (v.nullCount === 0 && (v.type.typeId === Type.Int || v.type.typeId === Type.Float)) return v.toArray();
  return Array.from({ length: v.length }, (_, i) => v.get(i));
}

async function parquetColumns(path: string, o: ReadRatingsOptions): Promise<Map<string, Values>> {
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputError(`${path}: not a Parquet file (${quoteBounded((error as Error).message)})`, { cause: error });
  }
  const rows = Number(metadata.num_rows);
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const out = new Map<string, unknown[] | Values>();
  const parts = new Map<string, { start: number; data: Values }[]>(names.map((n) => [n, []]));
  try {
    await parquetRead({
      file,
      metadata,
      onChunk(chunk) {
        if (o.signal?.aborted) throw new CancelledError(`cancelled while reading ${path}`);
        parts.get(chunk.columnName)?.push({ start: chunk.rowStart, data: chunk.columnData as Values });
        o.onProgress?.(Math.min(1, chunk.rowEnd / Math.max(1, rows)));
      },
    });
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    // A damaged page (bad compression, truncated data, wrong lengths) fails deep in the decoder:
    // the file is the user's to replace, so one line naming it, with the decoder's reason cut short.
    throw new InputError(
      `${path}: the Parquet data is damaged and cannot be decoded (${quoteBounded(String((error as Error)?.message ?? error))}); export or download the file again`,
      { cause: error },
    );
  }
  for (const [name, chunks] of parts) {
    if (chunks.length === 1 && chunks[0]?.data.length === rows) {
      out.set(name, chunks[0].data);
      continue;
    }
    const all: unknown[] = new Array(rows);
    for (const c of chunks) for (let i = 0; i < c.data.length; i++) all[c.start + i] = c.data[i];
    out.set(name, all);
  }
  return out as Map<string, Values>;
}

/**
 * Checks and converts raw columns: ids non-null (numbers or strings), ratings finite and on the
 * scale, timestamps numbers (Date and bigint accepted). Errors say "row N" (0-based data row).
 */
export function normalizeColumns(
  source: string,
  user: Values | undefined,
  item: Values | undefined,
  rating: Values | undefined,
  timestamp: Values | undefined,
  o: ReadRatingsOptions,
): { table: Table; report: ReadReport } {
  if (!user || !item || !rating) throw new InputError(`${source}: user, item and rating columns are required`);
  const n = rating.length;
  const keep = new Uint8Array(n);
  const r = new Float32Array(n);
  const t = timestamp ? new Float64Array(n) : undefined;
  const examples: string[] = [];
  let skipped = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const bad = badRow(i, user[i], item[i], rating[i], timestamp?.[i], o, source, r, t);
    if (bad) {
      if (!o.skipBad) throw new InputError(bad);
      if (skipped++ < MAX_EXAMPLES) examples.push(bad);
      continue;
    }
    keep[i] = 1;
    kept++;
  }
  if (kept === 0) {
    throw new InputError(
      skipped ? `${source}: all ${skipped} rows are bad; the first: ${examples[0]}` : `${source}: no rating rows`,
    );
  }
  const filter = <T>(a: ArrayLike<T>): T[] => {
    const out: T[] = [];
    for (let i = 0; i < n; i++) if (keep[i]) out.push(a[i] as T);
    return out;
  };
  const ids = (a: Values, name: string) => {
    const v = kept === n ? a : filter(a);
    return toIdColumn(idColumnValues(v, (i) => `${source} row ${i}: field ${name}`));
  };
  const table = ratingsTable({
    user: ids(user, 'user'),
    item: ids(item, 'item'),
    rating: kept === n ? r : Float32Array.from(filter(r)),
    timestamp: t && (kept === n ? t : Float64Array.from(filter(t))),
  });
  return { table, report: { rows: kept, skipped, skippedExamples: examples } };
}

/**
 * An id column's values under the id rules (id-rules.ts): strings as they are, 64-bit integers
 * as numbers or (beyond 2^53) exact decimal text, other numbers only when safe integers.
 */
function idColumnValues(v: Values, where: (row: number) => string): Float64Array | Int32Array | string[] {
  if (v instanceof Int32Array) return v;
  const first = v[0];
  if (v instanceof BigInt64Array || v instanceof BigUint64Array || typeof first === 'bigint') {
    return idsFromBigInts(v as ArrayLike<bigint>);
  }
  if (typeof first === 'string') return Array.from(v as ArrayLike<unknown>, String);
  const nums = v instanceof Float64Array ? v : Float64Array.from(v as ArrayLike<number>, Number);
  checkNumericIds(nums, where);
  return nums;
}

function badRow(
  i: number,
  u: unknown,
  it: unknown,
  rv: unknown,
  tv: unknown,
  o: ReadRatingsOptions,
  source: string,
  r: Float32Array,
  t: Float64Array | undefined,
): string | undefined {
  const where = `${source} row ${i}`;
  if (u === null || u === undefined || u === '') return `${where}: field user is empty (null)`;
  if (it === null || it === undefined || it === '') return `${where}: field item is empty (null)`;
  const v = typeof rv === 'bigint' ? Number(rv) : typeof rv === 'number' ? rv : Number.NaN;
  if (!Number.isFinite(v)) return `${where}: field rating is ${quoteBounded(String(rv))}, not a finite number`;
  if (o.scale && (v < o.scale.min || v > o.scale.max)) {
    return `${where}: rating ${v} is outside the scale [${o.scale.min}, ${o.scale.max}]`;
  }
  r[i] = v;
  if (t) {
    const s = tv instanceof Date ? tv.getTime() / 1000 : typeof tv === 'bigint' ? Number(tv) : (tv as number);
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      return `${where}: field timestamp is ${quoteBounded(String(tv))}, not a finite number`;
    }
    t[i] = s;
  }
  return undefined;
}
