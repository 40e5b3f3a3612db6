import { CancelledError, InputError } from '../../errors.js';
import type { AlsHalfStepArgs, KernelRun } from '../signatures.js';
import { AlsCgFloat } from './als-cg-float.js';

/**
 * Implicit ALS half-step, the reference for native/als-half-step.cc (same order of every double
 * sum, so the twins agree to float32 rounding). G = Y'Y is summed item by item in double; each row
 * then solves (G + reg I + sum_j (c_j - 1) y_j y_j') x = sum_j c_j y_j, either exactly (Cholesky)
 * or by `cgSteps` conjugate-gradient steps warm-started from the current x, as implicit's
 * least_squares_cg does, in float32 (cgPrecision 32, the default: als-cg-float.ts) or double.
 * docs/ranking.md derives the loss returned.
 */
export async function alsHalfStep(a: AlsHalfStepArgs, run?: KernelRun): Promise<{ loss: number }> {
  const { rows, fixed, k } = a;
  check(a);
  const g = gram(fixed, k);
  const st = new AlsScratch(k, a, g);
  let loss = 0;
  for (let u = 0; u < rows.nRows; u++) {
    if ((u & 1023) === 0) {
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      run?.onProgress?.(u / rows.nRows);
    }
    loss += solveRow(a, g, u, st);
  }
  run?.onProgress?.(1);
  return { loss };
}

/** The same half-step, synchronous and without progress: for one-row solves (fold-in). */
export function alsHalfStepSync(a: AlsHalfStepArgs): number {
  check(a);
  const g = gram(a.fixed, a.k);
  const st = new AlsScratch(a.k, a, g);
  let loss = 0;
  for (let u = 0; u < a.rows.nRows; u++) loss += solveRow(a, g, u, st);
  return loss;
}

/** G = Y'Y (k x k, full), in double, items in order. */
export function gram(y: Float32Array, k: number): Float64Array {
  const g = new Float64Array(k * k);
  const n = y.length / k;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let p = 0; p < k; p++) {
      const yp = y[o + p]!;
      for (let q = 0; q < k; q++) g[p * k + q] = g[p * k + q]! + yp * y[o + q]!;
    }
  }
  return g;
}

class AlsScratch {
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  readonly a: Float64Array;
  /** The float32 CG solver and Y'Y rounded to float32, when the CG runs in float32. */
  readonly cgFloat: { solver: AlsCgFloat; g: Float32Array } | undefined;
  constructor(k: number, args: AlsHalfStepArgs, g: Float64Array) {
    const float = args.cgSteps > 0 && (args.cgPrecision ?? 32) === 32;
    this.cgFloat = float ? { solver: new AlsCgFloat(k), g: Float32Array.from(g) } : undefined;
    this.x = new Float64Array(k);
    this.r = new Float64Array(k);
    this.p = new Float64Array(k);
    this.ap = new Float64Array(k);
    this.a = new Float64Array(k * k);
  }
}

/** y . v in four partial sums (lane = f % 4) combined (s0 + s1) + (s2 + s3), the native order. */
function dotY(y: Float32Array, o: number, v: Float64Array, k: number): number {
  const s = [0, 0, 0, 0];
  for (let f = 0; f < k; f++) s[f & 3] = s[f & 3]! + y[o + f]! * v[f]!;
  return s[0]! + s[1]! + (s[2]! + s[3]!);
}

/** out = (G + reg I) v, each out[p] summed in q order (G is symmetric: column p = row p). */
function gTimes(g: Float64Array, reg: number, v: Float64Array, out: Float64Array, k: number): void {
  out.fill(0);
  for (let q = 0; q < k; q++) {
    const vq = v[q]!;
    for (let p = 0; p < k; p++) out[p] = out[p]! + g[q * k + p]! * vq;
  }
  for (let p = 0; p < k; p++) out[p] = out[p]! + reg * v[p]!;
}

