import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { idsFromText } from '../matrix/id-rules.js';
import { decodeText, forEachRecord } from './csv-records.js';
import { columnIndex } from './guess-columns.js';
import { toIdColumn } from './ratings-table.js';
import type { ItemsData } from './read-items.js';

export interface LinksLayout {
  file: string;
  delimiter: string;
  /** Column of the rating file's item id (movieId). */
  item: string | number;
  /** Column of the key the metadata uses (tmdbId). */
  key: string | number;
}

/**
 * Re-keys metadata through a links file: The Movies Dataset's ratings use MovieLens movieIds,
 * its metadata (and TMDB 5000) use TMDB ids, and links_small.csv maps one to the other.
 * Links with an empty key (13 rows in links_small.csv) and keys without metadata are dropped.
 */
export async function joinThroughLinks(
  path: string,
  layout: LinksLayout,
  byKey: ItemsData,
): Promise<ItemsData & { linked: number }> {
  const records: string[][] = [];
  forEachRecord(decodeText(await readFile(path)), { delimiter: layout.delimiter }, (f) => {
    records.push(f);
  });
  const names = records.shift();
  if (!names) throw new InputError(`${path}: the file is empty`);
  const itemAt = columnIndex(layout.item, names, path);
  const keyAt = columnIndex(layout.key, names, path);
  const row = new Map<string, number>();
  for (let i = 0; i < byKey.item.length; i++) row.set(String(byKey.item[i]), i);
  const items: string[] = [];
  const title: string[] = [];
  const genres: string[] = [];
  for (const r of records) {
    const key = (r[keyAt] ?? '').trim();
    // Keys and item ids follow the id rules (docs/data-and-ids.md): text as written, never re-rounded.
    const i = key === '' ? undefined : row.get(key);
    if (i === undefined) continue;
    items.push((r[itemAt] ?? '').trim());
    title.push(byKey.title[i]!);
    genres.push(byKey.genres[i]!);
  }
  return { item: toIdColumn(idsFromText(items)), title, genres, skipped: byKey.skipped, linked: items.length };
}
