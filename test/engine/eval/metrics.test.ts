import { expect, test } from 'vitest';
import { rankingMetrics, relevantItems } from '../../../src/engine/eval/ranking-metrics.js';
import { ratingMetrics } from '../../../src/engine/eval/rating-metrics.js';
import type { TestSet } from '../../../src/engine/matrix/split.js';

test('RMSE and MAE of a hand-worked case', () => {
  // errors 1, -2, 0, 1: squares 1 4 0 1 -> RMSE sqrt(6/4); absolute 1 2 0 1 -> MAE 1
  const m = ratingMetrics([4, 3, 5, 2], [3, 5, 5, 1]);
  expect(m.rmse).toBeCloseTo(Math.sqrt(1.5), 12);
  expect(m.mae).toBe(1);
  expect(m.count).toBe(4);
  expect(() => ratingMetrics([1], [1, 2])).toThrow(/1 ratings but 2 scores/);
  expect(ratingMetrics([], []).rmse).toBeNaN();
});

// User 0: relevant {1, 7} (rating 3 on item 4 is not relevant); list [1, 2, 7].
// User 1: relevant {5}; list [6, 8, -1] (no hit, short list). User 2: no relevant item, list [2, 9, 1].
const test3: TestSet = {
  users: Int32Array.of(0, 0, 0, 1, 2),
  items: Int32Array.of(1, 7, 4, 5, 3),
  ratings: Float32Array.of(5, 4, 3, 4.5, 2),
};
const lists = { n: 3, users: Int32Array.of(0, 1, 2), items: Int32Array.of(1, 2, 7, 6, 8, -1, 2, 9, 1) };

test('relevance rule: test rating >= threshold', () => {
  const rel = relevantItems(test3, 4);
  expect([...(rel.get(0) ?? [])].sort()).toEqual([1, 7]);
  expect(rel.has(2)).toBe(false);
  expect(relevantItems(test3, 2).get(2)?.has(3)).toBe(true);
});

test('precision, recall, NDCG, MAP, hit rate and coverage at k = 3, by hand', () => {
  const m = rankingMetrics(lists, relevantItems(test3, 4), { k: 3, threshold: 4, catalogSize: 10 });
  expect(m.users).toBe(2); // user 2 has nothing relevant
  // user 0: hits at ranks 1 and 3; user 1: none
  expect(m.precision).toBeCloseTo((2 / 3 + 0) / 2, 12);
  expect(m.recall).toBeCloseTo((2 / 2 + 0) / 2, 12);
  const dcg0 = 1 / Math.log2(2) + 1 / Math.log2(4);
  const idcg0 = 1 / Math.log2(2) + 1 / Math.log2(3);
  expect(m.ndcg).toBeCloseTo(dcg0 / idcg0 / 2, 12);
  expect(m.map).toBeCloseTo(((1 / 1 + 2 / 3) / 2 + 0) / 2, 12);
  expect(m.hitRate).toBe(0.5);
  // distinct listed items: 1 2 7 6 8 9 -> 6 of 10
  expect(m.coverage).toBeCloseTo(0.6, 12);
});

test('k smaller than the lists cuts them', () => {
  const m = rankingMetrics(lists, relevantItems(test3, 4), { k: 1, catalogSize: 10 });
  expect(m.k).toBe(1);
  expect(m.precision).toBe(0.5); // user 0 hit at rank 1
  expect(m.recall).toBe(0.25);
  expect(m.coverage).toBeCloseTo(0.3, 12); // items 1, 6, 2
});
