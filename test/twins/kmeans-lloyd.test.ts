import { describe, expect, test } from 'vitest';
import { CancelledError } from '../../src/engine/errors.js';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr, KmeansLloydArgs, KmeansLloydResult, KmeansRows } from '../../src/engine/kernels/signatures.js';
import { densify, normsOf, randomCsr } from '../support/kmeans-fixtures.js';

const reference = backend('reference');

/**
 * Rating-like rows with values that are not multiples of 0.5 (x (1 + u), stored float32), so the
 * M-step sums round and the order they are added in shows in the bits.
 */
function roughCsr(seed: number, nRows: number, nCols: number, density: number): Csr {
  const csr = randomCsr(seed, nRows, nCols, density);
  const rng = new Rng(seed + 1);
  return { ...csr, values: csr.values.map((v) => v * (1 + rng.nextDouble())) };
}

/** Rows scaled to unit length (what kmeans() hands the kernels for the cosine metric). */
function unitRows(csr: Csr): Csr {
  const values = csr.values.slice();
  for (let r = 0; r < csr.nRows; r++) {
    let s = 0;
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) s += values[p]! * values[p]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) values[p]! *= inv;
  }
  return { ...csr, values };
}

function bothLayouts(csr: Csr): [string, KmeansRows][] {
  return [
    ['csr', { kind: 'csr', csr }],
    ['dense', { kind: 'dense', values: densify(csr), nRows: csr.nRows, dim: csr.nCols }],
  ];
}

/** k distinct rows as starting centroids (seeded). */
function initFrom(rows: KmeansRows, k: number, seed: number): Float32Array {
  const dense = rows.kind === 'dense' ? rows.values : densify(rows.csr);
  const n = rows.kind === 'dense' ? rows.nRows : rows.csr.nRows;
  const dim = rows.kind === 'dense' ? rows.dim : rows.csr.nCols;
  const picks = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(picks);
  const out = new Float32Array(k * dim);
  for (let c = 0; c < k; c++) out.set(dense.subarray(picks[c]! * dim, (picks[c]! + 1) * dim), c * dim);
  return out;
}

function lloydArgs(rows: KmeansRows, k: number, over: Partial<KmeansLloydArgs> = {}): KmeansLloydArgs {
  return {
    rows,
    rowNorms: normsOf(rows),
    init: initFrom(rows, k, 7),
    k,
    maxIter: 50,
    tolAbs: 0,
    bounds: false,
    separation: false,
    spherical: false,
    ...over,
  };
}

/** Twins must agree bit for bit: same loop order, double sums, the same M-step split. */
function expectSameRun(got: KmeansLloydResult, want: KmeansLloydResult): void {
  expect(got.labels).toEqual(want.labels);
  expect(got.centroids).toEqual(want.centroids);
  expect(got.distances).toEqual(want.distances);
  expect(got.history).toEqual(want.history);
  expect(got.inertia).toBe(want.inertia);
  expect(got.iterations).toBe(want.iterations);
  expect(got.converged).toBe(want.converged);
  expect(got.relocated).toBe(want.relocated);
  expect(got.pruned).toBe(want.pruned);
}

/** Inertia recomputed from scratch: sum over rows of ||x - c_label||^2 (dense, double). */
function bruteInertia(rows: KmeansRows, r: KmeansLloydResult, k: number): number {
  const dense = rows.kind === 'dense' ? rows.values : densify(rows.csr);
  const dim = rows.kind === 'dense' ? rows.dim : rows.csr.nCols;
  let total = 0;
  for (let i = 0; i < r.labels.length; i++) {
    expect(r.labels[i]).toBeGreaterThanOrEqual(0);
    expect(r.labels[i]).toBeLessThan(k);
    for (let j = 0; j < dim; j++) total += (dense[i * dim + j]! - r.centroids[r.labels[i]! * dim + j]!) ** 2;
  }
  return total;
}

const modes: [string, Partial<KmeansLloydArgs>][] = [
  ['lloyd', {}],
  ['hamerly', { bounds: true }],
  ['hamerly + separation', { bounds: true, separation: true }],
  ['spherical hamerly', { bounds: true, spherical: true }],
];

