/**
 * Ranking recommenders' training cost, native kernels beside their TypeScript twins (the pure-JS
 * line) in the same run:
 *   implicit ALS: one iteration (users then items, 3 CG steps per row) at 64 and 128 factors;
 *   EASE: the whole fit (Gram, Cholesky inverse, B); item-kNN (cosine, 200 neighbours): the whole fit.
 * Quick (CI): ml-100k only. Full: ml-1m-triples too. Peers that cannot be installed here are
 * quoted in the notes, never timed: the implicit library's published 0.84 s per ALS iteration on
 * ML-20M at 64 factors on 8 cores (benchmarks/README). nDCG is measured by `reckit evaluate`.
 * Run: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/run.js --suite ranking [--quick]
 */
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { EASE } from '../engine/algorithms/ease.js';
import { confidenceCsr } from '../engine/algorithms/implicit-als.js';
import { ItemKNN } from '../engine/algorithms/item-knn.js';
import { backend, defaultThreads } from '../engine/kernels/registry.js';
import type { Csr, Kernels } from '../engine/kernels/signatures.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';
import type { CaseResult, SuiteOptions } from './bench-case.js';
import { measureSideBySide, type TimedCase } from './harness.js';

const SUITE = 'ranking';
const IMPLICIT_NOTE =
  'implicit (not installable here, no PyPI): 0.84 s/iteration, ML-20M, 64 factors, 8 cores (published)';

async function matrixOf(spec: string, dataDir: string): Promise<RatingMatrix> {
  const d = await loadDataset(spec, { items: false, dataDir });
  return (await RatingMatrix.fromTable(d.ratings, { scale: d.scale, source: spec })).matrix;
}

function alsCase(
  name: string,
  m: RatingMatrix,
  byUser: Csr,
  byItem: Csr,
  k: Kernels,
  factors: number,
  threads: number,
): TimedCase {
  const x = new Float32Array(m.nUsers * factors);
  const y = new Float32Array(m.nItems * factors);
  const reference = k.name === 'reference';
  return {
    group: `als ${name} k=${factors}`,
    name: `ALS iteration ${name} k=${factors}`,
    impl: reference ? 'reckit-reference' : 'reckit',
    dataset: name,
    size: `${m.nRatings.toLocaleString('en-US')} ratings x ${factors} factors`,
    backend: k.name,
    threads: reference ? 1 : threads,
    notes: reference ? 'TypeScript twin (pure JS)' : IMPLICIT_NOTE,
    maxRuns: reference ? 1 : undefined,
    setup: async () => {
      await k.fillNormal(x, 0, 0.01, 1);
      await k.fillNormal(y, 0, 0.01, 2);
    },
    run: async () => {
      const step = { k: factors, reg: 10, cgSteps: 3, threads };
      // Each run continues from the last one's factors (CG warm starts, as in a fit).
      await k.alsHalfStep({ rows: byUser, solve: x, fixed: y, ...step });
      await k.alsHalfStep({ rows: byItem, solve: y, fixed: x, ...step });
      return undefined;
    },
  };
}

function fitCase(
  group: string,
  name: string,
  m: RatingMatrix,
  k: Kernels,
  fit: (k: Kernels) => Promise<unknown>,
): TimedCase {
  const reference = k.name === 'reference';
  return {
    group: `${group} ${name}`,
    name: `${group} fit ${name}`,
    impl: reference ? 'reckit-reference' : 'reckit',
    dataset: name,
    size: `${m.nItems.toLocaleString('en-US')} items, ${m.nRatings.toLocaleString('en-US')} ratings`,
    backend: k.name,
    threads: reference ? 1 : defaultThreads(),
    notes: reference ? 'TypeScript twin (pure JS)' : undefined,
    maxRuns: reference ? 1 : undefined,
    run: async () => {
      await fit(k);
      return undefined;
    },
  };
}

export async function runRankingBench(o: SuiteOptions): Promise<CaseResult[]> {
  const quick = o.quick;
  const runs = o.runs ?? (quick ? 2 : 3);
  const threads = defaultThreads();
  const native = backend('native');
  const reference = backend('reference');
  const sets = quick ? ['ml-100k'] : ['ml-100k', 'ml-1m-triples'];
  const results: CaseResult[] = [];
  for (const name of sets) {
    const m = await matrixOf(name, o.dataDir);
    const byUser = confidenceCsr(m.csr, { alpha: 2, base: 0, scaling: 'linear', eps: 1 });
    const byItem = await native.transposeCsr(byUser);
    const cases: TimedCase[] = [];
    for (const factors of quick ? [64] : [64, 128]) {
      cases.push(alsCase(name, m, byUser, byItem, native, factors, threads));
      cases.push(alsCase(name, m, byUser, byItem, reference, factors, threads));
    }
    cases.push(fitCase('EASE', name, m, native, (k) => new EASE({ lambda: 500 }, { kernels: k }).fit(m)));
    // The pure-JS inverse of ml-1m's 3,706 x 3,706 Gram takes minutes: ml-100k only.
    if (name === 'ml-100k' && !quick) {
      cases.push(fitCase('EASE', name, m, reference, (k) => new EASE({ lambda: 500 }, { kernels: k }).fit(m)));
    }
    cases.push(fitCase('item-kNN', name, m, native, (k) => new ItemKNN({ neighbours: 200 }, { kernels: k }).fit(m)));
    for (const c of cases) o.log?.(`ranking: ${c.name} [${c.backend}]`);
    results.push(...(await measureSideBySide(SUITE, cases, { warmup: quick ? 0 : 1, runs })));
  }
  return results;
}
