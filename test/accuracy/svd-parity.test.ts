import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { factorDataBase } from '../../src/engine/algorithms/factor-data.js';
import { buildSgdPlan, sgdGrid } from '../../src/engine/algorithms/sgd-plan.js';
import { SVD } from '../../src/engine/algorithms/svd.js';
import { resolveSvdParams, svdRates } from '../../src/engine/algorithms/svd-params.js';
import { NumpyRandomState } from '../../src/engine/eval/numpy-random.js';
import { ratingMetrics } from '../../src/engine/eval/rating-metrics.js';
import { availableBackends, kernels } from '../../src/engine/kernels/registry.js';
import type { Id } from '../../src/engine/matrix/id-index.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { FactorModel } from '../../src/engine/model/factor-model.js';
import { dataPath, missing } from '../support/data-dir.js';

// SVD parity with Surprise on MovieLens' official splits (docs/svd-parity.md). Figures measured
// with SVD defaults, one thread, native backend:
// - ua.base -> ua.test, seeds 0-9: reckit 0.9542; Surprise 0.9520 (docs/peer-figures.md). Started
//   from Surprise's own initial factors (numpy RandomState(seed), rows in first-appearance order),
//   reckit's SGD gives 0.95204: the update is Surprise's; the gap is the initial draw. Over seeds
//   0-39 both initialisations give 0.9536.
// - u1..u5, seeds 0-4: reckit 0.9393; Surprise 0.9380.

const FACTORS = 100;
const dir = () => process.env.RECKIT_DATA_DIR ?? '../shared/datasets';
const hasNative = availableBackends().includes('native');

async function load(file: string) {
  const t = (await loadDataset(`${dir()}/ml-100k/${file}`, { items: false })).ratings;
  return {
    table: t,
    users: Array.from(t.getChild('user')?.toArray() ?? [], (v) => Number(v) as Id),
    items: Array.from(t.getChild('item')?.toArray() ?? [], (v) => Number(v) as Id),
    ratings: Float64Array.from(t.getChild('rating')?.toArray() ?? []),
  };
}

type Triples = Awaited<ReturnType<typeof load>>;

/** The calls SVD.fit makes with defaults and one thread, from given initial factors (users then items). */
async function fitFrom(m: RatingMatrix, init: Float32Array): Promise<FactorModel> {
  const p = resolveSvdParams({ threads: 1 });
  const plan = buildSgdPlan(m.csr, sgdGrid(1, m.nItems, FACTORS));
  const params = {
    userFactors: init.slice(0, m.nUsers * FACTORS),
    itemFactors: init.slice(m.nUsers * FACTORS),
    userBias: new Float32Array(m.nUsers),
    itemBias: new Float32Array(m.nItems),
    factors: FACTORS,
    globalMean: m.globalMean,
    biased: true,
  };
  for (let e = 0; e < p.epochs; e++) await kernels().sgdEpoch({ plan, params, rates: svdRates(p), threads: 1 });
  return new FactorModel({ ...factorDataBase(m, 'svd', p), ...params, metrics: undefined });
}

/** Surprise's initial p_u, q_i for a seed: numpy draws users then items, rows in first-appearance order. */
function surpriseInit(m: RatingMatrix, train: Triples, seed: number): Float32Array {
  const order = (ids: Id[]) => [...new Set(ids)];
  const users = order(train.users);
  const items = order(train.items);
  const rs = new NumpyRandomState(seed);
  const pu = rs.normal(0, 0.1, users.length * FACTORS);
  const qi = rs.normal(0, 0.1, items.length * FACTORS);
  const out = new Float32Array((m.nUsers + m.nItems) * FACTORS);
  for (const [inner, id] of users.entries()) {
    out.set(pu.subarray(inner * FACTORS, (inner + 1) * FACTORS), m.users.indexOf(id) * FACTORS);
  }
  for (const [inner, id] of items.entries()) {
    out.set(qi.subarray(inner * FACTORS, (inner + 1) * FACTORS), (m.nUsers + m.items.indexOf(id)) * FACTORS);
  }
  return out;
}

const rmseOn = (model: FactorModel, t: Triples) =>
  ratingMetrics(t.ratings, model.predict(t.users, t.items).scores).rmse;

async function matrixOf(t: Triples): Promise<RatingMatrix> {
  return (await RatingMatrix.fromTable(t.table, { scale: { min: 1, max: 5 } })).matrix;
}

describe.skipIf(!dataPath('ml-100k', 'ua.base') || !hasNative)(
  `SVD parity on ml-100k's official splits (native; ${missing('ml-100k', 'ua.base')})`,
  () => {
    test("from Surprise's initial factors, reckit's SGD reproduces Surprise's ua figure (0.9520, seeds 0-9)", async () => {
      const train = await load('ua.base');
      const test_ = await load('ua.test');
      const m = await matrixOf(train);
      // The replay is SVD.fit itself: with reckit's own init it predicts exactly as SVD({ seed }).
      const own = new Float32Array((m.nUsers + m.nItems) * FACTORS);
      await kernels().fillNormal(own, 0, 0.1, 3);
      const svd = await new SVD({ threads: 1, seed: 3 }).fit(m);
      expect((await fitFrom(m, own)).predict(test_.users, test_.items).scores).toEqual(
        svd.predict(test_.users, test_.items).scores,
      );
      let sum = 0;
      for (let seed = 0; seed < 10; seed++) sum += rmseOn(await fitFrom(m, surpriseInit(m, train, seed)), test_);
      expect(Math.abs(sum / 10 - 0.952)).toBeLessThan(0.0005);
    });

    test('u1..u5 with reckit’s own init, seeds 0-4: mean RMSE in [0.936, 0.942] (measured 0.9393; Surprise 0.9380)', async () => {
      let sum = 0;
      for (const f of ['u1', 'u2', 'u3', 'u4', 'u5']) {
        const train = await load(`${f}.base`);
        const test_ = await load(`${f}.test`);
        const m = await matrixOf(train);
        for (let seed = 0; seed < 5; seed++) sum += rmseOn(await new SVD({ threads: 1, seed }).fit(m), test_);
      }
      const mean = sum / 25;
      console.log(`u1..u5 x seeds 0-4: SVD RMSE ${mean.toFixed(4)}`);
      expect(mean).toBeGreaterThan(0.936);
      expect(mean).toBeLessThanOrEqual(0.942);
    });
  },
);
