import { describe, expect, test } from 'vitest';
import { loadKnownRatings } from '../../src/engine/data/load-ratings.js';
import { RatingMatrix } from '../../src/engine/matrix/rating-matrix.js';
import { dataPath, missing } from '../support/data-dir.js';

// Exact counts from ../shared/datasets/README.md.
const CASES = [
  { name: 'ml-100k', file: 'u.data', ratings: 100_000, users: 943, items: 1_682 },
  { name: 'ml-latest-small', file: 'ratings.csv', ratings: 100_836, users: 610, items: 9_724 },
  { name: 'the-movies-dataset', file: 'ratings_small.csv', ratings: 100_004, users: 671, items: 9_066 },
  { name: 'ml-1m-triples', file: 'ratings.tsv', ratings: 1_000_209, users: 6_040, items: 3_706 },
];

describe.each(CASES)('$name', (c) => {
  test.skipIf(!dataPath(c.name, c.file))(`loads with the published counts (${missing(c.name, c.file)})`, async () => {
    const { matrix, report } = await RatingMatrix.fromTable(loadKnownRatings(c.name));
    expect(matrix.nRatings).toBe(c.ratings);
    expect(matrix.nUsers).toBe(c.users);
    expect(matrix.nItems).toBe(c.items);
    expect(report.duplicates).toBe(0);
  });
});
