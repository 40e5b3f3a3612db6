import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr } from '../../src/engine/kernels/signatures.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');

async function confidenceRows(seed: number, nRows: number, nCols: number, n: number): Promise<Csr> {
  const { csr } = await reference.buildCsr(randomCoo(seed, nRows, nCols, n));
  return { ...csr, values: Float32Array.from(csr.values, (r) => 1 + 0.7 * r) };
}

function normals(seed: number, n: number, std: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => std * rng.nextNormal());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

// The twins sum every double (or, for the float32 CG, every float) in the same order and round to
// float32 at the same points, so they agree to the last bit in practice; the tolerance leaves room
// for a libm or compiler difference.
describe.each(availableBackends())('alsHalfStep [%s]', (name) => {
  const k = backend(name);
  // 13 factors: the 4-lane dot product's full lanes and its tail; a row with no entries (row 0 of 61).
  test.each([
    { cgSteps: 0, threads: 1, factors: 13 },
    { cgSteps: 3, threads: 2, factors: 13 },
    { cgSteps: 3, threads: 3, factors: 16 },
    { cgSteps: 3, threads: 2, factors: 13, cgPrecision: 64 as const },
  ])('matches the reference over 3 sweeps: %o', async (c) => {
    const rows = await confidenceRows(7, 61, 40, 700);
    const cols = await reference.transposeCsr(rows);
    const make = () => ({ x: normals(1, 61 * c.factors, 0.1), y: normals(2, 40 * c.factors, 0.1) });
    const a = make();
    const b = make();
    const step = { k: c.factors, reg: 0.5, cgSteps: c.cgSteps, cgPrecision: c.cgPrecision };
    for (let it = 0; it < 3; it++) {
      const got = await k.alsHalfStep({ rows, solve: a.x, fixed: a.y, ...step, threads: c.threads });
      const want = await reference.alsHalfStep({ rows, solve: b.x, fixed: b.y, ...step });
      expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-9 * Math.abs(want.loss));
      await k.alsHalfStep({ rows: cols, solve: a.y, fixed: a.x, ...step, threads: c.threads });
      await reference.alsHalfStep({ rows: cols, solve: b.y, fixed: b.x, ...step });
    }
    expect(maxAbsDiff(a.x, b.x)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(a.y, b.y)).toBeLessThanOrEqual(1e-6);
  });

  // The native solve packs a row's factor rows into a 2^18-float buffer when they fit: a row of
  // 20,000 entries x 16 factors does not, so both of its paths are compared here.
  test.each([32, 64] as const)('a row too long to pack matches the reference (float%i)', async (cgPrecision) => {
    const n = 20_000;
    const cols = Int32Array.from({ length: n + 10 }, (_, e) => (e < n ? e : (e - n) * 7));
    const rows: Csr = {
      offsets: Int32Array.of(0, n, n + 10),
      cols,
      values: Float32Array.from(cols, (_, e) => 1 + (e % 5) * 0.4),
      nRows: 2,
      nCols: n,
    };
    const y = normals(6, n * 16, 0.1);
    const a = normals(7, 2 * 16, 0.1);
    const b = a.slice();
    const step = { rows, fixed: y, k: 16, reg: 0.5, cgSteps: 3, cgPrecision };
    await k.alsHalfStep({ ...step, solve: a, threads: 2 });
    await reference.alsHalfStep({ ...step, solve: b });
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });

  test.each([32, 64] as const)(
    'conjugate gradient (float%i) converges to the exact (Cholesky) solve',
    async (cgPrecision) => {
      const rows = await confidenceRows(8, 50, 30, 500);
      const y = normals(3, 30 * 8, 0.3);
      const exact = normals(4, 50 * 8, 0.1);
      const cg = exact.slice();
      await k.alsHalfStep({ rows, solve: exact, fixed: y, k: 8, reg: 0.2, cgSteps: 0 });
      await k.alsHalfStep({ rows, solve: cg, fixed: y, k: 8, reg: 0.2, cgSteps: 8, cgPrecision });
      // 8 CG steps on an 8 x 8 SPD system: exact up to rounding (float32's included).
      expect(maxAbsDiff(cg, exact)).toBeLessThanOrEqual(1e-4);
      const once = normals(4, 50 * 8, 0.1);
      await k.alsHalfStep({ rows, solve: once, fixed: y, k: 8, reg: 0.2, cgSteps: 1 });
      // One step from a random start is not there yet: the comparison above is not vacuous.
      expect(maxAbsDiff(once, exact)).toBeGreaterThan(1e-3);
    },
  );

  test('the exact solve minimises the row objective (gradient ~ 0)', async () => {
    const rows = await confidenceRows(9, 5, 12, 40);
    const y = normals(5, 12 * 4, 0.5);
    const x = new Float32Array(5 * 4);
    const reg = 0.3;
    await k.alsHalfStep({ rows, solve: x, fixed: y, k: 4, reg, cgSteps: 0 });
    for (let u = 0; u < 5; u++) {
      // grad/2 = sum_all_j (x.y_j) y_j + sum_obs (c - 1)(x.y_j) y_j - sum_obs c y_j + reg x
      const grad = new Float64Array(4);
      const conf = new Map<number, number>();
      for (let e = rows.offsets[u]!; e < rows.offsets[u + 1]!; e++) {
        conf.set(rows.cols[e]!, rows.values[e]!);
      }
      for (let j = 0; j < 12; j++) {
        let s = 0;
        for (let f = 0; f < 4; f++) s += x[u * 4 + f]! * y[j * 4 + f]!;
        const c = conf.get(j) ?? 1;
        const pref = conf.has(j) ? 1 : 0;
        for (let f = 0; f < 4; f++) grad[f] = grad[f]! + c * (s - pref) * y[j * 4 + f]!;
      }
      for (let f = 0; f < 4; f++) expect(Math.abs(grad[f]! + reg * x[u * 4 + f]!)).toBeLessThan(1e-5);
    }
  });
});

