import type { Algorithm } from '../algorithms/algorithm.js';
import type { Id } from '../matrix/id-index.js';
import type { Split, TestSet } from '../matrix/split.js';
import type { Model } from '../model/model.js';
import { type RankingMetrics, rankingMetrics, relevantItems } from './ranking-metrics.js';
import { ratingMetrics } from './rating-metrics.js';

export interface RankingRunOptions {
  /** List length and metric cut-off, default 10. */
  k?: number | undefined;
  /** A held-out rating >= threshold is relevant; default -Infinity: every held-out rating is. */
  threshold?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

/** One algorithm's figures on one split under a top-k protocol. */
export interface RankingRun {
  algorithm: string;
  params: Record<string, unknown>;
  metrics: RankingMetrics;
  /** RMSE/MAE of predict on the held-out pairs; NaN for rankers (models whose scale is not the data's). */
  rmse: number;
  mae: number;
  fitSeconds: number;
  /** recommendAll for the evaluated users. */
  rankSeconds: number;
  model: Model;
}

/**
 * Fits `algorithm` on split.train and scores top-k lists for every user with held-out ratings who
 * is known in training. Lists exclude the user's training items and only rank items seen in
 * training (a model cannot recommend an item it never saw). The metric definitions are in
 * ranking-metrics.ts and docs/ranking.md.
 */
export async function evaluateRanking(
  algorithm: Algorithm<object>,
  split: Split,
  o: RankingRunOptions = {},
): Promise<RankingRun> {
  const { train, test } = split;
  const k = o.k ?? 10;
  const t0 = performance.now();
  const model = await algorithm.fit(train, {
    signal: o.signal,
    onProgress: o.onProgress && ((f) => o.onProgress?.(0.9 * f)),
  });
  const t1 = performance.now();
  const users = evaluatedUsers(split);
  const lists = await model.recommendAll({
    n: k,
    users: Array.from(users, (u) => train.users.idOf(u)),
    signal: o.signal,
  });
  const t2 = performance.now();
  const threshold = o.threshold ?? Number.NEGATIVE_INFINITY;
  let catalogSize = 0;
  const known = new Uint8Array(train.nItems);
  for (const i of train.csr.cols) known[i] = 1;
  for (const x of known) catalogSize += x;
  const metrics = rankingMetrics(lists, relevantItems(test, threshold), { k, threshold, catalogSize });
  // A ranker's scores live on its own preference scale: no RMSE against ratings for it.
  const ratingModel = model.scale.min === train.scale.min && model.scale.max === train.scale.max;
  const predicted = ratingModel ? predictTest(model, split) : { rmse: Number.NaN, mae: Number.NaN };
  o.onProgress?.(1);
  return {
    algorithm: algorithm.name,
    params: { ...algorithm.params } as Record<string, unknown>,
    metrics,
    rmse: predicted.rmse,
    mae: predicted.mae,
    fitSeconds: (t1 - t0) / 1000,
    rankSeconds: (t2 - t1) / 1000,
    model,
  };
}

/** Dense indices of users with held-out ratings and training ratings, ascending. */
export function evaluatedUsers(split: { train: Split['train']; test: TestSet }): Int32Array {
  const mark = new Uint8Array(split.train.nUsers);
  for (const u of split.test.users) if (split.train.hasUser(u)) mark[u] = 1;
  const out: number[] = [];
  for (let u = 0; u < mark.length; u++) if (mark[u]) out.push(u);
  return Int32Array.from(out);
}

function predictTest(model: Model, { train, test }: Split): { rmse: number; mae: number } {
  const users: Id[] = Array.from(test.users, (u) => train.users.idOf(u));
  const items: Id[] = Array.from(test.items, (i) => train.items.idOf(i));
  const { scores } = model.predict(users, items);
  return ratingMetrics(test.ratings, scores);
}
