import { InputError } from '../../errors.js';
import type { AssignArgs, AssignResult, KernelRun } from '../signatures.js';
import {
  blockedSum,
  centroidNorms,
  checkRowsShape,
  forEachEntry,
  rowCount,
  rowDim,
  throwIfCancelled,
} from './kmeans-rows.js';

/**
 * Reference twin of native/assign-clusters.cc: for each row x, the nearest centroid by
 *   d(x, c) = max(0, ||x||^2 + ||c||^2 - 2 x.c)
 * (x.c summed in double over x's non-zeros in ascending column order; ties go to the lower c).
 *
 * With Hamerly bounds (Hamerly 2010, "Making k-means even faster") a row keeps its label without
 * the k dot products when sqrt(d(x, c_a)) <= max(s(a), l), where l is its lower bound on the
 * distance to the second nearest centroid, decreased by the largest move of another centroid, and
 * s(a) is half the distance from c_a to its nearest other centroid. d(x, c_a) itself is always
 * computed exactly (one sparse dot), so distances and inertia are exact whatever the bounds prune.
 */
export async function assignClusters(a: AssignArgs, run?: KernelRun): Promise<AssignResult> {
  throwIfCancelled(run);
  const { rows, rowNorms, centroids: C, k, subset, labels, distances, sums, counts, bounds } = a;
  const dim = rowDim(rows);
  checkAssignShapes(a, dim);
  const n = subset ? subset.length : rowCount(rows);
  const cn = centroidNorms(C, k, dim);
  const ready = bounds?.ready === true;
  const sep = ready && bounds?.separation ? halfSeparation(C, cn, k, dim) : undefined;
  const { s1, s2, r1 } = bounds ? largestShifts(bounds.shift, k) : { s1: 0, s2: 0, r1: -1 };
  sums?.fill(0);
  counts?.fill(0);
  const acc = new Float64Array(k);
  let changed = 0;
  let full = 0;
  for (let i = 0; i < n; i++) {
    const r = subset ? subset[i]! : i;
    const xn = rowNorms[r]!;
    const prev = labels[i]!;
    let best = -1;
    let bestD = 0;
    if (bounds && ready && prev >= 0 && prev < k) {
      let dot = 0;
      const base = prev * dim;
      forEachEntry(rows, r, (j, v) => {
        dot += v * C[base + j]!;
      });
      const da = Math.max(0, xn + cn[prev]! - 2 * dot);
      const l = bounds.lower[i]! - (prev === r1 ? s2 : s1);
      const m = sep ? Math.max(sep[prev]!, l) : l;
      if (Math.sqrt(da) <= m) {
        best = prev;
        bestD = da;
        bounds.lower[i] = l;
      }
    }
    if (best < 0) {
      full++;
      acc.fill(0);
      forEachEntry(rows, r, (j, v) => {
        for (let c = 0; c < k; c++) acc[c]! += v * C[c * dim + j]!;
      });
      let d1 = Number.POSITIVE_INFINITY;
      let d2 = Number.POSITIVE_INFINITY;
      best = 0;
      for (let c = 0; c < k; c++) {
        const d = Math.max(0, xn + cn[c]! - 2 * acc[c]!);
        if (d < d1) {
          d2 = d1;
          d1 = d;
          best = c;
        } else if (d < d2) {
          d2 = d;
        }
      }
      bestD = d1;
      if (bounds) bounds.lower[i] = Math.sqrt(d2);
    }
    if (best !== prev) changed++;
    labels[i] = best;
    distances[i] = bestD;
    if (sums && counts) {
      const base = best * dim;
      forEachEntry(rows, r, (j, v) => {
        sums[base + j]! += v;
      });
      counts[best]! += 1;
    }
  }
  run?.onProgress?.(1);
  return { inertia: blockedSum(distances, n), changed, full };
}

/** s(a) = half the distance from centroid a to its nearest other centroid (pairs a < b, ascending j). */
export function halfSeparation(C: Float32Array, cn: Float64Array, k: number, dim: number): Float64Array {
  const s = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += C[a * dim + j]! * C[b * dim + j]!;
      const h = 0.5 * Math.sqrt(Math.max(0, cn[a]! + cn[b]! - 2 * dot));
      if (h < s[a]!) s[a] = h;
      if (h < s[b]!) s[b] = h;
    }
  }
  return s;
}

/** The largest centroid move (s1, at r1, first on ties) and the largest among the others (s2). */
export function largestShifts(shift: Float64Array, k: number): { s1: number; s2: number; r1: number } {
  let r1 = 0;
  for (let c = 1; c < k; c++) if (shift[c]! > shift[r1]!) r1 = c;
  let s2 = 0;
  for (let c = 0; c < k; c++) if (c !== r1 && shift[c]! > s2) s2 = shift[c]!;
  return { s1: k > 0 ? shift[r1]! : 0, s2, r1 };
}

function checkAssignShapes(a: AssignArgs, dim: number): void {
  checkRowsShape(a.rows, a.rowNorms);
  const n = a.subset ? a.subset.length : rowCount(a.rows);
  const nRows = rowCount(a.rows);
  if (a.k < 1 || a.centroids.length !== a.k * dim) {
    throw new InputError(`centroids has ${a.centroids.length} values, expected k*dim = ${a.k}*${dim}`);
  }
  if (a.labels.length < n || a.distances.length < n) throw new InputError(`labels/distances need ${n} entries`);
  if (a.sums && a.sums.length !== a.k * dim) throw new InputError(`sums needs k*dim = ${a.k * dim} entries`);
  if (a.counts && a.counts.length !== a.k) throw new InputError(`counts needs k = ${a.k} entries`);
  if (a.bounds && (a.subset || a.bounds.lower.length < n || a.bounds.shift.length !== a.k)) {
    throw new InputError('bounds need a full pass, lower per row and shift per centroid');
  }
  if (a.subset) {
    for (let i = 0; i < a.subset.length; i++) {
      const r = a.subset[i]!;
      if (!(r >= 0 && r < nRows)) throw new InputError(`subset[${i}] = ${r} is not a row index in [0, ${nRows})`);
    }
  }
}
