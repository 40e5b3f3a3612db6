/**
 * Embedding top-10 side by side, per shape (items x dims; seeded synthetic vectors, see
 * embeddings-data.ts; dot product):
 *   exact batched: reckit EmbeddingIndex.searchBatch (native, all cores) vs TF.js wasm matMul + topk;
 *   exact single query: reckit search() vs TF.js matMul + topk, one query per call;
 *   approximate (embeddings-hnsw.ts): per graph (M, efConstruction; float32 and int8 points), build time vs hnswlib-node
 *     addPoint, then the recall@10 / queries-per-second curve over ef: single queries vs the same
 *     graph searched through hnswlib-node directly, batched queries vs the exact batched figure;
 *     the default ef again with a filter (200 excluded ids + a 50% row mask).
 * Shapes: --quick 100k x 64; full 100k x 64, 100k x 256, 1M x 64, 1M x 256.
 * Run alone: npx tsc -p tsconfig.build.json && node dist/bench/embeddings.bench.js [--quick] [--shapes 100000x64,...]
 *   [--hnsw 16:200,16:200:int8,32:200] [--efs 32,64,128,256] [--build-rows 100000]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeVector, Table } from 'apache-arrow';
import { EmbeddingIndex } from '../engine/embeddings/embedding-index.js';
import { HNSW_DEFAULTS } from '../engine/embeddings/hnsw-index.js';
import { defaultThreads, kernels } from '../engine/kernels/registry.js';
import type { CaseResult } from './bench-case.js';
import { syntheticEmbeddings } from './embeddings-data.js';
import { type HnswParams, runHnswCases } from './embeddings-hnsw.js';
import { measureSideBySide } from './harness.js';
import { loadTfjs, type TfjsSetup } from './peers/tfjs-top-n.js';

export interface EmbeddingsBenchOptions {
  quick?: boolean | undefined;
  runs?: number | undefined;
  /** [items, dims] pairs; default by `quick`. */
  shapes?: [number, number][] | undefined;
  /** Shapes above this many floats (items x dims) skip the HNSW cases (their builds take minutes); default none. */
  approxMaxFloats?: number | undefined;
  /** HNSW graphs to build per shape (default: HnswIndex's defaults). */
  hnsw?: HnswParams[] | undefined;
  /** ef values of the recall / speed curve (default 32, 64, 128, 256; --quick: the default ef). */
  efs?: number[] | undefined;
  /** Rows of the HNSW build comparison, reckit vs hnswlib-node (default 100,000; --quick 20,000). */
  buildRows?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

const SUITE = 'embeddings';
const TOP = 10;

export async function runEmbeddingsBench(o: EmbeddingsBenchOptions = {}): Promise<CaseResult[]> {
  const shapes =
    o.shapes ??
    (o.quick
      ? [[100_000, 64]]
      : [
          [100_000, 64],
          [100_000, 256],
          [1_000_000, 64],
          [1_000_000, 256],
        ]);
  const runs = o.runs ?? (o.quick ? 2 : 3);
  const out: CaseResult[] = [];
  const tf = await loadTfjs(defaultThreads());
  for (const [n, dim] of shapes as [number, number][]) {
    const rows = await runShape(n, dim, tf, runs, o);
    out.push(...rows);
  }
  return out;
}

