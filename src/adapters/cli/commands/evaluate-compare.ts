import { createAlgorithm } from '../../../engine/algorithms/create-algorithm.js';
import { check, InputError } from '../../../engine/errors.js';
import { crossValidate } from '../../../engine/eval/cross-validate.js';
import { evaluateRanking } from '../../../engine/eval/evaluate-ranking.js';
import {
  PROTOCOL_DESCRIPTIONS,
  type ProtocolName,
  protocolName,
  protocolSplit,
} from '../../../engine/eval/protocols.js';
import { fileSplit } from '../../../engine/eval/test-set.js';
import { kernels } from '../../../engine/kernels/registry.js';
import type { RatingMatrix } from '../../../engine/matrix/rating-matrix.js';
import type { Split } from '../../../engine/matrix/split.js';
import { loadDataset } from '../../datasets/load-dataset.js';
import { loadMatrix } from '../../datasets/load-matrix.js';
import type { CompareRowInput } from '../../report/compare-report.js';

export interface CompareRun {
  /** Dataset name or path (with a preset protocol). */
  data?: string | undefined;
  /** A train/test file pair instead of a preset (e.g. ml-100k's u1.base / u1.test). */
  train?: string | undefined;
  test?: string | undefined;
  protocol?: string | undefined;
  algos: string[];
  /** `name=value` applies to every algorithm, `algo.name=value` to one. */
  params?: Record<string, unknown> | undefined;
  seed?: number | undefined;
  k?: number | undefined;
  folds?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

/** One algorithm's row of the comparison table (NaN where the protocol does not measure it). */
export type CompareRow = CompareRowInput;

export interface CompareReport {
  protocol: ProtocolName | 'files';
  description: string;
  data: string;
  dataset: { ratings: number; users: number; items: number };
  split: { trainRatings: number; testRatings: number; evaluatedUsers: number; droppedTestRows?: number };
  k: number;
  seed: number;
  backend: string;
  rows: CompareRow[];
  totalSeconds: number;
}

/** `reckit evaluate --protocol P --algo a,b,c` (or --train/--test): every algorithm on the same split(s). */
export async function runCompare(o: CompareRun): Promise<CompareReport> {
  const t0 = performance.now();
  const seed = o.seed ?? 0;
  const k = o.k ?? 10;
  check(o.algos.length > 0, () => '--algo: name at least one algorithm');
  check(Number.isInteger(k) && k >= 1, () => `--k must be a positive integer, got ${o.k}`);
  const algorithms = o.algos.map((name) => createAlgorithm(name, paramsFor(name, o.params ?? {}, o.algos, seed)));
  const files = o.train !== undefined || o.test !== undefined;
  if (files && (o.train === undefined || o.test === undefined)) {
    throw new InputError('--train and --test go together (a training file and its test file)');
  }
  if (files && o.protocol !== undefined) throw new InputError('--protocol and --train/--test are alternatives');
  let matrix: RatingMatrix;
  let split: (Split & { dropped?: number }) | undefined;
  let protocol: ProtocolName | 'files';
  if (files) {
    protocol = 'files';
    matrix = (await loadMatrix(o.train as string, { items: false, signal: o.signal })).matrix;
    const test = await loadDataset(o.test as string, { items: false, signal: o.signal });
    split = fileSplit(matrix, test.ratings, o.test as string);
  } else {
    check(o.data !== undefined, () => '--data is required (or give --train and --test)');
    protocol = protocolName(o.protocol ?? 'ms-recommenders');
    matrix = (await loadMatrix(o.data as string, { items: false, signal: o.signal })).matrix;
    if (protocol !== 'surprise') split = protocolSplit(protocol, matrix, { seed });
  }
  const rows: CompareRow[] = [];
  let evaluatedUsers = 0;
  for (const [a, algorithm] of algorithms.entries()) {
    const progress = o.onProgress && ((f: number) => o.onProgress?.((a + f) / algorithms.length));
    if (!split) {
      const cv = await crossValidate(algorithm, matrix, {
        folds: o.folds ?? 5,
        seed,
        ranking: false,
        signal: o.signal,
        onProgress: progress,
      });
      rows.push({
        ...emptyRow(o.algos[a]!, cv.params),
        rmse: cv.mean.rmse as number,
        mae: cv.mean.mae as number,
        fitSeconds: cv.mean.fitSeconds as number,
      });
      continue;
    }
    const run = await evaluateRanking(algorithm, split, { k, signal: o.signal, onProgress: progress });
    evaluatedUsers = run.metrics.users;
    const { ndcg, precision, recall, map, hitRate, coverage } = run.metrics;
    rows.push({
      algo: o.algos[a]!,
      params: run.params,
      ndcg,
      precision,
      recall,
      map,
      hitRate,
      coverage,
      rmse: run.rmse,
      mae: run.mae,
      fitSeconds: run.fitSeconds,
      rankSeconds: run.rankSeconds,
    });
  }
  return {
    protocol,
    description:
      protocol === 'files' ? 'the given train/test files; every test rating relevant' : PROTOCOL_DESCRIPTIONS[protocol],
    data: files ? `${o.train} -> ${o.test}` : (o.data as string),
    dataset: { ratings: matrix.nRatings, users: matrix.nUsers, items: matrix.nItems },
    split: split
      ? {
          trainRatings: split.train.nRatings,
          testRatings: split.test.ratings.length,
          evaluatedUsers,
          ...(split.dropped !== undefined ? { droppedTestRows: split.dropped } : {}),
        }
      : { trainRatings: matrix.nRatings, testRatings: 0, evaluatedUsers: 0 },
    k,
    seed,
    backend: kernels().name,
    rows,
    totalSeconds: (performance.now() - t0) / 1000,
  };
}

/** The params one algorithm gets: shared `name=value` entries, then its own `algo.name=value`; seed defaults to --seed. */
export function paramsFor(
  algo: string,
  all: Record<string, unknown>,
  algos: readonly string[],
  seed: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    const dot = key.indexOf('.');
    if (dot < 0) out[key] = value;
  }
  for (const [key, value] of Object.entries(all)) {
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    const target = key.slice(0, dot);
    if (!algos.includes(target)) {
      throw new InputError(`--param ${key}: "${target}" is not one of the algorithms given (${algos.join(', ')})`);
    }
    if (target === algo) out[key.slice(dot + 1)] = value;
  }
  if (['svd', 'als', 'bpr', 'ease-als'].includes(algo) && out.seed === undefined) out.seed = seed;
  return out;
}

