import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr, SvdppEpochArgs, SvdppParams, SvdppRates } from '../../src/engine/kernels/signatures.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');
const rates: SvdppRates = {
  lrBu: 0.01,
  lrBi: 0.007,
  lrPu: 0.02,
  lrQi: 0.015,
  lrYj: 0.012,
  regBu: 0.02,
  regBi: 0.03,
  regPu: 0.05,
  regQi: 0.04,
  regYj: 0.06,
};

// 60 users x 40 items, ~1500 ratings (some users with none), 7 factors.
async function fixture(factors = 7): Promise<{ csr: Csr; params: SvdppParams }> {
  const { csr } = await reference.buildCsr(randomCoo(42, 60, 40, 1500));
  const rng = new Rng(9);
  const normal = (n: number) => Float64Array.from({ length: n }, () => 0.1 * rng.nextNormal());
  let mean = 0;
  for (const v of csr.values) mean += v;
  return {
    csr,
    params: {
      userFactors: normal(60 * factors),
      itemFactors: normal(40 * factors),
      implicitFactors: normal(40 * factors),
      userBias: new Float64Array(60),
      itemBias: new Float64Array(40),
      factors,
      globalMean: mean / csr.values.length,
    },
  };
}

function copy(p: SvdppParams): SvdppParams {
  return {
    ...p,
    userFactors: p.userFactors.slice(),
    itemFactors: p.itemFactors.slice(),
    implicitFactors: p.implicitFactors.slice(),
    userBias: p.userBias.slice(),
    itemBias: p.itemBias.slice(),
  };
}

/** Surprise's SVDpp epoch as written there: z_u recomputed and every y_j of N(u) updated at each rating. */
function surpriseEpoch(a: SvdppEpochArgs): number {
  const { offsets, cols, values, nRows } = a.csr;
  const { userFactors: P, itemFactors: Q, implicitFactors: Y, userBias: bu, itemBias: bi, factors: k } = a.params;
  const r = a.rates;
  let sse = 0;
  for (let u = 0; u < nRows; u++) {
    const Iu = Array.from(cols.subarray(offsets[u]!, offsets[u + 1]!));
    const s = Math.sqrt(Iu.length);
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      const i = cols[p]!;
      const z = new Float64Array(k);
      for (const j of Iu) for (let f = 0; f < k; f++) z[f] = z[f]! + Y[j * k + f]! / s;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += Q[i * k + f]! * (P[u * k + f]! + z[f]!);
      const err = values[p]! - (a.params.globalMean + bu[u]! + bi[i]! + dot);
      sse += err * err;
      bu[u] = bu[u]! + r.lrBu * (err - r.regBu * bu[u]!);
      bi[i] = bi[i]! + r.lrBi * (err - r.regBi * bi[i]!);
      for (let f = 0; f < k; f++) {
        const pf = P[u * k + f]!;
        const qf = Q[i * k + f]!;
        P[u * k + f] = pf + r.lrPu * (err * qf - r.regPu * pf);
        Q[i * k + f] = qf + r.lrQi * (err * (pf + z[f]!) - r.regQi * qf);
        for (const j of Iu) Y[j * k + f] = Y[j * k + f]! + r.lrYj * ((err * qf) / s - r.regYj * Y[j * k + f]!);
      }
    }
  }
  return sse;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const FIELDS = ['userFactors', 'itemFactors', 'implicitFactors', 'userBias', 'itemBias'] as const;

test("the closed-form y_j update equals Surprise's per-rating update (3 epochs, to 1e-12)", async () => {
  const { csr, params } = await fixture();
  const ours = copy(params);
  const theirs = copy(params);
  for (let e = 0; e < 3; e++) {
    const { sse } = await reference.svdppEpoch({ csr, params: ours, rates });
    const want = surpriseEpoch({ csr, params: theirs, rates });
    expect(Math.abs(sse - want)).toBeLessThan(1e-9 * want);
  }
  for (const f of FIELDS) expect(maxAbsDiff(ours[f], theirs[f]), f).toBeLessThan(1e-12);
  // It moved: the comparison is not of two untouched copies.
  expect(maxAbsDiff(ours.implicitFactors, params.implicitFactors)).toBeGreaterThan(1e-4);
});

// Both twins do the same double operations in the same order (no FMA contraction natively), so
// they agree bit for bit; the tolerance leaves room for a compiler that reassociates nothing but
// rounds sqrt differently (none known).
describe.each(availableBackends())('svdppEpoch [%s]', (name) => {
  const k = backend(name);
  test.each([7, 20, 33])('%i factors, 2 epochs: matches the reference', async (factors) => {
    const { csr, params } = await fixture(factors);
    const a = copy(params);
    const b = copy(params);
    for (let e = 0; e < 2; e++) {
      const x = await k.svdppEpoch({ csr, params: a, rates });
      const y = await reference.svdppEpoch({ csr, params: b, rates });
      expect(x.sse).toBeCloseTo(y.sse, 9);
      expect(x.penalty).toBeCloseTo(y.penalty, 9);
    }
    for (const f of FIELDS) expect(maxAbsDiff(a[f], b[f]), f).toBeLessThan(1e-13);
  });

  test('an out-of-range item index is refused, not read', async () => {
    const { csr, params } = await fixture();
    const cols = csr.cols.slice();
    cols[5] = 40;
    await expect(k.svdppEpoch({ csr: { ...csr, cols }, params: copy(params), rates })).rejects.toThrow(/out of range/);
  });
});
