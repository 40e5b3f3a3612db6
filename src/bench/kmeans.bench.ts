/**
 * k-means side by side: reckit vs scikit-learn's KMeans (Debian python3-sklearn, in a child
 * process, timed inside Python around fit()) and npm ml-kmeans, on the same rows from the SAME
 * initial centroids (reckit's k-means++ seeds, passed to the peers as a raw float32 file), so
 * final inertias are comparable; plus full fits (each library's own k-means++, n_init = 1).
 *   ml-latest-small users, sparse CSR (610 x 9,724), k = 50
 *   ml-100k users, dense zero-filled (943 x 1,682), k = 50 (+ ml-kmeans)
 *   synthetic ml-25m-shape users (162,541 x 59,047, 25M ratings), sparse, k = 100, 10 Lloyd passes, one run (full mode)
 * Run: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/kmeans.bench.js [--quick] [--synthetic]
 */
import { kmeans as mlKmeans } from 'ml-kmeans';
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { defaultLocalTrials, initCentroids } from '../engine/algorithms/kmeans/init-centroids.js';
import { kmeans } from '../engine/algorithms/kmeans/kmeans.js';
import { prepareRows } from '../engine/algorithms/kmeans/kmeans-input.js';
import { defaultThreads, kernels } from '../engine/kernels/registry.js';
import type { Csr, KmeansRows } from '../engine/kernels/signatures.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';
import type { CaseResult } from './bench-case.js';
import type { AbsentPeer } from './bench-run.js';
import { measureCase, measureSideBySide, type TimedCase } from './harness.js';
import { SklearnPeer } from './peers/sklearn-peer.js';

export interface KmeansBenchOptions {
  quick?: boolean | undefined;
  dataDir?: string | undefined;
  runs?: number | undefined;
  /** Include the synthetic 25M-rating case (default: only when not quick). */
  synthetic?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
  reportAbsent?: ((peer: string, reason: string) => void) | undefined;
  reportVersion?: ((name: string, version: string) => void) | undefined;
}

const SUITE = 'kmeans';

interface Workload {
  dataset: string;
  size: string;
  rows: KmeansRows;
  k: number;
  /** Lloyd pass cap for every participant (the 25M case caps it to keep the run short). */
  maxIter: number;
  mlKmeans: boolean;
  /** Large inputs: one timed run, same-init cases only (no full fits, no plain-Lloyd twin). */
  large?: boolean | undefined;
}

async function userRows(spec: string, dataDir: string | undefined): Promise<Csr> {
  const d = await loadDataset(spec, { items: false, dataDir });
  const { matrix } = await RatingMatrix.fromTable(d.ratings, { source: spec });
  return matrix.csr;
}

function densify(csr: Csr): Float32Array {
  const out = new Float32Array(csr.nRows * csr.nCols);
  for (let r = 0; r < csr.nRows; r++)
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) out[r * csr.nCols + csr.cols[p]!] = csr.values[p]!;
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Users' rating rows as CSR, clustered as they are (never densified). */
function sparseWorkload(dataset: string, csr: Csr, k: number, maxIter: number): Workload {
  const size = `${fmt(csr.nRows)} users x ${fmt(csr.nCols)} items, sparse, ${fmt(csr.offsets[csr.nRows]!)} ratings`;
  return { dataset, size, rows: { kind: 'csr', csr }, k, maxIter, mlKmeans: false };
}

