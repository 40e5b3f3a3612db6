import type { Rng } from '../kernels/rng.js';
import type { FactorModelData } from './factor-model-data.js';

/**
 * Factor model data of a given shape without training: seeded N(0, sd) factors and biases around
 * the given ids and seen ratings. One builder for the test fixture (test/support/factor-fixture.ts)
 * and the top-N bench's synthetic models, which both wrote it. Draws from `rng` in this order:
 * user factors, item factors, user biases, item biases.
 */
export function randomFactorData(
  rng: Rng,
  d: Omit<FactorModelData, 'factors' | 'userFactors' | 'itemFactors' | 'userBias' | 'itemBias'>,
  k: number,
  sd: { factors: number; userBias: number; itemBias: number },
): FactorModelData {
  const normal = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.nextNormal() * s);
  const nU = d.users.size;
  const nI = d.items.size;
  return {
    ...d,
    factors: k,
    userFactors: normal(nU * k, sd.factors),
    itemFactors: normal(nI * k, sd.factors),
    userBias: normal(nU, sd.userBias),
    itemBias: normal(nI, sd.itemBias),
  };
}
