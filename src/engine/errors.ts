/** Every error reckit throws on purpose; `code` is stable and greppable. */
export abstract class ReckitError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input the user can fix: the message names the place, the value seen and what was expected. */
export class InputError extends ReckitError {
  readonly code = 'RK_INPUT';
}

/** The work was cancelled through an AbortSignal. */
export class CancelledError extends ReckitError {
  readonly code = 'RK_CANCELLED';
}

/** A check failed inside the native addon; the message ends with "(file.cc:line)". */
export class NativeError extends ReckitError {
  readonly code = 'RK_NATIVE';
}

/** A reckit bug: an invariant that should hold did not. */
export class InternalError extends ReckitError {
  readonly code = 'RK_INTERNAL';
}

/** Throws InputError when `ok` is false; the message is built only then. */
export function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new InputError(message());
}
