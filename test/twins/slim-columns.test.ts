import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';

const reference = backend('reference');

/** X'X of a random binary users x items matrix with item-dependent popularity (so columns differ). */
function randomGram(seed: number, users: number, n: number): Float64Array {
  const rng = new Rng(seed);
  const g = new Float64Array(n * n);
  for (let u = 0; u < users; u++) {
    const row: number[] = [];
    for (let i = 0; i < n; i++) if (rng.nextDouble() < 0.4 / (1 + i / 40)) row.push(i);
    for (const i of row) for (const j of row) g[i * n + j] = g[i * n + j]! + 1;
  }
  return g;
}

// The twins run the same sums in the same order (no fused multiply-add in the native build), so
// the weights agree bit for bit, whatever the thread count. 260 items and a small l1: working sets
// outgrow their first buffers and the 128-entry cap on candidates per pass (the sorted path),
// weights drop back to zero, and topK 40 truncates the columns.
describe.each(availableBackends())('slimColumns [%s]', (name) => {
  const k = backend(name);
  test.each([
    { threads: 1, l1: 0.05, l2: 3, topK: 40 },
    { threads: 3, l1: 0.05, l2: 3, topK: 260 },
    { threads: 2, l1: 2, l2: 30, topK: 10 },
  ])('matches the reference bit for bit: %o', async (c) => {
    const n = 260;
    const gram = randomGram(4, 300, n);
    const args = { gram, n, l1: c.l1, l2: c.l2, maxSweeps: 1000, tol: 1e-4, topK: c.topK };
    const got = new Float32Array(n * n);
    const want = new Float32Array(n * n);
    const a = await k.slimColumns({ ...args, weights: got, threads: c.threads });
    const b = await reference.slimColumns({ ...args, weights: want });
    expect(a.sweeps).toBe(b.sweeps);
    let diff = 0;
    let nonZeros = 0;
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== want[i]) diff++;
      if (got[i] !== 0) nonZeros++;
    }
    expect(diff).toBe(0);
    expect(nonZeros).toBeGreaterThan(n);
    let most = 0;
    for (let j = 0; j < n; j++) {
      let col = 0;
      for (let i = 0; i < n; i++) if (got[i * n + j] !== 0) col++;
      most = Math.max(most, col);
      expect(got[j * n + j]).toBe(0);
    }
    expect(most).toBeLessThanOrEqual(c.topK);
  });

  test('sizes that disagree are refused', async () => {
    const args = { gram: new Float64Array(9), n: 3, l1: 1, l2: 1, maxSweeps: 10, tol: 1e-4, topK: 2 };
    await expect(k.slimColumns({ ...args, weights: new Float32Array(8) })).rejects.toThrow(
      /gram and weights must hold/,
    );
  });
});
