import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadDataset } from '../../../src/adapters/datasets/download-dataset.js';
import { loadDataset } from '../../../src/adapters/datasets/load-dataset.js';
import type { DatasetEntry } from '../../../src/adapters/datasets/registry.js';
import { InputError } from '../../../src/engine/errors.js';

const RATINGS = 'userId,movieId,rating,timestamp\n1,10,4.5,100\n1,11,3,101\n2,10,5,102\n';
const MOVIES = 'movieId,title,genres\n10,"Heat, The (1995)",Crime\n11,Toy Story (1995),Comedy\n';
const ZIP = zipSync({
  'tiny/ratings.csv': strToU8(RATINGS),
  'tiny/movies.csv': strToU8(MOVIES),
  'tiny/README.txt': strToU8('readme'),
});
const SHA = createHash('sha256').update(ZIP).digest('hex');

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/tiny.zip') {
      res.writeHead(200, { 'content-length': ZIP.length, 'content-type': 'application/zip' });
      res.end(Buffer.from(ZIP));
    } else if (req.url === '/truncated.zip') {
      // announce the full length, send half, then drop the connection
      res.writeHead(200, { 'content-length': ZIP.length });
      res.write(Buffer.from(ZIP.subarray(0, ZIP.length >> 1)), () => res.destroy());
    } else if (req.url === '/garbage.zip') {
      const junk = Buffer.alloc(4096, 7);
      res.writeHead(200, { 'content-length': junk.length });
      res.end(junk);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const entry = (path: string, sha256: string | null): DatasetEntry => ({
  name: 'tiny',
  title: 'tiny',
  homepage: 'http://example.invalid/',
  download: { url: `${base}${path}`, sha256, archiveRoot: 'tiny/' },
  ratings: {
    format: 'delimited',
    file: 'ratings.csv',
    delimiter: ',',
    header: true,
    columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' },
  },
  items: [],
  scale: { min: 0.5, max: 5, step: 0.5 },
  published: null,
  license: 'test',
});
const cache = () => mkdtempSync(join(tmpdir(), 'reckit-cache-'));
/** Nothing but the finished dataset folder may remain: no temp dirs, no half files. */
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f !== 'tiny');

describe('downloadDataset (local HTTP server)', () => {
  test('downloads, verifies the sha256, strips the archive root, renames into the cache', async () => {
    const dir = cache();
    const progress: number[] = [];
    const got = await downloadDataset(entry('/tiny.zip', SHA), dir, { onProgress: (f) => progress.push(f) });
    expect(got).toEqual({ dir: join(dir, 'tiny'), bytes: ZIP.length, sha256: SHA, verified: true });
    expect(readFileSync(join(dir, 'tiny', 'ratings.csv'), 'utf8')).toBe(RATINGS);
    expect(readdirSync(join(dir, 'tiny')).sort()).toEqual(['README.txt', 'movies.csv', 'ratings.csv']);
    expect(progress.at(-1)).toBe(1);
    expect(leftovers(dir)).toEqual([]);
    const d = await loadDataset(join(dir, 'tiny'));
    expect(d.ratings.numRows).toBe(3);
    expect(d.items?.numRows).toBe(2);
  });

  test('no published checksum: downloads and reports the sha256 it saw, unverified', async () => {
    const got = await downloadDataset(entry('/tiny.zip', null), cache());
    expect(got.verified).toBe(false);
    expect(got.sha256).toBe(SHA);
  });

  test('checksum mismatch: InputError, nothing left in the cache', async () => {
    const dir = cache();
    const wrong = '0'.repeat(64);
    const run = downloadDataset(entry('/tiny.zip', wrong), dir);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(downloadDataset(entry('/tiny.zip', wrong), dir)).rejects.toThrow(
      new RegExp(`checksum mismatch \\(sha256 expected ${wrong}, got ${SHA}\\)`),
    );
    expect(existsSync(join(dir, 'tiny'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('truncated download: InputError, nothing left in the cache', async () => {
    const dir = cache();
    await expect(downloadDataset(entry('/truncated.zip', null), dir)).rejects.toThrow(/truncated download|broke off/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a damaged archive: InputError, nothing left in the cache', async () => {
    const dir = cache();
    await expect(downloadDataset(entry('/garbage.zip', null), dir)).rejects.toThrow(
      /damaged or truncated|the archive has no tiny\/ratings\.csv/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('HTTP 404 and an unreachable host say what to place where', async () => {
    const dir = cache();
    await expect(downloadDataset(entry('/missing.zip', null), dir)).rejects.toThrow(
      new RegExp(`answered HTTP 404.*place ratings\\.csv in ${join(dir, 'tiny').replace(/[.\\/]/g, '\\$&')}`),
    );
    const offline = {
      ...entry('', null),
      download: { url: 'http://127.0.0.1:9/x.zip', sha256: null, archiveRoot: '' },
    };
    await expect(downloadDataset(offline, dir)).rejects.toThrow(
      /unreachable .*offline\?.*place ratings\.csv in .*RECKIT_DATA_DIR/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a cancelled download is a CancelledError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(downloadDataset(entry('/tiny.zip', null), cache(), { signal: ac.signal })).rejects.toThrow(
      /cancelled/,
    );
  });
});