describe.each(availableBackends())('spdInverse [%s]', (name) => {
  const k = backend(name);
  // 37: four full 8-row blocks plus a tail; threads 3 splits the Cholesky blocks unevenly.
  test.each([1, 37])('A * inverse(A) = I and matches the reference (n = %i)', async (n) => {
    const rng = new Rng(n);
    const m = Float64Array.from({ length: n * 5 }, () => rng.nextNormal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 2 : 0;
        for (let q = 0; q < 5; q++) s += m[i * 5 + q]! * m[j * 5 + q]!;
        a[i * n + j] = s;
      }
    }
    const inv = a.slice();
    await k.spdInverse(inv, n, { threads: 3 });
    const ref = a.slice();
    await reference.spdInverse(ref, n);
    expect(maxAbsDiff(inv, ref)).toBeLessThanOrEqual(1e-12);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += a[i * n + q]! * inv[q * n + j]!;
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
  });

  test('a matrix that is not positive definite is refused', async () => {
    const a = Float64Array.of(1, 2, 2, 1);
    await expect(k.spdInverse(a, 2)).rejects.toThrow(/not positive definite/);
  });
});

describe.each(availableBackends())('itemItemTopN [%s]', (name) => {
  const k = backend(name);
  test('matches the reference and a brute-force ranking', async () => {
    const { csr: seen } = await reference.buildCsr(randomCoo(11, 30, 23, 200));
    const weights = normals(12, 23 * 23, 1);
    const eligible = Uint8Array.from({ length: 23 }, (_, i) => (i % 7 === 3 ? 0 : 1));
    const users = Int32Array.of(0, 5, 29, 5);
    const args = { seen, weights, users, n: 6, eligible, excludeSeen: true, threads: 2 };
    const got = await k.itemItemTopN(args);
    const want = await reference.itemItemTopN(args);
    expect(Array.from(got.items)).toEqual(Array.from(want.items));
    expect(maxAbsDiff(got.scores, want.scores)).toBe(0);
    // With a factor term (the EASE + ALS blend): the twins agree, and a huge weight ranks by p.q alone.
    const factors = { user: normals(16, 30 * 5, 1), item: normals(17, 23 * 5, 1), k: 5, weight: 0.7 };
    const gotF = await k.itemItemTopN({ ...args, factors });
    const wantF = await reference.itemItemTopN({ ...args, factors });
    expect(Array.from(gotF.items)).toEqual(Array.from(wantF.items));
    expect(maxAbsDiff(gotF.scores, wantF.scores)).toBe(0);
    expect(Array.from(gotF.items)).not.toEqual(Array.from(got.items));
    users.forEach((u, r) => {
      const row = Array.from(seen.cols.subarray(seen.offsets[u]!, seen.offsets[u + 1]!));
      const scored = [];
      for (let i = 0; i < 23; i++) {
        if (!eligible[i] || row.includes(i)) continue;
        let s = 0;
        for (const j of row) s = Math.fround(s + weights[j * 23 + i]!);
        scored.push({ i, s });
      }
      scored.sort((x, y) => y.s - x.s || x.i - y.i);
      expect(Array.from(got.items.subarray(r * 6, r * 6 + 6))).toEqual(scored.slice(0, 6).map((x) => x.i));
    });
  });
});

