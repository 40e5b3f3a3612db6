import type { Command } from 'commander';
import type { EpochReport } from '../../../engine/algorithms/algorithm.js';
import { ALGORITHM_NAMES, createAlgorithm } from '../../../engine/algorithms/create-algorithm.js';
import { check } from '../../../engine/errors.js';
import { kernels } from '../../../engine/kernels/registry.js';
import { checkModelDirTarget } from '../../../engine/model/model-dir-target.js';
import type { LoadDatasetOptions } from '../../datasets/load-dataset.js';
import { loadMatrix } from '../../datasets/load-matrix.js';
import { type CliContext, emit } from '../context.js';
import { progressBar } from '../progress.js';
import { collect, parseParamFlags } from './algorithm-params.js';
import { addLoaderFlags, type LoaderFlags, loaderOptions } from './loader-flags.js';

export interface TrainRun {
  data: string;
  algo: string;
  params?: Record<string, unknown> | undefined;
  out: string;
  /** The algorithm's seed unless params.seed is set (default 0). */
  seed?: number | undefined;
  /** How to read a generic ratings file (--scale, --skip-bad, --columns, --delimiter, --no-header). */
  load?: Omit<LoadDatasetOptions, 'signal' | 'onProgress' | 'items'> | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface TrainReport {
  algo: string;
  data: string;
  params: Record<string, unknown>;
  out: string;
  dataset: { ratings: number; users: number; items: number };
  backend: string;
  loadSeconds: number;
  fitSeconds: number;
  saveSeconds: number;
  history: EpochReport[];
}

/** `reckit train` as a plain function: load, fit on every rating, save the model directory. */
export async function runTrain(o: TrainRun): Promise<TrainReport> {
  const t0 = performance.now();
  const params = { ...o.params };
  check(
    o.seed === undefined || (Number.isInteger(o.seed) && o.seed >= 0),
    () => `--seed must be a non-negative integer, got ${o.seed}`,
  );
  if (o.algo === 'svd' && params.seed === undefined) params.seed = o.seed ?? 0;
  const algorithm = createAlgorithm(o.algo, params);
  // Before the data is read: a PATH that is not reckit's own model directory is refused now.
  await checkModelDirTarget(o.out);
  const { matrix } = await loadMatrix(o.data, { ...o.load, items: false, signal: o.signal });
  const t1 = performance.now();
  const history: EpochReport[] = [];
  const model = await algorithm.fit(matrix, {
    signal: o.signal,
    onProgress: o.onProgress,
    onEpoch: (e) => history.push(e),
  });
  const t2 = performance.now();
  await model.save(o.out);
  const t3 = performance.now();
  return {
    algo: o.algo,
    data: o.data,
    params: { ...algorithm.params } as Record<string, unknown>,
    out: o.out,
    dataset: { ratings: matrix.nRatings, users: matrix.nUsers, items: matrix.nItems },
    backend: kernels().name,
    loadSeconds: (t1 - t0) / 1000,
    fitSeconds: (t2 - t1) / 1000,
    saveSeconds: (t3 - t2) / 1000,
    history,
  };
}

export function formatTrain(r: TrainReport): string {
  const last = r.history[r.history.length - 1];
  const rmse = last?.trainRmse === undefined ? '' : `, training RMSE ${last.trainRmse.toFixed(4)}`;
  return [
    `${r.algo} on ${r.data}: ${r.dataset.ratings.toLocaleString('en-US')} ratings, ${r.dataset.users.toLocaleString('en-US')} users, ${r.dataset.items.toLocaleString('en-US')} items (${r.backend} kernels)`,
    `fit in ${r.fitSeconds.toFixed(3)} s${last ? ` (${r.history.length} epochs${rmse})` : ''}; saved to ${r.out} in ${r.saveSeconds.toFixed(3)} s`,
    '',
  ].join('\n');
}

export function registerTrain(program: Command, ctx: CliContext): void {
  const command = program
    .command('train')
    .description('fit an algorithm on every rating of a dataset and save the model directory')
    .requiredOption('--data <name|path>', 'dataset name (resolved under $RECKIT_DATA_DIR) or path')
    .requiredOption('--algo <name>', `algorithm: ${ALGORITHM_NAMES.join(' | ')}`)
    .requiredOption('--out <dir>', 'model directory to write: new, empty, or a reckit model (atomically replaced)')
    .option('--param <name=value>', 'algorithm parameter, repeatable (e.g. --param factors=50)', collect, [])
    .option('--seed <n>', 'seed of the algorithm', '0')
    .option('--json', 'print JSON');
  addLoaderFlags(command).action(
    async (
      a: LoaderFlags & { data: string; algo: string; out: string; param: string[]; seed: string; json?: boolean },
    ) => {
      const bar = progressBar(ctx, 'train');
      const report = await runTrain({
        data: a.data,
        algo: a.algo,
        params: parseParamFlags(a.param),
        out: a.out,
        seed: Number(a.seed),
        load: loaderOptions(a),
        signal: ctx.signal,
        onProgress: bar.update,
      }).finally(() => bar.stop());
      emit(ctx, a.json, report, () => formatTrain(report));
    },
  );
}
