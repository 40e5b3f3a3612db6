import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { HnswIndex } from '../../../src/engine/embeddings/hnsw-index.js';
import { formatNpy } from '../../../src/engine/embeddings/npy.js';
import { openIndex } from '../../../src/engine/embeddings/open-index.js';
import { randomEmbeddings } from '../../engine/embeddings/brute-force.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'reckit', ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

// Seeded random vectors (seed 61): 3,000 rows x 16 dims written as .npy (ids = row numbers), and
// an attributes CSV read through DuckDB.
const root = mkdtempSync(join(tmpdir(), 'reckit-index-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dim = 16;
const e = randomEmbeddings(61, 3000, dim);
const npy = join(root, 'items.npy');
writeFileSync(npy, formatNpy(e.vectors, 3000, dim));
const csv = join(root, 'items.csv');
writeFileSync(
  csv,
  `id,shelf\n${Array.from({ length: 3000 }, (_, i) => `${i},${i % 3 === 0 ? 'top' : 'low'}`).join('\n')}\n`,
);
const queries = e.query(20);

describe('reckit index', () => {
  test('builds an int8 HNSW index with attributes; it loads and filters by them', async () => {
    const out = join(root, 'hnsw.index');
    const r = await cli([
      'index',
      npy,
      '--out',
      out,
      '--hnsw',
      '--quantize',
      'int8',
      '--ef',
      '64',
      '--attributes',
      csv,
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      items: number;
      dim: number;
      attributes: string[];
      hnsw: { quantize: string };
    };
    expect(report).toMatchObject({ items: 3000, dim: 16, attributes: ['shelf'], hnsw: { quantize: 'int8' } });
    const opened = await openIndex(out);
    expect(opened).toBeInstanceOf(HnswIndex);
    const hnsw = opened as HnswIndex;
    expect([hnsw.quantize, hnsw.ef, hnsw.size]).toEqual(['int8', 64, 3000]);
    // the where filter sees the CSV's column, inside the graph walk
    for (let q = 0; q < 20; q++) {
      const hits = hnsw.search(queries.subarray(q * dim, (q + 1) * dim), {
        top: 5,
        filter: { where: { shelf: 'top' } },
      });
      expect(hits).toHaveLength(5);
      for (const h of hits) expect((h.id as number) % 3).toBe(0);
    }
  });

  test('an exact index: same answers as EmbeddingIndex.fromArrays on the same rows', async () => {
    const out = join(root, 'exact.index');
    const r = await cli(['index', npy, '--out', out, '--metric', 'cosine']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^reckit index: 3000 items x 16 dims \(cosine\) from .*items\.npy; saved to /);
    const ids = Int32Array.from({ length: 3000 }, (_, i) => i);
    const direct = EmbeddingIndex.fromArrays(ids, e.vectors, dim, { metric: 'cosine' });
    const back = await openIndex(out);
    expect(await back.searchBatch(queries, { top: 10 })).toEqual(await direct.searchBatch(queries, { top: 10 }));
  });

  test('mistakes: one line, exit 2, and a folder that is not an index is never replaced', async () => {
    const mine = join(root, 'my-folder');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const cases: [string[], RegExp][] = [
      [['index', join(root, 'nope.npy'), '--out', join(root, 'x')], /nope\.npy does not exist/],
      [['index', csv, '--out', join(root, 'x')], /unknown embeddings file type "\.csv"/],
      [['index', npy, '--out', join(root, 'x'), '--metric', 'l2'], /--metric must be dot or cosine/],
      [['index', npy, '--out', join(root, 'x'), '--hnsw', '--quantize', 'fp16'], /--quantize must be none or int8/],
      [['index', npy, '--out', join(root, 'x'), '--hnsw', '--m', '0'], /--m must be a positive integer/],
      [
        ['index', npy, '--out', join(root, 'x'), '--attributes', npy],
        /--attributes: .* use a \.parquet, \.csv or \.arrow/,
      ],
      [['index', npy, '--out', mine], /my-folder/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      expect(r.err).toMatch(pattern);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
    }
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(root, 'x'))).toBe(false);
  });
});
