import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError, InputError } from '../../../engine/errors.js';

/** Exit codes of `train` (docs/sagemaker-container.md): any non-zero marks the job Failed. */
export const EXIT = { ok: 0, bug: 1, input: 2, stopped: 143 } as const;

/**
 * What the failure file says, and the exit code. A user-fixable error is its message alone; a stop
 * (SIGTERM: StopTrainingJob or MaxRuntimeInSeconds) says so; anything else is a reckit bug, whose
 * message comes first and its stack after, past what FailureReason shows only if it is long.
 */
export function describeFailure(error: unknown, stopped: boolean): { text: string; code: number } {
  if (stopped) {
    // Whatever the abort made the running step throw, the stop is what happened.
    const also = error instanceof CancelledError ? '' : ` (${(error as Error)?.message ?? String(error)})`;
    return {
      text: `training stopped by SIGTERM (StopTrainingJob or MaxRuntimeInSeconds) before it finished; no model was written${also}`,
      code: EXIT.stopped,
    };
  }
  if (error instanceof InputError) return { text: error.message, code: EXIT.input };
  const e = error as Error;
  const message = e?.message ?? String(error);
  return {
    text: `reckit bug (please report it): ${message}\n${e?.stack ?? ''}`,
    code: EXIT.bug,
  };
}

/** Writes `<root>/output/failure`; the text ends with a newline. */
export async function writeFailure(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}
