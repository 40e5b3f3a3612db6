import { closeSync, openSync, writeSync } from 'node:fs';
import type { RatingColumnsData } from './ratings-table.js';

const ROWS_PER_WRITE = 1 << 16;

/**
 * Writes ratings as MovieLens-style CSV (`userId,movieId,rating,timestamp`, LF) for the CSV-load
 * benchmark; 64K rows per write keeps memory flat for 25M rows. Numeric ids only.
 */
export function writeRatingsCsv(
  path: string,
  d: RatingColumnsData,
  header = 'userId,movieId,rating,timestamp',
): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const t = d.timestamp;
    const cols = t ? header : header.split(',').slice(0, 3).join(',');
    bytes += writeSync(fd, `${cols}\n`);
    const n = d.rating.length;
    for (let a = 0; a < n; a += ROWS_PER_WRITE) {
      const b = Math.min(n, a + ROWS_PER_WRITE);
      const lines: string[] = new Array(b - a);
      for (let i = a; i < b; i++) {
        lines[i - a] = t
          ? `${d.user[i]},${d.item[i]},${d.rating[i]},${t[i]}\n`
          : `${d.user[i]},${d.item[i]},${d.rating[i]}\n`;
      }
      bytes += writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
