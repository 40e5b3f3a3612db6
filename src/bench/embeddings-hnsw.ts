/**
 * The approximate cases of the embeddings suite, per graph (M, efConstruction, float32 or int8 points):
 *   build: reckit's native build (all threads) vs hnswlib-node addPoint from JS, on the same rows;
 *   per ef: recall@10 and queries/s of single queries (reckit `search`, synchronous) vs hnswlib-node
 *     `searchKnn` on the identical graph (reckit's hnsw.bin loaded with readIndex), and of batched
 *     queries (reckit `searchBatch`, all threads); the default ef again with a filter. An int8 graph
 *     has no hnswlib-node row (the library cannot read it): compare it with the float32 graph's rows.
 * Ratios are like for like: approximate single vs exact single, approximate batched vs exact
 * batched (both exact figures measured in the same run). Each row carries the 1-minute load average.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingIndex, type Hit } from '../engine/embeddings/embedding-index.js';
import type { EmbeddingFilter } from '../engine/embeddings/filters.js';
import { HnswIndex } from '../engine/embeddings/hnsw-index.js';
import { type HnswLib, loadHnswlib } from '../engine/embeddings/hnswlib.js';
import type { HnswQuantize } from '../engine/kernels/addon/hnsw-kernels.js';
import { defaultThreads } from '../engine/kernels/registry.js';
import type { CaseResult } from './bench-case.js';
import { recallAtK } from './embeddings-data.js';
import { measureSideBySide, type TimedCase } from './harness.js';

export interface HnswParams {
  m: number;
  efConstruction: number;
  quantize?: HnswQuantize | undefined;
}

export interface HnswBenchInput {
  index: EmbeddingIndex;
  queries: Float32Array;
  nQueries: number;
  size: string;
  top: number;
  runs: number;
  graphs: HnswParams[];
  /** The ef values of the curve; `defaultEf` also runs filtered. */
  efs: number[];
  defaultEf: number;
  /** Exact top lists of the queries, unfiltered and with `filter`. */
  exactLists: number[][];
  filteredLists: number[][];
  filter: EmbeddingFilter;
  /** Exact queries/s measured in the same run: one query per call, and batched. */
  exactSingleQps: number;
  exactBatchQps: number;
  /** Rows of the build comparison (the first ones; default 100,000): hnswlib-node's JS build is slow. */
  buildRows?: number | undefined;
  log: (rs: CaseResult[]) => void;
  note?: ((line: string) => void) | undefined;
}

const SUITE = 'embeddings';
const load1 = () => loadavg()[0] ?? Number.NaN;

