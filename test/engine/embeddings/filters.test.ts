import { Bool, Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { InputError } from '../../../src/engine/errors.js';
import { availableBackends, backend } from '../../../src/engine/kernels/registry.js';
import { Rng } from '../../../src/engine/kernels/rng.js';
import { bruteForce, randomEmbeddings } from './brute-force.js';

const GENRES = ['drama', 'comedy', 'horror', 'doc'];

/** Attributes for ids: genre, price, inStock; every 10th id has no row (its attributes are null). */
function attributes(ids: number[]) {
  const kept = ids.filter((id) => id % 10 !== 0);
  return new Table({
    id: vectorFromArray(kept, new Float64()),
    genre: vectorFromArray(
      kept.map((id) => GENRES[id % 4]!),
      new Utf8(),
    ),
    price: vectorFromArray(
      kept.map((id) => (id % 13) * 1.5),
      new Float64(),
    ),
    inStock: vectorFromArray(
      kept.map((id) => id % 3 !== 0),
      new Bool(),
    ),
  });
}

describe.each(availableBackends())('filters inside the scan [%s]', (name) => {
  const kernels = backend(name);

  test('property loop over seeds: results are exactly the brute force over the allowed ids, none excluded', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed * 101);
      const dim = 8 + rng.nextBelow(24);
      const n = 200 + rng.nextBelow(1800);
      const e = randomEmbeddings(seed, n, dim);
      const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, {
        attributes: attributes(e.ids),
        backend: kernels,
      });
      const pick = (p: number) => e.ids.filter(() => rng.nextDouble() < p);
      const exclude = pick(0.3);
      const candidates = rng.nextBelow(2) ? pick(rng.nextBelow(2) ? 0.02 : 0.5) : undefined;
      const genre = GENRES[rng.nextBelow(4)]!;
      const maxPrice = rng.nextBelow(20);
      const where =
        rng.nextBelow(3) === 0 ? undefined : { genre: { ne: genre }, price: { lte: maxPrice }, inStock: true };
      const ex = new Set(exclude);
      const cand = candidates ? new Set(candidates) : undefined;
      const allow = (id: number) =>
        !ex.has(id) &&
        (!cand || cand.has(id)) &&
        (!where || (id % 10 !== 0 && GENRES[id % 4] !== genre && (id % 13) * 1.5 <= maxPrice && id % 3 !== 0));
      const top = 1 + rng.nextBelow(30);
      const filter = { exclude, candidates, where };
      const q = e.query(3);
      const batch = await index.searchBatch(q, { top, filter, threads: 2 });
      for (let r = 0; r < 3; r++) {
        const v = q.subarray(r * dim, (r + 1) * dim);
        const want = bruteForce(e.ids, e.vectors, dim, v, top, { allow });
        for (const got of [index.search(v, { top, filter }), batch[r] ?? []]) {
          expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
          for (const h of got) expect(allow(h.id as number)).toBe(true);
        }
      }
      // more like this: the item itself and the excluded ids never come back
      const self = e.ids[rng.nextBelow(n)]!;
      for (const h of index.similar(self, { top: 50, filter: { exclude } })) {
        expect(h.id === self || ex.has(h.id as number)).toBe(false);
      }
    }
  });

  test('where as a function, and the in / notIn / gt operators', () => {
    const dim = 6;
    const e = randomEmbeddings(77, 500, dim);
    const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim, { backend: kernels }).withAttributes(
      attributes(e.ids),
    );
    const q = e.query(1);
    const fn = index.search(q, { top: 500, filter: { where: (row) => row.genre === 'doc' && row.inStock === true } });
    expect(fn.length).toBeGreaterThan(0);
    for (const h of fn) expect((h.id as number) % 4 === 3 && (h.id as number) % 3 !== 0).toBe(true);
    const ops = index.search(q, {
      top: 500,
      filter: { where: { genre: { in: ['drama', 'horror'] }, price: { gt: 9 } } },
    });
    for (const h of ops) expect([0, 2]).toContain((h.id as number) % 4);
    expect(ops.every((h) => ((h.id as number) % 13) * 1.5 > 9)).toBe(true);
    const not = index.search(q, { top: 500, filter: { where: { genre: { notIn: ['drama'] } } } });
    // ids without an attribute row have genre null: notIn keeps them, an equality test drops them
    expect(not.some((h) => (h.id as number) % 10 === 0)).toBe(true);
  });

  test('bad filters are InputErrors naming the field', () => {
    const e = randomEmbeddings(3, 50, 4);
    const bare = EmbeddingIndex.fromArrays(e.ids, e.vectors, 4, { backend: kernels });
    const index = bare.withAttributes(attributes(e.ids));
    const q = [1, 0, 0, 0];
    expect(() => bare.search(q, { filter: { where: { genre: 'doc' } } })).toThrow(/has no item attributes/);
    expect(() => index.search(q, { filter: { where: { colour: 'red' } } })).toThrow(/unknown column "colour"/);
    expect(() => index.search(q, { filter: { where: { price: { around: 3 } } as never } })).toThrow(
      /filter.where.price: unknown operator "around"/,
    );
    expect(() => index.search(q, { filter: { exclude: 5 as never } })).toThrow(InputError);
    expect(() => index.search(q, { filter: { exclude: 5 as never } })).toThrow(/filter.exclude: expected an array/);
  });
});
