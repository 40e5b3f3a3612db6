import { createRequire } from 'node:module';
import type BenchmarkJs from 'benchmark';
import { Matrix } from 'ml-matrix';
import { backend } from '../../engine/kernels/registry.js';
import type { CaseResult, SuiteOptions } from '../bench-case.js';
import { summarize } from '../stats.js';
import { factorFixture, fixtureSize } from './factor-fixture.js';
import { fixtureModel } from './reckit-top-n.js';
import { loadTfjs } from './tfjs-top-n.js';
import { selectTopN } from './top-n-select.js';

// benchmark.js is CommonJS and reads its globals at load time; require keeps it out of ESM interop.
const Benchmark = createRequire(import.meta.url)('benchmark') as typeof BenchmarkJs;

const N = 10;
const FACTORS = 100;
const ITEMS = 59047;

interface MicroCase {
  name: string;
  impl: string;
  backend: string;
  fn: () => void;
  notes?: string | undefined;
}

/**
 * Micro-kernel: one user's top-10 over the 59,047 items of ML-25M (100 factors): the call a
 * service makes per request. This is where benchmark.js fits: sub-millisecond synchronous calls
 * that need many iterations per sample and a statistically sized sample (it reports the
 * relative margin of error). Macro cases (seconds, async native jobs, peers in a child process,
 * alternation between implementations, peak RSS) use the harness in harness.ts instead.
 */
export async function runMicroPeers(o: SuiteOptions): Promise<CaseResult[]> {
  const f = factorFixture(64, ITEMS, FACTORS, 7);
  const native = fixtureModel(f, backend('native'));
  const reference = fixtureModel(f, backend('reference'));
  const tf = await loadTfjs(1);
  const q = tf.tf.tensor2d(f.items, [ITEMS, FACTORS]);
  const bias = tf.tf.tensor1d(f.itemBias);
  const qt = new Matrix(FACTORS, ITEMS);
  for (let i = 0; i < ITEMS; i++) for (let d = 0; d < FACTORS; d++) qt.set(d, i, f.items[i * FACTORS + d]!);
  const outItems = new Int32Array(N);
  const outScores = new Float32Array(N);
  let user = 0;
  const next = () => (user = (user + 1) % f.nUsers);
  const cases: MicroCase[] = [
    {
      name: 'reckit recommend()',
      impl: 'reckit',
      backend: 'native',
      fn: () => native.recommend(next(), { n: N, excludeSeen: true }),
    },
    {
      name: 'reckit recommend() reference',
      impl: 'reckit-reference',
      backend: 'reference',
      fn: () => reference.recommend(next(), { n: N, excludeSeen: true }),
    },
    {
      name: 'tfjs matMul + topk',
      impl: tf.backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu',
      backend: tf.backend,
      notes: `${tf.notes}; dataSync() per call`,
      fn: () => {
        const u = next();
        const { values, indices } = tf.tf.tidy(() => {
          const v = tf.tf.tensor2d(f.users.subarray(u * FACTORS, (u + 1) * FACTORS), [1, FACTORS]);
          return tf.tf.topk(tf.tf.add(tf.tf.matMul(v, q, false, true), bias), N);
        });
        indices.dataSync();
        tf.tf.dispose([values, indices]);
      },
    },
    {
      name: 'ml-matrix mmul + JS select',
      impl: 'ml-matrix',
      backend: 'js float64',
      fn: () => {
        const u = next();
        const v = new Matrix([Array.from(f.users.subarray(u * FACTORS, (u + 1) * FACTORS))]);
        const row = v.mmul(qt).getRow(0);
        for (let i = 0; i < ITEMS; i++) row[i]! += f.itemBias[i]!;
        selectTopN(row, 0, ITEMS, N, outItems, outScores, 0);
      },
    },
  ];
  const results: CaseResult[] = [];
  const maxTime = o.quick ? 0.5 : 3;
  try {
    for (const c of cases) {
      const r = await runOne(c, maxTime);
      results.push({
        suite: 'micro',
        group: `top-${N} for one user over ${ITEMS.toLocaleString('en-US')} items`,
        name: c.name,
        impl: c.impl,
        dataset: 'ML-25M items shape',
        size: fixtureSize({ ...f, nUsers: 1 }),
        backend: c.backend,
        threads: 1,
        warmup: 1,
        runs: r.sample.length,
        seconds: r.error ? null : summarize(r.sample),
        // benchmark.js runs synchronously (no sampling) and the process mark belongs to earlier suites.
        peakRssMiB: null,
        metrics: r.error ? {} : { opsPerSecond: r.hz, rmePercent: r.rme },
        error: r.error,
        notes: [c.notes, 'benchmark.js: each sample is the mean of many calls; peak RSS not measured']
          .filter(Boolean)
          .join('; '),
      });
      o.log?.(
        `  micro | ${c.name}: ${r.error ?? `${Math.round(r.hz).toLocaleString('en-US')} ops/s ±${r.rme.toFixed(1)}%`}`,
      );
    }
  } finally {
    tf.tf.dispose([q, bias]);
  }
  return results;
}

/** One benchmark.js run; the sample holds seconds per call (one entry per timed cycle). */
function runOne(c: MicroCase, maxTime: number): Promise<{ hz: number; rme: number; sample: number[]; error?: string }> {
  return new Promise((resolve) => {
    const b = new Benchmark(c.name, c.fn, {
      maxTime,
      minSamples: 5,
      onComplete: () => resolve({ hz: b.hz, rme: b.stats.rme, sample: [...b.stats.sample] }),
      onError: () => {
        const e = (b as unknown as { error?: Error }).error;
        resolve({
          hz: 0,
          rme: 0,
          sample: [],
          error: `${e?.name ?? 'Error'}: ${e?.message ?? 'benchmark.js reported an error'}`,
        });
      },
    });
    b.run();
  });
}
