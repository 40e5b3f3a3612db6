import { CancelledError } from '../errors.js';
import { Rng } from '../kernels/rng.js';
import type { KernelRun } from '../kernels/signatures.js';
import type { RatingColumnsData } from './ratings-table.js';
import { checkSyntheticSpec, type SyntheticSpec } from './synthetic-spec.js';

// Shape constants, chosen so ml-25m-shape looks like MovieLens 25M: the most-rated item gets
// ~0.3% of all ratings (MovieLens 25M: 81,491 of 25M), heavy users rate thousands of items,
// the global mean is ~3.5.
/** Log-normal spread of user activity above the minimum. */
const USER_SIGMA = 1.25;
/** Zipf exponent and rank offset of item popularity: p(rank) ~ 1 / (rank + ITEM_OFFSET)^ITEM_ALPHA. */
const ITEM_ALPHA = 1.05;
const ITEM_OFFSET = 40;
/** No user rates more than this share of the catalogue (keeps rejection sampling cheap). */
const USER_CAP = 0.6;
const MEAN = 3.55;
const USER_BIAS_SD = 0.45;
const ITEM_BIAS_SD = 0.45;
const FACTOR_SD = 0.35;
const NOISE_SD = 0.7;
/** Timestamps: users arrive uniformly over [T0, T0 + ARRIVAL_SPAN] and rate over up to ACTIVE_SPAN. */
const T0 = 820_454_400; // 1996-01-01
const ARRIVAL_SPAN = 23 * 365 * 86_400;
const ACTIVE_SPAN = 3 * 365 * 86_400;
const YIELD_EVERY = 1 << 20;
/** Per-rating noise comes from a seeded table of normals: one u32 per draw instead of Box-Muller's four. */
const NOISE_TABLE = 1 << 16;

/** Generated columns: 1-based Int32 ids, grouped by user. */
export interface SyntheticRatings extends RatingColumnsData {
  user: Int32Array;
  item: Int32Array;
}

/**
 * Seeded MovieLens-like ratings for scale tests and benchmarks (never for accuracy tests):
 * log-normal user activity (>= minPerUser each), Zipf item popularity over a shuffled catalogue,
 * rating = mean + user bias + item bias + p_u . q_i + noise, rounded to `step` and clipped.
 * Exactly `ratings` rows, every user and item rated at least once, no duplicate (user, item).
 * Rows are grouped by user; ids are 1-based Int32. Memory: the output arrays plus O(users + items).
 */
export async function generateSynthetic(spec: SyntheticSpec, run: KernelRun = {}): Promise<SyntheticRatings> {
  const s = checkSyntheticSpec(spec);
  if (run.signal?.aborted) throw new CancelledError('synthetic generation cancelled');
  const rng = new Rng(s.seed);
  const { users, items, rank } = s;
  const counts = userCounts(s, rng);
  const alias = popularityAlias(items);
  const itemId = new Int32Array(items);
  for (let k = 0; k < items; k++) itemId[k] = k + 1;
  rng.shuffle(itemId); // popularity rank k -> item id, so ids carry no popularity order
  const userBias = normals(rng, users, USER_BIAS_SD);
  const itemBias = normals(rng, items, ITEM_BIAS_SD);
  const p = normals(rng, users * rank, FACTOR_SD);
  const q = normals(rng, items * rank, FACTOR_SD);
  const { offsets: firstOffsets, ranks: firstRanks } = coverItems(counts, items, rng);
  const noise = normals(rng, NOISE_TABLE, NOISE_SD);
  const { prob, other } = alias;
  const { min: lo, max: hi, step } = s;

  const user = new Int32Array(s.ratings);
  const item = new Int32Array(s.ratings);
  const rating = new Float32Array(s.ratings);
  const timestamp = s.timestamps ? new Float64Array(s.ratings) : undefined;
  const seen = new Int32Array(items).fill(-1);
  let out = 0;
  let nextYield = YIELD_EVERY;
  for (let u = 0; u < users; u++) {
    const n = counts[u]!;
    const start = out;
    for (let j = firstOffsets[u]!; j < firstOffsets[u + 1]!; j++) {
      const r = firstRanks[j]!;
      seen[r] = u;
      item[out++] = r;
    }
    let tries = 0;
    while (out - start < n && tries < 4 * n) {
      tries++;
      const x = rng.nextDouble() * items;
      const slot = Math.floor(x);
      const r = x - slot < prob[slot]! ? slot : other[slot]!;
      if (seen[r] === u) continue;
      seen[r] = u;
      item[out++] = r;
    }
    // a heavy user whose draws keep hitting rated items takes the most popular unrated ones
    for (let r = 0; out - start < n; r++) {
      if (seen[r] === u) continue;
      seen[r] = u;
      item[out++] = r;
    }
    const arrival = T0 + Math.floor(rng.nextDouble() * ARRIVAL_SPAN);
    const active = Math.floor(rng.nextDouble() * ACTIVE_SPAN);
    const po = u * rank;
    const base = MEAN + userBias[u]!;
    for (let e = start; e < out; e++) {
      const r = item[e]!;
      const qo = r * rank;
      let dot = 0;
      for (let f = 0; f < rank; f++) dot += p[po + f]! * q[qo + f]!;
      const raw = base + itemBias[r]! + dot + noise[rng.nextU32() & (NOISE_TABLE - 1)]!;
      const snapped = lo + Math.round((raw - lo) / step) * step;
      rating[e] = snapped < lo ? lo : snapped > hi ? hi : snapped;
      user[e] = u + 1;
      item[e] = itemId[r]!;
      if (timestamp) timestamp[e] = arrival + Math.floor(rng.nextDouble() * active);
    }
    if (out >= nextYield) {
      nextYield += YIELD_EVERY;
      run.onProgress?.(out / s.ratings);
      await new Promise((resolve) => setImmediate(resolve));
      if (run.signal?.aborted) throw new CancelledError('synthetic generation cancelled');
    }
  }
  run.onProgress?.(1);
  return { user, item, rating, timestamp };
}

