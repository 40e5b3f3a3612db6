import type { AlsHalfStepArgs } from '../signatures.js';

const f32 = Math.fround;

/**
 * The float32 conjugate-gradient row solve of implicit ALS (docs/ranking.md), the twin of
 * SolveRowCgFloat in native/als-half-step.cc: the same operations in the same order, each rounded
 * to float32 with Math.fround, so both give the same bits. `g` is Y'Y rounded to float32.
 */
export class AlsCgFloat {
  private readonly x: Float32Array;
  private readonly r: Float32Array;
  private readonly p: Float32Array;
  private readonly ap: Float32Array;

  constructor(private readonly k: number) {
    this.x = new Float32Array(k);
    this.r = new Float32Array(k);
    this.p = new Float32Array(k);
    this.ap = new Float32Array(k);
  }

  /** cgSteps CG steps on row u of a.solve, warm-started from it; the result is stored back. */
  solveRow(a: AlsHalfStepArgs, g: Float32Array, u: number, reg64: number): void {
    const { rows, fixed: y, k } = { ...a, k: this.k };
    const { x, r, p, ap } = this;
    const b0 = rows.offsets[u]!;
    const b1 = rows.offsets[u + 1]!;
    const reg = f32(reg64);
    x.set(a.solve.subarray(u * k, (u + 1) * k));
    gTimes(g, reg, x, r, k);
    for (let f = 0; f < k; f++) r[f] = -r[f]!;
    for (let e = b0; e < b1; e++) {
      const c = rows.values[e]!;
      const o = rows.cols[e]! * k;
      const t = f32(c - f32(f32(c - 1) * dotY(y, o, x, k)));
      for (let f = 0; f < k; f++) r[f] = r[f]! + f32(t * y[o + f]!);
    }
    p.set(r);
    let rsOld = 0;
    for (let f = 0; f < k; f++) rsOld = f32(rsOld + f32(r[f]! * r[f]!));
    for (let it = 0; it < a.cgSteps && rsOld >= 1e-20; it++) {
      gTimes(g, reg, p, ap, k);
      for (let e = b0; e < b1; e++) {
        const c = rows.values[e]!;
        const o = rows.cols[e]! * k;
        const t = f32(f32(c - 1) * dotY(y, o, p, k));
        for (let f = 0; f < k; f++) ap[f] = ap[f]! + f32(t * y[o + f]!);
      }
      let pAp = 0;
      for (let f = 0; f < k; f++) pAp = f32(pAp + f32(p[f]! * ap[f]!));
      if (!(pAp > 0)) break;
      const alpha = f32(rsOld / pAp);
      let rsNew = 0;
      for (let f = 0; f < k; f++) {
        x[f] = x[f]! + f32(alpha * p[f]!);
        r[f] = r[f]! - f32(alpha * ap[f]!);
        rsNew = f32(rsNew + f32(r[f]! * r[f]!));
      }
      const beta = f32(rsNew / rsOld);
      for (let f = 0; f < k; f++) p[f] = r[f]! + f32(beta * p[f]!);
      rsOld = rsNew;
    }
    a.solve.set(x, u * k);
  }
}

/** y . v in four float partial sums (lane = f % 4) combined (s0 + s1) + (s2 + s3), the native order. */
function dotY(y: Float32Array, o: number, v: Float32Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let f = 0; f < k; f++) {
    const t = f32(y[o + f]! * v[f]!);
    const lane = f & 3;
    if (lane === 0) s0 = f32(s0 + t);
    else if (lane === 1) s1 = f32(s1 + t);
    else if (lane === 2) s2 = f32(s2 + t);
    else s3 = f32(s3 + t);
  }
  return f32(f32(s0 + s1) + f32(s2 + s3));
}

/** out = (G + reg I) v in float32, each out[p] summed in q order (G symmetric). */
function gTimes(g: Float32Array, reg: number, v: Float32Array, out: Float32Array, k: number): void {
  out.fill(0);
  for (let q = 0; q < k; q++) {
    const vq = v[q]!;
    for (let p = 0; p < k; p++) out[p] = out[p]! + f32(g[q * k + p]! * vq);
  }
  for (let p = 0; p < k; p++) out[p] = out[p]! + f32(reg * v[p]!);
}