describe.each(availableBackends())('bprEpoch [%s]', (name) => {
  const k = backend(name);
  const fixture = async () => {
    const { csr: seen } = await reference.buildCsr(randomCoo(13, 40, 25, 300));
    return {
      seen,
      userFactors: normals(14, 40 * 9, 0.1),
      itemFactors: normals(15, 25 * 9, 0.1),
      itemBias: new Float32Array(25),
    };
  };

  test('one thread matches the reference over 3 epochs (9 factors)', async () => {
    const a = await fixture();
    const b = await fixture();
    for (let epoch = 0; epoch < 3; epoch++) {
      const step = { k: 9, learningRate: 0.05, reg: 0.01, samples: 300, seed: 40 + epoch, threads: 1 };
      const got = await k.bprEpoch({ ...a, ...step });
      const want = await reference.bprEpoch({ ...b, ...step });
      expect(got.correct).toBe(want.correct);
    }
    // exp may differ from Math.exp in the last bit: room for that, nothing more.
    expect(maxAbsDiff(a.userFactors, b.userFactors)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(a.itemFactors, b.itemFactors)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(a.itemBias, b.itemBias)).toBeLessThanOrEqual(1e-6);
  });

  test('Hogwild threads learn the ranking: the share of right-ordered samples grows', async () => {
    const a = await fixture();
    let first = 0;
    let last = 0;
    for (let epoch = 0; epoch < 30; epoch++) {
      const { correct } = await k.bprEpoch({
        ...a,
        k: 9,
        learningRate: 0.1,
        reg: 0.001,
        samples: 300,
        seed: epoch,
        threads: 2,
      });
      if (epoch === 0) first = correct;
      last = correct;
    }
    expect(first).toBeLessThan(0.7);
    expect(last).toBeGreaterThan(first + 0.1);
  });
});

test.each(availableBackends())('alsHalfStep [%s] without the loss solves the same rows', async (name) => {
  const k = backend(name);
  const rows = await confidenceRows(7, 61, 40, 700);
  const y = normals(2, 40 * 13, 0.1);
  const a = normals(1, 61 * 13, 0.1);
  const b = a.slice();
  const step = { rows, fixed: y, k: 13, reg: 0.5, cgSteps: 3, threads: 2 };
  expect((await k.alsHalfStep({ ...step, solve: a, loss: false })).loss).toBeNaN();
  expect(Number.isFinite((await k.alsHalfStep({ ...step, solve: b })).loss)).toBe(true);
  expect(maxAbsDiff(a, b)).toBe(0);
});
