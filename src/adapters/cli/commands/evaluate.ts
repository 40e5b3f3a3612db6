import type { Command } from 'commander';
import { ALGORITHM_NAMES, createAlgorithm } from '../../../engine/algorithms/create-algorithm.js';
import { check } from '../../../engine/errors.js';
import { type CrossValidateResult, crossValidate } from '../../../engine/eval/cross-validate.js';
import { kernels } from '../../../engine/kernels/registry.js';
import type { LoadDatasetOptions } from '../../datasets/load-dataset.js';
import { loadMatrix } from '../../datasets/load-matrix.js';
import { type CliContext, emit } from '../context.js';
import { checkOutputFile, fileError } from '../file-args.js';
import { progressBar } from '../progress.js';
import { collect, parseParamFlags } from './algorithm-params.js';
import { formatCompare, runCompare } from './evaluate-compare.js';
import { addLoaderFlags, type LoaderFlags, loaderOptions } from './loader-flags.js';

export interface EvaluateRun {
  data: string;
  algo: string;
  params?: Record<string, unknown> | undefined;
  /** K-fold CV (default 5) unless testFraction is given. */
  folds?: number | undefined;
  testFraction?: number | undefined;
  /** Seed of the split and, unless params.seed is set, of the algorithm (default 0). */
  seed?: number | undefined;
  /** Ranking metrics at k (default 10); 0 turns them off. */
  k?: number | undefined;
  /** Relevance: a test rating >= threshold (default 4). */
  threshold?: number | undefined;
  /** How to read a generic ratings file (--scale, --skip-bad, --columns, --delimiter, --no-header). */
  load?: Omit<LoadDatasetOptions, 'signal' | 'onProgress' | 'items'> | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface EvaluateReport extends CrossValidateResult {
  algo: string;
  data: string;
  dataset: { ratings: number; users: number; items: number; scale: { min: number; max: number } };
  backend: string;
  loadSeconds: number;
  totalSeconds: number;
}

/** `reckit evaluate` as a plain function: load, cross-validate, return the report (per fold, mean, std). */
export async function runEvaluate(o: EvaluateRun): Promise<EvaluateReport> {
  const t0 = performance.now();
  const params = { ...o.params };
  const seed = o.seed ?? 0;
  check(Number.isInteger(seed) && seed >= 0, () => `--seed must be a non-negative integer, got ${o.seed}`);
  check(
    o.k === undefined || (Number.isInteger(o.k) && o.k >= 0),
    () => `--k must be a non-negative integer, got ${o.k}`,
  );
  check(
    o.threshold === undefined || Number.isFinite(o.threshold),
    () => `--threshold must be a number, got ${o.threshold}`,
  );
  if (o.algo === 'svd' && params.seed === undefined) params.seed = seed;
  const algorithm = createAlgorithm(o.algo, params);
  const { matrix } = await loadMatrix(o.data, { ...o.load, items: false, signal: o.signal });
  const t1 = performance.now();
  const k = o.k ?? 10;
  const result = await crossValidate(algorithm, matrix, {
    folds: o.folds,
    testFraction: o.testFraction,
    seed,
    ranking: k > 0 ? { k, threshold: o.threshold ?? 4 } : false,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  return {
    algo: o.algo,
    data: o.data,
    dataset: { ratings: matrix.nRatings, users: matrix.nUsers, items: matrix.nItems, scale: matrix.scale },
    backend: kernels().name,
    loadSeconds: (t1 - t0) / 1000,
    totalSeconds: (performance.now() - t0) / 1000,
    ...result,
  };
}

const COLUMNS: [string, string, number][] = [
  ['rmse', 'RMSE', 4],
  ['mae', 'MAE', 4],
  ['precision', 'P@k', 4],
  ['recall', 'R@k', 4],
  ['ndcg', 'NDCG@k', 4],
  ['map', 'MAP@k', 4],
  ['hitRate', 'HR@k', 4],
  ['coverage', 'cover', 4],
  ['fitSeconds', 'fit s', 3],
  ['testSeconds', 'test s', 3],
];

/** The report as the table a person reads. */
export function formatEvaluate(r: EvaluateReport): string {
  const split =
    r.split.kind === 'kfold'
      ? `${r.split.folds}-fold CV (seed ${r.split.seed})`
      : `holdout ${r.split.testFraction} (seed ${r.split.seed})`;
  const d = r.dataset;
  const k = r.folds[0]?.ranking?.k;
  const cols = COLUMNS.filter(([key]) => r.mean[key] !== undefined);
  const header = ['', ...cols.map(([, label]) => label.replace('@k', k ? `@${k}` : ''))];
  const row = (name: string, v: Record<string, number>) => [
    name,
    ...cols.map(([key, , digits]) => (v[key] === undefined ? '' : v[key]!.toFixed(digits))),
  ];
  const rows = [
    header,
    ...r.folds.map((f, i) =>
      row(`fold ${i + 1}`, {
        rmse: f.rmse,
        mae: f.mae,
        fitSeconds: f.fitSeconds,
        testSeconds: f.testSeconds,
        ...(f.ranking ?? {}),
      } as Record<string, number>),
    ),
    row('mean', r.mean),
    row('std', r.std),
  ];
  const widths = header.map((_, c) => Math.max(...rows.map((x) => x[c]!.length)));
  const lines = rows.map((x) =>
    x.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  const ranking = k
    ? `; ranking: top ${k}, relevant = test rating >= ${r.folds[0]?.ranking?.threshold}, candidates = items unrated in training`
    : '';
  return [
    `${r.algo} on ${r.data}: ${d.ratings.toLocaleString('en-US')} ratings, ${d.users.toLocaleString('en-US')} users, ${d.items.toLocaleString('en-US')} items; ${split}; ${r.backend} kernels${ranking}`,
    `params: ${JSON.stringify(r.params)}`,
    ...lines,
    `total ${r.totalSeconds.toFixed(2)} s (load ${r.loadSeconds.toFixed(2)} s)`,
    '',
  ].join('\n');
}

export function registerEvaluate(program: Command, ctx: CliContext): void {
  const command = program
    .command('evaluate')
    .description(
      'cross-validate an algorithm (RMSE, MAE, top-k metrics per fold), or compare algorithms under a ' +
        'top-N protocol (--protocol, --algo a,b,c) in one table',
    )
    .option('--data <name|path>', 'dataset name (resolved under $RECKIT_DATA_DIR) or path')
    .requiredOption('--algo <names>', `algorithm, or a comma-separated list to compare: ${ALGORITHM_NAMES.join(' | ')}`)
    .option(
      '--protocol <name>',
      'compare under a preset: ms-recommenders (per-user 75/25, all held-out relevant) | python-stratified (the Microsoft Recommenders split, row for row; --seed 42 as there) | leave-one-out | temporal | surprise',
    )
    .option('--train <file>', 'a training file; with --test, evaluate on this file pair (e.g. ml-100k u1.base)')
    .option('--test <file>', 'the test file of --train (e.g. ml-100k u1.test)')
    .option('--folds <n>', 'k-fold cross-validation', '5')
    .option('--test-fraction <f>', 'one random holdout of this fraction instead of folds')
    .option(
      '--param <name=value>',
      'algorithm parameter, repeatable (e.g. --param factors=50; comparing: --param als.factors=128)',
      collect,
      [],
    )
    .option('--seed <n>', 'seed of the split and the algorithm', '0')
    .option('--k <n>', 'ranking metrics at k (0: none)', '10')
    .option('--threshold <r>', 'a test rating >= this is relevant', '4')
    .option('--json', 'print JSON')
    .option('--report <file.html>', 'also write a self-contained HTML report with plots');
  addLoaderFlags(command).action(
    async (
      a: LoaderFlags & {
        data?: string;
        algo: string;
        protocol?: string;
        train?: string;
        test?: string;
        folds: string;
        testFraction?: string;
        param: string[];
        seed: string;
        k: string;
        threshold: string;
        json?: boolean;
        report?: string;
      },
    ) => {
      // The report is written after the whole run: a path that cannot be written fails now.
      if (a.report) await checkOutputFile(a.report, '--report', { createParents: true });
      const bar = progressBar(ctx, 'evaluate');
      if (a.protocol !== undefined || a.train !== undefined || a.test !== undefined || a.algo.includes(',')) {
        const compared = await runCompare({
          data: a.data,
          train: a.train,
          test: a.test,
          protocol: a.protocol,
          algos: a.algo.split(',').map((x) => x.trim()),
          params: parseParamFlags(a.param),
          seed: Number(a.seed),
          k: Number(a.k),
          folds: Number(a.folds),
          signal: ctx.signal,
          onProgress: bar.update,
        }).finally(() => bar.stop());
        emit(ctx, a.json, compared, () => formatCompare(compared));
        if (a.report) {
          const { writeCompareReport } = await import('../../report/compare-report.js');
          await writeCompareReport(a.report, compared).catch((error) => {
            throw fileError(error, `--report ${a.report}`);
          });
          ctx.err(`report written to ${a.report}\n`);
        }
        return;
      }
      check(a.data !== undefined, () => '--data is required (or give --train and --test)');
      const report = await runEvaluate({
        data: a.data as string,
        algo: a.algo,
        params: parseParamFlags(a.param),
        folds: Number(a.folds),
        testFraction: a.testFraction === undefined ? undefined : Number(a.testFraction),
        seed: Number(a.seed),
        k: Number(a.k),
        threshold: Number(a.threshold),
        load: loaderOptions(a),
        signal: ctx.signal,
        onProgress: bar.update,
      }).finally(() => bar.stop());
      emit(ctx, a.json, report, () => formatEvaluate(report));
      if (a.report) {
        const { writeEvaluateHtml } = await import('../../report/evaluate-html.js');
        await writeEvaluateHtml(a.report, report, loaderOptions(a)).catch((error) => {
          throw fileError(error, `--report ${a.report}`);
        });
        ctx.err(`report written to ${a.report}\n`);
      }
    },
  );
}
