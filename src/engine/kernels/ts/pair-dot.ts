import type { PairDot } from '../signatures.js';

/**
 * v[at..at+k) . q[g..g+k) in double, adding float32 products one at a time in index order: the
 * reference every other dot product here (the single-prediction path) must match bit for bit.
 */
export function dotF32(v: Float32Array, at: number, q: Float32Array, g: number, k: number): number {
  let s = 0;
  let f = at;
  const end = at + k;
  // Four terms per pass, added in the same order as one per pass (same bits): the shorter loop
  // makes a single prediction about a third faster.
  for (; f + 4 <= end; f += 4, g += 4) {
    s += v[f]! * q[g]!;
    s += v[f + 1]! * q[g + 1]!;
    s += v[f + 2]! * q[g + 2]!;
    s += v[f + 3]! * q[g + 3]!;
  }
  for (; f < end; f++, g++) s += v[f]! * q[g]!;
  return s;
}

/** p_u . q_i over the model's own factor matrices (row-major, k per row). */
export function pairDot(userFactors: Float32Array, itemFactors: Float32Array, k: number): PairDot {
  return (u, i) => dotF32(userFactors, u * k, itemFactors, i * k, k);
}
