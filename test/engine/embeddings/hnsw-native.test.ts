import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { EmbeddingIndex, type Hit } from '../../../src/engine/embeddings/embedding-index.js';
import { HnswIndex } from '../../../src/engine/embeddings/hnsw-index.js';
import { type HnswLib, loadHnswlib } from '../../../src/engine/embeddings/hnswlib.js';
import { CancelledError, InputError } from '../../../src/engine/errors.js';
import { randomEmbeddings, recall } from './brute-force.js';

// Seeded random data (seed 47): 5,000 items, 16 dims, 200 queries, dot product, no bias, so a
// graph point is the row itself and hnswlib-node can be queried with the same vectors.
const dim = 16;
const e = randomEmbeddings(47, 5000, dim);
const queries = e.query(200);
const qAt = (q: number) => queries.subarray(q * dim, (q + 1) * dim);
const sortedIds = (hits: Hit[]) => hits.map((h) => h.id as number).sort((a, b) => a - b);

describe('HnswIndex on the native hnswlib kernels', () => {
  let exact: EmbeddingIndex;
  let serial: HnswIndex;
  let parallel: HnswIndex;
  let want: Hit[][];
  beforeAll(async () => {
    exact = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim);
    serial = await HnswIndex.build(exact, { threads: 1, seed: 5 });
    parallel = await HnswIndex.build(exact, { threads: 4, seed: 5 });
    want = await exact.searchBatch(queries, { top: 10 });
  });

  test('recall@10 >= 0.95 for the serial and the parallel build, within 0.03 of each other', async () => {
    const rSerial = recall(await serial.searchBatch(queries, { top: 10 }), want);
    const rParallel = recall(await parallel.searchBatch(queries, { top: 10, threads: 3 }), want);
    expect(rSerial).toBeGreaterThanOrEqual(0.95);
    expect(rParallel).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(rSerial - rParallel)).toBeLessThanOrEqual(0.03);
    // the batch (threads) and one query at a time walk the same graph the same way
    const batch = await parallel.searchBatch(queries.subarray(0, 20 * dim), { top: 10 });
    for (const [q, list] of batch.entries()) expect(list).toEqual(parallel.search(qAt(q), { top: 10 }));
  });

  test('a saved graph loads into hnswlib-node and gives the same neighbours at the same ef', async () => {
    const lib = await loadHnswlib();
    const dir = join(mkdtempSync(join(tmpdir(), 'reckit-hnsw-native-')), 'index');
    await parallel.save(dir);
    const direct: HnswLib = new lib.HierarchicalNSW('ip', dim);
    await direct.readIndex(join(dir, 'hnsw.bin'));
    for (const ef of [16, 64]) {
      parallel.setEf(ef);
      direct.setEf(ef);
      for (let q = 0; q < 50; q++) {
        const theirs = direct.searchKnn(Array.from(qAt(q)), 10).neighbors.map((r) => exact.data.ids.idOf(r) as number);
        expect(sortedIds(parallel.search(qAt(q), { top: 10 }))).toEqual(theirs.sort((a, b) => a - b));
      }
    }
    parallel.setEf(128);
  });

  test('a graph written by hnswlib-node (labels = rows) loads with HnswIndex.load', async () => {
    const lib = await loadHnswlib();
    const dir = join(mkdtempSync(join(tmpdir(), 'reckit-hnsw-native-')), 'index');
    await serial.save(dir);
    const theirs: HnswLib = new lib.HierarchicalNSW('ip', dim);
    theirs.initIndex({ maxElements: exact.size, m: 8, efConstruction: 50, randomSeed: 3 });
    for (let r = 0; r < exact.size; r++)
      theirs.addPoint(Array.from(exact.data.vectors.subarray(r * dim, (r + 1) * dim)), r);
    await theirs.writeIndex(join(dir, 'hnsw.bin'));
    const header = JSON.parse(readFileSync(join(dir, 'hnsw.json'), 'utf8')) as { bytes: number; ef: number };
    header.bytes = statSync(join(dir, 'hnsw.bin')).size;
    writeFileSync(join(dir, 'hnsw.json'), JSON.stringify(header));
    const back = await HnswIndex.load(dir);
    theirs.setEf(back.ef);
    for (let q = 0; q < 30; q++) {
      const rows = theirs.searchKnn(Array.from(qAt(q)), 10).neighbors;
      expect(sortedIds(back.search(qAt(q), { top: 10 }))).toEqual(
        rows.map((r) => exact.data.ids.idOf(r) as number).sort((a, b) => a - b),
      );
    }
  });

  test('random filters: excluded and non-candidate ids never come back, single or batched', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const keep = (id: number) => ((id * 2654435761) >>> (trial + 20)) % 3 !== 0;
      const exclude = e.ids.filter((id) => !keep(id));
      const candidates = trial % 2 ? e.ids.filter((id) => id % 5 !== trial % 5) : undefined;
      const filter = { exclude, candidates };
      const allowed = (id: number) => keep(id) && (!candidates || id % 5 !== trial % 5);
      const got = await parallel.searchBatch(queries.subarray(0, 30 * dim), { top: 10, filter });
      got.push(parallel.search(qAt(trial), { top: 10, filter }));
      for (const list of got) {
        expect(list.length).toBe(10);
        for (const h of list) expect(allowed(h.id as number)).toBe(true);
      }
    }
    // everything filtered out: nothing, not an error
    const all = { exclude: e.ids };
    expect(parallel.search(qAt(0), { filter: all })).toEqual([]);
    expect(await parallel.searchBatch(queries.subarray(0, 2 * dim), { filter: all })).toEqual([[], []]);
  });

  test('bad input: the same InputErrors as before; cancel and progress reach the native build', async () => {
    expect(() => parallel.search([1, 2, 3])).toThrow(InputError);
    expect(() => parallel.search([1, 2, 3])).toThrow(/has 3 values, the index has dimension 16/);
    expect(() => parallel.search(Array.from({ length: dim }, (_, f) => (f === 4 ? Number.NaN : 1)))).toThrow(
      /value 4 is NaN/,
    );
    await expect(parallel.searchBatch(new Float32Array(dim + 1))).rejects.toThrow(/whole number of 16-dimensional/);
    expect(() => parallel.setEf(0)).toThrow(/ef 0 must be a positive integer/);
    expect(() => parallel.similar(-5)).toThrow(/id -5 is not in the index/);
    await expect(HnswIndex.build(exact, { m: 1 })).rejects.toThrow(/m 1 must be an integer in \[2, 256\]/);
    await expect(HnswIndex.build(exact, { threads: 0 })).rejects.toThrow(InputError);
    const stop = new AbortController();
    stop.abort();
    await expect(HnswIndex.build(exact, { signal: stop.signal })).rejects.toThrow(CancelledError);
    const later = new AbortController();
    setTimeout(() => later.abort(), 30); // mid-build: the native threads see the cancel flag
    await expect(HnswIndex.build(exact, { threads: 1, signal: later.signal })).rejects.toThrow(CancelledError);
    const seen: number[] = [];
    const small = EmbeddingIndex.fromArrays(e.ids.slice(0, 300), e.vectors.subarray(0, 300 * dim), dim);
    await HnswIndex.build(small, { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    // a graph file that does not match its header is refused before hnswlib reads it
    const dir = join(mkdtempSync(join(tmpdir(), 'reckit-hnsw-native-')), 'index');
    await (await HnswIndex.build(small, { threads: 1 })).save(dir);
    writeFileSync(join(dir, 'hnsw.bin'), readFileSync(join(dir, 'hnsw.bin')).subarray(0, 100));
    await expect(HnswIndex.load(dir)).rejects.toThrow(/hnsw.bin: missing or does not match hnsw.json/);
  });
});
