import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { PearsonBaselineArgs, ResidualRows } from '../../src/engine/kernels/signatures.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');

// 80 users x 45 items, ~1800 ratings; residuals are seeded normals (the kernel does not care where they come from).
async function fixture(shrinkage: number, minSupport: number): Promise<PearsonBaselineArgs> {
  const { csr } = await reference.buildCsr(randomCoo(5, 80, 45, 1800));
  const csc = await reference.transposeCsr(csr);
  const rng = new Rng(3);
  const resid = new Map<string, number>();
  const rows = (m: typeof csr, key: (r: number, c: number) => string): ResidualRows => {
    const residuals = new Float64Array(m.cols.length);
    for (let r = 0; r < m.nRows; r++) {
      for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) {
        const k = key(r, m.cols[p]!);
        if (!resid.has(k)) resid.set(k, rng.nextNormal());
        residuals[p] = resid.get(k) as number;
      }
    }
    return { offsets: m.offsets, cols: m.cols, residuals };
  };
  const byUser = rows(csr, (u, i) => `${u},${i}`);
  const byItem = rows(csc, (i, u) => `${u},${i}`);
  return { byItem, byUser, nItems: 45, shrinkage, minSupport, threads: 3 };
}

/** Surprise's pearson_baseline loop: every user, every ordered pair of their items, then the shrunk ratio. */
function surpriseSims(a: PearsonBaselineArgs): Float64Array {
  const n = a.nItems;
  const prods = new Float64Array(n * n);
  const sqi = new Float64Array(n * n);
  const sqj = new Float64Array(n * n);
  const freq = new Int32Array(n * n);
  const { offsets, cols, residuals } = a.byUser;
  for (let u = 0; u + 1 < offsets.length; u++) {
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      for (let q = offsets[u]!; q < offsets[u + 1]!; q++) {
        const x = cols[p]! * n + cols[q]!;
        const di = residuals[p]!;
        const dj = residuals[q]!;
        freq[x] = freq[x]! + 1;
        prods[x] = prods[x]! + di * dj;
        sqi[x] = sqi[x]! + di * di;
        sqj[x] = sqj[x]! + dj * dj;
      }
    }
  }
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = i * n + j;
      const f = freq[x]!;
      if (i === j) sim[x] = 1;
      else if (f >= Math.max(2, a.minSupport)) {
        sim[x] = (prods[x]! / Math.sqrt(sqi[x]! * sqj[x]!)) * ((f - 1) / (f - 1 + a.shrinkage));
      }
    }
  }
  return sim;
}

test("the reference equals Surprise's pair loop (float32 rounding), symmetric, 1 on the diagonal", async () => {
  for (const [shrinkage, minSupport] of [
    [100, 1],
    [0, 5],
  ] as const) {
    const a = await fixture(shrinkage, minSupport);
    const got = await reference.pearsonBaselineSims(a);
    const want = surpriseSims(a);
    let nonZero = 0;
    for (let x = 0; x < want.length; x++) {
      expect(Math.abs(got[x]! - want[x]!)).toBeLessThan(1e-6);
      if (got[x] !== 0) nonZero++;
    }
    for (let i = 0; i < 45; i++) {
      expect(got[i * 45 + i]).toBe(1);
      for (let j = 0; j < 45; j++) expect(got[i * 45 + j]).toBe(got[j * 45 + i]);
    }
    // The fixture is dense enough that most pairs share users: the check is not of zeros.
    expect(nonZero).toBeGreaterThan(45 * 20);
  }
});

// Same double sums in the same order on both backends (rows only split across threads), so the
// float32 outputs are identical.
describe.each(availableBackends())('pearsonBaselineSims [%s]', (name) => {
  const k = backend(name);
  test.each([1, 3])('%i threads: identical to the reference', async (threads) => {
    const a = { ...(await fixture(100, 1)), threads };
    expect(await k.pearsonBaselineSims(a)).toEqual(await reference.pearsonBaselineSims(a));
  });

  test('an out-of-range index is refused', async () => {
    const a = await fixture(100, 1);
    const cols = a.byUser.cols.slice();
    cols[3] = 45;
    await expect(k.pearsonBaselineSims({ ...a, byUser: { ...a.byUser, cols } })).rejects.toThrow(/out of range/);
  });
});
