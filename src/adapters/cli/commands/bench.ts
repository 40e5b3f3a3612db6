import { type Command, CommanderError } from 'commander';
import type { BenchRun } from '../../../bench/bench-run.js';
import { InputError } from '../../../engine/errors.js';
import { type CliContext, emit } from '../context.js';

export interface BenchCommandOptions {
  suite?: string[] | undefined;
  quick?: boolean | undefined;
  runs?: string | undefined;
  out?: string | undefined;
  json?: boolean | undefined;
}

/** The report `reckit bench` prints: where the files went, the run, and why it failed if it did. */
export interface BenchCommandReport {
  dir: string;
  failures: string[];
  run: BenchRun;
}

/** Runs the chosen suites (src/bench) and writes results.json, results.md and charts. */
export async function bench(o: BenchCommandOptions, log?: (line: string) => void): Promise<BenchCommandReport> {
  const runs = o.runs === undefined ? undefined : Number(o.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) {
    throw new InputError(`--runs ${o.runs}: expected a whole number >= 1`);
  }
  // The bench pulls in peers (tfjs, ml-matrix ...); load it only when asked for.
  const { runBench } = await import('../../../bench/bench-runner.js');
  const { run, dir, failures } = await runBench({ suites: o.suite, quick: o.quick ?? false, runs, out: o.out, log });
  return { dir, failures, run };
}

/** `reckit bench --suite NAME [--quick] [--runs N] [--out DIR] [--json]`; exit 1 on errors or missed bands. */
export function registerBench(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description('benchmark reckit against peers side by side; writes bench-results/<time>/')
    .option('--suite <name...>', 'suites to run (default: all); see `reckit bench --list`')
    .option('--quick', 'small sizes and few runs (the CI variant)')
    .option('--runs <n>', 'timed runs per case')
    .option('--out <dir>', 'output folder (default bench-results/<timestamp>)')
    .option('--list', 'list the suites and exit')
    .option('--json', 'print the results JSON on stdout (progress goes to stderr)')
    .action(async (o: BenchCommandOptions & { list?: boolean }) => {
      if (o.list) {
        const { SUITES } = await import('../../../bench/suites.js');
        ctx.out(SUITES.map((s) => `${s.name}\t${s.description}\n`).join(''));
        return;
      }
      const report = await bench(o, (line) => (o.json ? ctx.err : ctx.out)(`${line}\n`));
      emit(ctx, o.json, report.run, () =>
        [
          `results in ${report.dir}`,
          ...report.failures.map((f) => `FAIL ${f}`),
          report.failures.length ? `${report.failures.length} failure(s)` : 'no errors, every accuracy band held',
          '',
        ].join('\n'),
      );
      // Exit 1 through main's handler (it maps a CommanderError to its exit code, printing nothing
      // more): the failures are already listed above. Timings never fail a run.
      if (report.failures.length) throw new CommanderError(1, 'reckit.bench.failed', 'bench failed');
    });
}
