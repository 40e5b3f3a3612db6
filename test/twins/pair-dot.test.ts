import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/engine/kernels/rng.js';
import { pairDot } from '../../src/engine/kernels/ts/pair-dot.js';
import { wasmPairDot } from '../../src/engine/kernels/wasm/pair-dot.js';

/** The definition: float32 products summed in double, one at a time, in index order. */
function plainDot(p: Float32Array, q: Float32Array, u: number, i: number, k: number): number {
  let s = 0;
  for (let f = 0; f < k; f++) s += p[u * k + f]! * q[i * k + f]!;
  return s;
}

function factors(rng: Rng, n: number, k: number): Float32Array {
  return Float32Array.from({ length: n * k }, () => (rng.nextDouble() - 0.5) * 0.4);
}

describe('pairDot: wasm and TypeScript give the bits of the plain loop', () => {
  test.each([0, 1, 3, 4, 5, 7, 8, 13, 100, 257])('k = %i', (k) => {
    const rng = new Rng(1000 + k);
    const nUsers = 37;
    const nItems = 53;
    const p = factors(rng, nUsers, k);
    const q = factors(rng, nItems, k);
    const wasm = wasmPairDot(p, q, k);
    // Node always has WebAssembly: undefined here would mean the module bytes are wrong.
    expect(wasm).toBeDefined();
    const ts = pairDot(p, q, k);
    let checked = 0;
    for (let u = 0; u < nUsers; u++) {
      for (let i = 0; i < nItems; i++) {
        const want = plainDot(p, q, u, i, k);
        expect(wasm?.(u, i)).toBe(want);
        expect(ts(u, i)).toBe(want);
        checked++;
      }
    }
    expect(checked).toBe(nUsers * nItems);
  });

  test('the last item of the last page is in range (no off-by-one in the copied memory)', () => {
    // 16,384 floats fill exactly one 64 KiB page: users and items together take two.
    const k = 64;
    const rng = new Rng(7);
    const p = factors(rng, 256, k);
    const q = factors(rng, 256, k);
    const wasm = wasmPairDot(p, q, k);
    expect(wasm?.(255, 255)).toBe(plainDot(p, q, 255, 255, k));
    expect(wasm?.(0, 0)).toBe(plainDot(p, q, 0, 0, k));
  });

  test('the copy is taken at creation: later writes to the model arrays are not seen', () => {
    const p = Float32Array.of(1, 2);
    const q = Float32Array.of(3, 4);
    const wasm = wasmPairDot(p, q, 2);
    p[0] = 100;
    expect(wasm?.(0, 0)).toBe(11);
  });
});
