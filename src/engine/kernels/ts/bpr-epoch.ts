import { CancelledError, InputError } from '../../errors.js';
import { Rng } from '../rng.js';
import type { BprEpochArgs, KernelRun } from '../signatures.js';

/**
 * One BPR epoch, the reference for native/bpr-epoch.cc. Thread t of T runs samples
 * [t S / T, (t + 1) S / T) from its own Rng(seed + 0x9e3779b9 t); this reference runs the threads'
 * shares one after another, which is what one native thread does (threads > 1 race by design).
 * Per sample, in double then stored float32: x = b_i - b_j + p_u . (q_i - q_j), z = 1 / (1 + e^x),
 *   p_u += lr (z (q_i - q_j) - reg p_u);  q_i += lr (z p_u - reg q_i);  q_j += lr (-z p_u - reg q_j)
 * (old p_u in the item updates), b_i += lr (z - reg b_i), b_j += lr (-z - reg b_j).
 */
export async function bprEpoch(a: BprEpochArgs, run?: KernelRun): Promise<{ correct: number }> {
  const { seen, userFactors: P, itemFactors: Q, itemBias: B, k } = a;
  const nnz = seen.offsets[seen.nRows]!;
  const nItems = B.length;
  if (P.length !== seen.nRows * k || Q.length !== nItems * k || seen.nCols !== nItems) {
    throw new InputError('bprEpoch: factor lengths do not match the interactions');
  }
  if (nnz === 0) return { correct: Number.NaN };
  const rowOf = entryRows(seen.offsets, seen.nRows);
  const threads = Math.max(1, a.threads ?? 1);
  const pu = new Float64Array(k);
  let correct = 0;
  for (let t = 0; t < threads; t++) {
    const rng = new Rng((a.seed + Math.imul(0x9e3779b9, t)) >>> 0);
    const end = Math.floor(((t + 1) * a.samples) / threads);
    for (let s = Math.floor((t * a.samples) / threads); s < end; s++) {
      if ((s & 65535) === 0) {
        if (run?.signal?.aborted) throw new CancelledError('cancelled');
        run?.onProgress?.(s / a.samples);
      }
      const e = rng.nextBelow(nnz);
      const u = rowOf[e]!;
      const i = seen.cols[e]!;
      const lo = seen.offsets[u]!;
      const hi = seen.offsets[u + 1]!;
      if (hi - lo >= nItems) continue;
      let j = rng.nextBelow(nItems);
      while (has(seen.cols, lo, hi, j)) j = rng.nextBelow(nItems);
      let x = B[i]! - B[j]!;
      for (let f = 0; f < k; f++) {
        pu[f] = P[u * k + f]!;
        x += pu[f]! * (Q[i * k + f]! - Q[j * k + f]!);
      }
      if (x > 0) correct++;
      const z = 1 / (1 + Math.exp(x));
      const lr = a.learningRate;
      const reg = a.reg;
      for (let f = 0; f < k; f++) {
        const p = pu[f]!;
        const qi = Q[i * k + f]!;
        const qj = Q[j * k + f]!;
        P[u * k + f] = p + lr * (z * (qi - qj) - reg * p);
        Q[i * k + f] = qi + lr * (z * p - reg * qi);
        Q[j * k + f] = qj + lr * (-z * p - reg * qj);
      }
      B[i] = B[i]! + lr * (z - reg * B[i]!);
      B[j] = B[j]! + lr * (-z - reg * B[j]!);
    }
  }
  run?.onProgress?.(1);
  return { correct: correct / Math.max(1, a.samples) };
}

function entryRows(offsets: Int32Array, nRows: number): Int32Array {
  const rows = new Int32Array(offsets[nRows]!);
  for (let r = 0; r < nRows; r++) rows.fill(r, offsets[r]!, offsets[r + 1]!);
  return rows;
}

/** Whether sorted cols[lo, hi) holds x. */
function has(cols: Int32Array, lo: number, hi: number, x: number): boolean {
  let a = lo;
  let b = hi - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    const v = cols[m]!;
    if (v === x) return true;
    if (v < x) a = m + 1;
    else b = m - 1;
  }
  return false;
}
