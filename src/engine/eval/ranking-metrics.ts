import type { TestSet } from '../matrix/split.js';

/**
 * Top-k quality, averaged over the evaluated users (each user weighs the same).
 *
 * Relevance rule: a held-out (test) rating >= `threshold` (default 4) makes the item relevant to
 * its user. Candidate set: every item the user did not rate in training (the lists come from
 * `recommendAll` with excludeSeen). Evaluated users: those with at least one relevant test item
 * that have a list; the caller lists only users known in training (cold users get no list).
 */
export interface RankingMetrics {
  k: number;
  threshold: number;
  /** Hits in the top k / k. */
  precision: number;
  /** Hits in the top k / relevant items. */
  recall: number;
  /** DCG / ideal DCG with binary gains, discount 1 / log2(rank + 1), rank from 1. */
  ndcg: number;
  /** Average precision at k: sum of precision@rank at each hit / min(relevant, k). */
  map: number;
  /** Share of users with at least one hit. */
  hitRate: number;
  /** Distinct items in all the lists (every listed user, relevant items or not) / catalog size. */
  coverage: number;
  /** Users averaged over. */
  users: number;
}

/** Top-N lists, dense: row r holds user users[r]'s items at items[r*n .. r*n+n), best first, -1 padded. */
export interface TopNLists {
  n: number;
  users: Int32Array;
  items: Int32Array;
}

export interface RankingOptions {
  k?: number | undefined;
  threshold?: number | undefined;
  /** Catalog size for coverage (reckit: items with training ratings, the only recommendable ones). */
  catalogSize: number;
}

/** The relevant test items of each user (rating >= threshold), by dense user index. */
export function relevantItems(test: TestSet, threshold: number): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (let x = 0; x < test.ratings.length; x++) {
    if (test.ratings[x]! < threshold) continue;
    const u = test.users[x]!;
    let s = out.get(u);
    if (!s) out.set(u, (s = new Set()));
    s.add(test.items[x]!);
  }
  return out;
}

export function rankingMetrics(
  lists: TopNLists,
  relevant: Map<number, Set<number>>,
  o: RankingOptions,
): RankingMetrics {
  const k = Math.min(o.k ?? lists.n, lists.n);
  const sums = { precision: 0, recall: 0, ndcg: 0, map: 0, hitRate: 0 };
  const recommended = new Set<number>();
  let users = 0;
  for (let r = 0; r < lists.users.length; r++) {
    for (let j = 0; j < k; j++) {
      const item = lists.items[r * lists.n + j]!;
      if (item >= 0) recommended.add(item);
    }
    const rel = relevant.get(lists.users[r]!);
    if (!rel || rel.size === 0) continue;
    users++;
    let hits = 0;
    let dcg = 0;
    let ap = 0;
    for (let j = 0; j < k; j++) {
      const item = lists.items[r * lists.n + j]!;
      if (item < 0) break;
      if (!rel.has(item)) continue;
      hits++;
      dcg += 1 / Math.log2(j + 2);
      ap += hits / (j + 1);
    }
    let idcg = 0;
    for (let j = 0; j < Math.min(rel.size, k); j++) idcg += 1 / Math.log2(j + 2);
    sums.precision += hits / k;
    sums.recall += hits / rel.size;
    sums.ndcg += idcg > 0 ? dcg / idcg : 0;
    sums.map += ap / Math.min(rel.size, k);
    sums.hitRate += hits > 0 ? 1 : 0;
  }
  const avg = (s: number) => (users ? s / users : Number.NaN);
  return {
    k,
    threshold: o.threshold ?? 4,
    precision: avg(sums.precision),
    recall: avg(sums.recall),
    ndcg: avg(sums.ndcg),
    map: avg(sums.map),
    hitRate: avg(sums.hitRate),
    coverage: o.catalogSize ? recommended.size / o.catalogSize : Number.NaN,
    users,
  };
}
