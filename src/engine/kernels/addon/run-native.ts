import { CancelledError, NativeError } from '../../errors.js';
import type { KernelRun } from '../signatures.js';
import type { NativeJob } from './binding.js';

const POLL_MS = 100;

/**
 * Awaits a native job, wiring an AbortSignal to its cancel flag and polling its progress counter.
 * Native failures become NativeError (RK_NATIVE), cancellation CancelledError.
 */
export async function runNative<T>(start: () => NativeJob<T>, run?: KernelRun): Promise<T> {
  // CancelledError, as a cancel mid-job gives, rather than the signal's DOM AbortError.
  if (run?.signal?.aborted) throw new CancelledError('cancelled', { cause: run.signal.reason });
  let job: NativeJob<T>;
  try {
    job = start();
  } catch (error) {
    throw asReckitError(error);
  }
  const stop = () => job.cancel();
  run?.signal?.addEventListener('abort', stop, { once: true });
  const timer = run?.onProgress ? setInterval(() => run.onProgress?.(job.progress()), POLL_MS) : undefined;
  try {
    const value = await job.done;
    run?.onProgress?.(1);
    return value;
  } catch (error) {
    throw asReckitError(error);
  } finally {
    if (timer) clearInterval(timer);
    run?.signal?.removeEventListener('abort', stop);
  }
}

/** Synchronous native calls (short kernels) get the same error mapping. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asReckitError(error);
  }
}

function asReckitError(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'RK_CANCELLED') return new CancelledError('cancelled', { cause: error });
  if (code === 'RK_NATIVE') return new NativeError(message, { cause: error });
  return error instanceof Error ? error : new NativeError(message);
}
