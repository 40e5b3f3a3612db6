import { Rng } from '../../../src/engine/kernels/rng.js';

/** Seeded random embeddings; `quantised` (multiples of 0.5) makes exact ties to test the id order. */
export function randomEmbeddings(seed: number, n: number, dim: number, quantised = false) {
  const rng = new Rng(seed);
  const draw = () => (quantised ? (rng.nextBelow(5) - 2) * 0.5 : rng.nextDouble() * 2 - 1);
  // Ids shuffled and spread out, so row order, id order and index order all differ.
  const ids = Array.from({ length: n }, (_, i) => i * 7 + 3);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const vectors = Float32Array.from({ length: n * dim }, draw);
  const query = (m: number) => Float32Array.from({ length: m * dim }, draw);
  return { ids, vectors, query, rng };
}

/** Mean share of the exact top-k ids that the approximate lists hold. */
export function recall(approx: { id: unknown }[][], exact: { id: unknown }[][]): number {
  let hit = 0;
  let all = 0;
  approx.forEach((a, q) => {
    const want = new Set((exact[q] ?? []).map((h) => h.id));
    all += want.size;
    for (const h of a) if (want.has(h.id)) hit++;
  });
  return hit / all;
}

/**
 * The plain TypeScript answer: every allowed row scored in double (then rounded to float32, as
 * the index reports), sorted by score desc then id asc.
 */
export function bruteForce(
  ids: number[],
  vectors: Float32Array,
  dim: number,
  q: ArrayLike<number>,
  top: number,
  o: { cosine?: boolean; bias?: ArrayLike<number>; allow?: (id: number) => boolean } = {},
): { id: number; score: number }[] {
  const unit = (v: ArrayLike<number>, at: number) => {
    let s = 0;
    for (let f = 0; f < dim; f++) s += v[at + f]! ** 2;
    return o.cosine ? 1 / Math.sqrt(s) : 1;
  };
  const qs = unit(q, 0);
  const all: { id: number; score: number }[] = [];
  ids.forEach((id, r) => {
    if (o.allow && !o.allow(id)) return;
    const vs = unit(vectors, r * dim);
    let dot = 0;
    for (let f = 0; f < dim; f++) dot += Math.fround(q[f]! * qs) * Math.fround(vectors[r * dim + f]! * vs);
    all.push({ id, score: Math.fround(dot + (o.bias ? o.bias[r]! : 0)) });
  });
  all.sort((a, b) => b.score - a.score || a.id - b.id);
  return all.slice(0, top);
}
