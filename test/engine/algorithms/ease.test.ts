import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EASE, gram } from '../../../src/engine/algorithms/ease.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import type { ItemItemModel } from '../../../src/engine/model/item-item-model.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { tinyMatrix } from './tiny-matrix.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-ease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function interactions() {
  const rng = new Rng(21);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 40; u++)
    for (let i = 1; i <= 17; i++) if (rng.nextDouble() < 0.3) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

describe('EASE', () => {
  test('B solves the closed form: zero diagonal and (G + lambda I) B = G off the diagonal', async () => {
    const m = await interactions();
    const lambda = 3;
    const model = (await new EASE({ lambda }).fit(m)) as ItemItemModel;
    const n = m.nItems;
    const g = gram(m);
    const w = model.data.weights;
    for (let i = 0; i < n; i++) expect(w[i * n + i]).toBe(0);
    // From B = I - P diag(1 / diag P): (G + lambda I) B = (G + lambda I) - diag(1 / diag P).
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let s = 0;
        for (let q = 0; q < n; q++) s += (g[i * n + q]! + (i === q ? lambda : 0)) * w[q * n + j]!;
        expect(Math.abs(s - g[i * n + j]!)).toBeLessThan(1e-4);
      }
    }
  });

  test('recommend, recommendAll and a folded-in copy of a user agree; save/load keeps the lists', async () => {
    const m = await interactions();
    const model = (await new EASE({ lambda: 2 }).fit(m)) as ItemItemModel;
    const user = m.users.idOf(4);
    const one = model.recommend(user, { n: 5 });
    const all = await model.recommendAll({ n: 5, users: [user] });
    expect(Array.from(all.items, (i) => m.items.idOf(i))).toEqual(one.map((r) => r.item));
    const row = m.userRow(4);
    const folded = model.foldIn({ items: Array.from(row.items, (i) => m.items.idOf(i)), ratings: row.ratings });
    expect(folded.recommend({ n: 5 })).toEqual(one);
    const out = join(dir, 'ease');
    await model.save(out);
    const back = await loadModel(out);
    expect(back.recommend(user, { n: 5 })).toEqual(one);
    expect(back.predict([user], [one[0]?.item as number]).scores).toEqual(
      model.predict([user], [one[0]?.item as number]).scores,
    );
  });

  test('a catalog above maxItems is refused, naming the memory it would need', async () => {
    const m = await interactions();
    await expect(new EASE({ maxItems: 10 }).fit(m)).rejects.toThrow(/17 items is above maxItems 10: .* GB/);
  });
});

test('ease-als blend: recommend = recommendAll = EASE + weight * ALS scores; save/load and fold-in keep it', async () => {
  const { EaseALS } = await import('../../../src/engine/algorithms/ease-als.js');
  const m = await interactions();
  const params = { lambda: 2, factors: 4, iterations: 3, reg: 0.5, cgSteps: 0, weight: 3 };
  const model = (await new EaseALS(params).fit(m)) as ItemItemModel;
  const ease = (await new EASE({ lambda: 2 }).fit(m)) as ItemItemModel;
  const user = m.users.idOf(6);
  const f = model.data.factors;
  expect(f?.k).toBe(4);
  const item = m.items.idOf(2);
  let dot = 0;
  for (let x = 0; x < 4; x++) dot += (f?.user[6 * 4 + x] as number) * (f?.item[2 * 4 + x] as number);
  expect(model.rawScore(6, 2).score).toBeCloseTo(ease.rawScore(6, 2).score + 3 * dot, 5);
  const one = model.recommend(user, { n: 5 });
  const all = await model.recommendAll({ n: 5, users: [user] });
  expect(Array.from(all.items, (i) => m.items.idOf(i))).toEqual(one.map((r) => r.item));
  const out = join(dir, 'ease-als');
  await model.save(out);
  const back = await loadModel(out);
  expect(back.recommend(user, { n: 5 })).toEqual(one);
  expect(back.predict([user], [item]).scores).toEqual(model.predict([user], [item]).scores);
  const row = m.userRow(6);
  const folded = back.foldIn({ items: Array.from(row.items, (i) => m.items.idOf(i)), ratings: row.ratings });
  const recs = folded.recommend({ n: 5 });
  expect(recs).toHaveLength(5);
  for (const r of recs) expect(Array.from(row.items, (i) => m.items.idOf(i))).not.toContain(r.item);
});
