/**
 * The best `cap` (score, item) pairs seen so far, as a bounded min-heap whose root is the worst
 * kept: ranks are score desc, then item index asc (the same order as native/top-n.cc's TopHeap).
 */
export class TopHeap {
  readonly scores: Float64Array;
  readonly items: Int32Array;
  size = 0;

  constructor(readonly cap: number) {
    this.scores = new Float64Array(cap);
    this.items = new Int32Array(cap);
  }

  /** Scores must exceed this to enter (ties with the root lose when items come in ascending order). */
  threshold(): number {
    return this.size < this.cap ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  offer(score: number, item: number): void {
    const s = this.scores;
    const it = this.items;
    if (this.size < this.cap) {
      let i = this.size++;
      s[i] = score;
      it[i] = item;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(s[parent]!, it[parent]!, s[i]!, it[i]!)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (this.cap === 0 || !before(score, item, s[0]!, it[0]!)) return;
    s[0] = score;
    it[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.size && before(s[worst]!, it[worst]!, s[l]!, it[l]!)) worst = l;
      if (r < this.size && before(s[worst]!, it[worst]!, s[r]!, it[r]!)) worst = r;
      if (worst === i) break;
      this.swap(i, worst);
      i = worst;
    }
  }

  /** Writes the kept pairs best first into out[at .. at + cap), padding with item -1 / score NaN; empties the heap. */
  drain(outItems: Int32Array, outScores: Float32Array, at: number): void {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) =>
      before(this.scores[a]!, this.items[a]!, this.scores[b]!, this.items[b]!) ? -1 : 1,
    );
    for (let r = 0; r < this.cap; r++) {
      const h = order[r];
      outItems[at + r] = h === undefined ? -1 : this.items[h]!;
      outScores[at + r] = h === undefined ? Number.NaN : this.scores[h]!;
    }
    this.size = 0;
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }
}

/** Whether (sa, ia) ranks before (sb, ib): higher score, then lower item index. */
export function before(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}
