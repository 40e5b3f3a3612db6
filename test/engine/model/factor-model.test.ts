import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/engine/errors.js';
import { availableBackends, backend } from '../../../src/engine/kernels/registry.js';
import type { Id } from '../../../src/engine/matrix/id-index.js';
import { FactorModel } from '../../../src/engine/model/factor-model.js';
import type { Scored } from '../../../src/engine/model/model.js';
import { factorFixture } from '../../support/factor-fixture.js';

const TOL = 1e-4;

/** Brute-force ranking from rawScore: every known item not skipped, score desc then index asc. */
function bruteForce(m: FactorModel, u: number, skip: Set<number>, n: number): { i: number; s: number }[] {
  const all: { i: number; s: number }[] = [];
  for (let i = 0; i < m.items.size; i++) if (m.itemKnown(i) && !skip.has(i)) all.push({ i, s: m.rawScore(u, i).score });
  all.sort((a, b) => b.s - a.s || a.i - b.i);
  return all.slice(0, n);
}

function expectRanking(m: FactorModel, got: Scored[], want: { i: number; s: number }[]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, r) => {
    expect(Math.abs(g.score - (want[r]?.s as number))).toBeLessThan(TOL);
    // tie-aware: a different item is fine only when its true score equals the wanted one
    const gi = m.items.indexOf(g.item);
    if (gi !== want[r]?.i)
      expect(Math.abs((want.find((w) => w.i === gi)?.s ?? Number.NaN) - g.score)).toBeLessThan(TOL);
  });
}

describe('FactorModel.predict (Surprise semantics)', () => {
  const d = factorFixture({ coldUsers: 2, coldItems: 3 });
  const m = new FactorModel(d);
  const dot = (u: number, i: number) => {
    let s = 0;
    for (let f = 0; f < d.factors; f++) s += d.userFactors[u * d.factors + f]! * d.itemFactors[i * d.factors + f]!;
    return s;
  };
  const clip = (s: number) => Math.fround(Math.min(5, Math.max(1, s)));

  test('known pair: mu + b_u + b_i + p.q, clipped, known', () => {
    for (const [u, i] of [
      [0, 0],
      [5, 17],
      [27, 76],
    ] as const) {
      const want = clip(d.globalMean + d.userBias[u]! + d.itemBias[i]! + dot(u, i));
      const got = m.predictOne(101 + u, 1001 + i);
      expect(got.score).toBeCloseTo(want, 6);
      expect(got.known).toBe(true);
    }
  });

  test('rawScore adds the factor products one by one in order (same bits as a plain loop), any k', () => {
    for (const k of [1, 3, 7, 8, 13]) {
      const f = factorFixture({ k, seed: k });
      const model = new FactorModel(f);
      for (const [u, i] of [
        [0, 0],
        [4, 11],
        [29, 79],
      ] as const) {
        let s = 0;
        for (let j = 0; j < k; j++) s += f.userFactors[u * k + j]! * f.itemFactors[i * k + j]!;
        const want = f.globalMean + f.userBias[u]! + f.itemBias[i]! + s;
        expect(model.rawScore(u, i).score).toBe(want);
      }
    }
  });

  test('fallbacks: unknown user -> mu + b_i, unknown item -> mu + b_u, both -> mu; flagged', () => {
    expect(m.predictOne(999, 1001)).toEqual({ score: clip(d.globalMean + d.itemBias[0]!), known: false });
    expect(m.predictOne(101 + 28, 1001)).toEqual({ score: clip(d.globalMean + d.itemBias[0]!), known: false }); // empty row
    expect(m.predictOne(101, 5)).toEqual({ score: clip(d.globalMean + d.userBias[0]!), known: false });
    expect(m.predictOne(101, 1001 + 78)).toEqual({ score: clip(d.globalMean + d.userBias[0]!), known: false }); // no ratings
    expect(m.predictOne('nope', 'nada')).toEqual({ score: clip(d.globalMean), known: false });
  });

  test('predict over arrays equals predictOne, clips to the scale', () => {
    const users: Id[] = [];
    const items: Id[] = [];
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < 80; i += 7) {
        users.push(101 + u);
        items.push(1001 + i);
      }
    }
    users.push(42);
    items.push(1001);
    const { scores, known } = m.predict(users, items);
    scores.forEach((s, p) => {
      const one = m.predictOne(users[p]!, items[p]!);
      expect(s).toBe(one.score);
      expect(known[p]).toBe(one.known ? 1 : 0);
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(5);
    });
    expect(known[known.length - 1]).toBe(0);
    expect(() => m.predict([1], [])).toThrow(InputError);
  });

  test('unbiased (Funk): p.q when both known, else the global mean', () => {
    const f = new FactorModel({ ...d, biased: false });
    expect(f.predictOne(101, 1001).score).toBeCloseTo(clip(dot(0, 0)), 6);
    expect(f.predictOne(999, 1001)).toEqual({ score: clip(d.globalMean), known: false });
    expect(f.predictOne(101, 9)).toEqual({ score: clip(d.globalMean), known: false });
  });
});

