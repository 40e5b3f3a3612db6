import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { AlsExplicitArgs } from '../../src/engine/kernels/signatures.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');

// 50 rows x 30 columns, ~700 entries (some rows empty), k = 9; targets and the fixed side seeded.
async function fixture(k = 9): Promise<AlsExplicitArgs> {
  const { csr } = await reference.buildCsr(randomCoo(8, 50, 30, 700));
  const rng = new Rng(4);
  return {
    rows: {
      offsets: csr.offsets,
      cols: csr.cols,
      residuals: Float64Array.from(csr.values, (v) => v - 3 + 0.1 * rng.nextNormal()),
    },
    fixed: Float32Array.from({ length: 30 * k }, () => rng.nextNormal()),
    solve: new Float32Array(50 * k).fill(7),
    k,
    reg: 0.15,
  };
}

test('each solved row satisfies its normal equations (Y^T Y + reg n I) x = Y^T d', async () => {
  const a = await fixture();
  await reference.alsExplicitHalfStep(a);
  const { offsets, cols, residuals } = a.rows;
  const k = a.k;
  for (let r = 0; r + 1 < offsets.length; r++) {
    const n = offsets[r + 1]! - offsets[r]!;
    const x = a.solve.subarray(r * k, (r + 1) * k);
    if (n === 0) {
      expect(Array.from(x)).toEqual(new Array(k).fill(0));
      continue;
    }
    for (let i = 0; i < k; i++) {
      let lhs = a.reg * n * x[i]!;
      let rhs = 0;
      for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
        const y = cols[p]! * k;
        let dot = 0;
        for (let f = 0; f < k; f++) dot += a.fixed[y + f]! * x[f]!;
        lhs += a.fixed[y + i]! * dot;
        rhs += residuals[p]! * a.fixed[y + i]!;
      }
      // float32 storage of x: agreement to ~1e-6 relative.
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(rhs)));
    }
  }
});

// Same double operations in the same order per row on both backends: identical float32 outputs.
describe.each(availableBackends())('alsExplicitHalfStep [%s]', (name) => {
  const kb = backend(name);
  test.each([
    { k: 9, threads: 1 },
    { k: 20, threads: 3 },
  ])('k $k, $threads threads: identical to the reference', async ({ k, threads }) => {
    const a = { ...(await fixture(k)), threads };
    const b = { ...a, solve: a.solve.slice() };
    await kb.alsExplicitHalfStep(a);
    await reference.alsExplicitHalfStep(b);
    expect(a.solve).toEqual(b.solve);
  });

  test('an out-of-range index is refused', async () => {
    const a = await fixture();
    const cols = a.rows.cols.slice();
    cols[2] = 30;
    await expect(kb.alsExplicitHalfStep({ ...a, rows: { ...a.rows, cols } })).rejects.toThrow(/out of range/);
  });
});