function emptyRow(algo: string, params: Record<string, unknown>): CompareRow {
  const nan = Number.NaN;
  return {
    algo,
    params,
    ndcg: nan,
    precision: nan,
    recall: nan,
    map: nan,
    hitRate: nan,
    coverage: nan,
    rmse: nan,
    mae: nan,
    fitSeconds: nan,
    rankSeconds: nan,
  };
}

const COLUMNS: [keyof CompareRow, string, number][] = [
  ['ndcg', 'nDCG@k', 4],
  ['precision', 'P@k', 4],
  ['recall', 'R@k', 4],
  ['map', 'MAP@k', 4],
  ['hitRate', 'HR@k', 4],
  ['coverage', 'cover', 4],
  ['rmse', 'RMSE', 4],
  ['mae', 'MAE', 4],
  ['fitSeconds', 'train s', 2],
  ['rankSeconds', 'rank s', 2],
];

/** The comparison as one table a person reads (columns nobody measured are left out). */
export function formatCompare(r: CompareReport): string {
  const cols = COLUMNS.filter(([key]) => r.rows.some((row) => Number.isFinite(row[key] as number)));
  const header = ['algo', ...cols.map(([, label]) => label.replace('@k', `@${r.k}`))];
  const body = r.rows.map((row) => [
    row.algo,
    ...cols.map(([key, , digits]) => {
      const v = row[key] as number;
      return Number.isFinite(v) ? v.toFixed(digits) : '-';
    }),
  ]);
  const table = [header, ...body];
  const widths = header.map((_, c) => Math.max(...table.map((x) => x[c]!.length)));
  const lines = table.map((x) =>
    x.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  const d = r.dataset;
  const s = r.split;
  const splitLine =
    r.protocol === 'surprise'
      ? 'global k-fold CV, means over folds'
      : `train ${s.trainRatings.toLocaleString('en-US')} / test ${s.testRatings.toLocaleString('en-US')} ratings, ${s.evaluatedUsers} users evaluated` +
        (s.droppedTestRows ? `, ${s.droppedTestRows} test rows with a user or item unknown in training dropped` : '');
  return [
    `${r.data}: ${d.ratings.toLocaleString('en-US')} ratings, ${d.users.toLocaleString('en-US')} users, ${d.items.toLocaleString('en-US')} items; ${r.backend} kernels`,
    `protocol ${r.protocol} (seed ${r.seed}): ${r.description}; ${splitLine}`,
    ...lines,
    ...(r.rows.some((row) => Number.isFinite(row.rmse) && Number.isFinite(row.ndcg))
      ? ['RMSE/MAE: rating models only; rankers score preferences, not ratings (-).']
      : []),
    ...r.rows.map((row) => `${row.algo}: ${JSON.stringify(row.params)}`),
    `total ${r.totalSeconds.toFixed(2)} s`,
    '',
  ].join('\n');
}
