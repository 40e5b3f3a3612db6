import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Float64, makeVector, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { loadIndex, saveIndex } from '../../../src/engine/embeddings/index-files.js';
import { formatNpy, parseNpy } from '../../../src/engine/embeddings/npy.js';
import {
  indexFromArrow,
  indexFromFile,
  indexFromModel,
  indexFromTensor,
} from '../../../src/engine/embeddings/sources.js';
import { InputError } from '../../../src/engine/errors.js';
import { FactorModel } from '../../../src/engine/model/factor-model.js';
import { fixedListVector } from '../../../src/engine/model/model-columns.js';
import { factorFixture } from '../../support/factor-fixture.js';
import { randomEmbeddings } from './brute-force.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-embeddings-'));
const dim = 12;
const e = randomEmbeddings(21, 300, dim);
const reference = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim);
const q = e.query(1);
const want = reference.search(q, { top: 15 });

describe('index sources give the same answer as typed arrays', () => {
  let tf: typeof import('@tensorflow/tfjs');
  beforeAll(async () => {
    tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
  });

  test('a TF.js Tensor2D and a Float32Array give the same answer', async () => {
    const t = tf.tensor2d(e.vectors, [300, dim]);
    const fromTensor = await indexFromTensor(t, e.ids);
    t.dispose();
    expect(fromTensor.search(q, { top: 15 })).toEqual(want);
    await expect(indexFromTensor(tf.zeros([3, 2, 2]) as never, [1, 2, 3])).rejects.toThrow(/shape \[3,2,2\]/);
    await expect(indexFromTensor(tf.zeros([2, 2], 'int32') as never, [1, 2])).rejects.toThrow(/dtype is int32/);
    await expect(indexFromTensor({} as never, [1])).rejects.toThrow(InputError);
  });

  test('an Arrow table (FixedSizeList<float32>) and an Arrow IPC file', async () => {
    const table = new Table({
      item: makeVector(Float64Array.from(e.ids)),
      embedding: fixedListVector(e.vectors, 300, dim, 'x'),
    });
    expect(indexFromArrow(table, { idColumn: 'item' }).search(q, { top: 15 })).toEqual(want);
    const p = join(dir, 'items.arrow');
    writeFileSync(p, tableToIPC(table, 'file'));
    expect((await indexFromFile(p, { idColumn: 'item' })).search(q, { top: 15 })).toEqual(want);
    await expect(indexFromFile(p)).rejects.toThrow(/no column "id" \(columns: item, embedding\)/);
  });

  test('.npy float32 and float64, ids given; bad files are named', async () => {
    const p = join(dir, 'v.npy');
    writeFileSync(p, formatNpy(e.vectors, 300, dim));
    expect((await indexFromFile(p, { ids: e.ids })).search(q, { top: 15 })).toEqual(want);
    // a float64 file as numpy writes it: same header layout, '<f8'
    const f32 = formatNpy(Float32Array.of(1, 2, 3, 4), 2, 2);
    const text = new TextDecoder('latin1').decode(f32.subarray(10, 10 + f32[8]!));
    const header = new TextEncoder().encode(text.replace('<f4', '<f8'));
    const f64 = new Uint8Array(10 + header.length + 32);
    f64.set(f32.subarray(0, 10));
    f64.set(header, 10);
    f64.set(new Uint8Array(Float64Array.of(1, 2, 3, 4).buffer), 10 + header.length);
    const m = parseNpy(f64);
    expect([m.rows, m.cols, Array.from(m.values)]).toEqual([2, 2, [1, 2, 3, 4]]);
    const i8 = f64.slice();
    i8[10 + text.indexOf('<f4') + 1] = 'i'.charCodeAt(0);
    expect(() => parseNpy(i8)).toThrow(/dtype <i8 is not supported/);
    expect(() => parseNpy(f64.subarray(0, f64.length - 8), 'x.npy')).toThrow(/x.npy: truncated/);
    expect(() => parseNpy(new Uint8Array(20), 'y.npy')).toThrow(/y.npy: not a .npy file/);
    await expect(indexFromFile(p, { ids: [1, 2] })).rejects.toThrow(/300 rows but 2 ids/);
  });

  test('a Parquet file with a list<double> column, written by DuckDB as a Python job would', async () => {
    const p = join(dir, 'items.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = e.ids.map(
      (id, r) => `(${id}, [${Array.from(e.vectors.subarray(r * dim, (r + 1) * dim)).join(',')}]::DOUBLE[])`,
    );
    await c.run(`COPY (SELECT * FROM (VALUES ${rows.join(',')}) t(id, vector)) TO '${p}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    expect((await indexFromFile(p)).search(q, { top: 15 })).toEqual(want);
    await expect(indexFromFile(p, { vectorColumn: 'emb' })).rejects.toThrow(/no column "emb"/);
  });

  test('a saved reckit factor model: same ranking as the model for a user vector', async () => {
    const data = factorFixture({ seed: 3, nUsers: 20, nItems: 90, k: 6, coldItems: 4 });
    const model = new FactorModel(data);
    const modelDir = join(dir, 'model');
    await model.save(modelDir);
    const { index } = await indexFromModel(modelDir);
    // items without training ratings are left out, as the model never recommends them
    expect(index.size).toBe(data.itemKnown.reduce((s, k) => s + k, 0));
    expect(index.size).toBeLessThan(90);
    for (const user of [101, 107, 119]) {
      const v = model.userVector(user) as Float32Array;
      const got = index.search(v, { top: 10 });
      const ranked = model.recommend(user, { n: 10, excludeSeen: false });
      expect(got.map((h) => h.id)).toEqual(ranked.map((s) => s.item));
    }
    await expect(indexFromModel(join(dir, 'nope'))).rejects.toThrow(/not a reckit model directory/);
  });
});

describe('save / load next to a model directory', () => {
  const attrs = new Table({
    id: vectorFromArray(e.ids, new Float64()),
    genre: vectorFromArray(
      e.ids.map((id) => (id % 2 ? 'odd' : 'even')),
      new Utf8(),
    ),
  });
  let saved: string;
  beforeAll(async () => {
    saved = join(dir, 'index');
    const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, {
      metric: 'cosine',
      bias: e.ids.map((id) => (id % 5) / 10),
      attributes: attrs,
    });
    await saveIndex(index, saved);
  });
  afterAll(() => undefined);

  test('round trip keeps metric, bias and attributes', async () => {
    const original = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, {
      metric: 'cosine',
      bias: e.ids.map((id) => (id % 5) / 10),
      attributes: attrs,
    });
    const loaded = await loadIndex(saved);
    const filter = { where: { genre: 'odd' } };
    expect(loaded.metric).toBe('cosine');
    expect(loaded.search(q, { top: 20, filter })).toEqual(original.search(q, { top: 20, filter }));
    await saveIndex(loaded, saved); // replacing an index directory is fine
    expect((await loadIndex(saved)).size).toBe(300);
  });

  test('a corrupt file, a missing header, and a non-index folder are refused', async () => {
    const bad = join(dir, 'bad');
    await saveIndex(reference, bad);
    writeFileSync(join(bad, 'vectors.arrow'), 'garbage');
    await expect(loadIndex(bad)).rejects.toThrow(/vectors.arrow: checksum mismatch/);
    await expect(loadIndex(dir)).rejects.toThrow(/not an embedding index directory/);
    // never replaces a folder reckit did not write
    await expect(saveIndex(reference, join(dir, 'model'))).rejects.toThrow(/refusing to replace it/);
  });
});