async function runShape(
  n: number,
  dim: number,
  tf: TfjsSetup,
  runs: number,
  o: EmbeddingsBenchOptions,
): Promise<CaseResult[]> {
  const size = `${n.toLocaleString('en-US')} items x ${dim} dims`;
  const threads = defaultThreads();
  const nBatch = n >= 1_000_000 ? 200 : 1000;
  const nSingle = n >= 1_000_000 ? 20 : 100;
  // queries from the same distribution as the items (same latent directions), not in the index
  const all = syntheticEmbeddings(dim, n + nBatch, dim);
  const vectors = all.subarray(0, n * dim);
  const queries = all.slice(n * dim);
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  // a 50/50 attribute scattered over the rows (top bit of a multiplicative hash)
  const shelf = Int32Array.from({ length: n }, (_, i) => Math.imul(i, 2654435761) >>> 31);
  const index = EmbeddingIndex.fromArrays(ids, vectors, dim, {
    attributes: new Table({ id: makeVector(ids), shelf: makeVector(shelf) }),
  });
  const out: CaseResult[] = [];
  const log = (rs: CaseResult[]) => {
    for (const r of rs) {
      out.push(r);
      o.log?.(
        `${r.group} | ${r.impl} | median ${r.seconds?.median.toFixed(4)} s ${JSON.stringify(r.metrics)}${r.error ? ` ERROR ${r.error}` : ''}`,
      );
    }
  };
  const base = { dataset: 'synthetic', size, notes: undefined };
  const items = tf.tf.tensor2d(vectors, [n, dim]);

  // exact, batched
  const block = Math.max(1, Math.floor(2 ** 24 / n));
  const batchGroup = `exact top-10, ${nBatch} queries batched, ${size}`;
  const exactLists: number[][] = [];
  log(
    await measureSideBySide(
      SUITE,
      [
        {
          ...base,
          group: batchGroup,
          name: `${batchGroup} reckit`,
          impl: 'reckit',
          backend: kernels().name,
          threads,
          run: async () => {
            const t0 = performance.now();
            const r = await index.searchBatch(queries, { top: TOP, threads });
            const s = (performance.now() - t0) / 1000;
            exactLists.length = 0;
            for (const l of r) exactLists.push(l.map((h) => h.id as number));
            return { metrics: { queriesPerSec: nBatch / s } };
          },
        },
        {
          ...base,
          group: batchGroup,
          name: `${batchGroup} tfjs`,
          impl: `tfjs-${tf.backend}`,
          backend: tf.backend,
          threads: tf.threads,
          notes: `${tf.notes}; matMul(queries, items^T) + topk in blocks of ${block} queries`,
          run: async () => {
            const t0 = performance.now();
            for (let q0 = 0; q0 < nBatch; q0 += block) {
              const m = Math.min(block, nBatch - q0);
              const { values, indices } = tf.tf.tidy(() => {
                const qb = tf.tf.tensor2d(queries.subarray(q0 * dim, (q0 + m) * dim), [m, dim]);
                return tf.tf.topk(tf.tf.matMul(qb, items, false, true), TOP);
              });
              await indices.data();
              await values.data();
              tf.tf.dispose([values, indices]);
            }
            return { metrics: { queriesPerSec: nBatch / ((performance.now() - t0) / 1000) } };
          },
        },
      ],
      { warmup: 1, runs },
    ),
  );

  // exact, one query per call
  const singleGroup = `exact top-10, single queries (${nSingle} calls), ${size}`;
  const perCall = (lat: number[]) => {
    const s = [...lat].sort((a, b) => a - b);
    return {
      p50Ms: s[Math.floor(s.length / 2)]! * 1000,
      queriesPerSec: lat.length / lat.reduce((a, b) => a + b, 0),
    };
  };
  log(
    await measureSideBySide(
      SUITE,
      [
        {
          ...base,
          group: singleGroup,
          name: `${singleGroup} reckit`,
          impl: 'reckit',
          backend: kernels().name,
          threads,
          run: () => {
            const lat: number[] = [];
            for (let q = 0; q < nSingle; q++) {
              const t0 = performance.now();
              index.search(queries.subarray(q * dim, (q + 1) * dim), { top: TOP });
              lat.push((performance.now() - t0) / 1000);
            }
            return { metrics: perCall(lat) };
          },
        },
        {
          ...base,
          group: singleGroup,
          name: `${singleGroup} tfjs`,
          impl: `tfjs-${tf.backend}`,
          backend: tf.backend,
          threads: tf.threads,
          notes: tf.notes,
          run: async () => {
            const lat: number[] = [];
            for (let q = 0; q < nSingle; q++) {
              const t0 = performance.now();
              const { values, indices } = tf.tf.tidy(() => {
                const qv = tf.tf.tensor2d(queries.subarray(q * dim, (q + 1) * dim), [1, dim]);
                return tf.tf.topk(tf.tf.matMul(qv, items, false, true), TOP);
              });
              await indices.data();
              await values.data();
              tf.tf.dispose([values, indices]);
              lat.push((performance.now() - t0) / 1000);
            }
            return { metrics: perCall(lat) };
          },
        },
      ],
      { warmup: 1, runs },
    ),
  );
  tf.tf.dispose(items);

  if (n * dim > (o.approxMaxFloats ?? Number.POSITIVE_INFINITY)) {
    o.log?.(`approximate cases skipped for ${size} (approxMaxFloats ${o.approxMaxFloats})`);
    return out;
  }
  // approximate: the recall / speed curve of each graph, against the exact references above
  const exactOf = (g: string) => out.find((r) => r.group === g && r.impl === 'reckit')?.metrics.queriesPerSec;
  const filter = { exclude: Array.from({ length: 200 }, (_, i) => (i * 7919) % n), where: { shelf: 1 } };
  const filteredLists = (await index.searchBatch(queries, { top: TOP, filter })).map((l) =>
    l.map((h) => h.id as number),
  );
  await runHnswCases({
    index,
    queries,
    nQueries: nBatch,
    size,
    top: TOP,
    runs,
    graphs: o.hnsw ?? [
      { m: HNSW_DEFAULTS.m, efConstruction: HNSW_DEFAULTS.efConstruction },
      { m: HNSW_DEFAULTS.m, efConstruction: HNSW_DEFAULTS.efConstruction, quantize: 'int8' },
    ],
    efs: o.efs ?? (o.quick ? [HNSW_DEFAULTS.ef] : [32, 64, 128, 256]),
    defaultEf: HNSW_DEFAULTS.ef,
    exactLists,
    filteredLists,
    filter,
    exactSingleQps: exactOf(singleGroup) ?? Number.NaN,
    exactBatchQps: exactOf(batchGroup) ?? Number.NaN,
    buildRows: o.buildRows ?? (o.quick ? 20_000 : undefined),
    log,
    note: o.log,
  });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      shapes: { type: 'string' },
      runs: { type: 'string' },
      'approx-max-floats': { type: 'string' },
      hnsw: { type: 'string' },
      efs: { type: 'string' },
      'build-rows': { type: 'string' },
      json: { type: 'string' },
    },
  });
  const shapes = values.shapes?.split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const results = await runEmbeddingsBench({
    quick: values.quick,
    shapes,
    runs: values.runs ? Number(values.runs) : undefined,
    approxMaxFloats: values['approx-max-floats'] ? Number(values['approx-max-floats']) : undefined,
    hnsw: values.hnsw?.split(',').map((s) => {
      const [m, efConstruction, points] = s.split(':');
      return {
        m: Number(m),
        efConstruction: Number(efConstruction),
        quantize: points === 'int8' ? 'int8' : 'none',
      } as const;
    }),
    efs: values.efs?.split(',').map(Number),
    buildRows: values['build-rows'] ? Number(values['build-rows']) : undefined,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
}
