import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { AssignArgs, KmeansRows } from '../../src/engine/kernels/signatures.js';
import { densify, normsOf, randomCsr } from '../support/kmeans-fixtures.js';

const reference = backend('reference');
const csr = randomCsr(11, 300, 80, 0.1);
const inputs: [string, KmeansRows][] = [
  ['csr', { kind: 'csr', csr }],
  ['dense', { kind: 'dense', values: densify(csr), nRows: csr.nRows, dim: csr.nCols }],
];

function centroidsFrom(seed: number, k: number, dim: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: k * dim }, () => (rng.nextDouble() < 0.3 ? rng.nextDouble() * 5 : 0));
}

function assignArgs(rows: KmeansRows, centroids: Float32Array, k: number, n: number): AssignArgs {
  const dim = rows.kind === 'csr' ? rows.csr.nCols : rows.dim;
  return {
    rows,
    rowNorms: normsOf(rows),
    centroids,
    k,
    labels: new Int32Array(n).fill(-1),
    distances: new Float64Array(n),
    sums: new Float64Array(k * dim),
    counts: new Float64Array(k),
  };
}

// Tolerances: labels, per-row distances and bound decisions are bit-identical (same summation
// order per row); inertia and M-step sums differ only by the per-thread reduction order.
describe.each(availableBackends())('k-means kernels [%s]', (name) => {
  const k = backend(name);

  test.each(inputs)('assignClusters (%s) matches the reference at 1 and 2 threads', async (_, rows) => {
    const C = centroidsFrom(3, 7, 80);
    const want = assignArgs(rows, C, 7, 300);
    const w = await reference.assignClusters(want);
    for (const threads of [1, 2]) {
      const got = { ...assignArgs(rows, C, 7, 300), threads };
      const g = await k.assignClusters(got);
      expect(got.labels).toEqual(want.labels);
      expect(got.distances).toEqual(want.distances);
      expect(g.changed).toBe(300);
      expect(g.full).toBe(300);
      expect(g.inertia).toBeCloseTo(w.inertia, 6);
      for (let p = 0; p < got.sums!.length; p++) expect(got.sums![p]).toBeCloseTo(want.sums![p]!, 9);
      expect(got.counts).toEqual(want.counts);
    }
    // brute force check of the reference: each label is an argmin of the exact squared distance
    const dim = 80;
    const dense = rows.kind === 'dense' ? rows.values : densify(csr);
    for (let i = 0; i < 300; i += 17) {
      const dist = (c: number) => {
        let s = 0;
        for (let j = 0; j < dim; j++) s += (dense[i * dim + j]! - C[c * dim + j]!) ** 2;
        return s;
      };
      const best = Math.min(...Array.from({ length: 7 }, (_, c) => dist(c)));
      expect(dist(want.labels[i]!)).toBeCloseTo(best, 6);
      expect(want.distances[i]).toBeCloseTo(best, 6);
    }
  });

  test('assignClusters on a subset (mini-batch) matches the reference', async () => {
    const rows = inputs[0]![1];
    const C = centroidsFrom(5, 4, 80);
    const subset = Int32Array.from([5, 9, 9, 200, 0, 299]);
    const a = { ...assignArgs(rows, C, 4, 6), subset };
    const b = { ...assignArgs(rows, C, 4, 6), subset };
    await reference.assignClusters(a);
    await k.assignClusters(b);
    expect(b.labels).toEqual(a.labels);
    expect(b.distances).toEqual(a.distances);
    expect(b.counts).toEqual(a.counts);
    expect(a.counts!.reduce((s, v) => s + v, 0)).toBe(6);
  });

  test('Hamerly bounds give the same labels as full passes, pruning rows', async () => {
    const rows = inputs[0]![1];
    const n = 300;
    const dim = 80;
    let C = centroidsFrom(8, 6, dim);
    const lower = new Float64Array(n);
    const shift = new Float64Array(6);
    const bounded = assignArgs(rows, C, 6, n);
    let pruned = 0;
    for (let it = 0; it < 6; it++) {
      const plain = assignArgs(rows, C, 6, n);
      await reference.assignClusters(plain);
      const ready = it > 0;
      const r = await k.assignClusters({
        ...bounded,
        centroids: C,
        bounds: { lower, shift, ready, separation: it % 2 === 0 },
      });
      pruned += n - r.full;
      expect(bounded.labels).toEqual(plain.labels);
      expect(bounded.distances).toEqual(plain.distances);
      // Lloyd update, and how far each centroid moved
      const next = new Float32Array(C.length);
      for (let c = 0; c < 6; c++) {
        let moved = 0;
        for (let j = 0; j < dim; j++) {
          const cnt = bounded.counts![c]!;
          next[c * dim + j] = cnt > 0 ? bounded.sums![c * dim + j]! / cnt : C[c * dim + j]!;
          moved += (next[c * dim + j]! - C[c * dim + j]!) ** 2;
        }
        shift[c] = Math.sqrt(moved);
      }
      C = next;
    }
    expect(pruned).toBeGreaterThan(0);
  });

  test.each(inputs)('kmeansPlusPlus (%s) picks the same seeds as the reference', async (_, rows) => {
    const args = { rows, rowNorms: normsOf(rows), k: 12, trials: 4, seed: 99 };
    const want = await reference.kmeansPlusPlus(args);
    expect(new Set(want).size).toBe(12);
    expect(await k.kmeansPlusPlus({ ...args, threads: 1 })).toEqual(want);
    expect(await k.kmeansPlusPlus({ ...args, threads: 2 })).toEqual(want);
    expect(await k.kmeansPlusPlus({ ...args, seed: 100 })).not.toEqual(want);
  });

  test('kmeansPlusPlus on CSR rows stored out of column order (row path) matches the reference', async () => {
    const c = randomCsr(12, 200, 50, 0.2);
    for (let r = 0; r < c.nRows; r++) {
      c.cols.subarray(c.offsets[r], c.offsets[r + 1]).reverse();
      c.values.subarray(c.offsets[r], c.offsets[r + 1]).reverse();
    }
    const rows: KmeansRows = { kind: 'csr', csr: c };
    const args = { rows, rowNorms: normsOf(rows), k: 9, trials: 3, seed: 4 };
    expect(await k.kmeansPlusPlus(args)).toEqual(await reference.kmeansPlusPlus(args));
  });

  test('cancellation rejects with CancelledError', async () => {
    const rows = inputs[0]![1];
    const ac = new AbortController();
    ac.abort();
    await expect(
      k.assignClusters(assignArgs(rows, centroidsFrom(1, 3, 80), 3, 300), { signal: ac.signal }),
    ).rejects.toThrow();
  });
});
