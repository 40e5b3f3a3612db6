import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { HnswIndex } from '../../../src/engine/embeddings/hnsw-index.js';
import { randomEmbeddings, recall } from './brute-force.js';

// Seeded random data (seed 31): 5,000 items, 24 dims, 200 queries; uniform random vectors are a
// harder case for a graph index than real embeddings, which cluster.
const dim = 24;
const e = randomEmbeddings(31, 5000, dim);
const queries = e.query(200);
const bias = e.ids.map((id) => ((id * 13) % 7) / 10);

describe('HnswIndex behind the EmbeddingIndex API', () => {
  let dot: EmbeddingIndex;
  let cos: EmbeddingIndex;
  let hDot: HnswIndex;
  let hCos: HnswIndex;
  beforeAll(async () => {
    dot = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, {
      bias,
      attributes: new Table({
        id: vectorFromArray(e.ids, new Float64()),
        shelf: vectorFromArray(
          e.ids.map((id) => ['a', 'b', 'c', 'd'][id % 4]!),
          new Utf8(),
        ),
      }),
    });
    cos = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { metric: 'cosine' });
    hDot = await HnswIndex.build(dot, { seed: 7 });
    hCos = await HnswIndex.build(cos, { seed: 7 });
  });

  test('recall@10 against exact is >= 0.95 (dot with bias, cosine), and scores are the exact scores', async () => {
    for (const [exact, approx] of [
      [dot, hDot],
      [cos, hCos],
    ] as const) {
      const want = await exact.searchBatch(queries, { top: 10 });
      const got = await approx.searchBatch(queries, { top: 10 });
      expect(recall(got, want)).toBeGreaterThanOrEqual(0.95);
      // every returned item carries its exact score, best first
      const q0 = queries.subarray(0, dim);
      const all = new Map(exact.search(q0, { top: 5000 }).map((h) => [h.id, h.score]));
      const first = approx.search(q0, { top: 10 });
      for (const h of first) expect(Math.abs(h.score - (all.get(h.id) as number))).toBeLessThan(1e-4);
      for (let j = 1; j < first.length; j++) expect(first[j - 1]!.score).toBeGreaterThanOrEqual(first[j]!.score);
    }
  });

  test('filters: excluded, non-candidate and where-rejected ids never come back; selective filters fall back to exact', async () => {
    const exclude = e.ids.filter((id) => id % 3 === 0);
    const filter = { exclude, where: { shelf: { in: ['a', 'b'] } } };
    const got = await hDot.searchBatch(queries.subarray(0, 50 * dim), { top: 10, filter });
    const want = await dot.searchBatch(queries.subarray(0, 50 * dim), { top: 10, filter });
    for (const list of got) {
      expect(list.length).toBe(10);
      for (const h of list) {
        expect((h.id as number) % 3).not.toBe(0);
        expect([0, 1]).toContain((h.id as number) % 4);
      }
    }
    expect(recall(got, want)).toBeGreaterThanOrEqual(0.9);
    // 40 candidates of 5,000: below the graph's useful range, so the exact scan answers
    const candidates = e.ids.slice(0, 40);
    const q = queries.subarray(0, dim);
    expect(hDot.search(q, { top: 5, filter: { candidates } })).toEqual(
      dot.search(q, { top: 5, filter: { candidates } }),
    );
  });

  test('"more like this" never returns the item itself', () => {
    for (const id of e.ids.slice(0, 20)) {
      const got = hCos.similar(id, { top: 10 });
      expect(got.length).toBe(10);
      expect(got.some((h) => h.id === id)).toBe(false);
    }
    expect(() => hCos.similar(-1)).toThrow(/id -1 is not in the index/);
  });

  test('save / load gives the same answers', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reckit-hnsw-')), 'index');
    await hDot.save(dir);
    const back = await HnswIndex.load(dir);
    expect(back.ef).toBe(hDot.ef);
    const q = queries.subarray(dim, 2 * dim);
    expect(back.search(q, { top: 10 })).toEqual(hDot.search(q, { top: 10 }));
  });
});
