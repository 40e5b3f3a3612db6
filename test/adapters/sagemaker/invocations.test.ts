import { tableFromArrays } from 'apache-arrow';
import { beforeAll, expect, test } from 'vitest';
import { round } from '../../../src/adapters/sagemaker/format-scores.js';
import { invoke } from '../../../src/adapters/sagemaker/invocations.js';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { Model } from '../../../src/engine/model/model.js';

let model: Model;
beforeAll(async () => {
  const n = 3000;
  const table = tableFromArrays({
    user: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 60)),
    item: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 200)),
    rating: Float32Array.from({ length: n }, (_, k) => 0.5 + ((k * 5) % 10) / 2),
  });
  const { matrix } = await RatingMatrix.fromTable(table);
  model = await new SVD({ factors: 8, epochs: 5, seed: 3 }).fit(matrix);
});

const csv = (pairs: [number, number][]) => Buffer.from(pairs.map(([u, i]) => `${u},${i}\n`).join(''));
const lines = (body: string | Buffer) => body.toString().split('\n').slice(0, -1);

test('a small csv request (pair by pair) prints exactly what the batch path prints for the same pairs', () => {
  // known pairs, an unknown item, an unknown user: every fallback of predict
  const pairs: [number, number][] = [
    [1, 1],
    [2, 14],
    [60, 200],
    [7, 999],
    [999, 3],
    [5, 5],
    [33, 71],
    [12, 40],
  ];
  const batch = [...pairs, ...pairs, ...pairs, ...pairs, [1, 2] as [number, number]];
  // invocations.ts answers bodies up to SMALL_BODY_BYTES (128) pair by pair, longer ones in one batch
  expect(csv(pairs).length).toBeLessThanOrEqual(128);
  expect(csv(batch).length).toBeGreaterThan(128);
  const small = invoke(model, csv(pairs), 'text/csv', undefined);
  const big = invoke(model, csv(batch), 'text/csv', undefined);
  expect(small.type).toBe('text/csv');
  expect(lines(small.body)).toHaveLength(pairs.length);
  expect(lines(big.body).slice(0, pairs.length)).toEqual(lines(small.body));
  const { scores } = model.predict(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  expect(lines(small.body).map(Number)).toEqual(Array.from(scores, (s) => round(s)));
  // the scores are real float32 predictions with decimals, not a constant
  expect(new Set(lines(small.body)).size).toBeGreaterThan(4);
});
