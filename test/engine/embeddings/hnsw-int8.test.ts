import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { EmbeddingIndex, type Hit } from '../../../src/engine/embeddings/embedding-index.js';
import { HnswIndex } from '../../../src/engine/embeddings/hnsw-index.js';
import { InputError } from '../../../src/engine/errors.js';
import { randomEmbeddings, recall } from './brute-force.js';

// Seeded random data (seed 53): 5,000 items, 32 dims, 200 queries, with a per-item bias (so the
// int8 point carries the bias coordinate too) and cosine without one.
const dim = 32;
const e = randomEmbeddings(53, 5000, dim);
const queries = e.query(200);
const bias = e.ids.map((id) => ((id * 11) % 9) / 20);

describe('HnswIndex with int8 graph points', () => {
  let dot: EmbeddingIndex;
  let cos: EmbeddingIndex;
  let f32: HnswIndex;
  let i8: HnswIndex;
  let i8cos: HnswIndex;
  let want: Hit[][];
  beforeAll(async () => {
    dot = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { bias });
    cos = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { metric: 'cosine' });
    f32 = await HnswIndex.build(dot, { seed: 9 });
    i8 = await HnswIndex.build(dot, { seed: 9, quantize: 'int8' });
    i8cos = await HnswIndex.build(cos, { seed: 9, quantize: 'int8' });
    want = await dot.searchBatch(queries, { top: 10 });
  });

  test('recall@10 >= 0.95 and within 0.02 of the float32 graph; scores are the exact ones', async () => {
    expect(i8.quantize).toBe('int8');
    expect(f32.quantize).toBe('none');
    const got = await i8.searchBatch(queries, { top: 10 });
    const r8 = recall(got, want);
    const r32 = recall(await f32.searchBatch(queries, { top: 10 }), want);
    expect(r8).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(r8 - r32)).toBeLessThanOrEqual(0.02);
    // every hit carries the exact float32 score for its id (the native scan sums with FMA: last
    // bits differ), in the exact order
    for (const [q, list] of got.entries()) {
      const q32 = queries.subarray(q * dim, (q + 1) * dim);
      const scan = dot.search(q32, { top: 10, filter: { candidates: list.map((h) => h.id) } });
      expect(list.map((h) => h.id)).toEqual(scan.map((h) => h.id));
      for (const [j, h] of list.entries()) expect(h.score).toBeCloseTo(scan[j]!.score, 4);
      expect(i8.search(q32, { top: 10 })).toEqual(list);
    }
    const cosWant = await cos.searchBatch(queries, { top: 10 });
    expect(recall(await i8cos.searchBatch(queries, { top: 10 }), cosWant)).toBeGreaterThanOrEqual(0.95);
  });

  test('more results than ef still come back in full; filters never leak', async () => {
    i8.setEf(32);
    expect(i8.search(queries.subarray(0, dim), { top: 100 })).toHaveLength(100);
    i8.setEf(128);
    const exclude = e.ids.filter((id) => id % 3 === 0);
    const candidates = e.ids.filter((id) => id % 5 !== 1);
    const filter = { exclude, candidates };
    const got = await i8.searchBatch(queries.subarray(0, 40 * dim), { top: 10, filter });
    got.push(i8.similar(e.ids[0]!, { top: 10, filter }));
    for (const list of got) {
      expect(list).toHaveLength(10);
      for (const h of list) expect((h.id as number) % 3 !== 0 && (h.id as number) % 5 !== 1).toBe(true);
    }
  });

  test('save and load keep the int8 graph; a header that says float32 is a clear error', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reckit-hnsw-int8-')), 'index');
    await i8.save(dir);
    const header = JSON.parse(readFileSync(join(dir, 'hnsw.json'), 'utf8')) as { quantize: string };
    expect(header.quantize).toBe('int8');
    const back = await HnswIndex.load(dir);
    expect(back.quantize).toBe('int8');
    expect(await back.searchBatch(queries.subarray(0, 50 * dim), { top: 10 })).toEqual(
      await i8.searchBatch(queries.subarray(0, 50 * dim), { top: 10 }),
    );
    writeFileSync(join(dir, 'hnsw.json'), JSON.stringify({ ...header, quantize: 'none' }));
    await expect(HnswIndex.load(dir)).rejects.toThrow(/hnsw\.bin: graph points have 68 bytes, this index needs 132/);
    writeFileSync(join(dir, 'hnsw.json'), JSON.stringify({ ...header, quantize: 'int4' }));
    await expect(HnswIndex.load(dir)).rejects.toThrow(/unknown quantize int4/);
    await expect(HnswIndex.build(dot, { quantize: 'fp16' as 'int8' })).rejects.toBeInstanceOf(InputError);
  });
});
