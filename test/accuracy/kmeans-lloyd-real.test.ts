import { expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { defaultLocalTrials, initCentroids } from '../../src/engine/algorithms/kmeans/init-centroids.js';
import { meanColumnVariance, prepareRows } from '../../src/engine/algorithms/kmeans/kmeans-input.js';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import type { KmeansLloydResult } from '../../src/engine/kernels/signatures.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// The bench's same-init case (src/bench/kmeans.bench.ts): ml-latest-small user rows, sparse CSR
// 610 x 9,724, k = 50 from k-means++ (seed 0), tol 1e-4. The native fit (one job per fit, issue 4)
// must give the TypeScript reference's bits, for Lloyd and Hamerly, at 1 and 2 threads (over 2
// iterations + the final pass: the reference takes ~0.5 s a pass here); the full native fits with
// and without bounds must agree with each other.
/** Index of the first differing entry, -1 when equal (toEqual on 486k floats takes seconds). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const hasData = availableBackends().includes('native') && dataPath('ml-latest-small', 'ratings.csv');
test.skipIf(!hasData)(
  `kmeansLloyd on ml-latest-small: native = reference, bit for bit (${missing('ml-latest-small', 'ratings.csv')}; needs the addon)`,
  async () => {
    const d = await loadDataset('ml-latest-small', { items: false });
    const { matrix } = await RatingMatrix.fromTable(d.ratings, { source: 'ml-latest-small' });
    const p = prepareRows({ kind: 'csr', csr: matrix.csr }, 'ml-latest-small', false);
    const native = backend('native');
    const init = await initCentroids(p, 50, 'k-means++', 0, defaultLocalTrials(50), false, native, undefined);
    const args = { rows: p.rows, rowNorms: p.norms, init, k: 50, maxIter: 300, tolAbs: 1e-4 * meanColumnVariance(p) };
    const full: KmeansLloydResult[] = [];
    for (const bounds of [false, true]) {
      const a = { ...args, bounds, separation: false, spherical: false };
      const want = await backend('reference').kmeansLloyd({ ...a, maxIter: 2, threads: 2 });
      for (const threads of [1, 2]) {
        const got = await native.kmeansLloyd({ ...a, maxIter: 2, threads });
        expect(firstDifference(got.labels, want.labels)).toBe(-1);
        expect(firstDifference(got.centroids, want.centroids)).toBe(-1);
        expect(got.history).toEqual(want.history);
        expect(got.iterations).toBe(want.iterations);
        expect(got.pruned).toBe(want.pruned);
      }
      full.push(await native.kmeansLloyd({ ...a, threads: 2 }));
    }
    // Bounds prune work, never change the answer.
    expect(full[1]!.history).toEqual(full[0]!.history);
    expect(firstDifference(full[1]!.centroids, full[0]!.centroids)).toBe(-1);
    expect(full[1]!.pruned).toBeGreaterThan(0);
    expect(full[0]!.converged).toBe(true);
    expect(full[0]!.iterations).toBeGreaterThan(2);
  },
);
