/**
 * Ranking recommenders' training cost, native kernels beside their TypeScript twins (the pure-JS
 * line) in the same run:
 *   implicit ALS: one iteration (users then items, 3 CG steps per row) at 64 and 128 factors, the
 *     float32 CG solve (the default) beside the float64 one it replaced, and the float32 twin;
 *   ALS accuracy: a whole fit of either precision scored under ms-recommenders on ml-100k (banded);
 *   EASE: the whole fit (Gram, Cholesky inverse, B); item-kNN (cosine, 200 neighbours): the whole fit.
 * Quick (CI): ml-100k, and ml-1m-triples' ALS iteration natively. Full: ml-1m-triples with every
 * line, and the synthetic ml-25m-shape (25M ratings) ALS iteration natively. Peers that cannot be
 * installed here are quoted in the notes, never timed: the implicit library's published 0.84 s per
 * ALS iteration on ML-20M at 64 factors on 8 cores (benchmarks/README; docs/peer-figures.md).
 * Run: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/run.js --suite ranking [--quick]
 */
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { EASE } from '../engine/algorithms/ease.js';
import { confidenceCsr, ImplicitALS } from '../engine/algorithms/implicit-als.js';
import { ItemKNN } from '../engine/algorithms/item-knn.js';
import { SLIM } from '../engine/algorithms/slim.js';
import { evaluateRanking } from '../engine/eval/evaluate-ranking.js';
import { protocolSplit } from '../engine/eval/protocols.js';
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

interface AlsData {
  name: string;
  m: RatingMatrix;
  byUser: Csr;
  byItem: Csr;
}

function alsCase(d: AlsData, k: Kernels, factors: number, precision: 32 | 64, threads: number): TimedCase {
  const { m, byUser, byItem } = d;
  const x = new Float32Array(m.nUsers * factors);
  const y = new Float32Array(m.nItems * factors);
  const reference = k.name === 'reference';
  const before = precision === 64 ? 'float64 CG, the solver float32 replaced' : undefined;
  return {
    group: `als ${d.name} k=${factors}`,
    name: `ALS iteration ${d.name} k=${factors} float${precision}`,
    impl: reference ? 'reckit-reference' : 'reckit',
    dataset: d.name,
    size: `${m.nRatings.toLocaleString('en-US')} ratings x ${factors} factors`,
    backend: k.name,
    threads: reference ? 1 : threads,
    notes: reference ? 'TypeScript twin (pure JS)' : (before ?? IMPLICIT_NOTE),
    maxRuns: reference ? 1 : undefined,
    setup: async () => {
      await k.fillNormal(x, 0, 0.01, 1);
      await k.fillNormal(y, 0, 0.01, 2);
    },
    run: async () => {
      const step = { k: factors, reg: 10, cgSteps: 3, cgPrecision: precision, threads, loss: false };
      // Each run continues from the last one's factors (CG warm starts, as in a fit).
      await k.alsHalfStep({ rows: byUser, solve: x, fixed: y, ...step });
      await k.alsHalfStep({ rows: byItem, solve: y, fixed: x, ...step });
      return undefined;
    },
  };
}

/**
 * A whole ALS fit on ml-100k's ms-recommenders split (seed 0) with the tuned parameters of
 * docs/ranking.md, scored: the float32 solve must rank as well as the float64 one (bands.ts).
 */
function alsAccuracyCase(m: RatingMatrix, precision: 32 | 64): TimedCase {
  const split = protocolSplit('ms-recommenders', m, { seed: 0 });
  const params = { factors: 64, reg: 5, regExponent: 0.5, alpha: 1.5, base: 0 };
  return {
    group: 'als ml-100k fit + nDCG@10',
    name: `ALS fit ml-100k float${precision} (ms-recommenders seed 0)`,
    impl: 'reckit',
    dataset: 'ml-100k',
    size: `${split.train.nRatings.toLocaleString('en-US')} training ratings x 64 factors, 15 iterations`,
    backend: 'native',
    threads: defaultThreads(),
    run: async () => {
      const cgPrecision = precision === 32 ? 'float32' : 'float64';
      const r = await evaluateRanking(new ImplicitALS({ ...params, cgPrecision }), split);
      return { metrics: { ndcg: r.metrics.ndcg, precision: r.metrics.precision } };
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

async function alsData(name: string, dataDir: string, native: Kernels): Promise<AlsData> {
  const m = await matrixOf(name, dataDir);
  const byUser = confidenceCsr(m.csr, { alpha: 2, base: 0, scaling: 'linear', eps: 1 });
  return { name, m, byUser, byItem: await native.transposeCsr(byUser) };
}

export async function runRankingBench(o: SuiteOptions): Promise<CaseResult[]> {
  const quick = o.quick;
  const runs = o.runs ?? (quick ? 2 : 3);
  const threads = defaultThreads();
  const native = backend('native');
  const reference = backend('reference');
  const results: CaseResult[] = [];
  const measure = async (cases: TimedCase[], warmup: number, n = runs) => {
    for (const c of cases) o.log?.(`ranking: ${c.name} [${c.backend}]`);
    results.push(...(await measureSideBySide(SUITE, cases, { warmup, runs: n })));
  };
  for (const name of ['ml-100k', 'ml-1m-triples']) {
    const d = await alsData(name, o.dataDir, native);
    const small = name === 'ml-100k';
    const cases: TimedCase[] = [];
    for (const factors of quick ? [64] : [64, 128]) {
      cases.push(alsCase(d, native, factors, 32, threads), alsCase(d, native, factors, 64, threads));
      // The pure-JS twin: ~10 s per iteration on ml-1m, so one size there and none in the quick run.
      if (small || (!quick && factors === 64)) cases.push(alsCase(d, reference, factors, 32, threads));
    }
    if (small) cases.push(alsAccuracyCase(d.m, 32), alsAccuracyCase(d.m, 64));
    if (small || !quick) {
      const { m } = d;
      cases.push(fitCase('EASE', name, m, native, (k) => new EASE({ lambda: 500 }, { kernels: k }).fit(m)));
      // The pure-JS inverse of ml-1m's 3,706 x 3,706 Gram takes minutes: ml-100k only.
      if (small && !quick) {
        cases.push(fitCase('EASE', name, m, reference, (k) => new EASE({ lambda: 500 }, { kernels: k }).fit(m)));
      }
      cases.push(fitCase('item-kNN', name, m, native, (k) => new ItemKNN({ neighbours: 200 }, { kernels: k }).fit(m)));
      // SLIM's coordinate descent: seconds natively on ml-100k, about a minute in the twin.
      if (small && !quick) {
        for (const k of [native, reference])
          cases.push(fitCase('SLIM', name, m, k, (kk) => new SLIM({}, { kernels: kk }).fit(m)));
      }
    }
    await measure(cases, quick ? 0 : 1);
  }
  if (!quick) {
    // 25M ratings (the seeded generator's ML-25M shape): natively only, one timed iteration each.
    const d = await alsData('synthetic:ml-25m-shape', o.dataDir, native);
    const cases = [64, 128].flatMap((f) => [alsCase(d, native, f, 32, threads), alsCase(d, native, f, 64, threads)]);
    await measure(cases, 0, 1);
  }
  return results;
}
