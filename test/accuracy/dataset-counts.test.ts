import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/adapters/datasets/load-dataset.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// Exact counts from ../shared/datasets/README.md (checked there against the upstream READMEs).
const CASES = [
  { name: 'ml-100k', file: 'u.data', ratings: 100_000, users: 943, items: 1_682, min: 1, max: 5, ts: true },
  {
    name: 'ml-latest-small',
    file: 'ratings.csv',
    ratings: 100_836,
    users: 610,
    items: 9_724,
    min: 0.5,
    max: 5,
    ts: true,
  },
  {
    name: 'the-movies-dataset',
    file: 'ratings_small.csv',
    ratings: 100_004,
    users: 671,
    items: 9_066,
    min: 0.5,
    max: 5,
    ts: true,
  },
  {
    name: 'ml-1m-triples',
    file: 'ratings.tsv',
    ratings: 1_000_209,
    users: 6_040,
    items: 3_706,
    min: 1,
    max: 5,
    ts: false,
  },
  {
    name: 'hetrec2011-lastfm-2k',
    file: 'user_artists.dat',
    ratings: 92_834,
    users: 1_892,
    items: 17_632,
    min: 1,
    max: 352_698,
    ts: false,
  },
];

describe.each(CASES)('$name', (c) => {
  test.skipIf(!dataPath(c.name, c.file))(`loads with the published counts (${missing(c.name, c.file)})`, async () => {
    const d = await loadDataset(c.name, { dataDir: process.env.RECKIT_DATA_DIR, items: false });
    expect(d.ratings.getChild('rating')?.type.toString()).toBe('Float32');
    expect(d.ratings.getChild('timestamp') !== null).toBe(c.ts);
    expect(d.report.skipped).toBe(0);
    expect(d.report.origin).toBe('data-dir');
    const { matrix, report } = await RatingMatrix.fromTable(d.ratings, { scale: d.scale });
    expect(matrix.nRatings).toBe(c.ratings);
    expect(matrix.nUsers).toBe(c.users);
    expect(matrix.nItems).toBe(c.items);
    expect(report.duplicates).toBe(0);
    const v = matrix.csr.values;
    expect(Math.min(...v.subarray(0, 1))).toBeGreaterThanOrEqual(c.min);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const x of v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect([lo, hi]).toEqual([c.min, c.max]);
  });
});

test.skipIf(!dataPath('ml-100k', 'u.data'))('ml-100k: per-value rating counts match the manifest', async () => {
  const d = await loadDataset('ml-100k', { items: false });
  const counts = [0, 0, 0, 0, 0];
  for (const r of d.ratings.getChild('rating')!.toArray() as Float32Array) counts[r - 1]!++;
  expect(counts).toEqual([6_110, 11_370, 27_145, 34_174, 21_201]);
  const ts = d.ratings.getChild('timestamp')?.toArray() as Float64Array;
  expect([Math.min(...ts), Math.max(...ts)]).toEqual([874_724_710, 893_286_638]);
});
