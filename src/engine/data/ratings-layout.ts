import type { RatingScale } from '../matrix/rating-matrix.js';

/** A column by zero-based position, or by its header name. */
export type ColumnRef = number | string;

/** Where the rating columns sit in a file. `timestamp` is optional (Unix seconds). */
export interface RatingColumns {
  user: ColumnRef;
  item: ColumnRef;
  rating: ColumnRef;
  timestamp?: ColumnRef | undefined;
}

export type TextEncoding = 'utf-8' | 'latin1';

/** A delimited text ratings file: TSV `u.data`, `::` `.dat`, CSV with header, ... */
export interface DelimitedLayout {
  format: 'delimited';
  file: string;
  /** ',' '\t' '|' ';' or '::'. */
  delimiter: string;
  header: boolean;
  encoding?: TextEncoding | undefined;
  columns: RatingColumns;
}

/** A columnar ratings file; columns default to user/item/rating/timestamp by name. */
export interface ColumnarLayout {
  format: 'parquet' | 'arrow';
  file: string;
  columns?: RatingColumns | undefined;
}

export type RatingsLayout = DelimitedLayout | ColumnarLayout;

/** How genres are written in an items file. */
export type GenresFormat =
  /** 'Action|Comedy' as MovieLens writes them. */
  | 'pipe'
  /** TMDB's JSON array of {id, name}. */
  | 'json-names'
  /** u.item: one 0/1 flag column per genre, starting at column `first`. */
  | { flags: number; names: string[] };

/** An items (movies) metadata file. Ids in `item` are the rating file's item ids. */
export interface ItemsLayout {
  file: string;
  delimiter: string;
  header: boolean;
  encoding?: TextEncoding | undefined;
  columns: { item: ColumnRef; title: ColumnRef; genres?: ColumnRef | undefined };
  genres?: GenresFormat | undefined;
}

/** Options every ratings reader takes. */
export interface ReadRatingsOptions {
  /** Ratings outside it are refused (or skipped with skipBad). */
  scale?: RatingScale | undefined;
  /** Skip malformed rows and count them instead of failing on the first. */
  skipBad?: boolean | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

/** What a ratings reader returns beside the table. */
export interface ReadReport {
  rows: number;
  skipped: number;
  /** The first few skipped rows' reasons (file, line, field). */
  skippedExamples: string[];
}

/** Delimiter names accepted wherever a delimiter is given (CLI flags, registry). */
export function normalizeDelimiter(d: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', pipe: '|', semicolon: ';' };
  return named[d] ?? d;
}
