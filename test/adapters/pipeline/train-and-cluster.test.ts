import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clusterUsers } from '../../../src/adapters/pipeline/cluster-users.js';
import { trainAndGetRecommendations } from '../../../src/adapters/pipeline/train-and-get-recommendations.js';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { InputError } from '../../../src/engine/errors.js';
import { loadModel } from '../../../src/engine/model/load-model.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-train-'));
let wh: DuckDbWarehouse;

/** 30 users x 40 movies: user u rates movies u..u+11 (mod 40), ratings from a fixed pattern. */
function ratings(userIds: (u: number) => string | number) {
  const users: (string | number)[] = [];
  const movies: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < 30; u++) {
    for (let j = 0; j < 12; j++) {
      users.push(userIds(u));
      movies.push(((u + j) % 40) + 1);
      values.push(1 + ((u * 3 + j * 5) % 9) / 2);
    }
  }
  return { users, movies: Int32Array.from(movies), values: Float32Array.from(values) };
}

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  const r = ratings((u) => u + 1);
  await wh.writeTable(
    'raw',
    new Table({
      cust: makeVector(Int32Array.from(r.users as number[])),
      sku: makeVector(r.movies),
      stars: makeVector(r.values),
    }),
  );
  const s = ratings((u) => `user-${u}`);
  await wh.writeTable(
    'ratings',
    new Table({
      USERID: vectorFromArray(s.users as string[], new Utf8()),
      MOVIEID: makeVector(s.movies),
      RATING: makeVector(s.values),
    }),
  );
  await wh.writeTable(
    'movies',
    new Table({
      MOVIEID: makeVector(Int32Array.from({ length: 40 }, (_, k) => k + 1)),
      TITLE: vectorFromArray(
        Array.from({ length: 40 }, (_, k) => `Movie ${k + 1}`),
        new Utf8(),
      ),
    }),
  );
});
afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

test('trainAndGetRecommendations maps other column names and writes top-N of unseen items', async () => {
  const s = await trainAndGetRecommendations(wh, 'raw', 'recs', {
    columns: { user: 'cust', item: 'sku', rating: 'stars' },
    params: { factors: 8, epochs: 5 },
    folds: 3,
    n: 5,
    modelDir: join(dir, 'model'),
  });
  expect(s).toMatchObject({ ratings: 360, users: 30, items: 40, rowsWritten: 30 });
  expect(s.cv?.folds).toHaveLength(3);
  expect(s.history).toHaveLength(5);
  const recs = await wh.readTable('recs');
  expect(recs.schema.fields.map((f) => f.name)).toEqual(['USERID', 'TOP_5_RECOMMENDATIONS']);
  for (let r = 0; r < recs.numRows; r++) {
    const u = Number(recs.getChild('USERID')?.get(r)) - 1;
    const items = Array.from(recs.getChild('TOP_5_RECOMMENDATIONS')?.get(r)?.toArray() as Int32Array);
    expect(new Set(items).size).toBe(5);
    const seen = new Set(Array.from({ length: 12 }, (_, j) => ((u + j) % 40) + 1));
    expect(items.filter((i) => seen.has(i))).toEqual([]);
  }
  expect((await loadModel(s.modelDir)).items.size).toBe(40);
  await expect(trainAndGetRecommendations(wh, 'raw; DROP TABLE raw', 'recs')).rejects.toThrow(InputError);
  await expect(trainAndGetRecommendations(wh, 'raw', 'recs', { columns: { user: 'nope' } })).rejects.toThrow(/nope/);
});

test('trainAndGetRecommendations checks the model folder before any work, as train --out does', async () => {
  const foreign = join(dir, 'not-a-model');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  const fitSteps: string[] = [];
  await expect(
    trainAndGetRecommendations(wh, 'raw', 'recs_refused', {
      columns: { user: 'cust', item: 'sku', rating: 'stars' },
      folds: 0,
      modelDir: foreign,
      onProgress: (step) => fitSteps.push(step),
    }),
  ).rejects.toThrow(/notes\.txt/);
  // Nothing ran and nothing was written: no fit progress, no output table, the user's file intact.
  expect(fitSteps).toEqual([]);
  await expect(wh.readTable('recs_refused')).rejects.toThrow();
  expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
});

test('clusterUsers keeps text user ids and sums every user into one cluster', async () => {
  const c = await clusterUsers(wh, { k: 3, seed: 1 });
  expect(c.clusters.reduce((n, x) => n + x.users, 0)).toBe(30);
  const labels = await wh.readTable('user_clusters');
  expect(labels.numRows).toBe(30);
  expect(String(labels.getChild('USERID')?.get(0))).toMatch(/^user-\d+$/);
  for (const x of c.clusters) expect(x.topMovies.every((t) => t.startsWith('Movie '))).toBe(true);
});
