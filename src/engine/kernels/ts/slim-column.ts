/** Working-set entries per full-gradient pass at least (docs/ranking.md, "SLIM"). */
const ROOM = 128;

/** What one SLIM column solve needs (docs/ranking.md, "SLIM"). */
export interface SlimSolveParams {
  l1: number;
  l2: number;
  /** Cap on coordinate-descent sweeps over the working set, summed over the whole column. */
  maxSweeps: number;
  /** A sweep whose largest coordinate move is below tol x the largest weight has converged. */
  tol: number;
}

/**
 * One column of SLIM ElasticNet by coordinate descent on the Gram matrix G = X'X (dense n x n,
 * symmetric, row-major): for the target item j,
 *   minimise 0.5 w'Gw - G[j]'w + l1 sum(w) + 0.5 l2 |w|^2   subject to w >= 0, w_j = 0,
 * which is 0.5 |x_j - X w|^2 + l1 |w|_1 + 0.5 l2 |w|^2 without the constant 0.5 |x_j|^2.
 * A coordinate's exact minimiser is max(0, (G[j,k] - sum_{m != k} G[k,m] w_m - l1) / (G[k,k] + l2)).
 *
 * Working set: with w >= 0 and l1 > 0 most weights stay 0, so the descent sweeps only a working
 * set A, on a packed copy of G restricted to A, and keeps q = G w on A alone (a move costs |A|,
 * not n). After it converges, one pass over all n items computes the full gradient and adds the
 * items that violate the optimality (KKT) conditions, i.e. whose exact update would leave 0 by
 * more than the tolerance; the largest max(128, |A|) of them enter at a time, so a weak l1 does
 * not flood A. The column is solved when no item violates. The buffers are reused across columns.
 */
export class SlimColumnSolver {
  /** Working set: item, weight, q = (G w)_item, G[j, item], G[item, item] + l2, by position. */
  private items: Int32Array;
  private w: Float64Array;
  private q: Float64Array;
  private b: Float64Array;
  private diag: Float64Array;
  /** G restricted to the working set, row-major with stride `cap`. */
  private sub: Float64Array;
  private cap = 0;
  private size = 0;
  private readonly inSet: Uint8Array;
  private readonly grad: Float64Array;
  private readonly move: Float64Array;
  /** Coordinate sweeps of the last solve (for the fit's metrics). */
  sweeps = 0;

  constructor(
    private readonly g: Float64Array,
    private readonly n: number,
    private readonly p: SlimSolveParams,
  ) {
    this.inSet = new Uint8Array(n);
    this.grad = new Float64Array(n);
    this.move = new Float64Array(n);
    this.items = new Int32Array(0);
    this.w = this.q = this.b = this.diag = this.sub = new Float64Array(0);
    this.grow(64);
  }

  /** Solves column j; returns its non-zero weights as (item, weight) pairs, items ascending. */
  solve(j: number): { items: Int32Array; weights: Float64Array } {
    const { l1, tol, maxSweeps } = this.p;
    this.size = 0;
    this.sweeps = 0;
    while (this.sweeps < maxSweeps && this.enterViolators(j) > 0) {
      const { w, q, b, diag, sub, cap } = this;
      const size = this.size;
      while (this.sweeps < maxSweeps) {
        this.sweeps++;
        let maxMove = 0;
        let maxW = 0;
        for (let x = 0; x < size; x++) {
          const row = x * cap;
          const wx = w[x]!;
          const num = b[x]! - (q[x]! - sub[row + x]! * wx) - l1;
          const nw = num > 0 ? num / diag[x]! : 0;
          const d = nw - wx;
          if (d !== 0) {
            for (let y = 0; y < size; y++) q[y] = q[y]! + d * sub[row + y]!;
            w[x] = nw;
            if (Math.abs(d) > maxMove) maxMove = Math.abs(d);
          }
          if (nw > maxW) maxW = nw;
        }
        if (maxMove <= tol * maxW) break;
      }
      this.dropZeros();
    }
    const order: number[] = [];
    for (let x = 0; x < this.size; x++) {
      this.inSet[this.items[x]!] = 0;
      if (this.w[x]! > 0) order.push(x);
    }
    order.sort((x, y) => this.items[x]! - this.items[y]!);
    const items = Int32Array.from(order, (x) => this.items[x]!);
    const weights = Float64Array.from(order, (x) => this.w[x]!);
    return { items, weights };
  }

