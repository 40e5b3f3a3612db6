import type { KmeansRows } from '../signatures.js';
import { forEachEntry, rowCount, rowDim } from './kmeans-rows.js';

/**
 * Repairs empty clusters after an assignment pass, as scikit-learn's `_relocate_empty_clusters`:
 * the rows farthest from their centroids (largest `distances`, lower row first on ties) each
 * become the only member of one empty cluster, and leave the sums of the cluster they were in
 * (sums -= row, in double, so the other rows' sums are not re-added). Labels and distances of
 * the moved rows are updated too. Returns the rows moved. native/kmeans-lloyd.cc repeats this.
 */
export function relocateEmptyClusters(
  rows: KmeansRows,
  k: number,
  labels: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): number[] {
  const n = rowCount(rows);
  const dim = rowDim(rows);
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return [];
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[b]! - distances[a]! || a - b);
  const moved: number[] = [];
  for (let e = 0; e < empty.length && e < n; e++) {
    const r = order[e]!;
    const to = empty[e]!;
    const from = labels[r]!;
    // Zeros are skipped (forEachEntry): adding -0 or +0 leaves a sum's bits as they are.
    forEachEntry(rows, r, (j, v) => {
      sums[from * dim + j]! -= v;
    });
    counts[from]! -= 1;
    sums.fill(0, to * dim, (to + 1) * dim);
    forEachEntry(rows, r, (j, v) => {
      sums[to * dim + j]! += v;
    });
    counts[to] = 1;
    labels[r] = to;
    distances[r] = 0;
    moved.push(r);
  }
  return moved;
}
