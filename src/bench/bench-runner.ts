import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindingLoadError, loadBinding } from '../engine/kernels/addon/binding.js';
import { checkBands } from './bands.js';
import type { CaseResult } from './bench-case.js';
import type { AbsentPeer, BenchRun } from './bench-run.js';
import { ratios } from './harness.js';
import { machineInfo, packageVersion } from './machine-info.js';
import { QUOTED_FIGURES } from './peers/quoted-figures.js';
import { fromPlain } from './plain-case.js';
import { renderSuiteCharts, seriesName } from './report/charts.js';
import { renderMarkdown } from './report/markdown.js';
import { runSuite, selectSuites } from './suites.js';

/** The repository root: this file sits in src/bench or dist/bench. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchOptions {
  suites?: readonly string[] | undefined;
  quick: boolean;
  /** Output folder; default bench-results/<timestamp> under the repository root. */
  out?: string | undefined;
  runs?: number | undefined;
  dataDir?: string | undefined;
  /** Also write BENCHMARKS.md at the root and its charts under docs/bench/ (full runs). */
  benchmarksMd?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface BenchOutcome {
  run: BenchRun;
  dir: string;
  /** Why CI should fail: case errors and band failures (never timings). Empty when all is well. */
  failures: string[];
}

const PEER_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  'ml-matrix',
  'ml-kmeans',
  'benchmark',
  'autocannon',
];

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
}

function reckitVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Runs the suites, writes results.json, results.md and one SVG chart per suite. */
export async function runBench(o: BenchOptions): Promise<BenchOutcome> {
  const suites = selectSuites(o.suites);
  const started = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const dir = resolve(o.out ?? join(REPO_ROOT, 'bench-results', stamp(started)));
  const dataDir = resolve(o.dataDir ?? process.env.RECKIT_DATA_DIR ?? join(REPO_ROOT, '..', 'shared', 'datasets'));
  const versions: Record<string, string | null> = { reckit: reckitVersion(), node: process.version };
  for (const p of PEER_PACKAGES) versions[p] = packageVersion(p);
  const absent: AbsentPeer[] = [];
  const cases: CaseResult[] = [];
  const suiteSeconds: Record<string, number> = {};
  for (const s of suites) {
    o.log?.(`suite ${s.name}: ${s.description}`);
    const t0 = performance.now();
    const rs = await runSuite(s, {
      quick: o.quick,
      dataDir,
      runs: o.runs,
      log: o.log,
      reportAbsent: (peer, reason) => {
        if (!absent.some((a) => a.peer === peer)) absent.push({ peer, reason });
      },
      reportVersion: (name, version) => {
        versions[name] = version;
      },
    });
    cases.push(...rs);
    suiteSeconds[s.name] = (performance.now() - t0) / 1000;
    o.log?.(`suite ${s.name}: done in ${suiteSeconds[s.name]!.toFixed(1)} s`);
  }
  const names = suites.map((s) => s.name);
  const run: BenchRun = {
    schema: 1,
    mode: o.quick ? 'quick' : 'full',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    suites: names,
    suiteSeconds,
    machine: machineInfo(),
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
    native: loadBinding() ? { loaded: true } : { loaded: false, error: String(bindingLoadError()) },
    versions,
    absentPeers: absent,
    cases,
    ratios: ratioRows(cases),
    bands: checkBands(cases, names),
    quoted: QUOTED_FIGURES,
  };
  writeReport(run, dir, o.benchmarksMd ?? false);
  const failures = [
    ...cases.filter((r) => r.error).map((r) => `${r.suite} / ${r.group} / ${r.name}: ${r.error}`),
    ...run.bands.filter((b) => !b.ok).map((b) => `band ${b.band} (${b.metric}): ${b.value ?? '-'} ${b.why}`),
  ];
  return { run, dir, failures };
}

function ratioRows(cases: readonly CaseResult[]): BenchRun['ratios'] {
  return [...ratios(cases)].map(([r, ratio]) => ({ suite: r.suite, group: r.group, peer: seriesName(r), ratio }));
}

/** An earlier run's results.json, its cases read through today's adapter and its ratios recomputed. */
export function refreshRun(run: BenchRun): BenchRun {
  const cases = run.cases.map((c) => fromPlain(c.suite, c as unknown as Record<string, unknown>));
  return { ...run, cases, ratios: ratioRows(cases) };
}

function subtitle(run: BenchRun): string {
  const m = run.machine;
  return `${run.mode} run ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.name}: ${m.cpuModel}, ${m.cores} cores, Node ${m.node}`;
}

/** Writes the run's files; with `benchmarksMd`, also BENCHMARKS.md and docs/bench/*.svg. */
export function writeReport(run: BenchRun, dir: string, benchmarksMd: boolean): void {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
  const charts = renderSuiteCharts(run.cases, subtitle(run));
  const files: { suite: string; path: string }[] = [];
  for (const [suite, svg] of charts) {
    writeFileSync(join(dir, 'charts', `${suite}.svg`), svg);
    files.push({ suite, path: `charts/${suite}.svg` });
  }
  writeFileSync(join(dir, 'results.md'), renderMarkdown(run, files));
  if (!benchmarksMd) return;
  const docs = join(REPO_ROOT, 'docs', 'bench');
  mkdirSync(docs, { recursive: true });
  for (const f of files) copyFileSync(join(dir, f.path), join(docs, `${f.suite}.svg`));
  const md = renderMarkdown(
    run,
    files.map((f) => ({ suite: f.suite, path: `docs/bench/${f.suite}.svg` })),
  ).replace(/^# reckit benchmarks \(full run\)/, '# reckit benchmarks');
  const from = relative(REPO_ROOT, join(dir, 'results.json'));
  writeFileSync(
    join(REPO_ROOT, 'BENCHMARKS.md'),
    `${md}\n---\nGenerated by \`npm run bench\` from \`${from}\` (bench-results/ is git-ignored; rerun to reproduce on your machine).\n`,
  );
}
