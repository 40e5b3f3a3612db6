import { describe, expect, test } from 'vitest';
import { buildSgdPlan } from '../../src/engine/algorithms/sgd-plan.js';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { SgdParams, SgdPlan, SgdRates } from '../../src/engine/kernels/signatures.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');
const rates: SgdRates = {
  lrBu: 0.01,
  lrBi: 0.007,
  lrPu: 0.02,
  lrQi: 0.015,
  regBu: 0.02,
  regBi: 0.03,
  regPu: 0.05,
  regQi: 0.04,
};

// 13 factors: one full 8-lane pass plus a tail, the two code paths of the dot product.
async function fixture(grid: number, factors = 13, biased = true): Promise<{ plan: SgdPlan; params: SgdParams }> {
  const { csr } = await reference.buildCsr(randomCoo(42, 70, 50, 2500));
  const rng = new Rng(9);
  const normal = (n: number) => Float32Array.from({ length: n }, () => 0.1 * rng.nextNormal());
  let mean = 0;
  for (const v of csr.values) mean += v;
  return {
    plan: buildSgdPlan(csr, grid),
    params: {
      userFactors: normal(70 * factors),
      itemFactors: normal(50 * factors),
      userBias: new Float32Array(70),
      itemBias: new Float32Array(50),
      factors,
      globalMean: mean / csr.values.length,
      biased,
    },
  };
}

function maxAbsDiff(a: Float32Array | Int32Array, b: Float32Array | Int32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

// Both twins round every float32 operation the same way (no FMA; 8-lane dot product), so they agree
// to the last bit in practice; the stated tolerance leaves room for a libm or compiler difference.
const TOL = 1e-6;

describe.each(availableBackends())('sgdEpoch [%s]', (name) => {
  const k = backend(name);
  test.each([
    { grid: 1, threads: 1, shuffle: false, biased: true },
    { grid: 1, threads: 1, shuffle: true, biased: true },
    { grid: 4, threads: 2, shuffle: true, biased: true },
    { grid: 3, threads: 2, shuffle: false, biased: false },
    // More threads than cores and 64 small blocks: the dataflow schedule under heavy interleaving.
    { grid: 8, threads: 4, shuffle: true, biased: true },
    // 100 factors (the default): the native kernel's compile-time-k path.
    { grid: 1, threads: 1, shuffle: false, biased: true, factors: 100 },
    { grid: 4, threads: 2, shuffle: true, biased: false, factors: 100 },
  ])('matches the reference over 3 epochs: %o', async (c) => {
    const a = await fixture(c.grid, c.factors ?? 13, c.biased);
    const b = await fixture(c.grid, c.factors ?? 13, c.biased);
    for (let epoch = 0; epoch < 3; epoch++) {
      const shuffleSeed = c.shuffle ? 100 + epoch : undefined;
      const got = await k.sgdEpoch({ plan: a.plan, params: a.params, rates, shuffleSeed, threads: c.threads });
      const want = await reference.sgdEpoch({ plan: b.plan, params: b.params, rates, shuffleSeed, threads: 1 });
      expect(Math.abs(got.sse - want.sse)).toBeLessThanOrEqual(TOL * want.sse);
      expect(Math.abs(got.penalty - want.penalty)).toBeLessThanOrEqual(TOL * want.penalty);
    }
    expect(maxAbsDiff(a.plan.users, b.plan.users)).toBe(0);
    expect(maxAbsDiff(a.plan.ratings, b.plan.ratings)).toBe(0);
    expect(maxAbsDiff(a.params.userFactors, b.params.userFactors)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(a.params.itemFactors, b.params.itemFactors)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(a.params.userBias, b.params.userBias)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(a.params.itemBias, b.params.itemBias)).toBeLessThanOrEqual(TOL);
    if (!c.biased) expect(a.params.userBias.every((v) => v === 0)).toBe(true);
  });

  test('fillNormal draws the reference stream (mean, std, seed; 4 chunks, odd length)', async () => {
    const got = new Float32Array(200_001);
    const want = new Float32Array(200_001);
    await k.fillNormal(got, 0.5, 0.1, 77);
    await reference.fillNormal(want, 0.5, 0.1, 77);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-7);
    let mean = 0;
    let sq = 0;
    for (const v of got) {
      mean += v / got.length;
      sq += (v - 0.5) ** 2 / got.length;
    }
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.002);
    expect(Math.abs(Math.sqrt(sq) - 0.1)).toBeLessThan(0.002);
    // chunks are seeded apart: the second chunk does not repeat the first
    expect(got.subarray(65_536, 65_546)).not.toEqual(got.subarray(0, 10));
  });

  test('an epoch lowers the training error (the update descends)', async () => {
    const a = await fixture(1, 8);
    const first = await k.sgdEpoch({ plan: a.plan, params: a.params, rates });
    let last = first;
    for (let e = 0; e < 10; e++) last = await k.sgdEpoch({ plan: a.plan, params: a.params, rates });
    expect(last.sse).toBeLessThan(0.9 * first.sse);
  });

  test('a shuffled block keeps the same triples', async () => {
    const a = await fixture(2);
    const before = new Set(Array.from(a.plan.users, (u, p) => `${u}/${a.plan.items[p]}/${a.plan.ratings[p]}`));
    await k.sgdEpoch({ plan: a.plan, params: a.params, rates, shuffleSeed: 5, threads: 2 });
    const after = new Set(Array.from(a.plan.users, (u, p) => `${u}/${a.plan.items[p]}/${a.plan.ratings[p]}`));
    expect(after).toEqual(before);
    expect(after.size).toBe(a.plan.users.length);
  });

  test('an out-of-range index is refused, naming the entry', async () => {
    const a = await fixture(1);
    a.plan.items[17] = 50;
    await expect(k.sgdEpoch({ plan: a.plan, params: a.params, rates })).rejects.toThrow(/out of range at entry 17/);
  });

  test('an aborted signal cancels', async () => {
    const a = await fixture(1);
    const c = new AbortController();
    c.abort();
    await expect(k.sgdEpoch({ plan: a.plan, params: a.params, rates }, { signal: c.signal })).rejects.toThrow(
      /cancel|abort/i,
    );
  });
});

test('the plan covers every rating once, blocks hold disjoint user and item ranges', async () => {
  const { csr } = await reference.buildCsr(randomCoo(3, 40, 30, 600));
  const plan = buildSgdPlan(csr, 4);
  expect(plan.blockOffsets[16]).toBe(csr.values.length);
  const rowBlock = new Map<number, number>();
  const colBlock = new Map<number, number>();
  for (let b = 0; b < 16; b++) {
    for (let p = plan.blockOffsets[b]!; p < plan.blockOffsets[b + 1]!; p++) {
      expect(rowBlock.get(plan.users[p]!) ?? Math.floor(b / 4)).toBe(Math.floor(b / 4));
      expect(colBlock.get(plan.items[p]!) ?? b % 4).toBe(b % 4);
      rowBlock.set(plan.users[p]!, Math.floor(b / 4));
      colBlock.set(plan.items[p]!, b % 4);
    }
  }
  const key = (u: number, i: number, r: number) => `${u}/${i}/${r}`;
  const want = new Set<string>();
  for (let r = 0; r < csr.nRows; r++)
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) want.add(key(r, csr.cols[p]!, csr.values[p]!));
  expect(new Set(Array.from(plan.users, (u, p) => key(u, plan.items[p]!, plan.ratings[p]!)))).toEqual(want);
});
