import { describe, expect, test } from 'vitest';
import { loadMatrix } from '../../../src/adapters/datasets/load-matrix.js';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { dataPath, missing } from '../../support/data-dir.js';

describe('issue 20 item 10: recommend ranks by unclipped scores, predict reports clipped ratings', () => {
  // ml-100k u.data, SVD factors 20, 20 epochs, seed 0, threads 1: its best items score above 5.
  test.skipIf(!dataPath('ml-100k', 'u.data'))(
    `issue 20 item 10: scores above the scale keep their order in recommend; predict clips the same pairs (${missing('ml-100k', 'u.data')})`,
    async () => {
      const { matrix } = await loadMatrix('ml-100k', { items: false });
      const model = await new SVD({ factors: 20, threads: 1, seed: 0 }).fit(matrix);
      let above = 0;
      for (let u = 0; u < 50; u++) {
        const user = matrix.users.idOf(u);
        const top = model.recommend(user, { n: 10 });
        for (let r = 1; r < top.length; r++) expect(top[r - 1]?.score).toBeGreaterThanOrEqual(top[r]?.score as number);
        for (const s of top) {
          const p = model.predictOne(user, s.item).score;
          expect(p).toBeCloseTo(Math.min(5, Math.max(1, s.score)), 5);
          if (s.score > 5) above++;
        }
      }
      // the case the decision is about: many top items above the scale, told apart only unclipped
      expect(above).toBeGreaterThan(10);
    },
  );
});
