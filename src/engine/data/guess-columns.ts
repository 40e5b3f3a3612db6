import { InputError } from '../errors.js';
import { plainOrQuoted } from './quote-bounded.js';
import type { ColumnRef, RatingColumns } from './ratings-layout.js';

// Header names seen in MovieLens, Amazon, Book-Crossing, Last.fm and Surprise-style exports,
// compared lower-cased without '_', '-' and spaces.
const ALIASES: Record<keyof RatingColumns, string[]> = {
  user: ['user', 'userid', 'uid', 'users', 'customer', 'customerid', 'reviewerid', 'userindex'],
  item: ['item', 'itemid', 'iid', 'movie', 'movieid', 'product', 'productid', 'asin', 'artistid', 'bookid', 'isbn'],
  rating: ['rating', 'ratings', 'score', 'stars', 'weight', 'value', 'overall', 'bookrating'],
  timestamp: ['timestamp', 'time', 'ts', 'unixtime', 'unixreviewtime', 'datetime'],
};

const key = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');

/** Maps header names to rating columns by common aliases; undefined when user/item/rating are not all found. */
export function guessColumns(names: readonly string[]): RatingColumns | undefined {
  const keys = names.map(key);
  const find = (role: keyof RatingColumns) => {
    const i = keys.findIndex((k) => ALIASES[role].includes(k));
    return i < 0 ? undefined : i;
  };
  const user = find('user');
  const item = find('item');
  const rating = find('rating');
  if (user === undefined || item === undefined || rating === undefined) return undefined;
  return { user, item, rating, timestamp: find('timestamp') };
}

/** Resolves a column given by name (exact, then case-insensitive) or position against a header. */
export function columnIndex(ref: ColumnRef, names: readonly string[] | undefined, source: string): number {
  if (typeof ref === 'number') return ref;
  if (/^\d+$/.test(ref)) return Number(ref);
  if (!names) throw new InputError(`${source}: column "${ref}" is named but the file has no header`);
  let i = names.indexOf(ref);
  if (i < 0) i = names.findIndex((n) => key(n) === key(ref));
  if (i < 0) {
    throw new InputError(`${source}: no column "${ref}" in the header (columns: ${plainOrQuoted(names.join(', '))})`);
  }
  return i;
}

/**
 * Parses a `--columns user=userId,item=movieId,rating=stars[,timestamp=ts]` mapping (names or
 * zero-based positions).
 */
export function parseColumnMapping(text: string): RatingColumns {
  const out: Partial<Record<keyof RatingColumns, ColumnRef>> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || !v || !(k in ALIASES)) {
      throw new InputError(
        `--columns: "${part}" is not role=column (roles: user, item, rating, timestamp); e.g. user=userId,item=movieId,rating=rating`,
      );
    }
    out[k as keyof RatingColumns] = /^\d+$/.test(v) ? Number(v) : v;
  }
  if (out.user === undefined || out.item === undefined || out.rating === undefined) {
    throw new InputError(`--columns "${text}" must name user, item and rating`);
  }
  return out as RatingColumns;
}
