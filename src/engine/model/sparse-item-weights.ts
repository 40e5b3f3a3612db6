import { CancelledError } from '../errors.js';
import type { Csr, KernelRun, TopNResult } from '../kernels/signatures.js';
import { TopHeap } from '../kernels/ts/top-heap.js';

/**
 * Item-item weights kept as neighbour lists instead of a dense n x n matrix (item-kNN on large
 * catalogues; docs/ranking.md): row j of the CSR holds the items i with W[j, i] != 0, columns
 * ascending. Scores are the dense model's: float32 sums over the user's items in row order.
 */

/** Score of every item for a set of seen items: acc[i] = sum over j in row of W[j, i]. */
export function sparseScoreRow(w: Csr, row: ArrayLike<number>, acc: Float32Array): Float32Array {
  acc.fill(0);
  for (let x = 0; x < row.length; x++) {
    const j = row[x]!;
    for (let e = w.offsets[j]!; e < w.offsets[j + 1]!; e++) {
      const i = w.cols[e]!;
      acc[i] = acc[i]! + w.values[e]!;
    }
  }
  return acc;
}

/** W[j, i], 0 when i is not among j's neighbours (binary search: columns ascend). */
export function sparseWeight(w: Csr, j: number, i: number): number {
  let lo = w.offsets[j]!;
  let hi = w.offsets[j + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = w.cols[mid]!;
    if (c === i) return w.values[mid]!;
    if (c < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/**
 * Top-n items per user from neighbour lists, ranked as the dense kernel ranks (score desc, item
 * asc), skipping ineligible items and, with excludeSeen, the user's own; -1 / NaN padded.
 */
export async function sparseItemItemTopN(
  a: { seen: Csr; weights: Csr; users: Int32Array; n: number; eligible: Uint8Array; excludeSeen: boolean },
  run: KernelRun = {},
): Promise<TopNResult> {
  const { seen, weights, users, n, eligible } = a;
  const nI = eligible.length;
  const items = new Int32Array(users.length * n);
  const scores = new Float32Array(users.length * n);
  const acc = new Float32Array(nI);
  const skip = new Uint8Array(nI);
  const heap = new TopHeap(n);
  for (let r = 0; r < users.length; r++) {
    if ((r & 255) === 0) {
      if (run.signal?.aborted) throw new CancelledError('cancelled');
      run.onProgress?.(r / users.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const u = users[r]!;
    const row = seen.cols.subarray(seen.offsets[u]!, seen.offsets[u + 1]!);
    sparseScoreRow(weights, row, acc);
    if (a.excludeSeen) for (const j of row) skip[j] = 1;
    for (let i = 0; i < nI; i++) {
      if (skip[i] || !eligible[i]) continue;
      const sc = acc[i]!;
      if (sc > heap.threshold()) heap.offer(sc, i);
    }
    heap.drain(items, scores, r * n);
    for (const j of row) skip[j] = 0;
  }
  run.onProgress?.(1);
  return { items, scores };
}
