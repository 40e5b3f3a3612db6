import type { PreparedRows } from './kmeans-input.js';
import { addRow } from './kmeans-input.js';

/**
 * Repairs empty clusters after an assignment pass, as scikit-learn's `_relocate_empty_clusters`:
 * the rows farthest from their centroids (largest `distances`, lower row first on ties) each
 * become the only member of one empty cluster, and leave the sums of the cluster they were in.
 * Labels and distances of the moved rows are updated too. Returns the rows moved.
 */
export function relocateEmptyClusters(
  p: PreparedRows,
  k: number,
  labels: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): number[] {
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return [];
  const order = Int32Array.from({ length: p.n }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  const moved: number[] = [];
  for (let e = 0; e < empty.length && e < p.n; e++) {
    const r = order[e];
    const to = empty[e];
    const from = labels[r];
    addRow(p.rows, r, sums, from * p.dim, -1);
    counts[from] -= 1;
    sums.fill(0, to * p.dim, (to + 1) * p.dim);
    addRow(p.rows, r, sums, to * p.dim, 1);
    counts[to] = 1;
    labels[r] = to;
    distances[r] = 0;
    moved.push(r);
  }
  return moved;
}
