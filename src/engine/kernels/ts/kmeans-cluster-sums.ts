import type { KmeansRows } from '../signatures.js';
import { forEachEntry, rowCount, rowDim } from './kmeans-rows.js';

/**
 * The M-step sums: sums[c] = sum of the rows labelled c, counts[c] how many. Rows are cut into
 * `parts` contiguous ranges [n*t/parts, n*(t+1)/parts) (native ParallelFor's split); each range
 * is summed in row order, ascending column, from zero, and the range sums are added in range
 * order. That is what the native kernels do with one range per thread, so both twins give the
 * same bits at any thread count (parts = 1 is the plain serial sum).
 */
export function clusterSums(
  rows: KmeansRows,
  labels: Int32Array,
  k: number,
  parts: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const n = rowCount(rows);
  const dim = rowDim(rows);
  sums.fill(0);
  counts.fill(0);
  const part = parts > 1 ? new Float64Array(k * dim) : sums;
  for (let t = 0; t < parts; t++) {
    const begin = Math.floor((n * t) / parts);
    const end = Math.floor((n * (t + 1)) / parts);
    const target = t === 0 ? sums : part;
    if (t > 0) part.fill(0);
    for (let i = begin; i < end; i++) {
      const base = labels[i]! * dim;
      forEachEntry(rows, i, (j, v) => {
        target[base + j]! += v;
      });
      counts[labels[i]!]! += 1;
    }
    if (t > 0) for (let q = 0; q < sums.length; q++) sums[q]! += part[q]!;
  }
}