/** Runs the suite; returns one plain CaseResult per (case, implementation). */
export async function runKmeansBench(o: KmeansBenchOptions = {}): Promise<CaseResult[]> {
  const quick = o.quick ?? false;
  const runs = o.runs ?? (quick ? 2 : 5);
  const threads = defaultThreads();
  const work: Workload[] = [];
  const small = await userRows('ml-latest-small', o.dataDir);
  work.push(sparseWorkload('ml-latest-small', small, 50, 300));
  const m100k = await userRows('ml-100k', o.dataDir);
  work.push({
    dataset: 'ml-100k',
    size: `${fmt(m100k.nRows)} users x ${fmt(m100k.nCols)} items, dense zero-filled`,
    rows: { kind: 'dense', values: densify(m100k), nRows: m100k.nRows, dim: m100k.nCols },
    k: 50,
    maxIter: 300,
    mlKmeans: true,
  });
  if (o.synthetic ?? !quick) {
    const big = await userRows('synthetic:ml-25m-shape', o.dataDir);
    work.push({ ...sparseWorkload('synthetic ml-25m-shape', big, 100, 10), large: true });
  }
  const started = await SklearnPeer.start();
  const peer = started instanceof SklearnPeer ? started : undefined;
  if (!peer) o.reportAbsent?.('scikit-learn', (started as AbsentPeer).reason);
  else for (const [name, v] of Object.entries(peer.versions)) o.reportVersion?.(name, v);
  const results: CaseResult[] = [];
  try {
    for (const w of work) results.push(...(await workloadCases(w, peer, threads, runs)));
  } finally {
    peer?.close();
  }
  return results;
}

async function workloadCases(
  w: Workload,
  peer: SklearnPeer | undefined,
  threads: number,
  runs: number,
): Promise<CaseResult[]> {
  const K = kernels();
  const p = prepareRows(w.rows, w.dataset, false);
  const init = await initCentroids(p, w.k, 'k-means++', 0, defaultLocalTrials(w.k), false, K, undefined);
  const dim = p.dim;
  const base = { dataset: w.dataset, size: w.size, threads };
  const x = peer ? (w.rows.kind === 'csr' ? peer.csr(w.rows.csr) : peer.dense(w.rows.values, p.n, dim)) : undefined;
  const initFile = peer?.file(init);
  const key = `${w.dataset}`;
  const same = `${w.dataset} k=${w.k}, same init`;
  const reckit = (algorithm: 'hamerly' | 'lloyd'): TimedCase => ({
    ...base,
    group: same,
    name: `${same}: reckit ${algorithm}`,
    impl: 'reckit',
    backend: K.name,
    notes: algorithm === 'lloyd' ? 'plain Lloyd (no bounds)' : undefined,
    async run() {
      const r = await kmeans(w.rows, w.k, { init, algorithm, maxIter: w.maxIter, kernels: K });
      return { metrics: { inertia: r.inertia, iterations: r.iterations, pruned: r.pruned } };
    },
  });
  const cases: TimedCase[] = w.large ? [reckit('hamerly')] : [reckit('hamerly'), reckit('lloyd')];
  if (peer && x && initFile) {
    cases.push({
      ...base,
      group: same,
      name: `${same}: scikit-learn`,
      impl: 'scikit-learn',
      backend: w.rows.kind === 'csr' ? 'scipy.sparse float32' : 'numpy float32',
      notes: 'KMeans(algorithm="lloyd", n_init=1, tol=1e-4)',
      run: () => peer.request({ op: 'kmeans', key, x, k: w.k, init: initFile, max_iter: w.maxIter, tol: 1e-4 }),
    });
  }
  const fullGroup = `${w.dataset} k=${w.k}, full fit`;
  if (!w.large)
    cases.push({
      ...base,
      group: fullGroup,
      name: `${fullGroup}: reckit`,
      impl: 'reckit',
      backend: K.name,
      notes: 'greedy k-means++ + Lloyd/Hamerly, n_init=1',
      async run() {
        const r = await kmeans(w.rows, w.k, { seed: 1, maxIter: w.maxIter, kernels: K });
        return { metrics: { inertia: r.inertia, iterations: r.iterations } };
      },
    });
  if (peer && x && !w.large) {
    cases.push({
      ...base,
      group: fullGroup,
      name: `${fullGroup}: scikit-learn`,
      impl: 'scikit-learn',
      backend: w.rows.kind === 'csr' ? 'scipy.sparse float32' : 'numpy float32',
      notes: 'KMeans(init="k-means++", n_init=1, algorithm="lloyd")',
      run: () => peer.request({ op: 'kmeans', key, x, k: w.k, seed: 1, max_iter: w.maxIter, tol: 1e-4 }),
    });
  }
  const results = await measureSideBySide(SUITE, cases, w.large ? { warmup: 0, runs: 1 } : { warmup: 1, runs });
  // The gap to scikit-learn from the same init rides on the reckit case, where CI's band reads it.
  for (const g of inertiaGaps(results)) {
    const r = results.find((x) => x.name === g.name);
    if (r) r.metrics.inertiaGapVsSklearn = g.gap;
  }
  if (w.mlKmeans && w.rows.kind === 'dense') {
    const rows = w.rows;
    let data: number[][] = [];
    let initRows: number[][] = [];
    const mk: TimedCase = {
      ...base,
      group: same,
      name: `${same}: ml-kmeans`,
      impl: 'ml-kmeans',
      backend: 'js (number[][])',
      notes: 'ml-kmeans 7, maxIterations 300, default tolerance; one run (slow)',
      setup() {
        data = Array.from({ length: rows.nRows }, (_, r) => Array.from(rows.values.subarray(r * dim, (r + 1) * dim)));
        initRows = Array.from({ length: w.k }, (_, c) => Array.from(init.subarray(c * dim, (c + 1) * dim)));
      },
      run() {
        const r = mlKmeans(data, w.k, { initialization: initRows, maxIterations: w.maxIter });
        let inertia = 0;
        for (let i = 0; i < data.length; i++) {
          const c = r.centroids[r.clusters[i]!]!;
          for (let j = 0; j < dim; j++) inertia += (data[i]![j]! - c[j]!) ** 2;
        }
        return { metrics: { inertia, iterations: r.iterations } };
      },
    };
    results.push(await measureCase(SUITE, mk, { warmup: 0, runs: 1 }));
  }
  return results;
}

