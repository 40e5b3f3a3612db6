import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/engine/kernels/rng.js';
import { pairDot } from '../../src/engine/kernels/ts/pair-dot.js';

/** The definition: float32 products summed in double, one at a time, in index order. */
function plainDot(p: Float32Array, q: Float32Array, u: number, i: number, k: number): number {
  let s = 0;
  for (let f = 0; f < k; f++) s += p[u * k + f]! * q[i * k + f]!;
  return s;
}

function factors(rng: Rng, n: number, k: number): Float32Array {
  return Float32Array.from({ length: n * k }, () => (rng.nextDouble() - 0.5) * 0.4);
}

describe('pairDot: the four-term loop gives the bits of the plain loop', () => {
  test.each([0, 1, 3, 4, 5, 7, 8, 13, 100, 257])('k = %i', (k) => {
    const rng = new Rng(1000 + k);
    const nUsers = 37;
    const nItems = 53;
    const p = factors(rng, nUsers, k);
    const q = factors(rng, nItems, k);
    const ts = pairDot(p, q, k);
    let checked = 0;
    for (let u = 0; u < nUsers; u++) {
      for (let i = 0; i < nItems; i++) {
        const want = plainDot(p, q, u, i, k);
        expect(ts(u, i)).toBe(want);
        checked++;
      }
    }
    expect(checked).toBe(nUsers * nItems);
  });
});
