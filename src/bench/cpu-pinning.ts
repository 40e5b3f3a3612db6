import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where a load test can put its processes: the server under test on the last core, the load
 * generator on the others. Left to the scheduler, the server, autocannon and both processes' GC
 * threads migrate between the 2 cores of this machine. Pinned, a server that needs more CPU per
 * request than the load generator shows it at once (it is the bottleneck of its core), while the
 * bare server stays bound by the client: a stricter comparison than the issue's shared cores.
 */
export interface CpuPinning {
  /** CPU list for the server processes (taskset syntax). */
  server: string;
  /** CPU list for the load generator (this process). */
  client: string;
  /** CPU list this process had before, restored by `release`. */
  all: string;
}

/** A plan when there are >= 2 cores and `taskset` (util-linux) runs; undefined otherwise. */
export function planPinning(cores = availableParallelism()): CpuPinning | undefined {
  if (process.platform !== 'linux' || cores < 2) return undefined;
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  return { server: String(cores - 1), client: cores === 2 ? '0' : `0-${cores - 2}`, all: `0-${cores - 1}` };
}

/** Prefixes a command so it starts on `cpus` (all its threads inherit the mask). */
export function pinnedCommand(cpus: string, command: string, args: string[]): [string, string[]] {
  return ['taskset', ['-c', cpus, command, ...args]];
}

/** Moves every thread of a running process onto `cpus`; false when taskset refused. */
export function pinProcess(pid: number, cpus: string): boolean {
  return spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}
