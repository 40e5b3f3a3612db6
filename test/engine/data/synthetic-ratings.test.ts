import { describe, expect, test } from 'vitest';
import { generateSynthetic } from '../../../src/engine/data/synthetic-ratings.js';
import { parseSyntheticSpec, SYNTHETIC_PRESETS } from '../../../src/engine/data/synthetic-spec.js';
import { InputError } from '../../../src/engine/errors.js';

// Scale-test data only: these tests check shape and determinism, never accuracy.
describe('generateSynthetic', () => {
  const spec = parseSyntheticSpec('ml-100k-shape');

  test('ml-100k-shape: exact counts, every user and item rated, no duplicate pairs, on the scale', async () => {
    const d = await generateSynthetic(spec);
    expect(d.rating.length).toBe(100_000);
    expect(new Set(d.user).size).toBe(943);
    expect(new Set(d.item).size).toBe(1_682);
    expect(Math.min(...d.user)).toBe(1);
    expect(Math.max(...d.item)).toBe(1_682);
    const pairs = new Set<number>();
    for (let i = 0; i < d.rating.length; i++) pairs.add(d.user[i]! * 10_000 + d.item[i]!);
    expect(pairs.size).toBe(100_000);
    expect(d.rating.filter((r) => !(Number.isInteger(r) && r >= 1 && r <= 5)).length).toBe(0);
    expect(d.timestamp?.length).toBe(100_000);
  });

  test('MovieLens-like shape: >= 20 ratings per user, long-tailed users and items, mean near 3.5', async () => {
    const d = await generateSynthetic(spec);
    const perUser = new Map<number, number>();
    const perItem = new Map<number, number>();
    for (let i = 0; i < d.rating.length; i++) {
      perUser.set(d.user[i]!, (perUser.get(d.user[i]!) ?? 0) + 1);
      perItem.set(d.item[i]!, (perItem.get(d.item[i]!) ?? 0) + 1);
    }
    const u = [...perUser.values()].sort((a, b) => a - b);
    const it = [...perItem.values()].sort((a, b) => a - b);
    expect(u[0]).toBeGreaterThanOrEqual(20);
    // long tails: the heaviest user and the most popular item sit far above the median
    expect((u.at(-1) as number) / u[u.length >> 1]!).toBeGreaterThan(5);
    expect((it.at(-1) as number) / it[it.length >> 1]!).toBeGreaterThan(10);
    let sum = 0;
    for (const r of d.rating) sum += r;
    expect(sum / d.rating.length).toBeGreaterThan(3.2);
    expect(sum / d.rating.length).toBeLessThan(3.9);
    // low-rank structure plus biases: ratings vary by user far beyond noise alone
    const counts = [0, 0, 0, 0, 0];
    for (const r of d.rating) counts[r - 1]!++;
    expect(Math.min(...counts)).toBeGreaterThan(1_000);
  });

  test('the same seed gives the same data; another seed differs', async () => {
    const small = parseSyntheticSpec('users=200,items=300,ratings=5000,seed=9');
    const a = await generateSynthetic(small);
    const b = await generateSynthetic(small);
    expect(b).toEqual(a);
    const c = await generateSynthetic({ ...small, seed: 10 });
    expect(c.item).not.toEqual(a.item);
  });

  test('a half-star scale rounds to 0.5 steps; dense shapes and heavy users still have no duplicates', async () => {
    const d = await generateSynthetic(
      parseSyntheticSpec('users=30,items=40,ratings=600,min=0.5,max=5,step=0.5,seed=1'),
    );
    expect(d.rating.filter((r) => r * 2 !== Math.round(r * 2)).length).toBe(0);
    const pairs = new Set(Array.from(d.user, (u, i) => u * 1000 + d.item[i]!));
    expect(pairs.size).toBe(600);
  });

  test('cancellation between blocks', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      generateSynthetic(parseSyntheticSpec('users=3000,items=2000,ratings=1100000'), { signal: ac.signal }),
    ).rejects.toThrow(/cancelled/);
  });
});

describe('parseSyntheticSpec', () => {
  test('ml-25m-shape has the published MovieLens 25M counts', () => {
    expect(parseSyntheticSpec('ml-25m-shape')).toMatchObject({
      users: 162_541,
      items: 59_047,
      ratings: 25_000_095,
      step: 0.5,
    });
    expect(parseSyntheticSpec('ml-1m-shape,seed=3')).toMatchObject({ ...SYNTHETIC_PRESETS['ml-1m-shape'], seed: 3 });
  });

  test.each([
    ['users=10,items=10,ratings=5', /at least max\(users, items\)/],
    ['users=10,items=10,ratings=60', /at most half of users x items/],
    ['users=1.5,items=10,ratings=20', /positive integers/],
    ['bogus=1', /is not key=number/],
  ])('%s is refused', (text, message) => {
    expect(() => parseSyntheticSpec(text)).toThrow(InputError);
    expect(() => parseSyntheticSpec(text)).toThrow(message);
  });
});
