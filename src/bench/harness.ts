import type { CaseResult } from './bench-case.js';
import { RssSampler } from './rss-sampler.js';
import { summarize } from './stats.js';

/** What one timed run may hand back besides its wall time. */
export interface RunOutcome {
  /** Accuracy/throughput figures; the last run's values are kept (runs are seeded, so equal). */
  metrics?: Record<string, number> | undefined;
  /**
   * The run's own time in seconds, replacing the wall time the harness measured: for peers in a
   * child process, whose IPC round trip is not part of the work.
   */
  seconds?: number | undefined;
  /** Peak RSS measured by the peer itself (a child process), in MiB. */
  peakRssMiB?: number | undefined;
}

/** One case to time: the labels `CaseResult` carries, plus the work. */
export interface TimedCase
  extends Pick<CaseResult, 'group' | 'name' | 'impl' | 'dataset' | 'size' | 'backend' | 'threads' | 'notes'> {
  /** Untimed preparation before the first run (load data, start a peer process). */
  setup?: (() => Promise<void> | void) | undefined;
  /** The timed work. */
  run: () => Promise<RunOutcome | undefined> | RunOutcome | undefined;
  /**
   * Cap on this case's timed runs, with no warm-up for it: for a slow peer (a minute per run)
   * whose JIT warm-up is noise next to its run time. It still alternates with the others.
   */
  maxRuns?: number | undefined;
  /** Untimed cleanup after the last run, also after an error. */
  teardown?: (() => Promise<void> | void) | undefined;
}

export interface RepeatOptions {
  warmup: number;
  runs: number;
}

interface Tally {
  samples: number[];
  peak: number | null;
  metrics: Record<string, number>;
  error?: string;
  started: boolean;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs cases side by side: warm-up rounds, then timed rounds, each round running every case once
 * in turn (reckit, peer, reckit, peer ...), so machine noise (a neighbour's job, thermal drift)
 * lands on all of them rather than on whichever ran second. A case that throws is recorded with
 * its error and skipped in later rounds; the others go on.
 */
export async function measureSideBySide(suite: string, cases: TimedCase[], o: RepeatOptions): Promise<CaseResult[]> {
  const tallies: Tally[] = cases.map(() => ({ samples: [], peak: null, metrics: {}, started: false }));
  for (let round = 0; round < o.warmup + o.runs; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const t = tallies[i]!;
      if (t.error !== undefined) continue;
      if (c.maxRuns !== undefined && (round < o.warmup || t.samples.length >= c.maxRuns)) continue;
      try {
        if (!t.started) {
          t.started = true;
          await c.setup?.();
        }
        const sampler = new RssSampler();
        sampler.start();
        const t0 = performance.now();
        let outcome: RunOutcome | undefined;
        let peak: number;
        try {
          outcome = await c.run();
        } finally {
          peak = sampler.stop();
        }
        const wall = (performance.now() - t0) / 1000;
        // A failed run (it threw above) leaves no sample: its time describes the failure, not the work.
        if (round >= o.warmup) {
          t.samples.push(outcome?.seconds ?? wall);
          t.peak = Math.max(t.peak ?? 0, outcome?.peakRssMiB ?? peak);
        }
        if (outcome?.metrics) t.metrics = { ...outcome.metrics };
      } catch (error) {
        t.error = describe(error);
      }
    }
  }
  for (let i = 0; i < cases.length; i++) {
    if (!tallies[i]!.started) continue;
    try {
      await cases[i]!.teardown?.();
    } catch (error) {
      tallies[i]!.error ??= `teardown: ${describe(error)}`;
    }
  }
  return cases.map((c, i) => {
    const t = tallies[i]!;
    return {
      suite,
      group: c.group,
      name: c.name,
      impl: c.impl,
      dataset: c.dataset,
      size: c.size,
      backend: c.backend,
      threads: c.threads,
      warmup: c.maxRuns === undefined ? o.warmup : 0,
      runs: t.samples.length,
      seconds: summarize(t.samples),
      peakRssMiB: t.peak,
      metrics: t.metrics,
      error: t.error,
      notes: c.notes,
    };
  });
}

/** One case alone (no peer): the same loop with a single participant. */
export async function measureCase(suite: string, c: TimedCase, o: RepeatOptions): Promise<CaseResult> {
  const [r] = await measureSideBySide(suite, [c], o);
  return r!;
}

/** A failed case as a result row, for failures before any case could be built (a suite import). */
export function failedCase(suite: string, name: string, error: unknown): CaseResult {
  return {
    suite,
    group: name,
    name,
    impl: 'reckit',
    dataset: '-',
    size: '-',
    backend: '-',
    threads: 0,
    warmup: 0,
    runs: 0,
    seconds: null,
    peakRssMiB: null,
    metrics: {},
    error: describe(error),
  };
}

/**
 * Peer/reckit ratio of median times for every peer case whose group has a successful reckit
 * case (the group's first, when a suite times several reckit variants): above 1 means reckit is faster. Keyed by the peer's result object.
 */
export function ratios(results: readonly CaseResult[]): Map<CaseResult, number> {
  const base = new Map<string, number>();
  for (const r of results) {
    const key = `${r.suite}\u0000${r.group}`;
    // The first reckit case of a group is its default configuration; variants after it do not move the baseline.
    if (r.impl === 'reckit' && r.seconds && !r.error && !base.has(key)) base.set(key, r.seconds.median);
  }
  const out = new Map<CaseResult, number>();
  for (const r of results) {
    if (r.impl === 'reckit' || !r.seconds || r.error) continue;
    const b = base.get(`${r.suite}\u0000${r.group}`);
    if (b !== undefined && b > 0) out.set(r, r.seconds.median / b);
  }
  return out;
}
