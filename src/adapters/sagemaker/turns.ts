/**
 * How long a request's work may hold the event loop before other connections get a turn
 * (docs/serving.md, "Large requests"): /ping waits at most about this long per large request
 * running at the same time.
 */
export const TURN_MS = 2;

/**
 * Runs `job` (a generator that yields between small units of work) in turns of about TURN_MS,
 * yielding to the event loop with setImmediate between turns, so a large request never stalls
 * the server. A job that finishes within its first turn completes synchronously. Exactly one of
 * `done` / `failed` is called, unless `cancelled()` turns true first (the client is gone), in
 * which case the job is dropped.
 */
export function runInTurns<T>(
  job: Iterator<unknown, T>,
  done: (result: T) => void,
  failed: (error: unknown) => void,
  cancelled: () => boolean,
): void {
  const turn = (): void => {
    if (cancelled()) return;
    const until = performance.now() + TURN_MS;
    let step: IteratorResult<unknown, T>;
    try {
      do step = job.next();
      while (!step.done && performance.now() < until);
    } catch (error) {
      failed(error);
      return;
    }
    if (step.done) done(step.value);
    else setImmediate(turn);
  };
  turn();
}

/** Runs `job` to the end at once (the library call `invoke`, which has no event loop to share). */
export function runAtOnce<T>(job: Iterator<unknown, T>): T {
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
  }
}
