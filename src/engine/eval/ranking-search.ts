import type { Algorithm } from '../algorithms/algorithm.js';
import { InputError } from '../errors.js';
import { Rng } from '../kernels/rng.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { evaluateRanking } from './evaluate-ranking.js';
import type { RankingMetrics } from './ranking-metrics.js';
import { stratifiedSplit } from './ranking-splits.js';

export interface RankingSearchOptions {
  /** Random search: this many combinations drawn (seeded, without repeats) instead of the full grid. */
  trials?: number | undefined;
  /** Seed of the validation split and of the random draws, default 0. */
  seed?: number | undefined;
  /** Metric to maximise, default ndcg. */
  measure?: 'ndcg' | 'precision' | 'recall' | 'map' | 'hitRate' | undefined;
  k?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface RankingSearchRow {
  params: Record<string, unknown>;
  score: number;
  metrics: RankingMetrics;
  fitSeconds: number;
}

/**
 * Grid or random search for a ranker on a validation split carved from `train` (per-user 75/25
 * of the training part), never on a test set: pass the training part of your evaluation split.
 * Returns one row per combination tried and the best by `measure`.
 */
export async function searchRanking(
  create: (params: Record<string, unknown>) => Algorithm<object>,
  grid: Record<string, readonly unknown[]>,
  train: RatingMatrix,
  o: RankingSearchOptions = {},
): Promise<{ measure: string; rows: RankingSearchRow[]; best: RankingSearchRow }> {
  const measure = o.measure ?? 'ndcg';
  const seed = o.seed ?? 0;
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new InputError(`searchRanking: grid.${name} must be a non-empty array of values`);
    }
    combos = combos.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  if (o.trials !== undefined && o.trials < combos.length) {
    const order = Int32Array.from(combos.keys());
    new Rng(seed).shuffle(order);
    combos = Array.from(order.subarray(0, Math.max(1, o.trials)), (i) => combos[i]!);
  }
  const split = stratifiedSplit(train, { trainRatio: 0.75, seed: seed + 1 });
  const rows: RankingSearchRow[] = [];
  for (const params of combos) {
    o.signal?.throwIfAborted();
    const run = await evaluateRanking(create(params), split, { k: o.k, signal: o.signal });
    rows.push({ params, score: run.metrics[measure], metrics: run.metrics, fitSeconds: run.fitSeconds });
  }
  let best = rows[0]!;
  for (const r of rows) if (r.score > best.score) best = r;
  return { measure, rows, best };
}
