import { expect, test } from 'vitest';
import { ExplicitALS } from '../../../src/engine/algorithms/als-explicit.js';
import { KNNBaseline } from '../../../src/engine/algorithms/knn-baseline.js';
import { SVDpp } from '../../../src/engine/algorithms/svdpp.js';
import { availableBackends, backend } from '../../../src/engine/kernels/registry.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { tinyMatrix } from './tiny-matrix.js';

async function ratings() {
  const rng = new Rng(17);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 60; u++)
    for (let i = 1; i <= 40; i++) if (rng.nextDouble() < 0.3) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

const pairs = (n: number) => ({
  users: Array.from({ length: n }, (_, x) => 1 + (x % 60)),
  items: Array.from({ length: n }, (_, x) => 1 + ((x * 7) % 40)),
});

// The explicit models' results depend on the seed only: not on the thread count, not on the backend.
test.each(availableBackends())(
  'als-explicit and knn-baseline: 1 and 3 threads predict identically [%s]',
  async (name) => {
    const m = await ratings();
    const { users, items } = pairs(300);
    const kernels = backend(name);
    for (const make of [
      (threads: number) => new ExplicitALS({ factors: 5, iterations: 4, threads }, { kernels }),
      (threads: number) => new KNNBaseline({ k: 10, threads }, { kernels }),
    ]) {
      const one = (await make(1).fit(m)).predict(users, items).scores;
      const three = (await make(3).fit(m)).predict(users, items).scores;
      expect(three).toEqual(one);
    }
  },
);

test.skipIf(!availableBackends().includes('native'))(
  'native and reference backends fit the same models (svdpp, als-explicit, knn-baseline)',
  async () => {
    const m = await ratings();
    const { users, items } = pairs(300);
    for (const make of [
      (kernels: ReturnType<typeof backend>) => new SVDpp({ factors: 6, epochs: 5 }, { kernels }),
      (kernels: ReturnType<typeof backend>) => new ExplicitALS({ factors: 5, iterations: 4, threads: 2 }, { kernels }),
      (kernels: ReturnType<typeof backend>) => new KNNBaseline({ k: 10, threads: 2 }, { kernels }),
    ]) {
      const a = (await make(backend('native')).fit(m)).predict(users, items).scores;
      const b = (await make(backend('reference')).fit(m)).predict(users, items).scores;
      expect(a).toEqual(b);
    }
  },
);
