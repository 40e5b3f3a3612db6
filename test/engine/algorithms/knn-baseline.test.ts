import { expect, test } from 'vitest';
import { KNN_BASELINE_MAX_ITEMS, KNNBaseline } from '../../../src/engine/algorithms/knn-baseline.js';
import { InputError } from '../../../src/engine/errors.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { tinyMatrix } from './tiny-matrix.js';

async function ratings() {
  const rng = new Rng(21);
  const t: [number, number, number][] = [];
  for (let u = 1; u <= 40; u++)
    for (let i = 100; i < 125; i++) if (rng.nextDouble() < 0.5) t.push([u, i, 1 + rng.nextBelow(5)]);
  return tinyMatrix(t);
}

test('predicts b_ui + the similarity-weighted residuals of the k most similar rated items', async () => {
  const m = await ratings();
  const model = await new KNNBaseline({ k: 5 }).fit(m);
  const d = model.data;
  const nI = m.nItems;
  let checked = 0;
  for (let u = 0; u < m.nUsers; u++) {
    const row = m.userRow(u);
    for (let i = 0; i < nI; i++) {
      if (row.items.includes(i)) continue;
      // Written out independently: sort the user's items by similarity, keep the 5 best positive.
      const nb = Array.from(row.items, (j, x) => ({ j, r: row.ratings[x]!, s: d.sims[i * nI + j]! }))
        .filter((e) => e.s > 0)
        .sort((a, b) => b.s - a.s)
        .slice(0, 5);
      const bu = d.userBias[u]!;
      let want = d.globalMean + bu + d.itemBias[i]!;
      if (nb.length > 0) {
        const num = nb.reduce((acc, e) => acc + e.s * (e.r - (d.globalMean + bu + d.itemBias[e.j]!)), 0);
        want += num / nb.reduce((acc, e) => acc + e.s, 0);
      }
      const got = model.rawScore(u, i);
      expect(got.known).toBe(true);
      expect(got.score).toBeCloseTo(want, 9);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(300);
});

test('minK above the neighbours found: the baseline alone', async () => {
  const m = await ratings();
  const model = await new KNNBaseline({ minK: 1000 }).fit(m);
  const d = model.data;
  const s = model.rawScore(0, 3).score;
  expect(s).toBeCloseTo(d.globalMean + d.userBias[0]! + d.itemBias[3]!, 9);
});

test("a training user's ratings folded in predict as the trained user", async () => {
  const m = await ratings();
  const model = await new KNNBaseline().fit(m);
  const u = 7;
  const row = m.userRow(u);
  const folded = model.foldIn({ items: Array.from(row.items, (i) => m.items.idOf(i)), ratings: row.ratings });
  const items = Array.from({ length: m.nItems }, (_, i) => m.items.idOf(i));
  const want = model.predict(
    items.map(() => m.users.idOf(u)),
    items,
  ).scores;
  const got = folded.predict(items).scores;
  for (let x = 0; x < items.length; x++) expect(got[x]).toBeCloseTo(want[x]!, 4);
  expect(folded.recommend({ n: 3 }).map((s) => s.item)).toEqual(
    model.recommend(m.users.idOf(u), { n: 3 }).map((s) => s.item),
  );
});

test('a catalogue too large for the dense similarity matrix is refused with the size', async () => {
  const n = KNN_BASELINE_MAX_ITEMS + 1;
  const t: [number, number, number][] = Array.from({ length: n }, (_, i) => [1 + (i % 3), i, 3]);
  const err = await new KNNBaseline().fit(await tinyMatrix(t)).catch((e) => e);
  expect(err).toBeInstanceOf(InputError);
  expect(String(err.message)).toMatch(/16385 items would need 1\.0 GiB/);
});

test('recommendAll lists what recommend lists for each user', async () => {
  const m = await ratings();
  const model = await new KNNBaseline({ k: 5 }).fit(m);
  const all = await model.recommendAll({ n: 6 });
  expect(all.users.length).toBe(m.nUsers);
  for (let r = 0; r < all.users.length; r++) {
    const one = model.recommend(m.users.idOf(all.users[r]!), { n: 6 });
    expect(Array.from(all.items.subarray(r * 6, r * 6 + 6), (i) => m.items.idOf(i))).toEqual(one.map((s) => s.item));
    one.forEach((s, x) => {
      expect(all.scores[r * 6 + x]).toBeCloseTo(s.score, 5);
    });
  }
});
