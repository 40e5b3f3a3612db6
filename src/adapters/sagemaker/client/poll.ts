import { CancelledError, InputError } from '../../../engine/errors.js';

export interface WaitOptions {
  /** Give up after this long (required in spirit: SageMaker jobs can run for days; default 1 h). */
  timeoutMs?: number | undefined;
  /** Time between Describe calls (default 2 s; local mode answers fast, the cloud's waiters use 30-120 s). */
  intervalMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called with each status seen (e.g. "InProgress/Training"), for progress on stderr. */
  onStatus?: ((status: string) => void) | undefined;
}

/**
 * Describes until `settled` returns true, at `intervalMs`, at most `timeoutMs` long. Timeout is an
 * InputError naming what was awaited and its last status; abort is a CancelledError. This is the
 * loop SDK waiters run, minus their JSON-in-a-plain-Error failure shape (docs/sagemaker-local.md).
 */
export async function pollUntil<T>(
  what: string,
  describe: () => Promise<T>,
  status: (d: T) => string,
  settled: (d: T) => boolean,
  o: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 3_600_000);
  const interval = o.intervalMs ?? 2000;
  let last = '';
  for (;;) {
    if (o.signal?.aborted) throw new CancelledError(`stopped waiting for ${what} (last status ${last || 'unknown'})`);
    const d = await describe();
    const s = status(d);
    if (s !== last) o.onStatus?.(s);
    last = s;
    if (settled(d)) return d;
    if (Date.now() + interval > deadline) {
      throw new InputError(
        `${what} is still ${s} after ${Math.round((o.timeoutMs ?? 3_600_000) / 1000)} s; raise the timeout or check it`,
      );
    }
    await sleep(interval, o.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
