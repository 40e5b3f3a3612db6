import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr } from '../../src/engine/kernels/signatures.js';
import { IdIndex } from '../../src/engine/matrix/id-index.js';
import type { FactorModelData } from '../../src/engine/model/factor-model-data.js';
import { randomFactorData } from '../../src/engine/model/random-factor-data.js';

/**
 * A random factor model with known parts for model tests: user ids 101.., item ids 1001..,
 * scale [1, 5], each user has seen ~seenRate of the items (sorted rows); `coldUsers` users at the
 * end have empty rows (unknown) and `coldItems` items at the end have no ratings.
 */
export function factorFixture(
  o: {
    seed?: number;
    nUsers?: number;
    nItems?: number;
    k?: number;
    biased?: boolean;
    seenRate?: number;
    coldUsers?: number;
    coldItems?: number;
    stringIds?: boolean;
  } = {},
): FactorModelData {
  const { seed = 1, nUsers = 30, nItems = 80, k = 8, biased = true, seenRate = 0.2, coldUsers = 0, coldItems = 0 } = o;
  const rng = new Rng(seed);
  const offsets = new Int32Array(nUsers + 1);
  const cols: number[] = [];
  const values: number[] = [];
  const itemKnown = new Uint8Array(nItems);
  for (let u = 0; u < nUsers; u++) {
    if (u < nUsers - coldUsers) {
      for (let i = 0; i < nItems - coldItems; i++) {
        if (rng.nextDouble() < seenRate) {
          cols.push(i);
          values.push(1 + rng.nextBelow(9) / 2);
          itemKnown[i] = 1;
        }
      }
    }
    offsets[u + 1] = cols.length;
  }
  const seen: Csr = {
    offsets,
    cols: Int32Array.from(cols),
    values: Float32Array.from(values),
    nRows: nUsers,
    nCols: nItems,
  };
  const ids = (n: number, base: number) =>
    o.stringIds
      ? IdIndex.fromIds(Array.from({ length: n }, (_, i) => `id-${String(base + i).padStart(6, '0')}`))
      : IdIndex.fromIds(Float64Array.from({ length: n }, (_, i) => base + i));
  return randomFactorData(
    rng,
    {
      algorithm: 'fixture',
      params: { reg: 0.02 },
      users: ids(nUsers, 101),
      items: ids(nItems, 1001),
      scale: { min: 1, max: 5 },
      globalMean: 3.5,
      seen,
      itemKnown,
      biased,
      metrics: { trainRmse: 0.8 },
      history: [
        { epoch: 1, loss: 10, trainRmse: 1 },
        { epoch: 2, loss: 8, trainRmse: 0.9, validationRmse: 0.95 },
      ],
    },
    k,
    { factors: 0.5, userBias: 0.3, itemBias: 0.5 },
  );
}
