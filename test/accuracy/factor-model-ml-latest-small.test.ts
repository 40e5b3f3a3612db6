import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { SVD } from '../../src/engine/algorithms/svd.js';
import type { Id } from '../../src/engine/matrix/id-index.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import type { FactorModel } from '../../src/engine/model/factor-model.js';
import { loadModel } from '../../src/engine/model/load-model.js';
import { dataPath, missing } from '../support/data-dir.js';

const have = dataPath('ml-latest-small', 'ratings.csv') !== undefined;

describe.skipIf(!have)(
  `FactorModel on ml-latest-small (SVD defaults, seeded) ${have ? '' : missing('ml-latest-small')}`,
  () => {
    let matrix: RatingMatrix;
    let model: FactorModel;
    beforeAll(async () => {
      const d = await loadDataset('ml-latest-small', { dataDir: process.env.RECKIT_DATA_DIR, items: false });
      matrix = (await RatingMatrix.fromTable(d.ratings, { scale: d.scale })).matrix;
      model = await new SVD({ seed: 7 }).fit(matrix);
    });

    test('recommendAll: top-10 of all 610 users, seen excluded, equal to recommend and to the unclipped predict formula', async () => {
      const top = await model.recommendAll({ n: 10 });
      expect(top.users.length).toBe(610);
      expect(top.items.every((i) => i >= 0)).toBe(true);
      for (let r = 0; r < 610; r += 37) {
        const u = top.users[r]!;
        const seen = new Set(matrix.userRow(u).items);
        const one = model.recommend(model.users.idOf(u), { n: 10 });
        for (let j = 0; j < 10; j++) {
          const i = top.items[r * 10 + j]!;
          expect(seen.has(i)).toBe(false);
          expect(Math.abs(top.scores[r * 10 + j]! - model.rawScore(u, i).score)).toBeLessThan(1e-4);
          expect(Math.abs(top.scores[r * 10 + j]! - (one[j]?.score as number))).toBeLessThan(1e-4);
          if (j > 0) expect(top.scores[r * 10 + j]).toBeLessThanOrEqual(top.scores[r * 10 + j - 1]!);
        }
        // nothing else unseen scores above the 10th
        const tenth = top.scores[r * 10 + 9]!;
        const listed = new Set(top.items.subarray(r * 10, r * 10 + 10));
        for (let i = 0; i < model.items.size; i++) {
          if (seen.has(i) || listed.has(i) || !model.itemKnown(i)) continue;
          expect(model.rawScore(u, i).score).toBeLessThanOrEqual(tenth + 1e-4);
        }
      }
    });

    test('a saved and loaded model predicts bit-identically on every training pair', async () => {
      const dir = join(await mkdtemp(join(tmpdir(), 'reckit-ml-')), 'svd');
      await model.save(dir);
      const back = (await loadModel(dir)) as FactorModel;
      const rows = matrix.entryUsers();
      const users: Id[] = Array.from(rows, (u) => model.users.idOf(u));
      const items: Id[] = Array.from(matrix.csr.cols, (i) => model.items.idOf(i));
      const a = model.predict(users, items);
      const b = back.predict(users, items);
      expect(Buffer.from(b.scores.buffer).equals(Buffer.from(a.scores.buffer))).toBe(true);
      expect(back.recommend(1, { n: 10 })).toEqual(model.recommend(1, { n: 10 }));
    });

    test('foldIn of a user from their own ratings fits them about as well as training did', () => {
      let trainedSe = 0;
      let foldedSe = 0;
      let n = 0;
      for (let u = 0; u < 610; u += 12) {
        const row = matrix.userRow(u);
        const items = Array.from(row.items, (i) => model.items.idOf(i));
        const folded = model.foldIn({ items, ratings: row.ratings });
        const f = folded.predict(items).scores;
        const t = model.predict(
          items.map(() => model.users.idOf(u)),
          items,
        ).scores;
        row.ratings.forEach((r, j) => {
          trainedSe += (r - t[j]!) ** 2;
          foldedSe += (r - f[j]!) ** 2;
          n++;
        });
        expect(folded.recommend({ n: 5 }).some((s) => items.includes(s.item))).toBe(false);
      }
      const trained = Math.sqrt(trainedSe / n);
      const folded = Math.sqrt(foldedSe / n);
      expect(folded).toBeLessThan(trained + 0.05);
      expect(folded).toBeLessThan(0.8);
    });
  },
);
