import type { Algorithm, EpochReport } from '../algorithms/algorithm.js';
import type { Id } from '../matrix/id-index.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { kFold, randomHoldout, type Split } from '../matrix/split.js';
import { type RankingMetrics, rankingMetrics, relevantItems } from './ranking-metrics.js';
import { ratingMetrics } from './rating-metrics.js';

export interface CrossValidateOptions {
  /** K-fold over ratings (Surprise's KFold), default 5. Ignored when testFraction is set. */
  folds?: number | undefined;
  /** One seeded random holdout of this fraction instead of k folds. */
  testFraction?: number | undefined;
  /** Seed of the split, default 0. */
  seed?: number | undefined;
  /** Top-k metrics per fold (relevance: test rating >= threshold); false to skip. Default k 10, threshold 4. */
  ranking?: { k?: number | undefined; threshold?: number | undefined } | false | undefined;
  signal?: AbortSignal | undefined;
  /** Fraction of the whole run done, 0..1. */
  onProgress?: ((fraction: number) => void) | undefined;
  onFold?: ((r: FoldResult) => void) | undefined;
}

/** One fold's figures. */
export interface FoldResult {
  fold: number;
  trainRatings: number;
  testRatings: number;
  rmse: number;
  mae: number;
  /** Test pairs answered by a fallback (cold user or item), Surprise's was_impossible. */
  impossible: number;
  fitSeconds: number;
  /** Predicting the test pairs. */
  testSeconds: number;
  ranking?: RankingMetrics | undefined;
  /** Top-N for every known user (the ranking metrics' input). */
  rankSeconds?: number | undefined;
  /** The fit's per-epoch history, when the algorithm records one. */
  history?: EpochReport[] | undefined;
}

export interface CrossValidateResult {
  algorithm: string;
  params: Record<string, unknown>;
  split: { kind: 'kfold'; folds: number; seed: number } | { kind: 'holdout'; testFraction: number; seed: number };
  folds: FoldResult[];
  /** Mean over folds of every numeric figure (rmse, mae, seconds, ranking metrics by name). */
  mean: Record<string, number>;
  /** Population standard deviation over folds (numpy's default, as Surprise reports). */
  std: Record<string, number>;
}

/**
 * Surprise's cross_validate: fit on each training part, predict the held-out ratings (clipped,
 * cold pairs by fallback), and report per-fold and mean/std figures plus fit and test seconds.
 * `algorithm` is reused across folds: algorithms hold configuration only.
 */
export async function crossValidate(
  algorithm: Algorithm<object>,
  matrix: RatingMatrix,
  o: CrossValidateOptions = {},
): Promise<CrossValidateResult> {
  const seed = o.seed ?? 0;
  const holdout = o.testFraction !== undefined;
  const nFolds = holdout ? 1 : (o.folds ?? 5);
  const splits: Iterable<Split & { fold: number }> = holdout
    ? [{ ...randomHoldout(matrix, { testFraction: o.testFraction as number, seed }), fold: 0 }]
    : kFold(matrix, { folds: nFolds, seed });
  const folds: FoldResult[] = [];
  for (const split of splits) {
    o.signal?.throwIfAborted();
    const r = await evaluateSplit(algorithm, split, o, (f) => o.onProgress?.((split.fold + f) / nFolds));
    folds.push(r);
    o.onFold?.(r);
  }
  return {
    algorithm: algorithm.name,
    params: { ...algorithm.params } as Record<string, unknown>,
    split: holdout
      ? { kind: 'holdout', testFraction: o.testFraction as number, seed }
      : { kind: 'kfold', folds: nFolds, seed },
    folds,
    ...summarise(folds),
  };
}

/** Fits on split.train and scores split.test; the building block of crossValidate. */
export async function evaluateSplit(
  algorithm: Algorithm<object>,
  split: Split & { fold?: number },
  o: Pick<CrossValidateOptions, 'ranking' | 'signal'> = {},
  onProgress?: (fraction: number) => void,
): Promise<FoldResult> {
  const { train, test } = split;
  const history: EpochReport[] = [];
  const t0 = performance.now();
  const model = await algorithm.fit(train, {
    signal: o.signal,
    onProgress: onProgress && ((f) => onProgress(0.9 * f)),
    onEpoch: (e) => history.push(e),
  });
  const t1 = performance.now();
  const userIds: Id[] = Array.from(test.users, (u) => train.users.idOf(u));
  const itemIds: Id[] = Array.from(test.items, (i) => train.items.idOf(i));
  const { scores, known } = model.predict(userIds, itemIds);
  const t2 = performance.now();
  const m = ratingMetrics(test.ratings, scores);
  let impossible = 0;
  for (const k of known) if (!k) impossible++;
  const out: FoldResult = {
    fold: split.fold ?? 0,
    trainRatings: train.nRatings,
    testRatings: test.ratings.length,
    rmse: m.rmse,
    mae: m.mae,
    impossible,
    fitSeconds: (t1 - t0) / 1000,
    testSeconds: (t2 - t1) / 1000,
  };
  if (o.ranking !== false) {
    const k = o.ranking?.k ?? 10;
    const threshold = o.ranking?.threshold ?? 4;
    const lists = await model.recommendAll({ n: k, signal: o.signal });
    let catalogSize = 0;
    const seen = new Uint8Array(train.nItems);
    for (const i of train.csr.cols) seen[i] = 1;
    for (const s of seen) catalogSize += s;
    out.ranking = rankingMetrics(lists, relevantItems(test, threshold), { k, threshold, catalogSize });
    out.rankSeconds = (performance.now() - t2) / 1000;
  }
  if (history.length) out.history = history;
  onProgress?.(1);
  return out;
}

function summarise(folds: FoldResult[]): { mean: Record<string, number>; std: Record<string, number> } {
  const rows = folds.map(flatten);
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of Object.keys(rows[0] ?? {})) {
    const v = rows.map((r) => r[key]!);
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    mean[key] = mu;
    std[key] = Math.sqrt(v.reduce((a, b) => a + (b - mu) * (b - mu), 0) / v.length);
  }
  return { mean, std };
}

/** A fold's numeric figures as one flat record (ranking metrics by their own names). */
function flatten(f: FoldResult): Record<string, number> {
  const r: Record<string, number> = { rmse: f.rmse, mae: f.mae, fitSeconds: f.fitSeconds, testSeconds: f.testSeconds };
  if (f.ranking) {
    const { precision, recall, ndcg, map, hitRate, coverage } = f.ranking;
    Object.assign(r, { precision, recall, ndcg, map, hitRate, coverage });
  }
  if (f.rankSeconds !== undefined) r.rankSeconds = f.rankSeconds;
  return r;
}
