import { describe, expect, test } from 'vitest';
import type { EpochReport } from '../../../src/engine/algorithms/algorithm.js';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { availableBackends, backend } from '../../../src/engine/kernels/registry.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { randomHoldout } from '../../../src/engine/matrix/split.js';
import { tinyMatrix } from './tiny-matrix.js';

/** A seeded low-rank-ish matrix: 60 users x 40 items, ratings 1..5 from two hidden tastes. */
async function synthetic(seed = 1) {
  const rng = new Rng(seed);
  const triples: [number, number, number][] = [];
  for (let u = 0; u < 60; u++) {
    for (let i = 0; i < 40; i++) {
      if (rng.nextDouble() > 0.4) continue;
      const taste = (u % 2 === i % 2 ? 1.5 : -1.5) + (rng.nextDouble() - 0.5);
      triples.push([u, i, Math.min(5, Math.max(1, Math.round(3 + taste)))]);
    }
  }
  return tinyMatrix(triples);
}

describe('SVD params', () => {
  test("defaults are Surprise's", () => {
    expect(new SVD().params).toMatchObject({
      factors: 100,
      epochs: 20,
      learningRate: 0.005,
      reg: 0.02,
      initMean: 0,
      initStd: 0.1,
      biased: true,
      shuffle: false,
    });
  });

  test.each([
    [{ factors: 0 }, /svd: parameter factors = 0; expected an integer >= 1/],
    [{ epochs: 2.5 }, /epochs = 2.5; expected an integer/],
    [{ learningRate: 0 }, /learningRate = 0; expected a number > 0/],
    [{ regPu: -0.1 }, /regPu = -0.1; expected a number >= 0/],
    [{ biased: 'yes' }, /biased = "yes"; expected true or false/],
    [{ factor: 10 }, /svd: unknown parameter "factor"; known: factors, epochs/],
  ])('refuses %o', (p, message) => {
    expect(() => new SVD(p as never)).toThrow(message);
  });
});

describe.each(availableBackends())('SVD fit [%s]', (name) => {
  const kernels = backend(name);

  test('learns: training RMSE falls every epoch and ends well below the global-mean RMSE', async () => {
    const m = await synthetic();
    const history: EpochReport[] = [];
    const data = await new SVD({ factors: 8, epochs: 30, learningRate: 0.02, threads: 1 }, { kernels }).fitData(m, {
      onEpoch: (e) => history.push(e),
    });
    expect(history.map((h) => h.epoch)).toEqual(Array.from({ length: 30 }, (_, e) => e + 1));
    for (let e = 1; e < history.length; e++)
      expect(history[e]?.trainRmse).toBeLessThan(history[e - 1]?.trainRmse as number);
    let sd = 0;
    for (const v of m.csr.values) sd += (v - m.globalMean) ** 2;
    expect(history.at(-1)?.trainRmse).toBeLessThan(0.7 * Math.sqrt(sd / m.nRatings));
    expect(data.history).toEqual(history);
    expect(data.userFactors.length).toBe(m.nUsers * 8);
  });

  test('biased: false is plain Funk SVD (biases stay 0)', async () => {
    const m = await synthetic();
    const data = await new SVD({ factors: 4, epochs: 3, biased: false, threads: 1 }, { kernels }).fitData(m);
    expect(data.biased).toBe(false);
    expect(data.userBias.every((v) => v === 0) && data.itemBias.every((v) => v === 0)).toBe(true);
  });

  test('same seed, same result; another seed, another result', async () => {
    const m = await synthetic();
    const fit = (seed: number) =>
      new SVD({ factors: 5, epochs: 4, seed, shuffle: true, threads: 2 }, { kernels }).fitData(m);
    const [a, b, c] = await Promise.all([fit(3), fit(3), fit(4)]);
    expect(a.itemFactors).toEqual(b.itemFactors);
    expect(a.itemFactors).not.toEqual(c.itemFactors);
  });

  test('early stopping keeps the best validation epoch', async () => {
    const m = await synthetic(2);
    const split = randomHoldout(m, { testFraction: 0.2, seed: 1 });
    const history: EpochReport[] = [];
    // A large learning rate with no regularisation overfits fast, so validation RMSE turns up.
    const data = await new SVD(
      { factors: 20, epochs: 200, learningRate: 0.05, reg: 0, patience: 3, threads: 1 },
      { kernels },
    ).fitData(split.train, { validation: split.test, onEpoch: (e) => history.push(e) });
    expect(history.length).toBeLessThan(200);
    const best = Math.min(...history.map((h) => h.validationRmse as number));
    expect(data.metrics?.validationRmse).toBe(best);
    expect(history.length).toBe((data.metrics?.bestEpoch as number) + 3);
  });

  test('an aborted signal cancels the fit', async () => {
    const c = new AbortController();
    c.abort();
    await expect(new SVD({}, { kernels }).fit(await synthetic(), { signal: c.signal })).rejects.toThrow(
      /cancel|abort/i,
    );
  });

  test('progress is reported and ends at 1', async () => {
    const seen: number[] = [];
    await new SVD({ factors: 4, epochs: 5, threads: 1 }, { kernels }).fit(await synthetic(), {
      onProgress: (f) => seen.push(f),
    });
    expect(seen.at(-1)).toBe(1);
    for (let x = 1; x < seen.length; x++) expect(seen[x]).toBeGreaterThanOrEqual(seen[x - 1]!);
  });
});

test('native and reference fits agree (same seed, one thread and two)', async () => {
  if (!availableBackends().includes('native')) return;
  const m = await synthetic();
  for (const threads of [1, 2]) {
    const p = { factors: 12, epochs: 5, shuffle: true, threads, seed: 9 };
    const a = await new SVD(p, { kernels: backend('native') }).fitData(m);
    const b = await new SVD(p, { kernels: backend('reference') }).fitData(m);
    let d = 0;
    for (let x = 0; x < a.userFactors.length; x++) d = Math.max(d, Math.abs(a.userFactors[x]! - b.userFactors[x]!));
    expect(d).toBeLessThanOrEqual(1e-5);
  }
});

test('a fitted SVD predicts through FactorModel: unknown user falls back to mu + b_i', async () => {
  const m = await synthetic();
  const model = await new SVD({ factors: 4, epochs: 5, threads: 1 }).fit(m);
  const p = model.predictOne('nobody', 3);
  expect(p.known).toBe(false);
  expect(p.score).toBeCloseTo(m.globalMean + model.data.itemBias[m.itemIndex(3)]!, 5);
});
