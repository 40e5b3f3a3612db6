import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../engine/errors.js';
import type { BenchRun } from './bench-run.js';
import { refreshRun, runBench, writeReport } from './bench-runner.js';
import { SUITES, suiteNames } from './suites.js';

/**
 * `node dist/bench/run.js [--quick] [--suite a,b] [--runs N] [--out DIR] [--json] [--benchmarks-md]`
 * (`--from results.json` re-renders an earlier run's report)
 * (npm run bench / bench:quick). Exit status 1 on case errors or accuracy bands missed, never on
 * timings: the CI machine is shared and noisy, so times are printed and saved, not judged.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      suite: { type: 'string', multiple: true },
      runs: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      'benchmarks-md': { type: 'boolean', default: false },
      from: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      `usage: node dist/bench/run.js [--quick] [--suite ${suiteNames().join('|')}|all] [--runs N] [--out DIR] [--json] [--benchmarks-md] [--from results.json] [--list]\n`,
    );
    return 0;
  }
  if (values.list) {
    process.stdout.write(SUITES.map((s) => `${s.name}\t${s.description}\n`).join(''));
    return 0;
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) {
    throw new InputError(`--runs ${values.runs}: expected a whole number >= 1`);
  }
  if (values.from) {
    // Re-render the Markdown and charts of an earlier run (after a report change) without rerunning it.
    const run = refreshRun(JSON.parse(readFileSync(values.from, 'utf8')) as BenchRun);
    writeReport(run, values.out ?? dirname(values.from), values['benchmarks-md']);
    return 0;
  }
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const { run, dir, failures } = await runBench({
    quick: values.quick,
    suites: values.suite,
    runs,
    out: values.out,
    benchmarksMd: values['benchmarks-md'],
    log,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  log(`bench: ${run.cases.length} cases, results in ${dir} (results.json, results.md, charts/)`);
  for (const b of run.bands)
    log(`bench band ${b.ok ? 'ok  ' : 'FAIL'} ${b.band}: ${b.metric} ${b.value ?? '-'} in [${b.lo}, ${b.hi}]`);
  for (const f of failures) log(`bench FAIL: ${f}`);
  log(failures.length ? `bench: ${failures.length} failure(s)` : 'bench: no errors, every accuracy band held');
  return failures.length ? 1 : 0;
}

// The bench is a development script (`npm run bench`), not part of the published CLI: an input
// mistake is one line and exit 2, as in the CLI.
process.exitCode = await main().catch((error: unknown) => {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  return 2;
});
