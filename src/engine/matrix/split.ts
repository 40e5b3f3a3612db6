import { InputError } from '../errors.js';
import { Rng } from '../kernels/rng.js';
import type { RatingMatrix } from './rating-matrix.js';

/** Held-out ratings as dense (user, item, rating) triples in the training matrix's index space. */
export interface TestSet {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

export interface Split {
  train: RatingMatrix;
  test: TestSet;
}

/**
 * Every split works on CSR entry positions and keeps the full id vocabularies, so train and test
 * share indices; a user whose ratings all went to test is cold for the fitted model.
 */
export function splitByMask(m: RatingMatrix, isTest: Uint8Array): Split {
  const keep = new Uint8Array(isTest.length);
  let nTest = 0;
  for (let p = 0; p < isTest.length; p++) {
    keep[p] = isTest[p] ? 0 : 1;
    if (isTest[p]) nTest++;
  }
  const test: TestSet = {
    users: new Int32Array(nTest),
    items: new Int32Array(nTest),
    ratings: new Float32Array(nTest),
  };
  const { offsets, cols, values } = m.csr;
  let q = 0;
  for (let u = 0; u < m.nUsers; u++) {
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      if (!isTest[p]) continue;
      test.users[q] = u;
      test.items[q] = cols[p]!;
      test.ratings[q] = values[p]!;
      q++;
    }
  }
  return { train: m.subset(keep), test };
}

function shuffledPositions(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  return order;
}

/** Random holdout: a seeded shuffle, the first round(testFraction * n) ratings go to test. */
export function randomHoldout(m: RatingMatrix, o: { testFraction: number; seed?: number }): Split {
  if (!(o.testFraction > 0 && o.testFraction < 1)) {
    throw new InputError(`testFraction must be in (0, 1), got ${o.testFraction}`);
  }
  const n = m.nRatings;
  const order = shuffledPositions(n, o.seed ?? 0);
  const isTest = new Uint8Array(n);
  const nTest = Math.round(o.testFraction * n);
  for (let i = 0; i < nTest; i++) isTest[order[i]!] = 1;
  return splitByMask(m, isTest);
}

/**
 * K-fold over ratings, as Surprise's KFold: one seeded shuffle, then k contiguous folds whose
 * sizes differ by at most one. Every rating is in exactly one test fold.
 */
export function* kFold(m: RatingMatrix, o: { folds: number; seed?: number }): Generator<Split & { fold: number }> {
  const k = o.folds;
  const n = m.nRatings;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new InputError(`folds must be an integer in [2, ${n}], got ${k}`);
  const order = shuffledPositions(n, o.seed ?? 0);
  for (let f = 0; f < k; f++) {
    const start = Math.floor((f * n) / k);
    const end = Math.floor(((f + 1) * n) / k);
    const isTest = new Uint8Array(n);
    for (let i = start; i < end; i++) isTest[order[i]!] = 1;
    yield { ...splitByMask(m, isTest), fold: f };
  }
}

/**
 * Per-user leave-k-out: k random ratings of each user go to test; users with fewer than
 * `minTrain + k` ratings stay wholly in train.
 */
export function leaveKOut(m: RatingMatrix, o: { k: number; seed?: number; minTrain?: number }): Split {
  if (!Number.isInteger(o.k) || o.k < 1) throw new InputError(`k must be a positive integer, got ${o.k}`);
  const minTrain = o.minTrain ?? 1;
  const rng = new Rng(o.seed ?? 0);
  const isTest = new Uint8Array(m.nRatings);
  for (let u = 0; u < m.nUsers; u++) {
    const a = m.csr.offsets[u]!;
    const len = m.csr.offsets[u + 1]! - a;
    if (len < minTrain + o.k) continue;
    const pos = new Int32Array(len);
    for (let i = 0; i < len; i++) pos[i] = a + i;
    rng.shuffle(pos);
    for (let i = 0; i < o.k; i++) isTest[pos[i]!] = 1;
  }
  return splitByMask(m, isTest);
}

/**
 * Temporal: the latest ratings go to test, either globally (a cutoff time or the newest
 * testFraction of all ratings). Ties at the cutoff go to train.
 */
export function temporal(m: RatingMatrix, o: { testFraction?: number; cutoff?: number }): Split {
  const ts = m.timestamps;
  if (!ts) throw new InputError('temporal split needs a timestamp column; this data has none');
  let cutoff = o.cutoff;
  if (cutoff === undefined) {
    const f = o.testFraction ?? 0.2;
    if (!(f > 0 && f < 1)) throw new InputError(`testFraction must be in (0, 1), got ${f}`);
    const sorted = Float64Array.from(ts).sort();
    cutoff = sorted[Math.min(sorted.length - 1, Math.floor((1 - f) * sorted.length))]!;
  }
  const isTest = new Uint8Array(m.nRatings);
  for (let p = 0; p < ts.length; p++) if (ts[p]! > cutoff) isTest[p] = 1;
  return splitByMask(m, isTest);
}
