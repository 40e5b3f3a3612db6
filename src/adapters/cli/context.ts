import type { Command } from 'commander';

/** What every command gets from main: where to write, and the signal Ctrl-C aborts. */
export interface CliContext {
  signal: AbortSignal;
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  /** What the process exits with when the command returns normally (0 unless a command sets it). */
  exitCode: number;
}

/** A command module: defines its flags on `program` and an action that does the work. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Prints a report as JSON (--json) or as the text a person reads. */
export function emit(ctx: CliContext, json: boolean | undefined, report: unknown, text: () => string): void {
  ctx.out(json ? `${JSON.stringify(report, null, 2)}\n` : text());
}
