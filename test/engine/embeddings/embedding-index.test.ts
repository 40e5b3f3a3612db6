import { describe, expect, test } from 'vitest';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { CancelledError, InputError } from '../../../src/engine/errors.js';
import { availableBackends, backend } from '../../../src/engine/kernels/registry.js';
import { bruteForce, randomEmbeddings } from './brute-force.js';

/** Native sums in float32 (FMA), the brute force in double: scores agree to this. */
const TOL = 1e-4;

function expectSame(got: { id: unknown; score: number }[], want: { id: number; score: number }[]) {
  expect(got.length).toBe(want.length);
  for (let j = 0; j < want.length; j++) {
    expect(Math.abs(got[j]!.score - want[j]!.score)).toBeLessThan(TOL);
    // where a score is well apart from its neighbours the ids must agree exactly
    const w = want[j]!.score;
    const apart = (j === 0 || want[j - 1]!.score - w > TOL) && (j + 1 === want.length || w - want[j + 1]!.score > TOL);
    if (apart) expect(got[j]!.id).toBe(want[j]!.id);
  }
}

describe.each(availableBackends())('EmbeddingIndex exact search [%s]', (name) => {
  const kernels = backend(name);

  test('single queries equal a brute-force scan (dot with bias, cosine), seeded random data', () => {
    for (const seed of [1, 2, 3]) {
      const dim = 24;
      const e = randomEmbeddings(seed, 1500, dim);
      const bias = Array.from({ length: 1500 }, (_, i) => ((i * 37) % 11) / 20);
      const dot = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { bias, backend: kernels });
      const cos = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { metric: 'cosine', backend: kernels });
      const q = e.query(1);
      expectSame(dot.search(q, { top: 20 }), bruteForce(e.ids, e.vectors, dim, q, 20, { bias }));
      expectSame(cos.search(q, { top: 20 }), bruteForce(e.ids, e.vectors, dim, q, 20, { cosine: true }));
    }
  });

  test('exact ties come out in id order, identically for single and batched queries', async () => {
    const dim = 3;
    const e = randomEmbeddings(9, 400, dim, true);
    const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { backend: kernels });
    const qs = e.query(7);
    const batch = await index.searchBatch(qs, { top: 40, threads: 2 });
    let ties = 0;
    for (let q = 0; q < 7; q++) {
      const v = qs.subarray(q * dim, (q + 1) * dim);
      const want = bruteForce(e.ids, e.vectors, dim, v, 40);
      // quantised values: float32 sums are exact, so whole lists must agree id for id
      expect(index.search(v, { top: 40 })).toEqual(want);
      expect(batch[q]).toEqual(want);
      for (let j = 1; j < 40; j++) if (want[j]!.score === want[j - 1]!.score) ties++;
    }
    expect(ties).toBeGreaterThan(50);
  });

  test('batched queries (Float32Array or arrays) equal single queries', async () => {
    const dim = 40;
    const e = randomEmbeddings(4, 3000, dim);
    const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { metric: 'cosine', backend: kernels });
    const qs = e.query(150);
    const flat = await index.searchBatch(qs, { top: 10 });
    const arrays = await index.searchBatch(
      Array.from({ length: 150 }, (_, q) => Array.from(qs.subarray(q * dim, (q + 1) * dim))),
      { top: 10 },
    );
    expect(flat.length).toBe(150);
    for (let q = 0; q < 150; q += 7) {
      const v = qs.subarray(q * dim, (q + 1) * dim);
      expectSame(flat[q]!, bruteForce(e.ids, e.vectors, dim, v, 10, { cosine: true }));
      expect(arrays[q]).toEqual(flat[q]);
    }
  });

  test('"more like this" ranks by the item\'s own vector and never returns the item', () => {
    const dim = 16;
    const e = randomEmbeddings(5, 800, dim);
    const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { metric: 'cosine', backend: kernels });
    for (const r of [0, 17, 799]) {
      const id = e.ids[r]!;
      const got = index.similar(id, { top: 15 });
      const v = e.vectors.subarray(r * dim, (r + 1) * dim);
      expectSame(got, bruteForce(e.ids, e.vectors, dim, v, 15, { cosine: true, allow: (x) => x !== id }));
      expect(got.some((h) => h.id === id)).toBe(false);
    }
  });

  test('string ids, a Float64Array and a top larger than the index', () => {
    const index = EmbeddingIndex.fromArrays(['b', 'a', 'c'], Float64Array.from([0, 1, 1, 0, 1, 1]), 2, {
      backend: kernels,
    });
    expect(index.search([1, 0], { top: 5 })).toEqual([
      { id: 'a', score: 1 },
      { id: 'c', score: 1 },
      { id: 'b', score: 0 },
    ]);
  });
});

describe('EmbeddingIndex bad input is a clear InputError', () => {
  const e = randomEmbeddings(1, 10, 4);
  const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, 4);
  const cases: [string, () => unknown, RegExp][] = [
    ['wrong dimension', () => index.search([1, 2, 3]), /has 3 values, the index has dimension 4/],
    ['NaN in a query', () => index.search([1, Number.NaN, 0, 0]), /query vector: value 1 is NaN/],
    ['unknown id', () => index.similar(12345), /id 12345 is not in the index/],
    ['empty index', () => EmbeddingIndex.fromArrays([], new Float32Array(0), 4), /the index is empty/],
    [
      'NaN in the vectors',
      () => EmbeddingIndex.fromArrays([1, 2], Float32Array.of(0, 1, Number.NaN, 0), 2),
      /row 1 \(id 2\): value 0 is NaN/,
    ],
    [
      'duplicate ids',
      () => EmbeddingIndex.fromArrays([5, 5], new Float32Array(4), 2),
      /id 5 appears twice \(rows 0 and 1\)/,
    ],
    [
      'shape mismatch',
      () => EmbeddingIndex.fromArrays([1, 2], new Float32Array(5), 2),
      /5 values for 2 ids of dimension 2/,
    ],
    ['bad top', () => index.search([1, 0, 0, 0], { top: 0 }), /top must be an integer/],
    [
      'zero cosine query',
      () => EmbeddingIndex.fromArrays([1], Float32Array.of(1, 0), 2, { metric: 'cosine' }).search([0, 0]),
      /zero vector/,
    ],
  ];
  test.each(cases)('%s', (_, fn, message) => {
    expect(fn).toThrow(InputError);
    expect(fn).toThrow(message);
  });

  test('a batch can be cancelled with an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(index.searchBatch(new Float32Array(8), { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    await expect(index.searchBatch(new Float32Array(0))).resolves.toEqual([]);
  });

  test('a batch with a NaN names the query', async () => {
    const qs = new Float32Array(12);
    qs[9] = Number.POSITIVE_INFINITY;
    await expect(index.searchBatch(qs)).rejects.toThrow(/query 2: value 1 is Infinity/);
    await expect(index.searchBatch(new Float32Array(6))).rejects.toThrow(/not a whole number of 4-dimensional vectors/);
  });
});
