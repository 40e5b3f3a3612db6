import cliProgress from 'cli-progress';
import type { CliContext } from './context.js';

/** A progress bar on stderr when it is a terminal; a no-op otherwise (CI logs, pipes). */
export function progressBar(ctx: CliContext, label: string): { update(fraction: number): void; stop(): void } {
  if (!ctx.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {duration_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0);
  return {
    update: (f) => bar.update(Math.round(Math.min(1, Math.max(0, f)) * 1000)),
    stop: () => bar.stop(),
  };
}
