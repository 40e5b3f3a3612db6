import { tableFromArrays } from 'apache-arrow';
import { beforeAll, expect, test } from 'vitest';
import { round } from '../../../src/adapters/sagemaker/format-scores.js';
import type { InvocationError } from '../../../src/adapters/sagemaker/invocation-error.js';
import { invoke } from '../../../src/adapters/sagemaker/invocations.js';
import { KMeansRecommender } from '../../../src/engine/algorithms/kmeans/kmeans-recommender.js';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { ClusterModel } from '../../../src/engine/model/cluster-model.js';
import type { Model } from '../../../src/engine/model/model.js';

let svd: Model;
let km: ClusterModel;
beforeAll(async () => {
  const n = 3000;
  const table = tableFromArrays({
    user: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 60)),
    item: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 200)),
    rating: Float32Array.from({ length: n }, (_, k) => 0.5 + ((k * 5) % 10) / 2),
  });
  const { matrix } = await RatingMatrix.fromTable(table);
  svd = await new SVD({ factors: 8, epochs: 5, seed: 3 }).fit(matrix);
  km = (await new KMeansRecommender({ k: 4, features: 'ratings', seed: 1 }).fit(matrix)) as ClusterModel;
});

const json = (model: Model, instances: unknown[], accept?: string) => {
  const out = invoke(model, Buffer.from(JSON.stringify({ instances })), 'application/json', accept);
  return (JSON.parse(out.body.toString()) as { predictions: Record<string, unknown>[] }).predictions;
};
const status = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return [(error as InvocationError).status, (error as Error).message];
  }
  return [200, ''];
};

/** The nearest centroid by brute force over the dense vector (0 = not rated, as in training on raw ratings). */
function nearest(model: ClusterModel, vector: number[]): { cluster: number; distance: number } {
  const { centroids, dim, k } = model.data;
  let best = { cluster: -1, distance: Number.POSITIVE_INFINITY };
  for (let c = 0; c < k; c++) {
    let d = 0;
    for (let j = 0; j < dim; j++) d += (vector[j]! - centroids[c * dim + j]!) ** 2;
    if (Math.sqrt(d) < best.distance) best = { cluster: c, distance: Math.sqrt(d) };
  }
  return best;
}

test('a k-means model answers a dense rating vector with its nearest centroid and the distance to it', () => {
  const nI = km.items.size;
  const vectors = [0, 1, 2].map((s) =>
    Array.from({ length: nI }, (_, j) => ((j * 7 + s * 11) % 5 === 0 ? 1 + ((j + s) % 5) : 0)),
  );
  const got = json(
    km,
    vectors.map((vector) => ({ vector })),
  );
  vectors.forEach((v, p) => {
    const want = nearest(km, v);
    expect(got[p]?.cluster).toBe(want.cluster);
    expect(got[p]?.distance as number).toBeCloseTo(want.distance, 4);
  });
  // The same ratings as an {item id: rating} map answer the same.
  const map = Object.fromEntries(
    vectors[0]?.flatMap((r, j) => (r ? [[String(km.items.idOf(j)), r]] : [])) as [string, number][],
  );
  expect(json(km, [{ ratings: map }])[0]).toEqual(got[0]);
  // jsonlines too, one answer per line.
  const jl = invoke(km, Buffer.from(`${JSON.stringify({ vector: vectors[1] })}\n`), 'application/jsonlines', undefined);
  expect(JSON.parse(jl.body.toString().trim())).toEqual(got[1]);
});

test('a vector of the wrong length, a bad value, unknown items only, csv: 400/406 naming the problem', () => {
  const n = km.items.size;
  expect(status(() => json(km, [{ vector: [4, 0, 3.5] }]))).toEqual([
    400,
    `instances[0]: "vector" has 3 values but the model has ${n} items (one value per item, in the model's item order)`,
  ]);
  expect(status(() => json(km, [{ vector: [4, 'x'] }]))[1]).toBe(
    'instances[0]: "vector"[1] is "x"; expected a number (0 or null: not rated)',
  );
  expect(status(() => json(km, [{ ratings: { 99999: 4 } }]))).toEqual([
    400,
    'instances[0]: none of the rated items is known to the model; no cluster fits',
  ]);
  expect(status(() => json(svd, [{ ratings: { abc: 4 }, top: 3 }]))[1]).toMatch(/key "abc" is not an item id/);
  expect(status(() => json(svd, [{ ratings: { 1: 4 } }]))).toEqual([
    400,
    'instances[0]: a svd model answers a new user\'s ratings with "top" (recommend) or "items" (predict); give one',
  ]);
  expect(status(() => json(km, [{ ratings: { 1: 4 } }], 'text/csv'))[0]).toBe(406);
});

test('a factor model folds a new user in: top N and predictions equal Model.foldIn', () => {
  const given = { items: [1, 14, 27, 40, 53], ratings: [5, 4, 1, 2, 4.5] };
  const folded = svd.foldIn(given);
  const ratings = Object.fromEntries(given.items.map((it, p) => [String(it), given.ratings[p]]));
  const [top, pred] = json(svd, [
    { ratings, top: 5 },
    { ratings, items: [2, 3, 999] },
  ]);
  const want = folded.recommend({ n: 5 });
  expect(top).toEqual({ items: want.map((s) => s.item), scores: want.map((s) => round(s.score)) });
  const p = folded.predict([2, 3, 999]);
  expect(pred).toEqual({ scores: Array.from(p.scores, round), known: [true, true, false] });
  // Rated items are left out of the top N.
  expect(((top?.items ?? []) as number[]).some((i) => given.items.includes(i))).toBe(false);
});
