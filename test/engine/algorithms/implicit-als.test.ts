import { expect, test } from 'vitest';
import { ImplicitALS } from '../../../src/engine/algorithms/implicit-als.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { tinyMatrix } from './tiny-matrix.js';

async function interactions() {
  const rng = new Rng(21);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 40; u++)
    for (let i = 1; i <= 17; i++) if (rng.nextDouble() < 0.3) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

test('a confidence that is not positive is refused naming base and alpha', async () => {
  const m = await interactions();
  await expect(new ImplicitALS({ base: 0, alpha: 0 }).fit(m)).rejects.toThrow(/confidence 0 .*base 0, alpha 0/);
});

test('folding in a training user solves the confidence-weighted system and ranks like the trained user', async () => {
  const m = await interactions();
  // Exact solves (cgSteps 0): the fold-in is one more user step against the final item factors.
  const model = await new ImplicitALS({ factors: 5, iterations: 4, reg: 0.5, alpha: 2, cgSteps: 0 }).fit(m);
  const row = m.userRow(3);
  const items = Array.from(row.items, (i) => m.items.idOf(i));
  const folded = model.foldIn({ items, ratings: row.ratings });
  const again = model.foldIn({ items, ratings: row.ratings });
  expect(folded.recommend({ n: 5 })).toEqual(again.recommend({ n: 5 }));
  const recs = folded.recommend({ n: 17 });
  for (const r of recs) expect(items).not.toContain(r.item);
  // The fold-in ranks like the trained user (one sweep apart): the same top item.
  expect(recs[0]?.item).toBe(model.recommend(m.users.idOf(3), { n: 1 })[0]?.item);
});
