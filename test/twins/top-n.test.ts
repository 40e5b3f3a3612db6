import { describe, expect, test } from 'vitest';
import { CancelledError } from '../../src/engine/errors.js';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { Csr, ItemFactors, TopNResult } from '../../src/engine/kernels/signatures.js';

const reference = backend('reference');
/** Native sums in float32 with FMA, the twin in double: scores agree to this (they are O(1)). */
const TOL = 1e-4;

function factors(rng: Rng, n: number, k: number, quantised: boolean): Float32Array {
  // Quantised factors (multiples of 0.5, small k) make exact ties in float32, to test the tie order.
  return Float32Array.from({ length: n * k }, () =>
    quantised ? (rng.nextBelow(5) - 2) * 0.5 : (rng.nextDouble() - 0.5) * 0.4,
  );
}

function fixture(seed: number, nUsers: number, nItems: number, k: number, quantised = false) {
  const rng = new Rng(seed);
  const items: ItemFactors = {
    factors: factors(rng, nItems, k, quantised),
    bias: Float32Array.from({ length: nItems }, () => (quantised ? rng.nextBelow(3) * 0.5 : rng.nextDouble() - 0.5)),
    k,
    eligible: Uint8Array.from({ length: nItems }, () => (rng.nextBelow(10) === 0 ? 0 : 1)),
  };
  const userFactors = factors(rng, nUsers, k, quantised);
  const userOffset = Float32Array.from({ length: nUsers }, () => 3 + (quantised ? 0 : rng.nextDouble()));
  // Seen rows: ~20% of items per user, sorted.
  const offsets = new Int32Array(nUsers + 1);
  const cols: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) if (rng.nextBelow(5) === 0) cols.push(i);
    offsets[u + 1] = cols.length;
  }
  const seen: Csr = {
    offsets,
    cols: Int32Array.from(cols),
    values: new Float32Array(cols.length),
    nRows: nUsers,
    nCols: nItems,
  };
  return { items, userFactors, userOffset, seen };
}

/** Exact score of item i for user u, in double. */
function exact(f: ReturnType<typeof fixture>, u: number, i: number): number {
  const { k } = f.items;
  let s = f.userOffset[u]! + f.items.bias[i]!;
  for (let q = 0; q < k; q++) s += f.userFactors[u * k + q]! * f.items.factors[i * k + q]!;
  return s;
}

/**
 * Tie-aware comparison: the score sequences agree within TOL, every listed item really has its
 * listed score, none is seen or ineligible or repeated; where scores are far from their
 * neighbours the items themselves must agree.
 */
function expectSameTopN(
  f: ReturnType<typeof fixture>,
  got: TopNResult,
  want: TopNResult,
  users: Int32Array,
  n: number,
) {
  for (let r = 0; r < users.length; r++) {
    const u = users[r]!;
    const seen = new Set(f.seen.cols.subarray(f.seen.offsets[u], f.seen.offsets[u + 1]));
    const listed = new Set<number>();
    for (let j = 0; j < n; j++) {
      const g = got.items[r * n + j]!;
      const w = want.items[r * n + j];
      expect(g === -1).toBe(w === -1);
      if (g === -1) continue;
      expect(Math.abs(got.scores[r * n + j]! - want.scores[r * n + j]!)).toBeLessThan(TOL);
      expect(Math.abs(got.scores[r * n + j]! - exact(f, u, g))).toBeLessThan(TOL);
      expect(seen.has(g) || !f.items.eligible[g] || listed.has(g)).toBe(false);
      listed.add(g);
      const prev = j > 0 ? want.scores[r * n + j - 1]! : Number.POSITIVE_INFINITY;
      const next = j + 1 < n ? want.scores[r * n + j + 1]! : Number.NEGATIVE_INFINITY;
      if (prev - want.scores[r * n + j]! > TOL && want.scores[r * n + j]! - next > TOL) expect(g).toBe(w);
    }
  }
}

