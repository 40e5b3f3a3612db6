import { tableFromArrays } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { Popularity } from '../../../src/engine/algorithms/popularity.js';
import { evaluateRanking } from '../../../src/engine/eval/evaluate-ranking.js';
import { protocolName, protocolSplit } from '../../../src/engine/eval/protocols.js';
import { rankingMetrics, relevantItems } from '../../../src/engine/eval/ranking-metrics.js';
import { leaveLastOut, stratifiedSplit } from '../../../src/engine/eval/ranking-splits.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { TestSet } from '../../../src/engine/matrix/split.js';

/** Users 1..nUsers, user u rated items 1..(4 + u % 9) with ratings 1..5 and timestamps = item. */
async function ladder(nUsers: number): Promise<RatingMatrix> {
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  const timestamp: number[] = [];
  const rng = new Rng(3);
  for (let u = 1; u <= nUsers; u++) {
    for (let i = 1; i <= 4 + (u % 9); i++) {
      user.push(u);
      item.push(i);
      rating.push(1 + rng.nextBelow(5));
      timestamp.push(1000 * i + u);
    }
  }
  const table = tableFromArrays({
    user: Float64Array.from(user),
    item: Float64Array.from(item),
    rating: Float32Array.from(rating),
    timestamp: Float64Array.from(timestamp),
  });
  return (await RatingMatrix.fromTable(table)).matrix;
}

// Every held-out rating is relevant (threshold -Infinity), so user 0's rating 1 on item 21 counts.
// k = 3. User 0: relevant {11, 12, 20, 21}, list [10, 11, 12]: hits at ranks 2 and 3.
//   P = 2/3, R = 2/4, DCG = 1/log2(3) + 1/log2(4) = 1.130930, IDCG over min(k, 4) = 3 ranks
//   = 1 + 1/log2(3) + 1/log2(4) = 2.130930, nDCG = 0.530721; AP = (1/2 + 2/3) / min(4, 3) = 0.388889.
// User 1: relevant {30}, list [30, 31, 32]: P = 1/3, R = 1, nDCG = 1, AP = 1.
// Means: P 0.5, R 0.75, nDCG 0.765361, MAP 0.694444, HR 1; coverage: 6 listed items / 12 = 0.5.
describe('ms-recommenders metrics, by hand', () => {
  const test2: TestSet = {
    users: Int32Array.of(0, 0, 0, 0, 1),
    items: Int32Array.of(11, 12, 20, 21, 30),
    ratings: Float32Array.of(5, 4, 3, 1, 2),
  };
  const lists = { n: 3, users: Int32Array.of(0, 1), items: Int32Array.of(10, 11, 12, 30, 31, 32) };

  test('precision, recall, nDCG, MAP, hit rate, coverage', () => {
    const rel = relevantItems(test2, Number.NEGATIVE_INFINITY);
    const m = rankingMetrics(lists, rel, { k: 3, threshold: Number.NEGATIVE_INFINITY, catalogSize: 12 });
    expect(m.users).toBe(2);
    expect(m.precision).toBeCloseTo(0.5, 6);
    expect(m.recall).toBeCloseTo(0.75, 6);
    expect(m.ndcg).toBeCloseTo(0.765361, 6);
    expect(m.map).toBeCloseTo(0.694444, 6);
    expect(m.hitRate).toBe(1);
    expect(m.coverage).toBe(0.5);
  });
});

describe('ranking splits', () => {
  test('stratified 75/25: per user round(0.75 n) kept, disjoint, complete, seeded', async () => {
    const m = await ladder(40);
    const s = stratifiedSplit(m, { trainRatio: 0.75, seed: 5 });
    expect(s.train.nRatings + s.test.ratings.length).toBe(m.nRatings);
    const testPairs = new Set<string>();
    const perUser = new Int32Array(m.nUsers);
    for (let x = 0; x < s.test.users.length; x++) {
      testPairs.add(`${s.test.users[x]}:${s.test.items[x]}`);
      perUser[s.test.users[x]!]!++;
    }
    for (let u = 0; u < m.nUsers; u++) {
      const n = m.userRow(u).items.length;
      expect(s.train.userRow(u).items.length).toBe(Math.round(0.75 * n));
      expect(perUser[u]).toBe(n - Math.round(0.75 * n));
      for (const i of s.train.userRow(u).items) expect(testPairs.has(`${u}:${i}`)).toBe(false);
    }
    const again = stratifiedSplit(m, { trainRatio: 0.75, seed: 5 });
    expect(Array.from(again.test.items)).toEqual(Array.from(s.test.items));
    const other = stratifiedSplit(m, { trainRatio: 0.75, seed: 6 });
    expect(Array.from(other.test.items)).not.toEqual(Array.from(s.test.items));
  });

  test('leave-one-out holds out each user latest rating when there are timestamps', async () => {
    const m = await ladder(12);
    const s = leaveLastOut(m);
    expect(s.test.users.length).toBe(12);
    for (let x = 0; x < 12; x++) {
      const u = s.test.users[x]!;
      // timestamps grow with the item id, so the latest is the user's largest item id
      const ids = Array.from(m.userRow(u).items, (i) => m.items.idOf(i) as number);
      expect(m.items.idOf(s.test.items[x]!)).toBe(Math.max(...ids));
    }
  });

  test('presets by name; unknown names are an InputError listing the known ones', async () => {
    const m = await ladder(10);
    expect(protocolSplit('temporal', m).test.ratings.length).toBeGreaterThan(0);
    expect(() => protocolName('loo')).toThrow(/unknown protocol "loo"; known: ms-recommenders/);
    expect(() => protocolSplit('surprise', m)).toThrow(/k-fold/);
  });
});

test('evaluateRanking scores every user with held-out ratings, lists exclude training items', async () => {
  const m = await ladder(30);
  const split = protocolSplit('ms-recommenders', m, { seed: 1 });
  const run = await evaluateRanking(new Popularity(), split, { k: 5 });
  expect(run.metrics.users).toBe(30);
  expect(run.metrics.k).toBe(5);
  const lists = await run.model.recommendAll({ n: 5 });
  for (let r = 0; r < lists.users.length; r++) {
    const seen = new Set(split.train.userRow(lists.users[r]!).items);
    for (let j = 0; j < 5; j++) expect(seen.has(lists.items[r * 5 + j]!)).toBe(false);
  }
  expect(run.metrics.ndcg).toBeGreaterThan(0);
  expect(run.metrics.ndcg).toBeLessThanOrEqual(1);
});

test('searchRanking: grid on a validation split of the training part, random subset, best by nDCG', async () => {
  const { searchRanking } = await import('../../../src/engine/eval/ranking-search.js');
  const { EASE } = await import('../../../src/engine/algorithms/ease.js');
  const m = await ladder(60);
  const train = protocolSplit('ms-recommenders', m, { seed: 2 }).train;
  const grid = { lambda: [0.5, 5, 50, 500] };
  const full = await searchRanking((p) => new EASE(p), grid, train, { k: 5 });
  expect(full.rows.map((r) => r.params.lambda)).toEqual([0.5, 5, 50, 500]);
  expect(full.best.score).toBe(Math.max(...full.rows.map((r) => r.score)));
  // every validation user comes from the training part only
  for (const r of full.rows) expect(r.metrics.users).toBeLessThanOrEqual(60);
  const some = await searchRanking((p) => new EASE(p), grid, train, { k: 5, trials: 2, seed: 4 });
  expect(some.rows).toHaveLength(2);
  for (const r of some.rows) expect(grid.lambda).toContain(r.params.lambda);
});
