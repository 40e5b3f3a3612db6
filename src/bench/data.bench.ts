/**
 * Data loading: how long from a ratings file to a RatingMatrix, and at what peak memory?
 *   ml-latest-small (100,836 ratings, CSV): parse (loadDataset) + CSR build (RatingMatrix.fromTable)
 *   synthetic ml-25m-shape written as CSV to /tmp (25,000,095 ratings, ~0.7 GB): the same path
 *   synthetic generation of ml-25m-shape in memory
 * Each case runs in a fresh child process so its peak RSS is its own (maxRSS is a lifetime mark).
 * Goal (issue 2): 25M ratings from CSV to RatingMatrix in < 15 s and < 2 GB RSS on a 2-core machine.
 * Run: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/data.bench.js [--quick]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { generateSynthetic } from '../engine/data/synthetic-ratings.js';
import { parseSyntheticSpec } from '../engine/data/synthetic-spec.js';
import { writeRatingsCsv } from '../engine/data/write-ratings-csv.js';
import { defaultThreads, kernels } from '../engine/kernels/registry.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';

export interface DataBenchOptions {
  quick?: boolean | undefined;
  dataDir?: string | undefined;
  /** Timed runs per case (each in its own child process). */
  runs?: number | undefined;
  /** Where the synthetic CSV is written (default: the OS temp dir, never the repo). */
  tmpDir?: string | undefined;
  log?: ((line: string) => void) | undefined;
}

/** One timed run, as the child reports it. */
interface ChildRun {
  parseSeconds: number;
  buildSeconds: number;
  totalSeconds: number;
  /** User + system CPU seconds of the child (all threads): the work, whatever the machine load. */
  cpuSeconds: number;
  /** 1-minute load average when the run ended (the machine is shared: wall time depends on it). */
  loadAverage: number;
  ratings: number;
  users: number;
  items: number;
  peakRssMiB: number;
  /** The kernel backend the child actually ran (a missing addon falls back to reference). */
  backend: string;
}

/** Plain result objects the shared bench harness (src/bench/plain-case.ts) understands. */
export interface DataBenchResult {
  suite: 'data';
  group: string;
  name: string;
  impl: 'reckit';
  dataset: string;
  size: string;
  backend: string;
  threads: number;
  warmup: number;
  runs: number;
  samples: number[];
  peakRssMiB: number;
  metrics: Record<string, number>;
  notes?: string;
}

const SELF = fileURLToPath(import.meta.url);
const fmt = (n: number) => n.toLocaleString('en-US');

