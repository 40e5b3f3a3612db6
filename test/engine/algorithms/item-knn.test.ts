import { expect, test } from 'vitest';
import { ItemKNN } from '../../../src/engine/algorithms/item-knn.js';
import type { ItemItemModel } from '../../../src/engine/model/item-item-model.js';
import { tinyMatrix } from './tiny-matrix.js';

// Users 1..4 over items 10, 11, 12: n_10 = 3, n_11 = 3, n_12 = 2; c(10,11) = 2, c(10,12) = 1, c(11,12) = 1.
const triples: [number, number, number][] = [
  [1, 10, 5],
  [1, 11, 4],
  [2, 10, 3],
  [2, 11, 2],
  [3, 10, 4],
  [3, 12, 5],
  [4, 12, 1],
  [4, 11, 3],
];

function weight(model: ItemItemModel, from: number, to: number): number {
  const n = model.items.size;
  return model.data.weights[model.items.indexOf(from) * n + model.items.indexOf(to)]!;
}

test('cosine, jaccard and asymmetric cosine with shrinkage, by hand', async () => {
  const m = await tinyMatrix(triples);
  const cos = (await new ItemKNN({ similarity: 'cosine', shrink: 1 }).fit(m)) as ItemItemModel;
  expect(weight(cos, 10, 11)).toBeCloseTo(2 / (Math.sqrt(3 * 3) + 1), 6);
  expect(weight(cos, 11, 12)).toBeCloseTo(1 / (Math.sqrt(3 * 2) + 1), 6);
  expect(weight(cos, 10, 10)).toBe(0);
  const jac = (await new ItemKNN({ similarity: 'jaccard', shrink: 0 }).fit(m)) as ItemItemModel;
  expect(weight(jac, 10, 12)).toBeCloseTo(1 / (3 + 2 - 1), 6);
  const asym = (await new ItemKNN({ similarity: 'asymmetric-cosine', asymmetricAlpha: 0.8, shrink: 0 }).fit(
    m,
  )) as ItemItemModel;
  // W[j, i] = sim(j, i) = c / (n_j^a n_i^(1 - a)): not symmetric.
  expect(weight(asym, 10, 12)).toBeCloseTo(1 / (3 ** 0.8 * 2 ** 0.2), 5);
  expect(weight(asym, 12, 10)).toBeCloseTo(1 / (2 ** 0.8 * 3 ** 0.2), 5);
});

test('each item keeps only its k most similar items, and scores sum the neighbours a user has', async () => {
  const m = await tinyMatrix(triples);
  const knn = (await new ItemKNN({ similarity: 'cosine', shrink: 0, neighbours: 1 }).fit(m)) as ItemItemModel;
  // Item 10's nearest: 11 (2/3) over 12 (1/sqrt(6)); item 12's: 10 and 11 tie at 1/sqrt(6), the lower index wins.
  expect(weight(knn, 11, 10)).toBeCloseTo(2 / 3, 6);
  expect(weight(knn, 12, 10)).toBe(0);
  expect(weight(knn, 10, 12)).toBeCloseTo(1 / Math.sqrt(6), 6);
  expect(weight(knn, 11, 12)).toBe(0);
  // User 1 has 10 and 11: score(12) = W[10,12] + W[11,12] = 1/sqrt(6).
  expect(knn.recommend(1, { n: 1 })[0]?.item).toBe(12);
  expect(knn.recommend(1, { n: 1 })[0]?.score).toBeCloseTo(1 / Math.sqrt(6), 6);
});