export async function runHnswCases(a: HnswBenchInput): Promise<void> {
  const lib = await loadHnswlib();
  const dim = a.index.dim;
  const threads = defaultThreads();
  const mask = a.index.rowMask(a.filter) as Uint8Array;
  const base = { dataset: 'synthetic', size: a.size };
  for (const g of a.graphs) {
    const quantize = g.quantize ?? 'none';
    const graph = `M ${g.m}, efConstruction ${g.efConstruction}${quantize === 'int8' ? ', int8' : ''}`;
    const build = { m: g.m, efConstruction: g.efConstruction, quantize, threads };
    a.log(await buildCases(a, g, graph));
    const t0 = performance.now();
    const hnsw = await HnswIndex.build(a.index, build);
    const buildSeconds = (performance.now() - t0) / 1000;
    a.note?.(`hnsw build ${a.size}: ${buildSeconds.toFixed(1)} s on ${threads} threads (${graph}), load ${load1()}`);
    // hnswlib-node searches the very graph reckit built: same file, same code, same neighbours
    const direct =
      quantize === 'none' ? await libraryOnSameGraph(hnsw, () => new lib.HierarchicalNSW('ip', dim)) : undefined;
    const points: { ef: number; filtered: boolean }[] = a.efs.map((ef) => ({ ef, filtered: false }));
    if (a.efs.includes(a.defaultEf)) points.push({ ef: a.defaultEf, filtered: true });
    for (const { ef, filtered } of points) {
      const f = filtered ? a.filter : undefined;
      const want = filtered ? a.filteredLists : a.exactLists;
      const what = `HNSW ${graph}, ef ${ef}), ${a.nQueries} queries${filtered ? ', filtered' : ''}, ${a.size}`;
      const setup = () => {
        hnsw.setEf(ef);
        direct?.setEf(ef);
      };
      const single = `approximate top-${a.top} single queries (${what}`;
      const keep = f ? (label: number) => mask[label] === 1 : undefined;
      const singleCases: TimedCase[] = [
        {
          ...base,
          group: single,
          name: `${single} reckit`,
          impl: 'reckit',
          backend: 'native',
          threads: 1,
          notes: `search() per query; exact single ${a.exactSingleQps.toFixed(0)} q/s`,
          setup,
          run: () => {
            const s0 = performance.now();
            const r: Hit[][] = [];
            for (let q = 0; q < a.nQueries; q++)
              r.push(hnsw.search(a.queries.subarray(q * dim, (q + 1) * dim), { top: a.top, filter: f }));
            const qps = a.nQueries / ((performance.now() - s0) / 1000);
            const ids = r.map((l) => l.map((h) => h.id as number));
            const m = { queriesPerSec: qps, recall10: recallAtK(ids, want), load1: load1() };
            return { metrics: { ...m, speedupVsExactSingle: qps / a.exactSingleQps, buildSeconds } };
          },
        },
      ];
      if (direct)
        singleCases.push({
          ...base,
          group: single,
          name: `${single} hnswlib-node`,
          impl: 'hnswlib-node',
          backend: 'hnswlib-node',
          threads: 1,
          notes: "searchKnn on reckit's graph file (readIndex), filter as a JS callback",
          run: () => {
            const s0 = performance.now();
            const r: number[][] = [];
            for (let q = 0; q < a.nQueries; q++)
              r.push(direct.searchKnn(Array.from(a.queries.subarray(q * dim, (q + 1) * dim)), a.top, keep).neighbors);
            const qps = a.nQueries / ((performance.now() - s0) / 1000);
            return { metrics: { queriesPerSec: qps, recall10: recallAtK(r, want), load1: load1() } };
          },
        });
      // graph searches are short: more rounds, so neighbours' load on the shared machine averages out
      a.log(await measureSideBySide(SUITE, singleCases, { warmup: 1, runs: a.runs + 3 }));
      const batched = `approximate top-${a.top} batched (${what}`;
      const batchCase: TimedCase = {
        ...base,
        group: batched,
        name: `${batched} reckit`,
        impl: 'reckit',
        backend: 'native',
        threads,
        notes: `searchBatch() on ${threads} threads; exact batched ${a.exactBatchQps.toFixed(0)} q/s`,
        setup,
        run: async () => {
          const s0 = performance.now();
          const r = await hnsw.searchBatch(a.queries, { top: a.top, filter: f, threads });
          const qps = a.nQueries / ((performance.now() - s0) / 1000);
          const ids = r.map((l) => l.map((h) => h.id as number));
          const m = { queriesPerSec: qps, recall10: recallAtK(ids, want), load1: load1() };
          return { metrics: { ...m, speedupVsExactBatched: qps / a.exactBatchQps } };
        },
      };
      a.log(await measureSideBySide(SUITE, [batchCase], { warmup: 1, runs: a.runs + 3 }));
    }
  }
}

/** hnswlib-node's index over reckit's saved graph file (read with readIndex). */
async function libraryOnSameGraph(hnsw: HnswIndex, make: () => HnswLib): Promise<HnswLib> {
  const dir = mkdtempSync(join(tmpdir(), 'reckit-bench-hnsw-'));
  const direct = make();
  try {
    await hnsw.save(join(dir, 'index'));
    await direct.readIndex(join(dir, 'index', 'hnsw.bin'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return direct;
}

/** One build each on the first `buildRows` rows: native on all threads vs hnswlib-node addPoint from JS. */
async function buildCases(a: HnswBenchInput, g: HnswParams, graph: string): Promise<CaseResult[]> {
  const lib = await loadHnswlib();
  const dim = a.index.dim;
  const n = Math.min(a.index.size, a.buildRows ?? 100_000);
  const vectors = a.index.data.vectors.subarray(0, n * dim);
  const sub = EmbeddingIndex.fromArrays(
    Int32Array.from({ length: n }, (_, i) => i),
    vectors,
    dim,
  );
  const threads = defaultThreads();
  const group = `HNSW build (${graph}), first ${n.toLocaleString('en-US')} rows of ${a.size}`;
  const base = { dataset: 'synthetic', size: a.size, group };
  const cases: TimedCase[] = [
    {
      ...base,
      name: `${group} reckit`,
      impl: 'reckit',
      backend: 'native',
      threads,
      notes: `HnswIndex.build, ${threads} threads`,
      run: async () => {
        await HnswIndex.build(sub, { m: g.m, efConstruction: g.efConstruction, quantize: g.quantize, threads });
        return { metrics: { rows: n, load1: load1() } };
      },
    },
    {
      ...base,
      name: `${group} hnswlib-node`,
      impl: 'hnswlib-node',
      backend: 'hnswlib-node',
      threads: 1,
      notes: 'initIndex + addPoint per row from JS',
      run: () => {
        const h = new lib.HierarchicalNSW('ip', dim);
        h.initIndex({ maxElements: n, m: g.m, efConstruction: g.efConstruction, randomSeed: 100 });
        for (let r = 0; r < n; r++) h.addPoint(Array.from(vectors.subarray(r * dim, (r + 1) * dim)), r);
        return { metrics: { rows: n, load1: load1() } };
      },
    },
  ];
  return measureSideBySide(SUITE, cases, { warmup: 0, runs: 1 });
}