/** Solves row u in place; returns its loss term. */
function solveRow(a: AlsHalfStepArgs, g: Float64Array, u: number, st: AlsScratch): number {
  const { rows, solve, fixed: y, k } = a;
  const b0 = rows.offsets[u]!;
  const b1 = rows.offsets[u + 1]!;
  const reg = a.regExponent ? a.reg * (1 + b1 - b0) ** a.regExponent : a.reg;
  const { x, r, p, ap } = st;
  if (b1 === b0) {
    solve.fill(0, u * k, (u + 1) * k);
    return 0;
  }
  if (a.cgSteps === 0) {
    const m = st.a;
    for (let q = 0; q < k * k; q++) m[q] = g[q]!;
    for (let q = 0; q < k; q++) m[q * k + q] = m[q * k + q]! + reg;
    r.fill(0);
    for (let e = b0; e < b1; e++) {
      const c = rows.values[e]!;
      const o = rows.cols[e]! * k;
      for (let f = 0; f < k; f++) {
        const yf = y[o + f]!;
        r[f] = r[f]! + c * yf;
        const w = (c - 1) * yf;
        for (let q = 0; q < k; q++) m[f * k + q] = m[f * k + q]! + w * y[o + q]!;
      }
    }
    choleskySolveInPlace(m, r, k);
    for (let f = 0; f < k; f++) x[f] = r[f]!;
  } else if (st.cgFloat) {
    st.cgFloat.solver.solveRow(a, st.cgFloat.g, u, reg);
    for (let f = 0; f < k; f++) x[f] = solve[u * k + f]!;
  } else {
    for (let f = 0; f < k; f++) x[f] = solve[u * k + f]!;
    gTimes(g, reg, x, r, k);
    for (let f = 0; f < k; f++) r[f] = -r[f]!;
    for (let e = b0; e < b1; e++) {
      const c = rows.values[e]!;
      const o = rows.cols[e]! * k;
      const t = c - (c - 1) * dotY(y, o, x, k);
      for (let f = 0; f < k; f++) r[f] = r[f]! + t * y[o + f]!;
    }
    for (let f = 0; f < k; f++) p[f] = r[f]!;
    let rsOld = 0;
    for (let f = 0; f < k; f++) rsOld += r[f]! * r[f]!;
    for (let it = 0; it < a.cgSteps && rsOld >= 1e-20; it++) {
      gTimes(g, reg, p, ap, k);
      for (let e = b0; e < b1; e++) {
        const c = rows.values[e]!;
        const o = rows.cols[e]! * k;
        const t = (c - 1) * dotY(y, o, p, k);
        for (let f = 0; f < k; f++) ap[f] = ap[f]! + t * y[o + f]!;
      }
      let pAp = 0;
      for (let f = 0; f < k; f++) pAp += p[f]! * ap[f]!;
      if (!(pAp > 0)) break;
      const alpha = rsOld / pAp;
      let rsNew = 0;
      for (let f = 0; f < k; f++) {
        x[f] = x[f]! + alpha * p[f]!;
        r[f] = r[f]! - alpha * ap[f]!;
        rsNew += r[f]! * r[f]!;
      }
      const beta = rsNew / rsOld;
      for (let f = 0; f < k; f++) p[f] = r[f]! + beta * p[f]!;
      rsOld = rsNew;
    }
  }
  for (let f = 0; f < k; f++) {
    solve[u * k + f] = x[f]!;
    x[f] = solve[u * k + f]!; // the loss is of the stored (float32) row
  }
  if (a.loss === false) return Number.NaN;
  gTimes(g, 0, x, ap, k);
  let loss = 0;
  for (let f = 0; f < k; f++) loss += x[f]! * (ap[f]! + reg * x[f]!);
  for (let e = b0; e < b1; e++) {
    const c = rows.values[e]!;
    const s = dotY(y, rows.cols[e]! * k, x, k);
    loss += c * (1 - s) * (1 - s) - s * s;
  }
  return loss;
}

/** Solves M z = b for SPD M (k x k, full storage, lower triangle used), in place: z overwrites b. */
export function choleskySolveInPlace(m: Float64Array, b: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let s = m[j * k + j]!;
    for (let q = 0; q < j; q++) s -= m[j * k + q]! * m[j * k + q]!;
    if (!(s > 0)) throw new InputError('implicit ALS: the normal equations are not positive definite (raise reg)');
    const l = Math.sqrt(s);
    m[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let t = m[i * k + j]!;
      for (let q = 0; q < j; q++) t -= m[i * k + q]! * m[j * k + q]!;
      m[i * k + j] = t / l;
    }
  }
  for (let i = 0; i < k; i++) {
    let t = b[i]!;
    for (let q = 0; q < i; q++) t -= m[i * k + q]! * b[q]!;
    b[i] = t / m[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let q = i + 1; q < k; q++) t -= m[q * k + i]! * b[q]!;
    b[i] = t / m[i * k + i]!;
  }
}

function check(a: AlsHalfStepArgs): void {
  const { rows, k } = a;
  if (a.solve.length !== rows.nRows * k || a.fixed.length !== rows.nCols * k) {
    throw new InputError(`alsHalfStep: solve/fixed lengths do not match ${rows.nRows}/${rows.nCols} rows x ${k}`);
  }
  for (const c of rows.cols)
    if (!(c >= 0 && c < rows.nCols)) throw new InputError(`alsHalfStep: column ${c} out of range`);
}
