import { describe, expect, test } from 'vitest';
import { gram } from '../../../src/engine/algorithms/ease.js';
import { SLIM } from '../../../src/engine/algorithms/slim.js';
import { InputError } from '../../../src/engine/errors.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { SlimColumnSolver } from '../../../src/engine/kernels/ts/slim-column.js';
import type { ItemItemModel } from '../../../src/engine/model/item-item-model.js';
import { tinyMatrix } from './tiny-matrix.js';

async function interactions(nUsers: number, nItems: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= nUsers; u++)
    for (let i = 1; i <= nItems; i++) if (rng.nextDouble() < density) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

/** Column j of W as a dense vector (weights[k * n + j] = W[k, j]). */
function column(weights: Float32Array, n: number, j: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => weights[k * n + j]!);
}

/** x solving A x = y by Gaussian elimination with partial pivoting (A dense m x m, row-major). */
function directSolve(a: number[][], y: number[]): number[] {
  const m = y.length;
  const M = a.map((r, i) => [...r, y[i]!]);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= m; k++) M[r]![k] = M[r]![k]! - f * M[c]![k]!;
    }
  }
  return M.map((r, i) => r[m]! / r[i]!);
}

describe('SLIM', () => {
  // Optimality of 0.5 w'Gw - G[j]'w + l1 sum(w) + 0.5 l2 |w|^2 over w >= 0, w_j = 0: the gradient
  // G w - G[j] + l1 + l2 w is 0 where w_k > 0 and >= 0 where w_k = 0.
  test('every column satisfies the KKT conditions of its non-negative elastic net', async () => {
    const m = await interactions(60, 12, 0.35, 5);
    const n = m.nItems;
    const l1 = 1.5;
    const l2 = 4;
    const model = (await new SLIM({ l1, l2, topK: n, tol: 1e-12, maxSweeps: 100000 }).fit(m)) as ItemItemModel;
    const g = gram(m);
    let positives = 0;
    for (let j = 0; j < n; j++) {
      const w = column(model.data.weights, n, j);
      expect(w[j]).toBe(0);
      for (let k = 0; k < n; k++) {
        if (k === j) continue;
        let gw = 0;
        for (let x = 0; x < n; x++) gw += g[k * n + x]! * w[x]!;
        const grad = gw - g[j * n + k]! + l1 + l2 * w[k]!;
        expect(w[k]).toBeGreaterThanOrEqual(0);
        // float32 storage of W: a relative error of 1e-7 times G's entries (tens) bounds the slack.
        if (w[k]! > 0) {
          positives++;
          expect(Math.abs(grad)).toBeLessThan(1e-4);
        } else expect(grad).toBeGreaterThan(-1e-4);
      }
    }
    expect(positives).toBeGreaterThan(n); // a non-trivial solution: most columns have weights
  });

  test('on a 5-item example a column equals the direct solve on its support', async () => {
    const m = await interactions(30, 5, 0.5, 9);
    const n = m.nItems;
    expect(n).toBe(5);
    const g = gram(m);
    const l1 = 0.5;
    const l2 = 2;
    const solver = new SlimColumnSolver(g, n, { l1, l2, tol: 1e-13, maxSweeps: 100000 });
    let checked = 0;
    for (let j = 0; j < n; j++) {
      const { items, weights } = solver.solve(j);
      expect(items.includes(j)).toBe(false);
      if (items.length === 0) continue;
      // On the support S (w_S > 0) the gradient vanishes: (G_SS + l2 I) w_S = G[j, S] - l1.
      const a = Array.from(items, (r) => Array.from(items, (c) => g[r * n + c]! + (r === c ? l2 : 0)));
      const y = Array.from(items, (k) => g[j * n + k]! - l1);
      const exact = directSolve(a, y);
      for (let x = 0; x < items.length; x++) expect(weights[x]).toBeCloseTo(exact[x]!, 9);
      checked += items.length;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  test('a larger l1 gives sparser columns; topK keeps each column largest weights', async () => {
    const m = await interactions(80, 20, 0.3, 3);
    const n = m.nItems;
    const nonZeros = (w: Float32Array) => w.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
    const loose = (await new SLIM({ l1: 0.1, l2: 5, topK: n }).fit(m)) as ItemItemModel;
    const tight = (await new SLIM({ l1: 3, l2: 5, topK: n }).fit(m)) as ItemItemModel;
    expect(nonZeros(tight.data.weights)).toBeLessThan(nonZeros(loose.data.weights));
    const top3 = (await new SLIM({ l1: 0.1, l2: 5, topK: 3 }).fit(m)) as ItemItemModel;
    for (let j = 0; j < n; j++) {
      const full = Array.from(column(loose.data.weights, n, j)).sort((a, b) => b - a);
      const kept = Array.from(column(top3.data.weights, n, j)).filter((v) => v > 0);
      expect(kept.length).toBeLessThanOrEqual(3);
      expect(kept.sort((a, b) => b - a)).toEqual(full.slice(0, kept.length).filter((v) => v > 0));
    }
  });

  test('a catalog above maxItems and bad parameters are refused with an InputError', async () => {
    const m = await interactions(20, 17, 0.3, 1);
    await expect(new SLIM({ maxItems: 10 }).fit(m)).rejects.toThrow(/slim: 17 items is above maxItems 10: .* GB/);
    expect(() => new SLIM({ l1: -1 })).toThrow(InputError);
    expect(() => new SLIM({ topK: 0 })).toThrow(/slim: parameter topK = 0/);
  });
});
