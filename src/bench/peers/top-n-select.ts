/**
 * Keeps the n largest of `scores[from..from+len)` in `outItems`/`outScores` (descending), by
 * insertion into a sorted window: O(len * n) worst case, ~O(len) for n = 10 because most scores
 * fail the first comparison. Shared by the JS peers so they differ only in how they score.
 */
export function selectTopN(
  scores: ArrayLike<number>,
  from: number,
  len: number,
  n: number,
  outItems: Int32Array,
  outScores: Float32Array,
  outAt: number,
): void {
  let size = 0;
  for (let j = 0; j < len; j++) {
    const s = scores[from + j]!;
    if (size === n && s <= outScores[outAt + n - 1]!) continue;
    let p = size < n ? size++ : n - 1;
    while (p > 0 && outScores[outAt + p - 1]! < s) {
      outScores[outAt + p] = outScores[outAt + p - 1]!;
      outItems[outAt + p] = outItems[outAt + p - 1]!;
      p--;
    }
    outScores[outAt + p] = s;
    outItems[outAt + p] = j;
  }
  for (let p = size; p < n; p++) {
    outItems[outAt + p] = -1;
    outScores[outAt + p] = Number.NEGATIVE_INFINITY;
  }
}

/** Top-N result of a bulk-scoring peer: nUsers x n item indices and scores, row-major. */
export interface TopNLists {
  n: number;
  items: Int32Array;
  scores: Float32Array;
}

/**
 * Mean fraction of a user's top-n items that `b` shares with `a`: 1 means the same lists (order
 * ignored, so float ties and rounding between float32/float64 peers do not count as misses).
 */
export function topNAgreement(a: TopNLists, b: TopNLists): number {
  const users = a.items.length / a.n;
  let shared = 0;
  for (let u = 0; u < users; u++) {
    const set = new Set(a.items.subarray(u * a.n, (u + 1) * a.n));
    for (let p = 0; p < b.n; p++) if (set.has(b.items[u * b.n + p]!)) shared++;
  }
  return shared / (users * a.n);
}
