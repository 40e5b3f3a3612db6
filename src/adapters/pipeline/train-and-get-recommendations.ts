import { resolve } from 'node:path';
import type { EpochReport } from '../../engine/algorithms/algorithm.js';
import { createAlgorithm, RANKER_NAMES } from '../../engine/algorithms/create-algorithm.js';
import type { SvdParams } from '../../engine/algorithms/svd-params.js';
import { type CrossValidateResult, crossValidate } from '../../engine/eval/cross-validate.js';
import { evaluateRanking } from '../../engine/eval/evaluate-ranking.js';
import { protocolSplit } from '../../engine/eval/protocols.js';
import type { RankingMetrics } from '../../engine/eval/ranking-metrics.js';
import { RatingMatrix, type RatingScale } from '../../engine/matrix/rating-matrix.js';
import { checkModelDirTarget } from '../../engine/model/model-dir-target.js';
import { parseTableName } from '../warehouse/table-name.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { seedTopNTable } from './seed-top-n.js';

export interface TrainOptions {
  /** Input column names (default the seed's USERID, MOVIEID, RATING). */
  columns?: { user?: string | undefined; item?: string | undefined; rating?: string | undefined } | undefined;
  /** Which algorithm (default svd, the seed's); a ranker (als, ease, itemknn, bpr) for better top-N lists. */
  algorithm?: string | undefined;
  /** The algorithm's parameters (its defaults otherwise; SVD's are Surprise's). */
  params?: Partial<SvdParams> | Record<string, unknown> | undefined;
  /** Cross-validation folds before the final fit (default 5, as the seed; 0 skips it). Rating models only. */
  folds?: number | undefined;
  /**
   * Also score the top-N lists under the ms-recommenders protocol (per-user 75/25 split from
   * `seed`, every held-out rating relevant; docs/ranking.md) before the final fit. Default false.
   */
  rankingCheck?: boolean | undefined;
  /** Recommendations per user (default 10). */
  n?: number | undefined;
  /** Where the fitted model directory goes (default `models/<output table>`). */
  modelDir?: string | undefined;
  /** Declared rating scale (default the observed min and max). */
  scale?: RatingScale | undefined;
  seed?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Progress of each long step: 'cv', 'fit', 'recommend'. */
  onProgress?: ((step: string, fraction: number) => void) | undefined;
}

export interface TrainSummary {
  warehouse: string;
  inputTable: string;
  outputTable: string;
  ratings: number;
  users: number;
  items: number;
  algorithm: string;
  /** k-fold RMSE/MAE (undefined when folds = 0 or for a ranker). */
  cv: CrossValidateResult | undefined;
  /** Top-N metrics under ms-recommenders (when rankingCheck is set). */
  ranking?: RankingMetrics | undefined;
  /** Training history of the final fit. */
  history: EpochReport[];
  rowsWritten: number;
  modelDir: string;
  params: Record<string, unknown>;
  seconds: { read: number; cv: number; fit: number; recommend: number; write: number; save: number; total: number };
}

/**
 * The seed's `train_and_get_recommendations(input_table, output_table)`, locally: read the ratings
 * table, 5-fold cross-validate SVD (RMSE, MAE) or the chosen algorithm (rankers skip the RMSE
 * folds; `rankingCheck` scores any algorithm's top-N instead), fit on every rating, compute every user's top-N
 * unseen items, write `USERID, TOP_<N>_RECOMMENDATIONS` to the output table (atomic replace), save
 * the model directory. Table names are validated identifiers.
 */
export async function trainAndGetRecommendations(
  warehouse: Warehouse,
  inputTable: string,
  outputTable: string,
  o: TrainOptions = {},
): Promise<TrainSummary> {
  parseTableName(inputTable, 'input table');
  const out = parseTableName(outputTable, 'output table');
  // Checked before any work, as `reckit train --out` does: a folder reckit may not replace is
  // refused now, not after the fit and with the output table already written.
  const modelDir = resolve(o.modelDir ?? `models/${out.table.toLowerCase()}`);
  await checkModelDirTarget(modelDir);
  const clock = stopwatch();
  const c = {
    user: o.columns?.user ?? 'USERID',
    item: o.columns?.item ?? 'MOVIEID',
    rating: o.columns?.rating ?? 'RATING',
  };
  const table = await warehouse.readTable(inputTable, { columns: [c.user, c.item, c.rating], signal: o.signal });
  const { matrix } = await RatingMatrix.fromTable(table, {
    source: inputTable,
    columns: c,
    scale: o.scale,
    signal: o.signal,
  });
  const read = clock();
  const seed = o.seed ?? (o.params?.seed as number | undefined) ?? 0;
  const name = o.algorithm ?? 'svd';
  const ranker = RANKER_NAMES.includes(name);
  const params: Record<string, unknown> = { ...o.params };
  if ((name === 'svd' || name === 'als' || name === 'bpr') && params.seed === undefined) params.seed = seed;
  const svd = createAlgorithm(name, params);
  const folds = ranker ? 0 : (o.folds ?? 5);
  const cv = folds
    ? await crossValidate(svd, matrix, {
        folds,
        seed,
        ranking: false,
        signal: o.signal,
        onProgress: o.onProgress && ((f) => o.onProgress?.('cv', f)),
      })
    : undefined;
  const ranking = o.rankingCheck
    ? (await evaluateRanking(svd, protocolSplit('ms-recommenders', matrix, { seed }), { k: 10, signal: o.signal }))
        .metrics
    : undefined;
  const cvSeconds = clock();
  const history: EpochReport[] = [];
  const model = await svd.fit(matrix, {
    signal: o.signal,
    onEpoch: (e) => history.push(e),
    onProgress: o.onProgress && ((f) => o.onProgress?.('fit', f)),
  });
  const fit = clock();
  const n = o.n ?? 10;
  const top = await model.recommendAll({
    n,
    excludeSeen: true,
    signal: o.signal,
    onProgress: o.onProgress && ((f) => o.onProgress?.('recommend', f)),
  });
  const recommend = clock();
  const { rows } = await warehouse.writeTable(outputTable, seedTopNTable(top, model, n), {
    mode: 'replace',
    signal: o.signal,
  });
  const write = clock();
  await model.save(modelDir);
  const save = clock();
  return {
    warehouse: warehouse.location,
    inputTable,
    outputTable,
    ratings: matrix.nRatings,
    users: matrix.nUsers,
    items: matrix.nItems,
    algorithm: name,
    cv,
    ranking,
    history,
    rowsWritten: rows,
    modelDir,
    params: { ...svd.params },
    seconds: {
      read,
      cv: cvSeconds,
      fit,
      recommend,
      write,
      save,
      total: read + cvSeconds + fit + recommend + write + save,
    },
  };
}

/** Seconds since the previous call (or creation). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const s = (now - last) / 1000;
    last = now;
    return s;
  };
}
