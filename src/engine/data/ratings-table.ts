import { type Table, tableFromArrays } from 'apache-arrow';

/** An id column: Int32 when every id is an int32, Float64 for other numbers, or strings. */
export type IdColumn = Int32Array | Float64Array | string[];

export interface RatingColumnsData {
  user: IdColumn;
  item: IdColumn;
  rating: Float32Array;
  /** Unix seconds. */
  timestamp?: Float64Array | undefined;
}

/**
 * The one shape every reader returns: user, item, rating (Float32)[, timestamp (Float64)].
 * Typed arrays become Arrow vectors without a copy.
 */
export function ratingsTable(c: RatingColumnsData): Table {
  const cols: Record<string, IdColumn | Float32Array | Float64Array> = {
    user: c.user,
    item: c.item,
    rating: c.rating,
  };
  if (c.timestamp) cols.timestamp = c.timestamp;
  return tableFromArrays(cols as Parameters<typeof tableFromArrays>[0]);
}

/** Numbers as the narrowest exact id column (Int32 when all fit), keeping strings as strings. */
export function toIdColumn(values: ArrayLike<number> | readonly string[]): IdColumn {
  if (values.length > 0 && typeof values[0] === 'string') return Array.from(values as readonly string[]);
  const nums = values as ArrayLike<number>;
  for (let i = 0; i < nums.length; i++) {
    const v = nums[i]!;
    if ((v | 0) !== v) return nums instanceof Float64Array ? nums : Float64Array.from(nums);
  }
  return nums instanceof Int32Array ? nums : Int32Array.from(nums);
}
