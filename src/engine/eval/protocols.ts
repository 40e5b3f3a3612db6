import type { Algorithm } from '../algorithms/algorithm.js';
import { InputError } from '../errors.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { type Split, temporal } from '../matrix/split.js';
import { evaluateRanking, type RankingRun } from './evaluate-ranking.js';
import { leaveLastOut, pythonStratifiedSplit, stratifiedSplit } from './ranking-splits.js';

/**
 * The top-N evaluation presets (docs/ranking.md). `surprise` is global k-fold RMSE/MAE, run by
 * crossValidate; the others are one split each, scored by evaluateRanking with every held-out
 * rating relevant.
 */
export const PROTOCOL_NAMES = [
  'ms-recommenders',
  'python-stratified',
  'leave-one-out',
  'temporal',
  'surprise',
] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

export interface ProtocolSplitOptions {
  seed?: number | undefined;
}

/** What each preset holds out, in one line (reports print it). */
export const PROTOCOL_DESCRIPTIONS: Record<ProtocolName, string> = {
  'ms-recommenders': 'per-user stratified 75/25 random split; training items excluded; every held-out rating relevant',
  'python-stratified':
    "Microsoft Recommenders' python_stratified_split (75/25 per user, numpy's generator with --seed; its default is 42) row for row; every held-out rating relevant",
  'leave-one-out': "each user's latest rating held out (random when there are no timestamps); HR and nDCG",
  temporal: 'the newest 20% of all ratings held out (global time cut); every held-out rating relevant',
  surprise: 'global 5-fold CV over ratings (Surprise KFold); RMSE/MAE',
};

/** Checks a protocol name (InputError listing the known ones). */
export function protocolName(name: string): ProtocolName {
  if (!(PROTOCOL_NAMES as readonly string[]).includes(name)) {
    throw new InputError(`unknown protocol "${name}"; known: ${PROTOCOL_NAMES.join(', ')}`);
  }
  return name as ProtocolName;
}

/** The one split of a single-split preset. */
export function protocolSplit(name: ProtocolName, m: RatingMatrix, o: ProtocolSplitOptions = {}): Split {
  const seed = o.seed ?? 0;
  switch (name) {
    case 'ms-recommenders':
      return stratifiedSplit(m, { trainRatio: 0.75, seed });
    case 'python-stratified':
      return pythonStratifiedSplit(m, { trainRatio: 0.75, seed });
    case 'leave-one-out':
      return leaveLastOut(m, { seed });
    case 'temporal':
      return temporal(m, { testFraction: 0.2 });
    default:
      throw new InputError(`protocol "${name}" is k-fold, not one split; use crossValidate`);
  }
}

/** Every algorithm on the same split, in order (one row each). */
export async function compareOnSplit(
  algorithms: readonly Algorithm<object>[],
  split: Split,
  o: { k?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<RankingRun[]> {
  const rows: RankingRun[] = [];
  for (const [a, algorithm] of algorithms.entries()) {
    o.signal?.throwIfAborted();
    rows.push(
      await evaluateRanking(algorithm, split, {
        k: o.k,
        signal: o.signal,
        onProgress: o.onProgress && ((f) => o.onProgress?.((a + f) / algorithms.length)),
      }),
    );
  }
  return rows;
}
