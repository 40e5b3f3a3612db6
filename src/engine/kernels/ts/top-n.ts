import { InputError } from '../../errors.js';
import type { ItemFactors, KernelRun, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import { TopHeap } from './top-heap.js';

/**
 * Reference twin of native/top-n.cc: score(i) = offset + bias_i + v . q_i (dot in double, score
 * rounded to float32 as the native one is stored), ineligible items skipped, best n by score desc
 * then item index asc, padded with item -1 / score NaN.
 */
export function topNVector(items: ItemFactors, q: TopNQuery): TopNResult {
  const nItems = items.bias.length;
  const heap = new TopHeap(q.n);
  const skip = q.exclude ? new Set(q.exclude) : undefined;
  const visit = (i: number) => {
    if (!items.eligible[i] || skip?.has(i)) return;
    heap.offer(itemScore(items, q.vector, q.offset, i), i);
  };
  if (q.candidates) {
    for (const i of q.candidates) {
      if (i < 0 || i >= nItems) throw new InputError(`candidate ${i} is out of range [0, ${nItems})`);
      visit(i);
    }
  } else {
    for (let i = 0; i < nItems; i++) visit(i);
  }
  const out = { items: new Int32Array(q.n), scores: new Float32Array(q.n) };
  heap.drain(out.items, out.scores, 0);
  return out;
}

/** Reference twin of native topNAll: one topNVector per listed user, skipping its seen row. */
export async function topNAll(a: TopNAllArgs, run?: KernelRun): Promise<TopNResult> {
  run?.signal?.throwIfAborted();
  const { k } = a.items;
  const nUsers = a.userOffset.length;
  const out = { items: new Int32Array(a.users.length * a.n), scores: new Float32Array(a.users.length * a.n) };
  const heap = new TopHeap(a.n);
  const nItems = a.items.bias.length;
  for (let r = 0; r < a.users.length; r++) {
    const u = a.users[r]!;
    if (u < 0 || u >= nUsers) throw new InputError(`user index ${u} at position ${r} is out of range`);
    const vector = a.userFactors.subarray(u * k, u * k + k);
    const offset = a.userOffset[u]!;
    // Seen rows are sorted: walk them alongside the items.
    let p = a.seen ? a.seen.offsets[u]! : 0;
    const end = a.seen ? a.seen.offsets[u + 1]! : 0;
    for (let i = 0; i < nItems; i++) {
      if (p < end && a.seen?.cols[p] === i) {
        p++;
        continue;
      }
      if (!a.items.eligible[i]) continue;
      const s = itemScore(a.items, vector, offset, i);
      if (s > heap.threshold()) heap.offer(s, i);
    }
    heap.drain(out.items, out.scores, r * a.n);
    if ((r & 63) === 63) {
      run?.signal?.throwIfAborted();
      run?.onProgress?.(r / a.users.length);
    }
  }
  run?.onProgress?.(1);
  return out;
}

function itemScore(items: ItemFactors, v: Float32Array, offset: number, i: number): number {
  const { factors, k } = items;
  let dot = 0;
  for (let f = 0, q = i * k; f < k; f++, q++) dot += v[f]! * factors[q]!;
  return Math.fround(dot + items.bias[i]! + offset);
}
