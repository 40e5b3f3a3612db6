import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { createAlgorithm } from '../../../src/engine/algorithms/create-algorithm.js';
import { KMeansRecommender } from '../../../src/engine/algorithms/kmeans/kmeans-recommender.js';
import { InputError } from '../../../src/engine/errors.js';
import { ClusterModel } from '../../../src/engine/model/cluster-model.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { tinyMatrix } from '../algorithms/tiny-matrix.js';

// Two taste groups: users 1-3 love items 10, 11 and hate 12, 13; users 4-6 the opposite.
// Item 14 is rated only by group A (5s), item 15 by one user of group B.
const triples: [number, number, number][] = [];
for (const u of [1, 2, 3]) triples.push([u, 10, 5], [u, 11, 5], [u, 12, 1], [u, 13, 1], [u, 14, 5]);
for (const u of [4, 5, 6]) triples.push([u, 10, 1], [u, 11, 1], [u, 12, 5], [u, 13, 5]);
triples.push([4, 15, 4]);
// user 7 has rated only item 10, like group A
triples.push([7, 10, 5]);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('KMeansRecommender / ClusterModel', async () => {
  const m = await tinyMatrix(triples);
  const model = (await new KMeansRecommender({ k: 2, seed: 1, nInit: 5 }).fit(m)) as ClusterModel;
  const cluster = (u: number) => model.clusterOf(m.userIndex(u));

  test('clusters the two taste groups', () => {
    expect(cluster(1)).toBe(cluster(2));
    expect(cluster(2)).toBe(cluster(3));
    expect(cluster(4)).toBe(cluster(5));
    expect(cluster(5)).toBe(cluster(6));
    expect(cluster(1)).not.toBe(cluster(4));
    expect(Array.from(model.clusterSizes()).sort()).toEqual([3, 4]);
  });

  test('predicts by the documented formula: mu_i + b_u + shrunk cluster deviation', () => {
    const d = model.data;
    const mu = m.globalMean;
    const i = m.itemIndex(12);
    const nI = m.nItems;
    // b_i by hand: item 12 has ratings 1,1,1,5,5,5 -> sum(r - mu) / (6 + itemBeta 10)
    const bi = (3 * (1 - mu) + 3 * (5 - mu)) / (6 + 10);
    expect(d.itemBias[i]).toBeCloseTo(bi, 5);
    const u = m.userIndex(1);
    const c = cluster(1);
    let dev = 0;
    let n = 0;
    for (const v of [1, 2, 3, 7]) {
      const vi = m.userIndex(v);
      if (model.clusterOf(vi) !== c) continue;
      const row = m.userRow(vi);
      const p = row.items.indexOf(i);
      if (p < 0) continue;
      dev += row.ratings[p]! - mu - d.itemBias[i]! - d.userBias[vi]!;
      n++;
    }
    expect(n).toBe(3);
    const want = mu + d.itemBias[i]! + d.userBias[u]! + dev / (n + 5);
    const got = model.predictOne(1, 12);
    expect(got.known).toBe(true);
    expect(got.score).toBeCloseTo(Math.min(5, Math.max(1, want)), 5);
    // group A likes 10 more than 12; group B the reverse
    expect(model.predictOne(1, 10).score).toBeGreaterThan(model.predictOne(1, 12).score);
    expect(model.predictOne(4, 12).score).toBeGreaterThan(model.predictOne(4, 10).score);
    expect(d.memberCounts[c * nI + i]).toBe(3);
  });

  test('fallbacks: unknown user -> item mean, unknown item -> mu + b_u, both -> mu', () => {
    const d = model.data;
    const mu = m.globalMean;
    const i = m.itemIndex(10);
    const u = m.userIndex(1);
    expect(model.predictOne(999, 10)).toEqual({ score: Math.fround(mu + d.itemBias[i]!), known: false });
    expect(model.predictOne(1, 999)).toEqual({ score: Math.fround(mu + d.userBias[u]!), known: false });
    expect(model.predictOne(999, 999)).toEqual({ score: Math.fround(mu), known: false });
    const p = model.predict([1, 999], [12, 12]);
    expect(Array.from(p.known)).toEqual([1, 0]);
  });

  test('recommend: the cluster best unseen items; recommendAll agrees', async () => {
    // user 7 (group A, has seen 10 only) gets 11 and 14 before 12, 13
    const rec = model.recommend(7, { n: 3 });
    expect(rec.map((r) => r.item)).not.toContain(10);
    expect(
      rec
        .slice(0, 2)
        .map((r) => r.item)
        .sort(),
    ).toEqual([11, 14]);
    for (let q = 1; q < rec.length; q++) expect(rec[q]!.score).toBeLessThanOrEqual(rec[q - 1]!.score);
    expect(model.recommend(7, { n: 3, excludeSeen: false }).map((r) => r.item)).toContain(10);
    expect(model.recommend(7, { n: 2, exclude: [11] }).map((r) => r.item)).not.toContain(11);
    expect(
      model
        .recommend(7, { n: 5, candidates: [12, 13] })
        .map((r) => r.item)
        .sort(),
    ).toEqual([12, 13]);
    const all = await model.recommendAll({ n: 3 });
    const r7 = Array.from(all.users).indexOf(m.userIndex(7));
    expect(Array.from(all.items.subarray(r7 * 3, r7 * 3 + 3), (i) => m.items.idOf(i))).toEqual(rec.map((r) => r.item));
    for (let q = 0; q < 3; q++) expect(all.scores[r7 * 3 + q]).toBeCloseTo(rec[q]!.score, 5);
    // group A users have seen everything but 15: padded with -1 after it
    const r1 = Array.from(all.users).indexOf(m.userIndex(1));
    expect(m.items.idOf(all.items[r1 * 3]!)).toBe(15);
    expect(all.items[r1 * 3 + 1]).toBe(-1);
  });

  test('foldIn joins the nearest centroid and ranks like its cluster', () => {
    const a = model.foldIn({ items: [10, 11, 12, 999], ratings: [5, 5, 1, 3] });
    expect(a.cluster).toBe(cluster(1));
    expect(a.recommend({ n: 1 })[0]!.item).toBe(14);
    const b = model.foldIn({ items: [12, 13], ratings: [5, 5] });
    expect(b.cluster).toBe(cluster(4));
    const p = b.predict([10, 12]);
    expect(p.scores[1]).toBeGreaterThan(p.scores[0]!);
    expect(() => model.foldIn({ items: [10], ratings: [] })).toThrow(InputError);
  });

  test('save / loadModel round trip is exact; files are plain Arrow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reckit-cluster-'));
    dirs.push(dir);
    await model.save(join(dir, 'm'));
    const back = (await loadModel(join(dir, 'm'))) as ClusterModel;
    expect(back).toBeInstanceOf(ClusterModel);
    for (const key of ['centroids', 'userCluster', 'userBias', 'itemBias', 'deviation', 'memberCounts'] as const) {
      expect(back.data[key]).toEqual(model.data[key]);
    }
    expect(back.data.globalMean).toBe(model.data.globalMean);
    expect(back.predict([1, 4, 7], [12, 12, 14])).toEqual(model.predict([1, 4, 7], [12, 12, 14]));
    expect(back.recommend(7, { n: 3 })).toEqual(model.recommend(7, { n: 3 }));
    const centroids = tableFromIPC(readFileSync(join(dir, 'm', 'centroids.arrow')));
    expect(centroids.numRows).toBe(2);
  });

  test('params are validated; createAlgorithm knows kmeans', () => {
    expect(() => new KMeansRecommender({ k: 0 })).toThrow(/k = 0; expected an integer >= 1/);
    expect(() => new KMeansRecommender({ features: 'x' as never })).toThrow(/features/);
    expect(createAlgorithm('kmeans', { k: 3 }).name).toBe('kmeans');
  });

  test('each feature mode fits; k > users is an InputError', async () => {
    for (const features of ['centered', 'normalized', 'factors'] as const) {
      const mm = (await new KMeansRecommender({ k: 2, features, seed: 3, svdFactors: 4 }).fit(m)) as ClusterModel;
      expect(mm.clusterSizes().reduce((s, v) => s + v, 0)).toBe(7);
      expect(mm.data.features).toBe(features);
      expect(mm.recommend(7, { n: 2 })).toHaveLength(2);
    }
    await expect(new KMeansRecommender({ k: 8 }).fit(m)).rejects.toThrow(/k = 8 is more than the 7 rows/);
  });
});