describe.each(availableBackends())('FactorModel ranking [%s]', (name) => {
  const d = factorFixture({ seed: 3, nUsers: 40, nItems: 300, k: 16, coldUsers: 2, coldItems: 5 });
  const m = new FactorModel(d, backend(name));
  const seenOf = (u: number) => new Set(d.seen.cols.subarray(d.seen.offsets[u], d.seen.offsets[u + 1]));

  test('recommend = brute force over rawScore, seen excluded by default', () => {
    for (const u of [0, 7, 37]) expectRanking(m, m.recommend(101 + u, { n: 12 }), bruteForce(m, u, seenOf(u), 12));
    expectRanking(m, m.recommend(101, { n: 5, excludeSeen: false }), bruteForce(m, 0, new Set(), 5));
  });

  test('exclude and candidates', () => {
    const top = m.recommend(102, { n: 3 });
    const again = m.recommend(102, { n: 3, exclude: [top[0]?.item as Id, 777] });
    expect(again.map((s) => s.item)).not.toContain(top[0]?.item);
    expect(again[0]?.item).toBe(top[1]?.item);
    const candidates = [1001, 1050, 1100, 1101, 1299, 99999, 1050];
    const c = m.recommend(102, { n: 10, candidates, excludeSeen: false });
    const want = bruteForce(m, 1, new Set(), 300).filter((w) => candidates.includes(1001 + w.i));
    expectRanking(m, c, want.slice(0, 10));
  });

  test('unknown or cold user: the mu + b_i fallback ranking (predict for that user, in order)', () => {
    const fallback = m.recommend('stranger', { n: 8 });
    const cold = m.recommend(101 + 39, { n: 8 });
    expect(cold.map((s) => s.item)).toEqual(fallback.map((s) => s.item));
    expectRanking(m, fallback, bruteForce(m, -1, new Set(), 8));
  });

  test('recommendAll rows equal recommend; default users are the known ones; cold rows get the fallback', async () => {
    const all = await m.recommendAll({ n: 10 });
    expect(all.users.length).toBe(38);
    for (let r = 0; r < all.users.length; r += 5) {
      const u = all.users[r]!;
      const one = m.recommend(m.users.idOf(u), { n: 10 });
      expect(Array.from(all.items.subarray(r * 10, r * 10 + 10), (i) => m.items.idOf(i))).toEqual(
        one.map((s) => s.item),
      );
      one.forEach((s, j) => {
        expect(Math.abs(all.scores[r * 10 + j]! - s.score)).toBeLessThan(TOL);
      });
    }
    const some = await m.recommendAll({ n: 4, users: [139, 101], excludeSeen: false, threads: 1 });
    expect(Array.from(some.users)).toEqual([38, 0]);
    expect(Array.from(some.items.subarray(0, 4), (i) => m.items.idOf(i))).toEqual(
      m.recommend('x', { n: 4 }).map((s) => s.item),
    );
    await expect(m.recommendAll({ users: [101, 5, 6] })).rejects.toThrow(/2 unknown user id\(s\): 5, 6/);
  });

  test('similarItems: cosine over item factors, itself excluded', () => {
    const got = m.similarItems(1010, 5);
    expect(got.length).toBe(5);
    const k = d.factors;
    const cos = (a: number, b: number) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let f = 0; f < k; f++) {
        ab += d.itemFactors[a * k + f]! * d.itemFactors[b * k + f]!;
        aa += d.itemFactors[a * k + f]! ** 2;
        bb += d.itemFactors[b * k + f]! ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    const want = Array.from({ length: 295 }, (_, i) => ({ i, s: cos(9, i) }))
      .filter((w) => w.i !== 9)
      .sort((a, b) => b.s - a.s);
    got.forEach((g, r) => {
      expect(g.item).toBe(1001 + (want[r]?.i as number));
      expect(g.score).toBeCloseTo(want[r]?.s as number, 4);
    });
    expect(m.similarItems(5)).toEqual([]);
  });

  test('embeddings: vectors are views; scoreItems matches rawScore for a user vector', () => {
    const v = m.userVector(105) as Float32Array;
    expect(v.buffer).toBe(d.userFactors.buffer);
    expect(Array.from(v)).toEqual(Array.from(d.userFactors.subarray(4 * 16, 5 * 16)));
    expect(m.itemVector(1003)?.length).toBe(16);
    expect(m.userVector(1)).toBeUndefined();
    const s = m.scoreItems(v, d.userBias[4]);
    for (let i = 0; i < 295; i += 13) expect(Math.abs(s[i]! - m.rawScore(4, i).score)).toBeLessThan(TOL);
  });
});

