import { open, stat } from 'node:fs/promises';
import type { Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import { idsFromText, isPlainIntegerId } from '../matrix/id-rules.js';
import { decodeText, forEachRecord } from './csv-records.js';
import { columnIndex } from './guess-columns.js';
import { DelimitedNumberParser, type NumericField, TextIdFound } from './parse-delimited-numbers.js';
import { quoteBounded } from './quote-bounded.js';
import type { DelimitedLayout, ReadRatingsOptions, ReadReport } from './ratings-layout.js';
import { ratingsTable, toIdColumn } from './ratings-table.js';
import { readLineBlocks } from './read-line-blocks.js';
import { refuseBinaryHead } from './refuse-binary.js';

const HEAD_BYTES = 64 << 10;
const SAMPLE_RECORDS = 200;
const MAX_EXAMPLES = 5;
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Reads user, item, rating[, timestamp] from a delimited text file. Plain integer ids take the
 * byte scanner (streamed in blocks, typed columns); when the first rows show other ids (Amazon
 * ASINs, ISBNs, `01`, 64-bit ids), or the scanner meets one further on, the file is read with text
 * ids, each id column numeric only if all its ids are plain integers (docs/data-and-ids.md).
 * Bad rows throw InputError naming file, line and field, or are counted with skipBad.
 */
export async function readDelimitedRatings(
  path: string,
  layout: DelimitedLayout,
  o: ReadRatingsOptions = {},
): Promise<{ table: Table; report: ReadReport }> {
  const head = await readHead(path);
  if (head.length === 0) throw new InputError(`${path}: the file is empty`);
  await refuseBinaryHead(path, head);
  const sample: string[][] = [];
  forEachRecord(decodeText(head, layout.encoding), { delimiter: layout.delimiter }, (f) => {
    if (sample.length <= SAMPLE_RECORDS) sample.push(f);
  });
  const names = layout.header ? sample.shift() : undefined;
  const c = layout.columns;
  const cols = {
    user: columnIndex(c.user, names, path),
    item: columnIndex(c.item, names, path),
    rating: columnIndex(c.rating, names, path),
    timestamp: c.timestamp === undefined ? undefined : columnIndex(c.timestamp, names, path),
  };
  // A partial last record in the 64 KiB head is not evidence either way: drop it.
  if (sample.length > 1) sample.pop();
  const textIds = sample.some((r) => isText(r[cols.user]) || isText(r[cols.item]));
  if (textIds) return readTextIdRatings(path, layout, cols, o);
  try {
    return await readNumericRatings(path, layout, cols, o, head.length / Math.max(1, countLines(head)));
  } catch (error) {
    // an id past the sampled rows that is not a plain integer: the whole file again, as text ids
    if (error instanceof TextIdFound) return readTextIdRatings(path, layout, cols, o);
    throw error;
  }
}

const isText = (s: string | undefined) => s !== undefined && s.trim() !== '' && !isPlainIntegerId(s.trim());

async function readNumericRatings(
  path: string,
  layout: DelimitedLayout,
  cols: { user: number; item: number; rating: number; timestamp: number | undefined },
  o: ReadRatingsOptions,
  bytesPerLine: number,
): Promise<{ table: Table; report: ReadReport }> {
  const size = (await stat(path)).size;
  const fields: NumericField[] = [
    { column: cols.user, name: 'user', kind: 'id' },
    { column: cols.item, name: 'item', kind: 'id' },
    { column: cols.rating, name: 'rating', kind: 'f32', min: o.scale?.min, max: o.scale?.max },
  ];
  if (cols.timestamp !== undefined) fields.push({ column: cols.timestamp, name: 'timestamp', kind: 'f64' });
  const parser = new DelimitedNumberParser({
    delimiter: layout.delimiter,
    header: layout.header,
    fields,
    source: path,
    skipBad: o.skipBad,
    expectedRows: (size / bytesPerLine) * 1.02 + 16,
  });
  for await (const block of readLineBlocks(path, {
    signal: o.signal,
    onProgress: o.onProgress,
    blockBytes: 32 << 20,
  })) {
    await parser.push(block, { signal: o.signal });
  }
  const r = parser.finish();
  refuseEmpty(path, r.rows, r.skipped, r.skippedExamples);
  const [user, item, rating, timestamp] = r.columns;
  const table = ratingsTable({
    user: user as Int32Array | Float64Array,
    item: item as Int32Array | Float64Array,
    rating: rating as Float32Array,
    timestamp: timestamp as Float64Array | undefined,
  });
  return { table, report: { rows: r.rows, skipped: r.skipped, skippedExamples: r.skippedExamples } };
}

/**
 * Text ids: decodes the file block by block (the same NUL and line-length guards as the scanner),
 * same checks and messages. A quoted field cannot span lines here, as in the scanner.
 */
async function readTextIdRatings(
  path: string,
  layout: DelimitedLayout,
  cols: { user: number; item: number; rating: number; timestamp: number | undefined },
  o: ReadRatingsOptions,
): Promise<{ table: Table; report: ReadReport }> {
  const users: string[] = [];
  const items: string[] = [];
  const ratings: number[] = [];
  const times: number[] = [];
  let skipped = 0;
  const examples: string[] = [];
  let first = layout.header;
  const want = cols.timestamp === undefined ? 3 : 4;
  const lastCol = Math.max(cols.user, cols.item, cols.rating, cols.timestamp ?? 0);
  let linesBefore = 0;
  for await (const block of readLineBlocks(path, { signal: o.signal, onProgress: o.onProgress, blockBytes: 8 << 20 })) {
    const text = decodeText(block, layout.encoding);
    forEachRecord(text, { delimiter: layout.delimiter }, (f, line) => {
      if (first) {
        first = false;
        return;
      }
      const bad = badTextRow(f, cols, lastCol, o, `${path} line ${linesBefore + line}`);
      if (bad) {
        if (!o.skipBad) throw new InputError(bad);
        if (skipped++ < MAX_EXAMPLES) examples.push(bad);
        return;
      }
      users.push(f[cols.user]!.trim());
      items.push(f[cols.item]!.trim());
      ratings.push(Number(f[cols.rating]));
      if (want === 4) times.push(Number(f[cols.timestamp as number]));
    });
    linesBefore += countLines(block);
  }
  refuseEmpty(path, ratings.length, skipped, examples);
  const table = ratingsTable({
    user: toIdColumn(idsFromText(users)),
    item: toIdColumn(idsFromText(items)),
    rating: Float32Array.from(ratings),
    timestamp: want === 4 ? Float64Array.from(times) : undefined,
  });
  return { table, report: { rows: ratings.length, skipped, skippedExamples: examples } };
}

function badTextRow(
  f: string[],
  cols: { user: number; item: number; rating: number; timestamp: number | undefined },
  lastCol: number,
  o: ReadRatingsOptions,
  where: string,
): string | undefined {
  if (f.length <= lastCol) {
    const role = (['user', 'item', 'rating', 'timestamp'] as const).find((k) => (cols[k] ?? -1) >= f.length);
    return `${where}: missing field ${role} (column ${(cols[role ?? 'user'] ?? 0) + 1}); the line has ${f.length} fields`;
  }
  for (const role of ['user', 'item'] as const) {
    if (f[cols[role]]!.trim() === '') return `${where}: field ${role} (column ${cols[role] + 1}) is empty`;
  }
  for (const role of ['rating', 'timestamp'] as const) {
    const at = cols[role];
    if (at === undefined) continue;
    const s = f[at]!;
    const v = NUMBER.test(s) ? Number(s) : Number.NaN;
    if (!Number.isFinite(v))
      return `${where}: field ${role} (column ${at + 1}) is ${quoteBounded(s)}, not a finite number`;
    if (role === 'rating' && o.scale && (v < o.scale.min || v > o.scale.max)) {
      return `${where}: rating ${s.trim()} (column ${at + 1}) is outside the scale [${o.scale.min}, ${o.scale.max}]`;
    }
  }
  return undefined;
}

function refuseEmpty(path: string, rows: number, skipped: number, examples: string[]): void {
  if (rows > 0) return;
  if (skipped > 0) throw new InputError(`${path}: all ${skipped} rows are bad; the first: ${examples[0]}`);
  throw new InputError(`${path}: no rating rows`);
}

function countLines(buf: Uint8Array): number {
  let n = 0;
  for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) n++;
  return n;
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
