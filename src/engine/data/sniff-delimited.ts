import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { decodeText, forEachRecord } from './csv-records.js';
import { guessColumns } from './guess-columns.js';
import { plainOrQuoted } from './quote-bounded.js';
import type { DelimitedLayout, RatingColumns } from './ratings-layout.js';
import { refuseBinaryHead } from './refuse-binary.js';

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export interface SniffOptions {
  delimiter?: string | undefined;
  header?: boolean | undefined;
  columns?: RatingColumns | undefined;
}

/**
 * Works out the layout of a generic ratings text file from its first lines: delimiter ('::', tab,
 * ',', ';', '|' in that order of preference), header (a first line whose rating-like fields are
 * not numbers), and columns (header aliases such as userId/movieId/rating, else positions
 * 0, 1, 2[, 3]). Anything given in `o` wins.
 */
export async function sniffDelimited(path: string, file: string, o: SniffOptions = {}): Promise<DelimitedLayout> {
  const fh = await open(path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(16 << 10);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) throw new InputError(`${path}: the file is empty`);
    await refuseBinaryHead(path, buf.subarray(0, bytesRead));
    text = decodeText(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    o.delimiter ?? (['::', '\t', ',', ';', '|'].find((d) => firstLine.includes(d)) as string | undefined) ?? ',';
  const records: string[][] = [];
  forEachRecord(text, { delimiter }, (f) => {
    if (records.length < 3) records.push(f);
  });
  const first = records[0] ?? [];
  const header = o.header ?? !first.every((f) => NUMBER.test(f) || f.trim() === '');
  let columns = o.columns;
  if (!columns && header) {
    columns = guessColumns(first);
    if (!columns) {
      throw new InputError(
        `${path}: cannot tell which columns hold user, item and rating (header: ${plainOrQuoted(first.join(', '))}); pass --columns user=..,item=..,rating=..[,timestamp=..]`,
      );
    }
  }
  if (!columns) {
    const width = first.length;
    if (width < 3)
      throw new InputError(`${path}: line 1 has ${width} field(s); a ratings file needs user, item, rating`);
    columns = { user: 0, item: 1, rating: 2, timestamp: width >= 4 ? 3 : undefined };
  }
  return { format: 'delimited', file, delimiter, header, encoding: 'utf-8', columns };
}
