import { CancelledError, InputError } from '../../errors.js';
import type { ItemItemTopNArgs, KernelRun, TopNResult } from '../signatures.js';
import { TopHeap } from './top-heap.js';

/**
 * Top-N by item-item weights, the reference for native/item-item-top-n.cc: a user's scores are the
 * float32 sum of the weight rows of the items they saw, added in their CSR order (the same float
 * additions the C++ makes), then the best n eligible, unseen items, score desc then item asc.
 */
export async function itemItemTopN(a: ItemItemTopNArgs, run?: KernelRun): Promise<TopNResult> {
  const nItems = a.eligible.length;
  if (a.weights.length !== nItems * nItems) {
    throw new InputError(`itemItemTopN: weights hold ${a.weights.length} values, expected ${nItems}^2`);
  }
  const { offsets, cols } = a.seen;
  const items = new Int32Array(a.users.length * a.n);
  const scores = new Float32Array(a.users.length * a.n);
  const acc = new Float32Array(nItems);
  const skip = new Uint8Array(nItems);
  const heap = new TopHeap(a.n);
  for (let r = 0; r < a.users.length; r++) {
    if ((r & 255) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(r / a.users.length);
    }
    const u = a.users[r]!;
    if (!(u >= 0 && u < a.seen.nRows)) throw new InputError(`itemItemTopN: user ${u} out of range`);
    acc.fill(0);
    const b0 = offsets[u]!;
    const b1 = offsets[u + 1]!;
    for (let e = b0; e < b1; e++) {
      const j = cols[e]!;
      const row = a.weights.subarray(j * nItems, (j + 1) * nItems);
      for (let i = 0; i < nItems; i++) acc[i] = acc[i]! + row[i]!;
      if (a.excludeSeen) skip[j] = 1;
    }
    if (a.factors) addFactorTerm(acc, a.factors, u);
    for (let i = 0; i < nItems; i++) {
      if (skip[i] || !a.eligible[i]) continue;
      const s = acc[i]!;
      if (s > heap.threshold()) heap.offer(s, i);
    }
    heap.drain(items, scores, r * a.n);
    for (let e = b0; e < b1; e++) skip[cols[e]!] = 0;
  }
  run?.onProgress?.(1);
  return { items, scores };
}

/** acc[i] += weight * p_u . q_i: the dot in double (f in order), the sum rounded to float32 once. */
export function addFactorTerm(acc: Float32Array, f: NonNullable<ItemItemTopNArgs['factors']>, u: number): void {
  const { user, item, k, weight } = f;
  for (let i = 0; i < acc.length; i++) {
    let dot = 0;
    for (let x = 0; x < k; x++) dot += user[u * k + x]! * item[i * k + x]!;
    acc[i] = acc[i]! + weight * dot;
  }
}
