/**
 * Top-N speed of FactorModel (native scoring kernels, src/engine/kernels/native/top-n.cc):
 *   ml-latest-small, SVD defaults (trained here, seeded): top-10 for all 610 users excluding seen,
 *     native beside the TypeScript reference ("pure JS");
 *   synthetic ML-1M shape (6,040 x 3,706 x 100) and ML-25M shape (162,541 x 59,047 x 100):
 *     top-10 for all users excluding ~165 / ~154 seen items per user. Random N(0, 0.1) factors
 *     (Surprise's init) stand in for trained ones: scoring cost depends on the shapes only;
 *   single-user recommend over 59,047 items (ML-25M shape): latency p50 / p99.
 * Run alone: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/topn.bench.js [--quick]
 */
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { SVD } from '../engine/algorithms/svd.js';
import { backend, defaultThreads, kernels } from '../engine/kernels/registry.js';
import { Rng } from '../engine/kernels/rng.js';
import type { Csr, Kernels } from '../engine/kernels/signatures.js';
import { IdIndex } from '../engine/matrix/id-index.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';
import { FactorModel } from '../engine/model/factor-model.js';
import { randomFactorData } from '../engine/model/random-factor-data.js';

export interface TopnBenchOptions {
  /** Smaller shapes and fewer runs (CI): the 25M case runs on its first 8,000 users. */
  quick?: boolean | undefined;
  dataDir?: string | undefined;
  /** Timed runs per bulk case (warm-up excluded); default 5 (quick 3), the 25M case 1. */
  runs?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

/** One plain result row (the bench harness reads these; see plain-case.ts). */
export interface TopnResult {
  suite: 'topn';
  group: string;
  name: string;
  impl: 'reckit' | 'reckit-reference';
  dataset: string;
  size: string;
  backend: string;
  threads: number;
  warmup: number;
  runs: number;
  seconds: { median: number; min: number; max: number; samples: number[] };
  metrics: Record<string, number>;
  notes?: string | undefined;
}

const N = 10;

export async function runTopnBench(o: TopnBenchOptions = {}): Promise<TopnResult[]> {
  const out: TopnResult[] = [];
  const log = (r: TopnResult) => {
    out.push(r);
    o.log?.(
      `${r.group} | ${r.impl} (${r.backend}, ${r.threads} thr) | ${r.size} | median ${fmt(r.seconds.median)} ${Object.entries(
        r.metrics,
      )
        .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : Number(v.toPrecision(4))}`)
        .join(' ')}`,
    );
  };
  const runs = o.runs ?? (o.quick ? 3 : 5);
  const threads = defaultThreads();
  const active = kernels();

  // ml-latest-small, a trained model
  const data = await loadDataset('ml-latest-small', {
    dataDir: o.dataDir ?? process.env.RECKIT_DATA_DIR,
    items: false,
  });
  const { matrix } = await RatingMatrix.fromTable(data.ratings, { scale: data.scale });
  const trained = await new SVD({ seed: 1 }).fit(matrix);
  const small = `${matrix.nUsers} users x ${matrix.nItems.toLocaleString('en-US')} items x 100 factors`;
  log(await bulk('ml-latest-small top-10 all users', 'ml-latest-small', small, trained, active, threads, runs));
  log(
    await bulk(
      'ml-latest-small top-10 all users',
      'ml-latest-small',
      small,
      new FactorModel(trained.data, backend('reference')),
      backend('reference'),
      1,
      o.quick ? 1 : 3,
    ),
  );

  // synthetic shapes
  const ml1m = syntheticModel(6040, 3706, 100, 165, 1, active);
  log(await bulk('ML-1M shape top-10 all users', 'synthetic', shape(ml1m), ml1m, active, threads, runs));
  const ml25m = syntheticModel(162_541, 59_047, 100, 154, 2, active);
  const users = o.quick ? Int32Array.from({ length: 8000 }, (_, u) => u) : undefined;
  log(
    await bulk('ML-25M shape top-10 all users', 'synthetic', shape(ml25m), ml25m, active, threads, 1, users, !o.quick),
  );

  // single-user recommend over 59k items
  const lat: number[] = [];
  const rng = new Rng(3);
  const calls = o.quick ? 300 : 2000;
  let c0 = process.cpuUsage();
  for (let c = 0; c < calls + 50; c++) {
    if (c === 50) c0 = process.cpuUsage();
    const id = ml25m.users.idOf(rng.nextBelow(ml25m.users.size));
    const t0 = performance.now();
    ml25m.recommend(id, { n: N });
    if (c >= 50) lat.push((performance.now() - t0) / 1000);
  }
  const used = process.cpuUsage(c0);
  const sorted = [...lat].sort((a, b) => a - b);
  log({
    ...row('single-user recommend, 59,047 items', 'synthetic', shape(ml25m), 'reckit', active.name, 1, 50, lat),
    metrics: {
      p50Ms: quantile(sorted, 0.5) * 1000,
      p99Ms: quantile(sorted, 0.99) * 1000,
      cpuMsPerCall: (used.user + used.system) / 1000 / calls,
    },
  });
  return out;
}

async function bulk(
  group: string,
  dataset: string,
  size: string,
  model: FactorModel,
  k: Kernels,
  threads: number,
  runs: number,
  users?: Int32Array,
  warm = true,
): Promise<TopnResult> {
  const ids = users ? Array.from(users, (u) => model.users.idOf(u)) : undefined;
  let cpu = 0;
  const once = async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const top = await model.recommendAll({ n: N, users: ids, threads });
    const c = process.cpuUsage(c0);
    return { s: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, users: top.users.length };
  };
  if (warm) await once();
  const samples: number[] = [];
  let nUsers = 0;
  for (let r = 0; r < runs; r++) {
    const x = await once();
    samples.push(x.s);
    cpu += x.cpu;
    nUsers = x.users;
  }
  const impl = k.name === 'native' ? 'reckit' : 'reckit-reference';
  const median = quantile(
    [...samples].sort((a, b) => a - b),
    0.5,
  );
  const flops = 2 * nUsers * model.items.size * model.k;
  return {
    ...row(group, dataset, size, impl, k.name, threads, warm ? 1 : 0, samples),
    // CPU seconds per run beside the wall time: on a busy machine wall > cpu / threads.
    metrics: { users: nUsers, usersPerSec: nUsers / median, gflops: flops / median / 1e9, cpuSeconds: cpu / runs },
    notes: users ? `first ${users.length.toLocaleString('en-US')} users only (quick)` : undefined,
  };
}

/** A FactorModel of the given shape: seeded N(0, 0.1) factors and biases, ~seenPerUser sorted seen items. */
function syntheticModel(nUsers: number, nItems: number, k: number, seenPerUser: number, seed: number, b: Kernels) {
  const rng = new Rng(seed);
  const offsets = new Int32Array(nUsers + 1);
  const cols = new Int32Array(nUsers * seenPerUser);
  let p = 0;
  const gap = Math.max(1, Math.floor((2 * nItems) / seenPerUser));
  for (let u = 0; u < nUsers; u++) {
    for (let i = rng.nextBelow(gap); i < nItems && p - offsets[u]! < seenPerUser; i += 1 + rng.nextBelow(gap)) {
      cols[p++] = i;
    }
    offsets[u + 1] = p;
  }
  const seen: Csr = {
    offsets,
    cols: cols.subarray(0, p),
    values: new Float32Array(p).fill(4),
    nRows: nUsers,
    nCols: nItems,
  };
  return new FactorModel(
    randomFactorData(
      rng,
      {
        algorithm: 'synthetic',
        params: { factors: k },
        users: IdIndex.fromIds(Float64Array.from({ length: nUsers }, (_, i) => i + 1)),
        items: IdIndex.fromIds(Float64Array.from({ length: nItems }, (_, i) => i + 1)),
        scale: { min: 0.5, max: 5 },
        globalMean: 3.5,
        seen,
        itemKnown: new Uint8Array(nItems).fill(1),
        biased: true,
      },
      k,
      { factors: 0.1, userBias: 0.3, itemBias: 0.3 },
    ),
    b,
  );
}

function row(
  group: string,
  dataset: string,
  size: string,
  impl: TopnResult['impl'],
  backendName: string,
  threads: number,
  warmup: number,
  samples: number[],
): Omit<TopnResult, 'metrics'> {
  const s = [...samples].sort((a, b) => a - b);
  return {
    suite: 'topn',
    group,
    name: `${group} [${impl}]`,
    impl,
    dataset,
    size,
    backend: backendName,
    threads,
    warmup,
    runs: samples.length,
    seconds: { median: quantile(s, 0.5), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN, samples },
  };
}

function shape(m: FactorModel): string {
  return `${m.users.size.toLocaleString('en-US')} users x ${m.items.size.toLocaleString('en-US')} items x ${m.k} factors`;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}

function fmt(s: number): string {
  return s < 0.01 ? `${(s * 1000).toFixed(3)} ms` : `${s.toFixed(3)} s`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runTopnBench({ quick: process.argv.includes('--quick'), log: (l) => console.log(l) });
  console.log(JSON.stringify(results, null, 2));
}
