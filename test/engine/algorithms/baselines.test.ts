import { describe, expect, test } from 'vitest';
import { Baseline } from '../../../src/engine/algorithms/baseline.js';
import { createAlgorithm } from '../../../src/engine/algorithms/create-algorithm.js';
import { GlobalMean } from '../../../src/engine/algorithms/global-mean.js';
import { countStep, Popularity } from '../../../src/engine/algorithms/popularity.js';
import { tinyMatrix } from './tiny-matrix.js';

// u1: i10 = 5, i11 = 3; u2: i10 = 4. Global mean 4.
const TRIPLES: [number, number, number][] = [
  [1, 10, 5],
  [1, 11, 3],
  [2, 10, 4],
];

describe('Baseline (Surprise BaselineOnly)', () => {
  test('one ALS epoch matches the hand computation (items first, then users)', async () => {
    const m = await tinyMatrix(TRIPLES);
    const model = await new Baseline({ epochs: 1, regU: 1, regI: 1 }).fit(m);
    // b_i10 = ((5-4) + (4-4)) / (1+2) = 1/3;  b_i11 = (3-4) / (1+1) = -1/2
    // b_u1 = ((5-4-1/3) + (3-4+1/2)) / (1+2) = 1/18;  b_u2 = (4-4-1/3) / (1+1) = -1/6
    expect(model.predictOne(1, 10).score).toBeCloseTo(4 + 1 / 18 + 1 / 3, 5);
    expect(model.predictOne(2, 11).score).toBeCloseTo(4 - 1 / 6 - 1 / 2, 5);
    expect(model.predictOne(2, 11).known).toBe(true);
  });

  test('one SGD epoch matches the hand computation (ratings in user order)', async () => {
    const m = await tinyMatrix(TRIPLES);
    const lr = 0.1;
    const reg = 0.5;
    const model = await new Baseline({ method: 'sgd', epochs: 1, learningRate: lr, reg }).fit(m);
    let bu1 = 0;
    let bu2 = 0;
    let bi10 = 0;
    let bi11 = 0;
    let e = 5 - (4 + bu1 + bi10);
    bu1 += lr * (e - reg * bu1);
    bi10 += lr * (e - reg * bi10);
    e = 3 - (4 + bu1 + bi11);
    bu1 += lr * (e - reg * bu1);
    bi11 += lr * (e - reg * bi11);
    e = 4 - (4 + bu2 + bi10);
    bu2 += lr * (e - reg * bu2);
    bi10 += lr * (e - reg * bi10);
    expect(model.predictOne(1, 10).score).toBeCloseTo(4 + bu1 + bi10, 5);
    expect(model.predictOne(2, 11).score).toBeCloseTo(4 + bu2 + bi11, 5);
  });

  test('defaults are Surprise bsl_options defaults; bad params are refused by name', () => {
    expect(new Baseline().params).toMatchObject({ method: 'als', epochs: 10, regU: 15, regI: 10 });
    expect(new Baseline({ method: 'sgd' }).params).toMatchObject({ epochs: 20, reg: 0.02, learningRate: 0.005 });
    expect(() => new Baseline({ method: 'svd' as 'als' })).toThrow(
      /baseline: parameter method = "svd"; expected one of/,
    );
    expect(() => new Baseline({ regU: -1 })).toThrow(/regU = -1; expected a number >= 0/);
  });
});

test('GlobalMean predicts the training mean everywhere, and flags unknown pairs', async () => {
  const model = await new GlobalMean().fit(await tinyMatrix(TRIPLES));
  expect(model.predictOne(1, 11).score).toBe(4);
  expect(model.predictOne(2, 11)).toEqual({ score: 4, known: true });
  expect(model.predictOne(99, 11).known).toBe(false);
});

test('Popularity ranks by training count and predicts the global mean within the nudge', async () => {
  const m = await tinyMatrix([...TRIPLES, [3, 10, 1], [3, 12, 2], [4, 12, 2]]);
  const model = await new Popularity().fit(m);
  const mu = m.globalMean;
  const s10 = model.predictOne(9, 10).score; // unknown user: mu + b_i, the ranking score
  const s11 = model.predictOne(9, 11).score;
  const s12 = model.predictOne(9, 12).score;
  expect(s10).toBeGreaterThan(s12); // 3 ratings > 2
  expect(s12).toBeGreaterThan(s11); // 2 > 1
  // the nudge is count x countStep(mu): 3 ratings at most here
  for (const s of [s10, s11, s12]) expect(Math.abs(s - mu)).toBeLessThanOrEqual(3 * countStep(mu) + 1e-6);
});

test('createAlgorithm knows the four names and refuses others', () => {
  expect(createAlgorithm('svd', { factors: 3 }).params).toMatchObject({ factors: 3, epochs: 20 });
  expect(createAlgorithm('popularity').name).toBe('popularity');
  expect(() => createAlgorithm('knn')).toThrow(/unknown algorithm "knn"; known: svd, baseline, globalmean, popularity/);
  expect(() => createAlgorithm('globalmean', { x: 1 })).toThrow(/globalmean: unknown parameter "x"/);
});