describe('FactorModel.foldIn', () => {
  const d = factorFixture({ seed: 9, nUsers: 20, nItems: 200, k: 6, seenRate: 0.3 });
  const m = new FactorModel(d);

  test('solves the regularised normal equations (gradient ~ 0) and scores like a trained user', () => {
    const row = {
      items: [1001, 1005, 1010, 1020, 1033, 1040, 1077, 1100, 1150],
      ratings: [5, 4, 1, 3.5, 2, 4.5, 5, 1.5, 3],
    };
    const folded = m.foldIn(row, { reg: 0.05 });
    const k = d.factors;
    const lambda = 0.05 * row.items.length;
    // gradient of sum (y - x.w)^2 + lambda |w|^2 w.r.t. w must vanish
    const g = new Float64Array(k + 1);
    row.items.forEach((id, j) => {
      const i = id - 1001;
      let pred = folded.bias;
      for (let f = 0; f < k; f++) pred += folded.vector[f]! * d.itemFactors[i * k + f]!;
      const e = row.ratings[j]! - d.globalMean - d.itemBias[i]! - pred;
      for (let f = 0; f < k; f++) g[f]! += e * d.itemFactors[i * k + f]!;
      g[k]! += e;
    });
    for (let f = 0; f < k; f++) expect(Math.abs(g[f]! - lambda * folded.vector[f]!)).toBeLessThan(1e-4);
    expect(Math.abs(g[k]! - lambda * folded.bias)).toBeLessThan(1e-4);
    // predictions follow the ratings: higher rated items score higher on average
    const p = folded.predict(row.items).scores;
    expect((p[0]! + p[6]!) / 2).toBeGreaterThan((p[2]! + p[7]!) / 2 + 1);
    expect(folded.predict([999]).known[0]).toBe(0);
  });

  test('recommend excludes the folded ratings and ranks by the folded vector', () => {
    const folded = m.foldIn({ items: [1001, 1002, 1003, 'unknown'], ratings: [5, 1, 4, 5] });
    expect(folded.rated.length).toBe(3);
    const recs = folded.recommend({ n: 10 });
    expect(recs.length).toBe(10);
    expect(recs.map((r) => r.item)).not.toContain(1001);
    const scores = folded.predict(recs.map((r) => r.item)).scores;
    for (let r = 1; r < recs.length; r++) expect(recs[r]!.score).toBeLessThanOrEqual(recs[r - 1]!.score);
    recs.forEach((r, j) => {
      expect(Math.abs(Math.min(5, Math.max(1, r.score)) - scores[j]!)).toBeLessThan(TOL);
    });
  });

  test('no usable ratings: the fallback (zero vector and bias)', () => {
    const folded = m.foldIn({ items: [1], ratings: [3] });
    expect(folded.bias).toBe(0);
    expect(folded.vector.every((x) => x === 0)).toBe(true);
  });
});
