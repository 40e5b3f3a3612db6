import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../../src/adapters/datasets/load-dataset.js';
import { registryEntries } from '../../../src/adapters/datasets/registry.js';
import { resolveDataset } from '../../../src/adapters/datasets/resolve-dataset.js';
import { InputError } from '../../../src/engine/errors.js';
import { dataPath, missing } from '../../support/data-dir.js';

const empty = () => mkdtempSync(join(tmpdir(), 'reckit-empty-'));

describe('registry', () => {
  test('every entry has a layout the loaders understand and no invented checksum', () => {
    const names = registryEntries().map((e) => e.name);
    for (const want of ['ml-100k', 'ml-1m', 'ml-10m', 'ml-20m', 'ml-25m', 'ml-32m', 'ml-latest-small', 'ml-latest']) {
      const e = registryEntries().find((x) => x.name === want);
      expect(e?.download?.url).toBe(`https://files.grouplens.org/datasets/movielens/${want}.zip`);
    }
    expect(names).toEqual(
      expect.arrayContaining(['the-movies-dataset', 'tmdb-5000', 'ml-1m-triples', 'hetrec2011-lastfm-2k']),
    );
    for (const e of registryEntries()) {
      expect(e.download?.sha256 ?? null).toBeNull(); // none is published as sha256: never guess one
      expect(e.download || e.manual).toBeTruthy();
      if (e.ratings?.format === 'delimited') expect(e.ratings.columns.rating).toBeDefined();
      for (const sha of Object.values(e.files ?? {})) expect(sha).toMatch(/^[0-9a-f]{64}$/);
      expect(e.license.length).toBeGreaterThan(10);
    }
  });
});

describe('resolveDataset', () => {
  test('unknown names list the known ones', async () => {
    await expect(resolveDataset('ml-7k')).rejects.toThrow(/not a known dataset \(known: ml-100k, ml-1m/);
  });

  test('a missing registry dataset without download says which files to place where', async () => {
    const o = { dataDir: empty(), cacheDir: empty(), download: false };
    const run = resolveDataset('ml-25m', o);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(resolveDataset('ml-25m', o)).rejects.toThrow(
      new RegExp(
        `files\\.grouplens\\.org/datasets/movielens/ml-25m\\.zip, and place ratings\\.csv, movies\\.csv in ${o.cacheDir}/ml-25m/`,
      ),
    );
    await expect(resolveDataset('the-movies-dataset', o)).rejects.toThrow(
      /no direct download URL\. Download it from https:\/\/www\.kaggle\.com\/datasets\/rounakbanik\/the-movies-dataset, and place ratings_small\.csv, links_small\.csv/,
    );
  });

  test('$RECKIT_DATA_DIR/NAME comes before the cache; the cache before a download', async () => {
    const dataDir = empty();
    const cacheDir = empty();
    mkdirSync(join(cacheDir, 'ml-1m-triples'));
    writeFileSync(join(cacheDir, 'ml-1m-triples', 'ratings.tsv'), '1\t1\t5\n');
    const fromCache = await resolveDataset('ml-1m-triples', { dataDir, cacheDir });
    expect(fromCache).toMatchObject({ kind: 'registry', origin: 'cache', dir: join(cacheDir, 'ml-1m-triples') });
    mkdirSync(join(dataDir, 'ml-1m-triples'));
    writeFileSync(join(dataDir, 'ml-1m-triples', 'ratings.tsv'), '1\t1\t5\n2\t1\t4\n');
    const d = await loadDataset('ml-1m-triples', { dataDir, cacheDir });
    expect(d.report.origin).toBe('data-dir');
    expect(d.ratings.numRows).toBe(2);
    expect(d.scale).toEqual({ min: 1, max: 5 });
  });

  test('a registry scale is enforced: a 7 in ml-1m-triples is a bad row', async () => {
    const dataDir = empty();
    mkdirSync(join(dataDir, 'ml-1m-triples'));
    writeFileSync(join(dataDir, 'ml-1m-triples', 'ratings.tsv'), '1\t1\t5\n1\t2\t7\n');
    await expect(loadDataset('ml-1m-triples', { dataDir })).rejects.toThrow(
      /ratings\.tsv line 2: rating 7 \(column 3\) is outside the scale \[1, 5\]/,
    );
    const d = await loadDataset('ml-1m-triples', { dataDir, skipBad: true });
    expect([d.ratings.numRows, d.report.skipped]).toEqual([1, 1]);
  });

  test('tmdb-5000 has no ratings: loading it says so', async () => {
    const dataDir = empty();
    mkdirSync(join(dataDir, 'tmdb-5000'));
    writeFileSync(join(dataDir, 'tmdb-5000', 'tmdb_5000_movies.csv'), 'id,title,genres\n1,A,[]\n');
    await expect(loadDataset('tmdb-5000', { dataDir })).rejects.toThrow(/tmdb-5000 has no per-user ratings/);
  });

  test('synthetic: specs resolve without touching the disk', async () => {
    const d = await loadDataset('synthetic:users=50,items=40,ratings=600,seed=3');
    expect(d.ratings.numRows).toBe(600);
    expect(d.report.origin).toBe('synthetic');
    await expect(loadDataset('synthetic:ml-2m-shape')).rejects.toThrow(/unknown preset "ml-2m-shape"/);
  });
});

const ml100k = dataPath('ml-100k', 'u.data');
describe.skipIf(!ml100k)(`paths (${missing('ml-100k', 'u.data')})`, () => {
  test('a folder path is recognised by its files; a copy under another name borrows the layout, not the scale', async () => {
    const dir = join(ml100k as string, '..');
    const d = await loadDataset(dir);
    expect(d.report).toMatchObject({ origin: 'path', layout: 'ml-100k', rows: 100_000, items: 1_682 });
    expect(d.scale).toEqual({ min: 1, max: 5 });
    const other = join(empty(), 'my-copy');
    mkdirSync(other);
    copyFileSync(ml100k as string, join(other, 'u.data'));
    const c = await loadDataset(other);
    expect(c.report.layout).toBe('ml-100k');
    expect(c.scale).toBeUndefined();
  });

  test('a split file (u1.base) loads in the u.data layout', async () => {
    const d = await loadDataset(join(ml100k as string, '..', 'u1.base'), { items: false });
    expect(d.ratings.numRows).toBe(80_000);
  });

  test('a generic CSV with a column mapping', async () => {
    const p = join(empty(), 'mine.csv');
    writeFileSync(p, 'who,what,stars\n1,2,3\n1,3,4\n');
    await expect(loadDataset(p)).rejects.toThrow(/cannot tell which columns/);
    const d = await loadDataset(p, {
      columns: { user: 'who', item: 'what', rating: 'stars' },
      scale: { min: 1, max: 5 },
    });
    expect(d.ratings.numRows).toBe(2);
    expect(d.scale).toEqual({ min: 1, max: 5 });
  });
});
