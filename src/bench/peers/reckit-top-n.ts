import type { Kernels } from '../../engine/kernels/signatures.js';
import { IdIndex } from '../../engine/matrix/id-index.js';
import { FactorModel } from '../../engine/model/factor-model.js';
import type { FactorModelData } from '../../engine/model/factor-model-data.js';
import type { FactorFixture } from './factor-fixture.js';
import type { TopNLists } from './top-n-select.js';

/**
 * A FactorModel over the fixture's factors. Each user gets one seen rating (an empty row would
 * make the user unknown), and recommendAll runs with excludeSeen off, so reckit does exactly the
 * peers' work: score every item, keep the top n.
 */
export function fixtureModel(f: FactorFixture, kernels: Kernels): FactorModel {
  const offsets = new Int32Array(f.nUsers + 1);
  const cols = new Int32Array(f.nUsers);
  for (let u = 0; u < f.nUsers; u++) {
    offsets[u + 1] = u + 1;
    cols[u] = u % f.nItems;
  }
  const data: FactorModelData = {
    algorithm: 'svd',
    params: { factors: f.factors },
    users: IdIndex.fromIds(Float64Array.from({ length: f.nUsers }, (_, i) => i)),
    items: IdIndex.fromIds(Float64Array.from({ length: f.nItems }, (_, i) => i)),
    scale: { min: 0.5, max: 5 },
    globalMean: 3.5,
    factors: f.factors,
    userFactors: f.users,
    itemFactors: f.items,
    userBias: new Float32Array(f.nUsers),
    itemBias: f.itemBias,
    seen: { offsets, cols, values: new Float32Array(f.nUsers).fill(4), nRows: f.nUsers, nCols: f.nItems },
    itemKnown: new Uint8Array(f.nItems).fill(1),
    biased: true,
  };
  return new FactorModel(data, kernels);
}

/** reckit's bulk top-N on the fixture, on the backend the model was built with. */
export async function reckitTopN(model: FactorModel, n: number, threads: number): Promise<TopNLists> {
  const top = await model.recommendAll({ n, excludeSeen: false, threads });
  return { n: top.n, items: top.items, scores: top.scores };
}