/** Runs every data case; returns plain results (also printed through `log`). */
export async function runDataBench(o: DataBenchOptions = {}): Promise<DataBenchResult[]> {
  const log = o.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const runs = o.runs ?? (o.quick ? 1 : 3);
  const out: DataBenchResult[] = [];
  const env = { ...process.env, ...(o.dataDir ? { RECKIT_DATA_DIR: o.dataDir } : {}) };
  const child = (args: string[]): ChildRun =>
    JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=4096', SELF, '--child', ...args], {
        env,
        encoding: 'utf8',
      }),
    );
  const threads = defaultThreads();

  const load = (group: string, dataset: string, spec: string, notes?: string) => {
    const samples: ChildRun[] = [];
    for (let r = 0; r < runs; r++) samples.push(child(['load', spec]));
    const last = samples.at(-1) as ChildRun;
    const med = (k: Exclude<keyof ChildRun, 'backend'>) => median(samples.map((s) => s[k]));
    const res: DataBenchResult = {
      suite: 'data',
      group,
      name: `${dataset}: CSV -> RatingMatrix`,
      impl: 'reckit',
      dataset,
      size: `${fmt(last.ratings)} ratings, ${fmt(last.users)} users, ${fmt(last.items)} items`,
      backend: [...new Set(samples.map((s) => s.backend))].join('+'),
      threads,
      warmup: 0,
      runs,
      samples: samples.map((s) => s.totalSeconds),
      peakRssMiB: Math.max(...samples.map((s) => s.peakRssMiB)),
      metrics: {
        parseSeconds: med('parseSeconds'),
        buildSeconds: med('buildSeconds'),
        ratingsPerSecond: last.ratings / med('totalSeconds'),
        cpuSeconds: med('cpuSeconds'),
        loadAverage: med('loadAverage'),
      },
      ...(notes ? { notes } : {}),
    };
    out.push(res);
    log(
      `${res.name.padEnd(40)} total ${med('totalSeconds').toFixed(2)} s (parse ${res.metrics.parseSeconds?.toFixed(2)} s, ` +
        `build ${res.metrics.buildSeconds?.toFixed(2)} s; cpu ${res.metrics.cpuSeconds?.toFixed(2)} s, load ${res.metrics.loadAverage?.toFixed(1)})  peak RSS ${res.peakRssMiB.toFixed(0)} MiB  [${res.backend}, ${runs} run(s), ${res.size}]`,
    );
  };

  load('load-small', 'ml-latest-small', 'ml-latest-small');
  const shape = o.quick ? 'ml-1m-shape' : 'ml-25m-shape';
  const csv = await syntheticCsv(shape, o.tmpDir ?? join(tmpdir(), 'reckit-bench'), log);
  load(
    'load-synthetic',
    `synthetic ${shape} CSV`,
    csv,
    'CSV written by writeRatingsCsv from the seeded generator (seed 42)',
  );

  const gen = child(['generate', shape]);
  out.push({
    suite: 'data',
    group: 'generate',
    name: `generate ${shape}`,
    impl: 'reckit',
    dataset: `synthetic ${shape}`,
    size: `${fmt(gen.ratings)} ratings`,
    backend: 'reference',
    threads: 1,
    warmup: 0,
    runs: 1,
    samples: [gen.totalSeconds],
    peakRssMiB: gen.peakRssMiB,
    metrics: {
      ratingsPerSecond: gen.ratings / gen.totalSeconds,
      cpuSeconds: gen.cpuSeconds,
      loadAverage: gen.loadAverage,
    },
  });
  log(
    `${`generate ${shape}`.padEnd(40)} total ${gen.totalSeconds.toFixed(2)} s (cpu ${gen.cpuSeconds.toFixed(2)} s, load ${gen.loadAverage.toFixed(1)})  peak RSS ${gen.peakRssMiB.toFixed(0)} MiB`,
  );
  return out;
}

/** Writes the synthetic shape as CSV once per (shape, seed); reuses it on later runs. */
async function syntheticCsv(shape: string, dir: string, log: (s: string) => void): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${shape}-seed42.csv`);
  if (existsSync(path)) return path;
  const t0 = performance.now();
  const data = await generateSynthetic(parseSyntheticSpec(shape));
  const bytes = writeRatingsCsv(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
  log(`wrote ${path} (${fmt(bytes)} bytes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return path;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Child side: one run of one case, printed as JSON on stdout. */
async function childMain(kind: string, spec: string): Promise<void> {
  const t0 = performance.now();
  let r: Omit<ChildRun, 'peakRssMiB' | 'backend' | 'cpuSeconds' | 'loadAverage'>;
  if (kind === 'generate') {
    const d = await generateSynthetic(parseSyntheticSpec(spec));
    const s = (performance.now() - t0) / 1000;
    r = { parseSeconds: s, buildSeconds: 0, totalSeconds: s, ratings: d.rating.length, users: 0, items: 0 };
  } else {
    const d = await loadDataset(spec, { items: false });
    const t1 = performance.now();
    const { matrix } = await RatingMatrix.fromTable(d.ratings, { source: spec, scale: d.scale });
    const t2 = performance.now();
    r = {
      parseSeconds: (t1 - t0) / 1000,
      buildSeconds: (t2 - t1) / 1000,
      totalSeconds: (t2 - t0) / 1000,
      ratings: matrix.nRatings,
      users: matrix.nUsers,
      items: matrix.nItems,
    };
  }
  const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / (1024 * 1024);
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const loadAverage = loadavg()[0]!;
  process.stdout.write(JSON.stringify({ ...r, peakRssMiB, cpuSeconds, loadAverage, backend: kernels().name }));
}

if (process.argv[1] === SELF) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') await childMain(args[1]!, args[2]!);
  else await runDataBench({ quick: args.includes('--quick'), dataDir: process.env.RECKIT_DATA_DIR });
}
