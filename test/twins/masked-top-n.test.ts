import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr, ItemFactors } from '../../src/engine/kernels/signatures.js';

const reference = backend('reference');

/** Quantised vectors (multiples of 0.5) make exact float32 ties, so whole lists must agree bit for bit. */
function fixture(seed: number, nItems: number, k: number, nQueries: number) {
  const rng = new Rng(seed);
  const q = () => (rng.nextBelow(5) - 2) * 0.5;
  const items: ItemFactors = {
    factors: Float32Array.from({ length: nItems * k }, q),
    bias: Float32Array.from({ length: nItems }, () => rng.nextBelow(3) * 0.5),
    k,
    eligible: new Uint8Array(nItems).fill(1),
  };
  const queries = Float32Array.from({ length: nQueries * k }, q);
  const mask = Uint8Array.from({ length: nItems }, () => (rng.nextBelow(3) === 0 ? 0 : 1));
  const offsets = new Int32Array(nQueries + 1);
  const cols: number[] = [];
  for (let r = 0; r < nQueries; r++) {
    for (let i = 0; i < nItems; i++) if (rng.nextBelow(8) === 0) cols.push(i);
    offsets[r + 1] = cols.length;
  }
  const exclude: Csr = {
    offsets,
    cols: Int32Array.from(cols),
    values: new Float32Array(cols.length),
    nRows: nQueries,
    nCols: nItems,
  };
  return { items, queries, mask, exclude };
}

describe.each(availableBackends())('masked top-N kernels [%s]', (name) => {
  const k = backend(name);

  test('batch equals the reference bit for bit and never returns a masked or excluded row', async () => {
    // 131 queries: a 96-query block plus a tail that is no multiple of the 6-query tile
    const f = fixture(3, 700, 9, 131);
    const a = { items: f.items, mask: f.mask, queries: f.queries, n: 12, exclude: f.exclude, threads: 2 };
    const got = await k.maskedTopNBatch(a);
    const want = await reference.maskedTopNBatch(a);
    expect(got.items).toEqual(want.items);
    expect(got.scores).toEqual(want.scores);
    for (let r = 0; r < 131; r++) {
      const skip = new Set(f.exclude.cols.subarray(f.exclude.offsets[r], f.exclude.offsets[r + 1]));
      for (const i of got.items.subarray(r * 12, r * 12 + 12)) {
        expect(i).toBeGreaterThanOrEqual(0);
        expect(f.mask[i]).toBe(1);
        expect(skip.has(i)).toBe(false);
      }
    }
  });

  test('single vector with a mask, candidates and exclusions equals the reference', () => {
    const f = fixture(7, 20_000, 64, 2); // 5 MB of vectors: the native int8 screen runs
    for (const threads of [1, 2]) {
      const q = { vector: f.queries.subarray(0, 64), offset: 0, n: 30, exclude: Int32Array.of(4, 9, 77), threads };
      const got = k.maskedTopNVector(f.items, f.mask, q);
      expect(got).toEqual(reference.maskedTopNVector(f.items, f.mask, q));
      for (const i of got.items) expect(f.mask[i]).toBe(1);
    }
    const candidates = Int32Array.from([5, 19_999, 300, 301, 302, 7000]);
    const q = { vector: f.queries.subarray(64, 128), offset: 0, n: 4, candidates };
    const got = k.maskedTopNVector(f.items, f.mask, q);
    expect(got).toEqual(reference.maskedTopNVector(f.items, f.mask, q));
    for (const i of got.items) if (i >= 0) expect(candidates.includes(i) && f.mask[i] === 1).toBe(true);
  });

  test('one-thread search (native: int8 screen) returns exactly the float32 scan on unquantised data', () => {
    // 24,000 x 48: 40 Gaussian directions, each copied 600 times with noise far below int8
    // resolution (1e-4 of a component) and tiny biases, so the screen cannot tell a direction's
    // copies apart: every copy must survive it, and only the exact rescoring orders them
    const rng = new Rng(23);
    const gauss = () => Math.sqrt(-2 * Math.log(rng.nextDouble() || 1e-12)) * Math.cos(2 * Math.PI * rng.nextDouble());
    const nItems = 24_000;
    const dim = 48;
    const base = Float32Array.from({ length: 40 * dim }, gauss);
    const items: ItemFactors = {
      factors: Float32Array.from({ length: nItems * dim }, (_, j) => {
        const row = Math.floor(j / dim);
        return base[(row % 40) * dim + (j % dim)]! * (1 + 1e-4 * gauss());
      }),
      bias: Float32Array.from({ length: nItems }, () => 1e-4 * gauss()),
      k: dim,
      eligible: new Uint8Array(nItems).fill(1),
    };
    const mask = Uint8Array.from({ length: nItems }, (_, i) => (i % 5 === 0 ? 0 : 1));
    for (let r = 0; r < 4; r++) {
      const vector = Float32Array.from({ length: dim }, gauss);
      const q = { vector, offset: 0.5, n: 25, exclude: Int32Array.of(1, 41, 81) };
      const screened = k.maskedTopNVector(items, mask, { ...q, threads: 1 });
      // more than one thread never screens: the plain float32 scan, the same sums
      expect(screened).toEqual(k.maskedTopNVector(items, mask, { ...q, threads: 2 }));
      // (the double-precision reference orders some of these near-ties differently: not compared)
      for (const i of screened.items) expect(mask[i] === 1 && i !== 1 && i !== 41 && i !== 81).toBe(true);
    }
  });

  test('a changed mask on the same vectors is honoured (no stale masked bias)', () => {
    const f = fixture(11, 300, 8, 1);
    const q = { vector: f.queries, offset: 0, n: 300 };
    const none = new Uint8Array(300);
    const odd = Uint8Array.from({ length: 300 }, (_, i) => i % 2);
    expect(k.maskedTopNVector(f.items, none, q).items.every((i) => i === -1)).toBe(true);
    const got = k.maskedTopNVector(f.items, odd, q).items;
    expect(got.filter((i) => i >= 0).length).toBe(150);
    for (const i of got) if (i >= 0) expect(i % 2).toBe(1);
  });
});