function line(r: CaseResult): string {
  const t = r.seconds ? `${r.seconds.median.toFixed(3)} s` : 'failed';
  const inertia = r.metrics.inertia !== undefined ? ` inertia ${r.metrics.inertia.toExponential(6)}` : '';
  const it = r.metrics.iterations !== undefined ? ` iters ${r.metrics.iterations}` : '';
  return `${r.name.padEnd(58)} ${t.padStart(10)}${inertia}${it}${r.error ? ` ERROR ${r.error}` : ''}`;
}

/** Relative inertia gap of each reckit same-init case to scikit-learn's, for the report. */
export function inertiaGaps(results: readonly CaseResult[]): { group: string; name: string; gap: number }[] {
  const out: { group: string; name: string; gap: number }[] = [];
  for (const sk of results) {
    const base = sk.metrics.inertia;
    if (sk.impl !== 'scikit-learn' || !base) continue;
    for (const r of results) {
      const inertia = r.metrics.inertia;
      if (r.group === sk.group && r.impl === 'reckit' && inertia)
        out.push({ group: r.group, name: r.name, gap: inertia / base - 1 });
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('kmeans.bench.js')) {
  const args = new Set(process.argv.slice(2));
  const results = await runKmeansBench({
    quick: args.has('--quick'),
    synthetic: args.has('--synthetic') ? true : args.has('--no-synthetic') ? false : undefined,
    dataDir: process.env.RECKIT_DATA_DIR,
    reportAbsent: (peer, why) => console.log(`absent: ${peer}: ${why}`),
  });
  for (const r of results) console.log(line(r));
  for (const g of inertiaGaps(results)) console.log(`inertia vs scikit-learn: ${g.name}: ${(g.gap * 100).toFixed(3)}%`);
  if (args.has('--json')) console.log(JSON.stringify(results, null, 2));
}
