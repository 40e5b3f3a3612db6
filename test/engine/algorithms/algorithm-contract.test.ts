import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ALGORITHM_NAMES, createAlgorithm } from '../../../src/engine/algorithms/create-algorithm.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { tinyMatrix } from './tiny-matrix.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ratings() {
  const rng = new Rng(11);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 25; u++)
    for (let i = 100; i < 130; i++) if (rng.nextDouble() < 0.4) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

const SMALL: Record<string, Record<string, unknown>> = {
  svd: { factors: 6, epochs: 5, threads: 1 },
  als: { factors: 4, iterations: 3, reg: 0.1 },
  ease: { lambda: 5 },
  itemknn: { neighbours: 5 },
  bpr: { factors: 4, epochs: 3 },
  'ease-als': { lambda: 5, factors: 4, iterations: 3, reg: 0.1 },
  slim: { l1: 0.5, l2: 5 },
};
const RANKERS = new Set(['als', 'ease', 'itemknn', 'bpr', 'ease-als', 'slim']);

// What every rating algorithm owes its callers (STYLE.md section 4): fit gives a Model that predicts
// within the scale, answers cold pairs with a fallback flagged known = false, recommends unseen
// items, and saves to a directory that loads back predicting bit-identically.
describe.each(ALGORITHM_NAMES)('%s honours the algorithm contract', (name) => {
  test('fit, predict, cold start, recommend, save/load round trip', async () => {
    const m = await ratings();
    const algo = createAlgorithm(name, SMALL[name] ?? {});
    expect(algo.name).toBe(name);
    const model = await algo.fit(m);
    expect(model.algorithm).toBe(name);
    const users = [1, 2, 3, 999, 4];
    const items = [100, 101, 102, 103, 9999];
    const { scores, known } = model.predict(users, items);
    // Rating models declare the data's scale; top-N rankers (als, ease, ...) a preference scale [0, 1].
    expect(model.scale).toEqual(RANKERS.has(name) ? { min: 0, max: 1 } : m.scale);
    for (const s of scores) {
      expect(s).toBeGreaterThanOrEqual(model.scale.min);
      expect(s).toBeLessThanOrEqual(model.scale.max);
    }
    expect(Array.from(known)).toEqual([1, 1, 1, 0, 0]);
    const recs = model.recommend(1, { n: 5 });
    expect(recs.length).toBe(5);
    const seen = new Set(Array.from(m.userRow(m.userIndex(1)).items, (i) => m.items.idOf(i)));
    for (const r of recs) expect(seen.has(r.item)).toBe(false);
    const out = join(dir, name);
    await model.save(out);
    const back = await loadModel(out);
    expect(back.predict(users, items).scores).toEqual(scores);
  });
});