  /** The full-gradient pass: adds the worst KKT violators to the working set; returns how many. */
  private enterViolators(j: number): number {
    const { g, n, inSet, grad } = this;
    const { l1, l2, tol } = this.p;
    // grad = G w over all items, as a sum of G's rows (contiguous) weighted by the working set.
    grad.fill(0);
    let maxW = 0;
    for (let x = 0; x < this.size; x++) {
      const wx = this.w[x]!;
      maxW = Math.max(maxW, wx);
      const row = this.items[x]! * n;
      for (let k = 0; k < n; k++) grad[k] = grad[k]! + wx * g[row + k]!;
    }
    const cand: number[] = [];
    const move = this.move;
    const bj = j * n;
    for (let k = 0; k < n; k++) {
      if (k === j || inSet[k]) continue;
      const v = g[bj + k]! - grad[k]! - l1;
      const h = g[k * n + k]! + l2;
      // Entering would move w_k by v / h: a violation only if that beats the tolerance.
      if (v > 0 && h > 0 && v > tol * maxW * h) {
        cand.push(k);
        move[k] = v / h;
      }
    }
    const room = Math.max(ROOM, this.size);
    if (cand.length > room) cand.sort((x, y) => move[y]! - move[x]! || x - y);
    const take = Math.min(room, cand.length);
    if (this.size + take > this.cap) this.grow(Math.max(2 * this.cap, this.size + take));
    for (let c = 0; c < take; c++) {
      const k = cand[c]!;
      const x = this.size++;
      inSet[k] = 1;
      this.items[x] = k;
      this.w[x] = 0;
      this.q[x] = grad[k]!;
      this.b[x] = g[bj + k]!;
      this.diag[x] = g[k * n + k]! + l2;
      for (let y = 0; y <= x; y++) {
        const gy = g[k * n + this.items[y]!]!;
        this.sub[x * this.cap + y] = gy;
        this.sub[y * this.cap + x] = gy;
      }
    }
    return take;
  }

  /**
   * Items whose weight went back to 0 leave the working set (they re-enter only if they violate)
   * once they are half of it: a zero that stays zero costs a sweep one test, a rebuild |A|^2.
   */
  private dropZeros(): void {
    const { w, items } = this;
    let zeros = 0;
    for (let x = 0; x < this.size; x++) if (!(w[x]! > 0)) zeros++;
    if (2 * zeros <= this.size) return;
    let keep = 0;
    for (let x = 0; x < this.size; x++) {
      if (!(w[x]! > 0)) {
        this.inSet[items[x]!] = 0;
        continue;
      }
      items[keep] = items[x]!;
      w[keep] = w[x]!;
      this.q[keep] = this.q[x]!;
      this.b[keep] = this.b[x]!;
      this.diag[keep] = this.diag[x]!;
      keep++;
    }
    if (keep === this.size) return;
    this.size = keep;
    const { g, n, sub, cap } = this;
    for (let x = 0; x < keep; x++) {
      const row = items[x]! * n;
      for (let y = 0; y < keep; y++) sub[x * cap + y] = g[row + items[y]!]!;
    }
  }

  private grow(cap: number): void {
    const old = { items: this.items, w: this.w, q: this.q, b: this.b, diag: this.diag, sub: this.sub };
    const oldCap = this.cap;
    this.items = new Int32Array(cap);
    this.w = new Float64Array(cap);
    this.q = new Float64Array(cap);
    this.b = new Float64Array(cap);
    this.diag = new Float64Array(cap);
    this.sub = new Float64Array(cap * cap);
    this.items.set(old.items.subarray(0, this.size));
    this.w.set(old.w.subarray(0, this.size));
    this.q.set(old.q.subarray(0, this.size));
    this.b.set(old.b.subarray(0, this.size));
    this.diag.set(old.diag.subarray(0, this.size));
    for (let x = 0; x < this.size; x++) {
      for (let y = 0; y < this.size; y++) this.sub[x * cap + y] = old.sub[x * oldCap + y]!;
    }
    this.cap = cap;
  }
}
