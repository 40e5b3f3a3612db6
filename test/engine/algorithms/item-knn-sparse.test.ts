import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../../src/adapters/datasets/load-dataset.js';
import { EASE } from '../../../src/engine/algorithms/ease.js';
import { ItemKNN, type KnnSimilarity } from '../../../src/engine/algorithms/item-knn.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { ItemItemModel } from '../../../src/engine/model/item-item-model.js';
import { loadModel } from '../../../src/engine/model/load-model.js';

async function synthetic(spec: string): Promise<RatingMatrix> {
  const d = await loadDataset(`synthetic:${spec}`, { items: false });
  return (await RatingMatrix.fromTable(d.ratings, { scale: d.scale })).matrix;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// maxItems below the catalogue switches item-kNN to neighbour lists; the lists hold exactly the
// dense matrix's non-zero weights, so every list and score must be the same bits.
describe('item-kNN neighbour lists (sparse) against the dense matrix', () => {
  test.each<KnnSimilarity>(['cosine', 'jaccard', 'asymmetric-cosine', 'adjusted-cosine'])(
    '%s: the same top-10 lists, scores and predictions',
    async (similarity) => {
      const m = await synthetic('users=300,items=400,ratings=12000,seed=3');
      const params = { similarity, neighbours: 30, shrink: 5, asymmetricAlpha: 0.7 };
      const dense = (await new ItemKNN(params).fit(m)) as ItemItemModel;
      const sparse = (await new ItemKNN({ ...params, maxItems: 100 }).fit(m)) as ItemItemModel;
      expect(dense.data.neighbours).toBeUndefined();
      expect(sparse.data.weights.length).toBe(0);
      const nnz = sparse.data.neighbours?.offsets[400] ?? 0;
      let denseNonZero = 0;
      for (const w of dense.data.weights) if (w !== 0) denseNonZero++;
      expect(nnz).toBe(denseNonZero);
      expect(nnz).toBeLessThanOrEqual(30 * 400);
      const a = await dense.recommendAll({ n: 10 });
      const b = await sparse.recommendAll({ n: 10 });
      expect(Array.from(b.items)).toEqual(Array.from(a.items));
      expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
      const users = [1, 2, 3, 50, 299].map((u) => m.users.idOf(u));
      const items = [0, 7, 100, 200, 399].map((i) => m.items.idOf(i));
      expect(Array.from(sparse.predict(users, items).scores)).toEqual(Array.from(dense.predict(users, items).scores));
      expect(sparse.recommend(users[0] as number, { n: 5 })).toEqual(dense.recommend(users[0] as number, { n: 5 }));
    },
  );

  test('a sparse model saves and loads to the same lists', async () => {
    const m = await synthetic('users=200,items=300,ratings=6000,seed=4');
    const model = (await new ItemKNN({ neighbours: 20, maxItems: 10 }).fit(m)) as ItemItemModel;
    const dir = mkdtempSync(join(tmpdir(), 'reckit-knn-sparse-'));
    dirs.push(dir);
    await model.save(join(dir, 'model'));
    const back = (await loadModel(join(dir, 'model'))) as ItemItemModel;
    expect(back.data.neighbours?.offsets[300]).toBe(model.data.neighbours?.offsets[300]);
    const a = await model.recommendAll({ n: 10 });
    const b = await back.recommendAll({ n: 10 });
    expect(Array.from(b.items)).toEqual(Array.from(a.items));
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
  });
});

test('a 100,000-item catalogue: item-kNN fits neighbour lists, EASE refuses naming the memory and item-kNN', async () => {
  const m = await synthetic('users=20000,items=100000,ratings=400000,seed=5');
  expect(m.nItems).toBe(100_000);
  const model = (await new ItemKNN({ neighbours: 50 }).fit(m)) as ItemItemModel;
  expect(model.data.weights.length).toBe(0);
  const nnz = model.data.neighbours?.offsets[100_000] ?? 0;
  expect(nnz).toBeGreaterThan(100_000);
  expect(nnz).toBeLessThanOrEqual(50 * 100_000);
  const user = m.users.idOf(0);
  const list = model.recommend(user, { n: 10 });
  expect(list).toHaveLength(10);
  const seen = new Set(Array.from(m.userRow(0).items, (i) => m.items.idOf(i)));
  for (const r of list) {
    expect(seen.has(r.item)).toBe(false);
    expect(r.score).toBeGreaterThan(0);
  }
  const all = await model.recommendAll({ n: 10, users: [user] });
  expect(Array.from(all.items, (i) => m.items.idOf(i))).toEqual(list.map((r) => r.item));
  await expect(new EASE().fit(m)).rejects.toThrow(/100000 items is above maxItems 15000: .*200\.0 GB.*--algo itemknn/);
}, 60_000);
