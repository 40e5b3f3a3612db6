import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../../src/adapters/datasets/load-dataset.js';
import { registryEntry } from '../../../src/adapters/datasets/registry.js';
import { decodeText, forEachRecord } from '../../../src/engine/data/csv-records.js';
import { joinThroughLinks } from '../../../src/engine/data/join-links.js';
import type { ItemsLayout } from '../../../src/engine/data/ratings-layout.js';
import { readItemsData } from '../../../src/engine/data/read-items.js';
import { dataPath, missing } from '../../support/data-dir.js';

const layout = (name: string, k = 0) => registryEntry(name)?.items[k] as ItemsLayout;
const titleOf = (d: { item: ArrayLike<number | string>; title: string[] }, id: number) =>
  d.title[Array.from(d.item as ArrayLike<number>).indexOf(id)];

describe('Latin-1 metadata', () => {
  const uItem = dataPath('ml-100k', 'u.item');
  test.skipIf(!uItem)(
    `ml-100k u.item: accents decode, 19 genre flags become names (${missing('ml-100k', 'u.item')})`,
    async () => {
      const d = await readItemsData(uItem as string, layout('ml-100k'));
      expect(d.item.length).toBe(1_682);
      expect(titleOf(d, 543)).toBe('Misérables, Les (1995)');
      expect(titleOf(d, 1633)).toBe('Á köldum klaka (Cold Fever) (1994)');
      expect(titleOf(d, 1)).toBe('Toy Story (1995)');
      expect(d.genres[0]).toBe("Animation|Children's|Comedy");
      expect(titleOf(d, 267)).toBe('unknown');
    },
  );

  const moviesDat = dataPath('ml-1m', 'movies.dat');
  test.skipIf(!moviesDat)(`ml-1m movies.dat ('::', Latin-1) (${missing('ml-1m', 'movies.dat')})`, async () => {
    const d = await readItemsData(moviesDat as string, layout('ml-1m'));
    expect(d.item.length).toBe(3_883);
    expect(titleOf(d, 73)).toBe('Misérables, Les (1995)');
    expect(titleOf(d, 570)).toBe('Slingshot, The (Kådisbellan ) (1993)');
    expect(d.genres[Array.from(d.item as ArrayLike<number>).indexOf(1)]).toBe("Animation|Children's|Comedy");
  });
});

const tmdb = dataPath('tmdb-5000', 'tmdb_5000_movies.csv');
describe.skipIf(!tmdb)(`TMDB 5000 (${missing('tmdb-5000', 'tmdb_5000_movies.csv')})`, () => {
  test('4,803 movies of 20 fields each; bare CRs stay inside the three overviews', () => {
    const rows: string[][] = [];
    forEachRecord(decodeText(readFileSync(tmdb as string)), { delimiter: ',' }, (f) => rows.push(f));
    expect(rows.length).toBe(4_804);
    expect(rows.every((r) => r.length === 20)).toBe(true);
    const header = rows[0]!;
    const [id, overview, title] = ['id', 'overview', 'title'].map((n) => header.indexOf(n)) as [number, number, number];
    const withCr = rows.filter((r) => r[overview]?.includes('\r')).map((r) => [r[id], r[title]]);
    expect(withCr).toEqual([
      ['11891', 'Kung Pow: Enter the Fist'],
      ['11342', 'Warlock'],
      ['25248', 'Saint Ralph'],
    ]);
  });

  test('items: ids, titles and JSON genres as names', async () => {
    const d = await readItemsData(tmdb as string, layout('tmdb-5000'));
    expect(d.item.length).toBe(4_803);
    expect(new Set(Array.from(d.item as ArrayLike<number>)).size).toBe(4_803);
    expect(titleOf(d, 19995)).toBe('Avatar');
    expect(d.genres[Array.from(d.item as ArrayLike<number>).indexOf(19995)]).toBe(
      'Action|Adventure|Fantasy|Science Fiction',
    );
    expect(d.skipped).toBe(0);
  });

  const links = dataPath('the-movies-dataset', 'links_small.csv');
  test.skipIf(!links)('joined through links_small.tmdbId: 3,404 movies, 66,947 ratings', async () => {
    const byTmdb = await readItemsData(tmdb as string, layout('tmdb-5000'));
    const entry = registryEntry('the-movies-dataset');
    const joined = await joinThroughLinks(links as string, entry?.links as never, byTmdb);
    expect(joined.linked).toBe(3_404);
    expect(titleOf(joined, 1)).toBe('Toy Story'); // movieId 1 -> tmdbId 862
    const d = await loadDataset('the-movies-dataset');
    expect(d.report.items).toBe(3_404);
    const known = new Set(d.items?.getChild('item')?.toArray() as Int32Array);
    let covered = 0;
    for (const m of d.ratings.getChild('item')!.toArray() as Int32Array) if (known.has(m)) covered++;
    expect(covered).toBe(66_947);
  });
});

const movies = dataPath('ml-latest-small', 'movies.csv');
test.skipIf(!movies)(
  `ml-latest-small movies.csv: quoted titles with commas, CRLF (${missing('ml-latest-small', 'movies.csv')})`,
  async () => {
    const d = await loadDataset('ml-latest-small');
    const t = d.items;
    expect(t?.numRows).toBe(9_742);
    const ids = Array.from(t?.getChild('item')?.toArray() as Int32Array);
    const titles = t?.getChild('title')?.toArray() as string[];
    expect(titles[ids.indexOf(11)]).toBe('American President, The (1995)');
    expect(titles.some((s) => s.endsWith('\r'))).toBe(false);
    expect((t!.getChild('genres')!.toArray() as string[])[ids.indexOf(1)]).toBe(
      'Adventure|Animation|Children|Comedy|Fantasy',
    );
  },
);
