import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { SVD } from '../../src/engine/algorithms/svd.js';
import { ratingsTable } from '../../src/engine/data/ratings-table.js';
import { IdIndex } from '../../src/engine/matrix/id-index.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { kFold, leaveKOut, randomHoldout } from '../../src/engine/matrix/split.js';
import { loadModel } from '../../src/engine/model/load-model.js';

// Property tests (issue 19): invariants checked over generated inputs with fixed seeds, so a
// failure reproduces. Sizes are small; the point is the variety of shapes, not the scale.
const SEED = 20261203;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Rating triples over small id spaces (numbers with gaps and negatives, or strings). */
const triples = fc
  .array(
    fc.tuple(fc.integer({ min: -50, max: 400 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 10 })),
    {
      minLength: 1,
      maxLength: 300,
    },
  )
  .map((rows) => ({
    user: Float64Array.from(rows, (r) => r[0]),
    item: Float64Array.from(rows, (r) => r[1] * 7),
    rating: Float32Array.from(rows, (r) => r[2] / 2),
  }));

async function matrixOf(t: { user: Float64Array; item: Float64Array; rating: Float32Array }): Promise<RatingMatrix> {
  return (await RatingMatrix.fromTable(ratingsTable(t), { scale: { min: 0.5, max: 5 } })).matrix;
}

/** Every (user, item, rating) entry of a matrix, as external ids. */
function entries(m: RatingMatrix): string[] {
  const out: string[] = [];
  const { offsets, cols, values } = m.csr;
  for (let u = 0; u < m.nUsers; u++) {
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      out.push(`${m.users.idOf(u)}|${m.items.idOf(cols[p]!)}|${values[p]}`);
    }
  }
  return out.sort();
}

test('ids round trip: every id maps to an index and back, and unknown ids map to -1', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc
          .uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 })
          .map((a) => a as (number | string)[]),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 200 }),
      ),
      (ids) => {
        const isNumeric = typeof ids[0] === 'number';
        const { index, codes } = IdIndex.encode(isNumeric ? Float64Array.from(ids as number[]) : (ids as string[]));
        expect(index.size).toBe(ids.length);
        ids.forEach((id, row) => {
          expect(index.idOf(codes[row]!)).toBe(id);
          expect(index.indexOf(id)).toBe(codes[row]);
        });
        const unknown = isNumeric ? 2e6 : '\u0000unknown';
        expect(index.indexOf(unknown)).toBe(-1);
        const again = IdIndex.fromIds(index.ids);
        for (let k = 0; k < index.size; k++) expect(again.indexOf(index.idOf(k))).toBe(k);
      },
    ),
    { seed: SEED, numRuns: 100 },
  );
});

test('splits partition the ratings: train + test hold every rating exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(triples, fc.integer({ min: 0, max: 1000 }), async (t, seed) => {
      const m = await matrixOf(t);
      fc.pre(m.nRatings >= 3); // 3 folds need 3 ratings (kFold refuses fewer, as it should)
      const all = entries(m);
      const splits = [
        randomHoldout(m, { testFraction: 0.25, seed }),
        leaveKOut(m, { k: 1, seed }),
        ...kFold(m, { folds: 3, seed }),
      ];
      for (const s of splits) {
        const test = Array.from(
          s.test.users,
          (u, q) => `${m.users.idOf(u)}|${m.items.idOf(s.test.items[q]!)}|${s.test.ratings[q]}`,
        );
        expect([...entries(s.train), ...test].sort()).toEqual(all);
      }
      // The k folds' test sets together are every rating once.
      const folds = [...kFold(m, { folds: 3, seed })].flatMap((s) =>
        Array.from(s.test.users, (u, q) => `${u}|${s.test.items[q]}`),
      );
      expect(folds.length).toBe(m.nRatings);
      expect(new Set(folds).size).toBe(m.nRatings);
    }),
    { seed: SEED, numRuns: 40 },
  );
});

test('top-N never returns an excluded or (by default) a seen item, and is sorted by score', async () => {
  const m = await matrixOf({
    user: Float64Array.from({ length: 600 }, (_, k) => k % 30),
    item: Float64Array.from({ length: 600 }, (_, k) => (k * 13) % 80),
    rating: Float32Array.from({ length: 600 }, (_, k) => 1 + (k % 9) / 2),
  });
  const model = await new SVD({ factors: 8, epochs: 5, seed: 3 }).fit(m);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: m.nUsers - 1 }),
      fc.integer({ min: 1, max: 90 }),
      fc.uniqueArray(fc.integer({ min: 0, max: m.nItems - 1 }), { maxLength: 40 }),
      (u, n, excludeIdx) => {
        const user = m.users.idOf(u);
        const exclude = excludeIdx.map((i) => m.items.idOf(i));
        const seen = new Set<unknown>();
        const { offsets, cols } = m.csr;
        for (let p = offsets[u]!; p < offsets[u + 1]!; p++) seen.add(m.items.idOf(cols[p]!));
        const top = model.recommend(user, { n, exclude });
        const banned = new Set<unknown>([...exclude, ...seen]);
        for (const s of top) expect(banned.has(s.item)).toBe(false);
        expect(top.length).toBe(Math.min(n, m.nItems - banned.size));
        for (let k = 1; k < top.length; k++) expect(top[k - 1]!.score).toBeGreaterThanOrEqual(top[k]!.score);
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

test('save/load identity: a loaded model predicts and recommends exactly as the saved one', async () => {
  await fc.assert(
    fc.asyncProperty(triples, fc.integer({ min: 1, max: 12 }), async (t, factors) => {
      const m = await matrixOf(t);
      const model = await new SVD({ factors, epochs: 3, seed: factors }).fit(m);
      const dir = mkdtempSync(join(tmpdir(), 'reckit-prop-'));
      dirs.push(dir);
      await model.save(join(dir, 'model'));
      const back = await loadModel(join(dir, 'model'));
      const users = Array.from(m.users.ids as Float64Array);
      const items = users.map((_, k) => m.items.idOf(k % m.nItems));
      expect(back.predict(users, items)).toEqual(model.predict(users, items));
      for (const u of users.slice(0, 5)) expect(back.recommend(u, { n: 5 })).toEqual(model.recommend(u, { n: 5 }));
    }),
    { seed: SEED, numRuns: 12 },
  );
});
