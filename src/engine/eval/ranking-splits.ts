import { InputError } from '../errors.js';
import { Rng } from '../kernels/rng.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { type Split, splitByMask } from '../matrix/split.js';
import { NumpyRandomState } from './numpy-random.js';

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
 * Microsoft Recommenders' `python_stratified_split(data, ratio, seed=seed)` reproduced row for row
 * (docs/ranking.md, "python-stratified"): `np.random.seed(seed)` draws one uniform per input row in
 * input order, each user's rows are sorted by their draw, and the rows whose rank / count is at most
 * `trainRatio` stay in training (so floor(trainRatio * n), and a user with one rating is held out).
 * Needs the input order, which matrices built by `RatingMatrix.fromTable` keep.
 */
export function pythonStratifiedSplit(m: RatingMatrix, o: { trainRatio?: number; seed?: number } = {}): Split {
  const ratio = o.trainRatio ?? 0.75;
  if (!(ratio > 0 && ratio < 1)) throw new InputError(`trainRatio must be in (0, 1), got ${ratio}`);
  const source = m.sourceRows;
  if (!source) {
    throw new InputError(
      'the python-stratified split needs the ratings in their input order (a matrix from fromTable)',
    );
  }
  let nInput = 0;
  for (let p = 0; p < source.length; p++) nInput = Math.max(nInput, source[p]! + 1);
  const draw = new NumpyRandomState(o.seed ?? 42).rand(nInput);
  const isTest = new Uint8Array(m.nRatings);
  const offsets = m.csr.offsets;
  for (let u = 0; u < m.nUsers; u++) {
    const a = offsets[u]!;
    const n = offsets[u + 1]! - a;
    const pos = Array.from({ length: n }, (_, i) => a + i);
    pos.sort((x, y) => draw[source[x]!]! - draw[source[y]!]! || source[x]! - source[y]!);
    // pandas compares the float rank / count with the ratio, as here.
    for (let r = 0; r < n; r++) if ((r + 1) / n > ratio) isTest[pos[r]!] = 1;
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
