import type { CaseResult } from './bench-case.js';
import type { MachineInfo } from './machine-info.js';
import type { QuotedFigure } from './peers/quoted-figures.js';

/** One accuracy band checked against a run (CI fails when `ok` is false). */
export interface BandCheck {
  band: string;
  metric: string;
  lo: number;
  hi: number;
  /** The value seen; null when the case it needs did not run or failed. */
  value: number | null;
  ok: boolean;
  why: string;
}

/** A peer that could not run here, and why (reported, never hidden). */
export interface AbsentPeer {
  peer: string;
  reason: string;
}

/** Everything results.json holds: the run, where it ran, every figure. */
export interface BenchRun {
  schema: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  suites: string[];
  /** Wall-clock seconds each suite took, set-up and peers included. */
  suiteSeconds: Record<string, number>;
  machine: MachineInfo;
  /** 1-minute load average when the run started and ended: above the core count, others shared the CPUs. */
  loadAverage?: { start: number; end: number } | undefined;
  /** Whether reckit's native addon loaded; when not, every "reckit" row ran the TypeScript twins. */
  native: { loaded: boolean; error?: string | undefined };
  /** reckit, node and each peer's version (null: not installed). */
  versions: Record<string, string | null>;
  absentPeers: AbsentPeer[];
  cases: CaseResult[];
  /** Peer median / reckit median within a group; > 1 means reckit is faster. */
  ratios: { suite: string; group: string; peer: string; ratio: number }[];
  bands: BandCheck[];
  quoted: readonly QuotedFigure[];
}