describe.each(availableBackends())('scoring kernels [%s]', (name) => {
  const k = backend(name);

  test('topNAll matches the reference (seen excluded, ineligible skipped, blocks and tails)', async () => {
    // 203 users: two 96-user cache blocks plus a tail that is not a multiple of the 6-user tile.
    const f = fixture(11, 203, 517, 37);
    const users = Int32Array.from({ length: 203 }, (_, r) => (r * 7) % 203);
    const a = { items: f.items, userFactors: f.userFactors, userOffset: f.userOffset, users, n: 10, seen: f.seen };
    const got = await k.topNAll({ ...a, threads: 2 });
    const want = await reference.topNAll(a);
    expectSameTopN(f, got, want, users, 10);
  });

  test('exact ties come out in item index order, identically to the reference', async () => {
    const f = fixture(5, 40, 300, 3, true);
    const users = Int32Array.from({ length: 40 }, (_, r) => r);
    const a = { items: f.items, userFactors: f.userFactors, userOffset: f.userOffset, users, n: 25, seen: f.seen };
    const got = await k.topNAll(a);
    const want = await reference.topNAll(a);
    expect(got.items).toEqual(want.items);
    expect(got.scores).toEqual(want.scores);
    // ties exist and are ordered by item index
    let ties = 0;
    for (let p = 1; p < got.items.length; p++) {
      if (p % 25 !== 0 && got.scores[p] === got.scores[p - 1]) {
        ties++;
        expect(got.items[p]).toBeGreaterThan(got.items[p - 1]!);
      }
    }
    expect(ties).toBeGreaterThan(100);
  });

  test('n larger than the eligible items pads with -1 / NaN; no seen means nothing skipped', async () => {
    const f = fixture(3, 7, 20, 4);
    const users = Int32Array.from([0, 6, 3]);
    const eligible = f.items.eligible.reduce((s, e) => s + e, 0);
    const got = await k.topNAll({ items: f.items, userFactors: f.userFactors, userOffset: f.userOffset, users, n: 30 });
    for (let r = 0; r < 3; r++) {
      expect(got.items.subarray(r * 30, r * 30 + eligible).every((i) => i >= 0)).toBe(true);
      expect(got.items.subarray(r * 30 + eligible, r * 30 + 30).every((i) => i === -1)).toBe(true);
      expect(Number.isNaN(got.scores[r * 30 + 29])).toBe(true);
    }
  });

  test('topNVector equals the topNAll row, with exclusions and candidates', () => {
    const f = fixture(21, 5, 1000, 50);
    const u = 2;
    const vector = f.userFactors.subarray(u * 50, u * 50 + 50);
    const exclude = f.seen.cols.subarray(f.seen.offsets[u], f.seen.offsets[u + 1]);
    const got = k.topNVector(f.items, { vector, offset: f.userOffset[u]!, n: 15, exclude });
    const want = reference.topNVector(f.items, { vector, offset: f.userOffset[u]!, n: 15, exclude });
    expectSameTopN(f, got, want, Int32Array.from([u]), 15);
    const candidates = Int32Array.from([900, 5, 77, 312, 4, 640, 641]);
    const c = k.topNVector(f.items, { vector, offset: f.userOffset[u]!, n: 4, exclude, candidates });
    const cw = reference.topNVector(f.items, { vector, offset: f.userOffset[u]!, n: 4, exclude, candidates });
    expectSameTopN(f, c, cw, Int32Array.from([u]), 4);
    for (const i of c.items) if (i >= 0) expect(candidates).toContain(i);
    // An empty candidate list (whose buffer may have no memory at all) means no items, not all items.
    const none = { vector, offset: f.userOffset[u]!, n: 4, exclude, candidates: new Int32Array(0) };
    expect(Array.from(k.topNVector(f.items, none).items)).toEqual([-1, -1, -1, -1]);
    expect(Array.from(reference.topNVector(f.items, none).items)).toEqual([-1, -1, -1, -1]);
  });

  test('topNVector over a large catalog split across threads equals the reference', () => {
    // 21,000 items x 100 factors = 8.4 MB of panels: over the native split threshold
    const f = fixture(31, 1, 21_000, 100);
    const vector = f.userFactors.subarray(0, 100);
    const exclude = f.seen.cols.subarray(f.seen.offsets[0], f.seen.offsets[1]);
    const q = { vector, offset: f.userOffset[0]!, n: 20, exclude };
    const want = reference.topNVector(f.items, q);
    expectSameTopN(f, k.topNVector(f.items, { ...q, threads: 2 }), want, Int32Array.from([0]), 20);
    expectSameTopN(f, k.topNVector(f.items, q), want, Int32Array.from([0]), 20);
    // native: one thread screens with int8 panels (int8-screen.h), several scan float32 only;
    // both must give exactly the float32 scan's result
    expect(k.topNVector(f.items, q)).toEqual(k.topNVector(f.items, { ...q, threads: 2 }));
  });

  test('int8 screening keeps exact ties and their order (large quantised catalog)', () => {
    const f = fixture(41, 2, 16_000, 70, true);
    for (const u of [0, 1]) {
      const q = { vector: f.userFactors.subarray(u * 70, u * 70 + 70), offset: f.userOffset[u]!, n: 60 };
      const got = k.topNVector(f.items, q);
      expect(got).toEqual(k.topNVector(f.items, { ...q, threads: 2 }));
      const want = reference.topNVector(f.items, q);
      expect(got.items).toEqual(want.items);
      expect(got.scores).toEqual(want.scores);
    }
  });

  test('scoreItems gives every item its score, ineligible ones included', () => {
    const f = fixture(8, 1, 333, 19);
    const vector = f.userFactors.subarray(0, 19);
    const got = k.scoreItems(f.items, vector, f.userOffset[0]!);
    expect(got.length).toBe(333);
    for (let i = 0; i < 333; i++) expect(Math.abs(got[i]! - exact(f, 0, i))).toBeLessThan(TOL);
  });

  test('bias-only models (k = 0) rank by bias', async () => {
    const f = fixture(4, 3, 50, 0);
    const got = await k.topNAll({
      items: f.items,
      userFactors: f.userFactors,
      userOffset: f.userOffset,
      users: Int32Array.from([1]),
      n: 5,
    });
    const want = await reference.topNAll({
      items: f.items,
      userFactors: f.userFactors,
      userOffset: f.userOffset,
      users: Int32Array.from([1]),
      n: 5,
    });
    expect(got).toEqual(want);
  });

  test('topNAll is cancellable before and while it runs; progress ends at 1', async () => {
    const f = fixture(9, 3000, 3000, 64);
    const users = Int32Array.from({ length: 3000 }, (_, r) => r);
    const a = { items: f.items, userFactors: f.userFactors, userOffset: f.userOffset, users, n: 10 };
    const controller = new AbortController();
    controller.abort();
    await expect(k.topNAll(a, { signal: controller.signal })).rejects.toThrow(/abort|cancel/i);
    if (name === 'native') {
      const running = new AbortController();
      const job = k.topNAll({ ...a, threads: 1 }, { signal: running.signal });
      setTimeout(() => running.abort(), 1);
      await expect(job).rejects.toThrow(CancelledError);
      const seen: number[] = [];
      await k.topNAll(a, { onProgress: (x) => seen.push(x) });
      expect(seen.at(-1)).toBe(1);
    }
  });
});
