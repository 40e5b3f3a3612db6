import { readFile } from 'node:fs/promises';
import { type Table, tableFromArrays } from 'apache-arrow';
import { InputError } from '../errors.js';
import { idsFromText } from '../matrix/id-rules.js';
import { decodeText, forEachRecord } from './csv-records.js';
import { columnIndex } from './guess-columns.js';
import type { GenresFormat, ItemsLayout } from './ratings-layout.js';
import { type IdColumn, toIdColumn } from './ratings-table.js';
import { nulError, refuseBinaryHead } from './refuse-binary.js';

/** Item metadata as read: ids aligned with titles and '|'-joined genres. */
export interface ItemsData {
  item: IdColumn;
  title: string[];
  genres: string[];
  /** Records dropped because their id was empty or not a number where ids are numbers. */
  skipped: number;
}

/**
 * Reads an items file (u.item, movies.dat, movies.csv, tmdb_5000_movies.csv, artists.dat) into
 * ids, titles and genres. Latin-1 files decode byte-for-byte, so "Misérables" stays intact.
 * Records with an unusable id are counted, not fatal: metadata never blocks loading ratings.
 */
export async function readItemsData(path: string, layout: ItemsLayout): Promise<ItemsData> {
  const bytes = await readFile(path);
  if (bytes.length === 0) throw new InputError(`${path}: the file is empty`);
  await refuseBinaryHead(path, bytes.subarray(0, 64 << 10));
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw await nulError(path, nul);
  const records: string[][] = [];
  forEachRecord(decodeText(bytes, layout.encoding), { delimiter: layout.delimiter }, (f) => {
    records.push(f);
  });
  const names = layout.header ? records.shift() : undefined;
  const at = {
    item: columnIndex(layout.columns.item, names, path),
    title: columnIndex(layout.columns.title, names, path),
    genres: layout.columns.genres === undefined ? undefined : columnIndex(layout.columns.genres, names, path),
  };
  // Ids follow the ratings' id rules (docs/data-and-ids.md, "Ids"), decided on the whole column.
  const raws: string[] = [];
  const titles: string[] = [];
  const genres: string[] = [];
  let skipped = 0;
  for (const r of records) {
    const raw = (r[at.item] ?? '').trim();
    if (raw === '') {
      skipped++;
      continue;
    }
    raws.push(raw);
    titles.push(r[at.title] ?? '');
    genres.push(genresOf(r, at.genres, layout.genres));
  }
  const ids = idsFromText(raws);
  return {
    item: toIdColumn(ids),
    title: titles,
    genres,
    skipped,
  };
}

function genresOf(r: string[], at: number | undefined, format: GenresFormat | undefined): string {
  if (typeof format === 'object') {
    return format.names.filter((_, g) => (r[format.flags + g] ?? '').trim() === '1').join('|');
  }
  if (at === undefined) return '';
  const text = r[at] ?? '';
  if (format !== 'json-names') return text;
  try {
    const list = JSON.parse(text) as { name?: unknown }[];
    return Array.isArray(list) ? list.map((g) => String(g.name ?? '')).join('|') : '';
  } catch {
    // a malformed genres cell loses its genres, not the movie (movies_metadata.csv has a few)
    return '';
  }
}

/** The items Arrow table: item, title, genres. */
export function itemsTable(d: Pick<ItemsData, 'item' | 'title' | 'genres'>): Table {
  return tableFromArrays({ item: d.item, title: d.title, genres: d.genres } as Parameters<typeof tableFromArrays>[0]);
}
