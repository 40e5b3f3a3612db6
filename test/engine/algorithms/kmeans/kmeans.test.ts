import { describe, expect, test } from 'vitest';
import { kmeans } from '../../../../src/engine/algorithms/kmeans/kmeans.js';
import { CancelledError, InputError } from '../../../../src/engine/errors.js';
import { availableBackends, backend } from '../../../../src/engine/kernels/registry.js';
import type { KmeansRows } from '../../../../src/engine/kernels/signatures.js';
import { adjustedRandIndex } from '../../../support/adjusted-rand.js';
import { blobs, densify, randomCsr } from '../../../support/kmeans-fixtures.js';

test('adjustedRandIndex: 1 for a renamed partition, near 0 for unrelated ones', () => {
  expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])).toBe(1);
  const a = Array.from({ length: 3000 }, (_, i) => i % 3);
  const b = Array.from({ length: 3000 }, (_, i) => Math.floor(i / 1000));
  expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.01);
});

describe.each(availableBackends())('kmeans [%s]', (name) => {
  const K = backend(name);

  test.each(['hamerly', 'lloyd', 'minibatch'] as const)(
    'recovers planted clusters (%s): ARI >= 0.95',
    async (algorithm) => {
      const { rows, truth } = blobs(1, 8, 150, 10, 12);
      const r = await kmeans(rows, 8, { seed: 3, algorithm, kernels: K, batchSize: 256 });
      expect(adjustedRandIndex(r.labels, truth)).toBeGreaterThanOrEqual(0.95);
      expect(r.sizes().reduce((s, v) => s + v, 0)).toBe(1200);
      expect(r.converged).toBe(true);
      // Inertia is the sum of squared distances to the returned centroids.
      const { values, dim } = rows as Extract<KmeansRows, { kind: 'dense' }>;
      let inertia = 0;
      for (let i = 0; i < 1200; i++)
        for (let j = 0; j < dim; j++) inertia += (values[i * dim + j]! - r.centroids[r.labels[i]! * dim + j]!) ** 2;
      expect(r.inertia).toBeCloseTo(inertia, 0);
      expect(r.inertia / 1200 / dim).toBeLessThan(1.1); // noise is N(0, 1) per coordinate
    },
  );

  test('sparse rating rows: inertia never increases across Lloyd passes; bounds change nothing', async () => {
    const csr = randomCsr(5, 400, 120, 0.08);
    const rows: KmeansRows = { kind: 'csr', csr };
    const plain = await kmeans(rows, 9, { seed: 1, algorithm: 'lloyd', kernels: K, tol: 0 });
    const bounded = await kmeans(rows, 9, { seed: 1, algorithm: 'hamerly', kernels: K, tol: 0 });
    const h = plain.inertiaHistory;
    expect(h.length).toBeGreaterThan(3);
    for (let t = 1; t < h.length; t++) expect(h[t]).toBeLessThanOrEqual(h[t - 1]! * (1 + 1e-12));
    expect(bounded.labels).toEqual(plain.labels);
    expect(bounded.inertiaHistory).toEqual(plain.inertiaHistory);
    expect(bounded.pruned).toBeGreaterThan(0.2);
    // the same rows dense give the same clustering
    const dense = await kmeans({ kind: 'dense', values: densify(csr), nRows: 400, dim: 120 }, 9, {
      seed: 1,
      algorithm: 'lloyd',
      kernels: K,
      tol: 0,
    });
    expect(dense.labels).toEqual(plain.labels);
    expect(dense.inertia).toBeCloseTo(plain.inertia, 6);
  });

  test('empty clusters are repaired with the farthest rows and reported', async () => {
    const { rows } = blobs(2, 3, 50, 4, 10);
    const v = (rows as Extract<KmeansRows, { kind: 'dense' }>).values;
    // centroids 1 and 2 duplicate centroid 0: they win no rows on the first pass (ties go to 0)
    const init = new Float32Array(12);
    for (let c = 0; c < 3; c++) init.set(v.subarray(0, 4), c * 4);
    const r = await kmeans(rows, 3, { init, kernels: K, algorithm: 'lloyd' });
    expect(r.emptyClustersRepaired).toBeGreaterThanOrEqual(2);
    expect(Math.min(...r.sizes())).toBeGreaterThan(0);
    for (let t = 1; t < r.inertiaHistory.length; t++)
      expect(r.inertiaHistory[t]).toBeLessThanOrEqual(r.inertiaHistory[t - 1]! * (1 + 1e-12));
  });

  test('cosine: unit centroids; predict assigns training rows to their own clusters', async () => {
    const csr = randomCsr(9, 200, 60, 0.15);
    for (let r = 0; r < 200; r++)
      if (csr.offsets[r] === csr.offsets[r + 1]) throw new Error('fixture has an empty row');
    const rows: KmeansRows = { kind: 'csr', csr };
    const r = await kmeans(rows, 5, { seed: 2, metric: 'cosine', kernels: K });
    for (let c = 0; c < 5; c++) {
      let s = 0;
      for (let j = 0; j < 60; j++) s += r.centroids[c * 60 + j]! ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
    const p = await r.predict(rows);
    expect(p.labels).toEqual(r.labels);
    expect(r.inertia).toBeLessThan(2 * 200);
  });

  test('restarts keep the lowest inertia and are reproducible by seed', async () => {
    const { rows } = blobs(4, 6, 40, 5, 6);
    const a = await kmeans(rows, 6, { seed: 7, nInit: 4, init: 'random', kernels: K });
    const b = await kmeans(rows, 6, { seed: 7, nInit: 4, init: 'random', kernels: K });
    expect(a.restartInertias).toHaveLength(4);
    expect(a.inertia).toBe(Math.min(...a.restartInertias));
    expect(b.labels).toEqual(a.labels);
    expect(b.centroids).toEqual(a.centroids);
  });

  test('bad input gets InputError naming the problem', async () => {
    const { rows } = blobs(3, 2, 5, 3, 5);
    await expect(kmeans(rows, 11, { kernels: K })).rejects.toThrow(/k = 11 is more than the 10 rows/);
    await expect(kmeans(rows, 0, { kernels: K })).rejects.toThrow(/k must be an integer >= 1, got 0/);
    await expect(kmeans(rows, 2.5, { kernels: K })).rejects.toThrow(InputError);
    const nan = (rows as Extract<KmeansRows, { kind: 'dense' }>).values.slice();
    nan[7] = Number.NaN;
    await expect(kmeans({ kind: 'dense', values: nan, nRows: 10, dim: 3 }, 2, { kernels: K })).rejects.toThrow(
      /row 2, column 1: value NaN is not a finite number/,
    );
    await expect(kmeans({ kind: 'dense', values: new Float32Array(0), nRows: 0, dim: 3 }, 1)).rejects.toThrow(
      /no rows to cluster/,
    );
    await expect(kmeans({ kind: 'dense', values: new Float32Array(0), nRows: 4, dim: 0 }, 1)).rejects.toThrow(
      /zero length \(dim = 0\)/,
    );
    const csr = randomCsr(1, 6, 5, 0.5);
    csr.offsets.fill(csr.offsets[3]!, 3, 5); // rows 3 and 4 empty
    csr.offsets[4] = csr.offsets[3]!;
    await expect(kmeans({ kind: 'csr', csr }, 2, { metric: 'cosine', kernels: K })).rejects.toThrow(
      /row 3 has length zero: cosine k-means needs/,
    );
    await expect(kmeans(rows, 2, { init: new Float32Array(5), kernels: K })).rejects.toThrow(/expected k\*dim = 2\*3/);
  });

  test('cancellation rejects with CancelledError', async () => {
    const { rows } = blobs(5, 4, 50, 4, 5);
    const ac = new AbortController();
    ac.abort();
    await expect(kmeans(rows, 4, { kernels: K, signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

test.skipIf(availableBackends().length < 2)('native and reference give the same clustering end to end', async () => {
  const csr = randomCsr(21, 500, 150, 0.06);
  const rows: KmeansRows = { kind: 'csr', csr };
  const a = await kmeans(rows, 12, { seed: 5, kernels: backend('native') });
  const b = await kmeans(rows, 12, { seed: 5, kernels: backend('reference') });
  expect(a.labels).toEqual(b.labels);
  expect(a.iterations).toBe(b.iterations);
  expect(a.inertia).toBeCloseTo(b.inertia, 6);
  for (let i = 0; i < a.centroids.length; i++) expect(a.centroids[i]).toBeCloseTo(b.centroids[i]!, 5);
});
