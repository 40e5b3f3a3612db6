import { CancelledError, InputError } from '../../errors.js';
import { Rng } from '../rng.js';
import type { KernelRun, SgdEpochArgs, SgdPlan } from '../signatures.js';

/**
 * One epoch of biased matrix-factorisation SGD, Surprise's update order per rating:
 *   err = r - (mu + b_u + b_i + q_i . p_u)
 *   b_u += lr_bu (err - reg_bu b_u);  b_i += lr_bi (err - reg_bi b_i)
 *   for f: p_uf += lr_pu (err q_if - reg_pu p_uf);  q_if += lr_qi (err p_uf - reg_qi q_if)  (old values)
 * The reference for native/sgd-epoch.cc, written so the two agree bit for bit: the scalar part
 * (err, biases) is computed in double and stored float32; the factor part is float32 arithmetic
 * (Math.fround after every operation, as the C++ float code without FMA contraction), and the dot
 * product sums into 8 lanes (lane = f % 8) combined pairwise, the order the vectorised C++ uses.
 * Blocks run stratum by stratum (see SgdPlan); blocks of a stratum are independent, so this
 * sequential order gives the result any thread schedule gives.
 */
export async function sgdEpoch(a: SgdEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }> {
  const { plan } = a;
  const g = plan.grid;
  checkIndices(a);
  let sse = 0;
  for (let s = 0; s < g; s++) {
    if (run?.signal?.aborted) throw new CancelledError('cancelled');
    for (let j = 0; j < g; j++) {
      const b = j * g + ((j + s) % g);
      if (a.shuffleSeed !== undefined) shuffleBlock(plan, b, a.shuffleSeed);
      sse += sgdBlock(a, plan.blockOffsets[b]!, plan.blockOffsets[b + 1]!);
    }
    run?.onProgress?.((s + 1) / g);
  }
  return { sse, penalty: penalty(a) };
}

/** The L2 part of the SGD objective after the epoch, in double. */
function penalty(a: SgdEpochArgs): number {
  const m = a.params;
  const r = a.rates;
  const sq = (x: Float32Array) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
    return s;
  };
  const biases = m.biased ? r.regBu * sq(m.userBias) + r.regBi * sq(m.itemBias) : 0;
  return r.regPu * sq(m.userFactors) + r.regQi * sq(m.itemFactors) + biases;
}

/** An out-of-range index would read past P or Q (NaN here, memory corruption natively). */
function checkIndices(a: SgdEpochArgs): void {
  const { users, items } = a.plan;
  const nUsers = a.params.userBias.length;
  const nItems = a.params.itemBias.length;
  for (let p = 0; p < users.length; p++) {
    const u = users[p]!;
    const i = items[p]!;
    if (!(u >= 0 && u < nUsers && i >= 0 && i < nItems)) {
      throw new InputError(`user or item index out of range at entry ${p}`);
    }
  }
}

/** Seed of block b's shuffle: one Rng per block, so threads shuffle their own blocks independently. */
export function blockSeed(seed: number, block: number): number {
  return (seed ^ Math.imul(block + 1, 0x9e3779b9)) >>> 0;
}

/** Fisher-Yates from the end over the block's (user, item, rating) triples, moved together. */
function shuffleBlock(plan: SgdPlan, b: number, seed: number): void {
  const lo = plan.blockOffsets[b]!;
  const n = plan.blockOffsets[b + 1]! - lo;
  const rng = new Rng(blockSeed(seed, b));
  const { users, items, ratings } = plan;
  for (let i = n - 1; i > 0; i--) {
    const j = lo + rng.nextBelow(i + 1);
    const k = lo + i;
    const u = users[k]!;
    users[k] = users[j]!;
    users[j] = u;
    const it = items[k]!;
    items[k] = items[j]!;
    items[j] = it;
    const r = ratings[k]!;
    ratings[k] = ratings[j]!;
    ratings[j] = r;
  }
}

const f32 = Math.fround;

function sgdBlock(a: SgdEpochArgs, lo: number, hi: number): number {
  const { users, items, ratings } = a.plan;
  const { userFactors: P, itemFactors: Q, userBias: bu, itemBias: bi, factors: k, globalMean: mu, biased } = a.params;
  const r8 = a.rates;
  const lrPu = f32(r8.lrPu);
  const lrQi = f32(r8.lrQi);
  const regPu = f32(r8.regPu);
  const regQi = f32(r8.regQi);
  const acc = new Float64Array(8);
  let sse = 0;
  for (let p = lo; p < hi; p++) {
    const u = users[p]!;
    const i = items[p]!;
    const pu = u * k;
    const qi = i * k;
    acc.fill(0);
    for (let f = 0; f < k; f++) {
      const l = f & 7;
      acc[l] = f32(acc[l]! + f32(P[pu + f]! * Q[qi + f]!));
    }
    const dot = f32(
      f32(f32(acc[0]! + acc[1]!) + f32(acc[2]! + acc[3]!)) + f32(f32(acc[4]! + acc[5]!) + f32(acc[6]! + acc[7]!)),
    );
    const est = biased ? mu + bu[u]! + bi[i]! + dot : dot;
    const err = ratings[p]! - est;
    sse += err * err;
    if (biased) {
      const b1 = bu[u]!;
      const b2 = bi[i]!;
      bu[u] = b1 + r8.lrBu * (err - r8.regBu * b1);
      bi[i] = b2 + r8.lrBi * (err - r8.regBi * b2);
    }
    const e = f32(err);
    for (let f = 0; f < k; f++) {
      const pf = P[pu + f]!;
      const qf = Q[qi + f]!;
      P[pu + f] = f32(pf + f32(lrPu * f32(f32(e * qf) - f32(regPu * pf))));
      Q[qi + f] = f32(qf + f32(lrQi * f32(f32(e * pf) - f32(regQi * qf))));
    }
  }
  return sse;
}