/** Ratings per user: minPerUser plus a log-normal share of the rest, capped, summing exactly. */
function userCounts(s: SyntheticSpec, rng: Rng): Int32Array {
  const { users, ratings } = s;
  const cap = Math.max(1, Math.floor(USER_CAP * s.items));
  const minPer = Math.max(1, Math.min(s.minPerUser, Math.floor(ratings / users), cap));
  const w = new Float64Array(users);
  for (let u = 0; u < users; u++) w[u] = Math.exp(USER_SIGMA * rng.nextNormal());
  const counts = new Int32Array(users).fill(minPer);
  let left = ratings - minPer * users;
  // water-filling: share the rest by weight; users at the cap drop out and the rest is re-shared
  for (let round = 0; round < 20 && left > 0; round++) {
    let total = 0;
    for (let u = 0; u < users; u++) if (counts[u]! < cap) total += w[u]!;
    if (total === 0) break;
    let given = 0;
    for (let u = 0; u < users; u++) {
      const c = counts[u]!;
      if (c >= cap) continue;
      const add = Math.min(cap - c, Math.floor((left * w[u]!) / total));
      counts[u] = c + add;
      given += add;
    }
    left -= given;
    if (given === 0) break;
  }
  for (let u = 0; left > 0; u = (u + 1) % users) {
    if (counts[u]! < cap) {
      counts[u] = counts[u]! + 1;
      left--;
    }
  }
  return counts;
}

/**
 * Zipf popularity over ranks 0..items-1 as Vose's alias table: a draw is one uniform x in
 * [0, items): slot floor(x) keeps itself with probability prob[slot], else gives other[slot].
 */
function popularityAlias(items: number): { prob: Float64Array; other: Int32Array } {
  const w = new Float64Array(items);
  let sum = 0;
  for (let k = 0; k < items; k++) sum += w[k] = 1 / (k + ITEM_OFFSET) ** ITEM_ALPHA;
  const prob = new Float64Array(items);
  const other = new Int32Array(items);
  const small: number[] = [];
  const large: number[] = [];
  for (let k = 0; k < items; k++) {
    w[k] = (w[k]! * items) / sum;
    (w[k]! < 1 ? small : large).push(k);
  }
  while (small.length && large.length) {
    const s = small.pop() as number;
    const l = large[large.length - 1]!;
    prob[s] = w[s]!;
    other[s] = l;
    w[l] = w[l]! + w[s]! - 1;
    if (w[l]! < 1) small.push(large.pop() as number);
  }
  for (const k of large) prob[k] = 1;
  for (const k of small) prob[k] = 1; // rounding leftovers
  return { prob, other };
}

/** First index whose cumulative weight exceeds x. */
function sample(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Gives every item rank to one user (chosen by activity, never past that user's count), so the
 * catalogue is fully rated: returns per-user lists in CSR form.
 */
function coverItems(counts: Int32Array, items: number, rng: Rng): { offsets: Int32Array; ranks: Int32Array } {
  const users = counts.length;
  const cdf = new Float64Array(users);
  let acc = 0;
  for (let u = 0; u < users; u++) cdf[u] = acc += counts[u]!;
  const owner = new Int32Array(items);
  const taken = new Int32Array(users);
  for (let r = 0; r < items; r++) {
    let u = sample(cdf, rng.nextDouble() * acc);
    // a full user passes the item on to the next one with room (items <= ratings guarantees one)
    while (taken[u]! >= counts[u]!) u = (u + 1) % users;
    taken[u] = taken[u]! + 1;
    owner[r] = u;
  }
  const offsets = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) offsets[u + 1] = offsets[u]! + taken[u]!;
  const cursor = offsets.slice(0, users);
  const ranks = new Int32Array(items);
  for (let r = 0; r < items; r++) {
    const u = owner[r]!;
    ranks[cursor[u]!] = r;
    cursor[u] = cursor[u]! + 1;
  }
  return { offsets, ranks };
}

function normals(rng: Rng, n: number, sd: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = sd * rng.nextNormal();
  return a;
}
