import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun, KnnBaselineArrays, KnnBaselineTopNArgs, TopNResult } from '../signatures.js';
import { TopHeap } from './top-heap.js';

/** Scratch arrays for scoring one user's items, reused across calls. */
export interface KnnScratch {
  sims: Float64Array;
  pos: Int32Array;
  sorted: Float64Array;
}

export function knnScratch(n: number, old?: KnnScratch): KnnScratch {
  if (old && old.sims.length >= n) return old;
  return { sims: new Float64Array(n), pos: new Int32Array(n), sorted: new Float64Array(n) };
}

/**
 * KNNBaseline's score of item i for a user with rated items `row` (ratings `vals`) and bias `bu`
 * (docs/explicit-models.md): b_ui + sum sim (r_uj - b_uj) / sum sim over the k rated items most
 * similar to i with sim > 0 (ties at the k-th similarity: the earliest ratings, as Surprise's
 * heapq), b_ui alone below minK of them. Sums in double in the row's order; native/knn-baseline-top-n.cc
 * does the same operations in the same order.
 */
export function knnBaselineScore(
  m: KnnBaselineArrays,
  row: Int32Array,
  vals: Float32Array,
  bu: number,
  i: number,
  sc: KnnScratch,
): number {
  const nI = m.itemBias.length;
  const base = m.globalMean + bu;
  const est = base + m.itemBias[i]!;
  const simRow = i * nI;
  let n = 0;
  for (let p = 0; p < row.length; p++) {
    const s = m.sims[simRow + row[p]!]!;
    if (s > 0) {
      sc.sims[n] = s;
      sc.pos[n++] = p;
    }
  }
  if (n < m.minK || n === 0) return est;
  let cut = Number.NEGATIVE_INFINITY;
  let tiesLeft = 0;
  if (n > m.k) {
    sc.sorted.set(sc.sims.subarray(0, n));
    cut = kthLargest(sc.sorted, n, m.k);
    let above = 0;
    for (let x = 0; x < n; x++) if (sc.sims[x]! > cut) above++;
    tiesLeft = m.k - above;
  }
  let sumSim = 0;
  let sum = 0;
  for (let x = 0; x < n; x++) {
    const s = sc.sims[x]!;
    if (s < cut || (s === cut && tiesLeft-- <= 0)) continue;
    const p = sc.pos[x]!;
    sumSim += s;
    sum += s * (vals[p]! - (base + m.itemBias[row[p]!]!));
  }
  return est + sum / sumSim;
}

/** The k-th largest of a[0..n) (1 <= k <= n), by quickselect; reorders a. */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/** Every listed user's top n: each eligible (and, with excludeSeen, unrated) item scored by knnBaselineScore. */
export async function knnBaselineTopN(a: KnnBaselineTopNArgs, run?: KernelRun): Promise<TopNResult> {
  const nI = a.itemBias.length;
  const nU = a.userBias.length;
  const { offsets, cols, values } = a.seen;
  if (a.sims.length !== nI * nI || a.eligible.length !== nI || offsets.length !== nU + 1) {
    throw new InputError('knnBaselineTopN: sims, eligible and seen must match the biases');
  }
  if (!(Number.isInteger(a.n) && a.n >= 1 && Number.isInteger(a.k) && a.k >= 1)) {
    throw new InputError('knnBaselineTopN: n and k must be positive integers');
  }
  for (const u of a.users)
    if (!(u >= 0 && u < nU)) throw new InputError(`knnBaselineTopN: user index ${u} out of range`);
  const n = a.n;
  const items = new Int32Array(a.users.length * n);
  const scores = new Float32Array(a.users.length * n);
  const heap = new TopHeap(n);
  const skip = new Uint8Array(nI);
  let sc: KnnScratch | undefined;
  for (let r = 0; r < a.users.length; r++) {
    if ((r & 31) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(r / a.users.length);
    }
    const u = a.users[r]!;
    const lo = offsets[u]!;
    const hi = offsets[u + 1]!;
    const row = cols.subarray(lo, hi);
    const vals = values.subarray(lo, hi);
    sc = knnScratch(row.length, sc);
    if (a.excludeSeen) for (const j of row) skip[j] = 1;
    for (let i = 0; i < nI; i++) {
      if (skip[i] || !a.eligible[i]) continue;
      heap.offer(knnBaselineScore(a, row, vals, a.userBias[u]!, i, sc), i);
    }
    heap.drain(items, scores, r * n);
    if (a.excludeSeen) for (const j of row) skip[j] = 0;
  }
  run?.onProgress?.(1);
  return { items, scores };
}
