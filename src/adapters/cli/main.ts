import { Command, CommanderError } from 'commander';
import { CancelledError, InputError } from '../../engine/errors.js';
import { registerBench } from './commands/bench.js';
import { registerCluster } from './commands/cluster.js';
import { registerDatasets } from './commands/datasets.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerPredict } from './commands/predict.js';
import { registerQuickstart } from './commands/quickstart.js';
import { registerRecommend } from './commands/recommend.js';
import { registerServe } from './commands/serve.js';
import { registerTrain } from './commands/train.js';
import type { CliContext, RegisterCommand } from './context.js';

const COMMANDS: RegisterCommand[] = [
  registerDatasets,
  registerServe,
  registerBench,
  registerQuickstart,
  registerRecommend,
  registerPredict,
  registerEvaluate,
  registerTrain,
  registerCluster,
];

/**
 * The one top-level error handler: exit 2 for input errors (message only), 130 when cancelled,
 * 1 otherwise (with the stack, since that is a reckit bug or an environment problem).
 */
export async function main(argv: string[], io: Partial<Pick<CliContext, 'out' | 'err'>> = {}): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const ctx: CliContext = {
    signal: controller.signal,
    out: io.out ?? ((s) => process.stdout.write(s)),
    err: io.err ?? ((s) => process.stderr.write(s)),
    isTTY: Boolean(process.stderr.isTTY),
  };
  const program = new Command('reckit')
    .description('Recommender engine for Node.js: native SVD and k-means on Arrow-backed rating matrices')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  for (const register of COMMANDS) register(program, ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return report(error, ctx);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function report(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof InputError) {
    ctx.err(`reckit: ${error.message}\n`);
    return 2;
  }
  if (error instanceof CancelledError || (error as Error)?.name === 'AbortError') {
    ctx.err('reckit: cancelled\n');
    return 130;
  }
  const e = error as Error;
  ctx.err(
    `reckit: ${e?.stack ?? String(error)}\nThis looks like a bug in reckit; please report it with the command you ran.\n`,
  );
  return 1;
}
