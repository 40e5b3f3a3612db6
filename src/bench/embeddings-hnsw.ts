/**
 * The approximate cases of the embeddings suite: one HNSW graph per (M, efConstruction), its
 * recall@10 / queries-per-second curve over `ef`, each point against the same graph searched
 * directly through hnswlib-node, and the default `ef` again with a filter. Speed-ups are given
 * against both exact references measured in the same run: single queries (`search`, one core)
 * and batched queries (`searchBatch`, all cores).
 */

import type { EmbeddingIndex, Hit } from '../engine/embeddings/embedding-index.js';
import type { EmbeddingFilter } from '../engine/embeddings/filters.js';
import { HnswIndex } from '../engine/embeddings/hnsw-index.js';
import type { CaseResult } from './bench-case.js';
import { recallAtK } from './embeddings-data.js';
import { measureSideBySide, type TimedCase } from './harness.js';

export interface HnswParams {
  m: number;
  efConstruction: number;
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
  log: (rs: CaseResult[]) => void;
  note?: ((line: string) => void) | undefined;
}

const SUITE = 'embeddings';

export async function runHnswCases(a: HnswBenchInput): Promise<void> {
  const dim = a.index.dim;
  const mask = a.index.rowMask(a.filter) as Uint8Array;
  const base = { dataset: 'synthetic', size: a.size, backend: 'hnswlib-node', threads: 1 };
  for (const g of a.graphs) {
    const t0 = performance.now();
    const hnsw = await HnswIndex.build(a.index, { m: g.m, efConstruction: g.efConstruction });
    const buildSeconds = (performance.now() - t0) / 1000;
    const graph = `M ${g.m}, efConstruction ${g.efConstruction}`;
    a.note?.(`hnsw build ${a.size}: ${buildSeconds.toFixed(1)} s (${graph})`);
    const lib = hnsw.library;
    const points: { ef: number; filtered: boolean }[] = a.efs.map((ef) => ({ ef, filtered: false }));
    if (a.efs.includes(a.defaultEf)) points.push({ ef: a.defaultEf, filtered: true });
    for (const { ef, filtered } of points) {
      const f = filtered ? a.filter : undefined;
      const want = filtered ? a.filteredLists : a.exactLists;
      const group = `approximate top-${a.top} (HNSW ${graph}, ef ${ef}), ${a.nQueries} queries${filtered ? ', filtered' : ''}, ${a.size}`;
      const cases: TimedCase[] = [
        {
          ...base,
          group,
          name: `${group} reckit`,
          impl: 'reckit',
          notes: `build ${buildSeconds.toFixed(1)} s; exact ${a.exactSingleQps.toFixed(0)} q/s single, ${a.exactBatchQps.toFixed(0)} q/s batched`,
          setup: () => hnsw.setEf(ef),
          run: async () => {
            const s0 = performance.now();
            const r: Hit[][] = await hnsw.searchBatch(a.queries, { top: a.top, filter: f });
            const qps = a.nQueries / ((performance.now() - s0) / 1000);
            const recall10 = recallAtK(
              r.map((l) => l.map((h) => h.id as number)),
              want,
            );
            return {
              metrics: {
                queriesPerSec: qps,
                recall10,
                speedupVsExactSingle: qps / a.exactSingleQps,
                speedupVsExactBatched: qps / a.exactBatchQps,
                buildSeconds,
              },
            };
          },
        },
        {
          ...base,
          group,
          name: `${group} hnswlib-node`,
          impl: 'hnswlib-node',
          notes: 'the same graph, searchKnn called directly (labels are row numbers)',
          run: () => {
            const s0 = performance.now();
            const keep = f ? (label: number) => mask[label] === 1 : undefined;
            const r: number[][] = [];
            for (let q = 0; q < a.nQueries; q++) {
              r.push(lib.searchKnn(Array.from(a.queries.subarray(q * dim, (q + 1) * dim)), a.top, keep).neighbors);
            }
            const s = (performance.now() - s0) / 1000;
            return { metrics: { queriesPerSec: a.nQueries / s, recall10: recallAtK(r, want) } };
          },
        },
      ];
      // graph searches are short: more rounds, so neighbours' load on the shared machine averages out
      a.log(await measureSideBySide(SUITE, cases, { warmup: 1, runs: a.runs + 3 }));
    }
  }
}