describe.each(availableBackends())('kmeansLloyd [%s]', (name) => {
  const K = backend(name);
  const rough = roughCsr(21, 240, 60, 0.15);

  for (const [layout, rows0] of bothLayouts(rough)) {
    test.each(modes)(`%s (${layout}) matches the reference at 1 and 3 threads`, async (_, mode) => {
      const rows: KmeansRows =
        mode.spherical && rows0.kind === 'csr' ? { kind: 'csr', csr: unitRows(rows0.csr) } : rows0;
      const args = lloydArgs(rows, 6, mode);
      for (const threads of [1, 3]) {
        const want = await reference.kmeansLloyd({ ...args, threads });
        const got = await K.kmeansLloyd({ ...args, threads });
        expectSameRun(got, want);
        expect(want.history.length - want.iterations).toBeLessThanOrEqual(1);
        expect(got.inertia).toBeCloseTo(bruteInertia(rows, got, 6), 6);
        for (let i = 1; i < got.history.length; i++) expect(got.history[i]).toBeLessThanOrEqual(got.history[i - 1]!);
      }
    });
  }

  test('threads change only the M-step rounding: same first pass, centroids equal to float32 precision', async () => {
    const rows: KmeansRows = { kind: 'csr', csr: rough };
    const args = { ...lloydArgs(rows, 5), maxIter: 1 };
    const one = await K.kmeansLloyd({ ...args, threads: 1 });
    const three = await K.kmeansLloyd({ ...args, threads: 3 });
    // Same assignment (order-free), and centroids equal to float32 rounding of the same means.
    expect(three.history[0]).toBe(one.history[0]);
    for (let q = 0; q < one.centroids.length; q++) expect(three.centroids[q]).toBeCloseTo(one.centroids[q]!, 4);
  });

  test('tol stop: one more E-step; strict stop: none; maxIter stop: not converged', async () => {
    const rows: KmeansRows = { kind: 'csr', csr: rough };
    const strict = await K.kmeansLloyd(lloydArgs(rows, 4, { maxIter: 300 }));
    expect(strict.converged).toBe(true);
    expect(strict.history.length).toBe(strict.iterations);
    const loose = await K.kmeansLloyd(lloydArgs(rows, 4, { maxIter: 300, tolAbs: 1e6 }));
    expect(loose.converged).toBe(true);
    expect(loose.iterations).toBe(1);
    expect(loose.history.length).toBe(2);
    const capped = await K.kmeansLloyd(lloydArgs(rows, 4, { maxIter: 2 }));
    expect(capped.converged).toBe(strict.iterations <= 2);
    expect(capped.history.length).toBe(3);
    expect(capped.history).toEqual(
      await reference.kmeansLloyd(lloydArgs(rows, 4, { maxIter: 2 })).then((r) => r.history),
    );
  });

  test('an empty cluster takes the farthest row (relocation), as the reference', async () => {
    for (const [, rows] of bothLayouts(rough)) {
      const dim = rough.nCols;
      const init = initFrom(rows, 5, 3);
      init.fill(1000, 4 * dim, 5 * dim); // centroid 4 is far from every row: empty after pass 1
      init.fill(1000, 2 * dim, 3 * dim); // and so is centroid 2 (two moves, in order)
      for (const threads of [1, 2]) {
        const args = lloydArgs(rows, 5, { init, threads, bounds: true });
        const want = await reference.kmeansLloyd(args);
        const got = await K.kmeansLloyd(args);
        expect(want.relocated).toBeGreaterThanOrEqual(2);
        expectSameRun(got, want);
        const counts = new Array(5).fill(0);
        for (const l of got.labels) counts[l]++;
        expect(Math.min(...counts)).toBeGreaterThan(0);
      }
    }
  });

  test('reports progress up to 1 and rejects with CancelledError when aborted', async () => {
    const rows: KmeansRows = { kind: 'csr', csr: rough };
    const seen: number[] = [];
    await K.kmeansLloyd(lloydArgs(rows, 4), { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    for (const f of seen) expect(f).toBeGreaterThan(0);
    const before = new AbortController();
    before.abort();
    await expect(K.kmeansLloyd(lloydArgs(rows, 4), { signal: before.signal })).rejects.toThrow();
    const big = roughCsr(5, 4000, 400, 0.2);
    const during = new AbortController();
    const running = K.kmeansLloyd(lloydArgs({ kind: 'csr', csr: big }, 40, { maxIter: 1000 }), {
      signal: during.signal,
    });
    during.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
  });

  test('bad arguments name the value seen', async () => {
    const rows: KmeansRows = { kind: 'csr', csr: rough };
    await expect(K.kmeansLloyd({ ...lloydArgs(rows, 4), init: new Float32Array(7) })).rejects.toThrow(
      /init has 7 values, expected k\*dim = 4\*60/,
    );
    await expect(K.kmeansLloyd({ ...lloydArgs(rows, 4), maxIter: 0 })).rejects.toThrow(/maxIter must be an integer/);
    await expect(K.kmeansLloyd({ ...lloydArgs(rows, 4), tolAbs: -1 })).rejects.toThrow(/tolAbs must be >= 0/);
    await expect(K.kmeansLloyd({ ...lloydArgs(rows, 4), rowNorms: new Float64Array(3) })).rejects.toThrow(/rowNorms/);
  });
});
