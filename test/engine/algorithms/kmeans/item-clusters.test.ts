import { expect, test } from 'vitest';
import { loadDataset } from '../../../../src/adapters/datasets/load-dataset.js';
import { clusterItems } from '../../../../src/engine/algorithms/kmeans/item-clusters.js';
import { SVD } from '../../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../../../support/data-dir.js';

test.skipIf(!dataPath('ml-100k', 'u.data'))(
  `clusterItems groups ml-100k SVD item vectors by direction (${missing('ml-100k', 'u.data')})`,
  async () => {
    const d = await loadDataset('ml-100k', { items: false });
    const { matrix } = await RatingMatrix.fromTable(d.ratings);
    const model = await new SVD({ factors: 16, epochs: 10, threads: 2 }).fit(matrix);
    const { clustering, items } = await clusterItems(model, 12, { seed: 1 });
    expect(items.length).toBe(1682);
    expect(clustering.labels.length).toBe(items.length);
    expect(Math.min(...clustering.sizes())).toBeGreaterThan(0);
    // Cluster-mates point the same way more than random pairs do.
    const q = model.data.itemFactors;
    const cos = (a: number, b: number) => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let j = 0; j < 16; j++) {
        dot += q[a * 16 + j]! * q[b * 16 + j]!;
        na += q[a * 16 + j]! ** 2;
        nb += q[b * 16 + j]! ** 2;
      }
      return dot / Math.sqrt(na * nb);
    };
    let same = 0;
    let nSame = 0;
    let all = 0;
    let nAll = 0;
    for (let r = 0; r < items.length; r += 3) {
      for (let s = r + 1; s < items.length; s += 7) {
        const c = cos(items[r]!, items[s]!);
        all += c;
        nAll++;
        if (clustering.labels[r] === clustering.labels[s]) {
          same += c;
          nSame++;
        }
      }
    }
    expect(same / nSame).toBeGreaterThan(all / nAll + 0.2);
  },
);
