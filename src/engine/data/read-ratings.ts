import type { Table } from 'apache-arrow';
import type { RatingsLayout, ReadRatingsOptions, ReadReport } from './ratings-layout.js';
import { readColumnarRatings } from './read-columnar-ratings.js';
import { readDelimitedRatings } from './read-delimited-ratings.js';

/**
 * Reads a ratings file of any supported layout into an Arrow table with user, item,
 * rating (Float32)[, timestamp (Float64, Unix seconds)].
 */
export function readRatings(
  path: string,
  layout: RatingsLayout,
  o: ReadRatingsOptions = {},
): Promise<{ table: Table; report: ReadReport }> {
  return layout.format === 'delimited' ? readDelimitedRatings(path, layout, o) : readColumnarRatings(path, layout, o);
}
