import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * Node flags a long-running `reckit serve` wants. V8's memory reducer runs a memory-shrinking full
 * collection once a process has gone quiet after a busy spell; in a Node 20 http server that
 * collection can leave node:http's per-request objects on a slow path for good (~67k -> ~90k
 * instructions per request, 3 of 3 servers after 30 s idle; 0 of 3 with the flag). A server holding
 * a model gains little from shrinking its heap while idle. The flag cannot be set from inside a
 * running process (NODE_OPTIONS refuses it; v8.setFlagsFromString is too late).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** Set in the relaunched child, so it never relaunches again. */
const RELAUNCHED = 'RECKIT_RELAUNCHED';

/** Signals passed on to the child: the platform's stop signal, Ctrl-C, a closed terminal. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * The flags of `wanted` this process lacks, or none when relaunching is off
 * (RECKIT_RELAUNCH=0) or already done.
 */
export function missingNodeFlags(
  wanted: readonly string[],
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (env.RECKIT_RELAUNCH === '0' || env[RELAUNCHED] === '1') return [];
  return wanted.filter((f) => !execArgv.includes(f));
}

/**
 * Runs this process's command line again in a child Node with `flags` added and resolves with the
 * child's exit code (128 + signal number when a signal ended it). The child gets its own process
 * group, so a terminal's Ctrl-C reaches it once, through this process, instead of twice (a second
 * SIGINT would cut its drain short); stdio is shared, and an IPC channel tells the child when this
 * process is gone, even by SIGKILL (see whenParentGone).
 */
export function relaunchWithNodeFlags(flags: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * In a relaunched child: calls `stop` once the parent that relaunched it has exited (its IPC
 * channel closed), so a killed parent leaves no server behind. The channel does not keep the child
 * alive. Returns a function that stops listening.
 */
export function whenParentGone(stop: () => void): () => void {
  if (process.env[RELAUNCHED] !== '1' || !process.channel) return () => {};
  process.channel.unref();
  if (!process.connected) queueMicrotask(stop);
  else process.once('disconnect', stop);
  return () => process.off('disconnect', stop);
}
