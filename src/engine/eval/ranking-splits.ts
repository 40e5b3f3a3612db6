import { InputError } from '../errors.js';
import { Rng } from '../kernels/rng.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { type Split, splitByMask } from '../matrix/split.js';

/**
 * Per-user stratified split (docs/ranking.md, "ms-recommenders"): each user's ratings are shuffled
 * (one seeded stream, users in index order) and the first round(trainRatio * n) stay in training,
 * the rest are held out. Every user with two or more ratings therefore has both parts, so every
 * user is evaluated; a user with one rating keeps it in training.
 */
export function stratifiedSplit(m: RatingMatrix, o: { trainRatio?: number; seed?: number } = {}): Split {
  const ratio = o.trainRatio ?? 0.75;
  if (!(ratio > 0 && ratio < 1)) throw new InputError(`trainRatio must be in (0, 1), got ${ratio}`);
  const rng = new Rng(o.seed ?? 0);
  const isTest = new Uint8Array(m.nRatings);
  const offsets = m.csr.offsets;
  for (let u = 0; u < m.nUsers; u++) {
    const a = offsets[u]!;
    const n = offsets[u + 1]! - a;
    if (n < 2) continue;
    const pos = new Int32Array(n);
    for (let i = 0; i < n; i++) pos[i] = a + i;
    rng.shuffle(pos);
    const nTrain = Math.min(n - 1, Math.max(1, Math.round(ratio * n)));
    for (let i = nTrain; i < n; i++) isTest[pos[i]!] = 1;
  }
  return splitByMask(m, isTest);
}

/**
 * Leave-one-out (docs/ranking.md): each user with two or more ratings holds out one, the latest by
 * timestamp when the data has timestamps (ties: the later CSR entry, i.e. the higher item index),
 * else one drawn at random from the seeded stream.
 */
export function leaveLastOut(m: RatingMatrix, o: { seed?: number } = {}): Split {
  const rng = new Rng(o.seed ?? 0);
  const ts = m.timestamps;
  const isTest = new Uint8Array(m.nRatings);
  const offsets = m.csr.offsets;
  for (let u = 0; u < m.nUsers; u++) {
    const a = offsets[u]!;
    const b = offsets[u + 1]!;
    if (b - a < 2) continue;
    let pick = a + rng.nextBelow(b - a);
    if (ts) {
      pick = a;
      for (let p = a + 1; p < b; p++) if (ts[p]! >= ts[pick]!) pick = p;
    }
    isTest[pick] = 1;
  }
  return splitByMask(m, isTest);
}
