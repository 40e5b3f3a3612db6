import { InputError } from '../engine/errors.js';
import type { CaseResult, SuiteOptions } from './bench-case.js';
import { failedCase } from './harness.js';
import { casesFrom } from './plain-case.js';
import { caseLine } from './report/case-line.js';

/**
 * A registered suite. Its module is imported only when the suite runs, so listing suites is
 * cheap and a suite whose module (or anything it imports) fails to load becomes one failed row
 * in the report instead of stopping every other suite.
 */
export interface SuiteEntry {
  name: string;
  description: string;
  /** The module and the export to call: `fn(opts)` returning CaseResults or plain result objects. */
  load: () => Promise<Record<string, unknown>>;
  fn: string;
}

/** Every suite, in the order a full run takes them. */
export const SUITES: readonly SuiteEntry[] = [
  {
    name: 'data',
    description: 'parse + RatingMatrix build: ml-latest-small, synthetic ML-25M-shape CSV (time, peak RSS)',
    load: () => import('./data.bench.js'),
    fn: 'runDataBench',
  },
  {
    name: 'topn-peers',
    description: 'bulk top-10 scoring: reckit native vs reckit reference, tfjs-wasm, ml-matrix (same factors)',
    load: () => import('./peers/top-n-peers.js'),
    fn: 'runTopNPeers',
  },
  {
    name: 'svd',
    description: 'SVD fit on ml-100k / ml-1m-triples folds (RMSE beside time), one SGD epoch on a 25M-rating set',
    load: () => import('./svd.bench.js'),
    fn: 'runSvdBench',
  },
  {
    name: 'topn',
    description: 'FactorModel top-10 for all users (ml-latest-small, ML-1M and ML-25M shapes), one-user p50/p99',
    load: () => import('./topn.bench.js'),
    fn: 'runTopnBench',
  },
  {
    name: 'micro',
    description: 'one user top-10 over 59,047 items (benchmark.js): reckit recommend() vs tfjs-wasm, ml-matrix',
    load: () => import('./peers/micro-peers.js'),
    fn: 'runMicroPeers',
  },
  {
    name: 'svd-peers',
    description:
      'rank-100 factorisation of ml-100k: reckit SVD vs scikit-learn TruncatedSVD, ml-matrix SVD (RMSE next to time)',
    load: () => import('./peers/svd-peers.js'),
    fn: 'runSvdPeers',
  },
  {
    name: 'kmeans',
    description: 'k-means from the same init: reckit vs scikit-learn KMeans and ml-kmeans (inertia beside time)',
    load: () => import('./kmeans.bench.js'),
    fn: 'runKmeansBench',
  },
  {
    name: 'ranking',
    description: 'implicit ALS iteration (64/128 factors), EASE and item-kNN fit: native beside the TypeScript twins',
    load: () => import('./ranking.bench.js'),
    fn: 'runRankingBench',
  },
  {
    name: 'serve',
    description: 'reckit serve under concurrent load (autocannon, loopback) beside a bare node:http server',
    load: () => import('./serve.bench.js'),
    fn: 'runServeBench',
  },
  {
    name: 'serve-budget',
    description: "serve's complexity budget: each kept mechanism against the same server without it (ABBA pairs)",
    load: () => import('./serve-budget.bench.js'),
    fn: 'runServeBudgetBench',
  },
  {
    name: 'sagemaker-local',
    description: 'local SageMaker overhead: a training job and InvokeEndpoint calls vs the same work in-process',
    load: () => import('./sagemaker-local.bench.js'),
    fn: 'runSagemakerLocalBench',
  },
  {
    name: 'warehouse',
    description: 'rows/s: write a top-10 table and read a ratings table, DuckDB vs snowflake-sdk on the REST stand-in',
    load: () => import('./warehouse.bench.js'),
    fn: 'runWarehouseBench',
  },
  {
    name: 'embeddings',
    description: 'embedding top-10: exact batched/single vs TF.js wasm, HNSW vs hnswlib-node direct (recall@10)',
    load: () => import('./embeddings.bench.js'),
    fn: 'runEmbeddingsBench',
  },
];

/** Runs one suite; a load failure or a throw is recorded as a failed case, never a crash. */
export async function runSuite(s: SuiteEntry, o: SuiteOptions): Promise<CaseResult[]> {
  let cases: CaseResult[];
  try {
    const mod = await s.load();
    const run = mod[s.fn];
    if (typeof run !== 'function') throw new Error(`the ${s.name} suite module does not export ${s.fn}()`);
    cases = casesFrom(s.name, await run({ ...o }));
  } catch (error) {
    cases = [failedCase(s.name, `${s.name} suite`, error)];
  }
  for (const r of cases) o.log?.(caseLine(r));
  return cases;
}

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}

/** Suites by name (comma lists allowed); InputError naming the known suites for an unknown one. */
export function selectSuites(names: readonly string[] | undefined): SuiteEntry[] {
  if (!names || names.length === 0 || names.includes('all')) return [...SUITES];
  const wanted = names.flatMap((n) => n.split(',')).filter(Boolean);
  return wanted.map((n) => {
    const s = SUITES.find((x) => x.name === n);
    if (!s) throw new InputError(`unknown bench suite "${n}"; known: ${suiteNames().join(', ')}, all`);
    return s;
  });
}
